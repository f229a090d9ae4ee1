//! Verification (check-in) against the sandbox wallet.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use station_core::flow::FlowState;
use station_testkit::station::{failure, megan, scan_and_accept, shown, station, wait_for, Options, Station};

async fn issue_to_wallet(s: &Station, claims: &station_core::provider::Claims) {
    let flow = s.engine.issue("expert", claims).unwrap();
    let request = shown(&flow).await;
    assert!(matches!(
        scan_and_accept(s, &flow, &request).await,
        FlowState::Issued { .. }
    ));
}

#[tokio::test]
async fn a_freshly_issued_credential_verifies_with_its_claims() {
    let s = station(Options::default()).await;
    issue_to_wallet(&s, &megan()).await;
    let flow = s.engine.verify("checkin").unwrap();
    let request = shown(&flow).await;
    s.wallet.open(&request.url).await.unwrap();
    let retrieved = wait_for(&flow, |s| matches!(s, FlowState::Retrieved { .. })).await;
    assert!(retrieved.pin().is_none(), "a presentation has no PIN");
    s.wallet.present(&request.request_id).await.unwrap();
    let FlowState::Verified { presentation, .. } = flow.finished().await else {
        panic!("not verified: {:?}", flow.state());
    };
    let credential = &presentation.credentials[0];
    assert_eq!(credential.issuer, "did:web:issuer.example");
    assert_eq!(credential.claims["given_name"], "Megan");
    assert_eq!(credential.revocation_status.as_deref(), Some("VALID"));
    assert!(credential.types.contains(&"VerifiedCredentialExpert".to_owned()));
}

#[tokio::test]
async fn a_credential_that_misses_the_constraint_is_not_verified() {
    let s = station(Options::default()).await;
    let mut someone_else = megan();
    someone_else.insert("family_name".into(), "Jones".into());
    issue_to_wallet(&s, &someone_else).await;
    let flow = s.engine.verify("checkin").unwrap();
    let request = shown(&flow).await;
    s.wallet.open(&request.url).await.unwrap();
    s.wallet.present(&request.request_id).await.unwrap();
    assert_eq!(failure(&flow).await.0, "service.requestedCredentialNotFound");
}

#[tokio::test]
async fn templates_are_used_for_their_own_kind_only() {
    let s = station(Options::default()).await;
    let error = s.engine.verify("expert").err().unwrap();
    assert_eq!(
        station_core::UiError::from(&error).code,
        "engine.wrong_template_kind"
    );
    let error = s.engine.issue("nope", &megan()).err().unwrap();
    assert!(
        error.to_string().contains("choose one of: checkin, expert"),
        "{error}"
    );
}
