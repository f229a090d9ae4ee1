//! `createIssuanceRequest`: VO's own checks (recipient, contract, claims,
//! photo source), then the Request Service call that really creates the
//! request, then VO's record of it, which turns the Request Service's
//! callbacks into `issuanceEvent`s. PIN, expiration date and the payload
//! limit are left to the Request Service emulation, as VO leaves them to
//! Microsoft; its refusals come back as `RequestErrorResponse` unchanged.
//!
//! VO's own refusals are `RequestErrorResponse`s too here (`badRequest`,
//! innererror `badOrMissingField`, `target` = the input field), with VO's
//! messages. A real instance throws most of them as GraphQL errors instead.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::alphabet::STANDARD as STANDARD_ALPHABET;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use serde_json::{json, Map, Value};

use super::directory::{self, Recipient};
use super::entra;
use super::events::IssuanceTopic;
use super::scalars::{DateTime, JsonObject, Url, Uuid};
use super::types::{
    Contract, FaceCheckPhotoSupport, Identity, IdentityInput, Issuance, IssuanceCallbackEvent,
    IssuanceEventData, IssuanceRequestInput, IssuanceRequestStatus, IssuanceResponse, IssuanceStatus,
    IssuanceWhere, Pin, RequestError, RequestErrorResponse, RequestErrorWithInner, RequestInnerError,
};
use super::{Orchestration, Store};
use crate::clock;
use crate::error_body::BAD_OR_MISSING_FIELD;
use crate::photo;
use crate::request_service::MAX_BODY_BYTES;
use crate::spec::CallbackSpec;
use crate::state::AppState;

/// `faceCheckPhoto` must start with this (VO accepts only JPEG, base64).
const JPEG_DATA_URL_PREFIX: &str = "data:image/jpeg;base64,";

/// Browsers and encoders differ on padding; both decode.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &STANDARD_ALPHABET,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The callback headers VO (like Entra) forwards.
const ALLOWED_CALLBACK_HEADERS: [&str; 2] = ["api-key", "authorization"];

/// Claims VO sets itself on every credential.
const STANDARD_CLAIMS: [&str; 3] = ["issuanceId", "name", "identityId"];

const INVALID_FACE_CHECK_PHOTO: &str =
    "Face check photo must be a valid image/jpeg data URL with base64 encoding";

/// VO's details of one request it created, kept to turn the Request
/// Service's callbacks into events.
#[derive(Debug, Clone)]
pub(super) struct RequestRecord {
    pub issuance_id: Uuid,
    pub contract: Contract,
    pub identity: Identity,
    /// The caller's `callback.state`.
    pub state: Option<String>,
    pub callback: Option<CallbackSpec>,
    pub has_face_check_photo: Option<bool>,
    pub expiration_date: Option<String>,
    pub async_id: Option<Uuid>,
    pub created_at: SystemTime,
    /// Set by `issuance_successful`.
    pub issuance: Option<Issuance>,
}

impl RequestRecord {
    pub(super) fn older_than(&self, age: Duration, now: SystemTime) -> bool {
        now.duration_since(self.created_at).is_ok_and(|a| a > age)
    }
}

/// A check that failed: which input field, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Invalid {
    pub target: String,
    pub message: String,
}

pub(super) type Check<T> = Result<T, Invalid>;

fn invalid<T>(target: impl Into<String>, message: impl Into<String>) -> Check<T> {
    Err(Invalid {
        target: target.into(),
        message: message.into(),
    })
}

impl From<Invalid> for RequestErrorResponse {
    fn from(invalid: Invalid) -> Self {
        error_response(
            "badRequest",
            invalid.message.clone(),
            Some(RequestInnerError {
                code: BAD_OR_MISSING_FIELD.to_owned(),
                message: invalid.message,
                target: Some(invalid.target),
            }),
        )
    }
}

pub(super) fn error_response(
    code: &str,
    message: String,
    innererror: Option<RequestInnerError>,
) -> RequestErrorResponse {
    RequestErrorResponse {
        request_id: Uuid::new_v4(),
        date: DateTime::from_unix(clock::now_unix()),
        mscv: super::random_token().chars().take(22).collect(),
        error: RequestErrorWithInner {
            code: code.to_owned(),
            message,
            innererror,
        },
    }
}

/// Where the credential's photo comes from.
#[derive(Debug, Clone)]
pub(super) enum PhotoSource {
    /// `faceCheckPhoto`: decoded, not yet checked as an image.
    Given,
    /// A completed capture, deleted once the request is created.
    Captured(Uuid),
    /// Already checked (a remote issuance's stored photo).
    Checked,
}

