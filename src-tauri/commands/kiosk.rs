//! The self-service kiosk's commands: the camera looking for tickets on
//! the attract screen, and a registration code to the visitor it belongs
//! to. The issuance itself goes through the desk's commands
//! (`start_issuance`, `queue_start`), which record a kiosk as the actor
//! while the staff functions are locked.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use serde::Serialize;
use station_core::camera::preview::preview_jpeg;
use station_core::camera::CameraStatus;
use station_core::kiosk::scanner::SCAN_EVERY;
use station_core::kiosk::{Kiosk, ScanEvent, TicketScanner, Visitor};
use tauri::ipc::{Channel, InvokeResponseBody};
use tauri::State;

use crate::background::blocking;
use crate::camera::{view_of, CameraView};
use crate::error::AppError;
use crate::state::AppState;

/// The kiosk's scanner and its look-ups (with their count of misses,
/// which outlives a restart of the station on new settings).
#[derive(Default)]
pub struct KioskDesk {
    scanner: Mutex<Option<TicketScanner>>,
    lookups: Arc<Kiosk>,
    /// The queued job of the visitor whose code was looked up last: the
    /// one job a visitor may start without the staff PIN.
    visitor_job: Mutex<Option<String>>,
}

impl KioskDesk {
    fn scanner(&self) -> MutexGuard<'_, Option<TicketScanner>> {
        self.scanner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn visitor_job(&self) -> MutexGuard<'_, Option<String>> {
        self.visitor_job.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether `job_id` is the queued job the last looked-up visitor
    /// proved with their own code; it can be started once that way.
    pub fn take_visitor_job(&self, job_id: &str) -> bool {
        let mut job = self.visitor_job();
        if job.as_deref() == Some(job_id) {
            *job = None;
            return true;
        }
        false
    }
}

/// A message of the scanner to the attract screen (a preview frame goes
/// as JPEG bytes instead).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum ScanMessage {
    /// The text of the ticket read; the scanner has stopped.
    Ticket(String),
    Camera(CameraView),
}

fn send(events: &Channel<InvokeResponseBody>, message: &ScanMessage) -> bool {
    // A message is plain strings: were it ever to fail, this one is skipped.
    let Ok(json) = serde_json::to_string(message) else {
        return true;
    };
    events.send(InvokeResponseBody::Json(json)).is_ok()
}

/// What the attract screen needs to know besides the ticket: how long a
/// visitor may idle, whether to show the camera, and the camera's state.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KioskView {
    idle_secs: u32,
    preview: bool,
    camera: CameraView,
}

/// Starts the camera looking for tickets (restarting it if it runs); what
/// it sees goes to `events` until a ticket is read or `kiosk_scan_stop`.
/// A camera that cannot start is reported in the answer, not as an
/// error: the visitor can still type their code.
#[tauri::command(async)]
pub async fn kiosk_scan_start(
    state: State<'_, AppState>,
    kiosk: State<'_, KioskDesk>,
    events: Channel<InvokeResponseBody>,
) -> Result<KioskView, AppError> {
    let station = state.station()?;
    let config = station.engine.config();
    let mut scanner = kiosk.scanner();
    // The camera is let go of before it is opened again.
    scanner.take();
    let started =
        TicketScanner::start(
            &config.camera,
            SCAN_EVERY,
            config.kiosk.preview,
            move |event| match event {
                ScanEvent::Ticket(code) => send(&events, &ScanMessage::Ticket(code)),
                ScanEvent::Camera(status) => send(&events, &ScanMessage::Camera(view_of(Some(status)))),
                ScanEvent::Frame(frame) => match preview_jpeg(&frame) {
                    Some(jpeg) => events.send(InvokeResponseBody::Raw(jpeg)).is_ok(),
                    None => true,
                },
            },
        );
    let camera = match started {
        Ok(started) => {
            *scanner = Some(started);
            view_of(Some(CameraStatus::Starting))
        }
        Err(problem) => view_of(Some(CameraStatus::Failed(problem))),
    };
    Ok(KioskView {
        idle_secs: config.kiosk.idle_secs,
        preview: config.kiosk.preview,
        camera,
    })
}

/// Stops the ticket scanner and lets go of the camera (for the photo step).
#[tauri::command(async)]
pub async fn kiosk_scan_stop(kiosk: State<'_, KioskDesk>) -> Result<(), AppError> {
    let scanner = kiosk.scanner().take();
    // Joining the scanner's thread waits for up to one scan.
    blocking(move || {
        drop(scanner);
        Ok(())
    })
    .await
}

/// The visitor a ticket's text or a typed registration code belongs to:
/// `{personId, name, claims, template, jobId}`; refusals (not in the
/// roster, already issued, too many misses) as `kiosk.*` codes.
#[tauri::command(async)]
pub async fn kiosk_lookup(
    state: State<'_, AppState>,
    kiosk: State<'_, KioskDesk>,
    code: String,
) -> Result<Visitor, AppError> {
    let station = state.station()?;
    let lookups = Arc::clone(&kiosk.lookups);
    let visitor = blocking(move || {
        let engine = &station.engine;
        Ok(lookups.lookup(engine.roster(), engine.config(), &code, Instant::now())?)
    })
    .await;
    // A new look-up, found or not, ends what the last visitor proved.
    *kiosk.visitor_job() = visitor.as_ref().ok().and_then(|v| v.job_id.clone());
    visitor
}
