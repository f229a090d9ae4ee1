//! The accepted photo: a 3:4 portrait around the face, at most 480×640
//! (what Microsoft's selfie sample sends), as an RGB JPEG whose quality is
//! lowered until it fits the byte budget.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::DynamicImage;

use super::{FaceBox, PhotoRejection};

const MAX_WIDTH: u32 = 480;
const MAX_HEIGHT: u32 = 640;
/// Head and shoulders: the crop is this many (tight, brows-to-mouth) face
/// boxes tall.
const FACE_HEIGHTS: f32 = 3.5;
/// Face Check wants at least 200 pixels a side: 200 wide at 3:4.
const MIN_HEIGHT: u32 = 267;
const QUALITIES: [u8; 6] = [90, 80, 70, 60, 50, 40];

pub fn encode(
    image: &DynamicImage,
    face: FaceBox,
    max_bytes: usize,
) -> Result<(Vec<u8>, u32, u32), PhotoRejection> {
    let (x, y, width, height) = crop_around(face, image.width(), image.height());
    let mut portrait = image.crop_imm(x, y, width, height).to_rgb8();
    if width > MAX_WIDTH || height > MAX_HEIGHT {
        portrait = image::imageops::resize(
            &portrait,
            MAX_WIDTH.min(width),
            MAX_HEIGHT.min(height),
            FilterType::Lanczos3,
        );
    }
    // Quality first; if even the lowest is too big, fewer pixels.
    for _ in 0..4 {
        for quality in QUALITIES {
            let mut bytes = Vec::new();
            JpegEncoder::new_with_quality(Cursor::new(&mut bytes), quality)
                .encode_image(&portrait)
                .map_err(|e| PhotoRejection::Unreadable(e.to_string()))?;
            if bytes.len() <= max_bytes {
                return Ok((bytes, portrait.width(), portrait.height()));
            }
        }
        let (w, h) = (portrait.width() * 4 / 5, portrait.height() * 4 / 5);
        portrait = image::imageops::resize(&portrait, w.max(1), h.max(1), FilterType::Lanczos3);
    }
    Err(PhotoRejection::TooLarge { max_bytes })
}

/// A 3:4 rectangle centred on the face, as large as `FACE_HEIGHTS` asks,
/// moved and shrunk to stay inside the image.
fn crop_around(face: FaceBox, image_width: u32, image_height: u32) -> (u32, u32, u32, u32) {
    let wanted_height = ((face.height as f32 * FACE_HEIGHTS) as u32).max(MIN_HEIGHT);
    // A multiple of 4, so the width is exactly three quarters of it.
    let height = (wanted_height.min(image_height).min(image_width * 4 / 3) / 4 * 4).max(4);
    let width = (height * 3 / 4).clamp(1, image_width);
    let centre_x = face.x + face.width / 2;
    let centre_y = face.y + face.height / 2;
    let x = centre_x.saturating_sub(width / 2).min(image_width - width);
    let y = centre_y.saturating_sub(height / 2).min(image_height - height);
    (x, y, width, height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crop_stays_inside_the_image_and_keeps_three_by_four() {
        let face = FaceBox {
            x: 10,
            y: 5,
            width: 100,
            height: 120,
        };
        let (x, y, w, h) = crop_around(face, 640, 480);
        assert!(x + w <= 640 && y + h <= 480);
        assert_eq!(w * 4 / 3, h);
        let edge = FaceBox {
            x: 600,
            y: 400,
            width: 40,
            height: 60,
        };
        let (x, y, w, h) = crop_around(edge, 640, 480);
        assert!(x + w <= 640 && y + h <= 480, "{x} {y} {w} {h}");
    }
}
