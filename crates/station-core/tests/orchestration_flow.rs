//! Issuance through Verified Orchestration against the sandbox's GraphQL
//! emulation: the PIN is revealed by the `issuanceEvent` subscription (no
//! callback URL given to the service), or by the callback listener when
//! the service is configured for callbacks.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use station_core::error::{ErrorCode, UiError};
use station_core::flow::FlowHandle;
use station_core::flow::FlowState;
use station_core::provider::phone_capture::{PhoneCaptureProgress, PhoneCaptureStatus, RecipientPhoto};
use station_testkit::graphql::ScriptedGraphqlServer;
use station_testkit::photos;
use station_testkit::station::{
    megan, megan_at_contoso, orchestration_options, orchestration_tokens, shown, station, wait_for, Options,
    Station, ENTRA_PHOTO_TEMPLATE,
};

/// A well-formed contract id (VO's ids are UUIDs) that names no contract.
const NO_SUCH_CONTRACT: &str = "c0000000-0000-4000-8000-0000000000ff";

#[tokio::test]
async fn the_subscription_reveals_the_pin_and_reports_the_issuance() {
    let s = station(orchestration_options("subscription")).await;
    let flow = s.engine.issue("member", &megan_at_contoso()).unwrap();
    let request = shown(&flow).await;
    assert!(request.url.starts_with("openid-vc://"), "{}", request.url);
    assert!(
        matches!(flow.state(), FlowState::AwaitingScan { .. }),
        "no PIN before the wallet opens the request"
    );
    wallet_scans_once_the_station_listens(&s, &request.url).await;
    wallet_types_the_pin_and_accepts(&s, &flow, &request.request_id).await;
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
}

/// The service does not replay a scan to a late subscriber: the wallet
/// scans once the station's subscription is up, as a person, seconds later.
async fn wallet_scans_once_the_station_listens(s: &Station, url: &str) {
    wait_for_subscriptions(s).await;
    s.wallet.open(url).await.unwrap();
}

async fn wallet_types_the_pin_and_accepts(s: &Station, flow: &FlowHandle, request_id: &str) {
    let FlowState::Retrieved { pin: Some(pin), .. } =
        wait_for(flow, |s| matches!(s, FlowState::Retrieved { .. })).await
    else {
        panic!("a PIN once retrieved")
    };
    assert!(
        s.wallet
            .enter_pin(request_id, pin.reveal())
            .await
            .unwrap()
            .accepted
    );
    s.wallet.accept(request_id).await.unwrap();
}

#[tokio::test]
async fn a_wrong_pin_arrives_as_the_documented_error_through_the_subscription() {
    let s = station(orchestration_options("subscription")).await;
    let flow = s.engine.issue("member", &megan_at_contoso()).unwrap();
    let request = shown(&flow).await;
    wallet_scans_once_the_station_listens(&s, &request.url).await;
    wait_for(&flow, |s| matches!(s, FlowState::Retrieved { .. })).await;
    let _ = s.wallet.enter_pin(&request.request_id, "000000").await;
    let FlowState::Failed(UiError { code, message }) = flow.finished().await else {
        panic!("{:?}", flow.state())
    };
    assert_eq!(code, "service.badOrMissingField");
    assert!(message.contains("wrong PIN"), "{message}");
}

#[tokio::test]
async fn with_callbacks_configured_the_listener_carries_the_events() {
    let s = station(orchestration_options("callback")).await;
    let flow = s.engine.issue("member", &megan_at_contoso()).unwrap();
    let request = shown(&flow).await;
    s.wallet.open(&request.url).await.unwrap();
    wallet_types_the_pin_and_accepts(&s, &flow, &request.request_id).await;
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
}

#[tokio::test]
async fn a_refused_request_names_the_field_from_the_error_union() {
    let mut options = orchestration_options("subscription");
    options.extra_toml = options.extra_toml.replace(
        station_sandbox::Sandbox::ORCHESTRATION_EVENT_BADGE,
        NO_SUCH_CONTRACT,
    );
    let s = station(options).await;
    let flow = s.engine.issue("member", &megan_at_contoso()).unwrap();
    let FlowState::Failed(UiError { code, message }) = flow.finished().await else {
        panic!("{:?}", flow.state())
    };
    assert_eq!(code, "provider.rejected");
    assert!(message.contains("contractId"), "{message}");
}

async fn wait_for_capture(
    progress: &mut tokio::sync::watch::Receiver<PhoneCaptureProgress>,
    status: PhoneCaptureStatus,
) {
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        progress.wait_for(|p| p.status == status),
    )
    .await
    .unwrap_or_else(|_| panic!("the capture never reached {status:?}"))
    .unwrap();
}

