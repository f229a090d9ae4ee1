//! The root types: the operations the sandbox serves, each delegating to
//! its module. Every resolver finds the sandbox's state in the schema's
//! data; authentication happened before execution ([`super::http`]).

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use async_graphql::futures_util::stream::BoxStream;
use async_graphql::{Context, Object, Request, Response, Result, Schema, Subscription, Variables};

use super::scalars::{PositiveInt, Uuid};
use super::types::{
    AsyncIssuanceRequest, AsyncIssuanceRequestInput, AsyncIssuanceRequestResponse,
    AsyncIssuanceRequestsWhere, Contract, Identity, IdentityInput, Issuance, IssuanceEventData,
    IssuanceEventWhere, IssuanceRequestInput, IssuanceRequestResponse, IssuanceWhere, PhotoCaptureEventData,
    PhotoCaptureRequest, PhotoCaptureRequestResponse,
};
use super::variables::VariableTypes;
use super::{directory, events, find, issuance, photo_capture, remote};
use crate::state::AppState;

pub(crate) type OrchestrationSchema = Schema<Query, Mutation, SubscriptionRoot>;

pub(super) fn build(state: Arc<AppState>) -> OrchestrationSchema {
    Schema::build(Query, Mutation, SubscriptionRoot)
        .extension(VariableTypes)
        .data(state)
        .finish()
}

/// The schema in SDL, as served.
pub(super) fn sdl() -> String {
    Schema::build(Query, Mutation, SubscriptionRoot).finish().sdl()
}

/// What the served schema says of `document` with `variables`, without
/// running it: the validation errors (unknown fields, a missing selection,
/// a variable of the wrong type, a variable value of the wrong shape),
/// empty when it would be accepted. Subscriptions are checked the same way.
pub(super) async fn validate(document: &str, variables: serde_json::Value) -> Vec<String> {
    let schema = Schema::build(Query, Mutation, SubscriptionRoot)
        .extension(VariableTypes)
        .extension(ValidateOnly)
        .finish();
    let request = Request::new(document).variables(Variables::from_json(variables));
    schema
        .execute(request)
        .await
        .errors
        .into_iter()
        .map(|error| error.message)
        .collect()
}

/// Stops a request once it has been parsed and validated.
struct ValidateOnly;

impl ExtensionFactory for ValidateOnly {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ValidateOnly)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for ValidateOnly {
    async fn execute(
        &self,
        _ctx: &ExtensionContext<'_>,
        _operation_name: Option<&str>,
        _next: NextExecute<'_>,
    ) -> Response {
        Response::default()
    }
}

fn state<'a>(ctx: &Context<'a>) -> Result<&'a Arc<AppState>> {
    ctx.data::<Arc<AppState>>()
}

pub(crate) struct Query;

#[Object]
impl Query {
    /// The contracts this instance can issue.
    async fn contracts(&self) -> Vec<Contract> {
        directory::contracts()
    }

    /// The identities this instance knows, built-in and created by issuance.
    async fn identities(&self, ctx: &Context<'_>) -> Result<Vec<Identity>> {
        Ok(state(ctx)?.orchestration.lock().identities.all().to_vec())
    }

    /// `{ status }`: `not_started`, `started` or `complete`. An object, as
    /// in VO's schema (the seed's example shows a bare value), so a query
    /// without the `{ status }` selection is refused.
    async fn photo_capture_status(
        &self,
        ctx: &Context<'_>,
        photo_capture_request_id: Uuid,
    ) -> Result<PhotoCaptureEventData> {
        let status = photo_capture::status(state(ctx)?, photo_capture_request_id)?;
        Ok(PhotoCaptureEventData { status })
    }

    /// Successful issuances matching `where`, newest first; at most
    /// `limit` (default 100).
    async fn find_issuances(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "where")] filter: Option<IssuanceWhere>,
        limit: Option<u32>,
    ) -> Result<Vec<Issuance>> {
        Ok(issuance::find(state(ctx)?, &filter.unwrap_or_default(), limit))
    }

    async fn async_issuance_request(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
    ) -> Result<Option<AsyncIssuanceRequest>> {
        Ok(remote::find(state(ctx)?, id))
    }

    /// Remote issuance requests matching `where`, newest first: `offset`
    /// skipped, at most `limit` (all without one).
    async fn find_async_issuance_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "where")] filter: Option<AsyncIssuanceRequestsWhere>,
        offset: Option<PositiveInt>,
        limit: Option<PositiveInt>,
    ) -> Result<Vec<AsyncIssuanceRequest>> {
        Ok(find::find(
            state(ctx)?,
            &filter.unwrap_or_default(),
            offset,
            limit,
        ))
    }
}

