//! Without CUPS's `lp` the error says which package to install. Its own
//! test binary: it empties PATH for the whole process.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use station_badge::{print_pdf, PrintError};
use station_core::config::BadgeLayout;

#[test]
fn no_lp_on_path_names_the_package() {
    let empty = tempfile::tempdir().unwrap();
    std::env::set_var("PATH", empty.path());
    let error = print_pdf(&empty.path().join("badge.pdf"), "badge", BadgeLayout::Cr80).unwrap_err();
    assert!(matches!(error, PrintError::LpMissing), "{error:?}");
    assert!(error.to_string().contains("cups-client"));
}
