//! Engine → UI for the queue: each queue event becomes a `queue-changed`
//! event, each change of what the offline banner shows a
//! `connection-changed` event (a [`ConnectionView`]), and a desk job
//! that became ready a desktop notification ("Ready: call Megan Bowen"),
//! so staff hear of it on whatever screen is up. Follows whichever station
//! runs: a Settings save starts a new one, with a queue of its own.
//!
//! A notification carries the recipient's name and the credential's name,
//! never a PIN or a photo.

use std::sync::Arc;

use fluent_bundle::FluentArgs;
use station_core::config::Template;
use station_core::queue::QueueEvent;
use station_launch::Station;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;

use crate::connection::ConnectionView;
use crate::l10n::{Words, READY_TITLE};
use crate::state::AppState;

const QUEUE_CHANGED: &str = "queue-changed";
const CONNECTION_CHANGED: &str = "connection-changed";

/// Starts following the running station's queue, for as long as the app runs.
pub fn follow<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut stations = app.state::<AppState>().station_changes();
        loop {
            stations.borrow_and_update();
            // Not started, or restarting: nothing to follow until the next one.
            let more = match app.state::<AppState>().station() {
                Ok(station) => follow_station(&app, station, &mut stations).await,
                Err(_) => stations.changed().await.is_ok(),
            };
            if !more {
                return;
            }
        }
    });
}

/// Forwards `station`'s queue events until another station replaces it;
/// false once no station can follow (the app is ending).
async fn follow_station<R: Runtime>(
    app: &AppHandle<R>,
    station: Arc<Station>,
    stations: &mut watch::Receiver<u64>,
) -> bool {
    let mut events = station.engine.queue_events();
    let mut reachability = station.engine.connectivity().watch();
    // Neither closes while `station` is held; if one did, the other (and
    // the next station) would still be followed.
    let (mut queue_open, mut reachability_open) = (true, true);
    announce_connection(app, &station).await;
    loop {
        tokio::select! {
            replaced = stations.changed() => return replaced.is_ok(),
            event = events.recv(), if queue_open => match event {
                Ok(event) => {
                    // A locked kiosk's passers-by are not told who is ready.
                    if let QueueEvent::Ready { recipient, template, .. } = &event {
                        if app.state::<AppState>().staff_unlocked() {
                            notify_ready(app, &station, recipient, template);
                        }
                    }
                    emit(app, QUEUE_CHANGED, &event);
                }
                // Missed events are only missed redraws: the list is read again.
                Err(RecvError::Lagged(_)) => emit(app, QUEUE_CHANGED, &QueueEvent::Changed),
                Err(RecvError::Closed) => queue_open = false,
            },
            changed = reachability.changed(), if reachability_open => reachability_open = changed.is_ok(),
        }
        announce_connection(app, &station).await;
    }
}

async fn announce_connection<R: Runtime>(app: &AppHandle<R>, station: &Station) {
    let names = app.state::<AppState>().staff_unlocked();
    match ConnectionView::of(&station.engine, names).await {
        Ok(view) => emit(app, CONNECTION_CHANGED, &view),
        Err(error) => tracing::warn!(%error, "could not read the queue for the offline banner"),
    }
}

fn emit<R: Runtime>(app: &AppHandle<R>, event: &str, payload: &impl serde::Serialize) {
    if let Err(error) = app.emit(event, payload) {
        tracing::warn!(%error, event, "could not send a queue event to the window");
    }
}

/// "Ready: call Megan Bowen" in the page's language, with the credential's name.
fn notify_ready<R: Runtime>(app: &AppHandle<R>, station: &Station, recipient: &str, template: &str) {
    let credential = match station.engine.config().template(template) {
        Some(Template::Issuance(t)) => t.display_name.as_str(),
        Some(Template::Presentation(t)) => t.display_name.as_str(),
        None => template,
    };
    let mut args = FluentArgs::new();
    args.set("recipient", recipient);
    let title = app.state::<Words>().format(READY_TITLE, &args);
    let shown = app.notification().builder().title(title).body(credential).show();
    if let Err(error) = shown {
        tracing::warn!(%error, "could not show the ready notification");
    }
}
