//! The photo capture service: a capture request names a contract and an
//! issuee; its URL, opened on the issuee's phone, takes their photo, which
//! one later issuance then carries. Here the phone is simulated over HTTP:
//! `GET` the URL (status `started`; a tiny page a person can use too), then
//! `POST` the JPEG to it (`complete`). A capture serves one issuance and is
//! deleted by it; an unused one is forgotten after an hour.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_graphql::ErrorExtensions;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

use super::directory;
use super::events::PhotoTopic;
use super::http::Routes;
use super::input;
use super::scalars::Uuid;
use super::types::{PhotoCaptureRequest, PhotoCaptureRequestResponse, PhotoCaptureStatus};
use crate::qr;
use crate::state::AppState;

/// The capture URL's route; the URL itself is `{base}/orchestration/photo-capture/{id}`.
pub(super) const PATH: &str = "/orchestration/photo-capture/{id}";

/// How long an unused capture is kept.
const STALE_AFTER: Duration = Duration::from_secs(3600);

/// A photo is at most what the Request Service accepts as a whole payload.
const MAX_PHOTO_BYTES: usize = 1_048_576;

#[derive(Debug, Clone)]
pub(super) struct Capture {
    pub contract_id: Uuid,
    pub identity_id: Uuid,
    pub status: PhotoCaptureStatus,
    /// base64url of the JPEG, once taken.
    pub photo: Option<String>,
    created_at: SystemTime,
}

impl Capture {
    pub(super) fn is_stale(&self, now: SystemTime) -> bool {
        now.duration_since(self.created_at)
            .is_ok_and(|age| age > STALE_AFTER)
    }
}

pub(super) fn url(state: &AppState, id: Uuid) -> String {
    format!("{}/orchestration/photo-capture/{id}", state.base_url)
}

/// `createPhotoCaptureRequest`. Its answer is no union, so refusals are GraphQL errors, as in VO.
pub(super) fn create(
    state: &AppState,
    request: PhotoCaptureRequest,
) -> async_graphql::Result<PhotoCaptureRequestResponse> {
    let contract = directory::contract(request.contract_id)
        .ok_or_else(|| bad_input(format!("Contract '{}' was not found.", request.contract_id)))?;
    let Some(identity_id) = request.identity_id else {
        return Err(bad_input(
            "identityId is required unless using a limited access token".to_owned(),
        ));
    };
    let id = {
        let mut store = state.orchestration.lock();
        if directory::identity(&store, identity_id).is_none() {
            return Err(bad_input(format!("Identity '{identity_id}' was not found.")));
        }
        add(&mut store.captures, contract.id, identity_id)
    };
    let url = url(state, id);
    let qr_code = qr::png_data_url(&url)
        .map_err(|e| async_graphql::Error::new(format!("The QR code could not be rendered: {e}")))?;
    Ok(PhotoCaptureRequestResponse {
        id,
        photo_capture_url: url,
        photo_capture_qr_code: Some(qr_code),
    })
}

/// A new capture, `not_started`.
pub(super) fn add(captures: &mut HashMap<Uuid, Capture>, contract_id: Uuid, identity_id: Uuid) -> Uuid {
    let now = SystemTime::now();
    captures.retain(|_, capture| !capture.is_stale(now));
    let id = Uuid::new_v4();
    captures.insert(
        id,
        Capture {
            contract_id,
            identity_id,
            status: PhotoCaptureStatus::NotStarted,
            photo: None,
            created_at: now,
        },
    );
    id
}

pub(super) fn status(state: &AppState, id: Uuid) -> async_graphql::Result<PhotoCaptureStatus> {
    state
        .orchestration
        .lock()
        .captures
        .get(&id)
        .map(|capture| capture.status)
        .ok_or_else(not_found)
}

pub(super) fn not_found() -> async_graphql::Error {
    bad_input("Photo capture request not found".to_owned())
}

fn bad_input(message: String) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", "BAD_USER_INPUT"))
}

/// `GET {photoCaptureUrl}`: the phone opens the link.
pub(super) async fn phone_page(State(routes): State<Routes>, Path(id): Path<String>) -> Response {
    let Some(id) = Uuid::parse(&id) else {
        return page_not_found();
    };
    let changed = {
        let mut store = routes.state.orchestration.lock();
        let Some(capture) = store.captures.get_mut(&id) else {
            return page_not_found();
        };
        let changed = capture.status == PhotoCaptureStatus::NotStarted;
        if changed {
            capture.status = PhotoCaptureStatus::Started;
        }
        changed
    };
    if changed {
        publish(&routes.state, id, PhotoCaptureStatus::Started);
    }
    Html(PAGE).into_response()
}

/// `POST {photoCaptureUrl}` with `Content-Type: image/jpeg`: the phone sends the photo.
pub(super) async fn phone_upload(
    State(routes): State<Routes>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let jpeg = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case("image/jpeg"));
    if !jpeg {
        return refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupportedMediaType",
            "Send the photo as the body with 'Content-Type: image/jpeg'.",
        );
    }
    let known = Uuid::parse(&id).filter(|id| routes.state.orchestration.lock().captures.contains_key(id));
    let Some(id) = known else {
        return capture_not_found();
    };
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PHOTO_BYTES).await else {
        return refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payloadTooLarge",
            &format!("A photo can be at most {MAX_PHOTO_BYTES} bytes."),
        );
    };
    let photo = URL_SAFE_NO_PAD.encode(&bytes);
    if let Err(invalid) = input::usable_photo("photo", &photo) {
        return refusal(StatusCode::UNPROCESSABLE_ENTITY, "invalidPhoto", &invalid.message);
    }
    {
        let mut store = routes.state.orchestration.lock();
        // It may have been used or forgotten while the photo was uploading.
        let Some(capture) = store.captures.get_mut(&id) else {
            return capture_not_found();
        };
        capture.status = PhotoCaptureStatus::Complete;
        capture.photo = Some(photo);
    }
    publish(&routes.state, id, PhotoCaptureStatus::Complete);
    Json(json!({"id": id.to_string(), "status": "complete"})).into_response()
}

fn publish(state: &Arc<AppState>, capture_id: Uuid, status: PhotoCaptureStatus) {
    // No subscriber is not an error.
    let _ = state
        .orchestration
        .photo_events
        .send(PhotoTopic { capture_id, status });
}

fn refusal(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({"error": {"code": code, "message": message}}))).into_response()
}

fn capture_not_found() -> Response {
    refusal(
        StatusCode::NOT_FOUND,
        "notFound",
        "Photo capture request not found (never created, already used, or expired).",
    )
}

fn page_not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html("<!doctype html><title>Photo capture</title><p>This photo capture link is not valid any more.</p>"),
    )
        .into_response()
}

/// Enough for a person on a phone: pick or take a photo, send it.
const PAGE: &str = r#"<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Photo capture (sandbox)</title>
<h1>Photo capture</h1>
<p>Take a photo of your face: a JPEG of at least 200×200 pixels.</p>
<input id="photo" type="file" accept="image/jpeg" capture="user">
<p id="result" role="status"></p>
<script>
document.getElementById("photo").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  const answer = await fetch(location.href, { method: "POST", headers: { "Content-Type": "image/jpeg" }, body: file });
  const body = await answer.json();
  document.getElementById("result").textContent = answer.ok ? "Done. You can close this page." : body.error.message;
});
</script>
</html>
"#;