/// An issuance that passed VO's checks, ready for the Request Service.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub contract: Contract,
    pub recipient: Recipient,
    pub claims: Map<String, Value>,
    /// base64url of the JPEG, and where it came from.
    pub photo: Option<(String, PhotoSource)>,
    pub pin: Option<Pin>,
    pub callback: Option<ConsumerCallback>,
    pub expiration_date: Option<String>,
    pub include_qr_code: bool,
    pub redirect: Option<Url>,
    pub async_id: Option<Uuid>,
}

/// The caller's own callback, to which VO forwards every event.
#[derive(Debug, Clone)]
pub(super) struct ConsumerCallback {
    pub url: String,
    pub state: Option<String>,
    pub headers: Vec<(String, String)>,
}

/// The mutation. Never fails as GraphQL: every refusal is a `RequestErrorResponse`.
pub(super) async fn create(
    state: &Arc<AppState>,
    input: IssuanceRequestInput,
) -> Result<IssuanceResponse, RequestErrorResponse> {
    let plan = check(state, input)?;
    submit(state, plan).await
}

fn check(state: &AppState, input: IssuanceRequestInput) -> Check<Plan> {
    let contract = contract(input.contract_id)?;
    let store = state.orchestration.lock();
    let recipient = recipient(&store, input.identity_id, input.identity, "identityId")?;
    let claims = claims(&contract, input.claims)?;
    let photo_given = input.face_check_photo.is_some();
    let capture_given = input.photo_capture_request_id.is_some();
    photo_sources(&contract, photo_given, capture_given, "photoCaptureRequestId")?;
    let photo = match (input.face_check_photo, input.photo_capture_request_id) {
        (Some(data_url), _) => Some((face_check_photo(&data_url)?, PhotoSource::Given)),
        (None, Some(capture_id)) => {
            let (id, photo) = completed_capture(&store, capture_id, &contract, &recipient)?;
            Some((photo, PhotoSource::Captured(id)))
        }
        (None, None) => None,
    };
    drop(store);
    Ok(Plan {
        contract,
        recipient,
        claims,
        photo,
        pin: input.pin,
        callback: input.callback.map(consumer_callback).transpose()?,
        expiration_date: input.expiration_date.map(|d| d.0),
        include_qr_code: input.include_qr_code.unwrap_or(true),
        redirect: input.post_issuance_redirect_url,
        async_id: None,
    })
}

pub(super) fn contract(id: Uuid) -> Check<Contract> {
    match directory::contract(id) {
        Some(contract) => Ok(contract),
        None => invalid("contractId", format!("Contract '{id}' was not found.")),
    }
}

/// Exactly one of `identityId` and `identity`.
pub(super) fn recipient(
    store: &Store,
    identity_id: Option<Uuid>,
    identity: Option<IdentityInput>,
    id_field: &str,
) -> Check<Recipient> {
    match (identity_id, identity) {
        (Some(_), Some(_)) => invalid(id_field, "Provide either identityId or identity, not both."),
        (None, None) => invalid(id_field, "Either identityId or identity must be provided."),
        (Some(id), None) => match directory::identity(store, id) {
            Some(identity) => Ok(Recipient::Known(identity)),
            None => invalid(id_field, format!("Identity '{id}' was not found.")),
        },
        (None, Some(identity)) => {
            for (field, value) in [
                ("identity.issuer", &identity.issuer),
                ("identity.identifier", &identity.identifier),
                ("identity.name", &identity.name),
            ] {
                if value.trim().is_empty() {
                    return invalid(field, format!("Field '{field}' must not be empty."));
                }
            }
            Ok(Recipient::Described(identity))
        }
    }
}

/// String values, every required contract claim, nothing the contract
/// does not define.
pub(super) fn claims(contract: &Contract, claims: Option<JsonObject>) -> Check<Map<String, Value>> {
    let claims = claims.map(|c| c.0).unwrap_or_default();
    for (name, value) in &claims {
        let target = format!("claims.{name}");
        let known = contract.required_claims.contains(&name.as_str())
            || contract.optional_claims.contains(&name.as_str());
        if !known {
            return invalid(
                target,
                format!("Claim '{name}' is not defined by contract '{}'.", contract.id),
            );
        }
        if !value.is_string() {
            return invalid(target, format!("The value of claim '{name}' must be a string."));
        }
    }
    for name in &contract.required_claims {
        let present = claims
            .get(*name)
            .and_then(Value::as_str)
            .is_some_and(|v| !v.trim().is_empty());
        if !present {
            return invalid(
                format!("claims.{name}"),
                format!("Claim '{name}' is required by contract '{}'.", contract.id),
            );
        }
    }
    Ok(claims)
}

