//! The synthetic camera: image files played as frames at a steady rate
//! (one file, or a folder in name order, looped).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use image::imageops::FilterType;
use image::RgbImage;

use super::{CameraError, CameraStream, FrameSource};

/// Pictures ready to play, each already at the camera's resolution.
#[derive(Clone)]
pub struct SyntheticCamera {
    pictures: Arc<Vec<Arc<RgbImage>>>,
}

impl SyntheticCamera {
    /// Loads `path` (a file, or every PNG/JPEG in a folder, by name), each
    /// scaled to fit `width`×`height` and centred on a grey frame, so a
    /// portrait keeps its whole face as it would in front of a webcam.
    pub fn open(path: &Path, width: u32, height: u32) -> Result<SyntheticCamera, CameraError> {
        let pictures = picture_files(path)?
            .iter()
            .map(|file| {
                image::open(file)
                    .map(|picture| Arc::new(letterbox(&picture, width, height)))
                    .map_err(|e| CameraError::Unreadable {
                        path: file.display().to_string(),
                        detail: e.to_string(),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SyntheticCamera {
            pictures: Arc::new(pictures),
        })
    }

    /// Starts delivering frames at `fps`, looping over the pictures.
    pub fn start(self, fps: u32) -> CameraStream {
        CameraStream::run(Box::new(move || {
            Ok(Box::new(Player {
                camera: self.clone(),
                next_index: 0,
                period: Duration::from_secs(1) / fps.max(1),
                due: Instant::now(),
            }) as Box<dyn FrameSource>)
        }))
    }
}

struct Player {
    camera: SyntheticCamera,
    next_index: usize,
    period: Duration,
    due: Instant,
}

impl FrameSource for Player {
    fn name(&self) -> String {
        "Synthetic camera".to_owned()
    }

    fn next_frame(&mut self) -> Result<Arc<RgbImage>, CameraError> {
        std::thread::sleep(self.due.saturating_duration_since(Instant::now()));
        self.due += self.period;
        let pictures = &self.camera.pictures;
        let picture = Arc::clone(&pictures[self.next_index % pictures.len()]);
        self.next_index += 1;
        Ok(picture)
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
