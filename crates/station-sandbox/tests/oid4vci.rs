//! The sandbox's OID4VCI issuer over real HTTP: the admin API (seed 004)
//! and the pre-authorized code flow a wallet drives, with a holder key made
//! here and every credential checked as a verifier would.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use station_sandbox::oid4vci::{self, OfferStatus, PRE_AUTHORIZED_CODE_GRANT};
use station_sandbox::{Sandbox, SandboxConfig};

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

#[tokio::test]
async fn metadata_is_served_where_wallets_look() {
    let issuer = Issuer::start().await;
    let issuer_url = issuer.issuer_url();
    for path in [
        "/.well-known/openid-credential-issuer/oid4vci",
        "/oid4vci/.well-known/openid-credential-issuer",
    ] {
        let metadata: Value = issuer
            .http
            .get(issuer.url(path))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(metadata["credential_issuer"], issuer_url.as_str());
        assert_eq!(
            metadata["credential_endpoint"],
            format!("{issuer_url}/credential")
        );
        assert_eq!(metadata["nonce_endpoint"], format!("{issuer_url}/nonce"));
        assert_eq!(
            metadata["notification_endpoint"],
            format!("{issuer_url}/notification")
        );
        let badge = &metadata["credential_configurations_supported"]["EventBadge"];
        assert_eq!(badge["format"], "dc+sd-jwt");
        assert_eq!(
            badge["vct"],
            "https://sandbox.issuance-station.example/EventBadge"
        );
        assert_eq!(badge["cryptographic_binding_methods_supported"], json!(["jwk"]));
        assert_eq!(
            badge["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"],
            json!(["ES256"])
        );
        assert!(badge["credential_metadata"]["claims"]
            .as_array()
            .is_some_and(|c| c.len() == 3));
        assert!(metadata["credential_configurations_supported"]["StaffId"].is_object());
    }
    for path in [
        "/.well-known/oauth-authorization-server/oid4vci",
        "/oid4vci/.well-known/oauth-authorization-server",
    ] {
        let metadata: Value = issuer
            .http
            .get(issuer.url(path))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(metadata["issuer"], issuer_url.as_str());
        assert_eq!(metadata["token_endpoint"], format!("{issuer_url}/token"));
        assert_eq!(
            metadata["grant_types_supported"],
            json!([PRE_AUTHORIZED_CODE_GRANT])
        );
    }
    for path in [
        "/.well-known/jwt-vc-issuer/oid4vci",
        "/oid4vci/.well-known/jwt-vc-issuer",
    ] {
        let metadata: Value = issuer
            .http
            .get(issuer.url(path))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(metadata["issuer"], issuer_url.as_str());
        assert_eq!(metadata["jwks"]["keys"][0], issuer.sandbox.oid4vci_issuer_jwk());
    }
}

