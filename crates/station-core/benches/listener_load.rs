//! The callback listener under attack: a second process (this binary again)
//! holds LOAD_IDLE idle connections open (default 2,000, reopening each one
//! the listener sheds) and sends LOAD_FORGED forged or oversized callbacks
//! (default 4,000) for at most LOAD_SECS seconds (default 20), while this
//! process runs real issuances against the in-process sandbox. Prints the
//! station process's open file descriptors and RSS before, during and after,
//! and each issuance's latency. A benchmark, not a timed test: it fails only
//! when an issuance does not complete.
//!
//! `scripts/listener-load.sh` (raises the soft fd limit), or
//! `cargo test -p station-core --bench listener_load`; a CI smoke run:
//! `LOAD_IDLE=20 LOAD_FORGED=50 LOAD_SECS=5 cargo test -p station-core --bench listener_load`.
//! All traffic stays on 127.0.0.1, bounded in count and time.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use station_core::events::listener::{HEADER_READ_TIMEOUT, MAX_CONNECTIONS};
use station_core::flow::FlowState;
use station_testkit::station::{issue_to_megan, scan_and_accept, Options, Station};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Set in the attacker process to the listener's address.
const ATTACK_ENV: &str = "LISTENER_LOAD_ATTACK";

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    match std::env::var(ATTACK_ENV) {
        Ok(addr) => runtime.block_on(attack(addr.parse().unwrap())),
        Err(_) => runtime.block_on(station()),
    }
}

/// What the station process uses: open descriptors and resident memory.
#[derive(Clone, Copy, Default)]
struct Usage {
    fds: usize,
    rss_kb: u64,
}

fn usage() -> Usage {
    // read_dir's own descriptor is among those listed.
    let fds = std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count().saturating_sub(1));
    let rss_kb = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0);
    Usage { fds, rss_kb }
}

fn fd_soft_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

async fn issue_once(s: &Station) -> Duration {
    let started = Instant::now();
    let (flow, request, _) = issue_to_megan(s).await;
    let end = scan_and_accept(s, &flow, &request).await;
    assert!(
        matches!(end, FlowState::Issued { .. }),
        "issuance did not complete: {end:?}"
    );
    started.elapsed()
}