#[tokio::test]
async fn a_photo_taken_on_the_recipients_phone_goes_with_the_issuance_by_reference() {
    let s = station(orchestration_options("subscription")).await;
    assert!(s.engine.takes_phone_photos("staff"));
    assert!(
        !s.engine.takes_phone_photos("member"),
        "the template has no photo"
    );
    let capture = s.engine.start_phone_capture("staff", &megan()).await.unwrap();
    let mut progress = s.engine.follow_phone_capture(&capture).unwrap();
    assert_eq!(progress.borrow().status, PhoneCaptureStatus::NotStarted);

    // The recipient opens the link on their phone, then sends the photo.
    photos::phone_opens(&capture.url).await;
    wait_for_capture(&mut progress, PhoneCaptureStatus::Started).await;
    let jpeg = photos::astronaut_jpeg();
    photos::phone_sends(&capture.url, jpeg.clone()).await;
    wait_for_capture(&mut progress, PhoneCaptureStatus::Complete).await;

    let flow = s
        .engine
        .issue_with_photo("staff", &megan(), Some(RecipientPhoto::Phone(capture.clone())))
        .unwrap();
    let request = shown(&flow).await;
    wallet_scans_once_the_station_listens(&s, &request.url).await;
    wallet_types_the_pin_and_accepts(&s, &flow, &request.request_id).await;
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
    let held = s.wallet.credentials().await.unwrap();
    let photo_claim = held.last().unwrap().claims["photo"].clone();
    assert_eq!(
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, photo_claim).unwrap(),
        jpeg,
        "the credential carries the photo the phone sent"
    );

    // The service spent the capture on that issuance.
    let again = s
        .engine
        .issue_with_photo("staff", &megan(), Some(RecipientPhoto::Phone(capture.clone())))
        .unwrap();
    let FlowState::Failed(UiError { code, message }) = again.finished().await else {
        panic!("{:?}", again.state())
    };
    assert_eq!(code, "provider.rejected");
    assert!(message.contains("photoCaptureRequestId"), "{message}");

    // Following a spent capture says what to do, once, and stops asking.
    let mut spent = s.engine.follow_phone_capture(&capture).unwrap();
    let problem = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        spent.wait_for(|p| p.problem.is_some()),
    )
    .await
    .unwrap()
    .unwrap()
    .problem
    .clone()
    .unwrap();
    assert_eq!(problem.code, "phone_capture.gone");
    assert!(
        problem.message.contains("choose \"The recipient's phone\" again"),
        "{}",
        problem.message
    );
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(5), spent.changed()).await;
    assert!(matches!(stopped, Ok(Err(_))), "the follower kept asking");
}

#[tokio::test]
async fn a_phone_capture_serves_only_the_template_it_was_made_for() {
    let mut options = orchestration_options("subscription");
    options.extra_toml.push_str(
        r#"
[templates.contractor]
service = "vo"
credential_type = "StaffId"
contract_id = "c0000000-0000-4000-8000-000000000002" # StaffId
photo_claim = "photo"
claims = [ { name = "given_name", required = true }, { name = "family_name", required = true } ]
"#,
    );
    let s = station(options).await;
    let capture = s.engine.start_phone_capture("staff", &megan()).await.unwrap();
    let Err(error) = s
        .engine
        .issue_with_photo("contractor", &megan(), Some(RecipientPhoto::Phone(capture)))
    else {
        panic!("a capture for another template was taken")
    };
    assert_eq!(error.code(), "engine.phone_capture_other_template");
    assert!(error.to_string().contains("'staff'"), "{error}");

    // Taken for Megan Bowen, it cannot go with someone else's details.
    let capture = s.engine.start_phone_capture("staff", &megan()).await.unwrap();
    let mut someone_else = megan();
    someone_else.insert("family_name".into(), "Vance".into());
    let Err(error) = s
        .engine
        .issue_with_photo("staff", &someone_else, Some(RecipientPhoto::Phone(capture)))
    else {
        panic!("a capture for another recipient was taken")
    };
    assert_eq!(error.code(), "engine.phone_capture_other_recipient");

    let error = s
        .engine
        .start_phone_capture("member", &megan_at_contoso())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "engine.photo_not_used", "{error}");

    // Services that take no phone photos say so, with the way out.
    let entra = station(Options {
        extra_toml: ENTRA_PHOTO_TEMPLATE.into(),
        ..Options::default()
    })
    .await;
    assert!(!entra.engine.takes_phone_photos("staff"));
    let error = entra
        .engine
        .start_phone_capture("staff", &megan())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "provider.unsupported", "{error}");
    assert!(error.to_string().contains("camera"), "{error}");
}

