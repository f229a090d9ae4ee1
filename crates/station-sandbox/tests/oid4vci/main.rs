//! The sandbox's OID4VCI issuer over real HTTP: the admin API (seed 004)
//! and the pre-authorized code flow a wallet drives, with a holder key made
//! here and every credential checked as a verifier would.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

mod admin;
mod wallet;

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use station_sandbox::oid4vci::PRE_AUTHORIZED_CODE_GRANT;
use station_sandbox::{oid4vci, Sandbox, SandboxConfig};

struct Issuer {
    sandbox: Sandbox,
    http: reqwest::Client,
}

impl Issuer {
    async fn start() -> Issuer {
        Issuer::start_with(SandboxConfig::default()).await
    }

    async fn start_with(config: SandboxConfig) -> Issuer {
        Issuer {
            sandbox: Sandbox::start(config).await.expect("sandbox starts"),
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url())
    }

    fn issuer_url(&self) -> String {
        self.url(oid4vci::ISSUER_PATH)
    }

    async fn admin_as(
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

    async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let auth = format!("ApiKey {}", self.sandbox.config().oid4vci_api_key);
        self.admin_as(Some(&auth), method, path, body).await
    }

    /// Creates an offer; returns the `credentialHistory`.
    async fn issue(&self, body: Value) -> Value {
        let (status, answer) = self.admin(Method::POST, oid4vci::ISSUE_PATH, Some(body)).await;
        assert_eq!(status, 200, "{answer}");
        answer["credentialHistory"].clone()
    }

    async fn history(&self, id: &str) -> Value {
        let (status, answer) = self.admin(Method::GET, &oid4vci::history_path(id), None).await;
        assert_eq!(status, 200, "{answer}");
        answer["credentialHistory"].clone()
    }

