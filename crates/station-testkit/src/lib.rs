//! Test support for the Issuance Station workspace, as a dev-dependency of
//! each crate's tests and benchmarks (GitButler's `but-testsupport` is the
//! model): one place for the sandbox config files, the in-process sandbox
//! and a station on it, the third-party peers in `tests/interop`, and the
//! app's window driven through WebDriver (feature `window`).
//!
//! It depends on station-sandbox (and, with the feature `engine`, on
//! station-core) as ordinary crates; they use it only as a dev-dependency,
//! so their tests and this crate share one build of each, and the types are
//! the same.

// Test code: a failed unwrap is a failed test, reported where it happened.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod callbacks;
pub mod config;
pub mod graphql;
pub mod interop;
pub mod net;
pub mod oid4vci;
pub mod orchestration;
pub mod paths;
pub mod photos;
#[cfg(feature = "engine")]
pub mod queue;
pub mod roster;
pub mod sandbox;
#[cfg(feature = "engine")]
pub mod station;
#[cfg(feature = "window")]
pub mod webdriver;
