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
