//! What a flow shows at any moment. Front ends render this and nothing else;
//! the PIN is part of it only from `Retrieved` on.

use std::time::{Duration, SystemTime};

use crate::error::UiError;
use crate::events::VerifiedPresentation;
use crate::pin::Pin;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowKind {
    Issuance,
    Presentation,
}

impl FlowKind {
    pub fn name(self) -> &'static str {
        match self {
            FlowKind::Issuance => "issuance",
            FlowKind::Presentation => "presentation",
        }
    }
}

/// A request on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownRequest {
    pub request_id: String,
    /// The deep link; the QR code encodes exactly this.
    pub url: String,
    pub expires_at: SystemTime,
    /// How long the service took to create it (the rest of the creation
    /// time is the station's own overhead).
    pub service_latency: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FlowState {
    /// The first request is being created.
    Creating,
    /// The QR code is shown; `renewing` while its replacement is created;
    /// `reconnecting` while the request's event source (a subscription)
    /// is connecting again, so events may come late.
    AwaitingScan {
        request: ShownRequest,
        renewing: bool,
        renewals: u32,
        reconnecting: bool,
    },
    /// The wallet opened the request: the PIN (if any) may be shown now.
    Retrieved {
        request: ShownRequest,
        pin: Option<Pin>,
        reconnecting: bool,
    },
    Issued {
        request_id: String,
    },
    Verified {
        request_id: String,
        presentation: VerifiedPresentation,
    },
    /// Why it ended: the station's own code, or `service.<code>` for a
    /// failure the service reported.
    Failed(UiError),
    /// The service could not be reached (or stayed busy), so the issuance
    /// waits in the queue as job `job_id` and goes out when it can; `reason`
    /// says what stopped it. Nothing is lost and nothing was issued.
    Queued {
        job_id: String,
        reason: UiError,
    },
    Expired,
    Cancelled,
}

impl FlowState {
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            FlowState::Issued { .. }
                | FlowState::Verified { .. }
                | FlowState::Failed(_)
                | FlowState::Queued { .. }
                | FlowState::Expired
                | FlowState::Cancelled
        )
    }

    /// A stable name, for history and for front ends to switch on.
    pub fn name(&self) -> &'static str {
        match self {
            FlowState::Creating => "creating",
            FlowState::AwaitingScan { .. } => "awaiting_scan",
            FlowState::Retrieved { .. } => "retrieved",
            FlowState::Issued { .. } => "issued",
            FlowState::Verified { .. } => "verified",
            FlowState::Failed(_) => "failed",
            FlowState::Queued { .. } => "queued",
            FlowState::Expired => "expired",
            FlowState::Cancelled => "cancelled",
        }
    }

    /// The PIN, which exists in the state only once the wallet has opened
    /// the request.
    pub fn pin(&self) -> Option<&Pin> {
        match self {
            FlowState::Retrieved { pin, .. } => pin.as_ref(),
            _ => None,
        }
    }

    /// Whether the request's event source is reconnecting.
    pub fn reconnecting(&self) -> bool {
        matches!(
            self,
            FlowState::AwaitingScan {
                reconnecting: true,
                ..
            } | FlowState::Retrieved {
                reconnecting: true,
                ..
            }
        )
    }

    /// The request currently on screen, if any.
    pub fn shown_request(&self) -> Option<&ShownRequest> {
        match self {
            FlowState::AwaitingScan { request, .. } | FlowState::Retrieved { request, .. } => Some(request),
            _ => None,
        }
    }
}
