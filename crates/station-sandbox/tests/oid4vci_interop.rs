//! Interop: a wallet built on the OpenWallet Foundation's @openid4vc
//! libraries (`tests/interop/oid4vci-wallet.mjs`, versions pinned in its
//! package-lock.json) redeems the sandbox issuer's offers and verifies the
//! SD-JWT VC with @sd-jwt/sd-jwt-vc. Needs Node.js and
//! `npm ci --prefix tests/interop`; without them these tests fail, saying
//! so, rather than pass without having run.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};
use station_testkit::interop::{node_missing, run_wallet, wallet_command, WalletRun};
use station_testkit::oid4vci::Issuer;
use tokio::sync::mpsc;

fn badge(pin: Option<&str>) -> Value {
    let mut body = json!({
        "issuanceMode": "InTime",
        "credentialDefinitionId": "EventBadge",
        "credential": {"claims": {"given_name": "Ada", "family_name": "Lovelace", "company": "Analytical Engines"}},
    });
    if let Some(pin) = pin {
        body["userPin"] = json!(pin);
    }
    body
}

#[tokio::test(flavor = "multi_thread")]
async fn a_third_party_wallet_redeems_an_offer_with_a_pin() {
    let issuer = Issuer::start().await;
    let (id, offer) = issuer.issue_offer(badge(Some("493817"))).await;
    let run = run_wallet(&[&offer, "493817"]).await;
    assert_eq!(run.code, Some(0), "{}", run.result);
    let result = run.result;
    assert_eq!(result["ok"], true);
    assert_eq!(
        result["spec_version"], "V1",
        "the library sees an OID4VCI 1.0 issuer"
    );
    assert_eq!(
        result["vct"],
        "https://sandbox.issuance-station.example/EventBadge"
    );
    assert_eq!(result["issuer"], format!("{}/oid4vci", issuer.sandbox.base_url()));
    assert_eq!(result["kid"], issuer.sandbox.oid4vci_issuer_jwk()["kid"]);
    assert_eq!(
        result["claims"],
        json!({"given_name": "Ada", "family_name": "Lovelace", "company": "Analytical Engines"})
    );
    let history = issuer.history(&id).await;
    assert_eq!(history["status"], "credential_issued");
    assert!(
        history["cnf"]["jwk"]["x"].is_string(),
        "the wallet's key is bound"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_pin_is_refused_as_invalid_grant() {
    let issuer = Issuer::start().await;
    let (id, offer) = issuer.issue_offer(badge(Some("493817"))).await;
    let run = run_wallet(&[&offer, "111111"]).await;
    assert_eq!(run.code, Some(3), "{}", run.result);
    assert_eq!(run.result["ok"], false);
    assert_eq!(run.result["error"], "invalid_grant");
    assert_eq!(run.result["status"], 400);
    assert_eq!(issuer.history(&id).await["status"], "offer_received");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_wallet_notifies_acceptance_of_a_haip_offer_without_pin() {
    let issuer = Issuer::start().await;
    let mut body = badge(None);
    body["urlScheme"] = json!("haip://");
    let (id, offer) = issuer.issue_offer(body).await;
    assert!(offer.starts_with("haip://"));
    let run = run_wallet(&[&offer, "--notify"]).await;
    assert_eq!(run.code, Some(0), "{}", run.result);
    assert_eq!(run.result["notified"], "credential_accepted");
    let history = issuer.history(&id).await;
    assert_eq!(history["status"], "credential_accepted");
    let statuses: Vec<&str> = history["statusHistory"]
        .as_array()
        .expect("statusHistory")
        .iter()
        .filter_map(|entry| entry["status"].as_str())
        .collect();
    assert_eq!(
        statuses,
        [
            "offer_sent",
            "offer_received",
            "credential_issued",
            "credential_acked",
            "credential_accepted"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_wallet_waits_for_a_deferred_credential() {
    let issuer = Issuer::start().await;
    let (id, offer) = issuer
        .issue_offer(
            json!({"issuanceMode": "Deferred", "credentialDefinitionId": "StaffId", "userPin": "8080"}),
        )
        .await;
    let mut child = wallet_command(&[&offer, "8080", "--deferred-timeout=60"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| node_missing(e));
    let stderr = child.stderr.take().expect("stderr piped");
    let (lines_tx, mut lines) = mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let deferred = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.recv().await {
            if serde_json::from_str::<Value>(&line).is_ok_and(|event| event["event"] == "deferred") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(deferred, Ok(true), "the wallet reports a deferred credential");
    assert_eq!(issuer.history(&id).await["credentialStatus"], "pending");

    let claims = json!({"credential": {"claims": {"given_name": "Grace", "family_name": "Hopper", "photo": "aGVsbG8"}}});
    let updated = issuer.update(&id, claims).await;
    assert_eq!(updated["credentialStatus"], "ready");

    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("wallet thread")
        .expect("wallet exits");
    let run = WalletRun::from_output(output);
    assert_eq!(run.code, Some(0), "{}", run.result);
    assert_eq!(run.result["deferred"], true);
    assert_eq!(
        run.result["vct"],
        "https://sandbox.issuance-station.example/StaffId"
    );
    assert_eq!(
        run.result["claims"],
        json!({"given_name": "Grace", "family_name": "Hopper", "photo": "aGVsbG8"})
    );
    assert_eq!(issuer.history(&id).await["status"], "credential_issued");
}
