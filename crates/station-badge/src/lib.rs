//! The badge card printed after an issuance: the recipient's name and
//! photo, the credential, the event, the date and a check-in QR code.
//! typst renders it to PDF as a library, from a template, fonts and images
//! all held in memory (nothing is read from disk or downloaded); CUPS's
//! `lp` prints it, or it is saved for a while under the data directory.
//! Kept out of station-core so the engine builds without typst.

mod card;
mod desk;
mod folder;
mod print;
mod render;

pub use card::{check_in_link, BadgeCard, CheckInPerson, IssueDate};
pub use desk::{BadgeDesk, BadgeOutcome};
pub use folder::{sweep_saved, BadgeFolder, BADGE_FOLDER};
pub use print::{print_pdf, PrintError};
pub use render::{render_pdf, RenderError};

use station_core::error::ErrorCode;
use station_core::EngineError;

/// Why a badge was not printed (the issuance itself stands either way).
#[derive(Debug, thiserror::Error)]
pub enum BadgeError {
    #[error("template '{template}' prints no badge; set badge = \"cr80\" or \"a6\" on it")]
    NoBadge { template: String },
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Print(#[from] PrintError),
    #[error("the badge could not be saved in {folder}: {detail}; check that the data directory is writable")]
    Save { folder: String, detail: String },
}

impl ErrorCode for BadgeError {
    fn code(&self) -> &'static str {
        match self {
            BadgeError::NoBadge { .. } => "badge.none",
            BadgeError::Engine(e) => e.code(),
            BadgeError::Render(_) => "badge.render",
            BadgeError::Print(e) => e.code(),
            BadgeError::Save { .. } => "badge.save",
        }
    }
}
