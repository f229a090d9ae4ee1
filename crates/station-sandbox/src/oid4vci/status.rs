//! The admin API's enumerations (seed 004), public so tests and callers
//! name them instead of repeating strings.

use serde::{Deserialize, Serialize};

/// Where an offer is (`status` in the credential history). The wallet
/// drives every step but the denial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    /// Created; no wallet has used the offer yet.
    OfferSent,
    /// A wallet sent its first token request for the offer's code: it has
    /// opened the offer, whether or not its `tx_code` was right.
    OfferReceived,
    /// The credential (or deferred credential) endpoint returned it.
    CredentialIssued,
    /// The wallet answered at the notification endpoint: it has seen the
    /// credential. Stays so after `credential_failure`.
    CredentialAcked,
    /// Notification `credential_accepted`.
    CredentialAccepted,
    /// Notification `credential_deleted`.
    CredentialDeleted,
    /// Denied through the admin API; the offer no longer works.
    IssuanceDenied,
}

impl OfferStatus {
    pub const ALL: [OfferStatus; 7] = [
        OfferStatus::OfferSent,
        OfferStatus::OfferReceived,
        OfferStatus::CredentialIssued,
        OfferStatus::CredentialAcked,
        OfferStatus::CredentialAccepted,
        OfferStatus::CredentialDeleted,
        OfferStatus::IssuanceDenied,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OfferStatus::OfferSent => "offer_sent",
            OfferStatus::OfferReceived => "offer_received",
            OfferStatus::CredentialIssued => "credential_issued",
            OfferStatus::CredentialAcked => "credential_acked",
            OfferStatus::CredentialAccepted => "credential_accepted",
            OfferStatus::CredentialDeleted => "credential_deleted",
            OfferStatus::IssuanceDenied => "issuance_denied",
        }
    }

    /// Whether the credential has left the issuer.
    pub fn is_issued(self) -> bool {
        matches!(
            self,
            OfferStatus::CredentialIssued
                | OfferStatus::CredentialAcked
                | OfferStatus::CredentialAccepted
                | OfferStatus::CredentialDeleted
        )
    }
}

/// Whether the claims are there to issue (`credentialStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialStatus {
    /// Deferred, and the claims have not been supplied yet.
    Pending,
    Ready,
}

/// `issuanceMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IssuanceMode {
    /// The claims come with the issue call.
    InTime,
    /// The claims come later, with `PUT …/credential/history/{id}`.
    Deferred,
}

impl IssuanceMode {
    pub fn as_str(self) -> &'static str {
        match self {
            IssuanceMode::InTime => "InTime",
            IssuanceMode::Deferred => "Deferred",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_names_match_as_str() {
        for status in OfferStatus::ALL {
            assert_eq!(serde_json::to_value(status).ok(), Some(status.as_str().into()));
        }
        for mode in [IssuanceMode::InTime, IssuanceMode::Deferred] {
            assert_eq!(serde_json::to_value(mode).ok(), Some(mode.as_str().into()));
        }
    }
}
