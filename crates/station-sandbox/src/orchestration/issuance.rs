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

use serde_json::{json, Map, Value};

use super::directory::{self, Recipient};
use super::entra;
use super::events::IssuanceTopic;
use super::input::{
    claims, completed_capture, consumer_callback, contract, error_response, face_check_photo, photo_sources,
    recipient, usable_photo, Check, ConsumerCallback, PhotoSource,
};
use super::scalars::{DateTime, Url, Uuid};
use super::types::{
    Contract, FaceCheckPhotoSupport, Identity, Issuance, IssuanceCallbackEvent, IssuanceEventData,
    IssuanceRequestInput, IssuanceRequestStatus, IssuanceResponse, IssuanceStatus, IssuanceWhere, Pin,
    RequestError, RequestErrorResponse,
};
use super::Orchestration;
use crate::clock;
use crate::request_service::MAX_BODY_BYTES;
use crate::spec::CallbackSpec;
use crate::state::AppState;

/// Claims VO sets itself on every credential.
const STANDARD_CLAIMS: [&str; 3] = ["issuanceId", "name", "identityId"];

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
        let mut guard = self.lock();
        let store = &mut *guard;
        let key = Uuid::parse(request_id)?;
        let record = store.requests.get_mut(&key)?;
        if status == IssuanceRequestStatus::IssuanceSuccessful && record.issuance.is_none() {
            record.issuance = Some(issuance(record));
            store.counts.credential_issued(&record.identity.identifier);
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
