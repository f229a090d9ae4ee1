//! The endpoints a wallet uses once it has its access token (OID4VCI 1.0
//! sections 7 to 11): nonce, credential, deferred credential, notification.
//! One offer yields one credential, bound to the key in the wallet's proof.
//!
//! The deferred credential response carries no `notification_id`:
//! @openid4vc/openid4vci 0.4.6 refuses a deferred response that has both
//! `credentials` and `notification_id`, though 1.0 allows it. A deferred
//! credential therefore stays `credential_issued`: no wallet can notify.

use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::definitions::CredentialFormat;
use super::errors::OauthError;
use super::proof;
use super::sd_jwt::{self, CredentialContent};
use super::status::OfferStatus;
use super::store::{random_token, Exchange};
use super::Issuer;
use crate::clock;

/// Seconds a wallet waits between deferred credential requests; short,
/// since sandbox claims come from a test or a person at the desk.
const DEFERRED_INTERVAL_SECS: u64 = 1;

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn reply(result: Result<Response, OauthError>) -> Response {
    match result {
        Ok(response) => no_store(response),
        Err(error) => error.into_response(),
    }
}

pub(crate) async fn nonce(State(issuer): State<Issuer>) -> Response {
    let (nonce, lifetime) = issuer.lock().add_nonce(SystemTime::now());
    no_store(Json(json!({"c_nonce": nonce, "c_nonce_expires_in": lifetime.as_secs()})).into_response())
}

pub(crate) async fn credential(State(issuer): State<Issuer>, headers: HeaderMap, body: Bytes) -> Response {
    reply(issue_credential(&issuer, &headers, &body))
}

pub(crate) async fn deferred_credential(
    State(issuer): State<Issuer>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    reply(issue_deferred(&issuer, &headers, &body))
}

pub(crate) async fn notification(State(issuer): State<Issuer>, headers: HeaderMap, body: Bytes) -> Response {
    reply(notify(&issuer, &headers, &body))
}

/// The exchange the request's Bearer token belongs to.
fn authorized_exchange(issuer: &Issuer, headers: &HeaderMap) -> Result<String, OauthError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
        .map(|(_, token)| token.trim())
        .ok_or_else(|| OauthError::invalid_token("A Bearer access token is required."))?;
    issuer
        .lock()
        .token_exchange(token, SystemTime::now())
        .ok_or_else(|| OauthError::invalid_token("The access token is unknown or has expired."))
}

fn request_object(body: &[u8], error: &'static str) -> Result<Map<String, Value>, OauthError> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        _ => Err(OauthError::bad_request(error, "The body must be a JSON object.")),
    }
}

fn issue_credential(issuer: &Issuer, headers: &HeaderMap, body: &[u8]) -> Result<Response, OauthError> {
    let exchange_id = authorized_exchange(issuer, headers)?;
    let request = request_object(body, "invalid_credential_request")?;
    let proof_jwt = single_jwt_proof(&request)?;
    {
        let store = issuer.lock();
        let exchange = store
            .get(&exchange_id)
            .ok_or_else(|| OauthError::invalid_token("The offer behind this token is gone."))?;
        check_requested_configuration(exchange, &request)?;
        check_may_issue(exchange)?;
        if exchange.transaction_id.is_some() {
            return Err(OauthError::bad_request(
                "credential_request_denied",
                "This credential is deferred; use the deferred credential endpoint.",
            ));
        }
    }
    let checked = proof::check(proof_jwt, &issuer.url, clock::now_unix())?;
    let now = SystemTime::now();
    let mut store = issuer.lock();
    if !store.take_nonce(&checked.nonce, now) {
        return Err(OauthError::bad_request(
            "invalid_nonce",
            "The proof's nonce was not issued here, was used already or has expired; get a new c_nonce.",
        ));
    }
    let exchange = store
        .get_mut(&exchange_id)
        .ok_or_else(|| OauthError::invalid_token("The offer behind this token is gone."))?;
    check_may_issue(exchange)?;
    exchange.holder_jwk = Some(checked.holder_jwk);
    if !exchange.claims_ready {
        let transaction_id = random_token();
        exchange.transaction_id = Some(transaction_id.clone());
        exchange.updated_at = now;
        let body = json!({"transaction_id": transaction_id, "interval": DEFERRED_INTERVAL_SECS});
        return Ok((StatusCode::ACCEPTED, Json(body)).into_response());
    }
    let credential = sign_credential(issuer, exchange, now);
    let notification_id = random_token();
    exchange.notification_id = Some(notification_id.clone());
    let body = json!({"credentials": [{"credential": credential}], "notification_id": notification_id});
    Ok(Json(body).into_response())
}

