//! Pictures for photo claims: a synthetic JPEG in the encodings the
//! services take.

use base64::Engine;

/// A real JPEG, `width`×`height`, of a colour gradient.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    use image::codecs::jpeg::JpegEncoder;
    use image::{ExtendedColorType, ImageEncoder, Rgb, RgbImage};

    let gradient = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 160])
    });
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, 85)
        .write_image(gradient.as_raw(), width, height, ExtendedColorType::Rgb8)
        .expect("JPEG encodes");
    bytes
}

/// [`jpeg`] as base64url without padding: the form Entra photo claims take.
pub fn jpeg_claim(width: u32, height: u32) -> String {
    base64url(&jpeg(width, height))
}

/// `data:image/jpeg;base64,…` (standard, padded base64, as browsers write it).
pub fn data_url(bytes: &[u8]) -> String {
    use base64::engine::general_purpose::STANDARD;
    format!("data:image/jpeg;base64,{}", STANDARD.encode(bytes))
}

pub fn base64url(bytes: &[u8]) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    URL_SAFE_NO_PAD.encode(bytes)
}
