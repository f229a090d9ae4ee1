//! `station queue list|retry|cancel|purge` and `station history export`
//! as staff run them, on a data directory whose queue the test filled
//! through the library. The service is away (a closed port), so nothing
//! drains meanwhile — and these commands start no drain anyway.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::path::Path;
use std::process::{Command, Output};

use station_core::queue::{DeskOutcome, JobStatus, Queue, RetrySchedule};
use station_core::secrets::{MemoryStore, SecretStore};
use station_core::store::database::key_entry;
use station_core::store::Database;
use station_testkit::config::StationToml;
use station_testkit::queue::{desk_job, remote_job};
use station_testkit::station::{megan_at_contoso, orchestration_options};

struct Desk {
    dir: tempfile::TempDir,
    config: std::path::PathBuf,
    key: String,
    queue: Queue,
}

fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let closed = format!("http://127.0.0.1:{}", station_testkit::net::free_port());
    let file = StationToml::new(&closed)
        .extra(&orchestration_options("subscription").extra_toml)
        .extra("\n[queue]\ngrace_period_hours = 0\n");
    let config = dir.path().join("station.toml");
    file.write(&config);
    let keys = MemoryStore::default();
    let database = Database::open(dir.path(), &keys).unwrap();
    let key = keys.get(&key_entry(dir.path()).unwrap()).unwrap().unwrap();
    Desk {
        queue: Queue::open(&database, RetrySchedule::default()).unwrap(),
        key: key.expose().to_owned(),
        config,
        dir,
    }
}

impl Desk {
    fn station(&self, args: &[&str]) -> Output {
        station_in(self.dir.path(), &self.config, &self.key, args)
    }
}

fn station_in(dir: &Path, config: &Path, key: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_station"))
        .args(args)
        .env("STATION_CONFIG", config)
        .env("STATION_DATA_DIR", dir)
        .env("STATION_SECRET_DATABASE_KEY", key)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn staff_list_retry_cancel_and_purge_jobs_and_export_the_records() {
    let desk = desk();
    let claims = megan_at_contoso();
    let remote = desk
        .queue
        .enqueue(remote_job("member", "vo", &claims, "megan@example.com"))
        .unwrap()
        .job_id;
    let failed = desk
        .queue
        .enqueue(desk_job("member", "vo", &claims))
        .unwrap()
        .job_id;
    desk.queue.begin_desk(&failed).unwrap();
    desk.queue
        .finish_desk(
            &failed,
            DeskOutcome::Failed {
                code: "service.userCanceled".into(),
                message: "declined in the wallet".into(),
            },
        )
        .unwrap();

    let listed = stdout(&desk.station(&["queue", "list"]));
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(listed.contains(&remote) && listed.contains(&failed), "{listed}");
    assert!(listed.contains("Megan Bowen"), "{listed}");
    assert!(
        listed.contains("service.userCanceled: declined in the wallet"),
        "{listed}"
    );
    let only_failed = stdout(&desk.station(&["queue", "list", "--status", "failed"]));
    assert_eq!(only_failed.lines().count(), 1);
    assert!(only_failed.starts_with(&failed), "{only_failed}");
    let bogus = desk.station(&["queue", "list", "--status", "lost"]);
    assert_eq!(bogus.status.code(), Some(1));
    assert!(
        stderr(&bogus).contains("use one of: queued, sending"),
        "{}",
        stderr(&bogus)
    );

    let cancelled = stdout(&desk.station(&["queue", "cancel", &remote]));
    assert!(cancelled.starts_with("Cancelled:"), "{cancelled}");
    let again = desk.station(&["queue", "cancel", &remote]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("cannot be cancelled"),
        "{}",
        stderr(&again)
    );
    let retried = stdout(&desk.station(&["queue", "retry", &failed]));
    assert!(retried.starts_with("Queued again:"), "{retried}");
    assert_eq!(desk.queue.get(&failed).unwrap().status, JobStatus::Queued);
    assert_eq!(desk.queue.get(&remote).unwrap().status, JobStatus::Cancelled);

    // grace_period_hours = 0: the cancelled job's details go at once.
    let purged = stdout(&desk.station(&["queue", "purge"]));
    assert!(purged.contains("the details of 1 ended jobs"), "{purged}");
    assert!(desk.queue.get(&remote).unwrap().purged);

    let history = stdout(&desk.station(&["history", "export"]));
    let mut rows = csv::Reader::from_reader(history.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header.first().map(String::as_str), Some("flow_id"));
    assert_eq!(header.last().map(String::as_str), Some("claims"));
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2);
    let by_id = |id: &str| records.iter().find(|r| &r[0] == id).unwrap().clone();
    assert_eq!(&by_id(&remote)[1], "remote_issuance");
    assert_eq!(&by_id(&remote)[6], "cancelled");
    assert!(
        by_id(&failed)[9].contains("Contoso"),
        "an open job's flow keeps its claims"
    );
    assert!(
        by_id(&remote)[4].ends_with('Z'),
        "ISO-8601 times: {:?}",
        by_id(&remote)
    );

    let audit = stdout(&desk.station(&["history", "export", "--audit"]));
    let actions: Vec<String> = csv::Reader::from_reader(audit.as_bytes())
        .records()
        .map(|r| r.unwrap()[2].to_owned())
        .collect();
    assert_eq!(actions, ["queued", "queued", "cancelled", "retried", "purged"]);
}
