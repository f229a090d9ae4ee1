//! The page's language, for the words the window says itself.

use tauri::State;

use crate::error::AppError;
use crate::l10n::Words;

/// The page switched to `code`: the window's own words (the ready
/// notification) follow it.
#[tauri::command]
pub fn set_language(words: State<'_, Words>, code: String) -> Result<(), AppError> {
    Ok(words.set_language(&code)?)
}
