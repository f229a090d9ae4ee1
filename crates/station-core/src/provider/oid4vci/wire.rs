//! The issuer admin API's request and response bodies, with exactly the
//! documented field names: seed 004's, and where today's API differs (the
//! claim carrier follows the definition's format; `credentialHistory` may
//! be an array), today's.

use serde::{Deserialize, Serialize};

use crate::config::CredentialFormat;
use crate::provider::{Claims, ProviderError};

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

/// The claims of a credential, as `credential` in an issue or update call,
/// in the carrier the definition's format needs: `type` +
/// `credentialSubject` (`jwt_vc_json`, and SD-JWT VCs on seed 004's API),
/// `vct` + `claims` (`dc+sd-jwt`), `doctype` + `claims` (`mso_mdoc`).
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CredentialData<'a> {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub credential_type: Option<[&'a str; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vct: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doctype: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_subject: Option<&'a Claims>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<&'a Claims>,
}

impl<'a> CredentialData<'a> {
    /// `credential` of an issue call: the carrier, with the credential's
    /// type (`type`, `vct` or `doctype`) named as the format names it.
    pub fn issued(format: CredentialFormat, credential_type: &'a str, claims: &'a Claims) -> Self {
        let carrier = Self::carrier(format, claims);
        match format {
            CredentialFormat::SdJwt => CredentialData {
                vct: Some(credential_type),
                ..carrier
            },
            CredentialFormat::JwtVcJson => CredentialData {
                credential_type: Some([credential_type]),
                ..carrier
            },
            CredentialFormat::MsoMdoc => CredentialData {
                doctype: Some(credential_type),
                ..carrier
            },
            // Seed 004's API names the credential by its definition id.
            CredentialFormat::LegacySdJwt => carrier,
        }
    }

    /// Just the claims in the format's carrier, as a Deferred `PUT` sends them.
    pub fn carrier(format: CredentialFormat, claims: &'a Claims) -> Self {
        match format {
            CredentialFormat::SdJwt | CredentialFormat::MsoMdoc => CredentialData {
                claims: Some(claims),
                ..Default::default()
            },
            CredentialFormat::JwtVcJson | CredentialFormat::LegacySdJwt => CredentialData {
                credential_subject: Some(claims),
                ..Default::default()
            },
        }
    }
}

/// `PUT …/credential/history/{id}` for a Deferred credential.
#[derive(Serialize)]
pub struct DeferredUpdate<'a> {
    pub credential: CredentialData<'a>,
}

/// One exchange record of `credentialHistory`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialHistory {
    pub credential_exchange_id: String,
    #[serde(default)]
    pub credential_offer: Option<String>,
    pub status: String,
}

/// The answer to issue, history and update calls: the exchange records of
/// one issuance, never empty. The issuer answers with one object when the
/// issuance makes one record, and an array when it makes more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    first: CredentialHistory,
    rest: Vec<CredentialHistory>,
}

impl History {
    /// Every record, in the issuer's order.
    pub fn records(&self) -> impl Iterator<Item = &CredentialHistory> {
        std::iter::once(&self.first).chain(&self.rest)
    }

