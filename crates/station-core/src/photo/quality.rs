//! Is the face lit and in focus? Measured on the face (or the whole picture
//! when no face was found), so a bright background cannot hide a dark face.

use image::imageops::FilterType;
use image::GrayImage;

use super::{FaceBox, PhotoPolicy, PhotoRejection};

/// Sharpness is measured at one scale, so a large picture is not judged
/// sharper than the same scene taken smaller.
const MEASURE_WIDTH: u32 = 160;

pub fn check_region(
    gray: &GrayImage,
    face: Option<FaceBox>,
    policy: &PhotoPolicy,
) -> Result<(), PhotoRejection> {
    let region = match face {
        Some(f) => image::imageops::crop_imm(gray, f.x, f.y, f.width, f.height).to_image(),
        None => gray.clone(),
    };
    if brightness(&region) < policy.min_brightness {
        return Err(PhotoRejection::TooDark);
    }
    if sharpness(&region) < policy.min_sharpness {
        return Err(PhotoRejection::Blurred);
    }
    Ok(())
}

pub fn brightness(image: &GrayImage) -> f32 {
    let pixels = image.as_raw();
    if pixels.is_empty() {
        return 0.0;
    }
    pixels.iter().map(|&p| f32::from(p)).sum::<f32>() / pixels.len() as f32
}

/// Variance of the 4-neighbour Laplacian: edges make it large, blur small.
pub fn sharpness(image: &GrayImage) -> f32 {
    let height = (image.height() * MEASURE_WIDTH / image.width().max(1)).max(3);
    let small = image::imageops::resize(image, MEASURE_WIDTH, height, FilterType::Triangle);
    let (w, h) = small.dimensions();
    let at = |x: u32, y: u32| f32::from(small.get_pixel(x, y).0[0]);
    let mut values = Vec::with_capacity(((w - 2) * (h - 2)) as usize);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            values.push(at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4.0 * at(x, y));
        }
    }
    let mean = values.iter().sum::<f32>() / values.len() as f32;
    values.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / values.len() as f32
}
