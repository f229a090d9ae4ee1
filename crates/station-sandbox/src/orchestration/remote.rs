//! Remote ("async") issuance: the issuer creates requests for people who
//! are not present; VO notifies each by email or SMS with a link, and the
//! issuee claims the credential later, before the chosen expiry. The
//! sandbox sends nothing: each notification is recorded
//! ([`crate::Sandbox::orchestration_notifications`], `GET
//! /orchestration/sent-notifications`), and its link stands in for VO's
//! Concierge: `GET` it to get an ordinary issuance request (the `url` the
//! simulated wallet opens), or first the photo capture URL when the
//! request asked the issuee for a photo. OTP verification is not emulated:
//! a verification contact is stored and shown, never used.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::directory::Recipient;
use super::http::Routes;
use super::input::{self, Check, ConsumerCallback, Invalid, PhotoSource};
use super::issuance::{self, Plan};
use super::scalars::{DateTime, Url, Uuid};
use super::types::{
    AsyncIssuanceContact, AsyncIssuanceErrorResponse, AsyncIssuanceRequest, AsyncIssuanceRequestExpiry,
    AsyncIssuanceRequestInput, AsyncIssuanceRequestResponse, AsyncIssuanceRequestStatus,
    AsyncIssuanceResponse, Communication, CommunicationPurpose, Contact, ContactInput, ContactMethod,
    Contract, Identity, Issuance, IssuanceRequestStatus, PhotoCaptureStatus, RequestError,
};
use super::{photo_capture, SentNotification, Store};
use crate::clock;
use crate::state::AppState;

/// The link a notification carries.
pub(super) const REDEEM_PATH: &str = "/orchestration/async-issuance/{id}";

/// One remote issuance request.
#[derive(Debug, Clone)]
pub(super) struct AsyncRecord {
    id: Uuid,
    contract: Contract,
    identity: Identity,
    claims: Map<String, Value>,
    /// base64url of the JPEG, once known (given, or taken over from the capture).
    photo: Option<String>,
    photo_capture: bool,
    capture_id: Option<Uuid>,
    callback: Option<ConsumerCallback>,
    expiration_date: Option<String>,
    redirect: Option<Url>,
    expiry: AsyncIssuanceRequestExpiry,
    created_at: i64,
    expires_on: i64,
    status: AsyncIssuanceRequestStatus,
    failure_reason: Option<String>,
    issuance: Option<Issuance>,
    contact: Option<AsyncIssuanceContact>,
    communications: Vec<Communication>,
}

impl AsyncRecord {
    /// `pending` turns `expired` by itself once the expiry has passed.
    pub(super) fn status(&self, now: i64) -> AsyncIssuanceRequestStatus {
        match self.status {
            AsyncIssuanceRequestStatus::Pending if now >= self.expires_on => {
                AsyncIssuanceRequestStatus::Expired
            }
            status => status,
        }
    }

    pub(super) fn on_issuance_event(
        &mut self,
        status: IssuanceRequestStatus,
        issuance: Option<Issuance>,
        error: Option<&RequestError>,
    ) {
        if self.status != AsyncIssuanceRequestStatus::Pending {
            return;
        }
        match status {
            IssuanceRequestStatus::IssuanceSuccessful => {
                self.status = AsyncIssuanceRequestStatus::Issued;
                self.issuance = issuance;
            }
            IssuanceRequestStatus::IssuanceError => {
                self.status = AsyncIssuanceRequestStatus::Failed;
                self.failure_reason = Some(
                    error
                        .map(|e| format!("{}: {}", e.code, e.message))
                        .unwrap_or_else(|| "The issuance failed.".to_owned()),
                );
            }
            IssuanceRequestStatus::RequestRetrieved => {}
        }
    }

    pub(super) fn contract_and_identity(&self) -> (Uuid, Uuid) {
        (self.contract.id, self.identity.id)
    }

