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
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use station_sandbox::oid4vci::PRE_AUTHORIZED_CODE_GRANT;
use station_testkit::oid4vci::{id_of, Issuer};

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
