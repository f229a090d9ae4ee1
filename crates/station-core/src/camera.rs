//! Frames for the photo step. A camera runs on its own thread and publishes
//! only its newest frame (`tokio::sync::watch`): a slow preview skips frames
//! instead of queueing them, and a capture always takes what is on screen.
//!
//! The synthetic camera plays image files (one file, or a folder in name
//! order, looped) at a steady rate: for demos, and for every test on
//! machines without a video device.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use image::imageops::FilterType;
use image::RgbImage;
use tokio::sync::watch;

use crate::error::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum CameraError {
    #[error("no pictures to play in {path}: give an image file, or a folder with PNG or JPEG files")]
    NoPictures { path: String },
    #[error("{path} cannot be read as a picture: {detail}")]
    Unreadable { path: String, detail: String },
    #[error("the camera stopped; reconnect it or choose another in Settings")]
    Stopped,
}

impl ErrorCode for CameraError {
    fn code(&self) -> &'static str {
        match self {
            CameraError::NoPictures { .. } => "camera.no_pictures",
            CameraError::Unreadable { .. } => "camera.unreadable",
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

/// A running camera. Dropping it stops the camera's thread.
pub struct CameraStream {
    frames: watch::Receiver<Option<Frame>>,
    running: Arc<AtomicBool>,
}

impl CameraStream {
    /// A receiver of the newest frame, for a preview.
    pub fn frames(&self) -> watch::Receiver<Option<Frame>> {
        self.frames.clone()
    }

    /// The frame on screen now: what a capture takes.
    pub fn latest(&self) -> Result<Frame, CameraError> {
        self.frames.borrow().clone().ok_or(CameraError::Stopped)
    }
}

impl Drop for CameraStream {
    fn drop(&mut self) {
        self.running.store(false, Ordering::Relaxed);
    }
}

/// Plays pictures as a camera would deliver them.
pub struct SyntheticCamera {
    pictures: Vec<RgbImage>,
}

impl SyntheticCamera {
    /// Loads `path` (a file, or every PNG/JPEG in a folder, by name), each
    /// scaled to fit `width`×`height` and centred on a grey frame, so a
    /// portrait keeps its whole face as it would in front of a webcam.
    pub fn open(path: &Path, width: u32, height: u32) -> Result<SyntheticCamera, CameraError> {
        let files = picture_files(path)?;
        let pictures = files
            .iter()
            .map(|file| {
                image::open(file)
                    .map(|picture| letterbox(&picture, width, height))
                    .map_err(|e| CameraError::Unreadable {
                        path: file.display().to_string(),
                        detail: e.to_string(),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SyntheticCamera { pictures })
    }

    /// Starts delivering frames at `fps`, looping over the pictures.
    pub fn start(self, fps: u32) -> CameraStream {
        let (sender, frames) = watch::channel(None);
        let running = Arc::new(AtomicBool::new(true));
        let still_running = Arc::clone(&running);
        let period = Duration::from_secs(1) / fps.max(1);
        let pictures: Vec<Arc<RgbImage>> = self.pictures.into_iter().map(Arc::new).collect();
        std::thread::spawn(move || {
            let mut next = Instant::now();
            for (index, picture) in pictures.iter().cycle().enumerate() {
                if !still_running.load(Ordering::Relaxed) || sender.is_closed() {
                    return;
                }
                sender.send_replace(Some(Frame {
                    image: Arc::clone(picture),
                    sequence: index as u64 + 1,
                    captured_at: Instant::now(),
                }));
                next += period;
                std::thread::sleep(next.saturating_duration_since(Instant::now()));
            }
        });
        CameraStream { frames, running }
    }
}

fn letterbox(picture: &image::DynamicImage, width: u32, height: u32) -> RgbImage {
    let fitted = picture.resize(width, height, FilterType::Triangle).to_rgb8();
    let mut frame = RgbImage::from_pixel(width, height, image::Rgb([96, 96, 96]));
    let x = (width - fitted.width()) / 2;
    let y = (height - fitted.height()) / 2;
    image::imageops::replace(&mut frame, &fitted, i64::from(x), i64::from(y));
    frame
}

fn picture_files(path: &Path) -> Result<Vec<PathBuf>, CameraError> {
    let no_pictures = || CameraError::NoPictures {
        path: path.display().to_string(),
    };
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|_| no_pictures())?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|file| {
            let extension = file
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default()
                .to_ascii_lowercase();
            matches!(extension.as_str(), "png" | "jpg" | "jpeg")
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(no_pictures());
    }
    Ok(files)
}