    pub(super) fn to_graphql(&self, now: i64) -> AsyncIssuanceRequest {
        let status = self.status(now);
        let pending = status == AsyncIssuanceRequestStatus::Pending;
        let contact = self.contact.as_ref();
        AsyncIssuanceRequest {
            id: self.id,
            status,
            is_status_final: !pending,
            failure_reason: self.failure_reason.clone(),
            expiry: self.expiry,
            expires_on: DateTime::from_unix(self.expires_on),
            created_at: DateTime::from_unix(self.created_at),
            contract: self.contract.clone(),
            identity: self.identity.clone(),
            issuance: self.issuance.clone(),
            contact: self.contact.clone(),
            // VO answers these only while the request is pending.
            has_contact_notification_set: pending.then(|| contact.is_some_and(|c| c.notification.is_some())),
            has_contact_verification_set: pending.then(|| contact.is_some_and(|c| c.verification.is_some())),
            photo_capture: pending.then_some(self.photo_capture),
            communications: self.communications.clone(),
        }
    }
}

/// An input that passed the checks.
struct Valid {
    contract: Contract,
    recipient: Recipient,
    claims: Map<String, Value>,
    photo: Option<String>,
    photo_capture: bool,
    contact: Option<AsyncIssuanceContact>,
    callback: Option<ConsumerCallback>,
    expiration_date: Option<String>,
    redirect: Option<Url>,
    expiry: AsyncIssuanceRequestExpiry,
}

/// `createAsyncIssuanceRequest`: all inputs are created, or none.
pub(super) fn create(
    state: &AppState,
    inputs: Vec<AsyncIssuanceRequestInput>,
) -> AsyncIssuanceRequestResponse {
    let checked: Vec<Check<Valid>> = {
        let store = state.orchestration.lock();
        inputs.into_iter().map(|input| check(&store, input)).collect()
    };
    if checked.iter().any(Result::is_err) {
        let errors = checked
            .into_iter()
            .map(|c| {
                c.err()
                    .map(|Invalid { target, message }| format!("{target}: {message}"))
            })
            .collect();
        return AsyncIssuanceRequestResponse::AsyncIssuanceErrorResponse(AsyncIssuanceErrorResponse {
            errors,
        });
    }
    let now = clock::now_unix();
    let mut store = state.orchestration.lock();
    let ids = checked
        .into_iter()
        .flatten()
        .map(|valid| add(state, &mut store, valid, now))
        .collect();
    AsyncIssuanceRequestResponse::AsyncIssuanceResponse(AsyncIssuanceResponse {
        async_issuance_request_ids: ids,
    })
}

fn check(store: &Store, input: AsyncIssuanceRequestInput) -> Check<Valid> {
    let contract = input::contract(input.contract_id)?;
    let recipient = input::recipient(store, input.identity_id, input.identity, "identityId")?;
    let claims = input::claims(&contract, input.claims)?;
    let photo_capture = input.photo_capture.unwrap_or(false);
    input::photo_sources(
        &contract,
        input.face_check_photo.is_some(),
        photo_capture,
        "photoCapture",
    )?;
    let photo = match &input.face_check_photo {
        Some(data_url) => {
            let photo = input::face_check_photo(data_url)?;
            input::usable_photo("faceCheckPhoto", &photo)?;
            Some(photo)
        }
        None => None,
    };
    let contact = input.contact.map(|contact| -> Check<AsyncIssuanceContact> {
        Ok(AsyncIssuanceContact {
            notification: contact
                .notification
                .map(|c| checked_contact("contact.notification.value", c))
                .transpose()?,
            verification: contact
                .verification
                .map(|c| checked_contact("contact.verification.value", c))
                .transpose()?,
        })
    });
    Ok(Valid {
        contract,
        recipient,
        claims,
        photo,
        photo_capture,
        contact: contact.transpose()?,
        callback: input.callback.map(input::consumer_callback).transpose()?,
        expiration_date: input.expiration_date.map(|d| d.0),
        redirect: input.post_issuance_redirect_url,
        expiry: input.expiry,
    })
}

