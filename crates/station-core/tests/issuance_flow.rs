//! The Entra issuance flow end to end against the sandbox, over real HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::time::Duration;

use station_core::flow::{FlowHandle, FlowState, ShownRequest};
use station_core::qr::RequestQr;
use station_sandbox::{Endpoint, Fault};
use station_testkit::station::{
    callback_of, failure, issue_to_megan, megan, post_callback, scan_and_accept, shown, station, wait_for,
    Options, Station,
};

#[tokio::test]
async fn full_issuance_reveals_pin_only_after_retrieval_and_ends_issued() {
    let s = station(Options::default()).await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let request = shown(&flow).await;

    // Before the wallet opens the request the PIN is nowhere in the state.
    assert!(flow.state().pin().is_none());
    assert!(!format!("{:?}", flow.state()).contains("Pin("));

    let sent_pin = s.sandbox.received(&request.request_id).unwrap()["pin"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(sent_pin.len(), 6);

    s.wallet.open(&request.url).await.unwrap();
    let retrieved = wait_for(&flow, |s| matches!(s, FlowState::Retrieved { .. })).await;
    assert_eq!(retrieved.pin().unwrap().reveal(), sent_pin);

    let outcome = s.wallet.enter_pin(&request.request_id, &sent_pin).await.unwrap();
    assert!(outcome.accepted);
    s.wallet.accept(&request.request_id).await.unwrap();
    let end = flow.finished().await;
    assert_eq!(
        end,
        FlowState::Issued {
            request_id: request.request_id.clone()
        }
    );

    let held = s.wallet.credentials().await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].claims["given_name"], "Megan");

    s.engine.history().flush();
    let summary = s.engine.history().flow(flow.id()).unwrap().unwrap();
    assert_eq!(summary.outcome.as_deref(), Some("issued"));
    let timeline: Vec<String> = s
        .engine
        .history()
        .timeline(flow.id())
        .unwrap()
        .into_iter()
        .map(|e| e.what)
        .collect();
    assert_eq!(timeline, ["created", "retrieved", "issued"]);
}

#[tokio::test]
async fn wrong_pin_fails_with_the_service_code() {
    let s = station(Options::default()).await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let request = shown(&flow).await;
    s.wallet.open(&request.url).await.unwrap();
    let retrieved = wait_for(&flow, |s| matches!(s, FlowState::Retrieved { .. })).await;
    let right = retrieved.pin().unwrap().reveal().to_owned();
    let wrong: String = right
        .chars()
        .map(|c| if c == '9' { '0' } else { char::from(c as u8 + 1) })
        .collect();

    let outcome = s.wallet.enter_pin(&request.request_id, &wrong).await.unwrap();
    assert!(!outcome.accepted);
    let (code, message) = failure(&flow).await;
    assert_eq!(code, "service.badOrMissingField");
    assert!(message.contains("wrong PIN"), "{message}");
}

#[tokio::test]
async fn hashed_pin_is_accepted_by_the_sandbox_wallet() {
    let s = station(Options {
        pin_hashed: true,
        pin_length: 8,
        ..Options::default()
    })
    .await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let request = shown(&flow).await;
    let body = s.sandbox.received(&request.request_id).unwrap();
    assert_eq!(body["pin"]["alg"], "sha256");
    assert_eq!(body["pin"]["iterations"], 1);

    s.wallet.open(&request.url).await.unwrap();
    let retrieved = wait_for(&flow, |s| matches!(s, FlowState::Retrieved { .. })).await;
    let pin = retrieved.pin().unwrap().reveal().to_owned();
    assert_ne!(
        body["pin"]["value"],
        pin.as_str(),
        "a hashed PIN must not travel in plain text"
    );
    assert!(
        s.wallet
            .enter_pin(&request.request_id, &pin)
            .await
            .unwrap()
            .accepted
    );
    s.wallet.accept(&request.request_id).await.unwrap();
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
}

/// An issuance whose requests live 4 s (so the first is renewed at 2 s),
/// with no switching back to a replaced request; and its first request.
async fn short_lived_issuance() -> (Station, FlowHandle, ShownRequest) {
    let s = station(Options {
        request_lifetime: Duration::from_secs(4),
        extra_toml: "[flow]\nswitch_back_secs = 0\n".into(),
        ..Options::default()
    })
    .await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let first = shown(&flow).await;
    (s, flow, first)
}

