//! A third-party OID4VCI wallet (npm @openid4vc 0.4.6, tests/interop),
//! driven step by step as a holder uses one: scan the offer, then type the
//! PIN read off the desk's screen. Shared by the engine's and the window's
//! tests. Needs `npm ci --prefix tests/interop` (scripts/test.sh runs it).

use std::path::PathBuf;
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

fn interop_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("tests/interop"))
        .find(|dir| dir.join("package.json").is_file())
        .expect("tests/interop is in the workspace");
    assert!(
        dir.join("node_modules/@openid4vc/openid4vci").is_dir(),
        "the third-party wallet is not installed: run `npm ci --prefix tests/interop`"
    );
    dir
}

/// A wallet that has resolved an offer and waits for its PIN.
pub struct ThirdPartyWallet(Child);

impl ThirdPartyWallet {
    /// Scans `offer`: the wallet fetches the offer and the issuer's metadata.
    pub async fn scan(offer: &str) -> ThirdPartyWallet {
        let mut wallet = Command::new("node")
            .arg(interop_dir().join("oid4vci-wallet.mjs"))
            .args([offer, "-", "--deferred-timeout=20"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs");
        let stderr = wallet.stderr.take().expect("piped");
        let mut lines = BufReader::new(stderr).lines();
        while let Some(line) = lines.next_line().await.expect("wallet output") {
            if line.contains("offer_resolved") {
                return ThirdPartyWallet(wallet);
            }
        }
        panic!("the wallet stopped before resolving the offer")
    }

    /// Types `pin`; returns the wallet's one-line JSON result.
    pub async fn type_pin(mut self, pin: &str) -> serde_json::Value {
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
