//! The attendant screen's command: how the last hours went and what the
//! queue holds, for whoever looks after several kiosks. The statistics are
//! a database read, so they run off the async workers.

use std::time::SystemTime;

use station_core::attendant::AttendantStats;
use tauri::State;

use crate::background::blocking;
use crate::error::AppError;
use crate::state::AppState;

/// `{hours: [{startMs, issued, failed}] (12, oldest first), successRate
/// (null when nothing ended), queue: {queued, sending, …}, queueDepth,
/// failuresByReason: [{reasonCode, count}], generatedAtMs}`.
#[tauri::command(async)]
pub async fn attendant_stats(state: State<'_, AppState>) -> Result<AttendantStats, AppError> {
    state.staff().require()?;
    let station = state.station()?;
    blocking(move || Ok(station.engine.attendant_stats(SystemTime::now())?)).await
}
