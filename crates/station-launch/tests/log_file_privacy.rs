//! The station's log file, at its most verbose, holds no PIN, secret or
//! recipient name after a whole issuance. Its own test binary: the logging
//! set up here is the process's, as in the window app and the CLI.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use station_core::flow::FlowState;
use station_core::provider::Claims;
use station_testkit::station::{shown, station, wait_for, Options};

// Names no log line would hold by chance, so finding one means a leak.
const GIVEN_NAME: &str = "Ottoline";
const FAMILY_NAME: &str = "Quarrendale";

#[test]
fn a_traced_issuance_leaves_no_pin_secret_or_name_in_the_log_file() {
    let data_dir = tempfile::tempdir().unwrap();
    // Set before any thread starts: init_logging reads both.
    std::env::set_var("STATION_DATA_DIR", data_dir.path());
    std::env::set_var("STATION_LOG", "trace");
    let logging = station_launch::init_logging();
    let log_dir = logging.log_dir.clone().expect("the data directory is writable");
    assert_eq!(log_dir, data_dir.path().join(station_launch::LOG_DIR));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (pin, api_key) = runtime.block_on(async {
        // Sixteen digits: long enough that no timestamp or id contains it by chance.
        let s = station(Options {
            pin_length: 16,
            ..Options::default()
        })
        .await;
        let recipient: Claims = [("given_name", GIVEN_NAME), ("family_name", FAMILY_NAME)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let flow = s.engine.issue("expert", &recipient).unwrap();
        let request = shown(&flow).await;
        s.wallet.open(&request.url).await.unwrap();
        let retrieved = wait_for(&flow, |s| matches!(s, FlowState::Retrieved { .. })).await;
        let pin = retrieved.pin().unwrap().reveal().to_owned();
        s.wallet.enter_pin(&request.request_id, &pin).await.unwrap();
        s.wallet.accept(&request.request_id).await.unwrap();
        assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
        s.engine.history().flush();
        let body = s.sandbox.received(&request.request_id).unwrap();
        assert_eq!(
            body["claims"]["given_name"], GIVEN_NAME,
            "the service got the name"
        );
        let api_key = body["callback"]["headers"]["api-key"]
            .as_str()
            .unwrap()
            .to_owned();
        (pin, api_key)
    });
    drop(runtime);
    // Dropping the guard writes what is still queued, then closes the file.
    drop(logging);

    let mut files: Vec<_> = std::fs::read_dir(&log_dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(files.len(), 1, "one file for today: {files:?}");
    let name = &files[0];
    let date = name.strip_prefix("station.log.").unwrap();
    assert!(
        date.len() == 10 && date.chars().all(|c| c.is_ascii_digit() || c == '-'),
        "station.log.YYYY-MM-DD, not {name}"
    );
    let text = std::fs::read_to_string(log_dir.join(name)).unwrap();
    assert!(
        text.contains("flow ended"),
        "the file has the station's own lines"
    );
    assert!(text.contains("TRACE"), "STATION_LOG=trace reached the file");
    assert!(!text.contains('\u{1b}'), "no terminal colours in the file");
    for (what, secret) in [
        ("PIN", pin.as_str()),
        ("client secret", "sandbox-secret"),
        ("callback api-key", api_key.as_str()),
        ("recipient's first name", GIVEN_NAME),
        ("recipient's last name", FAMILY_NAME),
    ] {
        assert!(!text.contains(secret), "the {what} appeared in the log file");
    }
}
