//! The callback listener faces the internet: over real TCP on loopback, a
//! stranger's idle, slow, forged or oversized requests are cut off or
//! refused from their head, they cannot use up the station's connections,
//! and a genuine callback still gets through.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use station_core::config::{CallbackConfig, StationConfig};
use station_core::events::listener::{HEADER_READ_TIMEOUT, MAX_CONNECTIONS, REQUEST_TIMEOUT};
use station_core::events::{event_channel, CallbackListener, EventStream, FlowEvent, RouteGuard};
use station_core::provider::CallbackTicket;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Desk {
    listener: CallbackListener,
    ticket: CallbackTicket,
    route: RouteGuard,
    events: EventStream,
}

async fn desk() -> Desk {
    let config = CallbackConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        public_url: None,
    };
    let listener = CallbackListener::bind(&config).await.unwrap();
    let (sink, events) = event_channel();
    let (ticket, route) = listener.register(sink);
    Desk {
        listener,
        ticket,
        route,
        events,
    }
}

impl Desk {
    fn addr(&self) -> SocketAddr {
        self.listener.local_addr()
    }

    fn path(&self) -> String {
        self.ticket.url.path().to_owned()
    }

    fn key(&self) -> String {
        self.ticket.api_key.expose().to_owned()
    }

    fn body(&self, request_id: &str) -> String {
        body(request_id, &self.ticket.state)
    }

    fn nothing_arrived(&mut self) -> bool {
        self.events.try_recv().is_err()
    }
}

fn body(request_id: &str, state: &str) -> String {
    serde_json::json!({"requestId": request_id, "requestStatus": "request_retrieved", "state": state})
        .to_string()
}

/// A request head for `path`, with `api-key: key` unless `key` is `None`.
fn head(path: &str, key: Option<&str>, content_length: usize) -> String {
    let key = key.map_or(String::new(), |k| format!("api-key: {k}\r\n"));
    format!(
        "POST {path} HTTP/1.1\r\nhost: station\r\ncontent-type: application/json\r\n{key}content-length: {content_length}\r\n\r\n"
    )
}

fn request(path: &str, key: Option<&str>, body: &str) -> String {
    format!("{}{body}", head(path, key, body.len()))
}

async fn connect(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr).await.unwrap()
}

/// The listener's response head (every refusal has an empty body).
async fn answer(stream: &mut (impl AsyncReadExt + Unpin)) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(3), async {
        let mut buffer = [0u8; 1024];
        while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the listener did not answer");
    String::from_utf8_lossy(&answer).into_owned()
}

async fn exchange(addr: SocketAddr, bytes: &str) -> String {
    let mut stream = connect(addr).await;
    stream.write_all(bytes.as_bytes()).await.unwrap();
    answer(&mut stream).await
}

