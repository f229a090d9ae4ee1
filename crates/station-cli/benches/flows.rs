//! Engine benchmarks against the sandbox over loopback HTTP; prints numbers.
//!
//! `cargo bench -p station --bench flows` (FLOWS=n to change the count).
//!
//! - callback → state: from sending a `request_retrieved` callback to the
//!   front end seeing the `Retrieved` state (target p99 ≤ 5 ms);
//! - creation overhead: the time `issue()` takes to show a QR code, minus
//!   the time the service itself took;
//! - listener throughput: callbacks per second on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::sync::Arc;
use std::time::{Duration, Instant};

use station_core::config::StationConfig;
use station_core::flow::FlowState;
use station_core::provider::Claims;
use station_core::Engine;
use station_sandbox::{Sandbox, SandboxConfig};
use station_testkit::config::{Service, StationToml};

const BADGE: &str = r#"
service = "sandbox"
credential_type = "EventBadge"
manifest = "{base_url}/manifest"
authority = "did:web:bench.example"
claims = [ { name = "given_name", required = true } ]
"#;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<34} n={:<6} p50={:.3} ms  p95={:.3} ms  p99={:.3} ms  max={:.3} ms",
        samples.len(),
        ms(percentile(&samples, 0.50)),
        ms(percentile(&samples, 0.95)),
        ms(percentile(&samples, 0.99)),
        ms(*samples.last().unwrap()),
    );
}

#[tokio::main]
async fn main() {
    let flows: usize = std::env::var("FLOWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let file = StationToml::new(&sandbox.base_url())
        .service("sandbox", Service::entra())
        .template("badge", BADGE);
    let config = StationConfig::from_toml(&file.text(), "bench").unwrap();
    let secrets = file.secret_store();
    let data_dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(config, Arc::new(secrets), data_dir.path())
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let claims = Claims::from([("given_name".to_owned(), "Megan".to_owned())]);

    let mut to_state = Vec::with_capacity(flows);
    let mut overhead = Vec::with_capacity(flows);
    let mut last_callback = None;
    for _ in 0..flows {
        let started = Instant::now();
        let flow = engine.issue("badge", &claims).unwrap();
        let mut states = flow.watch();
        let shown = states
            .wait_for(|s| matches!(s, FlowState::AwaitingScan { .. }))
            .await
            .unwrap()
            .shown_request()
            .cloned()
            .unwrap();
        overhead.push(started.elapsed().saturating_sub(shown.service_latency));

        let body = sandbox.received(&shown.request_id).unwrap();
        let callback = &body["callback"];
        let url = callback["url"].as_str().unwrap().to_owned();
        let api_key = callback["headers"]["api-key"].as_str().unwrap().to_owned();
        let payload = serde_json::json!({
            "requestId": shown.request_id,
            "requestStatus": "request_retrieved",
            "state": callback["state"],
        })
        .to_string();
        let sent = Instant::now();
        let post = http
            .post(&url)
            .header("api-key", &api_key)
            .header("content-type", "application/json")
            .body(payload.clone())
            .send();
        let seen = states.wait_for(|s| matches!(s, FlowState::Retrieved { .. }));
        let (response, state) = tokio::join!(post, seen);
        assert!(response.unwrap().status().is_success());
        assert!(state.is_ok());
        to_state.push(sent.elapsed());
        last_callback = Some((url, api_key, payload, flow));
    }
    println!("Issuance Station engine benchmark ({flows} sandbox flows, loopback HTTP)");
    report("callback sent -> Retrieved state", to_state);
    report("creation overhead (excl. service)", overhead);

    // Throughput: repeated callbacks for one live flow (harmless duplicates).
    let (url, api_key, payload, _flow) = last_callback.unwrap();
    let total: usize = 20 * flows;
    let concurrency = 32;
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let (http, url, api_key, payload) = (http.clone(), url.clone(), api_key.clone(), payload.clone());
        let share = total / concurrency + usize::from(worker < total % concurrency);
        workers.push(tokio::spawn(async move {
            for _ in 0..share {
                let response = http
                    .post(&url)
                    .header("api-key", &api_key)
                    .header("content-type", "application/json")
                    .body(payload.clone())
                    .send()
                    .await
                    .unwrap();
                assert!(response.status().is_success());
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let elapsed = started.elapsed();
    println!(
        "{:<34} {total} callbacks, {concurrency} connections: {:.0} callbacks/s",
        "callback listener throughput",
        total as f64 / elapsed.as_secs_f64()
    );
    println!("token requests for {flows} flows: {}", sandbox.token_requests());
}
