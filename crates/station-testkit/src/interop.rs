//! The third-party peers in `tests/interop`, run by node: an OID4VCI wallet
//! built on the OpenWallet Foundation's @openid4vc libraries
//! (`oid4vci-wallet.mjs`), and graphql-ws, the graphql-transport-ws
//! protocol's reference client (`graphql-ws-client.mjs`). Their npm packages
//! are pinned in `tests/interop/package-lock.json`; without them (`npm ci
//! --prefix tests/interop`, which scripts/test.sh runs) a test fails and
//! says how to install them, rather than pass without having run.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;
use station_sandbox::Sandbox;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

use crate::paths::interop_dir;

/// `script` in tests/interop, once `packages` are known to be installed.
fn script(name: &str, packages: &[&str]) -> PathBuf {
    let dir = interop_dir();
    for package in packages {
        assert!(
            dir.join("node_modules").join(package).is_dir(),
            "{package} is missing from tests/interop/node_modules: run `npm ci --prefix tests/interop` \
             from the repository root (needs Node.js 20+ and npm)",
        );
    }
    dir.join(name)
}

fn wallet_script() -> PathBuf {
    script(
        "oid4vci-wallet.mjs",
        &[
            "@openid4vc/openid4vci",
            "@openid4vc/oauth2",
            "@sd-jwt/sd-jwt-vc",
            "@sd-jwt/crypto-nodejs",
        ],
    )
}

/// Fails the test because node could not be started.
pub fn node_missing(error: std::io::Error) -> ! {
    panic!("cannot run `node` ({error}): install Node.js 20+ (Debian: apt-get install nodejs npm)")
}

/// The wallet with `args` (the offer, then a PIN or options), not yet run.
pub fn wallet_command(args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new("node");
    command.arg(wallet_script()).args(args).current_dir(interop_dir());
    command
}

/// Exit code and the JSON line the wallet printed.
pub struct WalletRun {
    pub code: Option<i32>,
    pub result: Value,
}

impl WalletRun {
    pub fn from_output(output: std::process::Output) -> WalletRun {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line = stdout.lines().last().unwrap_or_default();
        let result = serde_json::from_str(line).unwrap_or_else(|_| {
            panic!(
                "the wallet printed no JSON line.\nstdout: {stdout}\nstderr: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        WalletRun {
            code: output.status.code(),
            result,
        }
    }
}

/// Runs the wallet with `args` to its end.
pub async fn run_wallet(args: &[&str]) -> WalletRun {
    let mut command = wallet_command(args);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("wallet thread")
        .unwrap_or_else(|e| node_missing(e));
    WalletRun::from_output(output)
}

/// The wallet driven step by step as a holder uses one: scan the offer,
/// then type the PIN read off the desk's screen. A wallet that has resolved
/// an offer and waits for its PIN.
pub struct ThirdPartyWallet(tokio::process::Child);

impl ThirdPartyWallet {
    /// Scans `offer`: the wallet fetches the offer and the issuer's metadata.
    pub async fn scan(offer: &str) -> ThirdPartyWallet {
        let mut wallet = tokio::process::Command::new("node")
            .arg(wallet_script())
            .args([offer, "-", "--deferred-timeout=20"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| node_missing(e));
        let stderr = wallet.stderr.take().expect("piped");
        let mut lines = tokio::io::BufReader::new(stderr).lines();
        while let Some(line) = lines.next_line().await.expect("wallet output") {
            if line.contains("offer_resolved") {
                return ThirdPartyWallet(wallet);
            }
        }
        panic!("the wallet stopped before resolving the offer")
    }

    /// Types `pin`; returns the wallet's one-line JSON result.
    pub async fn type_pin(mut self, pin: &str) -> Value {
        let mut stdin = self.0.stdin.take().expect("piped");
        stdin
            .write_all(format!("{pin}\n").as_bytes())
            .await
            .expect("wallet reads");
        drop(stdin);
        let output = self.0.wait_with_output().await.expect("wallet ends");
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|_| panic!("wallet said: {}", String::from_utf8_lossy(&output.stdout)))
    }
}

/// graphql-ws subscribed to one request's issuance events on the sandbox's
/// Verified Orchestration, its stdout lines arriving on a channel.
pub struct GraphqlWsPeer {
    child: std::process::Child,
    lines: mpsc::Receiver<String>,
}

impl GraphqlWsPeer {
    pub fn start(sandbox: &Sandbox, token: &str, request_id: &str) -> GraphqlWsPeer {
        let mut child = std::process::Command::new("node")
            .arg(script("graphql-ws-client.mjs", &["graphql-ws", "ws"]))
            .args([sandbox.orchestration_ws_url().as_str(), token, request_id])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| node_missing(e));
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        GraphqlWsPeer { child, lines }
    }

    /// Waits for the script to exit successfully; returns the events it printed.
    pub async fn finish(mut self) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("script status") {
                break status;
            }
            assert!(Instant::now() < deadline, "the graphql-ws script did not finish");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert!(status.success(), "the graphql-ws script failed: {status}");
        // The reader thread ends at EOF, after the last line.
        let mut events = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            events.push(serde_json::from_str(&line).unwrap_or_else(|_| panic!("not a JSON line: {line}")));
        }
        events
    }
}

impl Drop for GraphqlWsPeer {
    fn drop(&mut self) {
        // Only if the test failed before the script finished.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
