//! The simulated wallet's side of OID4VCI, so the sandbox's wallet panel
//! and `station sandbox wallet` can take an offer as they take an Entra
//! request: "open" fetches the offer (the issuer marks it received), "pin"
//! redeems it (token with `tx_code`, nonce, proof, credential), "accept"
//! tells the issuer the credential was kept. It talks to the issuer over
//! HTTP like any wallet; the interop tests use a third-party one instead.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use super::keys::IssuerKey;
use super::PRE_AUTHORIZED_CODE_GRANT;
use crate::clock;

/// Offers the wallet has scanned, by credential exchange id.
#[derive(Default)]
pub(crate) struct Holder {
    offers: Mutex<HashMap<String, HeldOffer>>,
    http: reqwest::Client,
}

#[derive(Clone)]
pub(crate) struct HeldOffer {
    pub offer: Value,
    /// Set once redeemed: the access token and the notification id.
    redeemed: Option<(String, Option<String>)>,
}

impl HeldOffer {
    pub fn issuer(&self) -> &str {
        self.offer["credential_issuer"].as_str().unwrap_or_default()
    }

    pub fn configuration(&self) -> &str {
        self.offer["credential_configuration_ids"][0]
            .as_str()
            .unwrap_or_default()
    }

    fn grant(&self) -> &Value {
        &self.offer["grants"][PRE_AUTHORIZED_CODE_GRANT]
    }

    pub fn pin_length(&self) -> Option<u8> {
        self.grant()["tx_code"]["length"]
            .as_u64()
            .and_then(|n| u8::try_from(n).ok())
    }

    pub fn is_redeemed(&self) -> bool {
        self.redeemed.is_some()
    }
}

/// Why the wallet could not go on.
pub(crate) enum HolderError {
    /// The issuer refused the PIN (`invalid_grant`).
    WrongPin,
    /// Anything else, with the issuer's or the network's words.
    Failed(String),
}

/// What a redeemed offer gave the wallet.
pub(crate) struct Received {
    pub vct: String,
    pub claims: std::collections::BTreeMap<String, String>,
}

/// Whether `url` is a credential offer (rather than an Entra request).
pub(crate) fn is_offer(url: &str) -> bool {
    url.starts_with("openid-credential-offer://") || url.starts_with("haip://")
}

impl Holder {
    fn offers(&self) -> std::sync::MutexGuard<'_, HashMap<String, HeldOffer>> {
        self.offers.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn get(&self, exchange_id: &str) -> Option<HeldOffer> {
        self.offers().get(exchange_id).cloned()
    }

    /// Scans `url`: fetches the offer it refers to. Returns the exchange id
    /// (the offer's last path segment) and the offer.
    pub(crate) async fn open(&self, url: &str) -> Result<(String, HeldOffer), HolderError> {
        let parsed = url::Url::parse(url.trim()).map_err(|e| HolderError::Failed(e.to_string()))?;
        let offer_url = parsed
            .query_pairs()
            .find(|(name, _)| name == "credential_offer_uri")
            .map(|(_, value)| value.into_owned())
            .ok_or_else(|| HolderError::Failed("the offer has no credential_offer_uri".into()))?;
        let id = offer_url
            .rsplit('/')
            .find(|segment| !segment.is_empty())
            .unwrap_or_default()
            .to_owned();
        let offer: Value = self.fetch(self.http.get(&offer_url)).await?;
        let held = HeldOffer {
            offer,
            redeemed: None,
        };
        self.offers().insert(id.clone(), held.clone());
        Ok((id, held))
    }

