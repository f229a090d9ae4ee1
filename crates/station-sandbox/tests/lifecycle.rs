//! Starting and stopping: the base URL is loopback, and shutdown or drop
//! really closes the port.

use std::time::Duration;

use station_sandbox::{Sandbox, SandboxConfig};

async fn reachable(url: &str) -> bool {
    reqwest::Client::new()
        .get(format!("{url}/wallet/requests"))
        .timeout(Duration::from_secs(2))
        .send()
        .await
        .is_ok()
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let url = sandbox.base_url();
    assert_eq!(url, format!("http://127.0.0.1:{}", sandbox.addr().port()));
    assert_eq!(sandbox.config().tenant_id, "sandbox-tenant");
    assert!(reachable(&url).await);
    sandbox.shutdown().await;
    assert!(!reachable(&url).await);

    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let url = sandbox.base_url();
    drop(sandbox);
    let mut stopped = false;
    for _ in 0..50 {
        if !reachable(&url).await {
            stopped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(stopped);
}

#[tokio::test]
async fn a_busy_port_is_a_bind_error() {
    let first = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let taken = SandboxConfig {
        bind: first.addr(),
        ..Default::default()
    };
    let error = Sandbox::start(taken).await.unwrap_err();
    assert!(
        matches!(error, station_sandbox::SandboxError::Bind { .. }),
        "{error:?}"
    );
}
