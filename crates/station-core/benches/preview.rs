//! A camera frame to a preview JPEG, the work done for every frame shown
//! (in the photo step, and on a kiosk's attract screen all day); prints
//! numbers. `cargo bench -p station-core --bench preview` (RUNS=n, default 200).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::path::Path;
use std::time::Instant;

use station_core::camera::preview::preview_jpeg;
use station_core::camera::SyntheticCamera;

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let picture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/photos/astronaut.png");
    for (width, height) in [(1280, 720), (1920, 1080)] {
        let camera = SyntheticCamera::open(&picture, width, height).unwrap().start(30);
        std::thread::sleep(std::time::Duration::from_millis(100));
        let frame = camera.latest().unwrap();
        let mut samples = Vec::with_capacity(runs);
        let mut bytes = 0;
        for _ in 0..runs {
            let started = Instant::now();
            bytes = preview_jpeg(&frame.image).unwrap().len();
            samples.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        samples.sort_by(f64::total_cmp);
        let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
        println!(
            "camera frame -> preview JPEG ({width}x{height})  n={runs}  p50={:.2} ms  p95={:.2} ms  ({} KiB)",
            at(0.5),
            at(0.95),
            bytes / 1024
        );
    }
}
