//! Finished and expired requests are forgotten after `retention`, so a
//! long-running sandbox does not grow without bound.

use std::time::Duration;

use serde_json::Value;
use station_sandbox::{SandboxConfig, SandboxError, WalletClient};
use station_testkit::sandbox;

const CALLBACK: &str = "http://127.0.0.1:9/callback";

fn ids(received: &[(String, Value)]) -> Vec<&str> {
    received.iter().map(|(id, _)| id.as_str()).collect()
}

#[test]
fn retention_defaults_to_ten_minutes_even_in_older_saved_configs() {
    assert_eq!(SandboxConfig::default().retention, Duration::from_secs(600));
    let mut saved = serde_json::to_value(SandboxConfig::default()).unwrap();
    saved.as_object_mut().unwrap().remove("retention");
    let config: SandboxConfig = serde_json::from_value(saved).unwrap();
    assert_eq!(config.retention, Duration::from_secs(600));
}

#[tokio::test]
async fn ended_requests_are_forgotten_after_the_retention() {
    let sandbox = sandbox::start_with(SandboxConfig {
        request_lifetime: Duration::from_millis(500),
        retention: Duration::from_secs(1),
        ..SandboxConfig::default()
    })
    .await;
    let wallet = WalletClient::new(&sandbox.base_url());
    let token = sandbox::token(&sandbox).await;
    let body = sandbox::issuance_body(CALLBACK);
    let create = || async {
        let created = sandbox::create_issuance(&sandbox, &token, &body).await;
        created["requestId"].as_str().unwrap().to_owned()
    };

    // t = 0: `expired` will expire at 0.5 s; `declined` finishes now.
    let expired = create().await;
    let created = sandbox::create_issuance(&sandbox, &token, &body).await;
    let declined = created["requestId"].as_str().unwrap().to_owned();
    wallet.open(created["url"].as_str().unwrap()).await.unwrap();
    wallet.decline(&declined).await.unwrap();

    // t = 0.8 s: both ended less than the retention ago, so both are kept.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let live = create().await;
    assert_eq!(ids(&sandbox.received_requests()), [&expired, &declined, &live]);
    assert!(sandbox.received(&expired).is_some());
    let error = wallet.decline(&declined).await.unwrap_err();
    assert!(
        matches!(&error, SandboxError::Api { code, .. } if code == "alreadyCompleted"),
        "{error:?}"
    );

    // t = 2 s: those two ended over a second ago; `live` expired 0.7 s ago.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let newest = create().await;
    assert_eq!(ids(&sandbox.received_requests()), [&live, &newest]);
    assert_eq!(sandbox.received(&expired), None);
    assert_eq!(sandbox.received(&live), Some(body.clone()));
    let error = wallet.decline(&declined).await.unwrap_err();
    assert!(
        matches!(&error, SandboxError::Api { code, .. } if code == "notFound"),
        "{error:?}"
    );
    let pending = wallet.pending().await.unwrap();
    assert_eq!(
        pending.iter().map(|p| p.request_id.as_str()).collect::<Vec<_>>(),
        [&newest]
    );
}