#[tokio::test]
async fn a_request_about_to_expire_is_renewed_and_late_events_for_it_are_ignored() {
    let (s, flow, first) = short_lived_issuance().await;
    // Renewal happens at half-life for short-lived requests.
    let renewed = wait_for(&flow, |s| {
        matches!(
            s,
            FlowState::AwaitingScan {
                renewals: 1,
                renewing: false,
                ..
            }
        )
    })
    .await;
    let second = renewed.shown_request().unwrap().clone();
    assert_ne!(second.request_id, first.request_id);
    assert_ne!(second.url, first.url);
    assert!(second.expires_at > first.expires_at);

    // The first request is still valid at the service: a wallet opening it
    // now produces a real callback, which the flow must ignore.
    s.wallet.open(&first.url).await.unwrap();
    s.engine.history().flush();
    tokio::time::sleep(Duration::from_millis(300)).await;
    s.engine.history().flush();
    assert!(
        matches!(flow.state(), FlowState::AwaitingScan { .. }),
        "{:?}",
        flow.state()
    );
    let ignored: Vec<_> = s
        .engine
        .history()
        .timeline(flow.id())
        .unwrap()
        .into_iter()
        .filter(|e| e.ignored)
        .collect();
    assert_eq!(ignored.len(), 1);
    assert_eq!(ignored[0].request_id, first.request_id);

    // The current request still works.
    s.wallet.open(&second.url).await.unwrap();
    let retrieved = wait_for(&flow, |s| matches!(s, FlowState::Retrieved { .. })).await;
    assert_eq!(retrieved.shown_request().unwrap().request_id, second.request_id);
}

#[tokio::test]
async fn a_replaced_request_that_is_issued_anyway_ends_the_flow_as_issued() {
    let (s, flow, first) = short_lived_issuance().await;
    wait_for(&flow, |s| {
        matches!(s, FlowState::AwaitingScan { renewals: 1, .. })
    })
    .await;

    // A wallet that kept the first code completes it: the recipient has a
    // credential, so the flow must not expire and invite a second one.
    s.wallet.open(&first.url).await.unwrap();
    let pin = s.sandbox.received(&first.request_id).unwrap()["pin"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        s.wallet
            .enter_pin(&first.request_id, &pin)
            .await
            .unwrap()
            .accepted
    );
    s.wallet.accept(&first.request_id).await.unwrap();
    let FlowState::Issued { request_id } = flow.finished().await else {
        panic!("{:?}", flow.state())
    };
    assert_eq!(request_id, first.request_id);
}

#[tokio::test]
async fn a_flow_expires_when_renewals_run_out() {
    let s = station(Options {
        request_lifetime: Duration::from_secs(2),
        extra_toml: "[flow]\nmax_renewals = 1\n".into(),
        ..Options::default()
    })
    .await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    assert_eq!(flow.finished().await, FlowState::Expired);
    s.engine.history().flush();
    let created = s
        .engine
        .history()
        .timeline(flow.id())
        .unwrap()
        .into_iter()
        .filter(|e| e.what == "created")
        .count();
    assert_eq!(created, 2);
}

#[tokio::test]
async fn a_repeated_event_is_harmless() {
    let s = station(Options::default()).await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let request = shown(&flow).await;
    s.wallet.open(&request.url).await.unwrap();
    let first = wait_for(&flow, |s| matches!(s, FlowState::Retrieved { .. })).await;
    s.wallet.open(&request.url).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(flow.state(), first, "a second request_retrieved changes nothing");
    let pin = first.pin().unwrap().reveal().to_owned();
    s.wallet.enter_pin(&request.request_id, &pin).await.unwrap();
    s.wallet.accept(&request.request_id).await.unwrap();
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
}

#[tokio::test]
async fn declining_in_the_wallet_fails_the_flow() {
    let s = station(Options::default()).await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let request = shown(&flow).await;
    s.wallet.open(&request.url).await.unwrap();
    s.wallet.decline(&request.request_id).await.unwrap();
    assert!(
        matches!(flow.finished().await, FlowState::Failed(error) if error.code == "service.userCanceled")
    );
}

#[tokio::test]
async fn cancelling_ends_the_flow() {
    let s = station(Options::default()).await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    shown(&flow).await;
    flow.cancel();
    assert_eq!(flow.finished().await, FlowState::Cancelled);
}

