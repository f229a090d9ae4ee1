//! Webcams, through nokhwa (V4L2, AVFoundation, Media Foundation).

use std::sync::Arc;

use image::RgbImage;
use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{
    ApiBackend, CameraFormat, FrameFormat, RequestedFormat, RequestedFormatType, Resolution,
};
use nokhwa::{Camera, NokhwaError};
use serde::Serialize;

use super::{CameraError, FrameSource};

/// A camera the station can use, as Settings lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CameraInfo {
    /// The name the camera gives itself; Settings stores this, since a
    /// device number changes when cameras are plugged in another order.
    pub name: String,
    pub description: String,
}

/// The cameras attached now. None is not an error: the list is empty.
pub fn list_cameras() -> Vec<CameraInfo> {
    query()
        .into_iter()
        .map(|info| CameraInfo {
            name: info.human_name(),
            description: info.description().to_owned(),
        })
        .collect()
}

fn query() -> Vec<nokhwa::utils::CameraInfo> {
    // A machine without a video subsystem answers with an error; for the
    // station that is the same as no camera.
    nokhwa::query(ApiBackend::Auto).unwrap_or_default()
}

/// Opens the camera called `name` (the first one if `None`) at the format
/// closest to `width`×`height` at `fps`.
pub(super) fn open(
    name: Option<&str>,
    width: u32,
    height: u32,
    fps: u32,
) -> Result<Box<dyn FrameSource>, CameraError> {
    let cameras = query();
    let chosen = match name {
        None => cameras.first().ok_or(CameraError::NoCamera)?,
        Some(name) => cameras
            .iter()
            .find(|info| info.human_name() == name)
            .ok_or_else(|| CameraError::NotFound {
                name: name.to_owned(),
                found: found_names(&cameras),
            })?,
    };
    let name = chosen.human_name();
    let wanted = |format| {
        let closest = CameraFormat::new(Resolution::new(width, height), format, fps);
        RequestedFormat::new::<RgbFormat>(RequestedFormatType::Closest(closest))
    };
    // Closest only matches within a pixel format: MJPEG (what most webcams
    // stream at 720p), then raw YUYV, then whatever the camera offers.
    let mut attempts = [FrameFormat::MJPEG, FrameFormat::YUYV]
        .map(wanted)
        .into_iter()
        .chain([RequestedFormat::new::<RgbFormat>(RequestedFormatType::None)])
        .map(|format| Camera::new(chosen.index().clone(), format));
    let mut camera = attempts
        .find(Result::is_ok)
        .unwrap_or_else(|| {
            Camera::new(
                chosen.index().clone(),
                RequestedFormat::new::<RgbFormat>(RequestedFormatType::None),
            )
        })
        .map_err(|e| opening_failed(&name, &e))?;
    camera.open_stream().map_err(|e| opening_failed(&name, &e))?;
    Ok(Box::new(Webcam { name, camera }))
}

struct Webcam {
    name: String,
    camera: Camera,
}

impl FrameSource for Webcam {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn next_frame(&mut self) -> Result<Arc<RgbImage>, CameraError> {
        let lost = |e: NokhwaError| CameraError::Lost {
            name: self.name.clone(),
            detail: e.to_string(),
        };
        let buffer = self.camera.frame().map_err(lost)?;
        let image = buffer.decode_image::<RgbFormat>().map_err(lost)?;
        Ok(Arc::new(image))
    }
}

impl Drop for Webcam {
    fn drop(&mut self) {
        // Frees the device for other apps at once, not when the OS notices.
        let _ = self.camera.stop_stream();
    }
}

fn found_names(cameras: &[nokhwa::utils::CameraInfo]) -> String {
    if cameras.is_empty() {
        return "none".to_owned();
    }
    cameras
        .iter()
        .map(|info| format!("“{}”", info.human_name()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn opening_failed(name: &str, error: &NokhwaError) -> CameraError {
    let detail = error.to_string();
    // EBUSY on Linux; the other systems say "in use" or "busy".
    if ["busy", "in use", "os error 16"]
        .iter()
        .any(|sign| detail.to_ascii_lowercase().contains(sign))
    {
        CameraError::Busy {
            name: name.to_owned(),
        }
    } else {
        CameraError::Lost {
            name: name.to_owned(),
            detail,
        }
    }
}