/// The answer without its `date` line, the only part that may differ
/// between two refusals a second apart.
fn undated(answer: &str) -> String {
    answer
        .split("\r\n")
        .filter(|line| !line.to_ascii_lowercase().starts_with("date:"))
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// Whether the listener closes `stream` within `within`; whatever it says
/// before closing is read and ignored.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    let mut buffer = [0u8; 1024];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

/// Waits until `stream` is closed, at most `limit`; how long that took.
async fn time_to_close(stream: &mut TcpStream, started: Instant, limit: Duration) -> Duration {
    assert!(closed_within(stream, limit).await, "still open after {limit:?}");
    started.elapsed()
}

async fn post(desk: &Desk, body: String) -> u16 {
    let response = reqwest::Client::new()
        .post(desk.ticket.url.clone())
        .header("api-key", desk.key())
        .body(body)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

#[tokio::test]
async fn idle_and_slow_header_sockets_are_closed_after_the_header_timeout() {
    let desk = desk().await;
    let started = Instant::now();
    let mut idle = connect(desk.addr()).await;
    let mut dripping = connect(desk.addr()).await;
    let drip = tokio::spawn(async move {
        for byte in head("/callback/x", None, 0).bytes().take(40) {
            if dripping.write_all(&[byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        dripping
    });
    let limit = HEADER_READ_TIMEOUT + Duration::from_secs(2);
    let idle_for = time_to_close(&mut idle, started, limit).await;
    assert!(
        idle_for >= HEADER_READ_TIMEOUT - Duration::from_millis(500),
        "closed early: {idle_for:?}"
    );
    let mut dripping = drip.await.unwrap();
    assert!(
        closed_within(&mut dripping, limit.saturating_sub(started.elapsed())).await,
        "a head sent a byte at a time is cut off too"
    );
}

#[tokio::test]
async fn a_slow_body_is_cut_off() {
    let mut desk = desk().await;
    let started = Instant::now();
    let mut stream = connect(desk.addr()).await;
    stream
        .write_all(head(&desk.path(), Some(&desk.key()), 1000).as_bytes())
        .await
        .unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let drip = tokio::spawn(async move {
        for _ in 0..1000 {
            if writer.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    let mut buffer = Vec::new();
    let closed = tokio::time::timeout(
        REQUEST_TIMEOUT + Duration::from_secs(3),
        reader.read_to_end(&mut buffer),
    )
    .await;
    drip.abort();
    assert!(
        closed.is_ok(),
        "a body sent a byte at a time holds its connection forever"
    );
    let held = started.elapsed();
    assert!(
        held >= REQUEST_TIMEOUT - Duration::from_millis(500),
        "cut off early: {held:?}"
    );
    assert!(desk.nothing_arrived());
}

#[tokio::test]
async fn the_connection_cap_sheds_the_oldest_idle_sockets_and_a_callback_gets_through() {
    let mut desk = desk().await;
    let extra = 32;
    let mut sockets = Vec::new();
    for _ in 0..MAX_CONNECTIONS + extra {
        sockets.push(connect(desk.addr()).await);
    }
    // Give the listener a moment to accept the last ones.
    tokio::time::sleep(Duration::from_millis(300)).await;
    // All at once: one by one would outlast the header timeout.
    let checks = sockets
        .iter_mut()
        .map(|socket| closed_within(socket, Duration::from_millis(200)));
    let closed: Vec<usize> = futures_util::future::join_all(checks)
        .await
        .into_iter()
        .enumerate()
        .filter_map(|(i, closed)| closed.then_some(i))
        .collect();
    assert_eq!(
        closed,
        (0..extra).collect::<Vec<_>>(),
        "the oldest idle sockets, and only as many as exceed the cap, are shed"
    );

    // Under the cap, a genuine callback does not wait for the header timeout.
    let started = Instant::now();
    assert_eq!(post(&desk, desk.body("r1")).await, 200);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(matches!(
        desk.events.recv().await.map(|e| e.event),
        Some(FlowEvent::Retrieved)
    ));
    assert!(
        closed_within(&mut sockets[extra], Duration::from_millis(500)).await,
        "it took the oldest idle socket's slot"
    );
}

#[tokio::test]
async fn when_every_slot_is_busy_a_new_connection_is_closed_at_once() {
    let mut desk = desk().await;
    // Authorized requests waiting for their body are busy, not idle.
    let mut busy = Vec::new();
    for _ in 0..MAX_CONNECTIONS {
        let mut stream = connect(desk.addr()).await;
        stream
            .write_all(head(&desk.path(), Some(&desk.key()), 100).as_bytes())
            .await
            .unwrap();
        busy.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut late = connect(desk.addr()).await;
    assert!(
        closed_within(&mut late, Duration::from_secs(2)).await,
        "refused rather than queued"
    );
    assert!(
        !closed_within(&mut busy[0], Duration::from_millis(50)).await,
        "busy requests are not shed"
    );
    drop(busy);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(post(&desk, desk.body("r1")).await, 200);
    assert!(matches!(
        desk.events.recv().await.map(|e| e.event),
        Some(FlowEvent::Retrieved)
    ));
}

#[tokio::test]
async fn every_wrong_credential_gets_the_same_401() {
    let mut desk = desk().await;
    desk.route.bind_request("r1");
    let (path, key) = (desk.path(), desk.key());
    let unknown_state = path.replace(&desk.ticket.state, "AAAAAAAAAAAAAAAAAAAAAA");
    let mut wrong_key = key.clone().into_bytes();
    wrong_key[0] = if wrong_key[0] == b'A' { b'B' } else { b'A' };
    let wrong_key = String::from_utf8(wrong_key).unwrap();
    let other_state = body("r1", "AAAAAAAAAAAAAAAAAAAAAA");
    let attempts = [
        (
            "unknown state",
            request(&unknown_state, Some(&key), &desk.body("r1")),
        ),
        ("wrong key", request(&path, Some(&wrong_key), &desk.body("r1"))),
        (
            "key too long",
            request(&path, Some(&format!("{key}x")), &desk.body("r1")),
        ),
        (
            "malformed key",
            request(&path, Some("not a key"), &desk.body("r1")),
        ),
        ("missing key", request(&path, None, &desk.body("r1"))),
        (
            "wrong key, garbage body",
            request(&path, Some(&wrong_key), "not json"),
        ),
        (
            "body's state is not the path's",
            request(&path, Some(&key), &other_state),
        ),
        (
            "a request the route is not bound to",
            request(&path, Some(&key), &desk.body("r2")),
        ),
    ];
    let mut answers = Vec::new();
    for (what, attempt) in &attempts {
        let answer = undated(&exchange(desk.addr(), attempt).await);
        assert!(answer.starts_with("HTTP/1.1 401"), "{what}: {answer}");
        answers.push((what, answer));
    }
    for (what, answer) in &answers {
        assert_eq!(
            answer, &answers[0].1,
            "{what} is told apart from {}",
            answers[0].0
        );
    }
    assert!(desk.nothing_arrived());
}

#[tokio::test]
async fn a_forged_callback_with_a_huge_body_is_refused_from_its_head() {
    let mut desk = desk().await;
    let unknown_state = desk.path().replace(&desk.ticket.state, "AAAAAAAAAAAAAAAAAAAAAA");
    for (path, key) in [(desk.path(), "x".repeat(43)), (unknown_state, desk.key())] {
        let mut stream = connect(desk.addr()).await;
        stream
            .write_all(head(&path, Some(&key), 100_000_000).as_bytes())
            .await
            .unwrap();
        // Not one byte of the body is sent.
        let answer = answer(&mut stream).await;
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    }
    assert!(desk.nothing_arrived());
}

#[tokio::test]
async fn an_oversized_body_with_the_right_key_is_refused_with_413() {
    let mut desk = desk().await;
    // Declared: refused from the head.
    let mut stream = connect(desk.addr()).await;
    stream
        .write_all(head(&desk.path(), Some(&desk.key()), 1024 * 1024 + 1).as_bytes())
        .await
        .unwrap();
    assert!(answer(&mut stream).await.starts_with("HTTP/1.1 413"));

    // Undeclared (chunked): refused once it passes 1 MB.
    let chunked = format!(
        "POST {} HTTP/1.1\r\nhost: station\r\napi-key: {}\r\ntransfer-encoding: chunked\r\n\r\n",
        desk.path(),
        desk.key()
    );
    let mut stream = connect(desk.addr()).await;
    stream.write_all(chunked.as_bytes()).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let flood = tokio::spawn(async move {
        let chunk = format!("10000\r\n{}\r\n", " ".repeat(0x10000));
        for _ in 0..40 {
            if writer.write_all(chunk.as_bytes()).await.is_err() {
                return;
            }
        }
    });
    let answer = answer(&mut reader).await;
    flood.abort();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(desk.nothing_arrived());
}

#[tokio::test]
async fn a_callback_for_a_request_the_flow_did_not_create_reaches_no_sink() {
    let mut desk = desk().await;
    desk.route.bind_request("r1");
    assert_eq!(post(&desk, desk.body("r2")).await, 401);
    assert!(desk.nothing_arrived());
    assert_eq!(post(&desk, desk.body("r1")).await, 200);
    let event = desk.events.recv().await.unwrap();
    assert_eq!(
        (event.request_id.as_str(), event.event),
        ("r1", FlowEvent::Retrieved)
    );
}

#[tokio::test]
async fn each_request_is_called_back_at_its_own_path() {
    let desk = desk().await;
    let base = desk.listener.callback_url().as_str().to_owned();
    assert_eq!(desk.ticket.url.as_str(), format!("{base}/{}", desk.ticket.state));
    // The bare base path is no callback endpoint any more.
    let answer = exchange(
        desk.addr(),
        &request("/callback", Some(&desk.key()), &desk.body("r1")),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
}

#[test]
fn the_listener_binds_to_loopback_by_default() {
    let config = StationConfig::from_toml("[station]\nuse_sandbox = true\n", "t").unwrap();
    assert_eq!(
        config.callback.bind,
        "127.0.0.1:47381".parse::<SocketAddr>().unwrap()
    );
}