/// VO's rules: one source at most; one when the contract requires a
/// photo, none when it has no face check.
pub(super) fn photo_sources(
    contract: &Contract,
    photo_given: bool,
    capture_given: bool,
    capture_field: &str,
) -> Check<()> {
    if photo_given && capture_given {
        return invalid(
            "faceCheckPhoto",
            "Face check photo cannot be provided when using a photo capture request",
        );
    }
    match contract.face_check_support {
        FaceCheckPhotoSupport::Required if !photo_given && !capture_given => invalid(
            "faceCheckPhoto",
            "Face check photo or using a photo capture request is required for issuance of this contract",
        ),
        FaceCheckPhotoSupport::None if photo_given || capture_given => invalid(
            if photo_given { "faceCheckPhoto" } else { capture_field },
            "Contract must support face check when providing either a face check photo or using a photo capture request",
        ),
        _ => Ok(()),
    }
}

/// The data URL's JPEG as base64url, the form the `photo` claim takes.
/// Whether it is a usable image is checked later, after the payload limit.
pub(super) fn face_check_photo(data_url: &str) -> Check<String> {
    let encoded = data_url
        .get(..JPEG_DATA_URL_PREFIX.len())
        .filter(|prefix| prefix.eq_ignore_ascii_case(JPEG_DATA_URL_PREFIX))
        .map(|_| &data_url[JPEG_DATA_URL_PREFIX.len()..]);
    let bytes = encoded.and_then(|encoded| BASE64.decode(encoded.trim()).ok());
    match bytes {
        Some(bytes) if !bytes.is_empty() => Ok(URL_SAFE_NO_PAD.encode(bytes)),
        _ => invalid("faceCheckPhoto", INVALID_FACE_CHECK_PHOTO),
    }
}

/// Whether a photo (base64url) is a JPEG Face Check can use.
pub(super) fn usable_photo(target: &str, base64url: &str) -> Check<()> {
    match photo::check_claim(base64url) {
        Ok(true) => Ok(()),
        Ok(false) => invalid(target, INVALID_FACE_CHECK_PHOTO),
        Err(problem) => invalid(target, format!("Face check photo {problem}.")),
    }
}

fn completed_capture(
    store: &Store,
    id: Uuid,
    contract: &Contract,
    recipient: &Recipient,
) -> Check<(Uuid, String)> {
    const FIELD: &str = "photoCaptureRequestId";
    let Some(capture) = store.captures.get(&id) else {
        return invalid(FIELD, "Photo capture request not found");
    };
    if capture.contract_id != contract.id {
        return invalid(FIELD, "Photo capture request must be for the same contract");
    }
    let same_identity = recipient.id_in(store).is_some_and(|id| id == capture.identity_id);
    if !same_identity {
        return invalid(FIELD, "Photo capture request must be for the same identity");
    }
    match &capture.photo {
        Some(photo) => Ok((id, photo.clone())),
        None => invalid(FIELD, "Photo capture request must have a photo captured"),
    }
}

pub(super) fn consumer_callback(callback: super::types::Callback) -> Check<ConsumerCallback> {
    let url = callback.url.0;
    let is_http =
        url::Url::parse(&url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if !is_http {
        return invalid(
            "callback.url",
            "Field 'callback.url' must be an absolute http or https URL.",
        );
    }
    let mut headers = Vec::new();
    for (name, value) in callback.headers.map(|h| h.0).unwrap_or_default() {
        if !ALLOWED_CALLBACK_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            return invalid(
                "callback.headers",
                format!(
                    "Invalid callback header '{name}': only 'api-key' and 'Authorization' are supported."
                ),
            );
        }
        let valid = value.as_str().filter(|v| {
            axum::http::HeaderName::from_bytes(name.as_bytes()).is_ok()
                && axum::http::HeaderValue::from_str(v).is_ok()
        });
        let Some(value) = valid else {
            return invalid(
                "callback.headers",
                format!("Invalid callback header '{name}': the value must be a valid HTTP header value."),
            );
        };
        headers.push((name, value.to_owned()));
    }
    Ok(ConsumerCallback {
        url,
        state: callback.state,
        headers,
    })
}

