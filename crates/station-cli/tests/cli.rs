//! The `station` binary as a user runs it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::process::{Command, Output};

/// Runs `station` on a config that asks for the sandbox.
fn station(args: &[&str]) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("station.toml");
    std::fs::write(&config, "[station]\nuse_sandbox = true\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_station"))
        .args(args)
        .env("STATION_CONFIG", &config)
        .env("STATION_DATA_DIR", dir.path())
        // Never the sandbox of a station someone left running.
        .env("STATION_SANDBOX_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    (output, dir)
}

#[test]
fn the_demo_issues_and_verifies_with_the_pin_shown_only_after_the_scan() {
    let (output, _dir) = station(&[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let scan = stdout
        .find("[wallet] scans the QR code")
        .expect("the wallet scans");
    let pin = stdout
        .find("Enter this PIN in the wallet:")
        .expect("the PIN is shown");
    let issued = stdout.find("✔ Issued.").expect("issued");
    let verified = stdout.find("✔ Verified.").expect("verified");
    assert!(scan < pin && pin < issued && issued < verified, "{stdout}");
    assert!(stdout.contains("given_name: Megan"), "{stdout}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("SANDBOX"));
}

#[test]
fn missing_claims_are_named_and_the_exit_code_is_non_zero() {
    let (output, _dir) = station(&["issue", "--template", "badge", "--claim", "given_name=Megan"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("'family_name' is required (Last name)"),
        "{stderr}"
    );
}

#[test]
fn a_malformed_claim_argument_shows_the_expected_form() {
    let (output, _dir) = station(&["issue", "--template", "badge", "--claim", "given_name"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not name=value"));
}

#[test]
fn the_wallet_says_where_it_looked_for_the_sandbox() {
    let (output, _dir) = station(&["sandbox", "wallet", "list"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is the sandbox running at http://127.0.0.1:9?"),
        "{stderr}"
    );
}

#[test]
fn doctor_passes_against_the_sandbox() {
    let (output, _dir) = station(&["doctor"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("✔ callback listener"), "{stdout}");
}

#[test]
fn a_broken_config_file_is_reported_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("station.toml");
    std::fs::write(&config, "[templates.x]\nservice = 'nowhere'\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_station"))
        .args(["doctor", "--config", config.to_str().unwrap()])
        .env("STATION_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("station.toml"), "{stderr}");
    assert!(stderr.contains("templates.x.service"), "{stderr}");
}

#[test]
fn a_named_config_file_that_does_not_exist_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_station"))
        .args(["doctor", "--config", "/nonexistent/typo.toml"])
        .env("STATION_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("/nonexistent/typo.toml: no such file"),
        "{stderr}"
    );
}

#[test]
fn doctor_refuses_an_entra_station_whose_callback_url_is_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("station.toml");
    std::fs::write(
        &config,
        r#"
[callback]
public_url = "https://127.0.0.1:47381"
[services.contoso]
kind = "entra"
tenant = "contoso.onmicrosoft.com"
client_id = "abcd"
[templates.badge]
service = "contoso"
credential_type = "Badge"
manifest = "https://verifiedid.did.msidentity.com/v1.0/tenants/x/verifiableCredentials/contracts/y/manifest"
authority = "did:web:contoso.com"
"#,
    )
    .unwrap();
    for args in [&["doctor"][..], &["issue", "--template", "badge"][..]] {
        let output = Command::new(env!("CARGO_BIN_EXE_station"))
            .args(args)
            .env("STATION_CONFIG", &config)
            .env("STATION_DATA_DIR", dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}: {stderr}");
        assert!(stderr.contains("callback.public_url"), "{args:?}: {stderr}");
        assert!(stderr.contains("reverse proxy or tunnel"), "{args:?}: {stderr}");
    }
}
