//! What the fuzzers in `fuzz/` feed, and what the stable test
//! `tests/fuzz_corpus.rs` replays from their corpora: every parser of bytes
//! that come from outside the station. Each entry must return for any input;
//! a panic is a bug.

use crate::config::StationConfig;
use crate::events::callback_body;
use crate::provider::oauth::parse_token_response;
use crate::provider::oid4vci::wire::parse_history;
use crate::provider::orchestration::graphql::parse_response;
use crate::provider::orchestration::parse_created_issuance;

/// One fuzz target: its name (the folder of its corpus) and its entry.
pub type Target = (&'static str, fn(&[u8]));

pub const TARGETS: &[Target] = &[
    ("callback_body", callback_body),
    ("config", config),
    ("token_response", token_response),
    ("oid4vci_history", oid4vci_history),
    ("graphql_response", graphql_response),
];

/// The entry of the target called `name`.
pub fn target(name: &str) -> Option<fn(&[u8])> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, run)| *run)
}

fn callback_body(data: &[u8]) {
    if let Some(body) = callback_body::parse(data) {
        let _ = body.to_event();
    }
}

fn config(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = StationConfig::from_toml(text, "fuzz input");
    }
}

fn token_response(data: &[u8]) {
    for status in [200, 400, 401, 500] {
        let _ = parse_token_response(status, data);
    }
}

fn oid4vci_history(data: &[u8]) {
    let _ = parse_history(data);
}

fn graphql_response(data: &[u8]) {
    for status in [200, 400] {
        let _ = parse_created_issuance(status, data, std::time::SystemTime::now());
        let _ = parse_response::<serde_json::Value>(status, data);
    }
}
