//! QR codes rendered by the station itself from the request URL, rather than
//! the service's PNG: an SVG stays crisp full screen, the PNG feeds tests and
//! exports, and the terminal form serves the CLI.

use std::io::Cursor;

use qrcode::render::{svg, unicode};
use qrcode::{EcLevel, QrCode};

use crate::error::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("the request URL is too long to fit in a QR code ({0} bytes)")]
    TooLong(usize),
    #[error("the QR image could not be encoded as PNG: {0}")]
    Png(String),
}

impl ErrorCode for QrError {
    fn code(&self) -> &'static str {
        match self {
            QrError::TooLong(_) => "qr.too_long",
            QrError::Png(_) => "qr.png",
        }
    }
}

/// A QR code for one URL, ready to render in several forms.
pub struct RequestQr {
    code: QrCode,
}

impl RequestQr {
    /// Medium error correction: a phone scans it from a screen at an angle,
    /// and it keeps the symbol small enough for long `request_uri` links.
    pub fn new(url: &str) -> Result<RequestQr, QrError> {
        QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
            .map(|code| RequestQr { code })
            .map_err(|_| QrError::TooLong(url.len()))
    }

    /// An SVG for full-screen display; its `viewBox` lets CSS scale it to
    /// any size without blur.
    pub fn to_svg(&self) -> String {
        self.code
            .render::<svg::Color<'_>>()
            .quiet_zone(true)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build()
    }

    /// A PNG with at least `min_size` pixels a side.
    pub fn to_png(&self, min_size: u32) -> Result<Vec<u8>, QrError> {
        let image = self
            .code
            .render::<image::Luma<u8>>()
            .quiet_zone(true)
            .min_dimensions(min_size, min_size)
            .build();
        let mut bytes = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
            .map_err(|e| QrError::Png(e.to_string()))?;
        Ok(bytes)
    }

    /// Half-height blocks for a terminal with a dark background.
    pub fn to_terminal(&self) -> String {
        self.code
            .render::<unicode::Dense1x2>()
            .quiet_zone(true)
            .dark_color(unicode::Dense1x2::Light)
            .light_color(unicode::Dense1x2::Dark)
            .build()
    }
}
