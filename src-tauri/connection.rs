//! What the offline banner shows: the services the station cannot reach
//! now, how many issuances wait for them, and who is ready to be called.

use serde::Serialize;
use station_core::queue::JobStatus;
use station_core::Engine;

use crate::background::blocking;
use crate::error::AppError;

/// The banner names this many ready recipients, then says how many more.
const NAMED_READY: usize = 3;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionView {
    pub unreachable: Vec<UnreachableService>,
    /// Issuances waiting to go out (queued or being sent).
    pub queued: u64,
    /// Desk jobs whose recipient can be called now.
    pub ready: u64,
    /// The newest of them, by name.
    pub call: Vec<ReadyRecipient>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnreachableService {
    pub service: String,
    /// Why, as the transport said it ("no connection: refused").
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadyRecipient {
    pub job_id: String,
    pub recipient: Option<String>,
    pub template: String,
}

impl ConnectionView {
    /// `names`: whether the banner may name the ready recipients. A locked
    /// kiosk's screen is seen by every passing visitor, so it only counts them.
    pub async fn of(engine: &Engine, names: bool) -> Result<ConnectionView, AppError> {
        let unreachable = engine
            .connectivity()
            .unreachable()
            .into_iter()
            .map(|(service, detail)| UnreachableService { service, detail })
            .collect();
        let queue = engine.queue().clone();
        let (counts, ready) =
            blocking(move || Ok((queue.counts()?, queue.list(Some(JobStatus::Ready), NAMED_READY)?))).await?;
        Ok(ConnectionView {
            unreachable,
            queued: counts.queued + counts.sending,
            ready: counts.ready,
            call: ready
                .into_iter()
                .map(|job| ReadyRecipient {
                    job_id: job.job_id,
                    recipient: job.recipient.filter(|_| names),
                    template: job.template,
                })
                .collect(),
        })
    }
}