#[tokio::test]
async fn in_time_offer_with_pin_issues_a_verifiable_sd_jwt() {
    let issuer = Issuer::start().await;
    let history = issuer.issue(badge_in_time(Some("493817"))).await;
    assert_eq!(history["status"], "offer_sent");
    assert_eq!(history["credentialStatus"], "ready");
    assert_eq!(history["issuanceMode"], "InTime");
    assert_eq!(history["isPreAuthorised"], true);
    assert_eq!(history["format"], "dc+sd-jwt");
    assert!(history.get("userPin").is_none(), "the PIN is never echoed");
    assert!(!history.to_string().contains("493817"));
    let uri = history["credentialOffer"].as_str().expect("offer");
    assert!(
        uri.starts_with("openid-credential-offer://?credential_offer_uri="),
        "{uri}"
    );
    let id = id_of(&history);
    assert_eq!(issuer.status_of(&id).await, "offer_sent");
    // The wallet fetches the offer when it scans: the desk may show the PIN.
    let offer = offer_of(&history).await;
    assert_eq!(issuer.status_of(&id).await, "offer_received");
    assert_eq!(offer["credential_issuer"], issuer.issuer_url().as_str());
    assert_eq!(offer["credential_configuration_ids"], json!(["EventBadge"]));
    let tx_code = &offer["grants"][PRE_AUTHORIZED_CODE_GRANT]["tx_code"];
    assert_eq!(tx_code["input_mode"], "numeric");
    assert_eq!(tx_code["length"], 6);

    let token = issuer
        .access_token(&code_of(&history).await, Some("493817"))
        .await;
    assert_eq!(issuer.status_of(&id).await, "offer_received");
    let (status, again) = issuer.token(&code_of(&history).await, Some("493817")).await;
    assert_eq!(
        (status, again["error"].as_str()),
        (400, Some("invalid_grant")),
        "single use"
    );

    let holder = Holder::new();
    let nonce = issuer.nonce().await;
    let body = json!({
        "credential_configuration_id": "EventBadge",
        "proofs": {"jwt": [holder.proof(&issuer.issuer_url(), &nonce)]},
    });
    let (status, answer) = issuer.credential(&token, body).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer["notification_id"].is_string());
    let sd_jwt = answer["credentials"][0]["credential"]
        .as_str()
        .expect("credential");
    let (payload, claims) = verify_sd_jwt(sd_jwt, &issuer.sandbox.oid4vci_issuer_jwk());
    assert_eq!(payload["iss"], issuer.issuer_url().as_str());
    assert_eq!(
        payload["vct"],
        "https://sandbox.issuance-station.example/EventBadge"
    );
    assert_eq!(payload["cnf"]["jwk"], holder.jwk());
    assert!(payload["exp"].as_u64() > payload["iat"].as_u64());
    assert!(payload.get("given_name").is_none(), "claims only as disclosures");
    assert_eq!(claims.get("given_name"), Some(&json!("Ada")));
    assert_eq!(claims.get("family_name"), Some(&json!("Lovelace")));
    assert_eq!(claims.get("company"), Some(&json!("Analytical Engines")));

    let history = issuer.history(&id).await;
    assert_eq!(history["status"], "credential_issued");
    assert_eq!(history["cnf"]["jwk"], holder.jwk());
    assert_eq!(
        statuses_in(&history),
        ["offer_sent", "offer_received", "credential_issued"]
    );

    let nonce = issuer.nonce().await;
    let body = json!({"credential_configuration_id": "EventBadge",
        "proofs": {"jwt": [holder.proof(&issuer.issuer_url(), &nonce)]}});
    let (status, answer) = issuer.credential(&token, body).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (400, Some("credential_request_denied")),
        "one credential per offer"
    );
}

#[tokio::test]
async fn wrong_tx_codes_are_refused_and_three_kill_the_code() {
    let issuer = Issuer::start().await;
    let history = issuer.issue(badge_in_time(Some("2468"))).await;
    let (code, id) = (code_of(&history).await, id_of(&history));
    for tries_left in ["2 more tries", "1 more try", "no longer works"] {
        let (status, body) = issuer.token(&code, Some("1357")).await;
        assert_eq!(status, 400);
        assert_eq!(body["error"], "invalid_grant");
        assert!(
            body["error_description"]
                .as_str()
                .is_some_and(|d| d.contains(tries_left)),
            "{body}"
        );
        assert_eq!(
            issuer.status_of(&id).await,
            "offer_received",
            "a wrong PIN still means the offer was opened"
        );
    }
    let (status, body) = issuer.token(&code, Some("2468")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "the code is dead: {body}"
    );

    let history = issuer.issue(badge_in_time(Some("2468"))).await;
    let (status, body) = issuer.token(&code_of(&history).await, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request")),
        "tx_code missing"
    );
    let plain = issuer.issue(badge_in_time(None)).await;
    let (status, body) = issuer.token(&code_of(&plain).await, Some("1234")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request")),
        "tx_code not expected"
    );
    let (status, body) = issuer.token("no-such-code", None).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    let response = issuer
        .http
        .post(issuer.url("/oid4vci/token"))
        .form(&[("grant_type", "authorization_code"), ("code", "x")])
        .send()
        .await
        .expect("reachable");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn an_expired_code_is_invalid_grant() {
    let issuer = Issuer::start_with(SandboxConfig {
        oid4vci_code_lifetime: Duration::from_millis(300),
        ..SandboxConfig::default()
    })
    .await;
    let history = issuer.issue(badge_in_time(Some("1234"))).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (status, body) = issuer.token(&code_of(&history).await, Some("1234")).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["error_description"]
        .as_str()
        .is_some_and(|d| d.contains("expired")));
}

