//! Capture → checked, encoded JPEG: the time from a 1280×720 camera frame to
//! an accepted portrait (target ≤ 150 ms in a release build); prints numbers.
//! `cargo bench -p station-core --bench photo` (RUNS=n, default 30).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::path::Path;
use std::time::Instant;

use image::DynamicImage;
use station_core::camera::SyntheticCamera;
use station_core::photo::{accept, PhotoPolicy};

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let picture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/photos/astronaut.png");
    let camera = SyntheticCamera::open(&picture, 1280, 720).unwrap().start(30);
    std::thread::sleep(std::time::Duration::from_millis(100));
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let frame = camera.latest().unwrap();
        let started = Instant::now();
        let photo = accept(
            &DynamicImage::ImageRgb8((*frame.image).clone()),
            &PhotoPolicy::default(),
        )
        .unwrap();
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(photo.jpeg().len() <= 100 * 1024);
    }
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "capture -> accepted JPEG (1280x720)  n={runs}  p50={:.1} ms  p95={:.1} ms  max={:.1} ms",
        at(0.5),
        at(0.95),
        samples[samples.len() - 1]
    );
}
