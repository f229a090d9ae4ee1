//! Tickets. A ticket's QR code says either the registration code itself
//! (`T-1001`) or an http(s) URL that carries it: the `code` query
//! parameter, else the `ticket` one, else the URL's last path segment
//! (`https://tickets.example/e/2025/T-1001`). Typed codes go through the
//! same rules, so what a visitor types and what the camera reads agree.
//!
//! A frame is searched at half size in grey: a ticket held up to the
//! camera fills a good part of the picture, and a quarter of the pixels
//! keeps a 1280×720 frame well within the scanner's budget (see
//! `benches/ticket.rs`).

use image::{GrayImage, RgbImage};
use url::Url;

use super::KioskError;

/// Longer than any registration code an event prints; a longer one is
/// refused before it reaches the roster.
pub const MAX_CODE_CHARS: usize = 64;

/// The registration code on a ticket (its QR code's text, or what a
/// visitor typed).
pub fn code_from_ticket(text: &str) -> Result<String, KioskError> {
    let text = text.trim();
    // Counted before any parsing, so a huge input costs nothing more.
    if text.chars().count() > MAX_CODE_CHARS * 16 {
        return Err(KioskError::CodeTooLong { max: MAX_CODE_CHARS });
    }
    let code = match Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => code_in_url(&url).unwrap_or_default(),
        _ => text.to_owned(),
    };
    let code = code.trim();
    if code.is_empty() || code.chars().any(char::is_control) {
        return Err(KioskError::NoCode);
    }
    if code.chars().count() > MAX_CODE_CHARS {
        return Err(KioskError::CodeTooLong { max: MAX_CODE_CHARS });
    }
    Ok(code.to_owned())
}

fn code_in_url(url: &Url) -> Option<String> {
    let query = |name: &str| {
        url.query_pairs()
            .find(|(key, value)| key == name && !value.trim().is_empty())
            .map(|(_, value)| value.into_owned())
    };
    query("code").or_else(|| query("ticket")).or_else(|| {
        let segment = url.path_segments()?.rev().find(|s| !s.is_empty())?;
        Some(percent_decoded(segment))
    })
}

fn percent_decoded(segment: &str) -> String {
    // The query parser decodes for us; a path segment is decoded as one.
    url::form_urlencoded::parse(format!("s={}", segment.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// The registration code of a ticket held up in `frame`, if one is there
/// and readable.
pub fn decode_ticket(frame: &RgbImage) -> Option<String> {
    let mut prepared = rqrr::PreparedImage::prepare(half_size_grey(frame));
    prepared
        .detect_grids()
        .iter()
        .filter_map(|grid| grid.decode().ok())
        .find_map(|(_, text)| code_from_ticket(&text).ok())
}

/// `frame` at half its width and height, each pixel the mean luma of the
/// four it covers (integer BT.601 weights).
fn half_size_grey(frame: &RgbImage) -> GrayImage {
    let (width, height) = (frame.width() / 2, frame.height() / 2);
    let luma = |x: u32, y: u32| {
        let [r, g, b] = frame.get_pixel(x, y).0;
        77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b)
    };
    GrayImage::from_fn(width.max(1), height.max(1), |x, y| {
        let (x, y) = ((2 * x).min(frame.width() - 1), (2 * y).min(frame.height() - 1));
        let (right, below) = ((x + 1).min(frame.width() - 1), (y + 1).min(frame.height() - 1));
        let sum = luma(x, y) + luma(right, y) + luma(x, below) + luma(right, below);
        // Four pixels of at most 255 × 256 each: the mean fits a byte.
        image::Luma([(sum / (4 * 256)) as u8])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_code_is_the_code() {
        assert_eq!(code_from_ticket("  T-1001\n").unwrap(), "T-1001");
    }

    #[test]
    fn a_url_carries_the_code_in_code_then_ticket_then_its_last_segment() {
        let code = |text| code_from_ticket(text).unwrap();
        assert_eq!(code("https://tickets.example/e?ticket=T-2&code=T-1"), "T-1");
        assert_eq!(code("https://tickets.example/e?ticket=T-2"), "T-2");
        assert_eq!(code("https://tickets.example/e/2025/T-3/"), "T-3");
        assert_eq!(code("https://tickets.example/e/T%204?code="), "T 4");
        assert_eq!(code("http://tickets.example/T+5"), "T+5");
    }

    #[test]
    fn a_url_without_a_code_and_a_blank_one_are_no_code() {
        assert!(matches!(
            code_from_ticket("https://tickets.example/"),
            Err(KioskError::NoCode)
        ));
        assert!(matches!(code_from_ticket("   "), Err(KioskError::NoCode)));
        assert!(matches!(code_from_ticket("T-1\u{0}"), Err(KioskError::NoCode)));
    }

    #[test]
    fn other_schemes_are_read_as_the_code_itself() {
        assert_eq!(code_from_ticket("urn:ticket:T-1").unwrap(), "urn:ticket:T-1");
    }

    #[test]
    fn a_code_longer_than_the_cap_is_refused() {
        let long = "x".repeat(MAX_CODE_CHARS + 1);
        assert!(matches!(
            code_from_ticket(&long),
            Err(KioskError::CodeTooLong { max: MAX_CODE_CHARS })
        ));
        assert!(code_from_ticket(&"x".repeat(MAX_CODE_CHARS)).is_ok());
        let huge = format!("https://t.example/?code={}", "x".repeat(100_000));
        assert!(matches!(
            code_from_ticket(&huge),
            Err(KioskError::CodeTooLong { .. })
        ));
    }

    #[test]
    fn a_ticket_held_up_in_a_photo_is_read() {
        let frame = station_testkit::photos::ticket_frame("https://tickets.example/e/2025/T-1001", 1280, 720);
        assert_eq!(decode_ticket(&frame).as_deref(), Some("T-1001"));
    }

    #[test]
    fn a_photo_without_a_ticket_reads_nothing() {
        let face = image::open(station_testkit::paths::photo("astronaut.png"))
            .unwrap()
            .to_rgb8();
        assert_eq!(decode_ticket(&face), None);
    }
}