#[tokio::test]
async fn bad_proofs_are_refused() {
    let issuer = Issuer::start().await;
    let history = issuer.issue(badge_in_time(None)).await;
    let token = issuer.access_token(&code_of(&history).await, None).await;
    let holder = Holder::new();
    let aud = issuer.issuer_url();
    let request =
        |jwt: String| json!({"credential_configuration_id": "EventBadge", "proofs": {"jwt": [jwt]}});

    let (status, body) = issuer
        .credential(&token, request(holder.proof(&aud, "never-issued")))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_nonce")),
        "{body}"
    );

    let nonce = issuer.nonce().await;
    let (status, body) = issuer
        .credential(&token, request(holder.proof("http://elsewhere.example", &nonce)))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_proof")),
        "wrong aud: {body}"
    );

    let forger = Holder::new();
    let forged = forger.sign(
        &json!({"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": holder.jwk()}),
        &json!({"aud": aud, "iat": now_unix(), "nonce": nonce}),
    );
    let (status, body) = issuer.credential(&token, request(forged)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_proof")),
        "bad signature: {body}"
    );

    let untyped = holder.sign(
        &json!({"typ": "JWT", "alg": "ES256", "jwk": holder.jwk()}),
        &json!({"aud": aud, "iat": now_unix(), "nonce": nonce}),
    );
    let (status, body) = issuer.credential(&token, request(untyped)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_proof")),
        "typ: {body}"
    );

    let stale = holder.sign(
        &json!({"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": holder.jwk()}),
        &json!({"aud": aud, "iat": now_unix() - 3600, "nonce": nonce}),
    );
    let (status, body) = issuer.credential(&token, request(stale)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_proof")),
        "old iat: {body}"
    );

    let (status, body) = issuer
        .credential(&token, json!({"credential_configuration_id": "EventBadge"}))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_proof")),
        "no proof: {body}"
    );

    let mut other_configuration = request(holder.proof(&aud, &nonce));
    other_configuration["credential_configuration_id"] = json!("StaffId");
    let (status, body) = issuer.credential(&token, other_configuration).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unknown_credential_configuration")),
        "{body}"
    );

    let (status, body) = issuer
        .credential("not-a-token", request(holder.proof(&aud, &nonce)))
        .await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_token")));

    // None of the refusals used the nonce up; a trailing slash on aud is fine,
    // and the legacy single `proof` works too.
    let legacy = json!({"credential_configuration_id": "EventBadge",
        "proof": {"proof_type": "jwt", "jwt": holder.proof(&format!("{aud}/"), &nonce)}});
    let (status, body) = issuer.credential(&token, legacy).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(issuer.status_of(&id_of(&history)).await, "credential_issued");

    let history = issuer.issue(badge_in_time(None)).await;
    let token = issuer.access_token(&code_of(&history).await, None).await;
    let (status, body) = issuer
        .credential(&token, request(holder.proof(&aud, &nonce)))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_nonce")),
        "a nonce works once: {body}"
    );
}

