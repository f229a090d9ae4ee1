//! Remote ("async") issuance through Verified Orchestration: the service
//! emails or texts the recipient a link and they claim the credential on
//! their own, so nothing here waits for a wallet. The station only creates
//! the request and, later, asks where it stands; that is all an offline
//! queue needs to hand requests over and reconcile them afterwards.
//!
//! Each recipient is named by the station's correlation (a queue job's
//! id) as the identity's identifier, so that after a crash the queue can
//! find what it created (`findAsyncIssuanceRequests`) instead of creating
//! it again. The GraphQL documents and shapes use the schema's exact
//! names, as in [`super::wire`].

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::wire::Identity;
use super::{recipient_name, OrchestrationProvider, IDENTITY_ISSUER};
use crate::config::{IssuanceTarget, IssuanceTemplate};
use crate::provider::{
    not_this_service, ProviderError, RemoteContact, RemoteCreation, RemoteExpiry, RemoteIssuance,
    RemoteIssuanceSpec, RemoteStatus,
};
use crate::store::iso8601_utc;

pub const CREATE_ASYNC_ISSUANCE: &str =
    "mutation CreateAsyncIssuanceRequest($request: [AsyncIssuanceRequestInput!]!) {
  createAsyncIssuanceRequest(request: $request) {
    __typename
    ... on AsyncIssuanceResponse { asyncIssuanceRequestIds }
    ... on AsyncIssuanceErrorResponse { errors }
  }
}";

pub const ASYNC_ISSUANCE_REQUEST: &str = "query AsyncIssuanceRequest($id: UUID!) {
  asyncIssuanceRequest(id: $id) { id status isStatusFinal failureReason }
}";

/// VO's own paging arguments are `PositiveInt`s; without `orderBy` it
/// answers the newest first, so requests created while the station pages
/// push older ones down a page (seen twice) rather than skipping them.
pub const FIND_ASYNC_ISSUANCE_REQUESTS: &str = "query FindAsyncIssuanceRequests(
  $where: AsyncIssuanceRequestsWhere, $offset: PositiveInt, $limit: PositiveInt
) {
  findAsyncIssuanceRequests(where: $where, offset: $offset, limit: $limit) {
    id status identity { id identifier issuer name }
  }
}";

/// Requests per page of `findAsyncIssuanceRequests`.
const FIND_PAGE: u32 = 100;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FindAsyncIssuanceRequestsData {
    find_async_issuance_requests: Vec<FoundAsyncIssuanceRequest>,
}

#[derive(Deserialize)]
struct FoundAsyncIssuanceRequest {
    id: String,
    identity: FoundIdentity,
}

#[derive(Deserialize)]
struct FoundIdentity {
    identifier: String,
    issuer: String,
}

/// `AsyncIssuanceRequestInput`. A walk-in's identity is named inline, as
/// for a desk issuance; a photo goes as `faceCheckPhoto` (the recipient is
/// not asked to take one: `photoCapture` is never sent).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AsyncIssuanceRequestInput<'a> {
    pub contract_id: &'a str,
    pub identity: Identity<'a>,
    pub claims: &'a BTreeMap<String, String>,
    pub contact: AsyncIssuanceContactInput<'a>,
    pub expiry: RemoteExpiry,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub face_check_photo: Option<String>,
}

/// Only `notification`: the station has no second channel to offer for
/// `verification`.
#[derive(Serialize)]
pub struct AsyncIssuanceContactInput<'a> {
    pub notification: ContactInput<'a>,
}

#[derive(Serialize)]
pub struct ContactInput<'a> {
    pub method: ContactMethod,
    pub value: &'a str,
}

#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum ContactMethod {
    Email,
    Sms,
}

