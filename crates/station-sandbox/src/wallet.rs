//! The simulated wallet's HTTP API: what a phone with Microsoft
//! Authenticator would do to a request (scan, type the PIN, accept, decline,
//! present), each step causing the callback the real service would send.
//! State changes happen under the lock; callbacks are sent after it is
//! released, and their HTTP status is reported back.

use std::sync::Arc;
use std::time::SystemTime;

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use crate::callbacks::{Event, Status};
use crate::clock;
use crate::error_body::{WalletError, BAD_OR_MISSING_FIELD};
use crate::oid4vci::holder::{self, HolderError};
use crate::presentation;
use crate::spec::{IssuanceSpec, PresentationSpec, RequestKind, RequestSpec};
use crate::state::{AppState, Inner, Phase, StoredRequest};
use crate::wallet_api::{
    HeldCredential, OpenBody, OpenedRequest, PendingRequest, PinBody, PinOutcome, RequestIdBody,
    WalletActionOutcome,
};

type Shared = State<Arc<AppState>>;
type WalletResult<T> = Result<Json<T>, WalletError>;

/// The message the service reports for an incorrect PIN.
const WRONG_PIN_MESSAGE: &str = "issuance_service_error";

/// `POST /wallet/open {"url"}`: scanning the QR code.
pub(crate) async fn open(
    State(state): Shared,
    body: Result<Json<OpenBody>, JsonRejection>,
) -> WalletResult<OpenedRequest> {
    let body = parse(body)?;
    if holder::is_offer(&body.url) {
        return open_offer(&state, &body.url).await;
    }
    let request_id = request_id_from_url(&body.url).ok_or_else(|| {
        WalletError::new(
            StatusCode::BAD_REQUEST,
            "invalidUrl",
            "The URL does not name a request (expected openid-vc://?request_uri=…).",
        )
    })?;
    let (mut opened, event) = {
        let mut inner = state.lock();
        let request = actionable(&mut inner, &request_id, None, false)?;
        request.phase = Phase::Retrieved;
        let pin = IssuanceSpec::of(&request.spec).and_then(|issuance| issuance.pin.as_ref());
        let opened = OpenedRequest {
            request_id: request.id.clone(),
            kind: request.spec.kind(),
            credential_type: request.spec.credential_type(),
            pin_required: pin.is_some(),
            pin_length: pin.map(|p| p.length()),
            callback_status: None,
        };
        (opened, event(request, Status::RequestRetrieved))
    };
    opened.callback_status = state.callbacks.deliver(&event).await;
    Ok(Json(opened))
}

/// `POST /wallet/pin {"requestId", "pin"}`: a wrong PIN ends the issuance.
pub(crate) async fn enter_pin(
    State(state): Shared,
    body: Result<Json<PinBody>, JsonRejection>,
) -> WalletResult<PinOutcome> {
    let body = parse(body)?;
    if state.holder.get(&body.request_id).is_some() {
        return redeem_offer(&state, &body.request_id, Some(&body.pin)).await;
    }
    let failure = {
        let mut inner = state.lock();
        let (request, issuance) = open_request::<IssuanceSpec>(&mut inner, &body.request_id)?;
        let Some(pin) = &issuance.pin else {
            return Err(WalletError::conflict(
                "pinNotRequired",
                "This issuance request has no PIN.",
            ));
        };
        if pin.matches(&body.pin) {
            request.pin_verified = true;
            None
        } else {
            request.finish();
            Some(event(request, Status::IssuanceError).with_error(BAD_OR_MISSING_FIELD, WRONG_PIN_MESSAGE))
        }
    };
    let outcome = match failure {
        None => PinOutcome {
            accepted: true,
            callback_status: None,
        },
        Some(event) => PinOutcome {
            accepted: false,
            callback_status: state.callbacks.deliver(&event).await,
        },
    };
    Ok(Json(outcome))
}

/// `POST /wallet/accept {"requestId"}`: the wallet stores the credential.
pub(crate) async fn accept(
    State(state): Shared,
    body: Result<Json<RequestIdBody>, JsonRejection>,
) -> WalletResult<WalletActionOutcome> {
    let body = parse(body)?;
    if let Some(offer) = state.holder.get(&body.request_id) {
        if !offer.is_redeemed() {
            if offer.pin_length().is_some() {
                return Err(WalletError::conflict(
                    "pinRequired",
                    "Enter the PIN before accepting this credential.",
                ));
            }
            let Json(redeemed) = redeem_offer(&state, &body.request_id, None).await?;
            if !redeemed.accepted {
                return Err(offer_failed(HolderError::WrongPin));
            }
        }
        state
            .holder
            .notify(&body.request_id, "credential_accepted")
            .await
            .map_err(offer_failed)?;
        return Ok(Json(WalletActionOutcome {
            callback_status: None,
        }));
    }
    let event = {
        let mut inner = state.lock();
        let (request, issuance) = open_request::<IssuanceSpec>(&mut inner, &body.request_id)?;
        if issuance.pin.is_some() && !request.pin_verified {
            return Err(WalletError::conflict(
                "pinRequired",
                "Enter the PIN before accepting this credential.",
            ));
        }
        let credential = HeldCredential {
            id: format!("urn:uuid:{}", uuid::Uuid::new_v4()),
            types: vec!["VerifiableCredential".to_owned(), issuance.credential_type],
            issuer: issuance.authority,
            claims: issuance.claims,
            issued_at: clock::now_unix(),
        };
        request.finish();
        let event = event(request, Status::IssuanceSuccessful);
        inner.hold(credential);
        event
    };
    deliver(&state, event).await
}

