//! Following up on jobs that are out of the station's hands: asking where
//! sent remote jobs stand, and whether the service that desk jobs wait for
//! answers again.

use super::claims::{DeskProbe, PollOutcome, SentJob};
use super::Drain;
use crate::error::ErrorCode;

/// One status check per job, one after the other (the batch holds one
/// permit), then one commit for all.
pub(super) async fn poll(drain: &Drain, jobs: Vec<SentJob>) {
    let mut outcomes = Vec::with_capacity(jobs.len());
    for job in jobs {
        let outcome = match drain.services.provider(&job.service) {
            None => PollOutcome::Unanswered {
                code: "queue.unknown_service".into(),
                message: format!("the service '{}' is no longer configured", job.service),
            },
            Some(provider) => match provider.remote_issuance_status(&job.remote_id).await {
                Ok(status) => PollOutcome::Answered(status),
                Err(error) => PollOutcome::Unanswered {
                    code: error.code().to_owned(),
                    message: error.to_string(),
                },
            },
        };
        outcomes.push((job, outcome));
    }
    let status_poll = drain.config.status_poll;
    if let Err(error) = drain
        .blocking(move |queue| queue.commit_polls(outcomes, status_poll))
        .await
    {
        tracing::error!(%error, "could not record where sent jobs stand; asking again later");
    }
}

/// Asks the service the desk jobs wait for whether it answers.
pub(super) async fn probe(drain: &Drain, probe: DeskProbe) {
    let answer = match drain.services.provider(&probe.service) {
        None => Err((
            "queue.unknown_service".to_owned(),
            format!("the service '{}' is no longer configured", probe.service),
        )),
        Some(provider) => provider
            .check_access()
            .await
            .map_err(|error| (error.code().to_owned(), error.to_string())),
    };
    let retry = drain.config.retry;
    let committed = drain
        .blocking(move |queue| {
            let failure = answer
                .as_ref()
                .err()
                .map(|(code, message)| (code.as_str(), message.as_str()));
            queue.commit_probe(&probe, failure, retry)
        })
        .await;
    if let Err(error) = committed {
        tracing::error!(%error, "could not record whether the service answers; asking again later");
    }
}
