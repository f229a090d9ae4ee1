//! Frames for the photo step. A camera runs on its own thread and publishes
//! only its newest frame (`tokio::sync::watch`): a slow preview skips frames
//! instead of queueing them, and a capture takes what is on screen.
//!
//! Two sources feed the same stream: a webcam ([`device`], through nokhwa)
//! and the synthetic camera ([`synthetic`]) that plays image files, for
//! demos and for every test on machines without a video device. A source
//! that fails (unplugged, busy) is reopened every second until it works
//! again or the stream is dropped; meanwhile its status says why.

pub mod device;
pub mod preview;
pub mod synthetic;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use image::RgbImage;
use tokio::sync::watch;

use crate::config::{CameraConfig, CameraSource};
use crate::error::ErrorCode;

pub use device::{list_cameras, CameraInfo};
pub use synthetic::SyntheticCamera;

/// How long a failed camera rests before it is opened again.
const REOPEN_AFTER: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CameraError {
    #[error("no pictures to play in {path}: give an image file, or a folder with PNG or JPEG files")]
    NoPictures { path: String },
    #[error("{path} cannot be read as a picture: {detail}")]
    Unreadable { path: String, detail: String },
    #[error("no camera found: plug in a webcam, or set [camera] pictures in station.toml to use the synthetic camera")]
    NoCamera,
    #[error("no camera named “{name}” (found: {found}): plug it in, or choose another in Settings")]
    NotFound { name: String, found: String },
    #[error("the camera “{name}” is in use by another app: close it (a video call, a browser tab) and the preview comes back by itself")]
    Busy { name: String },
    #[error("the camera “{name}” stopped sending pictures ({detail}): check its cable; the preview comes back when it does")]
    Lost { name: String, detail: String },
    #[error("the camera is off: open the photo step again")]
    Stopped,
}

impl ErrorCode for CameraError {
    fn code(&self) -> &'static str {
        match self {
            CameraError::NoPictures { .. } => "camera.no_pictures",
            CameraError::Unreadable { .. } => "camera.unreadable",
            CameraError::NoCamera => "camera.none",
            CameraError::NotFound { .. } => "camera.not_found",
            CameraError::Busy { .. } => "camera.busy",
            CameraError::Lost { .. } => "camera.lost",
            CameraError::Stopped => "camera.stopped",
        }
    }
}

/// One picture from a camera.
#[derive(Debug, Clone)]
pub struct Frame {
    pub image: Arc<RgbImage>,
    /// Counts up from 1; a gap means frames were skipped.
    pub sequence: u64,
    pub captured_at: Instant,
}

/// What a camera is doing, for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CameraStatus {
    Starting,
    /// Delivering frames; `name` is the camera's own name.
    Live {
        name: String,
    },
    /// Not delivering; it is reopened every second.
    Failed(CameraError),
}

/// A place frames come from. `next_frame` blocks until the next one.
pub trait FrameSource {
    fn name(&self) -> String;
    fn next_frame(&mut self) -> Result<Arc<RgbImage>, CameraError>;
}

/// Opens a source on the camera's thread (webcam handles are not `Send`).
pub(crate) type Opener = Box<dyn FnMut() -> Result<Box<dyn FrameSource>, CameraError> + Send>;

/// A running camera. Dropping it stops the camera's thread.
pub struct CameraStream {
    frames: watch::Receiver<Option<Frame>>,
    status: watch::Receiver<CameraStatus>,
    running: Arc<AtomicBool>,
}

impl CameraStream {
    /// Starts the camera `config` names. The synthetic camera's pictures
    /// are read before this returns, so a wrong path is an error here; a
    /// webcam reports through [`CameraStream::status`].
    pub fn open(config: &CameraConfig) -> Result<CameraStream, CameraError> {
        let opener: Opener = match &config.source {
            CameraSource::Pictures(path) => {
                return Ok(SyntheticCamera::open(path, config.width, config.height)?.start(config.fps));
            }
            CameraSource::Device(name) => {
                let (name, width, height, fps) = (name.clone(), config.width, config.height, config.fps);
                Box::new(move || device::open(name.as_deref(), width, height, fps))
            }
        };
        Ok(CameraStream::run(opener))
    }

    pub(crate) fn run(mut open: Opener) -> CameraStream {
        let (frame_sender, frames) = watch::channel(None);
        let (status_sender, status) = watch::channel(CameraStatus::Starting);
        let running = Arc::new(AtomicBool::new(true));
        let still_running = Arc::clone(&running);
        std::thread::spawn(move || {
            let mut sequence = 0;
            let mut source: Option<Box<dyn FrameSource>> = None;
            while still_running.load(Ordering::Relaxed) && !frame_sender.is_closed() {
                let next = match source.as_mut() {
                    Some(camera) => camera.next_frame(),
                    None => match open() {
                        Ok(camera) => {
                            status_sender.send_replace(CameraStatus::Live { name: camera.name() });
                            source = Some(camera);
                            continue;
                        }
                        Err(problem) => Err(problem),
                    },
                };
                match next {
                    Ok(image) => {
                        sequence += 1;
                        frame_sender.send_replace(Some(Frame {
                            image,
                            sequence,
                            captured_at: Instant::now(),
                        }));
                    }
                    Err(problem) => {
                        source = None;
                        status_sender.send_replace(CameraStatus::Failed(problem));
                        std::thread::sleep(REOPEN_AFTER);
                    }
                }
            }
        });
        CameraStream {
            frames,
            status,
            running,
        }
    }

    /// A receiver of the newest frame, for a preview.
    pub fn frames(&self) -> watch::Receiver<Option<Frame>> {
        self.frames.clone()
    }

    /// Whether frames are flowing, and if not, why.
    pub fn status(&self) -> watch::Receiver<CameraStatus> {
        self.status.clone()
    }

    /// The newest frame.
    pub fn latest(&self) -> Result<Frame, CameraError> {
        self.frames
            .borrow()
            .clone()
            .ok_or_else(|| match &*self.status.borrow() {
                CameraStatus::Failed(problem) => problem.clone(),
                _ => CameraError::Stopped,
            })
    }
}

impl Drop for CameraStream {
    fn drop(&mut self) {
        self.running.store(false, Ordering::Relaxed);
    }
}