/// Scanning an OID4VCI offer: the wallet fetches it from the issuer.
async fn open_offer(state: &AppState, url: &str) -> WalletResult<OpenedRequest> {
    let (id, offer) = state.holder.open(url).await.map_err(offer_failed)?;
    Ok(Json(OpenedRequest {
        request_id: id,
        kind: RequestKind::Issuance,
        credential_type: offer.configuration().to_owned(),
        pin_required: offer.pin_length().is_some(),
        pin_length: offer.pin_length(),
        callback_status: None,
    }))
}

/// Redeeming an offer: a wrong PIN is refused by the issuer, and the offer
/// stays open for another try, as the issuer allows.
async fn redeem_offer(state: &AppState, id: &str, pin: Option<&str>) -> WalletResult<PinOutcome> {
    match state.holder.redeem(id, pin).await {
        Ok(received) => {
            let credential = HeldCredential {
                id: format!("urn:uuid:{}", uuid::Uuid::new_v4()),
                types: vec![received.vct],
                issuer: state
                    .holder
                    .get(id)
                    .map(|o| o.issuer().to_owned())
                    .unwrap_or_default(),
                claims: received.claims,
                issued_at: clock::now_unix(),
            };
            state.lock().hold(credential);
            Ok(Json(PinOutcome {
                accepted: true,
                callback_status: None,
            }))
        }
        Err(HolderError::WrongPin) => Ok(Json(PinOutcome {
            accepted: false,
            callback_status: None,
        })),
        Err(error) => Err(offer_failed(error)),
    }
}

fn offer_failed(error: HolderError) -> WalletError {
    let detail = match error {
        HolderError::WrongPin => "The issuer refused the PIN.".to_owned(),
        HolderError::Failed(detail) => format!("The issuer refused the offer: {detail}"),
    };
    WalletError::new(StatusCode::BAD_GATEWAY, "offerFailed", &detail)
}

/// `POST /wallet/decline {"requestId"}`: the user says no.
pub(crate) async fn decline(
    State(state): Shared,
    body: Result<Json<RequestIdBody>, JsonRejection>,
) -> WalletResult<WalletActionOutcome> {
    let body = parse(body)?;
    let event = {
        let mut inner = state.lock();
        let request = actionable(&mut inner, &body.request_id, None, true)?;
        request.finish();
        let status = match request.spec.kind() {
            RequestKind::Issuance => Status::IssuanceError,
            RequestKind::Presentation => Status::PresentationError,
        };
        event(request, status).with_error("userCanceled", "The user declined the request in the wallet.")
    };
    deliver(&state, event).await
}

/// `POST /wallet/present {"requestId"}`: share matching held credentials.
pub(crate) async fn present(
    State(state): Shared,
    body: Result<Json<RequestIdBody>, JsonRejection>,
) -> WalletResult<WalletActionOutcome> {
    let body = parse(body)?;
    // Copies, so the photo checks of Face Check run without the lock held.
    let (request, spec, held) = {
        let mut inner = state.lock();
        let (request, spec) = open_request::<PresentationSpec>(&mut inner, &body.request_id)?;
        request.finish();
        let request = request.clone();
        (request, spec, inner.credentials().to_vec())
    };
    let context = presentation::Context {
        subject: &state.wallet_did,
        base_url: &state.base_url,
        state: &request.callback.state,
        face_check_score: state.face_check_score(),
    };
    let event = match presentation::verify(&spec, &held, &context) {
        Ok(fields) => event(&request, Status::PresentationVerified).with_extra(fields),
        Err(failure) => event(&request, Status::PresentationError).with_error(failure.code, &failure.message),
    };
    deliver(&state, event).await
}

/// `GET /wallet/requests`: open requests, newest first.
pub(crate) async fn pending(State(state): Shared) -> Json<Vec<PendingRequest>> {
    let now = SystemTime::now();
    let inner = state.lock();
    let mut open: Vec<&StoredRequest> = inner
        .requests()
        .filter(|r| !r.is_finished() && !r.is_expired(now))
        .collect();
    open.sort_by_key(|r| std::cmp::Reverse(r.seq));
    Json(
        open.into_iter()
            .map(|r| PendingRequest {
                request_id: r.id.clone(),
                kind: r.spec.kind(),
                credential_type: r.spec.credential_type(),
                url: r.url.clone(),
                status: match r.phase {
                    Phase::Created => "created",
                    Phase::Retrieved | Phase::Finished(_) => "retrieved",
                }
                .to_owned(),
                expiry: r.expiry_unix(),
            })
            .collect(),
    )
}

