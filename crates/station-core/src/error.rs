//! The one shape in which any engine error reaches a user interface.
//!
//! Each module has its own `thiserror` enum; every one of them implements
//! [`ErrorCode`], so a front end can branch on a stable `code` and show the
//! human `message` without parsing strings.

use serde::Serialize;

/// A stable, machine-readable name for an error variant.
pub trait ErrorCode: std::error::Error {
    /// Stable identifier, e.g. `config.missing_field`; never reworded.
    fn code(&self) -> &'static str;
}

/// `{ "code": "...", "message": "..." }` as sent to the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UiError {
    pub code: String,
    pub message: String,
}

impl<E: ErrorCode> From<&E> for UiError {
    fn from(error: &E) -> Self {
        UiError {
            code: error.code().to_owned(),
            message: error.to_string(),
        }
    }
}

/// The prefix of every code a credential service itself reported (in a
/// callback, a subscription event or a status poll), so a front end can
/// tell them from the station's own codes without knowing any service.
pub const SERVICE_CODE_PREFIX: &str = "service.";

/// What a user is told for the service codes they meet at a desk; any
/// other code keeps the service's own message.
const SERVICE_CODE_MESSAGES: &[(&str, &str)] = &[
    (
        "badOrMissingField",
        "The wallet sent a wrong PIN (or wrong data). Start a new request and type the PIN exactly as shown.",
    ),
    ("userCanceled", "The request was declined in the wallet."),
    (
        "requestedCredentialNotFound",
        "The wallet has no credential that matches.",
    ),
];

impl UiError {
    /// A failure a credential service reported, as front ends show it:
    /// the code namespaced `service.<code>`, and a message a person at the
    /// desk can act on where the station knows the code.
    pub fn from_service(code: &str, service_message: &str) -> UiError {
        let message = SERVICE_CODE_MESSAGES
            .iter()
            .find(|(known, _)| *known == code)
            .map_or(service_message, |(_, message)| message);
        UiError {
            code: format!("{SERVICE_CODE_PREFIX}{code}"),
            message: message.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_service_code_is_namespaced_and_explained() {
        let error = UiError::from_service("badOrMissingField", "issuance_service_error");
        assert_eq!(error.code, "service.badOrMissingField");
        assert!(error.message.contains("wrong PIN"), "{}", error.message);
    }

    #[test]
    fn an_unknown_service_code_keeps_the_services_message() {
        let error = UiError::from_service("IssuanceFlowFailed", "issuance_service_error");
        assert_eq!(error.code, "service.IssuanceFlowFailed");
        assert_eq!(error.message, "issuance_service_error");
    }
}
