//! The admin API of seed 004: create an offer, read its history, supply a
//! Deferred credential's claims, and (the sandbox's own) deny it. Bodies
//! are checked field by field so a refusal names the field at fault.
//!
//! What the issue call accepts, in camelCase:
//! - `issuanceMode`: `InTime` | `Deferred` (required);
//! - `credentialDefinitionId`, or `credential.type` / `credential.vct`
//!   naming a definition by id or vct; with both, they must agree;
//! - the claims, in the carrier of the definition's format
//!   ([`super::carrier`]): `credential.claims` (`dc+sd-jwt`) or
//!   `credential.credentialSubject` (`jwt_vc_json`); required for InTime.
//!   For Deferred they may come now or with the `PUT`, and the credential
//!   is ready only after the `PUT`;
//! - `credential.credentialMetadata`: kept and echoed, not used;
//! - `userPin`: 4 to 12 digits, becomes the offer's `tx_code`; never echoed;
//! - `urlScheme`: `openid-credential-offer://` (default) | `haip://`.
//!
//! Seed 004's other fields (presentation during issuance, sending the offer
//! to a wallet endpoint or an individual, batches) are refused rather than
//! ignored, so nothing passes that the sandbox would not do.

use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use subtle::ConstantTimeEq;

use super::carrier;
use super::definitions::{self, CredentialDefinition};
use super::errors::AdminError;
use super::status::{IssuanceMode, OfferStatus};
use super::store::{random_token, Exchange};
use super::{Issuer, PRE_AUTHORIZED_CODE_GRANT};
use crate::clock;
use crate::faults::Endpoint;
use crate::state::AppState;
use std::sync::Arc;

const DEFAULT_URL_SCHEME: &str = "openid-credential-offer://";
const URL_SCHEMES: [&str; 2] = [DEFAULT_URL_SCHEME, "haip://"];

/// Fields of seed 004 the sandbox does not implement.
const UNSUPPORTED_FIELDS: [&str; 5] = [
    "presentationDefinitionId",
    "credentialOfferEndpoint",
    "individualId",
    "credentials",
    "transactionData",
];

pub(crate) async fn issue(State(issuer): State<Issuer>, headers: HeaderMap, body: Bytes) -> Response {
    respond(authorize(&issuer, &headers).and_then(|()| create_offer(&issuer, &body)))
}

/// Faults queued for [`Endpoint::Oid4vciHistory`] answer first, after
/// the API key is checked (a throttled caller is a known one).
pub(crate) async fn history(
    State(issuer): State<Issuer>,
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    respond(authorize(&issuer, &headers).and_then(|()| {
        if let Some(fault) = app.lock().take_fault(Endpoint::Oid4vciHistory) {
            return Err(AdminError::from_fault(&fault));
        }
        let store = issuer.lock();
        let exchange = store.get(&id).ok_or_else(|| AdminError::not_found(&id))?;
        Ok(history_body(exchange))
    }))
}

/// `PUT`: `{"credential": {"claims": {…}}}` (or `credentialSubject`, as
/// the definition's format needs) for a Deferred credential still
/// pending; it becomes ready.
pub(crate) async fn update(
    State(issuer): State<Issuer>,
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    respond(authorize(&issuer, &headers).and_then(|()| {
        if let Some(fault) = app.lock().take_fault(Endpoint::Oid4vciDeferredUpdate) {
            return Err(AdminError::from_fault(&fault));
        }
        supply_claims(&issuer, &id, &body)
    }))
}

