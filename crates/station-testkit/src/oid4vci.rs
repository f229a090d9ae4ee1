//! The sandbox's OID4VCI issuer as its tests drive it: the sandbox started,
//! and a client for the admin API (issue, history, update) and for the
//! endpoints a wallet calls (token, nonce, credential, notification).

use reqwest::Method;
use serde_json::{json, Value};
use station_sandbox::oid4vci::{self, PRE_AUTHORIZED_CODE_GRANT};
use station_sandbox::{Sandbox, SandboxConfig};

/// A sandbox on a free loopback port and an HTTP client for its issuer.
pub struct Issuer {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
}

impl Issuer {
    /// An issuer with the default settings.
    pub async fn start() -> Issuer {
        Issuer::start_with(SandboxConfig::default()).await
    }

    pub async fn start_with(config: SandboxConfig) -> Issuer {
        Issuer {
            sandbox: crate::sandbox::start_with(config).await,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url())
    }

    /// The credential issuer identifier (`aud` of a proof).
    pub fn issuer_url(&self) -> String {
        self.url(oid4vci::ISSUER_PATH)
    }

    /// Calls the admin API with this `Authorization` header (none when
    /// `None`); returns the status and the JSON body (`null` when none).
    pub async fn admin_as(
        &self,
        auth: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.http.request(method, self.url(path));
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("admin API reachable");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Calls the admin API with the sandbox's API key.
    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let auth = format!("ApiKey {}", self.sandbox.config().oid4vci_api_key);
        self.admin_as(Some(&auth), method, path, body).await
    }

    /// The `credentialHistory` of an admin call that must answer 200.
    async fn admin_history(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let (status, answer) = self.admin(method, path, body).await;
        assert_eq!(status, 200, "{answer}");
        answer["credentialHistory"].clone()
    }

    /// Creates an offer; returns the `credentialHistory`.
    pub async fn issue(&self, body: Value) -> Value {
        self.admin_history(Method::POST, oid4vci::ISSUE_PATH, Some(body))
            .await
    }

    /// Creates an offer; returns its exchange id and offer URI.
    pub async fn issue_offer(&self, body: Value) -> (String, String) {
        let history = self.issue(body).await;
        (id_of(&history), offer_uri_of(&history))
    }

    pub async fn history(&self, id: &str) -> Value {
        self.admin_history(Method::GET, &oid4vci::history_path(id), None)
            .await
    }

    /// Sets a deferred credential's claims; returns the `credentialHistory`.
    pub async fn update(&self, id: &str, body: Value) -> Value {
        self.admin_history(Method::PUT, &oid4vci::history_path(id), Some(body))
            .await
    }

    pub async fn status_of(&self, id: &str) -> String {
        self.history(id).await["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The token request of the pre-authorized code flow.
    pub async fn token(&self, code: &str, tx_code: Option<&str>) -> (u16, Value) {
        let mut form = vec![
            ("grant_type", PRE_AUTHORIZED_CODE_GRANT),
            ("pre-authorized_code", code),
        ];
        if let Some(tx_code) = tx_code {
            form.push(("tx_code", tx_code));
        }
        let response = self
            .http
            .post(self.url("/oid4vci/token"))
            .form(&form)
            .send()
            .await
            .expect("token endpoint reachable");
        let status = response.status().as_u16();
        (status, response.json().await.expect("token JSON"))
    }

    pub async fn access_token(&self, code: &str, tx_code: Option<&str>) -> String {
        let (status, body) = self.token(code, tx_code).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["token_type"], "Bearer");
        body["access_token"].as_str().expect("access_token").to_owned()
    }

    pub async fn nonce(&self) -> String {
        let response = self
            .http
            .post(self.url("/oid4vci/nonce"))
            .send()
            .await
            .expect("nonce endpoint reachable");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response
                .headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store")
        );
        let body: Value = response.json().await.expect("nonce JSON");
        body["c_nonce"].as_str().expect("c_nonce").to_owned()
    }

    pub async fn post_bearer(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("issuer reachable");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn credential(&self, token: &str, body: Value) -> (u16, Value) {
        self.post_bearer("/oid4vci/credential", token, body).await
    }

    pub async fn notify(&self, token: &str, notification_id: &str, event: &str) -> u16 {
        let body = json!({"notification_id": notification_id, "event": event});
        self.post_bearer("/oid4vci/notification", token, body).await.0
    }
}

/// The exchange id of a `credentialHistory`.
pub fn id_of(history: &Value) -> String {
    history["credentialExchangeId"]
        .as_str()
        .expect("credentialExchangeId")
        .to_owned()
}

/// The offer URI of a `credentialHistory`.
pub fn offer_uri_of(history: &Value) -> String {
    history["credentialOffer"]
        .as_str()
        .expect("credentialOffer")
        .to_owned()
}
