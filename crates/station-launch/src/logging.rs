//! Where the station's logs go: a daily file in the data directory, which an
//! attendant can read after the fact, and the terminal, which shows only what
//! needs someone's attention now.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Sets the file's level (`info`, `debug`, `trace`, or any `EnvFilter`
/// directive such as `station_core=debug`).
const LOG_ENV: &str = "STATION_LOG";
/// `<data dir>/logs/station.log.YYYY-MM-DD`.
pub const LOG_DIR: &str = "logs";
const LOG_FILE_PREFIX: &str = "station.log";
/// Two weeks of days: enough to look back on an event, little enough that a
/// kiosk's disk never fills with logs.
const KEPT_LOG_FILES: usize = 14;
/// The station's own crates at `info` (targets match by prefix: `station`
/// covers station_core, station_launch, station_sandbox and the CLI;
/// `issuance_station` the window app), everything else at `warn`.
const FILE_DEFAULT: &str = "warn,station=info,issuance_station=info";
const TERMINAL_LEVEL: &str = "warn";

/// Keeps the file writer running: the last lines reach the file when this is
/// dropped, so hold it until the process ends.
#[must_use = "dropping it stops the log file's writer"]
pub struct Logging {
    _file_writer: Option<WorkerGuard>,
    /// The day's file is `station.log.YYYY-MM-DD` in this directory.
    pub log_dir: Option<PathBuf>,
}

/// Logs to `<data dir>/logs/` (data dir: `$STATION_DATA_DIR` or the user's)
/// and to standard error. Without a usable log directory it logs to the
/// terminal only, and says so there once.
pub fn init_logging() -> Logging {
    let log_dir = station_core::config::default_data_dir().join(LOG_DIR);
    let (file_filter, bad_filter) = file_filter();
    let terminal = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(EnvFilter::new(TERMINAL_LEVEL));
    match file_appender(&log_dir) {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let file = tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(file_filter);
            let _ = tracing_subscriber::registry()
                .with(terminal)
                .with(file)
                .try_init();
            warn_bad_filter(bad_filter);
            Logging {
                _file_writer: Some(guard),
                log_dir: Some(log_dir),
            }
        }
        Err(error) => {
            let _ = tracing_subscriber::registry().with(terminal).try_init();
            warn_bad_filter(bad_filter);
            tracing::warn!(
                dir = %log_dir.display(),
                %error,
                "cannot write log files there, so logs go to this terminal only; make the folder writable for the station's user (or set STATION_DATA_DIR)"
            );
            Logging {
                _file_writer: None,
                log_dir: None,
            }
        }
    }
}

fn file_appender(log_dir: &Path) -> Result<RollingFileAppender, Box<dyn std::error::Error>> {
    // Made first: the appender prints its own complaint when it prunes old
    // files in a folder that is not there yet.
    std::fs::create_dir_all(log_dir)?;
    Ok(Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .max_log_files(KEPT_LOG_FILES)
        .build(log_dir)?)
}

/// `$STATION_LOG`'s filter, or the default and what was wrong with it.
fn file_filter() -> (EnvFilter, Option<String>) {
    match std::env::var(LOG_ENV) {
        Ok(directives) if !directives.trim().is_empty() => match EnvFilter::try_new(&directives) {
            Ok(filter) => (filter, None),
            Err(error) => (
                EnvFilter::new(FILE_DEFAULT),
                Some(format!("{LOG_ENV}='{directives}': {error}")),
            ),
        },
        _ => (EnvFilter::new(FILE_DEFAULT), None),
    }
}

fn warn_bad_filter(problem: Option<String>) {
    if let Some(problem) = problem {
        tracing::warn!(
            %problem,
            "not a log filter, so the log file keeps the default levels; use e.g. {LOG_ENV}=debug"
        );
    }
}
