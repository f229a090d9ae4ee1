//! Issuing at the desk (or kiosk) through the outbox: every issuance is a
//! job first, written with its history row (and, for a roster person, the
//! "issued once" check) before any request goes out; the flow on screen
//! then issues it and the job hears how that ended before the screen does.
//! A service that cannot be reached leaves the job queued, with its claims
//! and photo, for the drain to call the person back when it answers.

use std::sync::Arc;

use super::{Engine, EngineError};
use crate::config::IssuanceTemplate;
use crate::flow::{self, FlowContext, FlowHandle, FlowRequest, FlowState, JobOutcome};
use crate::photo::Photo;
use crate::provider::phone_capture::RecipientPhoto;
use crate::provider::{recipient_name, Claims};
use crate::queue::{DeskOutcome, NewJob, Queue, QueueError, Route};
use crate::store::audit::Actor;

/// Who an issuance at the desk is for, beyond the claims typed or picked.
#[derive(Debug, Clone, Default)]
pub struct Recipient {
    /// The roster person picked, if any: they get each template once.
    pub person_id: Option<i64>,
    /// Why staff issue the template to this roster person again.
    pub override_reason: Option<String>,
}

impl Engine {
    /// Starts issuing `template` to the recipient described by `claims`.
    pub fn issue(&self, template: &str, claims: &Claims) -> Result<FlowHandle, EngineError> {
        self.issue_with_photo(template, claims, None)
    }

    /// Starts issuing a `template` that carries the recipient's photo: one
    /// accepted by [`crate::photo::accept`], or one they took on their phone
    /// ([`Engine::start_phone_capture`]) for this template.
    pub fn issue_with_photo(
        &self,
        template: &str,
        claims: &Claims,
        photo: Option<RecipientPhoto>,
    ) -> Result<FlowHandle, EngineError> {
        self.issue_to(template, claims, photo, Recipient::default(), Actor::Staff)
    }

    /// Queues the issuance as a job and issues it on screen at once. A
    /// roster person who already has the template is refused
    /// ([`QueueError::AlreadyIssued`]) unless `recipient` gives a reason to
    /// override, which the job and the audit log keep.
    pub fn issue_to(
        &self,
        template: &str,
        claims: &Claims,
        photo: Option<RecipientPhoto>,
        recipient: Recipient,
        actor: Actor,
    ) -> Result<FlowHandle, EngineError> {
        let (template, claims) = self.checked_issuance(template, claims, photo.is_some())?;
        if let Some(RecipientPhoto::Phone(capture)) = &photo {
            if capture.template != template.name {
                return Err(EngineError::PhoneCaptureOtherTemplate {
                    template: template.name.clone(),
                    captured_for: capture.template.clone(),
                });
            }
            if capture.claims != claims {
                return Err(EngineError::PhoneCaptureOtherRecipient);
            }
        }
        // A phone photo stays with the service; only the station's own is kept.
        let jpeg = match &photo {
            Some(RecipientPhoto::Camera(photo)) => Some(photo.jpeg().to_vec()),
            _ => None,
        };
        let job = self.queue.enqueue_at_desk(NewJob {
            template: template.name.clone(),
            service: template.service.clone(),
            route: Route::Desk,
            person_id: recipient.person_id,
            recipient: recipient_name(&claims),
            claims: claims.clone(),
            photo: jpeg,
            override_reason: recipient.override_reason,
            actor,
        })?;
        self.start_job_flow(&job.job_id, template.clone(), claims, photo, DeskTurn::Fresh)
    }

    /// Issues a queued or ready job at the desk: the person was called
    /// back. The job's kept claims and photo are used; if the job ends
    /// without the credential taken (cancelled, expired), it is ready again.
    pub fn start_queued(&self, job_id: &str) -> Result<FlowHandle, EngineError> {
        let desk = self.queue.begin_desk(job_id)?;
        let taken = (|| {
            let template = self.issuance_template(&desk.template)?.clone();
            let photo = match (&template.photo_claim, desk.photo) {
                (Some(_), Some(jpeg)) => Some(RecipientPhoto::Camera(
                    Photo::from_accepted_jpeg(jpeg).map_err(|rejection| QueueError::Unreadable {
                        job_id: job_id.to_owned(),
                        detail: format!("its photo: {rejection}"),
                    })?,
                )),
                (Some(_), None) => {
                    return Err(EngineError::PhotoRequired {
                        template: template.name.clone(),
                    })
                }
                (None, _) => None,
            };
            self.start_job_flow(job_id, template, desk.claims, photo, DeskTurn::CalledBack)
        })();
        if taken.is_err() {
            // Nothing went out: the job waits at the desk as it was.
            if let Err(error) = self.queue.finish_desk(job_id, DeskOutcome::NotTaken) {
                tracing::error!(%job_id, %error, "a job that could not be started stays at the desk");
            }
        }
        taken
    }

    fn start_job_flow(
        &self,
        job_id: &str,
        template: IssuanceTemplate,
        claims: Claims,
        photo: Option<RecipientPhoto>,
        turn: DeskTurn,
    ) -> Result<FlowHandle, EngineError> {
        let provider = self.adapter(&template.service)?;
        Ok(flow::spawn(FlowContext {
            runtime: self.runtime.clone(),
            id: job_id.to_owned(),
            request: FlowRequest::Issuance {
                template,
                claims,
                photo,
            },
            provider,
            listener: Arc::clone(&self.listener),
            history: Arc::clone(&self.history),
            timing: self.config.flow,
            job: Some(Arc::new(DeskJobEnd {
                queue: self.queue.clone(),
                turn,
            })),
        }))
    }
}

/// Whether the person is at the desk for the first time, or was called
/// back from the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DeskTurn {
    Fresh,
    CalledBack,
}

/// Tells the queue how a job's flow on screen ended.
struct DeskJobEnd {
    queue: Queue,
    turn: DeskTurn,
}

impl JobOutcome for DeskJobEnd {
    fn flow_ended(&self, job_id: &str, end: &FlowState, _request_created: bool) {
        let outcome = match end {
            FlowState::Issued { .. } => DeskOutcome::Issued,
            FlowState::Queued { reason, .. } => DeskOutcome::Unreachable {
                detail: reason.message.clone(),
            },
            FlowState::Failed(error) => DeskOutcome::Failed {
                code: error.code.clone(),
                message: error.message.clone(),
            },
            _ => DeskOutcome::NotTaken,
        };
        let abandoned = outcome == DeskOutcome::NotTaken && self.turn == DeskTurn::Fresh;
        if let Err(error) = self.queue.finish_desk(job_id, outcome) {
            tracing::error!(%job_id, %error, "the job did not hear how its issuance ended");
            return;
        }
        // A walk-in who leaves before scanning is not called back later:
        // only a job that waited in the queue goes back to it.
        if abandoned {
            let actor = match end {
                FlowState::Cancelled => Actor::Staff,
                _ => Actor::Station,
            };
            if let Err(error) = self.queue.cancel(job_id, actor) {
                tracing::error!(%job_id, %error, "an abandoned issuance stays ready in the queue");
            }
        }
    }
}
