//! Photo claims: Entra carries a holder's photo as base64url of a JPEG, and
//! Face Check compares the liveness selfie against it. A claim counts as a
//! photo when it decodes to bytes with the JPEG magic; such a claim must
//! then really be a usable photo, so a broken one fails at issuance, where
//! the caller can fix it, rather than at the first Face Check.

use std::io::Cursor;

use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use image::{ImageFormat, ImageReader};

/// The first bytes of every JPEG (SOI marker and the next marker's 0xFF).
const JPEG_MAGIC: [u8; 3] = [0xFF, 0xD8, 0xFF];

/// Face Check's photo guidance: at least 200×200 pixels.
const MIN_SIDE: u32 = 200;

/// The service's whole payload limit; a photo can never be larger, and
/// saying so here keeps the rule true if the body limit ever changes.
const MAX_BYTES: usize = 1_048_576;

/// Entra writes base64url without padding, but padded values decode too.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a claim that looks like a photo cannot be used as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PhotoError {
    #[error("is {0} bytes once decoded, more than the maximum of {MAX_BYTES} bytes for a photo")]
    TooLarge(usize),
    #[error("is not a JPEG: {0}")]
    NotJpeg(String),
    #[error("is too small: {width}×{height} pixels, but a photo must be at least {MIN_SIDE}×{MIN_SIDE}")]
    TooSmall { width: u32, height: u32 },
}

/// `Ok(false)` for a claim that is not a photo at all, `Ok(true)` for a
/// usable photo, and the reason for one that starts like a JPEG but is not
/// usable.
pub(crate) fn check_claim(value: &str) -> Result<bool, PhotoError> {
    match BASE64URL.decode(value) {
        Ok(bytes) if bytes.starts_with(&JPEG_MAGIC) => check_jpeg(&bytes).map(|()| true),
        _ => Ok(false),
    }
}

/// Whether `value` is a photo Face Check can compare against.
pub(crate) fn is_usable(value: &str) -> bool {
    check_claim(value) == Ok(true)
}

/// Decodes the whole image, not just its header, so corrupt image data is
/// caught now rather than when faces are compared. A file merely cut short
/// in its scan data still decodes, as it does in common JPEG decoders.
fn check_jpeg(bytes: &[u8]) -> Result<(), PhotoError> {
    if bytes.len() > MAX_BYTES {
        return Err(PhotoError::TooLarge(bytes.len()));
    }
    let image = ImageReader::with_format(Cursor::new(bytes), ImageFormat::Jpeg)
        .decode()
        .map_err(|e| PhotoError::NotJpeg(e.to_string()))?;
    let (width, height) = (image.width(), image.height());
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(PhotoError::TooSmall { width, height });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use base64::engine::general_purpose::{URL_SAFE as PADDED, URL_SAFE_NO_PAD};
    use image::codecs::jpeg::JpegEncoder;
    use image::{ImageEncoder, RgbImage};

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 80)
            .write_image(image.as_raw(), width, height, image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    #[test]
    fn ordinary_text_is_not_a_photo() {
        for value in ["Megan", "", "base64url-jpeg", "not base64 at all!"] {
            assert_eq!(check_claim(value), Ok(false), "{value}");
        }
    }

    #[test]
    fn accepts_padded_and_unpadded_base64url() {
        let bytes = jpeg(201, 250);
        assert_eq!(check_claim(&URL_SAFE_NO_PAD.encode(&bytes)), Ok(true));
        assert_eq!(check_claim(&PADDED.encode(&bytes)), Ok(true));
    }

    #[test]
    fn refuses_a_photo_smaller_than_200_on_either_side() {
        let narrow = URL_SAFE_NO_PAD.encode(jpeg(199, 400));
        assert_eq!(
            check_claim(&narrow),
            Err(PhotoError::TooSmall {
                width: 199,
                height: 400
            })
        );
        assert!(!is_usable(&narrow));
    }

    #[test]
    fn refuses_a_jpeg_cut_off_before_its_image_data() {
        let mut bytes = jpeg(300, 300);
        bytes.truncate(20);
        assert!(matches!(
            check_claim(&URL_SAFE_NO_PAD.encode(bytes)),
            Err(PhotoError::NotJpeg(_))
        ));
    }

    #[test]
    fn refuses_more_than_a_megabyte_before_decoding() {
        let mut bytes = JPEG_MAGIC.to_vec();
        bytes.resize(MAX_BYTES + 1, 0);
        assert_eq!(
            check_claim(&URL_SAFE_NO_PAD.encode(bytes)),
            Err(PhotoError::TooLarge(MAX_BYTES + 1))
        );
    }
}
