//! A Verified Orchestration service that acknowledges the connection and
//! then ends every subscription at once (an unknown request, say) is asked
//! ever more slowly: the backoff starts over only once the service has
//! answered with data or the connection has outlived a keep-alive, not
//! merely because `subscribe` was sent.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use station_core::events::{event_channel, EventFeed};
use station_core::provider::orchestration::subscription::{follow, Resilience};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn a_subscription_ended_at_once_backs_off_instead_of_hammering() {
    let sandbox = station_sandbox::Sandbox::start(station_sandbox::SandboxConfig::default())
        .await
        .unwrap();
    let tokens = common::orchestration_tokens(&sandbox);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let ws_url = format!("ws://{}/graphql", listener.local_addr().unwrap());
    let accepted = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let server = {
        let accepted = Arc::clone(&accepted);
        tokio::spawn(async move {
            loop {
                let (tcp, _) = listener.accept().await.unwrap();
                accepted.lock().unwrap().push(Instant::now());
                tokio::spawn(async move {
                    let Ok(mut socket) =
                        tokio_tungstenite::accept_hdr_async(tcp, common::offer_graphql_transport_ws).await
                    else {
                        return;
                    };
                    // connection_init → ack; subscribe → complete, at once.
                    while let Some(Ok(Message::Text(text))) = socket.next().await {
                        let message: serde_json::Value = serde_json::from_str(&text).unwrap();
                        let answer = match message["type"].as_str() {
                            Some("connection_init") => serde_json::json!({ "type": "connection_ack" }),
                            Some("subscribe") => {
                                serde_json::json!({ "type": "complete", "id": message["id"] })
                            }
                            _ => continue,
                        };
                        if socket.send(Message::text(answer.to_string())).await.is_err() {
                            return;
                        }
                    }
                });
            }
        })
    };

    let (sink, _events) = event_channel();
    let feed = EventFeed::spawn(follow(
        ws_url.parse().unwrap(),
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
    while accepted.lock().unwrap().len() < 5 {
        assert!(Instant::now() < deadline, "the station stopped connecting");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(feed);
    server.abort();
    let times = accepted.lock().unwrap().clone();
    let gaps: Vec<Duration> = times.windows(2).map(|pair| pair[1] - pair[0]).collect();
    // 100, 200, 400, 800 ms: the fourth wait is eight times the first.
    assert!(
        gaps[3] >= Duration::from_millis(700),
        "the waits did not grow: {gaps:?}"
    );
}
