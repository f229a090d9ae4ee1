//! The synthetic camera: frames at a steady rate, newest wins, and a capture
//! from it goes through the photo checks.

use std::time::Duration;

use station_core::camera::preview::{preview_jpeg, PREVIEW_WIDTH};
use station_core::camera::{CameraError, CameraStatus, CameraStream, SyntheticCamera};
use station_core::config::{CameraConfig, CameraSource};
use station_core::error::ErrorCode;
use station_core::photo::{accept, PhotoPolicy, PhotoRejection};

fn photos() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/photos")
}

#[tokio::test]
async fn a_folder_plays_in_a_loop_at_the_requested_size() {
    let stream = SyntheticCamera::open(&photos(), 1280, 720).unwrap().start(50);
    let mut frames = stream.frames();
    frames
        .wait_for(|f| f.as_ref().is_some_and(|f| f.sequence >= 6))
        .await
        .unwrap();
    let frame = stream.latest().unwrap();
    assert_eq!(frame.image.dimensions(), (1280, 720));
    assert!(frame.sequence >= 6, "four pictures, looped");
}

#[tokio::test]
async fn a_slow_reader_skips_frames_instead_of_queueing_them() {
    let stream = SyntheticCamera::open(&photos().join("astronaut.png"), 640, 480)
        .unwrap()
        .start(100);
    let mut frames = stream.frames();
    frames.wait_for(|f| f.is_some()).await.unwrap();
    let first = stream.latest().unwrap().sequence;
    tokio::time::sleep(Duration::from_millis(300)).await;
    frames.changed().await.unwrap();
    let later = frames.borrow_and_update().as_ref().unwrap().sequence;
    assert!(
        later >= first + 10,
        "the reader sees the newest frame ({first} → {later}), not the next queued one"
    );
}

#[test]
fn a_capture_of_the_synthetic_camera_is_checked_like_any_photo() {
    let person = SyntheticCamera::open(&photos().join("astronaut.png"), 1280, 720)
        .unwrap()
        .start(30);
    let cat = SyntheticCamera::open(&photos().join("chelsea.png"), 1280, 720)
        .unwrap()
        .start(30);
    std::thread::sleep(Duration::from_millis(100));
    let frame = person.latest().unwrap();
    let photo = accept(
        &image::DynamicImage::ImageRgb8((*frame.image).clone()),
        &PhotoPolicy::default(),
    )
    .unwrap();
    assert!(photo.jpeg().len() <= 100 * 1024);
    let frame = cat.latest().unwrap();
    let verdict = accept(
        &image::DynamicImage::ImageRgb8((*frame.image).clone()),
        &PhotoPolicy::default(),
    );
    assert_eq!(verdict.map(|_| ()), Err(PhotoRejection::NoFace));
}

#[test]
fn an_empty_folder_says_what_to_give() {
    let empty = tempfile::tempdir().unwrap();
    let error = SyntheticCamera::open(empty.path(), 640, 480).err().unwrap();
    assert!(matches!(error, CameraError::NoPictures { .. }));
    assert_eq!(error.code(), "camera.no_pictures");
}

#[tokio::test]
async fn a_webcam_that_is_not_there_is_named_with_what_to_do() {
    let config = CameraConfig {
        source: CameraSource::Device(Some("Front desk cam that is not plugged in".into())),
        ..CameraConfig::default()
    };
    let stream = CameraStream::open(&config).unwrap();
    let mut status = stream.status();
    let status = status
        .wait_for(|s| *s != CameraStatus::Starting)
        .await
        .unwrap()
        .clone();
    let CameraStatus::Failed(problem) = status else {
        panic!("{status:?}")
    };
    assert_eq!(problem.code(), "camera.not_found");
    let message = problem.to_string();
    assert!(
        message.contains("“Front desk cam that is not plugged in”"),
        "{message}"
    );
    assert!(message.contains("choose another in Settings"), "{message}");
    assert_eq!(stream.latest().unwrap_err(), problem, "a capture says the same");
}

#[tokio::test]
async fn configured_pictures_start_the_synthetic_camera_and_report_it_live() {
    let config = CameraConfig {
        source: CameraSource::Pictures(photos().join("astronaut.png")),
        ..CameraConfig::default()
    };
    let stream = CameraStream::open(&config).unwrap();
    stream.frames().wait_for(|f| f.is_some()).await.unwrap();
    assert_eq!(
        *stream.status().borrow(),
        CameraStatus::Live {
            name: "Synthetic camera".into()
        }
    );
    let missing = CameraConfig {
        source: CameraSource::Pictures(photos().join("nobody-here")),
        ..CameraConfig::default()
    };
    assert_eq!(
        CameraStream::open(&missing).err().unwrap().code(),
        "camera.no_pictures"
    );
}

#[test]
fn a_preview_frame_is_a_smaller_jpeg_of_the_same_picture() {
    let stream = SyntheticCamera::open(&photos().join("astronaut.png"), 1280, 720)
        .unwrap()
        .start(30);
    std::thread::sleep(Duration::from_millis(100));
    let jpeg = preview_jpeg(&stream.latest().unwrap().image).unwrap();
    let decoded = image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (PREVIEW_WIDTH, 360));
    assert!(jpeg.len() < 150 * 1024, "{} bytes", jpeg.len());
}
