//! Renders the `qrCode` field of a create answer: a PNG data URL, as the
//! real service returns, so the station's QR display is exercised for real.

use std::io::Cursor;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use image::{ImageFormat, Luma};
use qrcode::QrCode;

#[derive(Debug, thiserror::Error)]
pub(crate) enum QrError {
    #[error("the text does not fit in a QR code: {0}")]
    Encode(#[from] qrcode::types::QrError),
    #[error("could not write the PNG: {0}")]
    Png(#[from] image::ImageError),
}

/// `data:image/png;base64,…` of a QR code holding `text`.
pub(crate) fn png_data_url(text: &str) -> Result<String, QrError> {
    let image = QrCode::new(text.as_bytes())?
        .render::<Luma<u8>>()
        .min_dimensions(256, 256)
        .build();
    let mut png = Cursor::new(Vec::new());
    image.write_to(&mut png, ImageFormat::Png)?;
    Ok(format!(
        "data:image/png;base64,{}",
        STANDARD.encode(png.into_inner())
    ))
}
