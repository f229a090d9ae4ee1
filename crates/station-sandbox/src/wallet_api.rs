//! The wire types of the simulated wallet's JSON API, shared by the server
//! ([`crate::wallet`]) and [`crate::WalletClient`] so both sides agree.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::spec::RequestKind;

/// What the wallet shows after scanning a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenedRequest {
    pub request_id: String,
    pub kind: RequestKind,
    pub credential_type: String,
    pub pin_required: bool,
    pub pin_length: Option<u8>,
    /// HTTP status the `request_retrieved` callback got; absent if unreachable.
    pub callback_status: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PinOutcome {
    pub accepted: bool,
    /// Status of the `issuance_error` callback a wrong PIN causes; absent when
    /// no callback was sent or it was unreachable.
    pub callback_status: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WalletActionOutcome {
    pub callback_status: Option<u16>,
}

/// A request the wallet could still act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingRequest {
    pub request_id: String,
    pub kind: RequestKind,
    pub credential_type: String,
    pub url: String,
    /// `created` (not yet opened) or `retrieved`.
    pub status: String,
    pub expiry: i64,
}

/// A credential the simulated wallet holds after a successful issuance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldCredential {
    pub id: String,
    pub types: Vec<String>,
    pub issuer: String,
    pub claims: BTreeMap<String, String>,
    /// Unix seconds.
    pub issued_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OpenBody {
    pub url: String,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PinBody {
    pub request_id: String,
    pub pin: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RequestIdBody {
    pub request_id: String,
}
