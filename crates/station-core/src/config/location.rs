//! Where the config file and the history live.

use std::path::PathBuf;

use super::{ConfigError, StationConfig};

/// Overrides the config file location.
pub const CONFIG_ENV: &str = "STATION_CONFIG";
/// Overrides the data directory (history database), so tests never touch a
/// user's files.
pub const DATA_DIR_ENV: &str = "STATION_DATA_DIR";

/// Where the config file is, and whether someone named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigLocation {
    pub path: PathBuf,
    /// Named by `--config` or `$STATION_CONFIG`: then it must exist, because
    /// a typo must not quietly turn a real station into the sandbox.
    pub explicit: bool,
}

impl ConfigLocation {
    /// `named` (from the command line), else `$STATION_CONFIG`, else the
    /// user's config directory.
    pub fn find(named: Option<PathBuf>) -> ConfigLocation {
        if let Some(path) = named.or_else(|| std::env::var_os(CONFIG_ENV).map(PathBuf::from)) {
            return ConfigLocation { path, explicit: true };
        }
        let path = dirs::config_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("issuance-station")
            .join("station.toml");
        ConfigLocation {
            path,
            explicit: false,
        }
    }

    /// The config in the file; `None` when there is no file and none was
    /// asked for (the station then runs the sandbox).
    pub fn load(&self) -> Result<Option<StationConfig>, ConfigError> {
        if self.path.exists() {
            return StationConfig::load(&self.path).map(Some);
        }
        if self.explicit {
            return Err(ConfigError::Read {
                path: self.path.display().to_string(),
                detail: "no such file. Create it, or unset STATION_CONFIG / drop --config to run the sandbox"
                    .into(),
            });
        }
        Ok(None)
    }
}

/// Where history lives: `$STATION_DATA_DIR`, else the user's data directory.
pub fn default_data_dir() -> PathBuf {
    if let Some(path) = std::env::var_os(DATA_DIR_ENV) {
        return PathBuf::from(path);
    }
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("issuance-station")
}
