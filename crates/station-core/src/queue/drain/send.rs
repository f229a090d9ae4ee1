//! Sending a claimed batch of remote jobs: first asking the service about
//! those a request may already have reached (by their id), then one
//! `createAsyncIssuanceRequest` for the rest, and telling each outcome
//! from the answer — or from the lack of one.

use std::time::Duration;

use super::claims::{Outgoing, RemoteBatch, SendOutcome};
use super::Drain;
use crate::error::ErrorCode;
use crate::photo::Photo;
use crate::provider::{ProviderError, RemoteCreation, RemoteIssuanceSpec};

pub(super) async fn send(drain: &Drain, batch: RemoteBatch) {
    let RemoteBatch { service, jobs } = batch;
    if jobs.is_empty() {
        return;
    }
    let outcomes = outcomes(drain, &service, jobs).await;
    let status_poll = drain.config.status_poll;
    if let Err(error) = drain
        .blocking(move |queue| queue.commit_sends(outcomes, status_poll))
        .await
    {
        // The jobs stay `sending`: the next start looks them up, so none is
        // sent twice for want of this commit.
        tracing::error!(%error, "could not record what the service answered; the jobs are checked again at the next start");
    }
}

async fn outcomes(drain: &Drain, service: &str, jobs: Vec<Outgoing>) -> Vec<(String, SendOutcome)> {
    let mut outcomes = Vec::with_capacity(jobs.len());
    let Some(provider) = drain.services.provider(service) else {
        let message =
            format!("the service '{service}' is no longer configured; cancel the job or configure it again");
        for job in jobs {
            outcomes.push((job.job_id, failed("queue.unknown_service", &message)));
        }
        return outcomes;
    };
    // Jobs a request may have reached are asked about first; the first
    // network failure ends the look-ups, as the next would fail too.
    let mut to_create = Vec::with_capacity(jobs.len());
    let mut unreachable: Option<ProviderError> = None;
    for job in jobs {
        let Some(template) = drain.services.template(&job.template) else {
            let message = format!(
                "the template '{}' is no longer configured; cancel the job or configure it again",
                job.template
            );
            outcomes.push((job.job_id, failed("queue.unknown_template", &message)));
            continue;
        };
        if let Some(error) = &unreachable {
            outcomes.push((job.job_id.clone(), retry(drain, &job, error, job.look_up_first)));
            continue;
        }
        if !job.look_up_first {
            to_create.push((job, template));
            continue;
        }
        // Whatever reached the service did so while it was being sent.
        let margin = drain.config.lookup_margin;
        let from = at_ms(job.first_attempt_ms)
            .checked_sub(margin)
            .unwrap_or(std::time::SystemTime::UNIX_EPOCH);
        let to = at_ms(job.last_attempt_ms)
            .checked_add(margin)
            .unwrap_or_else(std::time::SystemTime::now);
        match provider.find_remote_issuance(template, &job.job_id, from, to).await {
            Ok(Some(found)) => outcomes.push((
                job.job_id,
                SendOutcome::Sent {
                    remote_id: found.id,
                    expiry: job.expiry,
                    found: true,
                },
            )),
            Ok(None) => to_create.push((job, template)),
            Err(ProviderError::Unsupported { .. }) => outcomes.push((
                job.job_id,
                SendOutcome::Uncertain {
                    detail: "a request may have reached the recipient and this service cannot be asked; check with the service, then retry or cancel".into(),
                },
            )),
            Err(error) => {
                outcomes.push((job.job_id.clone(), retry(drain, &job, &error, true)));
                if matches!(error, ProviderError::Unreachable { .. }) {
                    unreachable = Some(error);
                }
            }
        }
    }
    if let Some(error) = &unreachable {
        for (job, _) in to_create {
            outcomes.push((job.job_id.clone(), retry(drain, &job, error, job.look_up_first)));
        }
        return outcomes;
    }
    if to_create.is_empty() {
        return outcomes;
    }
    // The photos are decoded first, so a bad one fails its job alone.
    let mut sendable = Vec::with_capacity(to_create.len());
    for (job, template) in to_create {
        let photo = match job.photo.clone().map(Photo::from_accepted_jpeg).transpose() {
            Ok(photo) => photo,
            Err(rejection) => {
                outcomes.push((job.job_id, failed(rejection.code(), &rejection.to_string())));
                continue;
            }
        };
        sendable.push((job, template, photo));
    }
    let specs: Vec<RemoteIssuanceSpec<'_>> = sendable
        .iter()
        .map(|(job, template, photo)| RemoteIssuanceSpec {
            template,
            claims: &job.claims,
            contact: job.contact.clone(),
            expiry: job.expiry,
            photo: photo.as_ref(),
            correlation: &job.job_id,
        })
        .collect();
    let created = provider.create_remote_issuances(&specs).await;
    drop(specs);
    match created {
        Ok(answers) => {
            for ((job, _, _), answer) in sendable.into_iter().zip(answers) {
                let outcome = match answer {
                    RemoteCreation::Created(remote) => SendOutcome::Sent {
                        remote_id: remote.id,
                        expiry: job.expiry,
                        found: false,
                    },
                    RemoteCreation::Refused(reason) => failed("provider.rejected", &reason),
                    // Held back for a batch-mate: due again at once.
                    RemoteCreation::NotCreated => SendOutcome::Retry {
                        code: "queue.batch_refused".into(),
                        message: "another job sent with it was refused, so the service created neither"
                            .into(),
                        wait: Duration::ZERO,
                        maybe_sent: false,
                    },
                };
                outcomes.push((job.job_id, outcome));
            }
        }
        Err(error) => {
            for (job, _, _) in sendable {
                let outcome = match &error {
                    ProviderError::Rejected { .. } | ProviderError::Unsupported { .. } => {
                        failed(error.code(), &error.to_string())
                    }
                    // The answer may have been lost after the service acted.
                    ProviderError::Unreachable { .. } | ProviderError::Protocol { .. } => {
                        retry(drain, &job, &error, true)
                    }
                    // Refused before anything ran: the station's credentials,
                    // or a busy service.
                    ProviderError::Busy { .. } | ProviderError::Auth { .. } | ProviderError::Secret(_) => {
                        retry(drain, &job, &error, false)
                    }
                };
                outcomes.push((job.job_id, outcome));
            }
        }
    }
    outcomes
}

fn failed(code: &str, message: &str) -> SendOutcome {
    SendOutcome::Failed {
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

/// Queued again after this attempt's backoff, or the wait the service
/// asked for if longer.
fn retry(drain: &Drain, job: &Outgoing, error: &ProviderError, maybe_sent: bool) -> SendOutcome {
    let asked = match error {
        ProviderError::Busy { wait_asked, .. } => *wait_asked,
        _ => None,
    };
    SendOutcome::Retry {
        code: error.code().to_owned(),
        message: error.to_string(),
        wait: drain.config.retry.delay_honouring(job.attempts, asked),
        maybe_sent,
    }
}

fn at_ms(ms: i64) -> std::time::SystemTime {
    let ms = u64::try_from(ms).unwrap_or(0);
    std::time::SystemTime::UNIX_EPOCH
        .checked_add(Duration::from_millis(ms))
        .unwrap_or(std::time::SystemTime::UNIX_EPOCH)
}
