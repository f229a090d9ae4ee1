//! The GraphQL types, named and shaped as in VO's published schema (its
//! generated TypeScript types), restricted to what the sandbox emulates.
//! Where that schema and the seed docs differ, the schema wins, since it is
//! what a real instance serves.

use async_graphql::{Enum, InputObject, SimpleObject, Union};

use super::scalars::{DateTime, JsonObject, Url, Uuid};

/// Whether a contract's credential carries a photo for Face Check.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "camelCase")]
pub(crate) enum FaceCheckPhotoSupport {
    None,
    Optional,
    Required,
}

/// A credential contract the instance can issue.
#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct Contract {
    pub id: Uuid,
    pub name: String,
    pub credential_types: Vec<String>,
    pub face_check_support: FaceCheckPhotoSupport,
    /// The claims a request must supply, then optional ones; nothing else is accepted.
    #[graphql(skip)]
    pub required_claims: Vec<&'static str>,
    #[graphql(skip)]
    pub optional_claims: Vec<&'static str>,
}

/// A person credentials are issued to.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub(crate) struct Identity {
    pub id: Uuid,
    pub issuer: String,
    pub identifier: String,
    pub name: String,
}

#[derive(InputObject, Debug, Clone)]
pub(crate) struct IdentityInput {
    pub issuer: String,
    pub identifier: String,
    pub name: String,
}

#[derive(InputObject, Debug, Clone)]
pub(crate) struct Pin {
    /// Digits only.
    pub value: String,
    /// 4 to 16; the value's length when absent (VO's own examples omit it).
    pub length: Option<i32>,
}

#[derive(InputObject, Debug, Clone)]
pub(crate) struct Callback {
    pub url: Url,
    /// Comes back in every event; optional in VO, unlike in Entra.
    pub state: Option<String>,
    /// Only `api-key` and `Authorization` are forwarded.
    pub headers: Option<JsonObject>,
}

#[derive(InputObject, Debug, Clone)]
pub(crate) struct IssuanceRequestInput {
    pub contract_id: Uuid,
    pub identity_id: Option<Uuid>,
    pub identity: Option<IdentityInput>,
    /// An object of string values, checked against the contract's claims.
    pub claims: Option<JsonObject>,
    pub pin: Option<Pin>,
    pub callback: Option<Callback>,
    pub expiration_date: Option<DateTime>,
    #[graphql(name = "includeQRCode")]
    pub include_qr_code: Option<bool>,
    /// `data:image/jpeg;base64,…`
    pub face_check_photo: Option<String>,
    pub photo_capture_request_id: Option<Uuid>,
    pub post_issuance_redirect_url: Option<Url>,
}

#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct IssuanceResponse {
    pub request_id: Uuid,
    pub url: Url,
    pub qr_code: Option<String>,
    /// Unix seconds.
    pub expiry: i64,
    pub post_issuance_redirect_url: Option<Url>,
}

/// A refusal: VO's own checks, or the Request Service's error passed on.
#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct RequestErrorResponse {
    pub request_id: Uuid,
    pub date: DateTime,
    pub mscv: String,
    pub error: RequestErrorWithInner,
}

#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct RequestErrorWithInner {
    pub code: String,
    pub message: String,
    pub innererror: Option<RequestInnerError>,
}

#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct RequestInnerError {
    pub code: String,
    pub message: String,
    pub target: Option<String>,
}

#[derive(Union, Debug, Clone)]
pub(crate) enum IssuanceRequestResponse {
    IssuanceResponse(IssuanceResponse),
    RequestErrorResponse(RequestErrorResponse),
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "snake_case")]
pub(crate) enum IssuanceRequestStatus {
    RequestRetrieved,
    IssuanceSuccessful,
    IssuanceError,
}

/// The error of an `issuance_error` event.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestError {
    pub code: String,
    pub message: String,
}

/// The Request Service's callback event, as VO republishes it.
#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct IssuanceCallbackEvent {
    pub request_id: Uuid,
    pub request_status: IssuanceRequestStatus,
    /// The caller's `callback.state`, when one was given.
    pub state: Option<String>,
    pub error: Option<RequestError>,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub(crate) enum IssuanceStatus {
    Active,
}

/// A successful issuance.
#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct Issuance {
    pub id: Uuid,
    /// Sandbox shorthand for `contract { id }`.
    pub contract_id: Uuid,
    /// Sandbox shorthand for `identity { id }`.
    pub identity_id: Uuid,
    pub contract: Contract,
    pub identity: Identity,
    pub issued_at: DateTime,
    pub expires_at: DateTime,
    pub has_face_check_photo: Option<bool>,
    pub status: IssuanceStatus,
}

#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct IssuanceEventData {
    pub event: IssuanceCallbackEvent,
    /// Set on `issuance_successful`.
    pub issuance: Option<Issuance>,
}

#[derive(InputObject, Debug, Clone, Default)]
pub(crate) struct IssuanceEventWhere {
    pub request_id: Option<Uuid>,
    pub contract_id: Option<Uuid>,
    pub identity_id: Option<Uuid>,
    pub issued_by_id: Option<Uuid>,
    pub status: Option<IssuanceRequestStatus>,
}

/// `findIssuances` criteria: the part of VO's `IssuanceWhere` a station
/// uses to find what became of its own requests.
#[derive(InputObject, Debug, Clone, Default)]
pub(crate) struct IssuanceWhere {
    pub request_id: Option<Uuid>,
    pub contract_id: Option<Uuid>,
    pub identity_id: Option<Uuid>,
}