#[tokio::test]
async fn a_forged_callback_is_refused_and_changes_nothing() {
    let s = station(Options::default()).await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let request = shown(&flow).await;
    let (url, state, api_key) = callback_of(&s.sandbox, &request.request_id);
    let body = serde_json::json!({"requestId": request.request_id, "requestStatus": "issuance_successful", "state": state});
    let mut wrong_key = api_key.clone().into_bytes();
    wrong_key[0] = if wrong_key[0] == b'A' { b'B' } else { b'A' };
    let attempts = [
        Some(String::from_utf8(wrong_key).unwrap()),
        None,
        Some(format!("{api_key}x")),
    ];
    for key in attempts {
        let response = post_callback(&url, key.as_deref(), &body).await;
        assert_eq!(response.status(), 401);
        assert!(
            response.text().await.unwrap().is_empty(),
            "a refusal reveals nothing"
        );
    }
    let unknown_state = serde_json::json!({"requestId": request.request_id, "requestStatus": "issuance_successful", "state": "guessed-state"});
    let response = post_callback(&url, Some(&api_key), &unknown_state).await;
    assert_eq!(response.status(), 401);

    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(matches!(flow.state(), FlowState::AwaitingScan { .. }));
    s.engine.history().flush();
    let events = s
        .engine
        .history()
        .timeline(flow.id())
        .unwrap()
        .into_iter()
        .filter(|e| e.what != "created")
        .count();
    assert_eq!(events, 0);

    // The genuine key is accepted, proving the refusals were about the key.
    let response = post_callback(&url, Some(&api_key), &body).await;
    assert_eq!(response.status(), 200);
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
}

#[tokio::test]
async fn a_callback_over_one_megabyte_is_refused() {
    let s = station(Options::default()).await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let request = shown(&flow).await;
    let (url, state, api_key) = callback_of(&s.sandbox, &request.request_id);
    let padding = "x".repeat(1024 * 1024);
    let body = serde_json::json!({"requestId": request.request_id, "requestStatus": "issuance_successful", "state": state, "padding": padding});
    let response = post_callback(&url, Some(&api_key), &body).await;
    assert_eq!(response.status(), 413);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(matches!(flow.state(), FlowState::AwaitingScan { .. }));
}

#[tokio::test]
async fn one_token_serves_many_requests() {
    let s = station(Options::default()).await;
    let mut flows = Vec::new();
    for _ in 0..12 {
        flows.push(s.engine.issue("expert", &megan()).unwrap());
    }
    for flow in &flows {
        shown(flow).await;
    }
    assert_eq!(s.sandbox.token_requests(), 1);
}

#[tokio::test]
async fn throttling_is_retried_after_the_delay_the_service_asks_for() {
    let s = station(Options::default()).await;
    s.sandbox
        .inject_faults(Endpoint::CreateIssuance, vec![Fault::too_many_requests(1)]);
    let started = std::time::Instant::now();
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let request = shown(&flow).await;
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was not honoured"
    );
    assert!(s.sandbox.received(&request.request_id).is_some());
}

#[tokio::test]
async fn persistent_throttling_queues_the_issuance_as_busy() {
    let s = station(Options::default()).await;
    let throttled = vec![Fault::too_many_requests(0); 4];
    s.sandbox.inject_faults(Endpoint::CreateIssuance, throttled);
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let (code, message) = queued(&flow).await;
    assert_eq!(code, "provider.busy");
    assert!(message.contains("tooManyRequests"), "{message}");
}

/// Why a flow that must end queued (the service stayed busy or out of
/// reach) does.
async fn queued(flow: &FlowHandle) -> (String, String) {
    match flow.finished().await {
        FlowState::Queued { reason, .. } => (reason.code, reason.message),
        other => panic!("expected the issuance to be queued, got {other:?}"),
    }
}

#[tokio::test]
async fn a_rejected_token_is_refreshed_once() {
    let s = station(Options::default()).await;
    s.sandbox.inject_faults(
        Endpoint::CreateIssuance,
        vec![Fault::new(
            401,
            "unauthorized",
            "Failed to authenticate the request.",
        )],
    );
    let flow = s.engine.issue("expert", &megan()).unwrap();
    shown(&flow).await;
    assert_eq!(s.sandbox.token_requests(), 2);
}

#[tokio::test]
async fn a_field_rejection_names_the_field() {
    let s = station(Options::default()).await;
    s.sandbox.inject_faults(
        Endpoint::CreateIssuance,
        vec![Fault {
            inner_code: Some("badOrMissingField".into()),
            target: Some("claims.given_name".into()),
            ..Fault::new(400, "badRequest", "The request is invalid.")
        }],
    );
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let (code, message) = failure(&flow).await;
    assert_eq!(code, "provider.rejected");
    assert!(message.contains("'claims.given_name'"), "{message}");
}

#[tokio::test]
async fn a_wrong_client_secret_is_reported_as_an_auth_error() {
    let s = station(Options {
        client_secret: "not-the-secret",
        ..Options::default()
    })
    .await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let (code, message) = failure(&flow).await;
    assert_eq!(code, "provider.auth");
    assert!(message.contains("AADSTS7000215"), "{message}");
    assert!(message.contains("client secret"), "{message}");
}