impl<'a> From<&'a RemoteContact> for ContactInput<'a> {
    fn from(contact: &'a RemoteContact) -> Self {
        let method = match contact {
            RemoteContact::Email(_) => ContactMethod::Email,
            RemoteContact::Sms(_) => ContactMethod::Sms,
        };
        ContactInput {
            method,
            value: contact.value(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateAsyncIssuanceData {
    pub create_async_issuance_request: AsyncIssuanceRequestResponse,
}

/// The mutation's union result.
#[derive(Deserialize)]
#[serde(tag = "__typename")]
pub enum AsyncIssuanceRequestResponse {
    #[serde(rename_all = "camelCase")]
    AsyncIssuanceResponse { async_issuance_request_ids: Vec<String> },
    /// One entry per input, null for inputs that were fine.
    AsyncIssuanceErrorResponse { errors: Vec<Option<String>> },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AsyncIssuanceRequestData {
    pub async_issuance_request: Option<AsyncIssuanceRequest>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AsyncIssuanceRequest {
    pub status: AsyncIssuanceRequestStatus,
    pub failure_reason: Option<String>,
}

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum AsyncIssuanceRequestStatus {
    Pending,
    Issued,
    Failed,
    Expired,
    Cancelled,
}

/// `createAsyncIssuanceRequest` for one recipient.
pub(super) async fn create(
    provider: &OrchestrationProvider,
    spec: &RemoteIssuanceSpec<'_>,
) -> Result<RemoteIssuance, ProviderError> {
    let created = create_many(provider, std::slice::from_ref(spec)).await?;
    match created.into_iter().next() {
        Some(RemoteCreation::Created(remote)) => Ok(remote),
        Some(RemoteCreation::Refused(message)) => Err(ProviderError::Rejected {
            status: 200,
            code: "AsyncIssuanceErrorResponse".into(),
            message,
            inner_code: None,
            target: None,
        }),
        Some(RemoteCreation::NotCreated) | None => Err(ProviderError::Protocol {
            detail: "createAsyncIssuanceRequest created nothing and gave no reason".into(),
        }),
    }
}

/// `createAsyncIssuanceRequest` for several recipients in one call: the
/// service creates all or none, and answers the ids (or the errors) in
/// the inputs' order. Each recipient is named by the spec's correlation.
pub(super) async fn create_many(
    provider: &OrchestrationProvider,
    specs: &[RemoteIssuanceSpec<'_>],
) -> Result<Vec<RemoteCreation>, ProviderError> {
    let mut contracts = Vec::with_capacity(specs.len());
    for spec in specs {
        let IssuanceTarget::Orchestration { contract_id } = &spec.template.target else {
            return Err(not_this_service(spec.template));
        };
        contracts.push(contract_id.as_str());
    }
    let names: Vec<String> = specs.iter().map(|spec| recipient_name(spec.claims)).collect();
    let requests: Vec<AsyncIssuanceRequestInput<'_>> = specs
        .iter()
        .zip(&contracts)
        .zip(&names)
        .map(|((spec, contract_id), name)| AsyncIssuanceRequestInput {
            contract_id,
            identity: Identity {
                issuer: IDENTITY_ISSUER,
                identifier: spec.correlation,
                name,
            },
            claims: spec.claims,
            contact: AsyncIssuanceContactInput {
                notification: ContactInput::from(&spec.contact),
            },
            expiry: spec.expiry,
            face_check_photo: spec.photo.map(|photo| photo.to_data_url()),
        })
        .collect();
    let data: CreateAsyncIssuanceData = provider
        .graphql
        .execute(CREATE_ASYNC_ISSUANCE, serde_json::json!({ "request": requests }))
        .await?;
    let answered = match data.create_async_issuance_request {
        AsyncIssuanceRequestResponse::AsyncIssuanceResponse {
            async_issuance_request_ids,
        } => async_issuance_request_ids
            .into_iter()
            .map(|id| RemoteCreation::Created(RemoteIssuance { id }))
            .collect::<Vec<_>>(),
        AsyncIssuanceRequestResponse::AsyncIssuanceErrorResponse { errors } => errors
            .into_iter()
            .map(|error| match error {
                Some(reason) => RemoteCreation::Refused(reason),
                None => RemoteCreation::NotCreated,
            })
            .collect(),
    };
    if answered.len() != specs.len() {
        return Err(ProviderError::Protocol {
            detail: format!(
                "createAsyncIssuanceRequest answered {} entries for {} inputs",
                answered.len(),
                specs.len()
            ),
        });
    }
    Ok(answered)
}

/// The remote issuance of `template` that names `correlation` as its
/// identity's identifier (with the station as the identity's issuer),
/// created within `created` (from, to): `findAsyncIssuanceRequests` by
/// contract and creation time, newest first, a page at a time. VO cannot
/// filter by an identity's identifier, so the time window is what keeps
/// the pages few.
pub(super) async fn find_by_correlation(
    provider: &OrchestrationProvider,
    template: &IssuanceTemplate,
    correlation: &str,
    created: (SystemTime, SystemTime),
) -> Result<Option<RemoteIssuance>, ProviderError> {
    let IssuanceTarget::Orchestration { contract_id } = &template.target else {
        return Err(not_this_service(template));
    };
    let (created_from, created_to) = (iso8601_utc(created.0), iso8601_utc(created.1));
    let mut offset: u32 = 0;
    loop {
        // `offset` is a PositiveInt: the first page is asked for without one.
        let variables = serde_json::json!({
            "where": { "contractId": contract_id, "createdFrom": created_from, "createdTo": created_to },
            "offset": (offset > 0).then_some(offset),
            "limit": FIND_PAGE,
        });
        let data: FindAsyncIssuanceRequestsData = provider
            .graphql
            .execute(FIND_ASYNC_ISSUANCE_REQUESTS, variables)
            .await?;
        let page = data.find_async_issuance_requests;
        let full = page.len() >= FIND_PAGE as usize;
        if let Some(found) = page.into_iter().find(|request| {
            request.identity.identifier == correlation && request.identity.issuer == IDENTITY_ISSUER
        }) {
            return Ok(Some(RemoteIssuance { id: found.id }));
        }
        if !full {
            return Ok(None);
        }
        offset = offset
            .checked_add(FIND_PAGE)
            .ok_or_else(|| ProviderError::Protocol {
                detail: "findAsyncIssuanceRequests kept answering full pages".into(),
            })?;
    }
}

/// `asyncIssuanceRequest(id)`: where one remote issuance stands.
pub(super) async fn status(
    provider: &OrchestrationProvider,
    id: &str,
) -> Result<RemoteStatus, ProviderError> {
    let data: AsyncIssuanceRequestData = provider
        .graphql
        .execute(ASYNC_ISSUANCE_REQUEST, serde_json::json!({ "id": id }))
        .await?;
    let Some(request) = data.async_issuance_request else {
        return Err(ProviderError::Rejected {
            status: 200,
            code: "notFound".into(),
            message: format!("there is no remote issuance '{id}'"),
            inner_code: None,
            target: None,
        });
    };
    Ok(match request.status {
        AsyncIssuanceRequestStatus::Pending => RemoteStatus::Pending,
        AsyncIssuanceRequestStatus::Issued => RemoteStatus::Issued,
        AsyncIssuanceRequestStatus::Failed => RemoteStatus::Failed(
            request
                .failure_reason
                .unwrap_or_else(|| "the service gave no reason".to_owned()),
        ),
        AsyncIssuanceRequestStatus::Expired => RemoteStatus::Expired,
        AsyncIssuanceRequestStatus::Cancelled => RemoteStatus::Cancelled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_input_uses_the_schema_names() {
        let claims = BTreeMap::from([("given_name".to_owned(), "Megan".to_owned())]);
        let contact = RemoteContact::Sms("+61491570006".into());
        let input = AsyncIssuanceRequestInput {
            contract_id: "contract-1",
            identity: Identity {
                issuer: "Issuance Station",
                identifier: "id-1",
                name: "Megan",
            },
            claims: &claims,
            contact: AsyncIssuanceContactInput {
                notification: ContactInput::from(&contact),
            },
            expiry: RemoteExpiry::ThreeMonths,
            face_check_photo: None,
        };
        let sent = serde_json::to_value(&input).unwrap();
        assert_eq!(
            sent,
            serde_json::json!({
                "contractId": "contract-1",
                "identity": { "issuer": "Issuance Station", "identifier": "id-1", "name": "Megan" },
                "claims": { "given_name": "Megan" },
                "contact": { "notification": { "method": "sms", "value": "+61491570006" } },
                "expiry": "threeMonths",
            })
        );
    }

    #[test]
    fn both_halves_of_the_result_union_are_read() {
        let created: CreateAsyncIssuanceData = serde_json::from_str(
            r#"{"createAsyncIssuanceRequest":{"__typename":"AsyncIssuanceResponse","asyncIssuanceRequestIds":["a-1"]}}"#,
        )
        .unwrap();
        assert!(matches!(
            created.create_async_issuance_request,
            AsyncIssuanceRequestResponse::AsyncIssuanceResponse { async_issuance_request_ids } if async_issuance_request_ids == ["a-1"]
        ));
        let refused: CreateAsyncIssuanceData = serde_json::from_str(
            r#"{"createAsyncIssuanceRequest":{"__typename":"AsyncIssuanceErrorResponse","errors":[null,"contact: bad"]}}"#,
        )
        .unwrap();
        assert!(matches!(
            refused.create_async_issuance_request,
            AsyncIssuanceRequestResponse::AsyncIssuanceErrorResponse { errors } if errors[1].as_deref() == Some("contact: bad")
        ));
    }

    #[test]
    fn every_status_is_read() {
        for name in ["pending", "issued", "failed", "expired", "cancelled"] {
            let body = format!(r#"{{"asyncIssuanceRequest":{{"status":"{name}","failureReason":null}}}}"#);
            let data: AsyncIssuanceRequestData = serde_json::from_str(&body).unwrap();
            assert!(data.async_issuance_request.is_some(), "{name}");
        }
    }
}
