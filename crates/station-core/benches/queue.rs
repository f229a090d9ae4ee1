//! The outbox's two numbers; prints them, asserts nothing about time.
//!
//! - Durable enqueue: one job with its history row and audit entry, one
//!   transaction with synchronous = FULL, on the disk the temporary
//!   directory is on (target p99 ≤ 2 ms): back to back
//!   (`QUEUE_BENCH_ENQUEUES`, default 2,000), and paced one every 10 ms as
//!   a busy desk queues them (`QUEUE_BENCH_PACED`, default 300), where the
//!   log's checkpoints fall between commits instead of beside them.
//! - Drain: that many remote jobs (`QUEUE_BENCH_JOBS`, default 10,000)
//!   sent to the sandbox by the drain, batched, four calls at once (target
//!   ≥ 500 jobs per second), with the station's resident memory (VmRSS) at
//!   the start, along the way and at the end. The sandbox runs in a child
//!   process (this same program, started again), so that its own records
//!   of ten thousand requests are not counted as the station's.
//!
//! `cargo bench -p station-core --bench queue`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use station_core::config::{ServiceKind, StationConfig};
use station_core::provider::orchestration::OrchestrationProvider;
use station_core::provider::Provider;
use station_core::queue::{spawn_drain, DrainConfig, DrainServices, Queue, RetrySchedule};
use station_core::secrets::{MemoryStore, Secret, SecretStore};
use station_core::store::Database;
use station_testkit::config::StationToml;
use station_testkit::queue::remote_job;
use station_testkit::station::{megan_at_contoso, orchestration_options};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn queue_in(dir: &std::path::Path) -> Queue {
    let database = Database::open(dir, &MemoryStore::default()).unwrap();
    Queue::open(&database, RetrySchedule::default()).unwrap()
}

/// Resident memory of this process, in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// `runs` enqueues, `gap` apart; prints the latencies' percentiles.
fn enqueue_latency(runs: usize, gap: Duration, how: &str) {
    if runs == 0 {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let queue = queue_in(dir.path());
    let claims = megan_at_contoso();
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let job = remote_job("member", "vo", &claims, "megan@example.com");
        let started = Instant::now();
        queue.enqueue(job).unwrap();
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(gap);
    }
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "durable enqueue, {how} (synchronous=FULL, job + history + audit)  n={runs}  p50={:.3} ms  p99={:.3} ms  max={:.3} ms  (target p99 <= 2 ms)",
        at(0.5),
        at(0.99),
        samples[samples.len() - 1]
    );
}

/// Set in the child that serves the sandbox: the port to listen on.
const SANDBOX_PORT_ENV: &str = "QUEUE_BENCH_SANDBOX_PORT";

/// This program again, as the sandbox on `port`; killed when dropped.
struct SandboxProcess(std::process::Child);

impl SandboxProcess {
    fn start(port: u16) -> SandboxProcess {
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .env(SANDBOX_PORT_ENV, port.to_string())
            .stdin(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the sandbox never listened on {port}");
            std::thread::sleep(Duration::from_millis(20));
        }
        SandboxProcess(child)
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn serve_sandbox(port: u16) {
    let sandbox = station_testkit::sandbox::start_with(station_sandbox::SandboxConfig {
        bind: std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, port)),
        ..station_sandbox::SandboxConfig::default()
    })
    .await;
    sandbox.serve_until_ctrl_c().await;
}

async fn drain_throughput(jobs: usize) {
    let port = station_testkit::net::free_port();
    let _sandbox = SandboxProcess::start(port);
    let base_url = format!("http://127.0.0.1:{port}");
    let options = orchestration_options("subscription");
    let file = StationToml::new(&base_url).extra(&options.extra_toml);
    let config = StationConfig::from_toml(&file.text(), "bench config").unwrap();
    let secrets = MemoryStore::default();
    for (service, secret) in &options.extra_secrets {
        secrets.set(service, &Secret::new(secret.clone())).unwrap();
    }
    let ServiceKind::Orchestration(vo) = &config.services["vo"].kind else {
        panic!("vo is a Verified Orchestration service")
    };
    let provider: Arc<dyn Provider> = Arc::new(OrchestrationProvider::new(
        "vo",
        vo.clone(),
        reqwest::Client::new(),
        Arc::new(secrets),
    ));

    let dir = tempfile::tempdir().unwrap();
    let queue = queue_in(dir.path());
    let claims = megan_at_contoso();
    let filling = Instant::now();
    for _ in 0..jobs {
        queue
            .enqueue(remote_job("member", "vo", &claims, "megan@example.com"))
            .unwrap();
    }
    println!(
        "queued {jobs} jobs in {:.1} s; RSS {:.1} MiB before the drain",
        filling.elapsed().as_secs_f64(),
        rss_mib()
    );

    let drain_config = DrainConfig {
        concurrency: 4,
        batch: 50,
        // No status checks while the bench runs: it measures sending.
        status_poll: RetrySchedule::new(Duration::from_secs(3600), Duration::from_secs(3600)),
        ..DrainConfig::default()
    };
    let started = Instant::now();
    let _drain = spawn_drain(
        queue.clone(),
        DrainServices::new(BTreeMap::from([("vo".to_owned(), provider)]), &config),
        drain_config,
    );
    let mut next_report = 0.0;
    loop {
        let counts = queue.counts().unwrap();
        let share = counts.sent as f64 / jobs as f64;
        if share >= next_report {
            println!(
                "  {:>3.0}% sent after {:>5.2} s  RSS {:.1} MiB",
                share * 100.0,
                started.elapsed().as_secs_f64(),
                rss_mib()
            );
            next_report += 0.25;
        }
        if counts.sent as usize >= jobs {
            break;
        }
        assert_eq!(counts.failed, 0, "{counts:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "drain of {jobs} remote jobs to the sandbox: {elapsed:.2} s, {:.0} jobs/s (target >= 500/s); RSS {:.1} MiB at the end",
        jobs as f64 / elapsed,
        rss_mib()
    );
    let counts = station_testkit::orchestration::counts(&base_url).await;
    let created: u64 = counts.values().map(|c| c.remote_issuances).sum();
    assert_eq!(created, jobs as u64, "each job sent once");
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if let Some(port) = std::env::var(SANDBOX_PORT_ENV).ok().and_then(|p| p.parse().ok()) {
        runtime.block_on(serve_sandbox(port));
        return;
    }
    enqueue_latency(
        env_number("QUEUE_BENCH_ENQUEUES", 2000),
        Duration::ZERO,
        "back to back",
    );
    enqueue_latency(
        env_number("QUEUE_BENCH_PACED", 300),
        Duration::from_millis(10),
        "one every 10 ms",
    );
    runtime.block_on(drain_throughput(env_number("QUEUE_BENCH_JOBS", 10_000)));
}
