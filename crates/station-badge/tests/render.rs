//! A badge rendered to PDF with a real photo and a 60-character name: one
//! page of the layout's size, the name in its text, inside the card, and a
//! QR code (read back from the PDF rendered by poppler) that says the
//! check-in link.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::path::Path;
use std::process::Command;
use std::time::{Duration, UNIX_EPOCH};

use station_badge::{check_in_link, render_pdf, BadgeCard, CheckInPerson, IssueDate};
use station_core::config::BadgeLayout;

/// 60 characters, no break opportunity but its spaces.
const LONG_NAME: &str = "Maximiliana Alexandra Konstantinopoulou-Vandenberghe Smithey";
const MM: f32 = 72.0 / 25.4;

fn card(layout: BadgeLayout, photo: bool) -> BadgeCard {
    BadgeCard {
        layout,
        name: LONG_NAME.into(),
        photo_jpeg: photo.then(station_testkit::photos::astronaut_jpeg),
        credential: "Event badge".into(),
        event: "Contoso Developer Conference 2026".into(),
        issued_on: IssueDate::utc(UNIX_EPOCH + Duration::from_secs(1_778_544_000)),
        check_in: check_in_link("EventBadge", &CheckInPerson::Roster(4242)),
    }
}

fn write(dir: &Path, pdf: &[u8]) -> std::path::PathBuf {
    let path = dir.join("badge.pdf");
    std::fs::write(&path, pdf).unwrap();
    path
}

/// The one page's MediaBox, in points.
fn media_box(pdf: &[u8]) -> [f32; 4] {
    let document = lopdf::Document::load_mem(pdf).unwrap();
    let pages = document.get_pages();
    assert_eq!(pages.len(), 1, "a badge is one page");
    let page = document.get_dictionary(pages[&1]).unwrap();
    let values = page.get(b"MediaBox").unwrap().as_array().unwrap();
    let number = |o: &lopdf::Object| o.as_float().or_else(|_| o.as_i64().map(|i| i as f32)).unwrap();
    [
        number(&values[0]),
        number(&values[1]),
        number(&values[2]),
        number(&values[3]),
    ]
}

/// Each word pdftotext finds, with its box (points from the top left).
fn words(pdf: &Path) -> Vec<(String, [f32; 4])> {
    let output = Command::new("pdftotext")
        .args(["-bbox"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils) is installed");
    assert!(output.status.success());
    let html = String::from_utf8(output.stdout).unwrap();
    let attr = |line: &str, name: &str| -> f32 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    html.lines()
        .filter(|line| line.trim_start().starts_with("<word "))
        .map(|line| {
            let text = line
                .split('>')
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_owned();
            let bbox = [
                attr(line, "xMin"),
                attr(line, "yMin"),
                attr(line, "xMax"),
                attr(line, "yMax"),
            ];
            (text, bbox)
        })
        .collect()
}

fn qr_text(pdf: &Path, dir: &Path) -> String {
    let prefix = dir.join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "300", "-png", "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm (Debian poppler-utils) is installed");
    assert!(status.success());
    let image = image::open(prefix.with_extension("png")).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the badge");
    grids[0].decode().unwrap().1
}

fn check(layout: BadgeLayout, photo: bool, width_mm: f32, height_mm: f32) {
    let dir = tempfile::tempdir().unwrap();
    let card = card(layout, photo);
    let pdf = render_pdf(&card).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let [x0, y0, width, height] = media_box(&pdf);
    assert_eq!((x0, y0), (0.0, 0.0));
    assert!((width - width_mm * MM).abs() < 0.5, "width {width} pt");
    assert!((height - height_mm * MM).abs() < 0.5, "height {height} pt");

    let path = write(dir.path(), &pdf);
    let words = words(&path);
    let text: Vec<&str> = words.iter().map(|(w, _)| w.as_str()).collect();
    // Lines may break anywhere between words (and after the hyphen).
    let joined = text.concat();
    let squeezed = |s: &str| s.replace(' ', "");
    assert!(
        joined.contains(&squeezed(LONG_NAME)),
        "the whole name is in the PDF: {joined}"
    );
    assert!(joined.contains("2026-05-12"), "{joined}");
    assert!(
        joined.contains(&squeezed("Contoso Developer Conference 2026")),
        "{joined}"
    );
    // The name wraps or shrinks inside the card, left of the QR code.
    let qr_left = width - (3.5 + 21.0) * MM * if layout == BadgeLayout::A6 { 1.73 } else { 1.0 };
    for (word, [x_min, y_min, x_max, y_max]) in &words {
        assert!(
            *x_min >= 0.0 && *y_min >= 0.0 && *y_max <= height,
            "{word} is off the card"
        );
        if LONG_NAME.contains(word.trim_end_matches('-')) {
            assert!(
                *x_max <= qr_left,
                "{word} runs into the QR code ({x_max} > {qr_left})"
            );
        }
    }

    assert_eq!(qr_text(&path, dir.path()), card.check_in);
}

#[test]
fn a_cr80_badge_with_photo_and_a_long_name() {
    check(BadgeLayout::Cr80, true, 85.6, 54.0);
}

#[test]
fn an_a6_badge_without_photo() {
    check(BadgeLayout::A6, false, 148.0, 105.0);
}