/// An email address with a dotted domain, or an E.164 number.
fn checked_contact(target: &str, contact: ContactInput) -> Check<Contact> {
    let value = contact.value.trim();
    let valid = match contact.method {
        ContactMethod::Email => value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.contains('@') && domain.contains('.') && !domain.starts_with('.')
        }),
        ContactMethod::Sms => value.strip_prefix('+').is_some_and(|digits| {
            (8..=15).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit())
                && !digits.starts_with('0')
        }),
    };
    if !valid {
        let expected = match contact.method {
            ContactMethod::Email => "an email address",
            ContactMethod::Sms => "a phone number in international E.164 format, such as +61491570006",
        };
        return Err(Invalid {
            target: target.to_owned(),
            message: format!("'{value}' is not {expected}."),
        });
    }
    Ok(Contact {
        method: contact.method,
        value: value.to_owned(),
    })
}

/// Stores one valid request, "sending" its notification; returns its id.
fn add(state: &AppState, store: &mut Store, valid: Valid, now: i64) -> Uuid {
    let id = Uuid::new_v4();
    let identity = valid.recipient.resolve(store);
    let capture_id = valid
        .photo_capture
        .then(|| photo_capture::add(&mut store.captures, valid.contract.id, identity.id));
    let mut communications = Vec::new();
    if let Some(contact) = valid.contact.as_ref().and_then(|c| c.notification.as_ref()) {
        let sent_at = clock::iso8601(now);
        store.notifications.push(SentNotification {
            async_issuance_request_id: id.to_string(),
            to: contact.value.clone(),
            method: contact.method.as_str().to_owned(),
            purpose: "issuance".to_owned(),
            link: format!("{}/orchestration/async-issuance/{id}", state.base_url),
            at: sent_at.clone(),
        });
        communications.push(Communication {
            id: Uuid::new_v4(),
            contact_method: contact.method,
            purpose: CommunicationPurpose::Issuance,
            recipient: identity.clone(),
            sent_at: DateTime(sent_at),
            error: None,
        });
    }
    let record = AsyncRecord {
        id,
        contract: valid.contract,
        identity,
        claims: valid.claims,
        photo: valid.photo,
        photo_capture: valid.photo_capture,
        capture_id,
        callback: valid.callback,
        expiration_date: valid.expiration_date,
        redirect: valid.redirect,
        expiry: valid.expiry,
        created_at: now,
        expires_on: now.saturating_add(valid.expiry.seconds()),
        status: AsyncIssuanceRequestStatus::Pending,
        failure_reason: None,
        issuance: None,
        contact: valid.contact,
        communications,
    };
    store.counts.remote_issuance_created(&record.identity.identifier);
    store.async_by_creation.add(now, id);
    store.async_requests.insert(id, record);
    id
}

/// `asyncIssuanceRequest(id)`
pub(super) fn find(state: &AppState, id: Uuid) -> Option<AsyncIssuanceRequest> {
    let store = state.orchestration.lock();
    store
        .async_requests
        .get(&id)
        .map(|record| record.to_graphql(clock::now_unix()))
}

/// `cancelAsyncIssuanceRequest`: only a pending request can be cancelled.
pub(super) fn cancel(state: &AppState, id: Uuid) -> async_graphql::Result<Option<AsyncIssuanceRequest>> {
    let now = clock::now_unix();
    let mut store = state.orchestration.lock();
    let Some(record) = store.async_requests.get_mut(&id) else {
        return Ok(None);
    };
    let status = record.status(now);
    if status != AsyncIssuanceRequestStatus::Pending {
        return Err(async_graphql::Error::new(format!(
            "Only a pending async issuance request can be cancelled; this one is {}.",
            status.as_str()
        )));
    }
    record.status = AsyncIssuanceRequestStatus::Cancelled;
    let answer = record.to_graphql(now);
    let capture_id = record.capture_id.take();
    if let Some(capture_id) = capture_id {
        store.captures.remove(&capture_id);
    }
    Ok(Some(answer))
}

