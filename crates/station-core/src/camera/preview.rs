//! Preview frames for the screen: scaled down and JPEG-encoded, since a
//! preview needs a face guide's worth of detail, not the full frame.

use std::io::Cursor;

use image::imageops::FilterType;
use image::RgbImage;

/// Wide enough for a sharp preview on a desk screen.
pub const PREVIEW_WIDTH: u32 = 640;

const PREVIEW_QUALITY: u8 = 70;

/// `frame` as a JPEG at most [`PREVIEW_WIDTH`] wide; `None` for a frame
/// the encoder refuses (an empty one from a misbehaving driver), which the
/// preview skips.
pub fn preview_jpeg(frame: &RgbImage) -> Option<Vec<u8>> {
    let width = frame.width().clamp(1, PREVIEW_WIDTH);
    let height =
        (u64::from(frame.height()) * u64::from(width) / u64::from(frame.width().max(1))).max(1) as u32;
    let scaled;
    let source = if width == frame.width() {
        frame
    } else {
        scaled = image::imageops::resize(frame, width, height, FilterType::Triangle);
        &scaled
    };
    let mut bytes = Vec::with_capacity(64 * 1024);
    image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut bytes), PREVIEW_QUALITY)
        .encode_image(source)
        .ok()?;
    Some(bytes)
}
