//! Roster search as staff type the recipient's name.

use station_core::roster::RosterPerson;
use tauri::State;

use crate::background::blocking;
use crate::error::AppError;
use crate::state::AppState;

/// Up to `limit` people matching every word of `text` as a prefix, best
/// first: `{personId, externalId, claims, issuedTemplates}`.
#[tauri::command(async)]
pub async fn roster_search(
    state: State<'_, AppState>,
    text: String,
    limit: usize,
) -> Result<Vec<RosterPerson>, AppError> {
    let roster = state.station()?.engine.roster().clone();
    blocking(move || Ok(roster.search(&text, limit)?)).await
}
