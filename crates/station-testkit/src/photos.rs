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

/// The astronaut fixture (one frontal face) as a JPEG, as a phone sends it.
pub fn astronaut_jpeg() -> Vec<u8> {
    let mut jpeg = Vec::new();
    image::open(crate::paths::photo("astronaut.png"))
        .unwrap()
        .to_rgb8()
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    jpeg
}

/// The recipient's phone opens the capture page at `url`; it must load.
pub async fn phone_opens(url: &str) {
    reqwest::Client::new()
        .get(url)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
}

/// The recipient's phone sends `jpeg` to the capture page at `url`, as the
/// page's upload does; the page must take it.
pub async fn phone_sends(url: &str, jpeg: Vec<u8>) {
    reqwest::Client::new()
        .post(url)
        .header("content-type", "image/jpeg")
        .body(jpeg)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
}