pub(crate) struct Mutation;

#[Object]
impl Mutation {
    /// Creates an issuance request for the wallet to open.
    async fn create_issuance_request(
        &self,
        ctx: &Context<'_>,
        request: IssuanceRequestInput,
    ) -> Result<IssuanceRequestResponse> {
        Ok(match issuance::create(state(ctx)?, request).await {
            Ok(created) => IssuanceRequestResponse::IssuanceResponse(created),
            Err(refused) => IssuanceRequestResponse::RequestErrorResponse(refused),
        })
    }

    /// Creates the identity `input` describes, or updates the one with the
    /// same issuer and identifier, and returns it with its id.
    async fn save_identity(&self, ctx: &Context<'_>, input: IdentityInput) -> Result<Identity> {
        directory::save(state(ctx)?, input)
    }

    /// Creates a photo capture request, whose URL the issuee opens on their phone.
    async fn create_photo_capture_request(
        &self,
        ctx: &Context<'_>,
        request: PhotoCaptureRequest,
    ) -> Result<PhotoCaptureRequestResponse> {
        photo_capture::create(state(ctx)?, request)
    }

    /// Creates remote issuance requests, notifying each issuee.
    async fn create_async_issuance_request(
        &self,
        ctx: &Context<'_>,
        request: Vec<AsyncIssuanceRequestInput>,
    ) -> Result<AsyncIssuanceRequestResponse> {
        Ok(remote::create(state(ctx)?, request))
    }

    async fn cancel_async_issuance_request(
        &self,
        ctx: &Context<'_>,
        async_issuance_request_id: Uuid,
    ) -> Result<Option<AsyncIssuanceRequest>> {
        remote::cancel(state(ctx)?, async_issuance_request_id)
    }
}

pub(crate) struct SubscriptionRoot;

#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Issuance events from now on, matching `where` (all of them without it).
    async fn issuance_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "where")] filter: Option<IssuanceEventWhere>,
    ) -> Result<BoxStream<'static, IssuanceEventData>> {
        let receiver = state(ctx)?.orchestration.issuance_events.subscribe();
        Ok(events::issuance_stream(receiver, filter.unwrap_or_default()))
    }

    /// The capture's current status, then each change until `complete`.
    async fn photo_capture_event(
        &self,
        ctx: &Context<'_>,
        photo_capture_request_id: Uuid,
    ) -> Result<BoxStream<'static, PhotoCaptureEventData>> {
        let state = state(ctx)?;
        let receiver = state.orchestration.photo_events.subscribe();
        let current = photo_capture::status(state, photo_capture_request_id)?;
        Ok(events::photo_stream(receiver, photo_capture_request_id, current))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_variable_of_another_scalar_type_is_refused() {
        let errors = validate(
            "query Q($id: ID!) { asyncIssuanceRequest(id: $id) { id } }",
            serde_json::json!({"id": "6a1f8f0e-5b4c-4a39-9a8e-0c1d2e3f4a5b"}),
        )
        .await;
        assert!(!errors.is_empty(), "{}", sdl());
        let errors = validate(
            "query Q($id: UUID!) { asyncIssuanceRequest(id: $id) { id } }",
            serde_json::json!({"id": "6a1f8f0e-5b4c-4a39-9a8e-0c1d2e3f4a5b"}),
        )
        .await;
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[tokio::test]
    async fn a_mistyped_variable_inside_an_input_object_or_list_is_refused() {
        let megan = directory::MEGAN;
        let errors = validate(
            "query Q($r: ID!) { findIssuances(where: { requestId: $r }) { id } }",
            serde_json::json!({"r": megan}),
        )
        .await;
        assert!(errors[0].contains("expecting type \"UUID\""), "{errors:?}");
        let errors = validate(
            "mutation M($c: String!) { createAsyncIssuanceRequest(request: [{ contractId: $c, expiry: oneDay }]) { __typename } }",
            serde_json::json!({"c": megan}),
        )
        .await;
        assert!(errors[0].contains("expecting type \"UUID!\""), "{errors:?}");
        let errors = validate(
            "query Q($r: UUID) { findIssuances(where: { requestId: $r }) { id } }",
            serde_json::json!({"r": megan}),
        )
        .await;
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[tokio::test]
    async fn a_name_where_a_uuid_belongs_is_refused_before_anything_runs() {
        let errors = validate(
            "query Q($id: UUID!) { asyncIssuanceRequest(id: $id) { id } }",
            serde_json::json!({"id": "EventBadge"}),
        )
        .await;
        assert!(!errors.is_empty());
    }
}
