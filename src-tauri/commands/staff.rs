//! The staff gate's commands: where it stands, unlock with the staff PIN,
//! lock, staff activity (keeps the session open), and a new staff PIN from
//! Settings. argon2 and the database run off the async workers.

use station_core::staff::StaffStatus;
use tauri::State;
use zeroize::Zeroizing;

use crate::background::blocking;
use crate::error::AppError;
use crate::state::AppState;

/// `{state: open|no_pin|locked|unlocked, kiosk, locksInMs, triesLeft, waitMs, lockedOutMs}`.
#[tauri::command(async)]
pub async fn staff_status(state: State<'_, AppState>) -> Result<StaffStatus, AppError> {
    let staff = state.staff();
    blocking(move || staff.status()).await
}

/// Opens the staff functions if `pin` is the staff PIN; a wrong one comes
/// back as `staff.wrong_pin`, `staff.wait` or `staff.locked_out`.
#[tauri::command(async)]
pub async fn staff_unlock(state: State<'_, AppState>, pin: String) -> Result<StaffStatus, AppError> {
    let pin = Zeroizing::new(pin);
    let staff = state.staff();
    blocking(move || staff.unlock(&pin)).await
}

#[tauri::command(async)]
pub async fn staff_lock(state: State<'_, AppState>) -> Result<(), AppError> {
    let staff = state.staff();
    blocking(move || staff.lock()).await
}

/// Staff pressed a key or moved the pointer: the idle lock starts again.
#[tauri::command(async)]
pub async fn staff_activity(state: State<'_, AppState>) -> Result<(), AppError> {
    let staff = state.staff();
    blocking(move || staff.activity()).await
}

/// Settings' "Change staff PIN": `pin` twice, staff only.
#[tauri::command(async)]
pub async fn staff_set_pin(
    state: State<'_, AppState>,
    pin: String,
    repeat: String,
) -> Result<StaffStatus, AppError> {
    let (pin, repeat) = (Zeroizing::new(pin), Zeroizing::new(repeat));
    let staff = state.staff();
    blocking(move || staff.set_pin(pin, repeat)).await
}
