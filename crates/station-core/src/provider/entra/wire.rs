//! The Request Service's JSON, field for field as seeds 001 (issuance), 002
//! (preview issuance) and 003 (presentation) document it.

use serde::{Deserialize, Serialize};

use crate::config::{ConstraintRule, PresentationTemplate};
use crate::pin::PinPayload;
use crate::provider::{CallbackTicket, Claims};

#[derive(Serialize)]
pub struct Registration<'a> {
    #[serde(rename = "clientName")]
    pub client_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<&'a str>,
}

#[derive(Serialize)]
pub struct Callback<'a> {
    pub url: &'a str,
    pub state: &'a str,
    pub headers: CallbackHeaders<'a>,
}

#[derive(Serialize)]
pub struct CallbackHeaders<'a> {
    #[serde(rename = "api-key")]
    pub api_key: &'a str,
}

impl<'a> Callback<'a> {
    pub fn from_ticket(ticket: &'a CallbackTicket) -> Self {
        Callback {
            url: ticket.url.as_str(),
            state: &ticket.state,
            headers: CallbackHeaders {
                api_key: ticket.api_key.expose(),
            },
        }
    }
}

/// `createIssuanceRequest` (seed 001).
#[derive(Serialize)]
pub struct IssuanceRequest<'a> {
    /// The station renders its own QR from `url`, so the service's PNG
    /// would only add weight.
    #[serde(rename = "includeQRCode")]
    pub include_qr_code: bool,
    pub callback: Callback<'a>,
    pub authority: &'a str,
    pub registration: Registration<'a>,
    #[serde(rename = "type")]
    pub credential_type: &'a str,
    pub manifest: &'a str,
    #[serde(skip_serializing_if = "Claims::is_empty")]
    pub claims: &'a Claims,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pin: Option<PinPayload>,
}

/// The preview API's request (seed 002): the credential part is nested.
#[derive(Serialize)]
pub struct PreviewIssuanceRequest<'a> {
    #[serde(rename = "includeQRCode")]
    pub include_qr_code: bool,
    pub callback: Callback<'a>,
    pub authority: &'a str,
    pub registration: Registration<'a>,
    pub issuance: PreviewIssuance<'a>,
}

#[derive(Serialize)]
pub struct PreviewIssuance<'a> {
    #[serde(rename = "type")]
    pub credential_type: &'a str,
    pub manifest: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pin: Option<PinPayload>,
    #[serde(skip_serializing_if = "Claims::is_empty")]
    pub claims: &'a Claims,
}

/// `createPresentationRequest` (seed 003).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PresentationRequest<'a> {
    pub authority: &'a str,
    #[serde(rename = "includeQRCode")]
    pub include_qr_code: bool,
    pub include_receipt: bool,
    pub registration: Registration<'a>,
    pub callback: Callback<'a>,
    pub requested_credentials: Vec<RequestedCredential<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestedCredential<'a> {
    #[serde(rename = "type")]
    pub credential_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub accepted_issuers: &'a [String],
    pub configuration: Configuration,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<Constraint<'a>>,
}

#[derive(Serialize)]
pub struct Configuration {
    pub validation: Validation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Validation {
    pub allow_revoked: bool,
    pub validate_linked_domain: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub face_check: Option<FaceCheck>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FaceCheck {
    pub source_photo_claim_name: String,
    pub match_confidence_threshold: u8,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Constraint<'a> {
    pub claim_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contains: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts_with: Option<&'a str>,
}

impl<'a> PresentationRequest<'a> {
    pub fn new(template: &'a PresentationTemplate, ticket: &'a CallbackTicket) -> Self {
        let constraints = template
            .constraints
            .iter()
            .map(|c| {
                let mut constraint = Constraint {
                    claim_name: &c.claim,
                    values: None,
                    contains: None,
                    starts_with: None,
                };
                match &c.rule {
                    ConstraintRule::Values(values) => constraint.values = Some(values),
                    ConstraintRule::Contains(text) => constraint.contains = Some(text),
                    ConstraintRule::StartsWith(text) => constraint.starts_with = Some(text),
                }
                constraint
            })
            .collect();
        PresentationRequest {
            authority: &template.authority,
            include_qr_code: false,
            include_receipt: template.include_receipt,
            registration: Registration {
                client_name: &template.client_name,
                purpose: template.purpose.as_deref(),
            },
            callback: Callback::from_ticket(ticket),
            requested_credentials: vec![RequestedCredential {
                credential_type: &template.credential_type,
                purpose: template.purpose.as_deref(),
                accepted_issuers: &template.accepted_issuers,
                configuration: Configuration {
                    validation: Validation {
                        allow_revoked: template.allow_revoked,
                        validate_linked_domain: template.validate_linked_domain,
                        face_check: template.face_check.as_ref().map(|f| FaceCheck {
                            source_photo_claim_name: f.source_photo_claim.clone(),
                            match_confidence_threshold: f.match_confidence_threshold,
                        }),
                    },
                },
                constraints,
            }],
        }
    }
}

/// HTTP 201 body of both create calls.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedResponse {
    pub request_id: String,
    pub url: String,
    pub expiry: i64,
}

/// The documented error body: `{requestId, date, error{code, message, innererror{code, message, target}}}`.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    #[serde(default)]
    pub message: String,
    pub innererror: Option<InnerError>,
}

#[derive(Debug, Deserialize)]
pub struct InnerError {
    pub code: Option<String>,
    pub message: Option<String>,
    pub target: Option<String>,
}