/// Creates the request through the Request Service emulation and records it.
pub(super) async fn submit(
    state: &Arc<AppState>,
    plan: Plan,
) -> Result<IssuanceResponse, RequestErrorResponse> {
    let issuance_id = Uuid::new_v4();
    let identity = plan.recipient.clone().resolve(&mut state.orchestration.lock());
    let body = entra_body(state, &plan, &identity, issuance_id);
    // VO's documented limit is the Request Service's, so it is checked on
    // what VO would send, before the photo is decoded.
    if body.to_string().len() > MAX_BODY_BYTES {
        return Err(error_response(
            "payloadTooLarge",
            format!("The request payload is larger than the maximum of {MAX_BODY_BYTES} bytes."),
            None,
        ));
    }
    if let Some((photo, PhotoSource::Given)) = &plan.photo {
        usable_photo("faceCheckPhoto", photo)?;
    }
    let created = entra::create_issuance(state, &body).await?;
    // VO's ids are UUIDs, and so are the Request Service's.
    let request_id = Uuid::parse(&created.request_id).ok_or_else(|| {
        error_response(
            "internalServerError",
            format!(
                "The Request Service's request id '{}' is not a UUID.",
                created.request_id
            ),
            None,
        )
    })?;
    let record = RequestRecord {
        issuance_id,
        contract: plan.contract.clone(),
        identity,
        state: plan.callback.as_ref().and_then(|c| c.state.clone()),
        callback: plan.callback.as_ref().map(|c| CallbackSpec {
            url: c.url.clone(),
            state: c.state.clone().unwrap_or_default(),
            headers: c.headers.clone(),
        }),
        has_face_check_photo: match plan.contract.face_check_support {
            FaceCheckPhotoSupport::None => None,
            _ => Some(plan.photo.is_some()),
        },
        expiration_date: plan.expiration_date.clone(),
        async_id: plan.async_id,
        created_at: SystemTime::now(),
        issuance: None,
    };
    {
        let mut store = state.orchestration.lock();
        let keep = state
            .config
            .request_lifetime
            .saturating_add(state.config.retention);
        store.forget_old(SystemTime::now(), keep);
        store.requests.insert(request_id, record);
        // A capture serves one issuance.
        if let Some((_, PhotoSource::Captured(capture_id))) = &plan.photo {
            store.captures.remove(capture_id);
        }
    }
    Ok(IssuanceResponse {
        request_id,
        url: Url(created.url),
        qr_code: created.qr_code,
        expiry: created.expiry,
        post_issuance_redirect_url: plan.redirect,
    })
}

/// What VO sends the Request Service: the contract's type and manifest,
/// the caller's claims plus the photo and VO's standard claims, and VO's
/// own callback carrying the caller's state.
fn entra_body(state: &AppState, plan: &Plan, identity: &Identity, issuance_id: Uuid) -> Value {
    let mut claims = plan.claims.clone();
    for name in STANDARD_CLAIMS {
        claims.remove(name);
    }
    if let Some((photo, _)) = &plan.photo {
        claims.insert("photo".into(), json!(photo));
    }
    claims.insert("issuanceId".into(), json!(issuance_id.to_string()));
    claims.insert("name".into(), json!(identity.name));
    claims.insert("identityId".into(), json!(identity.id.to_string()));
    // The Request Service needs a non-empty state; VO's callers may omit it.
    let callback_state = plan
        .callback
        .as_ref()
        .and_then(|c| c.state.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| issuance_id.to_string());
    let mut body = json!({
        "includeQRCode": plan.include_qr_code,
        "callback": {
            "url": format!("{}{}", state.base_url, entra::CALLBACK_PATH),
            "state": callback_state,
            "headers": {"api-key": state.orchestration.callback_secret},
        },
        "authority": entra::AUTHORITY,
        "registration": {"clientName": entra::CLIENT_NAME},
        "type": plan.contract.credential_types.join(","),
        "manifest": format!("{}/orchestration/contracts/{}/manifest", state.base_url, plan.contract.id),
        "claims": claims,
    });
    if let Some(pin) = &plan.pin {
        let length = pin
            .length
            .map(i64::from)
            .unwrap_or_else(|| i64::try_from(pin.value.chars().count()).unwrap_or(i64::MAX));
        body["pin"] = json!({"value": pin.value, "length": length});
    }
    if let Some(date) = &plan.expiration_date {
        body["expirationDate"] = json!(date);
    }
    body
}

