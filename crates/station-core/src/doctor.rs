//! `station doctor`: proves each part of the setup works, in the order a
//! person would fix them, and says what to do about each failure.

use std::time::{Duration, Instant};

use crate::config::ServiceKind;
use crate::engine::Engine;
use crate::events::{event_channel, FlowEvent};
use crate::store::Repair;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

impl Check {
    fn pass(name: impl Into<String>, detail: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            ok: true,
            detail: detail.into(),
        }
    }

    fn fail(name: impl Into<String>, detail: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            ok: false,
            detail: detail.into(),
        }
    }
}

pub async fn run(engine: &Engine) -> Vec<Check> {
    let config = engine.config();
    let mut checks = vec![Check::pass(
        "config",
        format!(
            "{} service(s), {} template(s)",
            config.services.len(),
            config.templates.len()
        ),
    )];
    checks.push(database(engine));
    for (name, service) in &config.services {
        let Some(provider) = engine.provider(name) else {
            continue;
        };
        let signs_in_at = match &service.kind {
            ServiceKind::Entra(entra) => entra.authority_host.to_string(),
            ServiceKind::Orchestration(vo) => vo.token_url.to_string(),
            ServiceKind::Oid4vci(issuer) => format!("{} (API key)", issuer.api_base),
        };
        // Whether the callback URL is public is the config's rule
        // (callback.public_url): a station that breaks it does not start.
        let label = format!("service '{name}': credentials and token from {signs_in_at}");
        checks.push(match provider.check_access().await {
            Ok(()) => Check::pass(label, "access token obtained"),
            Err(error) => Check::fail(label, error.to_string()),
        });
    }
    checks.push(callback_round_trip(engine).await);
    checks
}

/// The database opened encrypted; a repair at start is reported, as it
/// needs a person to look at the file moved aside.
fn database(engine: &Engine) -> Check {
    let database = engine.database();
    let name = format!(
        "database {} (encrypted, key in the OS keyring)",
        database.path().display()
    );
    match database.repair() {
        None => Check::pass(name, "opened"),
        Some(repair @ Repair::Encrypted) => Check::pass(name, repair.describe()),
        Some(repair @ Repair::MovedAside { .. }) => Check::fail(name, repair.describe()),
    }
}

/// Sends a callback to the station's own public callback URL, exactly as a
/// service would, and waits for it to arrive.
async fn callback_round_trip(engine: &Engine) -> Check {
    let listener = engine.listener();
    let name = format!("callback listener at {}", listener.callback_url());
    let (sink, mut events) = event_channel();
    let (ticket, _route) = listener.register(sink);
    let body = serde_json::json!({
        "requestId": "station-doctor-probe",
        "requestStatus": "request_retrieved",
        "state": ticket.state,
    });
    let started = Instant::now();
    let sent = reqwest::Client::new()
        .post(ticket.url.clone())
        .header("api-key", ticket.api_key.expose())
        .json(&body)
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    let answered = match sent {
        Ok(response) if response.status().is_success() => response,
        Ok(response) => return Check::fail(name, format!("answered HTTP {}; is callback.public_url forwarding to this station?", response.status())),
        Err(error) => return Check::fail(name, format!("not reachable: {}. Check callback.public_url and the proxy or tunnel in front of the station", error.without_url())),
    };
    drop(answered);
    match tokio::time::timeout(Duration::from_secs(3), events.recv()).await {
        Ok(Some(event)) if event.event == FlowEvent::Retrieved => {
            Check::pass(name, format!("a test callback arrived in {} ms", started.elapsed().as_millis()))
        }
        _ => Check::fail(name, "the URL answered, but the callback did not reach this station; another program may be behind callback.public_url"),
    }
}