#[tokio::test]
async fn an_issuance_whose_event_was_lost_is_found_by_polling() {
    for events in ["subscription", "callback"] {
        let mut options = orchestration_options(events);
        options.extra_toml = options
            .extra_toml
            .replace("events = ", "poll_interval_ms = 200\nevents = ");
        let s = station(options).await;
        // The success event reaches neither the subscription nor the
        // callback listener, as when the connection drops at that moment.
        s.sandbox.lose_next_orchestration_success();
        let flow = s.engine.issue("member", &megan_at_contoso()).unwrap();
        let request = shown(&flow).await;
        if events == "subscription" {
            wallet_scans_once_the_station_listens(&s, &request.url).await;
        } else {
            s.wallet.open(&request.url).await.unwrap();
        }
        wallet_types_the_pin_and_accepts(&s, &flow, &request.request_id).await;
        let finished = tokio::time::timeout(std::time::Duration::from_secs(10), flow.finished())
            .await
            .unwrap_or_else(|_| panic!("with {events}, the lost issuance was never found"));
        assert!(
            matches!(finished, FlowState::Issued { .. }),
            "{events}: {finished:?}"
        );
    }
}

#[tokio::test]
async fn a_request_holding_a_phone_photo_is_not_renewed_because_the_photo_is_spent() {
    let mut options = orchestration_options("subscription");
    options.request_lifetime = std::time::Duration::from_secs(3);
    let s = station(options).await;
    let capture = s.engine.start_phone_capture("staff", &megan()).await.unwrap();
    s.wallet.take_phone_photo(&capture.url).await.unwrap();
    let flow = s
        .engine
        .issue_with_photo("staff", &megan(), Some(RecipientPhoto::Phone(capture)))
        .unwrap();
    let first = shown(&flow).await;
    // A camera photo's request is renewed at half-life; this one runs out.
    assert_eq!(flow.finished().await, FlowState::Expired);
    let requests: Vec<_> = s
        .sandbox
        .received_requests()
        .into_iter()
        .filter(|(_, body)| body["claims"]["photo"].is_string())
        .collect();
    assert_eq!(requests.len(), 1, "no second request was tried");
    assert!(first.url.ends_with(&requests[0].0));
}

/// The kiosk's network drops mid-flow: the station says it is reconnecting,
/// subscribes again, and a wallet that scans after that still gets its PIN.
#[tokio::test]
async fn a_cut_subscription_reconnects_and_a_later_scan_still_reveals_the_pin() {
    let s = station(orchestration_options("subscription")).await;
    let flow = s.engine.issue("member", &megan_at_contoso()).unwrap();
    let request = shown(&flow).await;
    wait_for_subscriptions(&s).await;

    s.sandbox.drop_subscriptions();
    wait_for(&flow, |state| state.reconnecting()).await;
    let state = wait_for(&flow, |state| !state.reconnecting()).await;
    assert!(matches!(state, FlowState::AwaitingScan { .. }), "{state:?}");

    wallet_scans_once_the_station_listens(&s, &request.url).await;
    wallet_types_the_pin_and_accepts(&s, &flow, &request.request_id).await;
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
}

async fn wait_for_subscriptions(s: &Station) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while s.sandbox.orchestration_subscriptions() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the station never subscribed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// A server that accepts the WebSocket and then never acknowledges
/// `connection_init` must not hold the request: the station gives up after
/// its ack timeout and connects again, telling the flow it is not connected.
#[tokio::test]
async fn a_server_that_never_acknowledges_is_given_up_and_tried_again() {
    use station_core::events::{event_channel, EventFeed, FlowEvent};
    use station_core::provider::orchestration::subscription::{follow, Resilience};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    let sandbox = station_sandbox::Sandbox::start(station_sandbox::SandboxConfig::default())
        .await
        .unwrap();
    let tokens = orchestration_tokens(&sandbox);

    // Reads `connection_init` and everything after; answers nothing.
    let silent = ScriptedGraphqlServer::start(|_| None).await;

    let ack_timeout = Duration::from_millis(400);
    let (sink, mut events) = event_channel();
    let feed = EventFeed::spawn(follow(
        silent.ws_url.parse().unwrap(),
        Arc::new(tokens),
        "6a1f8f0e-5b4c-4a39-9a8e-0c1d2e3f4a5b".into(),
        sink,
        Resilience {
            ack_timeout,
            first_retry: Duration::from_millis(50),
            max_retry: Duration::from_millis(100),
            ..Resilience::default()
        },
    ));

    let heard = tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .expect("the flow hears that the link is not up")
        .unwrap();
    assert_eq!(heard.event, FlowEvent::Reconnecting);
    let deadline = Instant::now() + Duration::from_secs(10);
    while silent.accepted().len() < 3 {
        assert!(Instant::now() < deadline, "the station did not connect again");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let times = silent.accepted();
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= ack_timeout,
            "each connection was given the whole ack timeout: {:?}",
            pair[1] - pair[0]
        );
    }
    assert!(
        events.try_recv().is_err(),
        "only one Reconnecting, and no Reconnected"
    );
    drop(feed);
}