#[tokio::test]
async fn the_rendered_qr_decodes_to_the_request_url() {
    let s = station(Options::default()).await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let request = shown(&flow).await;
    let png = RequestQr::new(&request.url).unwrap().to_png(400).unwrap();
    let image = image::load_from_memory(&png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, request.url);
    let svg = RequestQr::new(&request.url).unwrap().to_svg();
    assert!(svg.contains("viewBox"), "the SVG must scale to any size");
}

#[tokio::test]
async fn the_preview_api_shape_works_end_to_end() {
    let s = station(Options {
        service_kind: "entra-preview",
        ..Options::default()
    })
    .await;
    let (flow, request, body) = issue_to_megan(&s).await;
    assert_eq!(body["issuance"]["type"], "VerifiedCredentialExpert");
    assert!(matches!(
        scan_and_accept(&s, &flow, &request).await,
        FlowState::Issued { .. }
    ));
}

#[tokio::test]
async fn invalid_claims_are_refused_before_anything_is_sent() {
    let s = station(Options::default()).await;
    let mut claims = megan();
    claims.remove("family_name");
    claims.insert("shoe_size".into(), "44".into());
    let error = s.engine.issue("expert", &claims).err().unwrap();
    let ui = station_core::UiError::from(&error);
    assert_eq!(ui.code, "engine.invalid_claims");
    assert!(ui.message.contains("'family_name' is required"), "{}", ui.message);
    assert!(
        ui.message.contains("'shoe_size' is not a claim"),
        "{}",
        ui.message
    );
    assert!(s.sandbox.received_requests().is_empty());
}

#[tokio::test]
async fn a_flow_can_be_started_from_a_thread_outside_the_runtime() {
    // A UI toolkit calls in from its own main thread.
    let s = station(Options::default()).await;
    let engine = &s.engine;
    let flow = std::thread::scope(|scope| {
        scope
            .spawn(|| engine.issue("expert", &megan()).unwrap())
            .join()
            .unwrap()
    });
    shown(&flow).await;
}

#[tokio::test]
async fn a_scan_of_the_old_code_just_before_the_switch_still_gets_its_pin() {
    let s = station(Options {
        request_lifetime: Duration::from_secs(4),
        ..Options::default()
    })
    .await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let first = shown(&flow).await;
    wait_for(&flow, |s| {
        matches!(
            s,
            FlowState::AwaitingScan {
                renewals: 1,
                renewing: false,
                ..
            }
        )
    })
    .await;

    // The wallet scanned the old code; its callback arrives after the switch.
    s.wallet.open(&first.url).await.unwrap();
    let retrieved = wait_for(&flow, |s| matches!(s, FlowState::Retrieved { .. })).await;
    assert_eq!(retrieved.shown_request().unwrap().request_id, first.request_id);
    let sent = s.sandbox.received(&first.request_id).unwrap()["pin"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(retrieved.pin().unwrap().reveal(), sent);
    assert!(
        s.wallet
            .enter_pin(&first.request_id, &sent)
            .await
            .unwrap()
            .accepted
    );
    s.wallet.accept(&first.request_id).await.unwrap();
    assert!(
        matches!(flow.finished().await, FlowState::Issued { request_id } if request_id == first.request_id)
    );
}

#[tokio::test]
async fn cancelling_while_the_service_makes_the_station_wait_stops_at_once() {
    let s = station(Options::default()).await;
    s.sandbox
        .inject_faults(Endpoint::CreateIssuance, vec![Fault::too_many_requests(15)]);
    let flow = s.engine.issue("expert", &megan()).unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    flow.cancel();
    let end = tokio::time::timeout(Duration::from_secs(2), flow.finished()).await;
    assert_eq!(end.unwrap(), FlowState::Cancelled);
}

#[tokio::test]
async fn a_wait_too_long_for_the_desk_queues_with_the_time_asked() {
    let s = station(Options::default()).await;
    s.sandbox
        .inject_faults(Endpoint::CreateIssuance, vec![Fault::too_many_requests(3600)]);
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let (code, message) = queued(&flow).await;
    assert_eq!(code, "provider.busy");
    assert!(message.contains("asked the station to wait 3600 s"), "{message}");
}

#[tokio::test]
async fn the_preview_shape_refuses_verification_with_a_clear_reason() {
    let s = station(Options {
        service_kind: "entra-preview",
        ..Options::default()
    })
    .await;
    let flow = s.engine.verify("checkin").unwrap();
    let (code, message) = failure(&flow).await;
    assert_eq!(code, "provider.unsupported");
    assert!(message.contains("kind = \"entra\""), "{message}");
    assert!(s.sandbox.received_requests().is_empty());
}
