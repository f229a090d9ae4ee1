//! Work that blocks (the database, the keyring) runs on a thread meant for
//! it, so it holds up neither the window nor the async workers.

use crate::error::AppError;

/// Runs `work` on a blocking thread and hands back its result.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| AppError::BackgroundTask(e.to_string()))?
}
