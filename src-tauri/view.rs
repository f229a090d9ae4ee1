//! The flow state as the UI receives it. The PIN is in it only in the
//! `retrieved` state, because only then does the engine's state hold it.

use serde::Serialize;
use station_core::error::UiError;
use station_core::events::VerifiedPresentation;
use station_core::flow::{FlowKind, FlowState, ShownRequest};
use station_core::qr::RequestQr;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowView {
    pub flow_id: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub renewing: bool,
    pub renewals: u32,
    /// The request's event source is reconnecting: events may come late.
    pub reconnecting: bool,
    pub request: Option<RequestView>,
    pub pin: Option<String>,
    pub error: Option<UiError>,
    pub presentation: Option<VerifiedPresentation>,
    /// The issuance could not reach the service and waits in the queue:
    /// not a failure, so not in `error`.
    pub queued: Option<QueuedView>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuedView {
    pub job_id: String,
    /// What stopped it going out now.
    pub reason: UiError,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestView {
    pub request_id: String,
    pub url: String,
    pub expires_at_ms: u64,
    /// The QR code of `url`, as a scalable SVG document.
    pub qr_svg: String,
}

impl RequestView {
    fn new(request: &ShownRequest) -> RequestView {
        let qr_svg = RequestQr::new(&request.url)
            .map(|qr| qr.to_svg())
            .unwrap_or_default();
        RequestView {
            request_id: request.request_id.clone(),
            url: request.url.clone(),
            expires_at_ms: request
                .expires_at
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0),
            qr_svg,
        }
    }
}

impl FlowView {
    pub fn new(flow_id: &str, kind: FlowKind, state: &FlowState) -> FlowView {
        let mut view = FlowView {
            flow_id: flow_id.to_owned(),
            kind: kind.name(),
            state: state.name(),
            renewing: false,
            renewals: 0,
            reconnecting: state.reconnecting(),
            request: state.shown_request().map(RequestView::new),
            pin: state.pin().map(|pin| pin.reveal().to_owned()),
            error: None,
            presentation: None,
            queued: None,
        };
        match state {
            FlowState::AwaitingScan {
                renewing, renewals, ..
            } => {
                view.renewing = *renewing;
                view.renewals = *renewals;
            }
            FlowState::Failed(error) => view.error = Some(error.clone()),
            FlowState::Verified { presentation, .. } => view.presentation = Some(presentation.clone()),
            FlowState::Queued { job_id, reason } => {
                view.queued = Some(QueuedView {
                    job_id: job_id.clone(),
                    reason: reason.clone(),
                })
            }
            _ => {}
        }
        view
    }
}
