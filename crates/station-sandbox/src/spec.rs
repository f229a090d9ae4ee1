//! What a create call asked for, once validated: the parts the simulated
//! wallet and the callbacks need, in typed form. The raw body is kept
//! separately, unchanged, for [`crate::Sandbox::received`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::pin::PinSpec;

/// Whether a request issues or verifies a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RequestKind {
    Issuance,
    Presentation,
}

/// Which API generation created a request; it decides the callback's field
/// names (`requestStatus` now, `code` in the preview API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ApiShape {
    Current,
    Preview,
}

#[derive(Debug, Clone)]
pub(crate) struct CallbackSpec {
    pub url: String,
    pub state: String,
    /// Exactly the headers the caller asked for, names as given.
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub(crate) struct IssuanceSpec {
    pub authority: String,
    pub credential_type: String,
    pub claims: BTreeMap<String, String>,
    pub pin: Option<PinSpec>,
}

#[derive(Debug, Clone)]
pub(crate) struct PresentationSpec {
    pub requested: Vec<RequestedCredential>,
    pub include_receipt: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct RequestedCredential {
    pub credential_type: String,
    pub accepted_issuers: Vec<String>,
    pub constraints: Vec<Constraint>,
    pub face_check: Option<FaceCheck>,
}

#[derive(Debug, Clone)]
pub(crate) struct Constraint {
    pub claim_name: String,
    pub operand: ConstraintOperand,
}

#[derive(Debug, Clone)]
pub(crate) enum ConstraintOperand {
    Values(Vec<String>),
    Contains(String),
    StartsWith(String),
}

#[derive(Debug, Clone)]
pub(crate) struct FaceCheck {
    pub source_photo_claim_name: String,
    /// 50 to 100; the service's default is 70.
    pub match_confidence_threshold: u8,
}

#[derive(Debug, Clone)]
pub(crate) enum RequestSpec {
    Issuance(IssuanceSpec),
    Presentation(PresentationSpec),
}

/// A create call that passed validation.
#[derive(Debug, Clone)]
pub(crate) struct ValidRequest {
    pub spec: RequestSpec,
    pub callback: CallbackSpec,
    pub include_qr_code: bool,
}

impl RequestSpec {
    pub(crate) fn kind(&self) -> RequestKind {
        match self {
            Self::Issuance(_) => RequestKind::Issuance,
            Self::Presentation(_) => RequestKind::Presentation,
        }
    }

    /// The credential type(s) involved, for the wallet's display.
    pub(crate) fn credential_type(&self) -> String {
        match self {
            Self::Issuance(issuance) => issuance.credential_type.clone(),
            Self::Presentation(presentation) => presentation
                .requested
                .iter()
                .map(|r| r.credential_type.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}
