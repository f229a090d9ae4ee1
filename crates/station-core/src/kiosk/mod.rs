//! The self-service kiosk: a visitor holds their ticket up to the camera
//! (or types its registration code), the station finds them in the
//! roster by that code alone, and they issue their own badge.
//!
//! - [`ticket`]: what a ticket's QR code says, and finding it in a frame;
//! - [`scanner`]: the camera looking for tickets a few times a second;
//! - [`lookup`]: the code to a visitor, never anyone else, with failed
//!   look-ups slowed down so nobody can walk the roster by guessing codes.

pub mod lookup;
pub mod scanner;
pub mod ticket;

pub use lookup::{Kiosk, Visitor};
pub use scanner::{ScanEvent, TicketScanner};
pub use ticket::{code_from_ticket, decode_ticket, MAX_CODE_CHARS};

use crate::error::ErrorCode;
use crate::roster::RosterError;

#[derive(Debug, thiserror::Error)]
pub enum KioskError {
    #[error("no registration code was given: type the code printed on the ticket, or hold the ticket's QR code up to the camera")]
    NoCode,
    #[error("a registration code is at most {max} characters: type the code printed on the ticket")]
    CodeTooLong { max: usize },
    #[error("no one with this registration code is expected here: check the code on the ticket, or ask at the staff desk")]
    NotInRoster,
    #[error(
        "this registration code already has its {template}: ask at the staff desk if it needs issuing again"
    )]
    AlreadyIssued { template: String },
    #[error("too many codes that were not found: wait {wait_secs} seconds and try again, or ask at the staff desk")]
    SlowDown { wait_secs: u64 },
    #[error(
        "this kiosk has no badge to issue: set [kiosk] template in station.toml to an issuance template"
    )]
    NoTemplate,
    #[error("[kiosk] template names '{name}', which this station does not issue: name one of its issuance templates")]
    UnknownTemplate { name: String },
    #[error(transparent)]
    Roster(#[from] RosterError),
}

impl ErrorCode for KioskError {
    fn code(&self) -> &'static str {
        match self {
            KioskError::NoCode => "kiosk.no_code",
            KioskError::CodeTooLong { .. } => "kiosk.code_too_long",
            KioskError::NotInRoster => "kiosk.not_in_roster",
            KioskError::AlreadyIssued { .. } => "kiosk.already_issued",
            KioskError::SlowDown { .. } => "kiosk.slow_down",
            KioskError::NoTemplate => "kiosk.no_template",
            KioskError::UnknownTemplate { .. } => "kiosk.unknown_template",
            KioskError::Roster(e) => e.code(),
        }
    }
}