async fn station() {
    let idle = setting("LOAD_IDLE", 2000);
    let forged = setting("LOAD_FORGED", 4000);
    let secs = setting("LOAD_SECS", 20);
    let s = station_testkit::station::station(Options::default()).await;
    let addr = s.engine.listener().local_addr();
    let warmup = issue_once(&s).await;
    let before = usage();
    let quiet = issue_once(&s).await;

    let mut attacker = tokio::process::Command::new(std::env::current_exe().unwrap())
        .env(ATTACK_ENV, addr.to_string())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(attacker.stdout.take().unwrap()).lines();
    // The attacker says when its idle sockets are open, then its totals.
    let ready = tokio::time::timeout(Duration::from_secs(secs + 30), lines.next_line()).await;
    assert!(matches!(ready, Ok(Ok(Some(_)))), "the attacker never got going");

    let peak = Arc::new(std::sync::Mutex::new(usage()));
    let sampling = {
        let peak = Arc::clone(&peak);
        tokio::spawn(async move {
            loop {
                let now = usage();
                if let Ok(mut peak) = peak.lock() {
                    peak.fds = peak.fds.max(now.fds);
                    peak.rss_kb = peak.rss_kb.max(now.rss_kb);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let during = usage();
    let mut latencies = Vec::new();
    let attack_ends = Instant::now() + Duration::from_secs(secs.saturating_sub(1).max(1));
    while Instant::now() < attack_ends || latencies.is_empty() {
        latencies.push(issue_once(&s).await);
        // A desk issues now and then; the flood is the load under test.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let report = tokio::time::timeout(Duration::from_secs(secs + 30), lines.next_line()).await;
    let report = report.ok().and_then(Result::ok).flatten().unwrap_or_default();
    let _ = attacker.wait().await;
    sampling.abort();
    let peak = peak.lock().map(|p| *p).unwrap_or_default();
    // Connections the attacker left are closed on its exit; give the listener a moment.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = usage();
    let after_quiet = issue_once(&s).await;

    println!("listener load: {idle} idle sockets, {forged} forged/oversized callbacks, {secs} s; cap {MAX_CONNECTIONS}, header timeout {HEADER_READ_TIMEOUT:?}");
    println!("attacker: {report}");
    let row = |what: &str, u: Usage| println!("  {what:<16} fds {:>5}   VmRSS {:>7} kB", u.fds, u.rss_kb);
    row("before", before);
    row("during (start)", during);
    row("during (peak)", peak);
    row("after", after);
    println!(
        "  station fds above the quiet baseline at peak: {} (cap {MAX_CONNECTIONS})",
        peak.fds.saturating_sub(before.fds)
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut under: Vec<f64> = latencies.iter().copied().map(ms).collect();
    under.sort_by(f64::total_cmp);
    println!(
        "issuance latency: warm-up {:.0} ms, quiet {:.0} ms, after {:.0} ms; under attack n={} min {:.0} ms  median {:.0} ms  max {:.0} ms",
        ms(warmup),
        ms(quiet),
        ms(after_quiet),
        under.len(),
        under[0],
        under[under.len() / 2],
        under[under.len() - 1]
    );
}

#[derive(Default)]
struct Tally {
    idle_opened: AtomicU64,
    idle_closed_by_station: AtomicU64,
    connect_failed: AtomicU64,
    forged_sent: AtomicU64,
    answered_401: AtomicU64,
    answered_413: AtomicU64,
    answered_other: AtomicU64,
    cut_off: AtomicU64,
}

async fn attack(addr: SocketAddr) {
    assert!(
        addr.ip().is_loopback(),
        "the attacker only ever talks to this machine"
    );
    let secs = setting("LOAD_SECS", 20);
    let mut idle = setting("LOAD_IDLE", 2000);
    let forged = setting("LOAD_FORGED", 4000);
    if let Some(limit) = fd_soft_limit() {
        if limit < idle + 200 {
            eprintln!("attacker: RLIMIT_NOFILE is {limit}; holding {} idle sockets instead of {idle} (raise it with ulimit -n)", limit - 200);
            idle = limit.saturating_sub(200);
        }
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    let tally = Arc::new(Tally::default());

    let mut holders = Vec::new();
    let mut first = Vec::new();
    for _ in 0..idle {
        match TcpStream::connect(addr).await {
            Ok(stream) => {
                tally.idle_opened.fetch_add(1, Ordering::Relaxed);
                first.push(stream);
            }
            Err(_) => {
                tally.connect_failed.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    println!("ready");
    for stream in first {
        holders.push(tokio::spawn(hold_idle(
            addr,
            stream,
            deadline,
            Arc::clone(&tally),
        )));
    }
    let senders = 16;
    let mut forgers = Vec::new();
    for n in 0..senders {
        let tally = Arc::clone(&tally);
        let share = forged / senders + u64::from(n < forged % senders);
        forgers.push(tokio::spawn(async move {
            for i in 0..share {
                if tokio::time::Instant::now() >= deadline {
                    break;
                }
                forge(addr, (n + i) % 3, &tally).await;
            }
        }));
    }
    for task in forgers.into_iter().chain(holders) {
        let _ = task.await;
    }
    let t = |c: &AtomicU64| c.load(Ordering::Relaxed);
    println!(
        "idle opened {} (closed by the station {}, connect failed {}); forged sent {}: 401 {}, 413 {}, other {}, cut off {}",
        t(&tally.idle_opened),
        t(&tally.idle_closed_by_station),
        t(&tally.connect_failed),
        t(&tally.forged_sent),
        t(&tally.answered_401),
        t(&tally.answered_413),
        t(&tally.answered_other),
        t(&tally.cut_off),
    );
}

/// Keeps one idle socket open until the deadline, reopening it whenever the
/// listener closes it, as a slowloris does.
async fn hold_idle(
    addr: SocketAddr,
    mut stream: TcpStream,
    deadline: tokio::time::Instant,
    tally: Arc<Tally>,
) {
    let reconnect_pause = Duration::from_millis(setting("LOAD_RECONNECT_MS", 100));
    loop {
        let mut buffer = [0u8; 64];
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return,
            Ok(_) => {
                tally.idle_closed_by_station.fetch_add(1, Ordering::Relaxed);
            }
        }
        tokio::time::sleep(reconnect_pause).await;
        loop {
            if tokio::time::Instant::now() >= deadline {
                return;
            }
            if let Ok(fresh) = TcpStream::connect(addr).await {
                tally.idle_opened.fetch_add(1, Ordering::Relaxed);
                stream = fresh;
                break;
            }
            tally.connect_failed.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(reconnect_pause).await;
        }
    }
}

/// One forged callback: a wrong key declaring a 100 MB body (none sent), no
/// key with a real 2 MB body, or a guessed state with a chunked flood.
async fn forge(addr: SocketAddr, kind: u64, tally: &Tally) {
    let Ok(mut stream) = TcpStream::connect(addr).await else {
        tally.connect_failed.fetch_add(1, Ordering::Relaxed);
        return;
    };
    tally.forged_sent.fetch_add(1, Ordering::Relaxed);
    let guessed = "/callback/AAAAAAAAAAAAAAAAAAAAAA";
    let key = "k".repeat(43);
    let head = match kind {
        0 => format!(
            "POST {guessed} HTTP/1.1\r\nhost: s\r\napi-key: {key}\r\ncontent-length: 100000000\r\n\r\n"
        ),
        1 => format!("POST {guessed} HTTP/1.1\r\nhost: s\r\ncontent-length: 2097152\r\n\r\n"),
        _ => format!(
            "POST {guessed} HTTP/1.1\r\nhost: s\r\napi-key: {key}\r\ntransfer-encoding: chunked\r\n\r\n"
        ),
    };
    if stream.write_all(head.as_bytes()).await.is_err() {
        tally.cut_off.fetch_add(1, Ordering::Relaxed);
        return;
    }
    let (mut reader, mut writer) = stream.into_split();
    let body = tokio::spawn(async move {
        let chunk = match kind {
            0 => return,
            1 => vec![b'x'; 64 * 1024],
            _ => format!("10000\r\n{}\r\n", "x".repeat(0x10000)).into_bytes(),
        };
        for _ in 0..32 {
            if writer.write_all(&chunk).await.is_err() {
                return;
            }
        }
    });
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(12), reader.read_to_end(&mut answer)).await;
    body.abort();
    let counter = match (read, answer.get(..12)) {
        (_, Some(b"HTTP/1.1 401")) => &tally.answered_401,
        (_, Some(b"HTTP/1.1 413")) => &tally.answered_413,
        (Ok(Ok(_)), Some(_)) => &tally.answered_other,
        _ => &tally.cut_off,
    };
    counter.fetch_add(1, Ordering::Relaxed);
}
