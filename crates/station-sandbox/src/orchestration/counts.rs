//! What the sandbox counts for each identity identifier: the remote
//! issuance requests created for it and the credentials issued to it. A
//! station names each recipient with its own job id as the identifier, so
//! these counts tell a test whether any job went out, or was issued, more
//! than once — however often the station crashed in between. Read them
//! with [`crate::Sandbox::orchestration_counts`] or `GET
//! /sandbox/orchestration/counts`.

use std::collections::{BTreeMap, HashMap};

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::http::Routes;

/// Where [`counts`] is served.
pub(super) const PATH: &str = "/sandbox/orchestration/counts";

/// The counts of one identity identifier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuanceCounts {
    /// Remote issuance requests (`createAsyncIssuanceRequest` inputs) created.
    pub remote_issuances: u64,
    /// Issuances that ended `issuance_successful`: credentials a wallet holds.
    pub credentials_issued: u64,
}

/// The counts by identifier. Never forgotten, unlike the requests: a
/// count is a few bytes, and a test reads them at the very end.
#[derive(Debug, Default)]
pub(super) struct Counts(HashMap<String, IssuanceCounts>);

impl Counts {
    pub(super) fn remote_issuance_created(&mut self, identifier: &str) {
        let counts = self.0.entry(identifier.to_owned()).or_default();
        counts.remote_issuances = counts.remote_issuances.saturating_add(1);
    }

    pub(super) fn credential_issued(&mut self, identifier: &str) {
        let counts = self.0.entry(identifier.to_owned()).or_default();
        counts.credentials_issued = counts.credentials_issued.saturating_add(1);
    }

    pub(super) fn snapshot(&self) -> BTreeMap<String, IssuanceCounts> {
        self.0.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }
}

/// `GET /sandbox/orchestration/counts`: `{identifier: {remoteIssuances,
/// credentialsIssued}}`.
pub(super) async fn counts(State(routes): State<Routes>) -> Json<BTreeMap<String, IssuanceCounts>> {
    Json(routes.state.orchestration.lock().counts.snapshot())
}
