//! A badge for an issued job: who it was for (from the queue, while it
//! keeps their data), laid out, rendered, then printed or saved.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;
use station_core::config::Template;
use station_core::engine::Engine;
use station_core::EngineError;

use crate::card::{check_in_link, BadgeCard, CheckInPerson, IssueDate};
use crate::folder::BadgeFolder;
use crate::print::print_pdf;
use crate::render::render_pdf;
use crate::BadgeError;

/// Where a badge went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum BadgeOutcome {
    /// Sent to the CUPS queue `printer`; `request` is what `lp` answered.
    Printed { printer: String, request: String },
    /// No printer is set: saved for staff to print.
    Saved { path: PathBuf },
}

/// Prints (or saves) the badges of one station's issuances.
pub struct BadgeDesk<'a> {
    engine: &'a Engine,
    folder: BadgeFolder,
}

impl<'a> BadgeDesk<'a> {
    /// Saved badges go in the station's data directory, the one that holds
    /// its database; they are kept for the queue's grace period, as the
    /// same name and photo leave the job then.
    pub fn new(engine: &'a Engine) -> BadgeDesk<'a> {
        let data_dir = engine.database().path().parent().unwrap_or(Path::new("."));
        BadgeDesk {
            engine,
            folder: BadgeFolder::new(data_dir, engine.config().queue.grace_period),
        }
    }

    /// Deletes the saved badges kept past the grace period: at start (a
    /// station that was stopped may have left some) and before each save.
    pub fn sweep(&self) -> usize {
        let deleted = self.folder.sweep(SystemTime::now());
        if deleted > 0 {
            tracing::info!(deleted, "saved badges past the queue's grace period deleted");
        }
        deleted
    }

    /// The badge of issued job `job_id` (a desk issuance's flow id).
    pub fn card(&self, job_id: &str) -> Result<BadgeCard, BadgeError> {
        let engine = self.engine;
        let recipient = engine
            .queue()
            .issued_recipient(job_id)
            .map_err(EngineError::from)?;
        let Some(Template::Issuance(template)) = engine.config().template(&recipient.template) else {
            return Err(BadgeError::NoBadge {
                template: recipient.template,
            });
        };
        let layout = template.badge.ok_or_else(|| BadgeError::NoBadge {
            template: template.name.clone(),
        })?;
        let person = match recipient.person_id {
            Some(id) => CheckInPerson::Roster(id),
            None => CheckInPerson::Job(recipient.job_id.clone()),
        };
        Ok(BadgeCard {
            layout,
            name: recipient.name,
            photo_jpeg: recipient.photo,
            credential: template.display_name.clone(),
            event: engine.config().badge.event.clone(),
            issued_on: IssueDate::utc(SystemTime::now()),
            check_in: check_in_link(&template.credential_type, &person),
        })
    }

    /// Renders the badge of `job_id` and prints it on the configured
    /// printer, or saves it when there is none. Blocks (typst, `lp`).
    pub fn print(&self, job_id: &str) -> Result<BadgeOutcome, BadgeError> {
        let card = self.card(job_id)?;
        let pdf = render_pdf(&card)?;
        let saved = self.folder.save(job_id, &pdf).map_err(|e| BadgeError::Save {
            folder: self.folder.path().display().to_string(),
            detail: e.to_string(),
        })?;
        let Some(printer) = self.engine.config().badge.printer.clone() else {
            return Ok(BadgeOutcome::Saved { path: saved });
        };
        let printed = print_pdf(&saved, &printer, card.layout);
        // lp has copied the file into the CUPS spool (or failed): the
        // badge, with the name and photo, does not stay on disk.
        if let Err(error) = std::fs::remove_file(&saved) {
            tracing::warn!(%error, "a printed badge could not be deleted; the grace period sweep will");
        }
        Ok(BadgeOutcome::Printed {
            printer,
            request: printed?,
        })
    }
}
