//! The window's side of the staff gate: every staff command starts with
//! `state.staff().require()?`, which refuses (`staff.locked`) unless staff
//! unlocked the station with the staff PIN. The gate itself lives in
//! station-core; this reads what it checks against on each call — the
//! `[staff]` table of the config file (so `station staff set-pin` takes
//! effect at once) and whether this is a kiosk — and hands it the running
//! station's database, where wrong tries are counted.

use std::sync::Arc;

use station_core::config::{ConfigError, StaffConfig};
use station_core::staff::{GateSettings, PinHash, StaffError, StaffGate, StaffPin, StaffStatus};
use station_core::store::Database;
use zeroize::Zeroizing;

use crate::error::AppError;

/// One look at the gate, with what it checks against. Owned, so the slow
/// part (argon2) can move to a blocking thread.
pub struct StaffCheck {
    gate: Arc<StaffGate>,
    settings: Result<GateSettings, ConfigError>,
    database: Option<Database>,
    config_path: std::path::PathBuf,
}

impl StaffCheck {
    pub(crate) fn new(
        gate: Arc<StaffGate>,
        config_path: std::path::PathBuf,
        kiosk: bool,
        database: Option<Database>,
    ) -> StaffCheck {
        let settings = StaffConfig::read(&config_path).map(|staff| GateSettings { staff, kiosk });
        StaffCheck {
            gate,
            settings,
            database,
            config_path,
        }
    }

    fn settings(&self) -> Result<&GateSettings, AppError> {
        self.settings.as_ref().map_err(|e| AppError::Config(e.clone()))
    }

    /// Refuses unless staff functions are open now; counts as activity.
    pub fn require(&self) -> Result<(), AppError> {
        Ok(self.gate.require(self.settings()?, self.database.as_ref())?)
    }

    /// Whether staff functions are open now; a config file the gate cannot
    /// read keeps them closed.
    pub fn is_open(&self) -> bool {
        self.settings.as_ref().is_ok_and(|s| self.gate.is_open(s))
    }

    pub fn status(&self) -> Result<StaffStatus, AppError> {
        Ok(self.gate.status(self.settings()?, self.database.as_ref())?)
    }

    /// Checks `pin` (slow on purpose: run it on a blocking thread).
    pub fn unlock(&self, pin: &str) -> Result<StaffStatus, AppError> {
        let database = self.database.as_ref().ok_or_else(not_running)?;
        Ok(self.gate.unlock(self.settings()?, database, pin)?)
    }

    pub fn lock(&self) -> Result<(), AppError> {
        Ok(self.gate.lock(self.database.as_ref())?)
    }

    pub fn activity(&self) -> Result<(), AppError> {
        self.gate.activity(self.settings()?, self.database.as_ref());
        Ok(())
    }

    /// Writes a new staff PIN's hash into the config file (slow on
    /// purpose: run it on a blocking thread); staff only, and `repeat` must
    /// match.
    pub fn set_pin(
        &self,
        pin: Zeroizing<String>,
        repeat: Zeroizing<String>,
    ) -> Result<StaffStatus, AppError> {
        self.require()?;
        let pin = StaffPin::new(&pin)?;
        if StaffPin::new(&repeat).map_or(true, |repeat| !pin.same_as(&repeat)) {
            return Err(StaffError::PinMismatch.into());
        }
        let hash = PinHash::of(&pin)?;
        station_core::staff::write_pin_hash(&self.config_path, &hash)?;
        self.gate.pin_set(self.database.as_ref())?;
        // Read again: the file now holds the new hash.
        let settings = StaffConfig::read(&self.config_path)?;
        let kiosk = self.settings()?.kiosk;
        Ok(self.gate.status(
            &GateSettings {
                staff: settings,
                kiosk,
            },
            self.database.as_ref(),
        )?)
    }
}

fn not_running() -> AppError {
    AppError::NotStarted(
        "the staff PIN is checked against the station's database, which opens when the station starts; fix what stops it (`station doctor` says), then unlock".into(),
    )
}