fn issue_deferred(issuer: &Issuer, headers: &HeaderMap, body: &[u8]) -> Result<Response, OauthError> {
    let exchange_id = authorized_exchange(issuer, headers)?;
    let request = request_object(body, "invalid_credential_request")?;
    let transaction_id = request
        .get("transaction_id")
        .and_then(Value::as_str)
        .ok_or_else(|| OauthError::bad_request("invalid_credential_request", "transaction_id is missing."))?;
    let now = SystemTime::now();
    let mut store = issuer.lock();
    let exchange = store
        .get_mut(&exchange_id)
        .filter(|exchange| exchange.transaction_id.as_deref() == Some(transaction_id))
        .ok_or_else(|| {
            OauthError::bad_request("invalid_transaction_id", "The transaction_id is not known.")
        })?;
    check_may_issue(exchange)?;
    if !exchange.claims_ready {
        let body = json!({"transaction_id": transaction_id, "interval": DEFERRED_INTERVAL_SECS});
        return Ok((StatusCode::ACCEPTED, Json(body)).into_response());
    }
    let credential = sign_credential(issuer, exchange, now);
    Ok(Json(json!({"credentials": [{"credential": credential}]})).into_response())
}

/// `proofs.jwt` with exactly one proof, or the draft-era `proof`.
fn single_jwt_proof(request: &Map<String, Value>) -> Result<&str, OauthError> {
    let invalid = |description: &str| OauthError::bad_request("invalid_proof", description);
    match (request.get("proofs"), request.get("proof")) {
        (Some(_), Some(_)) => Err(OauthError::bad_request(
            "invalid_credential_request",
            "Send either proofs or proof, not both.",
        )),
        (Some(proofs), None) => match proofs.get("jwt").and_then(Value::as_array).map(Vec::as_slice) {
            Some([jwt]) => jwt
                .as_str()
                .ok_or_else(|| invalid("proofs.jwt must hold a JWT string.")),
            Some([]) | None => Err(invalid("proofs.jwt with one proof JWT is required.")),
            Some(_) => Err(OauthError::bad_request(
                "invalid_credential_request",
                "Batch issuance is not supported: send one proof.",
            )),
        },
        (None, Some(proof)) => {
            if proof.get("proof_type").and_then(Value::as_str) != Some("jwt") {
                return Err(invalid("Only the jwt proof type is supported."));
            }
            proof
                .get("jwt")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("proof.jwt is missing."))
        }
        (None, None) => Err(invalid("A proof of possession is required.")),
    }
}

