//! The recipient's photo, taken either by the station's camera or by the
//! recipient on their own phone through the service's photo capture page.
//! A phone photo goes from the phone to the service and stays there: the
//! station only learns that it was taken, and names the capture when it
//! asks for the credential.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;

use super::{Claims, Provider, ProviderError};
use crate::error::{ErrorCode, UiError};
use crate::photo::Photo;

/// A photo capture the service made for one recipient and one template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneCapture {
    pub id: String,
    /// The page the recipient opens on their phone (the QR code on screen).
    pub url: String,
    /// The service's record of the recipient; the issuance must name the
    /// same one, because the service keeps the photo with it.
    pub identity_id: String,
    /// The template it was made for: the service ties a capture to one
    /// credential contract.
    pub template: String,
    /// Whom it was made for: the service keeps the photo with an identity
    /// made from these, so it serves an issuance with these claims only.
    pub claims: Claims,
}

/// How far the recipient has got, in the service's three steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneCaptureStatus {
    /// The link has not been opened.
    NotStarted,
    /// The recipient opened the link and is taking the photo.
    Started,
    /// The service has the photo: the issuance can go ahead.
    Complete,
}

/// The photo an issuance carries.
#[derive(Debug, Clone)]
pub enum RecipientPhoto {
    /// Taken and checked at the station; it travels in the request.
    Camera(Photo),
    /// Taken on the recipient's phone; the service holds it.
    Phone(PhoneCapture),
}

#[derive(Debug, thiserror::Error)]
pub enum PhoneCaptureError {
    #[error("the service no longer has this photo page ({detail}): it was used, expired or never made; choose \"The recipient's phone\" again for a new one")]
    Gone { detail: String },
}

impl ErrorCode for PhoneCaptureError {
    fn code(&self) -> &'static str {
        match self {
            PhoneCaptureError::Gone { .. } => "phone_capture.gone",
        }
    }
}

/// Where a phone capture stands, as the photo step shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhoneCaptureProgress {
    pub status: PhoneCaptureStatus,
    /// Why the last look at the service failed; it is asked again.
    pub problem: Option<UiError>,
}

/// How often the service is asked. A person taking a photo on a phone
/// needs tens of seconds, so a second's delay is not felt.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// Asks the service where `capture` stands every `interval`, publishing
/// each change, until the photo is complete, the service refuses to say
/// (the page is gone), or nobody watches any more.
/// The service's `photoCaptureStatus` query is used rather than its
/// subscription: a poll needs no socket that could drop unnoticed, and a
/// missed step cannot be lost because each answer is the whole state.
pub fn follow(
    runtime: &tokio::runtime::Handle,
    provider: Arc<dyn Provider>,
    capture: PhoneCapture,
    interval: Duration,
) -> watch::Receiver<PhoneCaptureProgress> {
    let (progress, watching) = watch::channel(PhoneCaptureProgress {
        status: PhoneCaptureStatus::NotStarted,
        problem: None,
    });
    runtime.spawn(async move {
        loop {
            let answer = provider.phone_capture_status(&capture).await;
            // A refusal will not change by asking again; anything else
            // (the network, a busy service) may.
            let gone = matches!(answer, Err(ProviderError::Rejected { .. }));
            let latest = match answer {
                Ok(status) => PhoneCaptureProgress {
                    status,
                    problem: None,
                },
                Err(error) => PhoneCaptureProgress {
                    status: progress.borrow().status,
                    problem: Some(if gone {
                        UiError::from(&PhoneCaptureError::Gone {
                            detail: error.to_string(),
                        })
                    } else {
                        UiError::from(&error)
                    }),
                },
            };
            let finished = gone || latest.status == PhoneCaptureStatus::Complete;
            progress.send_if_modified(|shown| {
                let changed = *shown != latest;
                *shown = latest;
                changed
            });
            if finished {
                return;
            }
            tokio::select! {
                _ = progress.closed() => return,
                _ = tokio::time::sleep(interval) => {}
            }
        }
    });
    watching
}