    async fn status_of(&self, id: &str) -> String {
        self.history(id).await["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    async fn token(&self, code: &str, tx_code: Option<&str>) -> (u16, Value) {
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

    async fn access_token(&self, code: &str, tx_code: Option<&str>) -> String {
        let (status, body) = self.token(code, tx_code).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["token_type"], "Bearer");
        body["access_token"].as_str().expect("access_token").to_owned()
    }

    async fn nonce(&self) -> String {
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

    async fn post_bearer(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
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

    async fn credential(&self, token: &str, body: Value) -> (u16, Value) {
        self.post_bearer("/oid4vci/credential", token, body).await
    }

    async fn notify(&self, token: &str, notification_id: &str, event: &str) -> u16 {
        let body = json!({"notification_id": notification_id, "event": event});
        self.post_bearer("/oid4vci/notification", token, body).await.0
    }
}

/// The wallet's key pair.
struct Holder {
    key: SigningKey,
}

impl Holder {
    fn new() -> Holder {
        Holder {
            key: SigningKey::random(&mut rand::rngs::OsRng),
        }
    }

    fn jwk(&self) -> Value {
        let point = self.key.verifying_key().to_encoded_point(false);
        json!({
            "kty": "EC",
            "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(point.x().expect("x")),
            "y": URL_SAFE_NO_PAD.encode(point.y().expect("y")),
        })
    }

    fn sign(&self, header: &Value, payload: &Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        );
        let signature: Signature = self.key.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    fn proof(&self, aud: &str, nonce: &str) -> String {
        self.sign(
            &json!({"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": self.jwk()}),
            &json!({"aud": aud, "iat": now_unix(), "nonce": nonce}),
        )
    }
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The credential offer the offer URI refers to, fetched as a wallet does
/// when it scans.
async fn offer_of(history: &Value) -> Value {
    let uri = history["credentialOffer"].as_str().expect("credentialOffer");
    let url = url::Url::parse(uri).expect("offer URI parses");
    let (_, offer_url) = url
        .query_pairs()
        .find(|(name, _)| name == "credential_offer_uri")
        .expect("credential_offer_uri parameter");
    reqwest::get(offer_url.as_ref())
        .await
        .expect("offer fetched")
        .json()
        .await
        .expect("offer JSON")
}

async fn code_of(history: &Value) -> String {
    offer_of(history).await["grants"][PRE_AUTHORIZED_CODE_GRANT]["pre-authorized_code"]
        .as_str()
        .expect("pre-authorized_code")
        .to_owned()
}

fn id_of(history: &Value) -> String {
    history["credentialExchangeId"]
        .as_str()
        .expect("credentialExchangeId")
        .to_owned()
}

fn statuses_in(history: &Value) -> Vec<String> {
    history["statusHistory"]
        .as_array()
        .expect("statusHistory")
        .iter()
        .filter_map(|entry| entry["status"].as_str().map(str::to_owned))
        .collect()
}

fn badge_in_time(pin: Option<&str>) -> Value {
    let mut body = json!({
        "issuanceMode": "InTime",
        "credentialDefinitionId": "EventBadge",
        "credential": {
            "vct": "EventBadge",
            "claims": {"given_name": "Ada", "family_name": "Lovelace", "company": "Analytical Engines"},
        },
    });
    if let Some(pin) = pin {
        body["userPin"] = json!(pin);
    }
    body
}

fn b64_json(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
}

/// Checks an issued SD-JWT VC as a verifier would; returns its payload and
/// the disclosed claims.
fn verify_sd_jwt(sd_jwt: &str, issuer_jwk: &Value) -> (Value, serde_json::Map<String, Value>) {
    assert!(sd_jwt.ends_with('~'), "issued form ends with ~");
    let mut parts = sd_jwt.trim_end_matches('~').split('~');
    let jwt = parts.next().expect("jwt");
    let disclosures: Vec<&str> = parts.collect();
    let segments: Vec<&str> = jwt.split('.').collect();
    assert_eq!(segments.len(), 3);
    let header = b64_json(segments[0]);
    assert_eq!(header["typ"], "dc+sd-jwt");
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["kid"], issuer_jwk["kid"]);
    let coordinate = |name: &str| {
        URL_SAFE_NO_PAD
            .decode(issuer_jwk[name].as_str().expect("coordinate"))
            .expect("b64")
    };
    let mut sec1 = vec![4u8];
    sec1.extend(coordinate("x"));
    sec1.extend(coordinate("y"));
    let key = VerifyingKey::from_sec1_bytes(&sec1).expect("issuer key");
    let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(segments[2]).expect("sig")).expect("sig");
    key.verify(format!("{}.{}", segments[0], segments[1]).as_bytes(), &signature)
        .expect("credential signature verifies with the issuer JWK");
    let payload = b64_json(segments[1]);
    assert_eq!(payload["_sd_alg"], "sha-256");
    let sd: Vec<&str> = payload["_sd"]
        .as_array()
        .expect("_sd")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut claims = serde_json::Map::new();
    for disclosure in disclosures {
        let digest = URL_SAFE_NO_PAD.encode(Sha256::digest(disclosure.as_bytes()));
        assert!(sd.contains(&digest.as_str()), "disclosure digest is in _sd");
        let decoded = b64_json(disclosure);
        let [salt, name, value] = decoded.as_array().expect("array").as_slice() else {
            panic!("a disclosure is [salt, name, value]: {decoded}");
        };
        assert!(salt.as_str().is_some_and(|s| s.len() >= 16));
        claims.insert(name.as_str().expect("name").to_owned(), value.clone());
    }
    (payload, claims)
}

/// Token, nonce and credential request with a good proof.
async fn redeem(
    issuer: &Issuer,
    history: &Value,
    pin: Option<&str>,
    holder: &Holder,
) -> (String, u16, Value) {
    let token = issuer.access_token(&code_of(history).await, pin).await;
    let nonce = issuer.nonce().await;
    let body = json!({
        "credential_configuration_id": history["credentialDefinitionId"],
        "proofs": {"jwt": [holder.proof(&issuer.issuer_url(), &nonce)]},
    });
    let (status, answer) = issuer.credential(&token, body).await;
    (token, status, answer)
}
