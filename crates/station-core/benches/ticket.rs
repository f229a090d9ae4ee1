//! A ticket's QR code read from a 1280×720 camera frame, as the kiosk's
//! scanner does a few times a second (target ≤ 30 ms in a release build);
//! prints p50/p95, and how long a frame without a ticket takes (the
//! scanner's cost while the kiosk waits). The frames are a real QR code
//! rendered onto a photo fixture, at a few positions in the picture.
//! `cargo bench -p station-core --bench ticket` (TICKET_BENCH_FRAMES=n,
//! default 100).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::time::Instant;

use image::imageops;
use station_core::kiosk::decode_ticket;
use station_testkit::photos::ticket_frame;

fn main() {
    let runs: usize = std::env::var("TICKET_BENCH_FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let ticket = "https://tickets.example/e/2025/T-1001";
    // The same ticket moved about the picture, as a hand holds it.
    let frames: Vec<_> = (0..4)
        .map(|shift| {
            let frame = ticket_frame(ticket, 1280, 720);
            let mut moved = frame.clone();
            imageops::replace(
                &mut moved,
                &imageops::crop_imm(&frame, shift * 90, 0, 1280 - shift * 90, 720).to_image(),
                0,
                0,
            );
            moved
        })
        .collect();
    let empty = image::open(station_testkit::paths::photo("chelsea.png"))
        .unwrap()
        .resize_to_fill(1280, 720, imageops::FilterType::Triangle)
        .to_rgb8();

    let mut with_ticket = Vec::with_capacity(runs);
    let mut without = Vec::with_capacity(runs);
    for run in 0..runs {
        let started = Instant::now();
        let code = decode_ticket(&frames[run % frames.len()]);
        with_ticket.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(code.as_deref(), Some("T-1001"), "frame {}", run % frames.len());
        let started = Instant::now();
        assert_eq!(decode_ticket(&empty), None);
        without.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    report("ticket QR in a 1280x720 frame -> code", &mut with_ticket);
    report("1280x720 frame without a ticket      ", &mut without);
}

fn report(what: &str, samples: &mut [f64]) {
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{what}  n={}  p50={:.1} ms  p95={:.1} ms  max={:.1} ms",
        samples.len(),
        at(0.5),
        at(0.95),
        samples[samples.len() - 1]
    );
}
