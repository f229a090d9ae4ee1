//! Frontal face detection with SeetaFace (rustface), whose model is embedded
//! in the binary at build time.

use std::sync::OnceLock;

use image::GrayImage;
use rustface::{ImageData, Model};

static MODEL_BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/seeta_fd_frontal_v1.0.bin"));

/// A detected face, in pixels of the image it was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaceBox {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

fn model() -> Option<&'static Model> {
    static MODEL: OnceLock<Option<Model>> = OnceLock::new();
    MODEL
        .get_or_init(|| match rustface::read_model(MODEL_BYTES) {
            Ok(model) => Some(model),
            Err(error) => {
                tracing::error!(%error, "the embedded face model cannot be read");
                None
            }
        })
        .as_ref()
}

/// Faces are first searched for in a copy at most this wide, several times
/// faster than at camera resolution; only when none is found there does the
/// full-size search run, so that a distant face is reported as too small
/// ("come closer") rather than missing.
const SEARCH_WIDTH: u32 = 640;

/// The faces in `image`, clipped to it.
pub fn detect(image: &GrayImage) -> Vec<FaceBox> {
    if image.width() <= SEARCH_WIDTH {
        return detect_at_full_size(image);
    }
    let scale = image.width() as f32 / SEARCH_WIDTH as f32;
    let height = (image.height() as f32 / scale).round() as u32;
    let small = image::imageops::resize(
        image,
        SEARCH_WIDTH,
        height.max(1),
        image::imageops::FilterType::Triangle,
    );
    let grow = |v: u32| (v as f32 * scale).round() as u32;
    let found = detect_at_full_size(&small);
    if found.is_empty() {
        return detect_at_full_size(image);
    }
    found
        .into_iter()
        .map(|face| FaceBox {
            x: grow(face.x).min(image.width() - 1),
            y: grow(face.y).min(image.height() - 1),
            width: grow(face.width).min(image.width() - grow(face.x).min(image.width() - 1)),
            height: grow(face.height).min(image.height() - grow(face.y).min(image.height() - 1)),
        })
        .collect()
}

fn detect_at_full_size(image: &GrayImage) -> Vec<FaceBox> {
    let (width, height) = image.dimensions();
    // rustface panics on an empty image.
    let Some(model) = model().filter(|_| width >= 20 && height >= 20) else {
        return Vec::new();
    };
    let mut detector = rustface::create_detector_with_model(model.clone());
    detector.set_min_face_size(40);
    detector.set_score_thresh(2.0);
    detector.set_pyramid_scale_factor(0.8);
    detector.set_slide_window_step(4, 4);
    detector
        .detect(&ImageData::new(image.as_raw(), width, height))
        .iter()
        .filter_map(|face| {
            let bbox = face.bbox();
            let x = bbox.x().max(0) as u32;
            let y = bbox.y().max(0) as u32;
            let right = (bbox.x() + bbox.width() as i32).clamp(0, width as i32) as u32;
            let bottom = (bbox.y() + bbox.height() as i32).clamp(0, height as i32) as u32;
            (right > x && bottom > y).then(|| FaceBox {
                x,
                y,
                width: right - x,
                height: bottom - y,
            })
        })
        .collect()
}