    /// The record the station follows: the first that carries an offer
    /// (the one a wallet scans), else the first.
    pub fn primary(&self) -> &CredentialHistory {
        self.records()
            .find(|r| r.credential_offer.is_some())
            .unwrap_or(&self.first)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HistoryResponse {
    credential_history: OneOrMany,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(CredentialHistory),
    Many(Vec<CredentialHistory>),
}

/// Reads the body of a successful admin API answer
/// (`{"credentialHistory": {…}}` or `{"credentialHistory": [{…}, …]}`).
/// Public and taking raw bytes, so it can be fuzzed as the station uses it.
pub fn parse_history(body: &[u8]) -> Result<History, ProviderError> {
    let protocol = |detail: String| ProviderError::Protocol {
        detail: format!("credential history: {detail}"),
    };
    let response: HistoryResponse = serde_json::from_slice(body).map_err(|e| protocol(e.to_string()))?;
    let records = match response.credential_history {
        OneOrMany::One(record) => vec![record],
        OneOrMany::Many(records) => records,
    };
    if records.iter().any(|r| r.credential_exchange_id.trim().is_empty()) {
        return Err(protocol(
            "an exchange record without a credentialExchangeId".into(),
        ));
    }
    let mut records = records.into_iter();
    let first = records
        .next()
        .ok_or_else(|| protocol("no exchange record".into()))?;
    Ok(History {
        first,
        rest: records.collect(),
    })
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
    use serde_json::json;

    fn megan() -> Claims {
        Claims::from([("given_name".to_owned(), "Megan".to_owned())])
    }

    /// Seed 004's field names: `issuanceMode`, `credentialDefinitionId`,
    /// `credential.credentialSubject`, `userPin`, `urlScheme`.
    #[test]
    fn a_seed_004_issue_request_uses_the_documented_names() {
        let claims = megan();
        let request = IssueRequest {
            issuance_mode: "InTime",
            credential_definition_id: "EventBadge",
            credential: Some(CredentialData::issued(
                CredentialFormat::LegacySdJwt,
                "EventBadge",
                &claims,
            )),
            user_pin: Some("123456"),
            url_scheme: "openid-credential-offer://",
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({
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
    fn the_claim_carrier_follows_the_format() {
        let claims = megan();
        let issued = |format| serde_json::to_value(CredentialData::issued(format, "Badge", &claims)).unwrap();
        let put = |format| {
            serde_json::to_value(DeferredUpdate {
                credential: CredentialData::carrier(format, &claims),
            })
            .unwrap()
        };
        let subject = json!({"given_name": "Megan"});
        assert_eq!(
            issued(CredentialFormat::SdJwt),
            json!({"vct": "Badge", "claims": subject})
        );
        assert_eq!(
            issued(CredentialFormat::JwtVcJson),
            json!({"type": ["Badge"], "credentialSubject": subject})
        );
        assert_eq!(
            issued(CredentialFormat::MsoMdoc),
            json!({"doctype": "Badge", "claims": subject})
        );
        assert_eq!(
            put(CredentialFormat::SdJwt),
            json!({"credential": {"claims": subject}})
        );
        assert_eq!(
            put(CredentialFormat::JwtVcJson),
            json!({"credential": {"credentialSubject": subject}})
        );
        assert_eq!(
            put(CredentialFormat::LegacySdJwt),
            json!({"credential": {"credentialSubject": subject}})
        );
    }

    #[test]
    fn the_history_is_one_object_or_an_array() {
        let one = parse_history(
            br#"{"credentialHistory":{"credentialExchangeId":"x-1","issuanceMode":"InTime","isPreAuthorised":true,"credentialOffer":"openid-credential-offer://?credential_offer=%7B%7D","credentialStatus":"ready","status":"offer_sent"}}"#,
        )
        .unwrap();
        assert_eq!(one.records().count(), 1);
        assert_eq!(one.primary().status, "offer_sent");
        let many = parse_history(
            br#"{"credentialHistory":[{"credentialExchangeId":"x-2","status":"offer_sent"},{"credentialExchangeId":"x-3","credentialOffer":"haip://?x","status":"offer_sent"}]}"#,
        )
        .unwrap();
        assert_eq!(many.records().count(), 2);
        assert_eq!(many.primary().credential_exchange_id, "x-3");
        for bad in [
            &br#"{"credentialHistory":[]}"#[..],
            br#"{"credentialHistory":{"credentialExchangeId":" ","status":"offer_sent"}}"#,
            br#"{"credentialHistory":{}}"#,
            br#"{"credentialHistory":"x"}"#,
            b"\xff\xfe",
            b"",
        ] {
            assert!(
                matches!(parse_history(bad), Err(ProviderError::Protocol { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn error_bodies_are_read() {
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
