//! The fallback under Verified Orchestration's events: while a request is
//! open, the station asks now and then whether it was issued
//! (`findIssuances` by `requestId`). An issuance whose event was lost — the
//! subscription's connection dropped at that moment, or a callback never
//! came — still ends as issued on screen. Only success can be found this
//! way: the service stores issuances, not the events before them, so a
//! poll can neither reveal the PIN nor see a failure.

use std::time::{Duration, Instant};

use serde::Deserialize;

use super::graphql::GraphqlClient;
use crate::events::{EventSink, FlowEvent, SourcedEvent};
use crate::provider::ProviderError;

pub const FIND_ISSUANCES: &str = "query FindIssuances($where: IssuanceWhere) {
  findIssuances(where: $where, limit: 1) { id }
}";

/// Only whether there is one matters; `id` is asked for because a
/// selection cannot be empty.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FindIssuancesData {
    find_issuances: Vec<serde::de::IgnoredAny>,
}

/// Whether the service holds an issuance made through `request_id`.
async fn issued(graphql: &GraphqlClient, request_id: &str) -> Result<bool, ProviderError> {
    let data: FindIssuancesData = graphql
        .execute(
            FIND_ISSUANCES,
            serde_json::json!({ "where": { "requestId": request_id } }),
        )
        .await?;
    Ok(!data.find_issuances.is_empty())
}

/// Asks every `interval` until `request_id` is found issued (then reports
/// it) or the flow stops listening.
pub async fn poll(graphql: GraphqlClient, request_id: String, events: EventSink, interval: Duration) {
    // An outage is logged once, not at every interval.
    let mut failing = false;
    loop {
        tokio::time::sleep(interval).await;
        match issued(&graphql, &request_id).await {
            Ok(true) => {
                tracing::info!(%request_id, "found issued by polling; its event never arrived");
                events.send(SourcedEvent {
                    request_id,
                    event: FlowEvent::Issued,
                    received_at: Instant::now(),
                });
                return;
            }
            Ok(false) => failing = false,
            Err(error) => {
                if !failing {
                    tracing::warn!(%error, "could not ask whether the request was issued; asking again");
                }
                failing = true;
            }
        }
    }
}
