//! The station's configuration: a TOML file parsed into raw structures, then
//! validated into typed ones. Every error names the file, the field and what
//! to change, because the person reading it is at a front desk, not in a
//! debugger.
//!
//! `raw` is the file as serde reads it, `model` what the station uses,
//! `validate` the way from one to the other (a file per kind of service and
//! of template), and `fields` the table of which fields each kind takes,
//! which the Settings editor reads too.

use std::path::Path;

use crate::error::ErrorCode;

pub(crate) mod fields;
mod location;
mod model;
mod raw;
mod reachability;
mod validate;

pub use location::{default_data_dir, ConfigLocation, CONFIG_ENV, DATA_DIR_ENV};
pub use model::KioskConfig;
pub use model::StaffConfig;
pub use model::{BadgeConfig, BadgeLayout};
pub use model::{
    CallbackConfig, CameraConfig, CameraSource, ClaimConstraint, ClaimField, ConstraintRule,
    CredentialFormat, EntraApiShape, EntraConfig, FlowTiming, IssuanceTarget, IssuanceTemplate, OfferScheme,
    Oid4vciConfig, Oid4vciMode, OrchestrationConfig, OrchestrationEvents, PresentationFaceCheck,
    PresentationTemplate, QueueConfig, ServiceConfig, ServiceKind, StationConfig, StationOptions, Template,
};

pub const ENTRA_AUTHORITY_HOST: &str = "https://login.microsoftonline.com";
pub const ENTRA_API_BASE: &str = "https://verifiedid.did.msidentity.com";
/// The preview API's host (seed 002).
pub const ENTRA_PREVIEW_API_BASE: &str = "https://beta.did.msidentity.com";
/// The Request Service's application permission (seed 001).
pub const ENTRA_SCOPE: &str = "3db474b9-6a0c-4840-96ac-1fceb342124f/.default";
/// The preview API's permission (seed 002).
pub const ENTRA_PREVIEW_SCOPE: &str = "bbb94529-53a3-4be5-a069-7eaf2712b826/.default";

#[derive(Debug, Clone, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("cannot write {path}: {detail}. Fix: make its folder writable by the station (or free disk space); the file is as it was")]
    Write { path: String, detail: String },
    #[error("{path} is not valid station TOML: {detail}")]
    Parse { path: String, detail: String },
    #[error("{path}: `{field}` {problem}. Fix: {fix}")]
    Invalid {
        path: String,
        field: String,
        problem: String,
        fix: String,
    },
}

impl ErrorCode for ConfigError {
    fn code(&self) -> &'static str {
        match self {
            ConfigError::Read { .. } => "config.unreadable",
            ConfigError::Write { .. } => "config.unwritable",
            ConfigError::Parse { .. } => "config.syntax",
            ConfigError::Invalid { .. } => "config.invalid",
        }
    }
}

impl StationConfig {
    pub fn load(path: &Path) -> Result<StationConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        Self::from_toml(&text, &path.display().to_string())
    }

    /// `origin` names the source in error messages (a path, or "built-in").
    pub fn from_toml(text: &str, origin: &str) -> Result<StationConfig, ConfigError> {
        let raw: raw::RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: origin.to_owned(),
            detail: e.to_string(),
        })?;
        validate::Validator { origin }.config(raw)
    }

    pub fn template(&self, name: &str) -> Option<&Template> {
        self.templates.get(name)
    }
}

impl StationOptions {
    /// The `[station]` table of `text` alone, whatever the other tables
    /// hold. The window reads it when the station cannot start, so that a
    /// kiosk whose service is misconfigured still opens locked down (and
    /// says what to fix) instead of as a desktop window. `None` when the
    /// file is not TOML or that table itself is wrong.
    pub fn from_station_table(text: &str) -> Option<StationOptions> {
        let raw: raw::RawStationOnly = toml::from_str(text).ok()?;
        validate::Validator { origin: "" }.station(raw.station).ok()
    }
}

impl StaffConfig {
    /// The `[staff]` table of the file at `path` alone, checked as in the
    /// whole config; the defaults (no PIN) when there is no file.
    pub fn read(path: &Path) -> Result<StaffConfig, ConfigError> {
        let origin = path.display().to_string();
        let Some(text) = crate::settings::read_if_present(path)? else {
            return Ok(StaffConfig::default());
        };
        let raw: raw::RawStaffOnly = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: origin.clone(),
            detail: e.to_string(),
        })?;
        validate::Validator { origin: &origin }.staff(raw.staff)
    }
}