/// `GET {issuer}/offers/{id}`: the credential offer a QR code refers to.
/// The first fetch marks the offer `offer_received`.
pub(crate) async fn offer(State(issuer): State<Issuer>, Path(id): Path<String>) -> Response {
    let mut store = issuer.lock();
    let Some(exchange) = store.get_mut(&id) else {
        return AdminError::not_found(&id).into_response();
    };
    if exchange.status == OfferStatus::OfferSent {
        exchange.set_status(OfferStatus::OfferReceived, None, SystemTime::now());
    }
    let mut response = Json(exchange.offer.clone()).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// The sandbox's helper: `POST …/deny` with an optional `{"reason": …}`.
/// Denying again changes nothing; an issued credential cannot be denied.
pub(crate) async fn deny(
    State(issuer): State<Issuer>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    respond(authorize(&issuer, &headers).and_then(|()| deny_exchange(&issuer, &id, &body)))
}

fn respond(result: Result<Value, AdminError>) -> Response {
    match result {
        Ok(body) => Json(body).into_response(),
        Err(error) => error.into_response(),
    }
}

fn authorize(issuer: &Issuer, headers: &HeaderMap) -> Result<(), AdminError> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("ApiKey"))
        .map(|(_, key)| key.trim())
        .ok_or_else(AdminError::unauthorized)?;
    if bool::from(key.as_bytes().ct_eq(issuer.api_key.as_bytes())) {
        Ok(())
    } else {
        Err(AdminError::unauthorized())
    }
}

fn json_object(body: &[u8]) -> Result<Map<String, Value>, AdminError> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(AdminError::bad_body("The body must be a JSON object.")),
        Err(error) => Err(AdminError::bad_body(format!(
            "The body is not valid JSON: {error}."
        ))),
    }
}

/// An issue call, checked.
struct OfferSpec {
    mode: IssuanceMode,
    definition: &'static CredentialDefinition,
    credential_type: Option<Value>,
    subject: Option<Map<String, Value>>,
    credential_metadata: Option<Value>,
    user_pin: Option<String>,
    url_scheme: &'static str,
}

fn parse_offer(body: &Map<String, Value>) -> Result<OfferSpec, AdminError> {
    if let Some(field) = UNSUPPORTED_FIELDS.iter().find(|f| body.contains_key(**f)) {
        return Err(AdminError::bad_field(
            field,
            format!("{field} is not supported by the sandbox issuer."),
        ));
    }
    let mode = match body.get("issuanceMode").and_then(Value::as_str) {
        Some("InTime") => IssuanceMode::InTime,
        Some("Deferred") => IssuanceMode::Deferred,
        _ => {
            return Err(AdminError::bad_field(
                "issuanceMode",
                "issuanceMode must be \"InTime\" or \"Deferred\".",
            ))
        }
    };
    let credential = match body.get("credential") {
        None | Some(Value::Null) => None,
        Some(Value::Object(credential)) => Some(credential),
        Some(_) => {
            return Err(AdminError::bad_field(
                "credential",
                "credential must be an object.",
            ))
        }
    };
    let named_type = carrier::named_type(credential)?;
    let definition = resolve_definition(body.get("credentialDefinitionId"), named_type)?;
    let subject = carrier::claims(definition, credential)?;
    if mode == IssuanceMode::InTime && subject.is_none() {
        let field = carrier::claims_path(definition);
        return Err(AdminError::bad_field(
            field,
            format!("{field} is required in InTime mode."),
        ));
    }
    let credential_metadata = match credential.and_then(|c| c.get("credentialMetadata")) {
        None | Some(Value::Null) => None,
        Some(metadata @ Value::Object(_)) => Some(metadata.clone()),
        Some(_) => {
            return Err(AdminError::bad_field(
                "credential.credentialMetadata",
                "credential.credentialMetadata must be an object.",
            ))
        }
    };
    let user_pin = match body.get("userPin") {
        None | Some(Value::Null) => None,
        Some(Value::String(pin))
            if (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Some(pin.clone())
        }
        Some(_) => {
            return Err(AdminError::bad_field(
                "userPin",
                "userPin must be a string of 4 to 12 digits.",
            ))
        }
    };
    let url_scheme = match body.get("urlScheme") {
        None | Some(Value::Null) => DEFAULT_URL_SCHEME,
        Some(Value::String(scheme)) => URL_SCHEMES
            .into_iter()
            .find(|known| known == scheme)
            .ok_or_else(bad_url_scheme)?,
        Some(_) => return Err(bad_url_scheme()),
    };
    Ok(OfferSpec {
        mode,
        definition,
        credential_type: named_type.map(|(_, value)| value.clone()),
        subject,
        credential_metadata,
        user_pin,
        url_scheme,
    })
}

