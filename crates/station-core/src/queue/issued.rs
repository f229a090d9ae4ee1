//! Who a finished issuance was for, while the job still keeps it: what a
//! badge printed after the issuance (or again, on request) shows.

use rusqlite::OptionalExtension;

use super::transition::{self, unreadable};
use super::{JobStatus, Queue, QueueError};
use crate::provider::Claims;

/// A done job's recipient, until the queue's grace period deletes it.
#[derive(Clone)]
pub struct IssuedRecipient {
    pub job_id: String,
    pub template: String,
    /// The roster person it was issued to, if picked from the roster.
    pub person_id: Option<i64>,
    /// The recipient's name as the queue shows it.
    pub name: String,
    pub claims: Claims,
    /// The accepted portrait (JPEG), if the issuance carried one taken at the station.
    pub photo: Option<Vec<u8>>,
}

impl Queue {
    /// The recipient of job `job_id`, once it is done (issued) and while
    /// its personal data is kept.
    pub fn issued_recipient(&self, job_id: &str) -> Result<IssuedRecipient, QueueError> {
        self.read(|connection| {
            let status = transition::status_of(connection, job_id)?;
            if status != JobStatus::Done {
                return Err(QueueError::WrongState {
                    job_id: job_id.to_owned(),
                    status,
                    action: "shown as issued",
                    allowed: "done jobs",
                }
                .into());
            }
            type Row = (
                String,
                Option<i64>,
                Option<String>,
                Option<Vec<u8>>,
                Option<String>,
            );
            let row: Option<Row> = connection
                .query_row(
                    "SELECT template, person_id, claims, photo, recipient FROM jobs
                     WHERE job_id = ?1 AND purged_at_ms IS NULL",
                    [job_id],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)),
                )
                .optional()?;
            let Some((template, person_id, Some(claims), photo, Some(name))) = row else {
                return Err(QueueError::Purged {
                    job_id: job_id.to_owned(),
                }
                .into());
            };
            let claims: Claims =
                serde_json::from_str(&claims).map_err(|e| unreadable(job_id, format!("claims: {e}")))?;
            Ok(IssuedRecipient {
                job_id: job_id.to_owned(),
                template,
                person_id,
                name,
                claims,
                photo,
            })
        })
    }
}
