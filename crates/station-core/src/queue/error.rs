//! What can go wrong with the queue, each with a stable code and a message
//! that says what to do.

use super::JobStatus;
use crate::error::ErrorCode;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("this person already has a '{template}' credential, or one on its way (job {job_id}); to issue it again, give a reason for the override")]
    AlreadyIssued {
        template: String,
        person_id: i64,
        job_id: String,
    },
    #[error("the roster has no person {person_id}; pick the recipient from the roster again, or type their details in")]
    UnknownPerson { person_id: i64 },
    #[error("there is no job '{job_id}' in the queue; `station queue list` shows the jobs there are")]
    NotFound { job_id: String },
    #[error("job {job_id} is {status}, so it cannot be {action}; that works for jobs that are {allowed}")]
    WrongState {
        job_id: String,
        status: JobStatus,
        action: &'static str,
        allowed: &'static str,
    },
    #[error("job {job_id}'s details were deleted under the retention policy, so it cannot go out again; start a new issuance for the person")]
    Purged { job_id: String },
    #[error("job {job_id} is stored in a form this station cannot read ({detail}); cancel it and start a new issuance")]
    Unreadable { job_id: String, detail: String },
    #[error("the queue's worker stopped before it answered ({detail}); restart the station")]
    Stopped { detail: String },
    #[error(transparent)]
    Database(#[from] StoreError),
}

impl ErrorCode for QueueError {
    fn code(&self) -> &'static str {
        match self {
            QueueError::AlreadyIssued { .. } => "queue.already_issued",
            QueueError::UnknownPerson { .. } => "queue.unknown_person",
            QueueError::NotFound { .. } => "queue.not_found",
            QueueError::WrongState { .. } => "queue.wrong_state",
            QueueError::Purged { .. } => "queue.purged",
            QueueError::Unreadable { .. } => "queue.unreadable",
            QueueError::Stopped { .. } => "queue.stopped",
            QueueError::Database(_) => "queue.database",
        }
    }
}
