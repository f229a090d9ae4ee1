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

/// A `width`×`height` camera frame of a ticket whose QR code says `text`,
/// held up in front of a real photo (the coffee fixture): a white card
/// about a third of the frame's height, slightly soft as a webcam sees it.
pub fn ticket_frame(text: &str, width: u32, height: u32) -> image::RgbImage {
    use image::imageops::{self, FilterType};
    use image::{Luma, Rgb, RgbImage};

    let background = image::open(crate::paths::photo("coffee.png")).unwrap();
    let mut frame = background
        .resize_to_fill(width, height, FilterType::Triangle)
        .to_rgb8();
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let side = height / 3;
    let qr = code
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .min_dimensions(side, side)
        .max_dimensions(side, side)
        .build();
    let qr = image::DynamicImage::ImageLuma8(qr).to_rgb8();
    let margin = side / 10;
    let mut card = RgbImage::from_pixel(
        qr.width() + 2 * margin,
        qr.height() + 3 * margin,
        Rgb([246, 244, 238]),
    );
    imageops::replace(&mut card, &qr, i64::from(margin), i64::from(margin));
    let x = i64::from(width * 3 / 5);
    let y = i64::from((height - card.height().min(height)) / 2);
    imageops::replace(&mut frame, &card, x, y);
    imageops::blur(&frame, 0.8)
}
