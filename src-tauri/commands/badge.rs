//! The badge printed after an issuance: the result step asks for it once
//! the credential is issued, and again on "Print again".

use station_badge::{BadgeDesk, BadgeOutcome};
use tauri::State;

use crate::background::blocking;
use crate::error::AppError;
use crate::state::AppState;

/// Prints (or, with no printer set, saves) the badge of the issuance
/// `flow_id`. A failure leaves the issuance as it was.
#[tauri::command(async)]
pub async fn print_badge(state: State<'_, AppState>, flow_id: String) -> Result<BadgeOutcome, AppError> {
    let station = state.station()?;
    blocking(move || Ok(BadgeDesk::new(&station.engine).print(&flow_id)?)).await
}
