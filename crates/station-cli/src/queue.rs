//! `station queue` and `station history export`: the outbox and the
//! records from a terminal. Listing, retrying, cancelling, purging and
//! exporting need only the database, so they start no station (and no
//! drain); `station queue work` starts one and drains in the foreground.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap::Subcommand;
use station_core::config::{default_data_dir, ConfigLocation, QueueConfig};
use station_core::queue::{Job, JobStatus, Queue, QueueCounts, RetentionPolicy, RetrySchedule};
use station_core::secrets::KeyringStore;
use station_core::store::audit::Actor;
use station_core::store::export::{audit_csv, history_csv};
use station_core::store::{millis, Database};
use station_launch::launch;

/// How often `station queue work` prints where the queue stands, at most.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

#[derive(Subcommand)]
pub enum QueueAction {
    /// List the jobs, newest first.
    List {
        /// Only jobs in this status: queued, sending, sent, ready, at_desk, uncertain, done, failed, cancelled.
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Send a failed or uncertain job again.
    Retry { job_id: String },
    /// Call off a job that has not gone out: it never will.
    Cancel { job_id: String },
    /// Delete, now, the personal data the [queue] grace and retention periods say is due.
    Purge,
    /// Drain the queue in the foreground until Ctrl-C, printing progress.
    Work,
}

#[derive(Subcommand)]
pub enum HistoryAction {
    /// Write the history as CSV to standard output (claims deleted by retention are empty).
    Export {
        /// The audit log of staff actions instead.
        #[arg(long)]
        audit: bool,
    },
}

pub async fn run(config_path: Option<PathBuf>, action: QueueAction) -> Result<u8, String> {
    let location = ConfigLocation::find(config_path);
    if let QueueAction::Work = action {
        return work(&location).await;
    }
    let config = queue_config(&location)?;
    let queue = open_queue(&config)?;
    match action {
        QueueAction::List { status, limit } => {
            let status = status.as_deref().map(parse_status).transpose()?;
            let jobs = queue.list(status, limit).map_err(|e| e.to_string())?;
            for job in &jobs {
                println!("{}", describe(job));
            }
            if jobs.is_empty() {
                println!("No jobs.");
            }
        }
        QueueAction::Retry { job_id } => {
            let job = queue.retry(&job_id, Actor::Staff).map_err(|e| e.to_string())?;
            println!("Queued again: {}", describe(&job));
        }
        QueueAction::Cancel { job_id } => {
            let job = queue.cancel(&job_id, Actor::Staff).map_err(|e| e.to_string())?;
            println!("Cancelled: {}", describe(&job));
        }
        QueueAction::Purge => {
            let policy = RetentionPolicy {
                grace: config.grace_period,
                retention: config.retention,
            };
            let report = queue
                .purge(SystemTime::now(), policy, Actor::Staff)
                .map_err(|e| e.to_string())?;
            println!(
                "Deleted the details of {} ended jobs and the claims of {} history entries.",
                report.jobs, report.history
            );
        }
        QueueAction::Work => {}
    }
    Ok(0)
}

pub fn history(action: HistoryAction) -> Result<u8, String> {
    let HistoryAction::Export { audit } = action;
    let database = open_database()?;
    let stdout = std::io::stdout().lock();
    let exported = if audit {
        audit_csv(&database, stdout)
    } else {
        history_csv(&database, stdout)
    };
    let rows = exported.map_err(|e| e.to_string())?;
    eprintln!("Exported {rows} rows.");
    Ok(0)
}

/// Starts the station (with its drain) and reports until Ctrl-C; the
/// drain lets calls in flight finish before it stops.
async fn work(location: &ConfigLocation) -> Result<u8, String> {
    let station = launch(location, &default_data_dir())
        .await
        .map_err(|e| e.to_string())?;
    let queue = station.engine.queue().clone();
    let mut events = station.engine.queue_events();
    eprintln!(
        "Draining the queue in {} (Ctrl-C stops).",
        queue.database().path().display()
    );
    let mut last = None;
    loop {
        let counts = counts(&queue).await?;
        if last != Some(counts) {
            println!("{}", progress(&counts));
            last = Some(counts);
        }
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            _ = events.recv() => tokio::time::sleep(PROGRESS_EVERY).await,
            () = tokio::time::sleep(Duration::from_secs(30)) => {}
        }
    }
    station.engine.shutdown().await;
    println!("{}", progress(&counts(&queue).await?));
    Ok(0)
}

async fn counts(queue: &Queue) -> Result<QueueCounts, String> {
    let queue = queue.clone();
    tokio::task::spawn_blocking(move || queue.counts())
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

fn progress(counts: &QueueCounts) -> String {
    let parts: Vec<String> = JobStatus::ALL
        .into_iter()
        .map(|status| format!("{status} {}", counts.of(status)))
        .collect();
    parts.join(", ")
}

/// The `[queue]` table of the config file, or the defaults without one.
fn queue_config(location: &ConfigLocation) -> Result<QueueConfig, String> {
    let file = location.load().map_err(|e| e.to_string())?;
    Ok(file.map(|config| config.queue).unwrap_or_default())
}

fn open_database() -> Result<Database, String> {
    Database::open(&default_data_dir(), &KeyringStore).map_err(|e| e.to_string())
}

fn open_queue(config: &QueueConfig) -> Result<Queue, String> {
    let retry = RetrySchedule::new(config.retry_first, config.retry_max);
    Queue::open(&open_database()?, retry).map_err(|e| e.to_string())
}

fn parse_status(name: &str) -> Result<JobStatus, String> {
    JobStatus::parse(name).ok_or_else(|| {
        let known: Vec<&str> = JobStatus::ALL.into_iter().map(JobStatus::name).collect();
        format!("'{name}' is not a job status; use one of: {}", known.join(", "))
    })
}

/// One line per job: id, status, route, template, attempts, when next,
/// who (staff's own terminal, never a log) and the last error.
fn describe(job: &Job) -> String {
    let next = match job.next_attempt_at_ms {
        Some(at) => {
            let wait = at.saturating_sub(millis(SystemTime::now())).max(0) / 1000;
            format!("next in {wait} s")
        }
        None => String::new(),
    };
    let error = job
        .last_error
        .as_ref()
        .map(|e| format!("  ({}: {})", e.code, e.message))
        .unwrap_or_default();
    format!(
        "{}  {:<9} {:<6} {:<10} attempts {:<3} {:<14} {}{error}",
        job.job_id,
        job.status,
        job.route.name(),
        job.template,
        job.attempts,
        next,
        job.recipient.as_deref().unwrap_or("(details deleted)"),
    )
}
