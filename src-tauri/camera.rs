//! The photo step: the camera's newest frames to the window as a preview,
//! and a capture checked by the engine before it is accepted. The accepted
//! photo waits here (in memory only) for the issuance that uses it.
//!
//! The preview is pulled, not pushed: the window asks for
//! `camera://localhost/preview` again each time it has shown a frame, and
//! the answer is the next frame the camera delivers. A busy window thus
//! asks less often and skips frames; nothing queues anywhere.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use station_core::camera::preview::preview_jpeg;
use station_core::camera::{CameraError, CameraStatus, CameraStream, Frame};
use station_core::config::CameraConfig;
use station_core::photo::{self, Photo, PhotoPolicy};
use tauri::http::{Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::error::AppError;

/// The scheme the preview is served on.
pub const PREVIEW_SCHEME: &str = "camera";

/// How long a preview request waits for a frame before the window is told
/// to ask for the camera's status.
const FRAME_WAIT: Duration = Duration::from_secs(2);

/// How long starting a camera may take before the step shows "starting".
const START_WAIT: Duration = Duration::from_secs(5);

#[derive(Default)]
pub struct PhotoDesk {
    camera: Mutex<Option<CameraStream>>,
    /// The frame the window was last given: what "Take photo" captures.
    shown: Mutex<Option<Frame>>,
    accepted: Mutex<Option<Photo>>,
}

/// The camera as the photo step shows it.
#[derive(Serialize)]
pub struct CameraView {
    /// The camera's own name once it delivers frames.
    name: Option<String>,
    /// Why it does not, with what to do.
    problem: Option<AppError>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl PhotoDesk {
    /// Starts the configured camera (restarting it if it runs) and waits
    /// until it delivers frames or says why it cannot.
    pub async fn start(&self, config: &CameraConfig) -> Result<CameraView, AppError> {
        let stream = CameraStream::open(config)?;
        let mut status = stream.status();
        *lock(&self.camera) = Some(stream);
        let _ = tokio::time::timeout(START_WAIT, status.wait_for(|s| *s != CameraStatus::Starting)).await;
        Ok(self.view())
    }

    pub fn view(&self) -> CameraView {
        let status = lock(&self.camera).as_ref().map(|c| c.status().borrow().clone());
        match status {
            Some(CameraStatus::Live { name }) => CameraView {
                name: Some(name),
                problem: None,
            },
            Some(CameraStatus::Starting) => CameraView {
                name: None,
                problem: None,
            },
            Some(CameraStatus::Failed(problem)) => CameraView {
                name: None,
                problem: Some(problem.into()),
            },
            None => CameraView {
                name: None,
                problem: Some(CameraError::Stopped.into()),
            },
        }
    }

    /// Stops the camera and forgets the frames it showed.
    pub fn stop(&self) {
        lock(&self.camera).take();
        lock(&self.shown).take();
    }

    /// The next frame after the one last shown, as a preview JPEG.
    async fn next_preview(&self) -> Result<Vec<u8>, CameraError> {
        let mut frames = lock(&self.camera).as_ref().ok_or(CameraError::Stopped)?.frames();
        let last_shown = lock(&self.shown).as_ref().map_or(0, |f| f.sequence);
        let frame = tokio::time::timeout(
            FRAME_WAIT,
            frames.wait_for(|f| f.as_ref().is_some_and(|f| f.sequence > last_shown)),
        )
        .await
        .map_err(|_| CameraError::Stopped)?
        .map_err(|_| CameraError::Stopped)?
        .clone()
        .ok_or(CameraError::Stopped)?;
        *lock(&self.shown) = Some(frame.clone());
        tauri::async_runtime::spawn_blocking(move || preview_jpeg(&frame.image))
            .await
            .map_err(|_| CameraError::Stopped)
    }

    /// Checks the frame on screen; an accepted photo is kept for the issuance.
    pub async fn capture(&self) -> Result<Photo, AppError> {
        let shown = lock(&self.shown).clone();
        let frame = match shown {
            Some(frame) => frame,
            None => lock(&self.camera)
                .as_ref()
                .ok_or(CameraError::Stopped)?
                .latest()?,
        };
        let checked = tauri::async_runtime::spawn_blocking(move || {
            photo::accept(
                &image::DynamicImage::ImageRgb8((*frame.image).clone()),
                &PhotoPolicy::default(),
            )
        })
        .await
        .map_err(|e| AppError::NotStarted(e.to_string()))??;
        *lock(&self.accepted) = Some(checked.clone());
        Ok(checked)
    }

    /// The accepted photo, handed to an issuance (and so taken from here).
    pub fn take(&self) -> Option<Photo> {
        lock(&self.accepted).take()
    }

    pub fn discard(&self) {
        lock(&self.accepted).take();
    }
}

/// Answers `camera://localhost/preview` with the next preview frame, or
/// 503 when there is none (the window then asks for the camera's status).
pub fn serve_preview<R: Runtime>(
    context: UriSchemeContext<'_, R>,
    _request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = context.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        let frame = app.state::<PhotoDesk>().next_preview().await;
        let response = match frame {
            Ok(jpeg) => Response::builder()
                .header("Content-Type", "image/jpeg")
                .header("Cache-Control", "no-store")
                .body(jpeg),
            Err(_) => Response::builder()
                .status(StatusCode::SERVICE_UNAVAILABLE)
                .header("Cache-Control", "no-store")
                .body(Vec::new()),
        };
        responder.respond(response.expect("a response of fixed, valid headers"));
    });
}
