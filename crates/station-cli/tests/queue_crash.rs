//! The crash test: a few hundred remote jobs queued in a data directory,
//! drained by `station queue work` in its own process, which is killed
//! (`kill -9`) at random moments and started again, `CRASH_KILLS` times
//! (default 20), while recipients claim some of the credentials. The
//! service is a standalone `station sandbox`, which outlives every kill
//! and counts, per job id, the remote issuances it created and the
//! credentials it issued. At the end every job is in exactly one final
//! state (done, sent, failed or cancelled), none is missing, the cancelled
//! ones never went out, and the sandbox saw at most one remote issuance
//! and issued at most one credential per job.
//!
//! `CRASH_JOBS` (default 400) sets the number of jobs and `CRASH_SEED` the
//! random kill times (printed, to repeat a run).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use station_core::queue::{JobStatus, Queue, RetrySchedule};
use station_core::secrets::{MemoryStore, SecretStore};
use station_core::store::audit::Actor;
use station_core::store::database::key_entry;
use station_core::store::Database;
use station_sandbox::{SentNotification, WalletClient};
use station_testkit::config::{Service, StationToml};
use station_testkit::queue::remote_job;
use station_testkit::station::megan_at_contoso;

const MEMBER: &str = r#"
service = "vo"
credential_type = "EventBadge"
contract_id = "c0000000-0000-4000-8000-000000000001" # the sandbox's EventBadge
claims = [
  { name = "given_name", required = true },
  { name = "family_name", required = true },
  { name = "company", required = true },
]
"#;

/// One job per call, one call at a time, so that the drain lasts long
/// enough for most kills to land in the middle of it; fast retries and
/// status checks, so that the test ends in seconds.
const QUEUE: &str = "
[queue]
concurrency = 1
batch_size = 1
retry_first_secs = 1
retry_max_secs = 2
status_poll_secs = 1
status_poll_max_secs = 2
resend_check_secs = 1
";

/// How long the last, uninterrupted run may take to finish the queue.
const FINISH_WITHIN: Duration = Duration::from_secs(90);

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// A small xorshift generator: the kill times need no more, and a seed
/// repeats a run.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound.max(1)
    }
}

