//! Preview frames for the screen: scaled down and JPEG-encoded, since a
//! preview needs a face guide's worth of detail, not the full frame.
//!
//! A preview runs all day on a kiosk, so its cost per frame counts (`cargo
//! bench -p station-core --bench preview`): a camera frame at least twice
//! the preview's width (1280×720 and 1920×1080, what webcams stream) is
//! shrunk by averaging whole blocks of pixels, one pass with no filter
//! weights, as sharp as a triangle filter at an integer factor.

use std::io::Cursor;

use image::imageops::FilterType;
use image::RgbImage;

/// Wide enough for a sharp preview on a desk screen.
pub const PREVIEW_WIDTH: u32 = 640;

/// JPEG quality of a preview frame: a face guide, not the photo taken.
const PREVIEW_QUALITY: u8 = 70;

/// `frame` as a JPEG about [`PREVIEW_WIDTH`] wide (at most 1.5× that);
/// `None` for a frame the encoder refuses (an empty one from a
/// misbehaving driver), which the preview skips.
pub fn preview_jpeg(frame: &RgbImage) -> Option<Vec<u8>> {
    if frame.width() == 0 || frame.height() == 0 {
        return None;
    }
    let factor = frame.width() / PREVIEW_WIDTH;
    let scaled;
    let source = if factor >= 2 {
        scaled = shrink_by(frame, factor);
        &scaled
    } else if frame.width() > PREVIEW_WIDTH {
        let height =
            (u64::from(frame.height()) * u64::from(PREVIEW_WIDTH) / u64::from(frame.width())).max(1) as u32;
        scaled = image::imageops::resize(frame, PREVIEW_WIDTH, height, FilterType::Triangle);
        &scaled
    } else {
        frame
    };
    let mut bytes = Vec::with_capacity(64 * 1024);
    image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut bytes), PREVIEW_QUALITY)
        .encode_image(source)
        .ok()?;
    Some(bytes)
}

/// `frame` shrunk `factor` times in each direction, each pixel the average
/// of a `factor`×`factor` block (a right or bottom edge narrower than a
/// block is dropped).
fn shrink_by(frame: &RgbImage, factor: u32) -> RgbImage {
    let (width, height) = (frame.width() / factor, (frame.height() / factor).max(1));
    let factor = factor as usize;
    let row_bytes = frame.width() as usize * 3;
    let block = (factor * factor.min(frame.height() as usize)) as u32;
    let source = frame.as_raw();
    let mut out = Vec::with_capacity(width as usize * height as usize * 3);
    // One row of sums per output row, added up over the block's source rows.
    let mut sums = vec![0u32; width as usize * 3];
    for y in 0..height as usize {
        sums.fill(0);
        let first = y * factor;
        for row in source.chunks_exact(row_bytes).skip(first).take(factor) {
            for (x, pixels) in row.chunks_exact(factor * 3).take(width as usize).enumerate() {
                for pixel in pixels.chunks_exact(3) {
                    sums[x * 3] += u32::from(pixel[0]);
                    sums[x * 3 + 1] += u32::from(pixel[1]);
                    sums[x * 3 + 2] += u32::from(pixel[2]);
                }
            }
        }
        out.extend(sums.iter().map(|sum| ((sum + block / 2) / block) as u8));
    }
    // The buffer is exactly width × height × 3 bytes by construction.
    RgbImage::from_raw(width, height, out).unwrap_or_else(|| RgbImage::new(width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(jpeg: &[u8]) -> RgbImage {
        image::load_from_memory(jpeg).unwrap().to_rgb8()
    }

    #[test]
    fn a_720p_frame_is_averaged_two_by_two() {
        let frame = RgbImage::from_fn(4, 2, |x, _| {
            image::Rgb([if x % 2 == 0 { 0 } else { 200 }, 10, 255])
        });
        let shrunk = shrink_by(&frame, 2);
        assert_eq!(shrunk.dimensions(), (2, 1));
        assert_eq!(shrunk.get_pixel(0, 0).0, [100, 10, 255]);
        assert_eq!(shrunk.get_pixel(1, 0).0, [100, 10, 255]);
    }

    #[test]
    fn webcam_sizes_become_preview_sized_jpegs() {
        for ((width, height), expected) in [
            ((1280, 720), (640, 360)),
            ((1920, 1080), (640, 360)),
            ((1600, 1200), (800, 600)),
            ((1024, 768), (640, 480)),
            ((640, 480), (640, 480)),
        ] {
            let frame = RgbImage::from_fn(width, height, |x, y| {
                image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
            });
            let jpeg = preview_jpeg(&frame).unwrap();
            assert_eq!(decoded(&jpeg).dimensions(), expected, "from {width}×{height}");
        }
    }

    #[test]
    fn an_empty_frame_is_skipped() {
        assert!(preview_jpeg(&RgbImage::new(0, 0)).is_none());
    }
}