    /// Redeems the offer with `pin` and receives the credential.
    pub(crate) async fn redeem(&self, exchange_id: &str, pin: Option<&str>) -> Result<Received, HolderError> {
        let held = self
            .get(exchange_id)
            .ok_or_else(|| HolderError::Failed("scan the offer first".into()))?;
        let issuer = held.issuer().to_owned();
        let mut form = vec![
            ("grant_type", PRE_AUTHORIZED_CODE_GRANT.to_owned()),
            (
                "pre-authorized_code",
                held.grant()["pre-authorized_code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            ),
        ];
        if let Some(pin) = pin {
            form.push(("tx_code", pin.to_owned()));
        }
        let token = self
            .http
            .post(format!("{issuer}/token"))
            .form(&form)
            .send()
            .await
            .map_err(|e| HolderError::Failed(e.to_string()))?;
        let refused = !token.status().is_success();
        let token: Value = token
            .json()
            .await
            .map_err(|e| HolderError::Failed(e.to_string()))?;
        if refused {
            return Err(match token["error"].as_str() {
                Some("invalid_grant") => HolderError::WrongPin,
                _ => HolderError::Failed(token.to_string()),
            });
        }
        let access = token["access_token"].as_str().unwrap_or_default().to_owned();
        let nonce: Value = self.fetch(self.http.post(format!("{issuer}/nonce"))).await?;
        let key = IssuerKey::generate();
        let proof = key.sign(
            &json!({"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": bare_jwk(key.public_jwk())}),
            &json!({"aud": issuer, "iat": clock::now_unix(), "nonce": nonce["c_nonce"]}),
        );
        let body = json!({
            "credential_configuration_id": held.configuration(),
            "proofs": {"jwt": [proof]},
        });
        let credential: Value = self
            .fetch(
                self.http
                    .post(format!("{issuer}/credential"))
                    .bearer_auth(&access)
                    .json(&body),
            )
            .await?;
        let sd_jwt = credential["credentials"][0]["credential"]
            .as_str()
            .ok_or_else(|| HolderError::Failed(format!("no credential in {credential}")))?;
        let notification = credential["notification_id"].as_str().map(str::to_owned);
        if let Some(held) = self.offers().get_mut(exchange_id) {
            held.redeemed = Some((access, notification));
        }
        Ok(read_sd_jwt(sd_jwt))
    }

    /// Tells the issuer the holder kept (or deleted) the credential.
    pub(crate) async fn notify(&self, exchange_id: &str, event: &str) -> Result<(), HolderError> {
        let Some(held) = self.offers().remove(exchange_id) else {
            return Err(HolderError::Failed("no such offer".into()));
        };
        let Some((access, Some(notification))) = &held.redeemed else {
            return Ok(());
        };
        self.http
            .post(format!("{}/notification", held.issuer()))
            .bearer_auth(access)
            .json(&json!({"notification_id": notification, "event": event}))
            .send()
            .await
            .map_err(|e| HolderError::Failed(e.to_string()))?;
        Ok(())
    }

    async fn fetch(&self, request: reqwest::RequestBuilder) -> Result<Value, HolderError> {
        let response = request
            .send()
            .await
            .map_err(|e| HolderError::Failed(e.to_string()))?;
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .map_err(|e| HolderError::Failed(e.to_string()))?;
        if status.is_success() {
            Ok(body)
        } else {
            Err(HolderError::Failed(body.to_string()))
        }
    }
}

/// A public JWK with only what a holder key needs (`kty`, `crv`, `x`, `y`).
fn bare_jwk(jwk: &Value) -> Value {
    json!({"kty": jwk["kty"], "crv": jwk["crv"], "x": jwk["x"], "y": jwk["y"]})
}

/// The `vct` and the disclosed claims of an SD-JWT VC (`jwt~d1~d2~`), or
/// the last type and the `credentialSubject` of a JWT VC.
fn read_sd_jwt(sd_jwt: &str) -> Received {
    let mut parts = sd_jwt.split('~');
    let payload: Value = parts
        .next()
        .and_then(|jwt| jwt.split('.').nth(1))
        .and_then(|part| URL_SAFE_NO_PAD.decode(part).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let vc = &payload["vc"];
    if vc.is_object() {
        let claims = vc["credentialSubject"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(name, value)| Some((name.clone(), value.as_str()?.to_owned())))
            .collect();
        let types = vc["type"].as_array().into_iter().flatten();
        return Received {
            vct: types
                .last()
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            claims,
        };
    }
    let claims = parts
        .filter_map(|disclosure| URL_SAFE_NO_PAD.decode(disclosure).ok())
        .filter_map(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .filter_map(|item| Some((item[1].as_str()?.to_owned(), item[2].as_str()?.to_owned())))
        .collect();
    Received {
        vct: payload["vct"].as_str().unwrap_or_default().to_owned(),
        claims,
    }
}
