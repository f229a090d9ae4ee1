//! The subcommands: each converts its arguments, calls the engine (or the
//! sandbox's wallet client) and prints the result.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use clap::Subcommand;
use station_core::config::{default_data_dir, ConfigLocation};
use station_core::doctor;
use station_core::provider::Claims;
use station_core::secrets::{KeyringStore, Secret, SecretStore};
use station_launch::{default_sandbox_url, launch, start_sandbox};
use station_sandbox::WalletClient;

use crate::follow::{exit_code, follow};
use crate::{demo, Command};

#[derive(Subcommand)]
pub enum SecretAction {
    /// Store the client secret of SERVICE (a [services.SERVICE] table).
    Set { service: String },
}

#[derive(Subcommand)]
pub enum SandboxAction {
    /// Act as the wallet on a request of the sandbox.
    Wallet {
        #[command(subcommand)]
        action: WalletAction,
        /// The sandbox's base URL (default: $STATION_SANDBOX_URL or http://127.0.0.1:47380).
        #[arg(long, global = true)]
        sandbox_url: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum WalletAction {
    /// Scan a request: its URL, or the newest pending one.
    Open { url: Option<String> },
    /// Type the PIN the station shows.
    Pin {
        pin: String,
        #[arg(long)]
        request: Option<String>,
    },
    /// Accept the credential being issued.
    Accept {
        #[arg(long)]
        request: Option<String>,
    },
    /// Decline the request.
    Decline {
        #[arg(long)]
        request: Option<String>,
    },
    /// Present a held credential to a verification request.
    Present {
        #[arg(long)]
        request: Option<String>,
    },
    /// List the requests the wallet could act on.
    List,
    /// List the credentials the wallet holds.
    Credentials,
}

pub async fn run(config_path: Option<PathBuf>, command: Command) -> Result<u8, String> {
    match command {
        Command::Sandbox { bind, action: None } => run_sandbox(bind).await,
        Command::Sandbox {
            action: Some(SandboxAction::Wallet { action, sandbox_url }),
            ..
        } => wallet(action, sandbox_url.unwrap_or_else(default_sandbox_url)).await,
        Command::Secret {
            action: SecretAction::Set { service },
        } => set_secret(&service),
        Command::Queue { action } => crate::queue::run(config_path, action).await,
        Command::Staff { action } => crate::staff::run(config_path, action),
        Command::History {
            action: Some(action), ..
        } => crate::queue::history(action),
        command => with_engine(config_path, command).await,
    }
}

/// Commands that need the engine: against the configured services, or the
/// in-process sandbox when there is no config file.
async fn with_engine(config_path: Option<PathBuf>, command: Command) -> Result<u8, String> {
    let location = ConfigLocation::find(config_path);
    let path = &location.path;
    let station = launch(&location, &default_data_dir())
        .await
        .map_err(|e| e.to_string())?;
    if let Some(sandbox) = &station.sandbox {
        eprintln!(
            "Using the built-in SANDBOX at {} (config: {}).",
            sandbox.base_url(),
            path.display()
        );
    }
    let engine = &station.engine;
    let code = match command {
        Command::Demo => match &station.wallet {
            Some(wallet) => demo::run(engine, wallet.clone()).await?,
            None => {
                return Err(format!(
                    "the demo runs against the sandbox only; move {} aside or use `station issue`",
                    path.display()
                ))
            }
        },
        Command::Issue { template, claims } => {
            let claims: Claims = claims.into_iter().collect();
            let handle = engine.issue(&template, &claims).map_err(|e| e.to_string())?;
            if station.is_sandbox() {
                eprintln!("Act as the wallet from another terminal: `station sandbox wallet open`, then `station sandbox wallet pin <PIN>` and `station sandbox wallet accept`.");
            }
            finish_on_ctrl_c(&handle).await
        }
        Command::Verify { template } => {
            let handle = engine.verify(&template).map_err(|e| e.to_string())?;
            finish_on_ctrl_c(&handle).await
        }
        Command::Doctor => {
            let checks = doctor::run(engine).await;
            for check in &checks {
                println!(
                    "{} {}: {}",
                    if check.ok { "✔" } else { "✘" },
                    check.name,
                    check.detail
                );
            }
            u8::from(checks.iter().any(|c| !c.ok))
        }
        Command::History { limit, .. } => {
            for flow in engine.history().recent(limit).map_err(|e| e.to_string())? {
                println!(
                    "{}  {:<12} {:<10} {:<10} {}",
                    flow.flow_id,
                    flow.kind,
                    flow.template,
                    flow.outcome.as_deref().unwrap_or("running"),
                    flow.claims
                );
            }
            0
        }
        Command::Roster { action } => crate::roster::run(engine, action)?,
        Command::Sandbox { .. } | Command::Secret { .. } | Command::Queue { .. } | Command::Staff { .. } => {
            unreachable!("dispatched before the engine starts")
        }
    };
    engine.history().flush();
    Ok(code)
}

async fn finish_on_ctrl_c(handle: &station_core::flow::FlowHandle) -> u8 {
    let end = tokio::select! {
        end = follow(handle, |_| {}) => end,
        _ = tokio::signal::ctrl_c() => {
            handle.cancel();
            handle.finished().await
        }
    };
    exit_code(&end)
}

async fn run_sandbox(bind: Option<std::net::SocketAddr>) -> Result<u8, String> {
    let sandbox = start_sandbox(bind).await.map_err(|e| e.to_string())?;
    let settings = sandbox.config();
    println!("Sandbox running at {} (Ctrl-C stops it).", sandbox.base_url());
    println!("  authority_host = api_base = {}", sandbox.base_url());
    println!(
        "  tenant = {}, client_id = {}",
        settings.tenant_id, settings.client_id
    );
    println!(
        "  client secret: set STATION_SECRET_<SERVICE>={} for the service that points here",
        settings.client_secret
    );
    sandbox.serve_until_ctrl_c().await;
    Ok(0)
}

fn set_secret(service: &str) -> Result<u8, String> {
    let stdin = std::io::stdin();
    let line = if stdin.is_terminal() {
        rpassword::prompt_password(format!("Client secret for '{service}' (not shown as you type): "))
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line).map(|_| line)
    }
    .map_err(|e| format!("cannot read the secret: {e}"))?;
    let secret = Secret::new(line.trim_end_matches(['\r', '\n']));
    KeyringStore.set(service, &secret).map_err(|e| e.to_string())?;
    println!(
        "Stored in the OS keyring as '{}' / '{service}'.",
        station_core::secrets::KEYRING_SERVICE
    );
    Ok(0)
}

async fn wallet(action: WalletAction, sandbox_url: String) -> Result<u8, String> {
    let wallet = WalletClient::new(&sandbox_url);
    let unreachable = |e: station_sandbox::SandboxError| {
        format!("{e} (is the sandbox running at {sandbox_url}? Start `station` or `station sandbox` first)")
    };
    let newest = || async {
        let pending = wallet.pending().await.map_err(unreachable)?;
        pending.first().cloned().ok_or_else(|| {
            "the wallet sees no pending request; start one with `station issue` or `station verify`"
                .to_owned()
        })
    };
    let pick = |request: Option<String>| async {
        match request {
            Some(id) => Ok(id),
            None => newest().await.map(|p| p.request_id),
        }
    };
    match action {
        WalletAction::Open { url } => {
            let url = match url {
                Some(url) => url,
                None => newest().await?.url,
            };
            let opened = wallet.open(&url).await.map_err(unreachable)?;
            println!(
                "Opened {} request {} for {}.",
                if opened.pin_required { "PIN-protected" } else { "a" },
                opened.request_id,
                opened.credential_type
            );
        }
        WalletAction::Pin { pin, request } => {
            let outcome = wallet
                .enter_pin(&pick(request).await?, &pin)
                .await
                .map_err(unreachable)?;
            println!(
                "{}",
                if outcome.accepted {
                    "PIN accepted."
                } else {
                    "Wrong PIN: the request failed."
                }
            );
        }
        WalletAction::Accept { request } => {
            wallet.accept(&pick(request).await?).await.map_err(unreachable)?;
            println!("Accepted: the wallet now holds the credential.");
        }
        WalletAction::Decline { request } => {
            wallet.decline(&pick(request).await?).await.map_err(unreachable)?;
            println!("Declined.");
        }
        WalletAction::Present { request } => {
            wallet.present(&pick(request).await?).await.map_err(unreachable)?;
            println!("Presented.");
        }
        WalletAction::List => {
            for request in wallet.pending().await.map_err(unreachable)? {
                println!(
                    "{}  {:?}  {}  {}  {}",
                    request.request_id, request.kind, request.credential_type, request.status, request.url
                );
            }
        }
        WalletAction::Credentials => {
            for credential in wallet.credentials().await.map_err(unreachable)? {
                println!(
                    "{}  {}  {:?}",
                    credential.types.join(","),
                    credential.issuer,
                    credential.claims
                );
            }
        }
    }
    Ok(0)
}