/// `GET /wallet/credentials`
pub(crate) async fn credentials(State(state): Shared) -> Json<Vec<HeldCredential>> {
    Json(state.lock().credentials().to_vec())
}

fn parse<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, WalletError> {
    body.map(|Json(body)| body)
        .map_err(|rejection| WalletError::new(StatusCode::BAD_REQUEST, "badRequest", rejection.body_text()))
}

/// Finds a request the wallet may act on, or says why not. A finished
/// request reports `alreadyCompleted` even once past its expiry, since
/// that is the more useful fact.
fn actionable<'a>(
    inner: &'a mut Inner,
    request_id: &str,
    kind: Option<RequestKind>,
    must_be_open: bool,
) -> Result<&'a mut StoredRequest, WalletError> {
    let request = inner.request_mut(request_id).ok_or_else(|| {
        WalletError::new(
            StatusCode::NOT_FOUND,
            "notFound",
            format!("No request with id '{request_id}' exists."),
        )
    })?;
    if request.is_finished() {
        return Err(WalletError::conflict(
            "alreadyCompleted",
            "The request has already been completed.",
        ));
    }
    if request.is_expired(SystemTime::now()) {
        return Err(WalletError::new(
            StatusCode::GONE,
            "expired",
            format!(
                "The request expired at {}.",
                clock::iso8601(request.expiry_unix())
            ),
        ));
    }
    if let Some(kind) = kind.filter(|k| *k != request.spec.kind()) {
        return Err(wrong_kind(kind));
    }
    if must_be_open && request.phase == Phase::Created {
        return Err(WalletError::conflict(
            "notOpened",
            "Open the request in the wallet first.",
        ));
    }
    Ok(request)
}

/// The typed spec a wallet action works on, and how to find it in a request.
trait ActionSpec: Clone {
    const KIND: RequestKind;
    fn of(spec: &RequestSpec) -> Option<&Self>;
}

impl ActionSpec for IssuanceSpec {
    const KIND: RequestKind = RequestKind::Issuance;
    fn of(spec: &RequestSpec) -> Option<&Self> {
        match spec {
            RequestSpec::Issuance(issuance) => Some(issuance),
            RequestSpec::Presentation(_) => None,
        }
    }
}

impl ActionSpec for PresentationSpec {
    const KIND: RequestKind = RequestKind::Presentation;
    fn of(spec: &RequestSpec) -> Option<&Self> {
        match spec {
            RequestSpec::Presentation(presentation) => Some(presentation),
            RequestSpec::Issuance(_) => None,
        }
    }
}

/// An opened request of `S`'s kind, with its spec. The spec is a copy so the
/// caller can update the request while reading it.
fn open_request<'a, S: ActionSpec>(
    inner: &'a mut Inner,
    request_id: &str,
) -> Result<(&'a mut StoredRequest, S), WalletError> {
    let request = actionable(inner, request_id, Some(S::KIND), true)?;
    let spec = S::of(&request.spec).cloned().ok_or_else(|| wrong_kind(S::KIND))?;
    Ok((request, spec))
}

fn wrong_kind(expected: RequestKind) -> WalletError {
    let (expected, actual) = match expected {
        RequestKind::Issuance => ("an issuance", "a presentation"),
        RequestKind::Presentation => ("a presentation", "an issuance"),
    };
    WalletError::conflict(
        "wrongKind",
        format!("This action needs {expected} request, but this is {actual} request."),
    )
}

fn event(request: &StoredRequest, status: Status) -> Event {
    Event::new(&request.id, request.shape, &request.callback, status)
}

async fn deliver(state: &AppState, event: Event) -> WalletResult<WalletActionOutcome> {
    Ok(Json(WalletActionOutcome {
        callback_status: state.callbacks.deliver(&event).await,
    }))
}

/// The request id is the last path segment of the `request_uri` query
/// parameter; a bare request URI is accepted too.
fn request_id_from_url(text: &str) -> Option<String> {
    let url = url::Url::parse(text.trim()).ok()?;
    let request_uri = url
        .query_pairs()
        .find(|(name, _)| name == "request_uri")
        .map(|(_, value)| value.into_owned());
    let target = match request_uri {
        Some(uri) => url::Url::parse(&uri).ok()?,
        None => url,
    };
    target
        .path_segments()?
        .rfind(|segment| !segment.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::request_id_from_url;

    #[test]
    fn finds_the_request_id_in_the_deep_link() {
        let url = "openid-vc://?request_uri=http://127.0.0.1:4000/v1.0/tenants/t/verifiableCredentials/issuanceRequests/abc-123";
        assert_eq!(request_id_from_url(url).as_deref(), Some("abc-123"));
        let legacy = "openid://vc?request_uri=https://beta.did.msidentity.com/v1.0/t/verifiablecredentials/request/xyz";
        assert_eq!(request_id_from_url(legacy).as_deref(), Some("xyz"));
        assert_eq!(
            request_id_from_url("http://127.0.0.1/v1.0/tenants/t/x/presentationRequests/p1").as_deref(),
            Some("p1")
        );
        assert_eq!(request_id_from_url("not a url"), None);
    }
}
