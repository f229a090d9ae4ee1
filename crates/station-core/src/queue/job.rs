//! What a job is, as staff and front ends see it, and what it takes to make
//! one. The personal data a job carries (claims, photo, contact) is not in
//! [`Job`]: only the drain and the desk read it, through their own types.

use serde::{Deserialize, Serialize};

use crate::provider::{Claims, RemoteContact, RemoteExpiry};
use crate::store::audit::Actor;

/// Where a job is in its life; see the module documentation of
/// [`crate::queue`] for what each means and what follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Sending,
    Sent,
    Ready,
    AtDesk,
    Uncertain,
    Done,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub const ALL: [JobStatus; 9] = [
        JobStatus::Queued,
        JobStatus::Sending,
        JobStatus::Sent,
        JobStatus::Ready,
        JobStatus::AtDesk,
        JobStatus::Uncertain,
        JobStatus::Done,
        JobStatus::Failed,
        JobStatus::Cancelled,
    ];

    /// The name stored in the database and shown by `station queue list`.
    pub fn name(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Sending => "sending",
            JobStatus::Sent => "sent",
            JobStatus::Ready => "ready",
            JobStatus::AtDesk => "at_desk",
            JobStatus::Uncertain => "uncertain",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(name: &str) -> Option<JobStatus> {
        JobStatus::ALL.into_iter().find(|status| status.name() == name)
    }

    /// No later status follows (unless staff retry a failed job).
    pub fn is_final(self) -> bool {
        matches!(self, JobStatus::Done | JobStatus::Failed | JobStatus::Cancelled)
    }
}

impl std::fmt::Display for JobStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How a job reaches its recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Back to the desk or kiosk: the person is called and issued on screen.
    Desk,
    /// The service sends the recipient a link by email or SMS.
    Remote {
        contact: RemoteContact,
        expiry: RemoteExpiry,
    },
}

/// A job's route without its personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RouteKind {
    Desk,
    Remote,
}

impl RouteKind {
    pub fn name(self) -> &'static str {
        match self {
            RouteKind::Desk => "desk",
            RouteKind::Remote => "remote",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<RouteKind> {
        match name {
            "desk" => Some(RouteKind::Desk),
            "remote" => Some(RouteKind::Remote),
            _ => None,
        }
    }
}

/// An issuance to keep until it can go out.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub template: String,
    pub service: String,
    pub route: Route,
    /// The roster person it is for, when picked from the roster: one live
    /// or successful job per person and template, unless overridden.
    pub person_id: Option<i64>,
    pub claims: Claims,
    /// The accepted portrait, a JPEG.
    pub photo: Option<Vec<u8>>,
    /// Who it is for, as staff call them ("ready: call Megan Bowen").
    pub recipient: String,
    /// Why staff issue this template to this roster person again.
    pub override_reason: Option<String>,
    pub actor: Actor,
}

/// A job's last error, as front ends show one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobError {
    pub code: String,
    pub message: String,
}

/// A job as listed: everything but its personal data, except who it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub job_id: String,
    pub template: String,
    pub service: String,
    pub route: RouteKind,
    pub person_id: Option<i64>,
    /// `None` once the retention policy deleted it.
    pub recipient: Option<String>,
    pub status: JobStatus,
    pub attempts: u32,
    pub next_attempt_at_ms: Option<i64>,
    pub last_error: Option<JobError>,
    /// The service's id for the remote issuance it created.
    pub remote_id: Option<String>,
    pub override_reason: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub ended_at_ms: Option<i64>,
    /// Its claims, photo and contact were deleted.
    pub purged: bool,
}

/// One step of a job's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobEvent {
    pub at_ms: i64,
    pub status: JobStatus,
    /// What happened, in words; never a name, contact or photo.
    pub detail: Option<String>,
}

/// How many jobs are in each status, for the window's "3 queued" banner.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueCounts {
    pub queued: u64,
    pub sending: u64,
    pub sent: u64,
    pub ready: u64,
    pub at_desk: u64,
    pub uncertain: u64,
    pub done: u64,
    pub failed: u64,
    pub cancelled: u64,
}

impl QueueCounts {
    pub fn of(&self, status: JobStatus) -> u64 {
        match status {
            JobStatus::Queued => self.queued,
            JobStatus::Sending => self.sending,
            JobStatus::Sent => self.sent,
            JobStatus::Ready => self.ready,
            JobStatus::AtDesk => self.at_desk,
            JobStatus::Uncertain => self.uncertain,
            JobStatus::Done => self.done,
            JobStatus::Failed => self.failed,
            JobStatus::Cancelled => self.cancelled,
        }
    }

    pub(crate) fn set(&mut self, status: JobStatus, count: u64) {
        let slot = match status {
            JobStatus::Queued => &mut self.queued,
            JobStatus::Sending => &mut self.sending,
            JobStatus::Sent => &mut self.sent,
            JobStatus::Ready => &mut self.ready,
            JobStatus::AtDesk => &mut self.at_desk,
            JobStatus::Uncertain => &mut self.uncertain,
            JobStatus::Done => &mut self.done,
            JobStatus::Failed => &mut self.failed,
            JobStatus::Cancelled => &mut self.cancelled,
        };
        *slot = count;
    }

    /// Jobs not yet in a final state.
    pub fn open(&self) -> u64 {
        JobStatus::ALL
            .into_iter()
            .filter(|status| !status.is_final())
            .map(|status| self.of(status))
            .sum()
    }
}

/// What the desk needs to issue a job on screen.
#[derive(Debug, Clone)]
pub struct DeskJob {
    pub job_id: String,
    pub template: String,
    pub claims: Claims,
    /// The JPEG taken when the job was queued.
    pub photo: Option<Vec<u8>>,
    pub recipient: String,
}

/// How a desk issuance of a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskOutcome {
    /// The wallet took the credential.
    Issued,
    /// The service could not be reached (or stayed busy): back in the
    /// queue, tried again with backoff.
    Unreachable { detail: String },
    /// The service or the wallet refused; staff may retry.
    Failed { code: String, message: String },
    /// The person was not there, or walked away before a request went out:
    /// ready to be called again.
    NotTaken,
}
