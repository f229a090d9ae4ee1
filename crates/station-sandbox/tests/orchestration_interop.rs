//! Interoperability of the Verified Orchestration emulation's subscriptions
//! with graphql-ws, the graphql-transport-ws protocol's reference client
//! (npm), run by node from `tests/interop/graphql-ws-client.mjs`. Its npm
//! packages are pinned in `tests/interop/package-lock.json`; without them
//! this test fails and says how to install them.

mod common;
mod orchestration_support;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::Receiver;
use orchestration_support as vo;
use serde_json::{json, Value};
use station_sandbox::{Sandbox, WalletClient};

/// The node script and its pinned dependencies ship with the repository.
fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop")
}

/// The script running, with its stdout lines arriving on a channel.
struct Peer {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        // Only if the test failed before the script finished.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_peer(sandbox: &Sandbox, token: &str, request_id: &str) -> Peer {
    let dir = interop_dir();
    assert!(
        dir.join("node_modules/graphql-ws/package.json").is_file()
            && dir.join("node_modules/ws/package.json").is_file(),
        "the npm packages for the graphql-ws interop test are missing; run `npm ci --prefix tests/interop` \
         from the repository root"
    );
    let mut child = Command::new("node")
        .arg(dir.join("graphql-ws-client.mjs"))
        .args([sandbox.orchestration_ws_url().as_str(), token, request_id])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run node (needed for the graphql-ws interop test): {e}"));
    let stdout = child.stdout.take().expect("piped stdout");
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    Peer { child, lines }
}

/// Waits for the script to exit successfully; returns the events it printed.
async fn finish(mut peer: Peer) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = peer.child.try_wait().expect("script status") {
            break status;
        }
        assert!(Instant::now() < deadline, "the graphql-ws script did not finish");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "the graphql-ws script failed: {status}");
    // The reader thread ends at EOF, after the last line.
    let mut events = Vec::new();
    while let Ok(line) = peer.lines.recv_timeout(Duration::from_secs(5)) {
        events.push(serde_json::from_str(&line).unwrap_or_else(|_| panic!("not a JSON line: {line}")));
    }
    events
}

#[tokio::test]
async fn graphql_ws_sees_retrieved_then_successful() {
    let sandbox = vo::sandbox().await;
    let wallet = WalletClient::new(&sandbox.base_url());
    let token = vo::token(&sandbox).await;
    let receiver = Receiver::start().await;
    let request = json!({
        "contractId": vo::EVENT_BADGE,
        "identityId": vo::MEGAN,
        "claims": {"given_name": "Megan", "family_name": "Bowen", "company": "Contoso"},
        "callback": {"url": receiver.url, "state": "interop-1"}
    });
    let (request_id, url) = vo::issue(&sandbox, &token, request).await;

    let peer = start_peer(&sandbox, &token, &request_id);
    vo::wait_for_subscriptions(&sandbox, 1).await;
    wallet.open(&url).await.unwrap();
    wallet.accept(&request_id).await.unwrap();

    let events = finish(peer).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(
        events[0],
        json!({
            "event": {"requestId": request_id, "requestStatus": "request_retrieved", "state": "interop-1", "error": null},
            "issuance": null
        })
    );
    assert_eq!(events[1]["event"]["requestStatus"], "issuance_successful");
    assert_eq!(events[1]["issuance"]["contractId"], vo::EVENT_BADGE);
    assert_eq!(events[1]["issuance"]["identityId"], vo::MEGAN);
    assert_eq!(
        receiver.received().len(),
        2,
        "the callback got the same two events"
    );
}

#[tokio::test]
async fn graphql_ws_sees_a_wrong_pin_as_issuance_error() {
    let sandbox = vo::sandbox().await;
    let wallet = WalletClient::new(&sandbox.base_url());
    let token = vo::token(&sandbox).await;
    let request = json!({
        "contractId": vo::EVENT_BADGE,
        "identityId": vo::ADELE,
        "claims": {"given_name": "Adele", "family_name": "Vance", "company": "Contoso"},
        "pin": {"value": "5793", "length": 4}
    });
    let (request_id, url) = vo::issue(&sandbox, &token, request).await;

    let peer = start_peer(&sandbox, &token, &request_id);
    vo::wait_for_subscriptions(&sandbox, 1).await;
    wallet.open(&url).await.unwrap();
    assert!(!wallet.enter_pin(&request_id, "0000").await.unwrap().accepted);

    let events = finish(peer).await;
    let statuses: Vec<&str> = events
        .iter()
        .map(|e| e["event"]["requestStatus"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(statuses, ["request_retrieved", "issuance_error"], "{events:?}");
    assert_eq!(
        events[1]["event"]["error"],
        json!({"code": "badOrMissingField", "message": "issuance_service_error"})
    );
    assert_eq!(
        events[1]["event"]["state"],
        Value::Null,
        "no callback, so no state"
    );
}
