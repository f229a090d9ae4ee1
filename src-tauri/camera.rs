//! The photo step: the camera's newest frames to the window as a preview,
//! and a capture checked by the engine before it is accepted; or a photo
//! the recipient takes on their own phone, followed until the service has
//! it. The accepted photo waits here (in memory only) for the issuance
//! that uses it.
//!
//! Preview frames are pushed over a channel as JPEG bytes, one at a time
//! and at most `[camera] preview_fps` a second:
//! the next frame goes only when the window says it showed the last (or
//! after a second), so a busy window skips frames and nothing queues.
//! Measured against a custom `camera://` scheme the window pulls from, the
//! cost was the same (95% of a core at 30 fps, 960 px frames); the channel
//! also carries the camera's status, so it stayed (numbers in the README).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use station_core::camera::preview::preview_jpeg;
use station_core::camera::{CameraError, CameraStatus, CameraStream, Frame};
use station_core::config::CameraConfig;
use station_core::photo::{self, Photo, PhotoPolicy};
use station_core::provider::phone_capture::{
    PhoneCapture, PhoneCaptureProgress, PhoneCaptureStatus, RecipientPhoto,
};
use tauri::async_runtime::JoinHandle;
use tauri::ipc::{Channel, InvokeResponseBody};
use tokio::sync::{watch, Notify};

use crate::error::AppError;

/// How long a preview frame may go unacknowledged before the next is sent
/// anyway (a frame the window could not decode is never acknowledged).
const SHOWN_WAIT: Duration = Duration::from_secs(1);

/// How long starting a camera may take before the step shows "starting".
const START_WAIT: Duration = Duration::from_secs(5);

#[derive(Default)]
pub struct PhotoDesk {
    camera: Mutex<Option<CameraStream>>,
    /// The frame the window was last given: what "Take photo" captures.
    shown: Arc<Mutex<Option<Frame>>>,
    /// The window showed the frame it was given.
    frame_shown: Arc<Notify>,
    accepted: Arc<Mutex<Option<RecipientPhoto>>>,
    /// The phone capture being followed.
    phone: Mutex<Option<FollowedCapture>>,
    /// Which photo step is on screen; a new one begins at every discard.
    /// A phone capture started in an earlier step is not followed, so it
    /// can neither replace a camera photo nor serve another recipient.
    step: AtomicU64,
}

/// A phone capture being followed.
struct FollowedCapture {
    /// Its photo page, for the sandbox's simulated phone.
    page: String,
    /// Forwards its progress to the window.
    forward: JoinHandle<()>,
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
    /// Starts the configured camera (restarting it if it runs), waits
    /// until it delivers frames or says why it cannot, and streams the
    /// preview to `preview` until the camera stops.
    pub async fn start(
        &self,
        config: &CameraConfig,
        preview: Channel<InvokeResponseBody>,
    ) -> Result<CameraView, AppError> {
        let stream = CameraStream::open(config)?;
        let mut status = stream.status();
        let frames = stream.frames();
        *lock(&self.camera) = Some(stream);
        let _ = tokio::time::timeout(START_WAIT, status.wait_for(|s| *s != CameraStatus::Starting)).await;
        tauri::async_runtime::spawn(send_preview(
            frames,
            status,
            Arc::clone(&self.shown),
            Arc::clone(&self.frame_shown),
            Duration::from_secs(1) / config.preview_fps.max(1),
            preview,
        ));
        Ok(self.view())
    }

    pub fn view(&self) -> CameraView {
        let status = lock(&self.camera).as_ref().map(|c| c.status().borrow().clone());
        view_of(status)
    }

    /// The window showed the last preview frame: the next may go.
    pub fn frame_shown(&self) {
        self.frame_shown.notify_one();
    }

    /// Stops the camera (which ends its preview) and forgets its frames.
    pub fn stop(&self) {
        lock(&self.camera).take();
        lock(&self.shown).take();
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
        .map_err(|e| AppError::BackgroundTask(e.to_string()))??;
        *lock(&self.accepted) = Some(RecipientPhoto::Camera(checked.clone()));
        Ok(checked)
    }

    /// The photo step on screen, to hand back to [`PhotoDesk::follow_phone`].
    pub fn step(&self) -> u64 {
        self.step.load(Ordering::SeqCst)
    }

    /// Sends each change of `capture`'s progress to `window`; once the
    /// service has the photo, the capture is the accepted photo. Refused
    /// when the photo step that asked for the capture is no longer on screen.
    pub fn follow_phone(
        &self,
        step: u64,
        capture: PhoneCapture,
        mut progress: watch::Receiver<PhoneCaptureProgress>,
        window: Channel<PhoneCaptureProgress>,
    ) -> Result<(), AppError> {
        // Held until the follower is in place, so a discard either comes
        // first (and this is refused) or after (and aborts it).
        let mut phone = lock(&self.phone);
        if self.step() != step {
            return Err(AppError::PhotoStepChanged);
        }
        if let Some(earlier) = phone.take() {
            earlier.forward.abort();
        }
        lock(&self.accepted).take();
        let page = capture.url.clone();
        let accepted = Arc::clone(&self.accepted);
        let forward = tauri::async_runtime::spawn(async move {
            loop {
                let latest = progress.borrow_and_update().clone();
                // Accepted before the window hears of it, so its "Use" finds it.
                if latest.status == PhoneCaptureStatus::Complete {
                    *lock(&accepted) = Some(RecipientPhoto::Phone(capture));
                    let _ = window.send(latest);
                    return;
                }
                if window.send(latest).is_err() || progress.changed().await.is_err() {
                    return;
                }
            }
        });
        *phone = Some(FollowedCapture { page, forward });
        Ok(())
    }

