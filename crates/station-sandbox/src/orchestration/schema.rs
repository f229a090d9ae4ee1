//! The root types: the operations the sandbox serves, each delegating to
//! its module. Every resolver finds the sandbox's state in the schema's
//! data; authentication happened before execution ([`super::http`]).

use std::sync::Arc;

use async_graphql::futures_util::stream::BoxStream;
use async_graphql::{Context, Object, Result, Schema, Subscription, ID};

use super::types::{
    AsyncIssuanceRequest, AsyncIssuanceRequestInput, AsyncIssuanceRequestResponse, Contract, Identity,
    IdentityInput, Issuance, IssuanceEventData, IssuanceEventWhere, IssuanceRequestInput,
    IssuanceRequestResponse, IssuanceWhere, PhotoCaptureEventData, PhotoCaptureRequest,
    PhotoCaptureRequestResponse, PhotoCaptureStatus,
};
use super::{directory, events, issuance, photo_capture, remote};
use crate::state::AppState;

pub(crate) type OrchestrationSchema = Schema<Query, Mutation, SubscriptionRoot>;

pub(super) fn build(state: Arc<AppState>) -> OrchestrationSchema {
    Schema::build(Query, Mutation, SubscriptionRoot)
        .data(state)
        .finish()
}

/// The schema in SDL, as served.
pub(super) fn sdl() -> String {
    Schema::build(Query, Mutation, SubscriptionRoot).finish().sdl()
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
        Ok(state(ctx)?.orchestration.lock().identities.clone())
    }

    /// `not_started`, `started` or `complete`.
    async fn photo_capture_status(
        &self,
        ctx: &Context<'_>,
        photo_capture_request_id: uuid::Uuid,
    ) -> Result<PhotoCaptureStatus> {
        photo_capture::status(state(ctx)?, photo_capture_request_id)
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
        id: ID,
    ) -> Result<Option<AsyncIssuanceRequest>> {
        Ok(remote::find(state(ctx)?, &id))
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
        async_issuance_request_id: uuid::Uuid,
    ) -> Result<Option<AsyncIssuanceRequest>> {
        remote::cancel(state(ctx)?, &async_issuance_request_id.to_string())
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
        photo_capture_request_id: uuid::Uuid,
    ) -> Result<BoxStream<'static, PhotoCaptureEventData>> {
        let state = state(ctx)?;
        let receiver = state.orchestration.photo_events.subscribe();
        let current = photo_capture::status(state, photo_capture_request_id)?;
        Ok(events::photo_stream(receiver, photo_capture_request_id, current))
    }
}
