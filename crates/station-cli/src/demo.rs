//! `station` with no configuration: a whole issuance and check-in against
//! the sandbox, with the simulated wallet acting by itself at a human pace.
//! The wallet learns the PIN the way a person does: from the station's
//! screen, after it has opened the request.

use std::time::Duration;

use station_core::flow::{FlowHandle, FlowKind, FlowState};
use station_core::provider::Claims;
use station_core::Engine;
use station_sandbox::WalletClient;
use tokio::sync::mpsc;

use crate::follow::{exit_code, follow};

const HUMAN_PAUSE: Duration = Duration::from_millis(1500);

pub async fn run(engine: &Engine, wallet: WalletClient) -> Result<u8, String> {
    println!("Issuance Station — sandbox demo. No tenant needed: a local emulator plays the credential service and the wallet.\n");
    let claims = Claims::from([
        ("given_name".to_owned(), "Megan".to_owned()),
        ("family_name".to_owned(), "Bowen".to_owned()),
    ]);
    println!("Issuing an event badge to Megan Bowen.");
    let issuance = engine.issue("badge", &claims).map_err(|e| e.to_string())?;
    let end = follow_with_wallet(&issuance, &wallet).await;
    if exit_code(&end) != 0 {
        return Ok(exit_code(&end));
    }
    println!("\nChecking in with the new badge (a presentation request).");
    let checkin = engine.verify("checkin").map_err(|e| e.to_string())?;
    let end = follow_with_wallet(&checkin, &wallet).await;
    engine.history().flush();
    println!("\nHistory: {}", engine.history().path().display());
    Ok(exit_code(&end))
}

/// Follows a flow while the simulated wallet reacts to what is on screen.
async fn follow_with_wallet(handle: &FlowHandle, wallet: &WalletClient) -> FlowState {
    let (screen, seen) = mpsc::unbounded_channel();
    let actor = tokio::spawn(act_like_a_person(wallet.clone(), handle.kind(), seen));
    let end = follow(handle, |state| {
        let _ = screen.send(state.clone());
    })
    .await;
    actor.abort();
    end
}

async fn act_like_a_person(
    wallet: WalletClient,
    kind: FlowKind,
    mut screen: mpsc::UnboundedReceiver<FlowState>,
) {
    while let Some(state) = screen.recv().await {
        let outcome = match state {
            FlowState::AwaitingScan {
                request,
                renewing: false,
                reconnecting: false,
                ..
            } => {
                tokio::time::sleep(HUMAN_PAUSE).await;
                println!("  [wallet] scans the QR code");
                wallet.open(&request.url).await.map(|_| ())
            }
            FlowState::Retrieved {
                request,
                pin,
                reconnecting: false,
            } => {
                tokio::time::sleep(HUMAN_PAUSE).await;
                let request_id = &request.request_id;
                let result = async {
                    if let Some(pin) = pin {
                        println!("  [wallet] types the PIN shown on the station");
                        wallet.enter_pin(request_id, pin.reveal()).await?;
                    }
                    if kind == FlowKind::Presentation {
                        println!("  [wallet] presents the badge");
                        wallet.present(request_id).await.map(|_| ())
                    } else {
                        println!("  [wallet] accepts the credential");
                        wallet.accept(request_id).await.map(|_| ())
                    }
                };
                result.await
            }
            _ => Ok(()),
        };
        if let Err(error) = outcome {
            println!("  [wallet] {error}");
        }
    }
}