impl Orchestration {
    /// Records a Request Service event for a VO request and publishes it;
    /// returns the caller's callback to forward it to. `None` when the
    /// request is not VO's (or long forgotten).
    pub(super) fn record_event(
        &self,
        request_id: &str,
        status: IssuanceRequestStatus,
        error: Option<RequestError>,
    ) -> Option<Option<CallbackSpec>> {
        let mut store = self.lock();
        let key = Uuid::parse(request_id)?;
        let record = store.requests.get_mut(&key)?;
        if status == IssuanceRequestStatus::IssuanceSuccessful && record.issuance.is_none() {
            record.issuance = Some(issuance(record));
        }
        let issuance = match status {
            IssuanceRequestStatus::IssuanceSuccessful => record.issuance.clone(),
            _ => None,
        };
        let topic = IssuanceTopic {
            contract_id: record.contract.id,
            identity_id: record.identity.id,
            issued_by_id: directory::issued_by_id(),
            data: IssuanceEventData {
                event: IssuanceCallbackEvent {
                    request_id: key,
                    request_status: status,
                    state: record.state.clone(),
                    error: error.clone(),
                },
                issuance: issuance.clone(),
            },
        };
        let callback = record.callback.clone();
        let async_id = record.async_id;
        if let Some(async_record) = async_id.and_then(|id| store.async_requests.get_mut(&id)) {
            async_record.on_issuance_event(status, issuance, error.as_ref());
        }
        if status == IssuanceRequestStatus::IssuanceSuccessful && self.take_lost_success() {
            return Some(None);
        }
        // No subscriber is not an error: nobody is listening right now.
        let _ = self.issuance_events.send(Arc::new(topic));
        Some(callback)
    }
}

/// `findIssuances`: the successful issuances of requests that match.
pub(super) fn find(state: &AppState, filter: &IssuanceWhere, limit: Option<u32>) -> Vec<Issuance> {
    let same = |wanted: Option<Uuid>, actual: Uuid| wanted.is_none_or(|w| w == actual);
    let store = state.orchestration.lock();
    let mut found: Vec<Issuance> = store
        .requests
        .iter()
        .filter(|(request_id, _)| same(filter.request_id, **request_id))
        .filter_map(|(_, record)| record.issuance.clone())
        .filter(|issuance| {
            same(filter.contract_id, issuance.contract_id) && same(filter.identity_id, issuance.identity_id)
        })
        .collect();
    found.sort_by(|a, b| b.issued_at.0.cmp(&a.issued_at.0));
    found.truncate(limit.map_or(100, |limit| limit as usize));
    found
}

fn issuance(record: &RequestRecord) -> Issuance {
    let issued_at = clock::now_unix();
    Issuance {
        id: record.issuance_id,
        contract_id: record.contract.id,
        identity_id: record.identity.id,
        contract: record.contract.clone(),
        identity: record.identity.clone(),
        issued_at: DateTime::from_unix(issued_at),
        expires_at: record
            .expiration_date
            .clone()
            .map(DateTime)
            .unwrap_or_else(|| DateTime::from_unix(clock::add_one_year(issued_at))),
        has_face_check_photo: record.has_face_check_photo,
        status: IssuanceStatus::Active,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn face_check_photo_must_be_a_jpeg_data_url() {
        assert_eq!(
            face_check_photo("data:image/jpeg;base64,/9j/4A==").unwrap(),
            "_9j_4A"
        );
        assert_eq!(
            face_check_photo("DATA:IMAGE/JPEG;BASE64,/9j/4A").unwrap(),
            "_9j_4A"
        );
        for bad in [
            "data:image/png;base64,iVBORw0K",
            "/9j/4A==",
            "data:image/jpeg;base64,!!",
            "",
        ] {
            assert_eq!(
                face_check_photo(bad).unwrap_err().target,
                "faceCheckPhoto",
                "{bad}"
            );
        }
    }

    #[test]
    fn photo_rules_follow_the_contract() {
        let badge = directory::contract(Uuid::parse(directory::EVENT_BADGE).unwrap()).unwrap();
        let staff = directory::contract(Uuid::parse(directory::STAFF_ID).unwrap()).unwrap();
        assert!(photo_sources(&badge, false, false, "c").is_ok());
        assert_eq!(
            photo_sources(&badge, true, false, "c").unwrap_err().target,
            "faceCheckPhoto"
        );
        assert_eq!(photo_sources(&badge, false, true, "c").unwrap_err().target, "c");
        assert_eq!(
            photo_sources(&staff, false, false, "c").unwrap_err().target,
            "faceCheckPhoto"
        );
        assert!(photo_sources(&staff, true, false, "c").is_ok());
        assert!(photo_sources(&staff, false, true, "c").is_ok());
        assert_eq!(
            photo_sources(&staff, true, true, "c").unwrap_err().target,
            "faceCheckPhoto"
        );
    }
}