/// What the issuee's link answers, as JSON for tests and scripts.
enum Redemption {
    PhotoNeeded(String),
    Ready(Box<Plan>),
}

/// Why the link cannot be used (any more).
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = json!({"error": {"code": self.code, "message": self.message}});
        (self.status, Json(body)).into_response()
    }
}

/// `GET /orchestration/async-issuance/{id}`: the issuee opens the link.
pub(super) async fn redeem(State(routes): State<Routes>, Path(id): Path<String>) -> Response {
    let state = &routes.state;
    let redemption = match prepare(state, &id) {
        Ok(redemption) => redemption,
        Err(refusal) => return refusal.into_response(),
    };
    let plan = match redemption {
        Redemption::PhotoNeeded(url) => {
            return Json(json!({"status": "photoCaptureRequired", "photoCaptureUrl": url})).into_response()
        }
        Redemption::Ready(plan) => plan,
    };
    match issuance::submit(state, *plan).await {
        Ok(created) => Json(json!({
            "status": "issuanceRequested",
            "requestId": created.request_id.to_string(),
            "url": created.url.0,
            "qrCode": created.qr_code,
            "expiry": created.expiry,
        }))
        .into_response(),
        Err(error) => (
            StatusCode::BAD_GATEWAY,
            Json(json!({"error": {"code": error.error.code, "message": error.error.message}})),
        )
            .into_response(),
    }
}

fn prepare(state: &AppState, id: &str) -> Result<Redemption, Refusal> {
    let now = clock::now_unix();
    let mut guard = state.orchestration.lock();
    let Store {
        async_requests,
        captures,
        ..
    } = &mut *guard;
    let Some(record) = Uuid::parse(id).and_then(|id| async_requests.get_mut(&id)) else {
        return Err(Refusal {
            status: StatusCode::NOT_FOUND,
            code: "notFound",
            message: "No such async issuance request.".to_owned(),
        });
    };
    let status = record.status(now);
    if status != AsyncIssuanceRequestStatus::Pending {
        return Err(Refusal {
            status: StatusCode::GONE,
            code: status.as_str(),
            message: format!("This async issuance request is {}.", status.as_str()),
        });
    }
    if record.photo_capture && record.photo.is_none() {
        let capture = record
            .capture_id
            .and_then(|capture_id| captures.get(&capture_id).map(|capture| (capture_id, capture)));
        match capture {
            Some((_, capture)) if capture.status == PhotoCaptureStatus::Complete => {
                // Taken over, so a failed attempt can be retried with the same photo.
                record.photo = capture.photo.clone();
                if let Some(capture_id) = record.capture_id.take() {
                    captures.remove(&capture_id);
                }
            }
            Some((capture_id, _)) => {
                return Ok(Redemption::PhotoNeeded(photo_capture::url(state, capture_id)));
            }
            // Forgotten while unused: start a new one.
            None => {
                let fresh = photo_capture::add(captures, record.contract.id, record.identity.id);
                record.capture_id = Some(fresh);
                return Ok(Redemption::PhotoNeeded(photo_capture::url(state, fresh)));
            }
        }
    }
    Ok(Redemption::Ready(Box::new(Plan {
        contract: record.contract.clone(),
        recipient: Recipient::Known(record.identity.clone()),
        claims: record.claims.clone(),
        photo: record.photo.clone().map(|photo| (photo, PhotoSource::Checked)),
        pin: None,
        callback: record.callback.clone(),
        expiration_date: record.expiration_date.clone(),
        include_qr_code: true,
        redirect: record.redirect.clone(),
        async_id: Some(record.id),
    })))
}

/// `GET /orchestration/sent-notifications`
pub(super) async fn sent_notifications(State(routes): State<Routes>) -> Json<Vec<SentNotification>> {
    Json(routes.state.orchestration.lock().notifications.clone())
}
