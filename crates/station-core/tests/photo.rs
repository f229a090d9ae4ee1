//! Photo checks on real photographs (tests/fixtures/photos, from shared/
//! fixtures) and pictures derived from them.

use std::time::Instant;

use image::{DynamicImage, GenericImageView, Rgb, RgbImage};
use station_core::error::ErrorCode;
use station_core::photo::{accept, PhotoPolicy, PhotoRejection};

fn fixture(name: &str) -> DynamicImage {
    let path = format!("{}/tests/fixtures/photos/{name}", env!("CARGO_MANIFEST_DIR"));
    image::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn verdict(image: &DynamicImage) -> Result<(), PhotoRejection> {
    accept(image, &PhotoPolicy::default()).map(|_| ())
}

#[test]
fn one_frontal_face_is_accepted_as_a_portrait_jpeg_within_budget() {
    let started = Instant::now();
    let photo = accept(&fixture("astronaut.png"), &PhotoPolicy::default()).unwrap();
    eprintln!("accepted in {:?} (debug build)", started.elapsed());
    let jpeg = photo.jpeg();
    assert!(jpeg.len() <= 100 * 1024, "{} bytes", jpeg.len());
    assert_eq!(image::guess_format(jpeg).unwrap(), image::ImageFormat::Jpeg);
    let decoded = image::load_from_memory(jpeg).unwrap();
    assert!(
        matches!(decoded, DynamicImage::ImageRgb8(_)),
        "RGB, as Face Check wants"
    );
    let (w, h) = decoded.dimensions();
    assert_eq!((w, h), photo.dimensions());
    assert!(w >= 200 && h >= 200 && w <= 480 && h <= 640, "{w}×{h}");
    assert_eq!(w * 4 / 3, h, "a 3:4 portrait");
    // The portrait itself passes every check: its one face is found again.
    assert!(accept(&decoded, &PhotoPolicy::default()).is_ok());
    assert!(
        format!("{photo:?}").starts_with("Photo("),
        "no pixels in debug output"
    );
}

#[test]
fn two_faces_are_refused() {
    assert_eq!(
        verdict(&fixture("two_faces.png")),
        Err(PhotoRejection::SeveralFaces(2))
    );
}

#[test]
fn a_cat_and_a_coffee_cup_have_no_face() {
    assert_eq!(verdict(&fixture("chelsea.png")), Err(PhotoRejection::NoFace));
    assert_eq!(verdict(&fixture("coffee.png")), Err(PhotoRejection::NoFace));
}

#[test]
fn a_tiny_picture_is_refused_with_the_size_needed() {
    let tiny = fixture("astronaut.png").resize(150, 150, image::imageops::FilterType::Triangle);
    let error = verdict(&tiny).unwrap_err();
    assert_eq!(
        error,
        PhotoRejection::TooSmall {
            width: 150,
            height: 150,
            min: 200
        }
    );
    assert_eq!(error.code(), "photo.too_small");
    assert!(error.to_string().contains("at least 200×200"));
}

#[test]
fn a_dark_picture_is_refused() {
    let mut dark = fixture("astronaut.png").to_rgb8();
    for pixel in dark.pixels_mut() {
        pixel.0 = pixel.0.map(|c| c / 8);
    }
    assert_eq!(
        verdict(&DynamicImage::ImageRgb8(dark)),
        Err(PhotoRejection::TooDark)
    );
}

#[test]
fn a_blurred_picture_is_refused() {
    let blurred = fixture("astronaut.png").blur(6.0);
    assert_eq!(verdict(&blurred), Err(PhotoRejection::Blurred));
}

#[test]
fn a_face_far_from_the_camera_is_too_small() {
    let person = fixture("astronaut.png")
        .resize(300, 300, image::imageops::FilterType::Triangle)
        .to_rgb8();
    let mut room = RgbImage::from_pixel(1600, 1200, Rgb([128, 128, 128]));
    image::imageops::overlay(&mut room, &person, 650, 450);
    assert_eq!(
        verdict(&DynamicImage::ImageRgb8(room)),
        Err(PhotoRejection::FaceTooSmall)
    );
}

#[test]
fn the_byte_budget_is_met_or_refused_clearly() {
    let small = PhotoPolicy {
        max_jpeg_bytes: 8_000,
        ..PhotoPolicy::default()
    };
    let photo = accept(&fixture("astronaut.png"), &small).unwrap();
    assert!(photo.jpeg().len() <= 8_000);
    let impossible = PhotoPolicy {
        max_jpeg_bytes: 300,
        ..PhotoPolicy::default()
    };
    assert_eq!(
        accept(&fixture("astronaut.png"), &impossible).map(|_| ()),
        Err(PhotoRejection::TooLarge { max_bytes: 300 })
    );
}

#[test]
fn claim_and_data_url_encodings() {
    let photo = accept(&fixture("astronaut.png"), &PhotoPolicy::default()).unwrap();
    use base64::Engine as _;
    let claim = photo.to_claim_value();
    assert!(
        !claim.contains('+') && !claim.contains('/') && !claim.contains('='),
        "base64url"
    );
    assert_eq!(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(claim)
            .unwrap(),
        photo.jpeg()
    );
    assert!(photo.to_data_url().starts_with("data:image/jpeg;base64,/9j/"));
}
