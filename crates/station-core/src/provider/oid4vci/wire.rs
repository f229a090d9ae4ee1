//! The issuer admin API's request and response bodies (seed 004), with
//! exactly the documented field names.

use serde::{Deserialize, Serialize};

use crate::provider::Claims;

/// `POST …/credential/issue`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueRequest<'a> {
    pub issuance_mode: &'static str,
    pub credential_definition_id: &'a str,
    /// Absent in Deferred mode until the wallet has taken the offer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<CredentialData<'a>>,
    /// Turns on the pre-authorized code grant's `tx_code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_pin: Option<&'a str>,
    pub url_scheme: &'static str,
}

/// The claims of a credential, as `credential` in an issue or update call.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialData<'a> {
    pub credential_subject: &'a Claims,
}

/// `PUT …/credential/history/{id}` for a Deferred credential.
#[derive(Serialize)]
pub struct DeferredUpdate<'a> {
    pub credential: CredentialData<'a>,
}

/// The answer to issue, history and update calls.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryResponse {
    pub credential_history: CredentialHistory,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialHistory {
    pub credential_exchange_id: String,
    #[serde(default)]
    pub credential_offer: Option<String>,
    pub status: String,
}

/// An error body. The seed documents none; issuers answer with one of
/// these field sets, so each is optional.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub error: Option<serde_json::Value>,
    #[serde(alias = "error_description", alias = "errorDescription")]
    pub message: Option<String>,
    #[serde(alias = "target")]
    pub field: Option<String>,
}

impl ErrorBody {
    pub fn code(&self) -> String {
        match &self.error {
            Some(serde_json::Value::String(code)) => code.clone(),
            Some(serde_json::Value::Object(inner)) => inner
                .get("code")
                .and_then(|c| c.as_str())
                .unwrap_or("error")
                .to_owned(),
            _ => "error".to_owned(),
        }
    }

    pub fn message(&self) -> String {
        let nested = match &self.error {
            Some(serde_json::Value::Object(inner)) => inner.get("message").and_then(|m| m.as_str()),
            _ => None,
        };
        self.message
            .as_deref()
            .or(nested)
            .unwrap_or("no details given")
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seed 004's field names: `issuanceMode`, `credentialDefinitionId`,
    /// `credential.credentialSubject`, `userPin`, `urlScheme`.
    #[test]
    fn an_in_time_issue_request_uses_the_documented_names() {
        let claims = Claims::from([("given_name".to_owned(), "Megan".to_owned())]);
        let request = IssueRequest {
            issuance_mode: "InTime",
            credential_definition_id: "EventBadge",
            credential: Some(CredentialData {
                credential_subject: &claims,
            }),
            user_pin: Some("123456"),
            url_scheme: "openid-credential-offer://",
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({
                "issuanceMode": "InTime",
                "credentialDefinitionId": "EventBadge",
                "credential": { "credentialSubject": { "given_name": "Megan" } },
                "userPin": "123456",
                "urlScheme": "openid-credential-offer://"
            })
        );
        let deferred = IssueRequest {
            issuance_mode: "Deferred",
            credential: None,
            user_pin: None,
            ..request
        };
        let sent = serde_json::to_value(&deferred).unwrap();
        assert!(sent.get("credential").is_none() && sent.get("userPin").is_none());
    }

    #[test]
    fn the_history_answer_and_error_bodies_are_read() {
        let history: HistoryResponse = serde_json::from_str(
            r#"{"credentialHistory":{"credentialExchangeId":"x-1","issuanceMode":"InTime","isPreAuthorised":true,"credentialOffer":"openid-credential-offer://?credential_offer=%7B%7D","credentialStatus":"ready","status":"offer_sent"}}"#,
        )
        .unwrap();
        assert_eq!(history.credential_history.status, "offer_sent");
        let error: ErrorBody =
            serde_json::from_str(r#"{"error":"invalid_request","error_description":"userPin must be 4-12 characters","field":"userPin"}"#)
                .unwrap();
        assert_eq!(
            (error.code().as_str(), error.field.as_deref()),
            ("invalid_request", Some("userPin"))
        );
        assert!(error.message().contains("4-12"));
    }
}
