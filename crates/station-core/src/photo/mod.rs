//! The recipient's photo: checked before it is accepted (one frontal face,
//! big enough, lit, sharp), then cropped to a portrait and encoded as a JPEG
//! within a byte budget, so a whole request stays far under the services'
//! 1 MB limit. Every refusal says, in plain words, what to change.
//!
//! The photo lives in memory only; its bytes are wiped when it is dropped.

mod faces;
mod portrait;
mod quality;

use base64::Engine as _;
use image::DynamicImage;
use zeroize::Zeroizing;

pub use faces::FaceBox;

use crate::error::ErrorCode;

/// What a photo must meet; the defaults follow Entra's Face Check guidance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhotoPolicy {
    /// Smallest accepted width and height of the source image.
    pub min_side: u32,
    /// The face's width as a share of the image's shorter side.
    pub min_face_share: f32,
    /// Mean brightness (0–255) of the face below which it is too dark.
    pub min_brightness: f32,
    /// Variance of the Laplacian of the face below which it is blurred.
    pub min_sharpness: f32,
    /// The encoded JPEG's largest size in bytes.
    pub max_jpeg_bytes: usize,
}

impl Default for PhotoPolicy {
    fn default() -> Self {
        PhotoPolicy {
            min_side: 200,
            // SeetaFace's box is tight (brows to mouth): 15 % of the
            // shorter side is a head filling much of the picture.
            min_face_share: 0.15,
            min_brightness: 60.0,
            min_sharpness: 40.0,
            max_jpeg_bytes: 100 * 1024,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PhotoRejection {
    #[error("the picture is {width}×{height} pixels; it needs at least {min}×{min}. Move closer or use a better camera")]
    TooSmall { width: u32, height: u32, min: u32 },
    #[error("no face was found. Look straight at the camera, with the whole face in the frame")]
    NoFace,
    #[error("{0} faces were found. Only the recipient should be in the picture")]
    SeveralFaces(usize),
    #[error("the face is too small in the picture. Come closer to the camera")]
    FaceTooSmall,
    #[error("the picture is too dark. Add light in front of the face")]
    TooDark,
    #[error("the picture is blurred. Hold still and check the camera's focus")]
    Blurred,
    #[error("the photo cannot be made smaller than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    #[error("the picture cannot be read: {0}")]
    Unreadable(String),
}

impl ErrorCode for PhotoRejection {
    fn code(&self) -> &'static str {
        match self {
            PhotoRejection::TooSmall { .. } => "photo.too_small",
            PhotoRejection::NoFace => "photo.no_face",
            PhotoRejection::SeveralFaces(_) => "photo.several_faces",
            PhotoRejection::FaceTooSmall => "photo.face_too_small",
            PhotoRejection::TooDark => "photo.too_dark",
            PhotoRejection::Blurred => "photo.blurred",
            PhotoRejection::TooLarge { .. } => "photo.too_large",
            PhotoRejection::Unreadable(_) => "photo.unreadable",
        }
    }
}

/// An accepted photo: an RGB JPEG portrait of one face, within budget.
#[derive(Clone, PartialEq, Eq)]
pub struct Photo {
    jpeg: Zeroizing<Vec<u8>>,
    width: u32,
    height: u32,
}

impl std::fmt::Debug for Photo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A face is personal data: never in a log line.
        write!(
            f,
            "Photo({}×{}, {} bytes)",
            self.width,
            self.height,
            self.jpeg.len()
        )
    }
}

impl Photo {
    pub fn jpeg(&self) -> &[u8] {
        &self.jpeg
    }

    pub fn dimensions(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Entra's photo claim: the JPEG in base64url.
    pub fn to_claim_value(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.jpeg.as_slice())
    }

    /// A photo accepted earlier and kept as its JPEG (a queued job's),
    /// read back without checking the face again; only its size is read.
    pub fn from_accepted_jpeg(jpeg: Vec<u8>) -> Result<Photo, PhotoRejection> {
        let (width, height) =
            image::ImageReader::with_format(std::io::Cursor::new(&jpeg), image::ImageFormat::Jpeg)
                .into_dimensions()
                .map_err(|e| PhotoRejection::Unreadable(e.to_string()))?;
        Ok(Photo {
            jpeg: Zeroizing::new(jpeg),
            width,
            height,
        })
    }

    /// Verified Orchestration's `faceCheckPhoto`: a JPEG data URL.
    pub fn to_data_url(&self) -> String {
        format!(
            "data:image/jpeg;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(self.jpeg.as_slice())
        )
    }
}

/// Checks `image` and, if it passes, makes the portrait JPEG.
pub fn accept(image: &DynamicImage, policy: &PhotoPolicy) -> Result<Photo, PhotoRejection> {
    let (width, height) = (image.width(), image.height());
    if width < policy.min_side || height < policy.min_side {
        return Err(PhotoRejection::TooSmall {
            width,
            height,
            min: policy.min_side,
        });
    }
    let gray = image.to_luma8();
    let faces = faces::detect(&gray);
    let face = match faces.as_slice() {
        [] => {
            // An unlit or unfocused picture hides the face; say which.
            quality::check_region(&gray, None, policy)?;
            return Err(PhotoRejection::NoFace);
        }
        [face] => *face,
        several => return Err(PhotoRejection::SeveralFaces(several.len())),
    };
    if (face.width as f32) < policy.min_face_share * width.min(height) as f32 {
        return Err(PhotoRejection::FaceTooSmall);
    }
    quality::check_region(&gray, Some(face), policy)?;
    let (jpeg, width, height) = portrait::encode(image, face, policy.max_jpeg_bytes)?;
    Ok(Photo {
        jpeg: Zeroizing::new(jpeg),
        width,
        height,
    })
}

/// Reads an encoded image (PNG, JPEG) and accepts it as a photo.
pub fn accept_encoded(bytes: &[u8], policy: &PhotoPolicy) -> Result<Photo, PhotoRejection> {
    let image = image::load_from_memory(bytes).map_err(|e| PhotoRejection::Unreadable(e.to_string()))?;
    accept(&image, policy)
}