fn bad_url_scheme() -> AdminError {
    AdminError::bad_field(
        "urlScheme",
        format!("urlScheme must be one of {}.", URL_SCHEMES.join(", ")),
    )
}

fn resolve_definition(
    id: Option<&Value>,
    named_type: Option<(&'static str, &Value)>,
) -> Result<&'static CredentialDefinition, AdminError> {
    let known = || {
        definitions::DEFINITIONS
            .iter()
            .map(|d| d.id)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let by_type = named_type.map(|(field, t)| {
        definitions::definition_for_type(t)
            .ok_or_else(|| {
                AdminError::bad_field(
                    field,
                    format!("{field} names no credential definition; known: {}.", known()),
                )
            })
            .map(|definition| (field, definition))
    });
    match id {
        None | Some(Value::Null) => by_type.map_or_else(
            || {
                Err(AdminError::bad_field(
                    "credentialDefinitionId",
                    "Either credentialDefinitionId or credential.type / credential.vct is required.",
                ))
            },
            |found| found.map(|(_, definition)| definition),
        ),
        Some(Value::String(id)) => {
            let definition = definitions::definition(id).ok_or_else(|| {
                AdminError::bad_field(
                    "credentialDefinitionId",
                    format!("Unknown credentialDefinitionId '{id}'; known: {}.", known()),
                )
            })?;
            match by_type.transpose()? {
                Some((field, other)) if other.id != definition.id => Err(AdminError::bad_field(
                    field,
                    format!("{field} does not match credentialDefinitionId '{id}'."),
                )),
                _ => Ok(definition),
            }
        }
        Some(_) => Err(AdminError::bad_field(
            "credentialDefinitionId",
            "credentialDefinitionId must be a string.",
        )),
    }
}

fn create_offer(issuer: &Issuer, body: &[u8]) -> Result<Value, AdminError> {
    let spec = parse_offer(&json_object(body)?)?;
    let now = SystemTime::now();
    let code = random_token();
    let mut grant = json!({"pre-authorized_code": code});
    if let Some(pin) = &spec.user_pin {
        grant["tx_code"] = json!({
            "input_mode": "numeric",
            "length": pin.len(),
            "description": "Enter the PIN shown at the desk.",
        });
    }
    let offer = json!({
        "credential_issuer": issuer.url,
        "credential_configuration_ids": [spec.definition.id],
        "grants": {PRE_AUTHORIZED_CODE_GRANT: grant},
    });
    // The offer goes by reference, as desk issuers send it: the wallet
    // fetches it when it scans, which is the moment `offer_received`
    // marks, before it asks the holder for the PIN.
    let id = uuid::Uuid::new_v4().to_string();
    let offer_url = issuer.endpoint(&format!("offers/{id}"));
    let encoded: String = url::form_urlencoded::byte_serialize(offer_url.as_bytes()).collect();
    let mut exchange = Exchange {
        id,
        mode: spec.mode,
        definition: spec.definition,
        credential_type: spec.credential_type,
        subject: spec.subject,
        credential_metadata: spec.credential_metadata,
        claims_ready: spec.mode == IssuanceMode::InTime,
        offer,
        offer_uri: format!("{}?credential_offer_uri={encoded}", spec.url_scheme),
        status: OfferStatus::OfferSent,
        history: Vec::new(),
        created_at: now,
        updated_at: now,
        code,
        tx_code: spec.user_pin,
        code_expires_at: now + issuer.code_lifetime,
        wrong_tx_codes: 0,
        code_redeemed: false,
        transaction_id: None,
        notification_id: None,
        holder_jwk: None,
        denied_reason: None,
    };
    exchange.set_status(OfferStatus::OfferSent, None, now);
    let body = history_body(&exchange);
    issuer.lock().add(exchange, now);
    Ok(body)
}

fn supply_claims(issuer: &Issuer, id: &str, body: &[u8]) -> Result<Value, AdminError> {
    let body = json_object(body)?;
    let mut store = issuer.lock();
    let exchange = store.get_mut(id).ok_or_else(|| AdminError::not_found(id))?;
    let credential = match body.get("credential") {
        Some(Value::Object(credential)) => credential,
        _ => {
            return Err(AdminError::bad_field(
                "credential",
                "credential must be an object.",
            ))
        }
    };
    let claims = carrier::claims(exchange.definition, Some(credential))?.ok_or_else(|| {
        let field = carrier::claims_path(exchange.definition);
        AdminError::bad_field(field, format!("{field} is required."))
    })?;
    if exchange.status == OfferStatus::IssuanceDenied {
        return Err(AdminError::conflict("This exchange has been denied."));
    }
    if exchange.mode != IssuanceMode::Deferred {
        return Err(AdminError::conflict(
            "Only a Deferred credential takes its claims later.",
        ));
    }
    if exchange.claims_ready {
        return Err(AdminError::conflict(
            "This credential's claims have already been supplied.",
        ));
    }
    exchange.subject = Some(claims);
    exchange.claims_ready = true;
    exchange.updated_at = SystemTime::now();
    Ok(history_body(exchange))
}

fn deny_exchange(issuer: &Issuer, id: &str, body: &[u8]) -> Result<Value, AdminError> {
    let reason = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match json_object(body)?.get("reason") {
            None | Some(Value::Null) => None,
            Some(Value::String(reason)) => Some(reason.clone()),
            Some(_) => return Err(AdminError::bad_field("reason", "reason must be a string.")),
        }
    };
    let mut store = issuer.lock();
    let exchange = store.get_mut(id).ok_or_else(|| AdminError::not_found(id))?;
    if exchange.status.is_issued() {
        return Err(AdminError::conflict("The credential has already been issued."));
    }
    if exchange.status != OfferStatus::IssuanceDenied {
        exchange.set_status(OfferStatus::IssuanceDenied, reason.clone(), SystemTime::now());
        exchange.denied_reason = reason;
    }
    Ok(history_body(exchange))
}

