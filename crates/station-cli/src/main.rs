//! `station`: the Issuance Station from a terminal. With no configuration it
//! runs against the built-in sandbox.

mod commands;
mod demo;
mod follow;
mod queue;
mod roster;
mod staff;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "station",
    version,
    about = "Issue and verify credentials at a desk or kiosk"
)]
struct Cli {
    /// Config file (default: $STATION_CONFIG or ~/.config/issuance-station/station.toml).
    /// Without one, the station runs against the built-in sandbox.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Issue a credential: shows the QR code, then the PIN once the wallet opened the request.
    Issue {
        #[arg(long)]
        template: String,
        /// A claim value, as name=value; repeat for each claim.
        #[arg(long = "claim", value_parser = parse_claim)]
        claims: Vec<(String, String)>,
    },
    /// Ask a wallet to present a credential (check-in).
    Verify {
        #[arg(long)]
        template: String,
    },
    /// Check config, secrets, token and callback reachability.
    Doctor,
    /// Store a service's client secret in the OS keyring (read from standard input).
    Secret {
        #[command(subcommand)]
        action: commands::SecretAction,
    },
    /// Show recent issuances and verifications, or export them.
    History {
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[command(subcommand)]
        action: Option<queue::HistoryAction>,
    },
    /// The queue of issuances waiting to go out: list, retry, cancel, purge, or drain it.
    Queue {
        #[command(subcommand)]
        action: queue::QueueAction,
    },
    /// Run the sandbox alone, or drive its simulated wallet.
    Sandbox {
        /// Address to listen on.
        #[arg(long)]
        bind: Option<std::net::SocketAddr>,
        #[command(subcommand)]
        action: Option<commands::SandboxAction>,
    },
    /// The sandbox demo: issue and check in with a wallet that acts by itself (the default).
    Demo,
    /// Import the attendee list from a CSV file, and find people in it.
    Roster {
        #[command(subcommand)]
        action: roster::RosterAction,
    },
    /// The staff PIN that unlocks the window's staff functions.
    Staff {
        #[command(subcommand)]
        action: staff::StaffAction,
    },
}

fn parse_claim(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => Ok((name.trim().to_owned(), value.to_owned())),
        _ => Err(format!(
            "'{text}' is not name=value, e.g. --claim given_name=Megan"
        )),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let _logging = station_launch::init_logging();
    let cli = Cli::parse();
    let result = commands::run(cli.config, cli.command.unwrap_or(Command::Demo)).await;
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("station: {message}");
            ExitCode::from(1)
        }
    }
}
