//! Time to render one badge (CR80, with a photo and a long name) to PDF,
//! and the PDF's size. BADGE_BENCH_RENDERS sets how many (default 50);
//! BADGE_BENCH_PDF=<file> keeps the badge (docs/screenshots/badge.png is
//! that file through `pdftoppm -r 200 -png -singlefile`).

use std::time::{Duration, Instant, SystemTime};

use station_badge::{check_in_link, render_pdf, BadgeCard, CheckInPerson, IssueDate};
use station_core::config::BadgeLayout;

fn main() {
    let renders: u32 = std::env::var("BADGE_BENCH_RENDERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(50)
        .max(1);
    let photo = station_testkit::photos::astronaut_jpeg();
    let card = BadgeCard {
        layout: BadgeLayout::Cr80,
        name: "Maximiliana Alexandra Konstantinopoulou-Vandenberghe Smith".into(),
        photo_jpeg: Some(photo),
        credential: "Event badge".into(),
        event: "Contoso Developer Conference 2026".into(),
        issued_on: IssueDate::utc(SystemTime::now()),
        check_in: check_in_link("EventBadge", &CheckInPerson::Roster(4242)),
    };
    let started = Instant::now();
    let first = render_pdf(&card).unwrap_or_else(|e| panic!("{e}"));
    let cold = started.elapsed();
    if let Ok(path) = std::env::var("BADGE_BENCH_PDF") {
        std::fs::write(&path, &first).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..renders {
        let started = Instant::now();
        let pdf = render_pdf(&card).unwrap_or_else(|e| panic!("{e}"));
        times.push(started.elapsed());
        assert_eq!(pdf.len(), first.len());
    }
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!("badge render (CR80, photo, 60-char name), {renders} renders");
    println!("  first (fonts parsed): {:.1} ms", cold.as_secs_f64() * 1e3);
    println!(
        "  p50 {:.1} ms, p99 {:.1} ms",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3
    );
    println!("  PDF size: {} bytes", first.len());
}