/// `{"credentialHistory": {…}}`, the answer of every admin call.
/// `statusHistory` is the sandbox's addition: every status with its time.
/// A definition that makes more than one exchange record is answered
/// with an array ([`CredentialDefinition::exchange_records`]).
fn history_body(exchange: &Exchange) -> Value {
    let mut credential = carrier::echo(
        exchange.definition,
        exchange.credential_type.as_ref(),
        exchange.subject.as_ref(),
    );
    if let Some(metadata) = &exchange.credential_metadata {
        credential.insert("credentialMetadata".to_owned(), metadata.clone());
    }
    let status_history: Vec<Value> = exchange
        .history
        .iter()
        .map(|transition| {
            let mut entry = json!({"status": transition.status, "at": timestamp(transition.at)});
            if let Some(note) = &transition.note {
                entry["note"] = json!(note);
            }
            entry
        })
        .collect();
    let mut history = json!({
        "credentialExchangeId": exchange.id,
        "issuanceMode": exchange.mode,
        "isPreAuthorised": true,
        "credentialOffer": exchange.offer_uri,
        "credentialStatus": exchange.credential_status(),
        "status": exchange.status,
        "statusHistory": status_history,
        "createdAt": timestamp(exchange.created_at),
        "updatedAt": timestamp(exchange.updated_at),
        "credentialDefinitionId": exchange.definition.id,
        "credential": credential,
        "format": exchange.definition.format.as_str(),
    });
    if let Some(jwk) = &exchange.holder_jwk {
        history["cnf"] = json!({"jwk": jwk});
    }
    if let Some(reason) = &exchange.denied_reason {
        history["issuanceDeniedReason"] = json!(reason);
    }
    if exchange.definition.exchange_records <= 1 {
        return json!({"credentialHistory": history});
    }
    let records: Vec<Value> = (1..=exchange.definition.exchange_records)
        .map(|n| {
            let mut record = history.clone();
            if n > 1 {
                record["credentialExchangeId"] = json!(format!("{}-{n}", exchange.id));
            }
            record
        })
        .collect();
    json!({"credentialHistory": records})
}