/// The credential asked for must be the one offered: by configuration id
/// (1.0), or by format and vct (drafts).
fn check_requested_configuration(
    exchange: &Exchange,
    request: &Map<String, Value>,
) -> Result<(), OauthError> {
    let offered = exchange.definition;
    if let Some(id) = request.get("credential_configuration_id") {
        return if id.as_str() == Some(offered.id) {
            Ok(())
        } else {
            Err(OauthError::bad_request(
                "unknown_credential_configuration",
                format!("This token is for the credential configuration {}.", offered.id),
            ))
        };
    }
    if request.get("credential_identifier").is_some() {
        return Err(OauthError::bad_request(
            "unknown_credential_identifier",
            "This issuer does not use credential identifiers; send credential_configuration_id.",
        ));
    }
    let format = request.get("format").and_then(Value::as_str);
    let vct = request.get("vct").and_then(Value::as_str);
    match (format, vct) {
        (Some("dc+sd-jwt" | "vc+sd-jwt"), Some(vct)) if vct == offered.vct => Ok(()),
        (None, _) => Err(OauthError::bad_request(
            "invalid_credential_request",
            "credential_configuration_id is missing.",
        )),
        _ => Err(OauthError::bad_request(
            "unsupported_credential_format",
            format!("This token is for a dc+sd-jwt credential of vct {}.", offered.vct),
        )),
    }
}

fn check_may_issue(exchange: &Exchange) -> Result<(), OauthError> {
    if exchange.status == OfferStatus::IssuanceDenied {
        return Err(OauthError::bad_request(
            "credential_request_denied",
            "The issuer has denied this credential.",
        ));
    }
    if exchange.status.is_issued() {
        return Err(OauthError::bad_request(
            "credential_request_denied",
            "This offer's credential has already been issued.",
        ));
    }
    Ok(())
}

/// Signs the credential and records its issuance; claims and holder key
/// are there, as the callers have checked.
fn sign_credential(issuer: &Issuer, exchange: &mut Exchange, now: SystemTime) -> String {
    let no_claims = Map::new();
    let holder_jwk = exchange.holder_jwk.clone().unwrap_or(Value::Null);
    let content = CredentialContent {
        issuer: &issuer.url,
        vct: exchange.definition.vct,
        holder_jwk: &holder_jwk,
        claims: exchange.subject.as_ref().unwrap_or(&no_claims),
        issued_at: clock::unix_secs(now),
    };
    let credential = match exchange.definition.format {
        CredentialFormat::SdJwt => sd_jwt::issue(&issuer.key, &content),
        CredentialFormat::JwtVcJson => sd_jwt::issue_jwt_vc(&issuer.key, exchange.definition.id, &content),
    };
    exchange.set_status(OfferStatus::CredentialIssued, None, now);
    credential
}

/// `{notification_id, event, event_description?}`. Any notification first
/// acknowledges the credential (`credential_acked`); `credential_accepted`
/// and `credential_deleted` then move on, `credential_failure` stays acked
/// with its description noted.
fn notify(issuer: &Issuer, headers: &HeaderMap, body: &[u8]) -> Result<Response, OauthError> {
    let exchange_id = authorized_exchange(issuer, headers)?;
    let request = request_object(body, "invalid_notification_request")?;
    let notification_id = request.get("notification_id").and_then(Value::as_str);
    let event = request.get("event").and_then(Value::as_str);
    let description = request
        .get("event_description")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let now = SystemTime::now();
    let mut store = issuer.lock();
    let exchange = store
        .get_mut(&exchange_id)
        .filter(|exchange| {
            exchange.notification_id.is_some() && exchange.notification_id.as_deref() == notification_id
        })
        .ok_or_else(|| {
            OauthError::bad_request("invalid_notification_id", "The notification_id is not known.")
        })?;
    let next = match event {
        Some("credential_accepted") => Some(OfferStatus::CredentialAccepted),
        Some("credential_deleted") => Some(OfferStatus::CredentialDeleted),
        Some("credential_failure") => None,
        _ => {
            return Err(OauthError::bad_request(
                "invalid_notification_request",
                "event must be credential_accepted, credential_failure or credential_deleted.",
            ))
        }
    };
    if exchange.status == OfferStatus::CredentialIssued {
        let note = if next.is_none() { description.clone() } else { None };
        exchange.set_status(OfferStatus::CredentialAcked, note, now);
    }
    if let Some(next) = next.filter(|next| *next != exchange.status) {
        exchange.set_status(next, description, now);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