#[derive(InputObject, Debug, Clone)]
pub(crate) struct PhotoCaptureRequest {
    pub contract_id: Uuid,
    /// Required in practice: a capture is specific to its issuee.
    pub identity_id: Option<Uuid>,
}

#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct PhotoCaptureRequestResponse {
    pub id: Uuid,
    pub photo_capture_url: String,
    pub photo_capture_qr_code: Option<String>,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "snake_case")]
pub(crate) enum PhotoCaptureStatus {
    NotStarted,
    Started,
    Complete,
}

#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct PhotoCaptureEventData {
    pub status: PhotoCaptureStatus,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "camelCase")]
pub(crate) enum AsyncIssuanceRequestExpiry {
    OneDay,
    ThreeDays,
    OneWeek,
    TwoWeeks,
    OneMonth,
    ThreeMonths,
}

impl AsyncIssuanceRequestExpiry {
    pub(crate) fn seconds(self) -> i64 {
        const DAY: i64 = 86_400;
        match self {
            Self::OneDay => DAY,
            Self::ThreeDays => 3 * DAY,
            Self::OneWeek => 7 * DAY,
            Self::TwoWeeks => 14 * DAY,
            Self::OneMonth => 30 * DAY,
            Self::ThreeMonths => 90 * DAY,
        }
    }
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub(crate) enum ContactMethod {
    Email,
    Sms,
}

impl ContactMethod {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }
}

#[derive(InputObject, Debug, Clone)]
pub(crate) struct ContactInput {
    pub method: ContactMethod,
    /// An email address, or an E.164 phone number for SMS.
    pub value: String,
}

#[derive(InputObject, Debug, Clone)]
pub(crate) struct AsyncIssuanceContactInput {
    pub notification: Option<ContactInput>,
    pub verification: Option<ContactInput>,
}

#[derive(InputObject, Debug, Clone)]
pub(crate) struct AsyncIssuanceRequestInput {
    pub contract_id: Uuid,
    pub identity_id: Option<Uuid>,
    pub identity: Option<IdentityInput>,
    pub claims: Option<JsonObject>,
    pub contact: Option<AsyncIssuanceContactInput>,
    pub expiry: AsyncIssuanceRequestExpiry,
    pub expiration_date: Option<DateTime>,
    pub face_check_photo: Option<String>,
    /// The issuee captures their photo while claiming the credential.
    pub photo_capture: Option<bool>,
    pub post_issuance_redirect_url: Option<Url>,
    pub callback: Option<Callback>,
}

#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct AsyncIssuanceResponse {
    pub async_issuance_request_ids: Vec<Uuid>,
}

/// One entry per input, in order: the error, or null for an input that
/// was valid (nothing is created unless all are).
#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct AsyncIssuanceErrorResponse {
    pub errors: Vec<Option<String>>,
}

#[derive(Union, Debug, Clone)]
pub(crate) enum AsyncIssuanceRequestResponse {
    AsyncIssuanceErrorResponse(AsyncIssuanceErrorResponse),
    AsyncIssuanceResponse(AsyncIssuanceResponse),
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub(crate) enum AsyncIssuanceRequestStatus {
    Pending,
    Issued,
    Failed,
    Expired,
    Cancelled,
}

impl AsyncIssuanceRequestStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Issued => "issued",
            Self::Failed => "failed",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
        }
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct Contact {
    pub method: ContactMethod,
    pub value: String,
}

#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct AsyncIssuanceContact {
    pub notification: Option<Contact>,
    pub verification: Option<Contact>,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub(crate) enum CommunicationPurpose {
    Issuance,
    Verification,
}

/// A message sent to an issuee.
#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct Communication {
    pub id: Uuid,
    pub contact_method: ContactMethod,
    pub purpose: CommunicationPurpose,
    pub recipient: Identity,
    pub sent_at: DateTime,
    pub error: Option<String>,
}

#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct AsyncIssuanceRequest {
    pub id: Uuid,
    pub status: AsyncIssuanceRequestStatus,
    pub is_status_final: bool,
    pub failure_reason: Option<String>,
    pub expiry: AsyncIssuanceRequestExpiry,
    pub expires_on: DateTime,
    pub created_at: DateTime,
    pub contract: Contract,
    pub identity: Identity,
    pub issuance: Option<Issuance>,
    pub contact: Option<AsyncIssuanceContact>,
    pub has_contact_notification_set: Option<bool>,
    pub has_contact_verification_set: Option<bool>,
    pub photo_capture: Option<bool>,
    pub communications: Vec<Communication>,
}

/// `findAsyncIssuanceRequests` criteria, VO's `AsyncIssuanceRequestsWhere`;
/// every field given must match.
#[derive(InputObject, Debug, Clone, Default)]
pub(crate) struct AsyncIssuanceRequestsWhere {
    pub contract_id: Option<Uuid>,
    /// The user or application that created the request.
    pub created_by_id: Option<Uuid>,
    /// Created at or after this point.
    pub created_from: Option<DateTime>,
    /// Created at or before this point.
    pub created_to: Option<DateTime>,
    pub identity_id: Option<Uuid>,
    pub identity_store_id: Option<Uuid>,
    pub status: Option<AsyncIssuanceRequestStatus>,
}
