//! The PIN never reaches logs or the history database.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::io::Write;
use std::sync::{Arc, Mutex};

use station_core::flow::FlowState;
use station_testkit::station::{megan, shown, station, wait_for, Options};

#[derive(Clone, Default)]
struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// One thread, so the thread-local log subscriber sees every task: the
// station's, the sandbox's and the HTTP stacks'.
#[tokio::test(flavor = "current_thread")]
async fn the_pin_appears_in_no_log_line_and_not_in_the_database() {
    let log = CapturedLog::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    // Sixteen digits: long enough that no timestamp or id contains it by chance.
    let s = station(Options {
        pin_length: 16,
        ..Options::default()
    })
    .await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let request = shown(&flow).await;
    s.wallet.open(&request.url).await.unwrap();
    let retrieved = wait_for(&flow, |s| matches!(s, FlowState::Retrieved { .. })).await;
    let pin = retrieved.pin().unwrap().reveal().to_owned();
    tracing::debug!(state = ?retrieved, "the state itself, as a careless caller would log it");
    s.wallet.enter_pin(&request.request_id, &pin).await.unwrap();
    s.wallet.accept(&request.request_id).await.unwrap();
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
    s.engine.history().flush();

    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("flow ended"),
        "the capture must have seen the flow's logs"
    );
    assert!(
        text.contains("<redacted>"),
        "the logged state must show the PIN redacted"
    );
    assert!(!text.contains(&pin), "the PIN appeared in the log");
    let api_key = s.sandbox.received(&request.request_id).unwrap()["callback"]["headers"]["api-key"]
        .as_str()
        .unwrap()
        .to_owned();
    for (what, secret) in [
        ("client secret", "sandbox-secret"),
        ("callback api-key", api_key.as_str()),
    ] {
        assert!(!text.contains(secret), "the {what} appeared in the log");
    }

    let mut database = Vec::new();
    for entry in std::fs::read_dir(s.data_dir.path()).unwrap() {
        database.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(!database.is_empty());
    for (what, secret) in [
        ("PIN", pin.as_str()),
        ("client secret", "sandbox-secret"),
        ("api-key", api_key.as_str()),
    ] {
        assert!(
            !database.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "the {what} reached the data directory"
        );
    }
}
