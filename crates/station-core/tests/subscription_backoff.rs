//! A Verified Orchestration service that acknowledges the connection and
//! then ends every subscription at once (an unknown request, say) is asked
//! ever more slowly: the backoff starts over only once the service has
//! answered with data or the connection has outlived a keep-alive, not
//! merely because `subscribe` was sent.

use std::sync::Arc;
use std::time::{Duration, Instant};

use station_core::events::{event_channel, EventFeed};
use station_core::provider::orchestration::subscription::{follow, Resilience};
use station_testkit::graphql::ScriptedGraphqlServer;
use station_testkit::station::orchestration_tokens;

#[tokio::test]
async fn a_subscription_ended_at_once_backs_off_instead_of_hammering() {
    let sandbox = station_sandbox::Sandbox::start(station_sandbox::SandboxConfig::default())
        .await
        .unwrap();
    let tokens = orchestration_tokens(&sandbox);
    // connection_init → ack; subscribe → complete, at once.
    let service = ScriptedGraphqlServer::start(|message| match message["type"].as_str() {
        Some("connection_init") => Some(serde_json::json!({ "type": "connection_ack" })),
        Some("subscribe") => Some(serde_json::json!({ "type": "complete", "id": message["id"] })),
        _ => None,
    })
    .await;

    let (sink, _events) = event_channel();
    let feed = EventFeed::spawn(follow(
        service.ws_url.parse().unwrap(),
        Arc::new(tokens),
        "6a1f8f0e-5b4c-4a39-9a8e-0c1d2e3f4a5b".into(),
        sink,
        Resilience {
            first_retry: Duration::from_millis(100),
            max_retry: Duration::from_secs(2),
            ..Resilience::default()
        },
    ));
    let deadline = Instant::now() + Duration::from_secs(15);
    while service.accepted().len() < 5 {
        assert!(Instant::now() < deadline, "the station stopped connecting");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(feed);
    let times = service.accepted();
    let gaps: Vec<Duration> = times.windows(2).map(|pair| pair[1] - pair[0]).collect();
    // 100, 200, 400, 800 ms: the fourth wait is eight times the first.
    assert!(
        gaps[3] >= Duration::from_millis(700),
        "the waits did not grow: {gaps:?}"
    );
}
