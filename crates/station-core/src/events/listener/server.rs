//! Serves the callback listener's connections so that a stranger on the
//! internet cannot exhaust the station. `axum::serve` has no header-read
//! timeout and no cap on open connections: a few thousand idle sockets would
//! use up the process's file descriptors, and with them the station.
//!
//! Each connection carries one request: a callback is one POST, and a
//! kept-alive socket would only be one more idle socket to police. A
//! connection must send its request head within [`HEADER_READ_TIMEOUT`] and
//! finish within [`REQUEST_TIMEOUT`]. At most [`MAX_CONNECTIONS`] are open;
//! when all are taken, the oldest one still waiting for its request head is
//! shed to make room. An idle flood thus evicts itself, while a service (or
//! the reverse proxy in front of the station), which sends its request head
//! as soon as it connects, gets through. When every connection is busy with
//! a request, the new one is closed at once rather than queued.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use http_body_util::Empty;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

/// A service or proxy writes its whole request head at once, in well under
/// a second even across the world; 5 s leaves room for a slow link while an
/// idle socket gives its slot back quickly.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// The whole request, body included. The sandbox, like the Request Service
/// it emulates, gives up on a callback after 10 s, so a request still
/// arriving after that has been abandoned by its sender or is a slow-body
/// attack.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// A desk sees a few callbacks per issuance, seldom two at once; 256 is far
/// above that and far below the usual soft limit of 1024 file descriptors,
/// leaving the rest of the station (history, HTTPS clients, camera) its own.
pub const MAX_CONNECTIONS: usize = 256;
/// A callback's request head is well under 1 KB; this bounds what one idle
/// connection can make the station buffer (hyper's minimum is 8 KB).
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How long a new connection waits for a shed one to give back its slot;
/// shedding takes microseconds, this only bounds a pathological case.
const SHED_WAIT: Duration = Duration::from_secs(1);
/// After a failed accept (e.g. the process is out of file descriptors),
/// retrying at once would spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);
/// Refusals are summed and reported at most this often, so a flood cannot
/// fill the disk with log lines.
const REFUSAL_REPORT_INTERVAL: Duration = Duration::from_secs(60);

/// Answers one request whose head has arrived.
pub(super) trait Handler: Send + Sync + 'static {
    fn handle(&self, request: Request<Incoming>) -> impl Future<Output = Response<Empty<Bytes>>> + Send;
}

