//! The Queue screen's and the offline banner's commands: list and count
//! the outbox, retry, cancel or start a job, and say which services cannot
//! be reached. The queue's calls wait on the database (a durable commit
//! waits for the disk), so they run off the async workers.

use station_core::queue::{Job, JobStatus, QueueCounts};
use station_core::store::audit::Actor;
use tauri::State;

use super::{KioskDesk, Started};
use crate::background::blocking;
use crate::connection::ConnectionView;
use crate::error::AppError;
use crate::state::AppState;

/// What the Queue screen lists at most: more than a desk reads.
const MAX_LISTED: usize = 500;

/// The newest jobs first, of one `status` or all: `{jobId, template,
/// route, recipient, status, attempts, nextAttemptAtMs, lastError, …}`.
#[tauri::command(async)]
pub async fn queue_list(
    state: State<'_, AppState>,
    status: Option<JobStatus>,
    limit: usize,
) -> Result<Vec<Job>, AppError> {
    state.staff().require()?;
    let queue = state.station()?.engine.queue().clone();
    blocking(move || Ok(queue.list(status, limit.min(MAX_LISTED))?)).await
}

/// How many jobs are in each status, e.g. `{queued: 3, atDesk: 1, …}`.
#[tauri::command(async)]
pub async fn queue_counts(state: State<'_, AppState>) -> Result<QueueCounts, AppError> {
    let queue = state.station()?.engine.queue().clone();
    blocking(move || Ok(queue.counts()?)).await
}

/// Staff send a failed or uncertain job again.
#[tauri::command(async)]
pub async fn queue_retry(state: State<'_, AppState>, job_id: String) -> Result<Job, AppError> {
    state.staff().require()?;
    let queue = state.station()?.engine.queue().clone();
    blocking(move || Ok(queue.retry(&job_id, Actor::Staff)?)).await
}

/// Staff call off a job that has not gone out.
#[tauri::command(async)]
pub async fn queue_cancel(state: State<'_, AppState>, job_id: String) -> Result<Job, AppError> {
    state.staff().require()?;
    let queue = state.station()?.engine.queue().clone();
    blocking(move || Ok(queue.cancel(&job_id, Actor::Staff)?)).await
}

/// Issues a queued or ready desk job on screen, as `start_issuance` does:
/// staff only, but for the visitor's own job their kiosk look-up found.
#[tauri::command(async)]
pub async fn queue_start(
    state: State<'_, AppState>,
    kiosk: State<'_, KioskDesk>,
    job_id: String,
) -> Result<Started, AppError> {
    if !kiosk.take_visitor_job(&job_id) {
        state.staff().require()?;
    }
    let station = state.station()?;
    let flow = blocking(move || Ok(station.engine.start_queued(&job_id)?)).await?;
    Ok(Started::keep(&state, flow))
}

/// Which services cannot be reached now, and what waits for them.
#[tauri::command(async)]
pub async fn connection_status(state: State<'_, AppState>) -> Result<ConnectionView, AppError> {
    let station = state.station()?;
    ConnectionView::of(&station.engine, state.staff_unlocked()).await
}
