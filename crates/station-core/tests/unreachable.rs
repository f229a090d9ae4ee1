//! A service that cannot be reached (nothing listening, a name that does
//! not resolve, an answer that never comes) is told apart from one that
//! answers "no", and the error says which. Real sockets, real DNS.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is the test failing

use std::sync::Arc;
use std::time::Duration;

use station_core::config::{ServiceKind, StationConfig};
use station_core::error::ErrorCode;
use station_core::provider::entra::EntraProvider;
use station_core::provider::retry::RetryPolicy;
use station_core::provider::{Provider, ProviderError};
use station_core::secrets::MemoryStore;
use station_testkit::config::{Service, StationToml};

const BADGE: &str = r#"
service = "desk"
credential_type = "EventBadge"
manifest = "{base_url}/manifest"
authority = "did:web:issuer.example"
"#;

/// The `desk` service's settings from a config with it at `base_url`.
fn desk_service(file: &StationToml) -> station_core::config::EntraConfig {
    let config = StationConfig::from_toml(&file.text(), "test").unwrap();
    let ServiceKind::Entra(entra) = config.services["desk"].kind.clone() else {
        panic!("an Entra service")
    };
    entra
}

/// The `desk` service's adapter, at `base_url`, with a client that gives
/// up after `timeout`.
fn adapter(base_url: &str, timeout: Duration) -> Arc<dyn Provider> {
    let file = StationToml::new(base_url)
        .service("desk", Service::entra())
        .template("badge", BADGE);
    let entra = desk_service(&file);
    let http = reqwest::Client::builder().timeout(timeout).build().unwrap();
    let secrets: MemoryStore = file.secret_store();
    Arc::new(EntraProvider::new("desk", entra, http, Arc::new(secrets), RetryPolicy::default()).unwrap())
}

fn unreachable_detail(outcome: Result<(), ProviderError>) -> String {
    match outcome {
        Err(error @ ProviderError::Unreachable { .. }) => {
            assert_eq!(error.code(), "provider.unreachable");
            let message = error.to_string();
            assert!(message.contains("Check the network connection"), "{message}");
            match error {
                ProviderError::Unreachable { detail, .. } => detail,
                _ => unreachable!(),
            }
        }
        other => panic!("expected unreachable, got {other:?}"),
    }
}

#[tokio::test]
async fn nothing_listening_is_unreachable_and_says_refused() {
    let port = {
        let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        socket.local_addr().unwrap().port()
    };
    let detail = unreachable_detail(
        adapter(&format!("http://127.0.0.1:{port}"), Duration::from_secs(5))
            .check_access()
            .await,
    );
    assert!(detail.starts_with("no connection"), "{detail}");
    assert!(detail.to_lowercase().contains("refused"), "{detail}");
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_unreachable_and_says_so() {
    let detail = unreachable_detail(
        adapter("http://station-test.invalid", Duration::from_secs(10))
            .check_access()
            .await,
    );
    assert!(detail.starts_with("no connection"), "{detail}");
    assert!(
        detail.to_lowercase().contains("lookup") || detail.to_lowercase().contains("dns"),
        "{detail}"
    );
}

#[tokio::test]
async fn an_answer_that_never_comes_is_a_timeout() {
    // Accepts connections and reads nothing, answers nothing.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = silent.local_addr().unwrap();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let detail = unreachable_detail(
        adapter(&format!("http://{address}"), Duration::from_millis(300))
            .check_access()
            .await,
    );
    assert!(detail.starts_with("timed out"), "{detail}");
    holder.abort();
}

#[tokio::test]
async fn a_service_that_refuses_is_reachable_and_refusing() {
    let sandbox = station_testkit::sandbox::start().await;
    let file = StationToml::new(&sandbox.base_url())
        .service("desk", Service::entra().with_secret("not-the-secret"))
        .template("badge", BADGE);
    let provider = EntraProvider::new(
        "desk",
        desk_service(&file),
        reqwest::Client::new(),
        Arc::new(file.secret_store()),
        RetryPolicy::default(),
    )
    .unwrap();
    let error = provider.check_access().await.unwrap_err();
    assert_eq!(error.code(), "provider.auth", "{error}");
}
