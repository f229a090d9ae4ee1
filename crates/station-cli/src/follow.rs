//! Shows a flow in the terminal: the QR code while it waits, the PIN once
//! the wallet has opened the request, and the outcome.

use std::time::SystemTime;

use station_core::flow::{FlowHandle, FlowState};
use station_core::qr::RequestQr;

/// What the terminal shows for each state; returns the end state.
pub async fn follow(handle: &FlowHandle, mut on_state: impl FnMut(&FlowState)) -> FlowState {
    let mut states = handle.watch();
    loop {
        let state = states.borrow_and_update().clone();
        print_state(&state);
        on_state(&state);
        if state.is_terminal() {
            return state;
        }
        if states.changed().await.is_err() {
            return handle.state();
        }
    }
}

fn print_state(state: &FlowState) {
    match state {
        FlowState::Creating => println!("Creating the request…"),
        state if state.reconnecting() => println!("The connection to the service dropped; reconnecting…"),
        FlowState::AwaitingScan { renewing: true, .. } => println!("Renewing the request before it expires…"),
        FlowState::AwaitingScan {
            request, renewals, ..
        } => {
            match RequestQr::new(&request.url) {
                Ok(qr) => println!("{}", qr.to_terminal()),
                Err(error) => println!("(no QR code: {error})"),
            }
            let remaining = request
                .expires_at
                .duration_since(SystemTime::now())
                .unwrap_or_default()
                .as_secs();
            let note = if *renewals > 0 { " (renewed)" } else { "" };
            println!("Scan with your wallet{note}, or open: {}", request.url);
            println!("The request expires in {}:{:02}.", remaining / 60, remaining % 60);
        }
        FlowState::Retrieved { pin: Some(pin), .. } => {
            println!(
                "The wallet opened the request. Enter this PIN in the wallet:  {}",
                pin.reveal()
            );
        }
        FlowState::Retrieved { pin: None, .. } => println!("The wallet opened the request."),
        FlowState::Issued { .. } => println!("✔ Issued."),
        FlowState::Verified { presentation, .. } => {
            println!("✔ Verified.");
            for credential in &presentation.credentials {
                println!("  issuer: {}", credential.issuer);
                if let Some(status) = &credential.revocation_status {
                    println!("  revocation status: {status}");
                }
                for (claim, value) in &credential.claims {
                    println!(
                        "  {claim}: {}",
                        value.as_str().map_or_else(|| value.to_string(), str::to_owned)
                    );
                }
            }
        }
        FlowState::Failed(error) => println!("✘ Failed ({}): {}", error.code, error.message),
        FlowState::Queued { job_id, reason } => println!(
            "⧗ Queued as job {job_id}: {} It goes out by itself when the service can be reached (`station queue list`).",
            reason.message
        ),
        FlowState::Expired => println!("✘ The request expired before the wallet finished. Start a new one."),
        FlowState::Cancelled => println!("Cancelled."),
    }
}

/// The process exit code for an end state.
pub fn exit_code(state: &FlowState) -> u8 {
    match state {
        FlowState::Issued { .. } | FlowState::Verified { .. } => 0,
        FlowState::Failed(_) => 1,
        FlowState::Expired => 2,
        FlowState::Queued { .. } => 3,
        FlowState::Cancelled => 130,
        _ => 1,
    }
}
