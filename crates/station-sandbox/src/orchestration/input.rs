//! VO's checks of an issuance's input — contract, recipient, claims, photo
//! source, callback — shared by `createIssuanceRequest` and remote
//! issuance. A refusal names the input field (`target`), as VO's do.

use base64::alphabet::STANDARD as STANDARD_ALPHABET;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use serde_json::{Map, Value};

use super::directory::{self, Recipient};
use super::scalars::{DateTime, JsonObject, Uuid};
use super::types::{
    Contract, FaceCheckPhotoSupport, IdentityInput, RequestErrorResponse, RequestErrorWithInner,
    RequestInnerError,
};
use super::Store;
use crate::clock;
use crate::error_body::BAD_OR_MISSING_FIELD;
use crate::photo;

/// `faceCheckPhoto` must start with this (VO accepts only JPEG, base64).
const JPEG_DATA_URL_PREFIX: &str = "data:image/jpeg;base64,";

/// Browsers and encoders differ on padding; both decode.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &STANDARD_ALPHABET,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The callback headers VO (like Entra) forwards.
const ALLOWED_CALLBACK_HEADERS: [&str; 2] = ["api-key", "authorization"];

const INVALID_FACE_CHECK_PHOTO: &str =
    "Face check photo must be a valid image/jpeg data URL with base64 encoding";

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

/// The caller's own callback, to which VO forwards every event.
#[derive(Debug, Clone)]
pub(super) struct ConsumerCallback {
    pub url: String,
    pub state: Option<String>,
    pub headers: Vec<(String, String)>,
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

pub(super) fn completed_capture(
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
