//! Remote issuance through the queue: the engine checks everything a
//! person at the desk can fix, then queues the job; the drain sends it
//! (now, or when the network is back) and follows it to its end, keeping
//! the history in step.

use super::{Engine, EngineError};
use crate::photo::Photo;
use crate::provider::{recipient_name, Claims, ProviderError, RemoteContact, RemoteExpiry, RemoteStatus};
use crate::queue::{Job, NewJob, Route};
use crate::store::audit::Actor;

impl Engine {
    /// Queues an issuance for the template's service to send the recipient
    /// a link (by email or SMS) to claim the credential before `expiry`,
    /// and returns the job; the drain sends it at once when the service
    /// answers, later when it does not. Everything is checked first (the
    /// claims, the photo, the contact, whether the service issues
    /// remotely at all), so a refusal here queued nothing and sent no
    /// message to anyone. The contact is kept only with the job, in the
    /// encrypted database, until the retention policy deletes it.
    pub async fn issue_remotely(
        &self,
        template: &str,
        claims: &Claims,
        contact: RemoteContact,
        expiry: RemoteExpiry,
        photo: Option<Photo>,
    ) -> Result<Job, EngineError> {
        let (template, claims) = self.checked_issuance(template, claims, photo.is_some())?;
        let contact = contact.checked()?;
        if !self.adapter(&template.service)?.issues_remotely() {
            return Err(ProviderError::Unsupported {
                what: "remote issuance (by email or SMS)".into(),
            }
            .into());
        }
        let job = NewJob {
            template: template.name.clone(),
            service: template.service.clone(),
            route: Route::Remote { contact, expiry },
            person_id: None,
            recipient: recipient_name(&claims),
            claims,
            photo: photo.map(|photo| photo.jpeg().to_vec()),
            override_reason: None,
            actor: Actor::Staff,
        };
        let queue = self.queue.clone();
        let queued = tokio::task::spawn_blocking(move || queue.enqueue(job))
            .await
            .map_err(|error| crate::queue::QueueError::Stopped {
                detail: error.to_string(),
            })??;
        Ok(queued)
    }

    /// Where remote issuance `id` (the service's id, a job's `remote_id`)
    /// of `template`'s service stands, asked now. The drain asks by itself
    /// and records the answer; this is for a front end that wants it at once.
    pub async fn remote_issuance_status(
        &self,
        template: &str,
        id: &str,
    ) -> Result<RemoteStatus, EngineError> {
        let template = self.issuance_template(template)?;
        Ok(self
            .adapter(&template.service)?
            .remote_issuance_status(id)
            .await?)
    }
}
