//! The staff gate: what only staff may do (Settings, History, the Queue,
//! the attendant view, leaving kiosk mode) needs the staff PIN. The PIN is
//! kept as an argon2id hash in the config file ([`pin`]); wrong tries slow
//! down and lock out, counted in the database ([`attempts`]); an unlocked
//! session locks again when left idle ([`session`]); [`StaffGate`] ties them
//! together for the front ends, which refuse every staff command unless it
//! says yes.
//!
//! Without a PIN, a desk station is open as before the gate existed, and a
//! kiosk keeps every staff function locked until one is set with
//! `station staff set-pin`.

mod attempts;
mod gate;
mod pin;
mod pin_file;
mod session;

use std::time::Duration;

pub use attempts::{Admission, AfterWrong, AttemptPolicy, AttemptRecord, MAX_DELAY};
pub use gate::{Clock, GateState, StaffGate, StaffStatus, SystemClock};
pub use pin::{PinHash, StaffPin, MAX_DIGITS, MIN_DIGITS};
pub use pin_file::write_pin_hash;
pub use session::Session;

use crate::config::{ConfigError, StaffConfig};
use crate::error::ErrorCode;
use crate::store::StoreError;

/// What the gate checks against: the `[staff]` table and whether the
/// station is a kiosk (`[station] kiosk` or `--kiosk`).
#[derive(Debug, Clone, Default)]
pub struct GateSettings {
    pub staff: StaffConfig,
    pub kiosk: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("only staff can do this: unlock with the staff PIN first")]
    Locked,
    #[error("no staff PIN is set on this kiosk, so staff functions stay locked: run `station staff set-pin` on the station's computer")]
    NoPin,
    #[error("that is not the staff PIN: {tries_left} more wrong {} before a lockout; the next try in {} s", tries(.tries_left), seconds(.wait))]
    WrongPin { tries_left: u32, wait: Duration },
    #[error("wait {} s before trying the staff PIN again", seconds(.wait))]
    TooSoon { wait: Duration },
    #[error("too many wrong staff PINs: the PIN can be tried again in {}", minutes_and_seconds(.remaining))]
    LockedOut { remaining: Duration },
    #[error("the staff PIN is 4 to 12 digits (0–9), and nothing else")]
    PinRules,
    #[error("the two PINs differ: type the same PIN twice")]
    PinMismatch,
    #[error("the staff PIN hash is not an argon2id PHC string ($argon2id$…): set the PIN again with `station staff set-pin`")]
    BadHash,
    #[error("the staff PIN could not be hashed ({0}); try again")]
    Hashing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl ErrorCode for StaffError {
    fn code(&self) -> &'static str {
        match self {
            StaffError::Locked => "staff.locked",
            StaffError::NoPin => "staff.no_pin",
            StaffError::WrongPin { .. } => "staff.wrong_pin",
            StaffError::TooSoon { .. } => "staff.wait",
            StaffError::LockedOut { .. } => "staff.locked_out",
            StaffError::PinRules => "staff.pin_rules",
            StaffError::PinMismatch => "staff.pin_mismatch",
            StaffError::BadHash => "staff.bad_hash",
            StaffError::Hashing(_) => "staff.hashing",
            StaffError::Store(e) => e.code(),
            StaffError::Config(e) => e.code(),
        }
    }
}

fn tries(count: &u32) -> &'static str {
    if *count == 1 {
        "try"
    } else {
        "tries"
    }
}

/// Whole seconds, at least one: "wait 0 s" would read as "try now".
fn seconds(duration: &Duration) -> u64 {
    duration.as_secs_f64().ceil().max(1.0) as u64
}

fn minutes_and_seconds(duration: &Duration) -> String {
    let secs = seconds(duration);
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}