/// A `station` process that is killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sandbox(port: u16) -> Process {
    let child = Command::new(env!("CARGO_BIN_EXE_station"))
        .args(["sandbox", "--bind", &format!("127.0.0.1:{port}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let process = Process(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the sandbox never listened on {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
    process
}

struct Station {
    dir: PathBuf,
    config: PathBuf,
    key: String,
    secret: String,
}

impl Station {
    /// `station queue work`, and a channel that says when it first
    /// reported (its drain is running by then).
    fn work(&self) -> (Process, mpsc::Receiver<()>) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_station"))
            .args(["queue", "work"])
            .env("STATION_CONFIG", &self.config)
            .env("STATION_DATA_DIR", &self.dir)
            .env("STATION_SECRET_DATABASE_KEY", &self.key)
            .env("STATION_SECRET_VO", &self.secret)
            .env("STATION_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (started, first_line) = mpsc::channel();
        std::thread::spawn(move || {
            for _ in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = started.send(());
            }
        });
        (Process(child), first_line)
    }
}

/// Recipients claim the credentials of every fifth notification, each once.
async fn claim_some(base_url: &str, wallet: &WalletClient, claimed: &mut BTreeSet<String>) {
    let Ok(response) = reqwest::get(format!("{base_url}/orchestration/sent-notifications")).await else {
        return;
    };
    let sent: Vec<SentNotification> = response.json().await.unwrap();
    for (index, notification) in sent.iter().enumerate() {
        if index % 5 == 0 && claimed.insert(notification.async_issuance_request_id.clone()) {
            station_testkit::orchestration::redeem(wallet, &notification.link).await;
        }
    }
}

fn statuses(queue: &Queue) -> BTreeMap<String, JobStatus> {
    queue
        .list(None, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|job| (job.job_id, job.status))
        .collect()
}

fn tally(statuses: &BTreeMap<String, JobStatus>) -> BTreeMap<JobStatus, usize> {
    let mut tally = BTreeMap::new();
    for status in statuses.values() {
        *tally.entry(*status).or_default() += 1;
    }
    tally
}

fn is_final(status: JobStatus) -> bool {
    matches!(
        status,
        JobStatus::Done | JobStatus::Sent | JobStatus::Failed | JobStatus::Cancelled
    )
}

/// How many timeline entries say `what`.
fn timeline_mentions(queue: &Queue, what: &str) -> usize {
    let connection = queue
        .database()
        .connect(station_core::store::Durability::Normal)
        .unwrap();
    connection
        .query_row(
            "SELECT count(*) FROM job_events WHERE instr(detail, ?1) > 0",
            [what],
            |row| row.get::<_, i64>(0),
        )
        .map(|n| usize::try_from(n).unwrap_or(0))
        .unwrap()
}

fn fill_queue(dir: &Path, jobs: u64) -> (Queue, String, Vec<String>, Vec<String>) {
    let keys = MemoryStore::default();
    let database = Database::open(dir, &keys).unwrap();
    let key = keys
        .get(&key_entry(dir).unwrap())
        .unwrap()
        .unwrap()
        .expose()
        .to_owned();
    let queue = Queue::open(&database, RetrySchedule::default()).unwrap();
    let claims = megan_at_contoso();
    let ids: Vec<String> = (0..jobs)
        .map(|_| {
            queue
                .enqueue(remote_job("member", "vo", &claims, "megan@example.com"))
                .unwrap()
                .job_id
        })
        .collect();
    // A few are called off before any station runs: they never go out.
    let cancelled: Vec<String> = ids.iter().step_by(50).cloned().collect();
    for job_id in &cancelled {
        queue.cancel(job_id, Actor::Staff).unwrap();
    }
    (queue, key, ids, cancelled)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_again_and_again_the_station_sends_every_job_at_most_once() {
    let kills = env_number("CRASH_KILLS", 20);
    let jobs = env_number("CRASH_JOBS", 400);
    let seed = env_number("CRASH_SEED", u64::from(std::process::id()) | 1);
    println!("crash test: {jobs} jobs, {kills} kills, CRASH_SEED={seed}");
    let mut random = Random(seed);

    let port = station_testkit::net::free_port();
    let _sandbox = sandbox(port);
    let base_url = format!("http://127.0.0.1:{port}");
    let wallet = WalletClient::new(&base_url);
    let dir = tempfile::tempdir().unwrap();
    let vo = Service::orchestration().set("events", "subscription");
    let secret = vo.secret().to_owned();
    let config = dir.path().join("station.toml");
    StationToml::new(&base_url)
        .service("vo", vo)
        .template("member", MEMBER)
        .extra(QUEUE)
        .write(&config);
    let (queue, key, ids, cancelled) = fill_queue(dir.path(), jobs);
    let station = Station {
        dir: dir.path().to_path_buf(),
        config,
        key,
        secret,
    };

    let mut claimed = BTreeSet::new();
    let started = Instant::now();
    for kill in 0..kills {
        let (process, first_line) = station.work();
        // Killed before it first reported, now and then, and otherwise at
        // a random moment up to 0.3 s into its drain.
        if random.below(5) > 0 {
            let _ = first_line.recv_timeout(Duration::from_secs(20));
        }
        tokio::time::sleep(Duration::from_millis(random.below(300))).await;
        drop(process);
        println!("kill {}: {:?}", kill + 1, tally(&statuses(&queue)));
        if kill % 2 == 1 {
            claim_some(&base_url, &wallet, &mut claimed).await;
        }
    }
    println!("{kills} kills in {:.1} s", started.elapsed().as_secs_f64());

    // Then it runs undisturbed until every job has ended (or is with its
    // recipient) and every claimed credential is seen issued.
    let (_last, _) = station.work();
    let deadline = Instant::now() + FINISH_WITHIN;
    let finished = loop {
        claim_some(&base_url, &wallet, &mut claimed).await;
        // A job sent twice can never finish as expected: say so at once.
        let twice: Vec<String> = station_testkit::orchestration::counts(&base_url)
            .await
            .into_iter()
            .filter(|(_, seen)| seen.remote_issuances > 1)
            .map(|(identifier, _)| identifier)
            .collect();
        assert!(twice.is_empty(), "sent more than once: {twice:?}");
        let now = statuses(&queue);
        let done = now.values().filter(|s| **s == JobStatus::Done).count();
        if now.values().all(|s| is_final(*s)) && done == claimed.len() {
            break now;
        }
        assert!(
            Instant::now() < deadline,
            "not finished: {:?}, {} claimed",
            tally(&now),
            claimed.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let counts = station_testkit::orchestration::counts(&base_url).await;
    println!("final: {:?}; {} claimed", tally(&finished), claimed.len());
    println!(
        "{} sends interrupted by a kill; {} of them found at the service, the rest sent after a look-up",
        timeline_mentions(&queue, "stopped while sending"),
        timeline_mentions(&queue, "found at the service"),
    );
    println!(
        "sandbox: {} remote issuances, {} credentials, for {} job ids",
        counts.values().map(|c| c.remote_issuances).sum::<u64>(),
        counts.values().map(|c| c.credentials_issued).sum::<u64>(),
        counts.len()
    );

    // None missing, each in exactly one final state.
    assert_eq!(finished.len(), ids.len());
    assert!(ids.iter().all(|id| finished.contains_key(id)));
    assert_eq!(
        tally(&finished).get(&JobStatus::Failed),
        None,
        "{:?}",
        tally(&finished)
    );
    // The cancelled never went out.
    for job_id in &cancelled {
        assert_eq!(finished[job_id], JobStatus::Cancelled);
        assert!(
            !counts.contains_key(job_id),
            "cancelled job {job_id} reached the service"
        );
    }
    // At most one remote issuance and one credential per job; every job
    // that went out went out exactly once.
    for (identifier, seen) in &counts {
        assert!(
            finished.contains_key(identifier),
            "the sandbox saw an unknown id {identifier}"
        );
        assert!(
            seen.remote_issuances <= 1,
            "{identifier} was created {} times",
            seen.remote_issuances
        );
        assert!(
            seen.credentials_issued <= 1,
            "{identifier} was issued {} times",
            seen.credentials_issued
        );
    }
    for (job_id, status) in &finished {
        let went_out = counts.get(job_id).map_or(0, |c| c.remote_issuances);
        let expected = u64::from(matches!(status, JobStatus::Sent | JobStatus::Done));
        assert_eq!(
            went_out, expected,
            "job {job_id} is {status} and went out {went_out} times"
        );
    }
    let issued = counts.values().filter(|c| c.credentials_issued == 1).count();
    assert_eq!(issued, claimed.len());
}
