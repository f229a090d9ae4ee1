//! `station doctor` against the sandbox: what passes, and what it says when
//! something is wrong.

use station_core::doctor;
use station_testkit::station::{station, Options};

#[tokio::test]
async fn a_working_setup_passes_every_check() {
    let s = station(Options::default()).await;
    let checks = doctor::run(&s.engine).await;
    assert!(checks.iter().all(|c| c.ok), "{checks:#?}");
    assert!(checks.iter().any(|c| c.name.starts_with("callback listener")));
    assert!(checks.iter().any(|c| c.detail == "access token obtained"));
    assert!(checks
        .iter()
        .any(|c| c.name.starts_with("database ") && c.detail == "opened"));
}

#[tokio::test]
async fn a_wrong_secret_is_reported_with_what_to_check() {
    let s = station(Options {
        client_secret: "wrong",
        ..Options::default()
    })
    .await;
    let checks = doctor::run(&s.engine).await;
    let failed: Vec<_> = checks.iter().filter(|c| !c.ok).collect();
    assert_eq!(failed.len(), 1, "{checks:#?}");
    assert!(failed[0]
        .detail
        .contains("Check the tenant, client id and client secret"));
}