#[tokio::test]
async fn a_deferred_credential_waits_for_its_claims() {
    let issuer = Issuer::start().await;
    let history = issuer
        .issue(json!({"issuanceMode": "Deferred", "credentialDefinitionId": "StaffId", "userPin": "8080"}))
        .await;
    assert_eq!(history["credentialStatus"], "pending");
    assert_eq!(history["issuanceMode"], "Deferred");
    let id = id_of(&history);
    let holder = Holder::new();
    let (token, status, answer) = redeem(&issuer, &history, Some("8080"), &holder).await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["interval"], 1);
    let transaction_id = answer["transaction_id"]
        .as_str()
        .expect("transaction_id")
        .to_owned();
    assert_eq!(issuer.status_of(&id).await, "offer_received");

    let deferred = json!({"transaction_id": transaction_id});
    let (status, answer) = issuer
        .post_bearer("/oid4vci/deferred_credential", &token, deferred.clone())
        .await;
    assert_eq!(status, 202, "still pending: {answer}");
    assert_eq!(answer["transaction_id"], transaction_id.as_str());

    let (status, body) = issuer
        .post_bearer(
            "/oid4vci/deferred_credential",
            &token,
            json!({"transaction_id": "other"}),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_transaction_id"))
    );

    let claims = json!({"credential": {"claims": {"given_name": "Grace", "family_name": "Hopper", "photo": "aGVsbG8"}}});
    let (status, updated) = issuer
        .admin(Method::PUT, &oid4vci::history_path(&id), Some(claims.clone()))
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["credentialHistory"]["credentialStatus"], "ready");
    assert_eq!(
        updated["credentialHistory"]["credential"]["claims"]["given_name"],
        "Grace"
    );
    let (status, _) = issuer
        .admin(Method::PUT, &oid4vci::history_path(&id), Some(claims))
        .await;
    assert_eq!(status, 409, "claims are supplied once");

    let (status, answer) = issuer
        .post_bearer("/oid4vci/deferred_credential", &token, deferred.clone())
        .await;
    assert_eq!(status, 200, "{answer}");
    let sd_jwt = answer["credentials"][0]["credential"]
        .as_str()
        .expect("credential");
    let (payload, claims) = verify_sd_jwt(sd_jwt, &issuer.sandbox.oid4vci_issuer_jwk());
    assert_eq!(payload["vct"], "https://sandbox.issuance-station.example/StaffId");
    assert_eq!(payload["cnf"]["jwk"], holder.jwk());
    assert_eq!(claims.get("photo"), Some(&json!("aGVsbG8")));
    assert_eq!(issuer.status_of(&id).await, "credential_issued");
    let (status, _) = issuer
        .post_bearer("/oid4vci/deferred_credential", &token, deferred)
        .await;
    assert_eq!(status, 400, "issued once");

    // Claims that come before the wallet asks make the first answer the credential.
    let early = issuer
        .issue(json!({"issuanceMode": "Deferred", "credential": {"vct": "EventBadge"}}))
        .await;
    let body = json!({"credential": {"claims": {"given_name": "Ada", "family_name": "Lovelace"}}});
    let (status, _) = issuer
        .admin(Method::PUT, &oid4vci::history_path(&id_of(&early)), Some(body))
        .await;
    assert_eq!(status, 200);
    let (_, status, answer) = redeem(&issuer, &early, None, &Holder::new()).await;
    assert_eq!(status, 200, "{answer}");

    let in_time = issuer.issue(badge_in_time(None)).await;
    let body = json!({"credential": {"claims": {"given_name": "A", "family_name": "B"}}});
    let (status, _) = issuer
        .admin(Method::PUT, &oid4vci::history_path(&id_of(&in_time)), Some(body))
        .await;
    assert_eq!(status, 409, "InTime takes no later claims");
}

