//! Verified Orchestration's photo capture service (seed 000): the recipient
//! opens a link on their own phone and takes their photo there; the
//! issuance then names the capture instead of carrying a photo.
//!
//! A capture is tied to an identity, and the issuance must be for the same
//! one, so a walk-in first becomes an identity and the issuance names it by
//! `identityId`. VO's published schema has `saveIdentity(input:
//! IdentityInput!): Identity` ("creates or updates an identity based on its
//! issuer and identifier"), which issuing apps may call.

use serde::{Deserialize, Serialize};

use super::wire::Identity;
use super::{recipient_name, OrchestrationProvider, IDENTITY_ISSUER};
use crate::config::{IssuanceTarget, IssuanceTemplate};
use crate::provider::phone_capture::{PhoneCapture, PhoneCaptureStatus};
use crate::provider::{not_this_service, Claims, ProviderError};

pub const SAVE_IDENTITY: &str = "mutation SaveIdentity($input: IdentityInput!) {
  saveIdentity(input: $input) { id }
}";

pub const CREATE_PHOTO_CAPTURE: &str = "mutation CreatePhotoCaptureRequest($request: PhotoCaptureRequest!) {
  createPhotoCaptureRequest(request: $request) { id photoCaptureUrl }
}";

/// The status is an object (`PhotoCaptureEventData`) in VO's schema, though
/// seed 000's example shows a bare value: without `{ status }` the query is
/// invalid there.
pub const PHOTO_CAPTURE_STATUS: &str = "query PhotoCaptureStatus($photoCaptureRequestId: UUID!) {
  photoCaptureStatus(photoCaptureRequestId: $photoCaptureRequestId) { status }
}";

/// `PhotoCaptureRequest`, as documented.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhotoCaptureRequest<'a> {
    pub contract_id: &'a str,
    pub identity_id: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveIdentityData {
    pub save_identity: SavedIdentity,
}

#[derive(Deserialize)]
pub struct SavedIdentity {
    pub id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePhotoCaptureData {
    pub create_photo_capture_request: PhotoCaptureRequestResponse,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhotoCaptureRequestResponse {
    pub id: String,
    pub photo_capture_url: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhotoCaptureStatusData {
    pub photo_capture_status: PhotoCaptureEventData,
}

#[derive(Deserialize)]
pub struct PhotoCaptureEventData {
    pub status: WireStatus,
}

/// The query's three documented values.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum WireStatus {
    NotStarted,
    Started,
    Complete,
}

impl From<WireStatus> for PhoneCaptureStatus {
    fn from(status: WireStatus) -> Self {
        match status {
            WireStatus::NotStarted => PhoneCaptureStatus::NotStarted,
            WireStatus::Started => PhoneCaptureStatus::Started,
            WireStatus::Complete => PhoneCaptureStatus::Complete,
        }
    }
}

/// Makes the recipient an identity, then a capture page for them.
pub(super) async fn create(
    provider: &OrchestrationProvider,
    template: &IssuanceTemplate,
    claims: &Claims,
) -> Result<PhoneCapture, ProviderError> {
    let IssuanceTarget::Orchestration { contract_id } = &template.target else {
        return Err(not_this_service(template));
    };
    let name = recipient_name(claims);
    let identifier = uuid::Uuid::new_v4().to_string();
    let input = Identity {
        issuer: IDENTITY_ISSUER,
        identifier: &identifier,
        name: &name,
    };
    let saved: SaveIdentityData = provider
        .graphql
        .execute(SAVE_IDENTITY, serde_json::json!({ "input": input }))
        .await?;
    let identity_id = saved.save_identity.id;
    let request = PhotoCaptureRequest {
        contract_id,
        identity_id: &identity_id,
    };
    let created: CreatePhotoCaptureData = provider
        .graphql
        .execute(CREATE_PHOTO_CAPTURE, serde_json::json!({ "request": request }))
        .await?;
    let capture = created.create_photo_capture_request;
    Ok(PhoneCapture {
        id: capture.id,
        url: capture.photo_capture_url,
        identity_id,
        template: template.name.clone(),
        claims: claims.clone(),
    })
}

pub(super) async fn status(
    provider: &OrchestrationProvider,
    capture: &PhoneCapture,
) -> Result<PhoneCaptureStatus, ProviderError> {
    let data: PhotoCaptureStatusData = provider
        .graphql
        .execute(
            PHOTO_CAPTURE_STATUS,
            serde_json::json!({ "photoCaptureRequestId": capture.id }),
        )
        .await?;
    Ok(data.photo_capture_status.status.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_capture_request_matches_the_documented_example() {
        let sent = serde_json::to_value(PhotoCaptureRequest {
            contract_id: "contract-1",
            identity_id: "identity-1",
        })
        .unwrap();
        assert_eq!(
            sent,
            serde_json::json!({"contractId": "contract-1", "identityId": "identity-1"})
        );
        let created: CreatePhotoCaptureData = serde_json::from_str(
            r#"{"createPhotoCaptureRequest":{"id":"3eca057d-794c-4fdd-811f-b8a03a4f8567","photoCaptureUrl":"https://instance.portal.verifiedorchestration.com/photo-capture/3eca057d-794c-4fdd-811f-b8a03a4f8567","photoCaptureQrCode":"..."}}"#,
        )
        .unwrap();
        assert!(created
            .create_photo_capture_request
            .photo_capture_url
            .ends_with(&created.create_photo_capture_request.id));
    }

    #[test]
    fn every_documented_status_is_mapped() {
        for (wire, status) in [
            ("not_started", PhoneCaptureStatus::NotStarted),
            ("started", PhoneCaptureStatus::Started),
            ("complete", PhoneCaptureStatus::Complete),
        ] {
            let data: PhotoCaptureStatusData =
                serde_json::from_str(&format!(r#"{{"photoCaptureStatus":{{"status":"{wire}"}}}}"#)).unwrap();
            assert_eq!(
                PhoneCaptureStatus::from(data.photo_capture_status.status),
                status,
                "{wire}"
            );
        }
        for wrong in [
            r#"{"photoCaptureStatus":{"status":"done"}}"#,
            r#"{"photoCaptureStatus":"complete"}"#,
        ] {
            assert!(
                serde_json::from_str::<PhotoCaptureStatusData>(wrong).is_err(),
                "{wrong}"
            );
        }
    }
}