    /// The accepted photo, handed to an issuance (and so taken from here).
    pub fn take(&self) -> Option<RecipientPhoto> {
        lock(&self.accepted).take()
    }

    /// The photo page of the phone capture being followed.
    pub fn phone_page(&self) -> Option<String> {
        lock(&self.phone).as_ref().map(|followed| followed.page.clone())
    }

    /// Forgets the accepted photo, stops following a phone capture and
    /// begins a new photo step.
    pub fn discard(&self) {
        self.step.fetch_add(1, Ordering::SeqCst);
        if let Some(followed) = lock(&self.phone).take() {
            followed.forward.abort();
        }
        lock(&self.accepted).take();
    }
}

/// The camera as a screen shows it, from its status (`None`: not running).
pub(crate) fn view_of(status: Option<CameraStatus>) -> CameraView {
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

/// Sends the newest frame (JPEG bytes) whenever the window has shown the
/// last one, at most one every `period`, and every change of the camera's
/// status (a JSON [`CameraView`]); ends when the camera stops or the
/// window is gone.
async fn send_preview(
    mut frames: watch::Receiver<Option<Frame>>,
    mut status: watch::Receiver<CameraStatus>,
    shown: Arc<Mutex<Option<Frame>>>,
    frame_shown: Arc<Notify>,
    period: Duration,
    preview: Channel<InvokeResponseBody>,
) {
    loop {
        let message = tokio::select! {
            changed = frames.changed() => {
                if changed.is_err() {
                    return;
                }
                let Some(frame) = frames.borrow_and_update().clone() else { continue };
                let image = Arc::clone(&frame.image);
                let Ok(encoded) = tauri::async_runtime::spawn_blocking(move || preview_jpeg(&image)).await else {
                    return;
                };
                // A frame the encoder refused is skipped, never shown nor captured.
                let Some(jpeg) = encoded else { continue };
                *lock(&shown) = Some(frame);
                InvokeResponseBody::Raw(jpeg)
            }
            changed = status.changed() => {
                if changed.is_err() {
                    return;
                }
                let view = view_of(Some(status.borrow_and_update().clone()));
                // A view is plain strings and numbers; were it ever to fail,
                // the window keeps the status it shows rather than the task dying.
                let Ok(json) = serde_json::to_string(&view) else { continue };
                InvokeResponseBody::Json(json)
            }
        };
        let is_frame = matches!(message, InvokeResponseBody::Raw(_));
        let sent = tokio::time::Instant::now();
        if preview.send(message).is_err() {
            return;
        }
        if is_frame {
            let _ = tokio::time::timeout(SHOWN_WAIT, frame_shown.notified()).await;
            // Frames in between are never encoded: the camera's rate above
            // the preview's costs nothing here or in the window.
            tokio::time::sleep_until(sent + period).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use station_core::provider::Claims;

    use super::*;

    fn capture() -> PhoneCapture {
        PhoneCapture {
            id: "capture-1".into(),
            url: "https://vo.example/photo-capture/capture-1".into(),
            identity_id: "identity-1".into(),
            template: "staff".into(),
            claims: Claims::new(),
        }
    }

    fn progress(status: PhoneCaptureStatus) -> PhoneCaptureProgress {
        PhoneCaptureProgress {
            status,
            problem: None,
        }
    }

    fn window() -> Channel<PhoneCaptureProgress> {
        Channel::new(|_| Ok(()))
    }

    /// Waits (bounded) for the follower to act on what it was sent.
    async fn accepted_phone(desk: &PhotoDesk) -> bool {
        for _ in 0..100 {
            if matches!(*lock(&desk.accepted), Some(RecipientPhoto::Phone(_))) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        false
    }

    #[tokio::test]
    async fn a_capture_asked_for_by_an_earlier_photo_step_is_not_followed() {
        let desk = PhotoDesk::default();
        let step = desk.step();
        // The person switched to the camera (or left) while the page was prepared.
        desk.discard();
        let (sender, receiver) = watch::channel(progress(PhoneCaptureStatus::NotStarted));
        let refused = desk.follow_phone(step, capture(), receiver, window());
        assert!(matches!(refused, Err(AppError::PhotoStepChanged)));
        assert_eq!(desk.phone_page(), None);
        assert!(
            sender.is_closed(),
            "nobody follows the refused capture, so the engine stops asking"
        );
        assert!(!accepted_phone(&desk).await, "a stale capture became the photo");
    }

    #[tokio::test]
    async fn a_followed_capture_is_the_photo_once_complete_and_discard_stops_it() {
        let desk = PhotoDesk::default();
        let (sender, receiver) = watch::channel(progress(PhoneCaptureStatus::Started));
        desk.follow_phone(desk.step(), capture(), receiver, window())
            .unwrap();
        assert_eq!(desk.phone_page().as_deref(), Some(capture().url.as_str()));
        assert!(
            desk.take().is_none(),
            "nothing to use before the service has the photo"
        );
        sender.send(progress(PhoneCaptureStatus::Complete)).unwrap();
        assert!(accepted_phone(&desk).await);
        assert!(matches!(desk.take(), Some(RecipientPhoto::Phone(c)) if c == capture()));

        let (sender, receiver) = watch::channel(progress(PhoneCaptureStatus::Started));
        desk.follow_phone(desk.step(), capture(), receiver, window())
            .unwrap();
        desk.discard();
        assert_eq!(desk.phone_page(), None);
        let _ = sender.send(progress(PhoneCaptureStatus::Complete));
        assert!(
            !accepted_phone(&desk).await,
            "a discarded capture became the photo"
        );
    }
}