#[tokio::test]
async fn every_status_is_reachable_and_recorded() {
    let issuer = Issuer::start().await;
    let mut seen = std::collections::HashSet::new();

    let history = issuer.issue(badge_in_time(Some("1111"))).await;
    let id = id_of(&history);
    let (token, status, answer) = redeem(&issuer, &history, Some("1111"), &Holder::new()).await;
    assert_eq!(status, 200, "{answer}");
    let notification_id = answer["notification_id"].as_str().expect("notification_id");
    assert_eq!(issuer.notify(&token, "unknown", "credential_accepted").await, 400);
    assert_eq!(
        issuer.notify(&token, notification_id, "credential_lost").await,
        400
    );
    assert_eq!(
        issuer.notify(&token, notification_id, "credential_failure").await,
        204
    );
    assert_eq!(issuer.status_of(&id).await, "credential_acked");
    assert_eq!(
        issuer
            .notify(&token, notification_id, "credential_accepted")
            .await,
        204
    );
    assert_eq!(issuer.status_of(&id).await, "credential_accepted");
    assert_eq!(
        issuer.notify(&token, notification_id, "credential_deleted").await,
        204
    );
    let history = issuer.history(&id).await;
    assert_eq!(history["status"], "credential_deleted");
    assert_eq!(
        statuses_in(&history),
        [
            "offer_sent",
            "offer_received",
            "credential_issued",
            "credential_acked",
            "credential_accepted",
            "credential_deleted"
        ]
    );
    assert!(history["statusHistory"][0]["at"]
        .as_str()
        .is_some_and(|at| at.ends_with('Z')));
    seen.extend(statuses_in(&history));
    let (status, _) = issuer.admin(Method::POST, &oid4vci::deny_path(&id), None).await;
    assert_eq!(status, 409, "an issued credential cannot be denied");

    let accepted = issuer.issue(badge_in_time(None)).await;
    let (token, _, answer) = redeem(&issuer, &accepted, None, &Holder::new()).await;
    let notification_id = answer["notification_id"].as_str().expect("notification_id");
    assert_eq!(
        issuer
            .notify(&token, notification_id, "credential_accepted")
            .await,
        204
    );
    assert_eq!(
        statuses_in(&issuer.history(&id_of(&accepted)).await)[2..],
        ["credential_issued", "credential_acked", "credential_accepted"]
    );

    let denied = issuer.issue(badge_in_time(Some("2222"))).await;
    let denied_id = id_of(&denied);
    let (status, answer) = issuer
        .admin(
            Method::POST,
            &oid4vci::deny_path(&denied_id),
            Some(json!({"reason": "left the queue"})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["credentialHistory"]["status"], "issuance_denied");
    assert_eq!(
        answer["credentialHistory"]["issuanceDeniedReason"],
        "left the queue"
    );
    let (status, body) = issuer.token(&code_of(&denied).await, Some("2222")).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    seen.extend(statuses_in(&issuer.history(&denied_id).await));

    for status in OfferStatus::ALL {
        assert!(seen.contains(status.as_str()), "{} reached", status.as_str());
    }
}

#[tokio::test]
async fn the_admin_api_wants_its_key() {
    let issuer = Issuer::start().await;
    let history = issuer.issue(badge_in_time(None)).await;
    let id = id_of(&history);
    let calls = [
        (
            Method::POST,
            oid4vci::ISSUE_PATH.to_owned(),
            Some(badge_in_time(None)),
        ),
        (Method::GET, oid4vci::history_path(&id), None),
        (
            Method::PUT,
            oid4vci::history_path(&id),
            Some(json!({"credential": {"claims": {}}})),
        ),
        (Method::POST, oid4vci::deny_path(&id), None),
    ];
    for (method, path, body) in calls {
        for auth in [None, Some("ApiKey wrong-key"), Some("Bearer sandbox-oid4vci-key")] {
            let (status, answer) = issuer.admin_as(auth, method.clone(), &path, body.clone()).await;
            assert_eq!(status, 401, "{method} {path} with {auth:?}");
            assert_eq!(answer["error"], "unauthorized");
            assert!(answer["errorDescription"].is_string());
        }
    }
    assert_eq!(issuer.status_of(&id).await, "offer_sent", "nothing changed");
    let (status, answer) = issuer
        .admin(Method::GET, &oid4vci::history_path("no-such-id"), None)
        .await;
    assert_eq!((status, answer["error"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn validation_errors_name_the_field() {
    let issuer = Issuer::start().await;
    let with = |field: &str, value: Value| {
        let mut body = badge_in_time(Some("1234"));
        body[field] = value;
        body
    };
    let mut missing_claim = badge_in_time(None);
    missing_claim["credential"]["claims"] = json!({"given_name": "Ada"});
    let cases = [
        (with("issuanceMode", json!("Soon")), "issuanceMode"),
        (with("userPin", json!("12")), "userPin"),
        (with("userPin", json!(123456)), "userPin"),
        (with("urlScheme", json!("https://")), "urlScheme"),
        (
            with("credentialDefinitionId", json!("Passport")),
            "credentialDefinitionId",
        ),
        (missing_claim, "credential.claims.family_name"),
        (
            json!({"issuanceMode": "InTime", "credentialDefinitionId": "EventBadge"}),
            "credential.claims",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = issuer.admin(Method::POST, oid4vci::ISSUE_PATH, Some(body)).await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["field"], field, "{answer}");
        assert!(
            answer["errorDescription"]
                .as_str()
                .is_some_and(|d| d.contains(field)),
            "{answer}"
        );
    }
    let response = issuer
        .http
        .post(issuer.url(oid4vci::ISSUE_PATH))
        .header("Authorization", "ApiKey sandbox-oid4vci-key")
        .body("{not json")
        .send()
        .await
        .expect("reachable");
    assert_eq!(response.status(), 400);

    let haip = issuer.issue(with("urlScheme", json!("haip://"))).await;
    assert!(haip["credentialOffer"]
        .as_str()
        .is_some_and(|uri| uri.starts_with("haip://?credential_offer_uri=")));
    let plain = issuer.issue(badge_in_time(None)).await;
    assert!(offer_of(&plain).await["grants"][PRE_AUTHORIZED_CODE_GRANT]
        .get("tx_code")
        .is_none());
}
