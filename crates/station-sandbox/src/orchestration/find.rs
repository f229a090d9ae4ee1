//! `findAsyncIssuanceRequests(where, offset, limit)`: the remote issuance
//! requests matching VO's `AsyncIssuanceRequestsWhere`, newest first (VO's
//! order when no `orderBy` is given), `offset` skipped and at most `limit`
//! (VO's `PositiveInt`s; all of them without a limit). A station finds its
//! own requests this way after a crash, by the identity identifier it
//! gave, so the requests are indexed by creation time: a `createdFrom`
//! reads only the requests created since, not every request ever made.
//!
//! The sandbox's identities belong to no identity store, so an
//! `identityStoreId` matches nothing; every request is created by the one
//! application of [`super::directory::ISSUED_BY_ID`].

use std::collections::BTreeMap;

use super::directory;
use super::scalars::{DateTime, PositiveInt, Uuid};
use super::types::{AsyncIssuanceRequest, AsyncIssuanceRequestsWhere};
use crate::clock;
use crate::state::AppState;

/// Request ids by (creation second, arrival), so that requests created in
/// the same second keep their order.
#[derive(Debug, Default)]
pub(super) struct CreationIndex {
    ids: BTreeMap<(i64, u64), Uuid>,
    arrivals: u64,
}

impl CreationIndex {
    pub(super) fn add(&mut self, created_at: i64, id: Uuid) {
        self.arrivals = self.arrivals.saturating_add(1);
        self.ids.insert((created_at, self.arrivals), id);
    }

    /// Ids created from `from` to `to` (inclusive, Unix seconds), newest first.
    fn newest_first(&self, from: Option<i64>, to: Option<i64>) -> impl Iterator<Item = &Uuid> {
        let from = (from.unwrap_or(i64::MIN), 0);
        let to = (to.unwrap_or(i64::MAX), u64::MAX);
        let range = if from <= to {
            Some(self.ids.range(from..=to))
        } else {
            None
        };
        range.into_iter().flatten().rev().map(|(_, id)| id)
    }
}

fn unix(date: Option<&DateTime>) -> Option<i64> {
    // The scalar accepted only text that parses.
    date.and_then(|date| clock::parse_iso8601(&date.0))
}

pub(super) fn find(
    state: &AppState,
    filter: &AsyncIssuanceRequestsWhere,
    offset: Option<PositiveInt>,
    limit: Option<PositiveInt>,
) -> Vec<AsyncIssuanceRequest> {
    let foreign_creator = filter
        .created_by_id
        .is_some_and(|id| id != directory::issued_by_id());
    if foreign_creator || filter.identity_store_id.is_some() {
        return Vec::new();
    }
    let same = |wanted: Option<Uuid>, actual: Uuid| wanted.is_none_or(|w| w == actual);
    let now = clock::now_unix();
    let skip = offset.map_or(0, |o| o.0 as usize);
    let take = limit.map_or(usize::MAX, |l| l.0 as usize);
    let store = state.orchestration.lock();
    store
        .async_by_creation
        .newest_first(
            unix(filter.created_from.as_ref()),
            unix(filter.created_to.as_ref()),
        )
        .filter_map(|id| store.async_requests.get(id))
        .filter(|record| {
            let (contract_id, identity_id) = record.contract_and_identity();
            same(filter.contract_id, contract_id)
                && same(filter.identity_id, identity_id)
                && filter.status.is_none_or(|status| status == record.status(now))
        })
        .skip(skip)
        .take(take)
        .map(|record| record.to_graphql(now))
        .collect()
}