fn timestamp(at: SystemTime) -> String {
    clock::iso8601(clock::unix_secs(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(body: Value) -> Option<String> {
        let Value::Object(body) = body else {
            return None;
        };
        parse_offer(&body).err().and_then(|error| error.field)
    }

    #[test]
    fn names_the_field_at_fault() {
        let subject = json!({"given_name": "Ada", "family_name": "Lovelace"});
        let ok = json!({"issuanceMode": "InTime", "credentialDefinitionId": "EventBadge",
            "credential": {"claims": subject}});
        assert_eq!(refusal(ok.clone()), None);
        let with = |field: &str, value: Value| {
            let mut body = ok.clone();
            body[field] = value;
            body
        };
        assert_eq!(
            refusal(with("issuanceMode", json!("Later"))).as_deref(),
            Some("issuanceMode")
        );
        assert_eq!(refusal(with("userPin", json!(1234))).as_deref(), Some("userPin"));
        assert_eq!(
            refusal(with("userPin", json!("12a4"))).as_deref(),
            Some("userPin")
        );
        assert_eq!(refusal(with("userPin", json!("123"))).as_deref(), Some("userPin"));
        assert_eq!(
            refusal(with("userPin", json!("1234567890123"))).as_deref(),
            Some("userPin")
        );
        assert_eq!(
            refusal(with("urlScheme", json!("https://"))).as_deref(),
            Some("urlScheme")
        );
        assert_eq!(
            refusal(with("credentialDefinitionId", json!("Nope"))).as_deref(),
            Some("credentialDefinitionId")
        );
        assert_eq!(
            refusal(with("presentationDefinitionId", json!("p"))).as_deref(),
            Some("presentationDefinitionId")
        );
        let mut no_name = ok.clone();
        no_name["credential"]["claims"] = json!({"given_name": "Ada"});
        assert_eq!(refusal(no_name).as_deref(), Some("credential.claims.family_name"));
        let mut extra = ok.clone();
        extra["credential"]["claims"]["age"] = json!("36");
        assert_eq!(refusal(extra).as_deref(), Some("credential.claims.age"));
        let mut wrong_carrier = ok.clone();
        wrong_carrier["credential"] = json!({"credentialSubject": subject});
        assert_eq!(
            refusal(wrong_carrier).as_deref(),
            Some("credential.credentialSubject")
        );
        let jwt_vc = json!({"issuanceMode": "InTime", "credentialDefinitionId": "EventBadgeVc",
            "credential": {"type": ["EventBadgeVc"], "claims": subject}});
        assert_eq!(refusal(jwt_vc).as_deref(), Some("credential.claims"));
        let mut mismatch = ok.clone();
        mismatch["credential"]["vct"] = json!("StaffId");
        assert_eq!(refusal(mismatch).as_deref(), Some("credential.vct"));
        let in_time_without_claims =
            json!({"issuanceMode": "InTime", "credentialDefinitionId": "EventBadge"});
        assert_eq!(
            refusal(in_time_without_claims).as_deref(),
            Some("credential.claims")
        );
        let deferred = json!({"issuanceMode": "Deferred", "credentialDefinitionId": "StaffId"});
        assert_eq!(refusal(deferred), None);
        let by_type = json!({"issuanceMode": "Deferred", "credential": {"vct": "EventBadge"}});
        assert_eq!(refusal(by_type), None);
        let neither = json!({"issuanceMode": "Deferred"});
        assert_eq!(refusal(neither).as_deref(), Some("credentialDefinitionId"));
    }
}