/// Accepts and serves connections until the task running it is aborted,
/// which also ends every open connection.
pub(super) async fn serve<H: Handler>(listener: TcpListener, handler: Arc<H>, refusals: Arc<Refusals>) {
    let slots = Arc::new(Slots::new(MAX_CONNECTIONS));
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let Some(permit) = slots.admit().await else {
                        drop(stream);
                        refusals.note(Refusal::Full);
                        continue;
                    };
                    let (id, shed) = slots.enter();
                    connections.spawn(connection(
                        stream,
                        Admitted { id, shed, _permit: permit },
                        Arc::clone(&slots),
                        Arc::clone(&handler),
                        Arc::clone(&refusals),
                    ));
                }
                Err(_) => {
                    refusals.note(Refusal::AcceptFailed);
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// A connection's place among the open ones.
struct Admitted {
    id: u64,
    /// Fires when the connection is shed; closed without firing once its
    /// request head has arrived.
    shed: oneshot::Receiver<()>,
    _permit: OwnedSemaphorePermit,
}

async fn connection<H: Handler>(
    stream: TcpStream,
    admitted: Admitted,
    slots: Arc<Slots>,
    handler: Arc<H>,
    refusals: Arc<Refusals>,
) {
    let Admitted { id, shed, _permit } = admitted;
    let service = {
        let slots = Arc::clone(&slots);
        service_fn(move |request| {
            slots.started(id);
            let handler = Arc::clone(&handler);
            async move { Ok::<_, Infallible>(handler.handle(request).await) }
        })
    };
    let served = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(false)
        .max_buf_size(MAX_HEAD_BYTES)
        .serve_connection(TokioIo::new(stream), service);
    let mut served = pin!(tokio::time::timeout(REQUEST_TIMEOUT, served));
    let was_shed = async { shed.await.is_ok() };
    // Dropping the connection future closes the socket.
    let refusal = tokio::select! {
        outcome = &mut served => match outcome {
            Err(_) => Some(Refusal::RequestTimeout),
            Ok(Err(error)) if error.is_timeout() => Some(Refusal::HeadTimeout),
            Ok(Err(error)) if error.is_parse_too_large() => Some(Refusal::Malformed),
            Ok(_) => None,
        },
        true = was_shed => Some(Refusal::Shed),
    };
    slots.leave(id);
    if let Some(refusal) = refusal {
        refusals.note(refusal);
    }
}

/// The open connections: a permit each, and a way to shed those that
/// have not yet sent a request head, oldest first.
struct Slots {
    permits: Arc<Semaphore>,
    waiting: Mutex<BTreeMap<u64, oneshot::Sender<()>>>,
    next_id: AtomicU64,
}

impl Slots {
    fn new(capacity: usize) -> Slots {
        Slots {
            permits: Arc::new(Semaphore::new(capacity)),
            waiting: Mutex::new(BTreeMap::new()),
            next_id: AtomicU64::new(0),
        }
    }

    fn waiting(&self) -> MutexGuard<'_, BTreeMap<u64, oneshot::Sender<()>>> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A slot for a new connection, shedding the oldest connection still
    /// waiting for its request head if none is free; `None` when every
    /// connection is busy with a request.
    async fn admit(&self) -> Option<OwnedSemaphorePermit> {
        if let Ok(permit) = Arc::clone(&self.permits).try_acquire_owned() {
            return Some(permit);
        }
        let (_, shed) = self.waiting().pop_first()?;
        // A failed send means that connection is ending anyway and frees its slot.
        let _ = shed.send(());
        let freed = tokio::time::timeout(SHED_WAIT, Arc::clone(&self.permits).acquire_owned()).await;
        freed.ok()?.ok()
    }

    fn enter(&self) -> (u64, oneshot::Receiver<()>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (shed, shed_signal) = oneshot::channel();
        self.waiting().insert(id, shed);
        (id, shed_signal)
    }

    /// The connection's request head has arrived: it is no longer idle and
    /// is bounded by [`REQUEST_TIMEOUT`] instead.
    fn started(&self, id: u64) {
        self.waiting().remove(&id);
    }

    fn leave(&self, id: u64) {
        self.waiting().remove(&id);
    }
}

/// Why a connection or request was refused.
#[derive(Debug, Clone, Copy)]
pub(super) enum Refusal {
    Unauthorized,
    TooLarge,
    Malformed,
    NotFound,
    Shed,
    Full,
    HeadTimeout,
    RequestTimeout,
    AcceptFailed,
}

impl Refusal {
    const ALL: [Refusal; 9] = [
        Refusal::Unauthorized,
        Refusal::TooLarge,
        Refusal::Malformed,
        Refusal::NotFound,
        Refusal::Shed,
        Refusal::Full,
        Refusal::HeadTimeout,
        Refusal::RequestTimeout,
        Refusal::AcceptFailed,
    ];

    fn name(self) -> &'static str {
        match self {
            Refusal::Unauthorized => "unauthorized",
            Refusal::TooLarge => "too_large",
            Refusal::Malformed => "malformed",
            Refusal::NotFound => "not_found",
            Refusal::Shed => "idle_shed",
            Refusal::Full => "no_free_slot",
            Refusal::HeadTimeout => "head_timeout",
            Refusal::RequestTimeout => "request_timeout",
            Refusal::AcceptFailed => "accept_failed",
        }
    }
}

/// Counts refusals and reports them at warn at most once per
/// [`REFUSAL_REPORT_INTERVAL`]: the first refusal at once, later ones summed
/// into the report that the first refusal after the interval triggers. Each
/// refusal is also logged at debug. Nothing secret is ever logged.
#[derive(Default)]
pub(super) struct Refusals {
    counts: [AtomicU64; Refusal::ALL.len()],
    next_report: Mutex<Option<Instant>>,
}

impl Refusals {
    pub(super) fn note(&self, refusal: Refusal) {
        self.counts[refusal as usize].fetch_add(1, Ordering::Relaxed);
        tracing::debug!(
            refusal = refusal.name(),
            "callback listener refused a connection or request"
        );
        let now = Instant::now();
        // Under a flood, a report already being written is enough.
        let Ok(mut next_report) = self.next_report.try_lock() else {
            return;
        };
        if next_report.is_some_and(|due| now < due) {
            return;
        }
        *next_report = Some(now + REFUSAL_REPORT_INTERVAL);
        drop(next_report);
        let summary = Refusal::ALL
            .iter()
            .filter_map(|&kind| {
                let count = self.counts[kind as usize].swap(0, Ordering::Relaxed);
                (count > 0).then(|| format!("{}={count}", kind.name()))
            })
            .collect::<Vec<_>>()
            .join(" ");
        tracing::warn!(
            %summary,
            "callback listener refused traffic (summed, reported at most once a minute)"
        );
    }
}
