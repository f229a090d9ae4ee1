//! The UI's commands. Each converts its arguments, calls the engine and
//! returns; errors reach the UI as `{code, message}`. The queue's and the
//! roster's are in their own modules, re-exported here so the command list
//! names every command the same way. What only staff may do (Settings,
//! History, the Queue's list and actions) starts with
//! `state.staff().require()?`, so the command itself refuses while the
//! staff functions are locked, whatever the page asks.

mod attendant;
mod badge;
mod kiosk;
mod language;
mod queue;
mod roster;
mod staff;

pub use attendant::*;
pub use badge::*;
pub use kiosk::*;
pub use language::*;
pub use queue::*;
pub use roster::*;
pub use staff::*;

use serde::{Deserialize, Serialize};
use station_core::camera::CameraInfo;
use station_core::config::{ClaimField, Template};
use station_core::doctor::{self, Check};
use station_core::engine::Engine;
use station_core::engine::{validate_claims, ClaimProblem, Recipient};
use station_core::error::UiError;
use station_core::flow::FlowHandle;
use station_core::provider::phone_capture::PhoneCaptureProgress;
use station_core::provider::Claims;
use station_core::qr::RequestQr;
use station_core::secrets::{KeyringStore, Secret};
use station_core::settings::{StationSettings, StoredSecrets};
use station_core::store::audit::Actor;
use station_core::store::{FlowSummary, TimelineEntry};
use tauri::ipc::{Channel, InvokeResponseBody};
use tauri::{AppHandle, Runtime, State};

use crate::background::blocking;
use crate::camera::{CameraView, PhotoDesk};
use crate::error::AppError;
use crate::forward::forward;
use crate::state::AppState;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StationInfo {
    sandbox: bool,
    templates: Vec<TemplateInfo>,
    kiosk: bool,
    result_reset_secs: u32,
    open_in_wallet: bool,
    startup_error: Option<UiError>,
    /// How many people the roster holds: the recipient step offers roster
    /// search only when there is someone to find.
    roster_people: usize,
    /// What opening the database had to repair (a damaged file moved aside).
    store_notice: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateInfo {
    name: String,
    display_name: String,
    kind: &'static str,
    /// Lets the UI offer "Verify it now" with a check of the same type.
    credential_type: String,
    /// The issuance needs the recipient's photo.
    photo: bool,
    /// The recipient may take that photo on their own phone.
    phone_photo: bool,
    /// Which kind of service issues or verifies it.
    service: &'static str,
    /// A badge card is printed after the issuance.
    badge: bool,
    claims: Vec<ClaimInfo>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimInfo {
    name: String,
    label: String,
    required: bool,
}

impl From<&ClaimField> for ClaimInfo {
    fn from(field: &ClaimField) -> Self {
        ClaimInfo {
            name: field.name.clone(),
            label: field.label.clone(),
            required: field.required,
        }
    }
}

fn template_info(template: &Template, engine: &Engine) -> TemplateInfo {
    let config = engine.config();
    let service = |name: &str| config.services.get(name).map_or("", |s| s.kind.display_name());
    match template {
        Template::Issuance(t) => TemplateInfo {
            name: t.name.clone(),
            display_name: t.display_name.clone(),
            kind: "issuance",
            credential_type: t.credential_type.clone(),
            photo: t.photo_claim.is_some(),
            phone_photo: engine.takes_phone_photos(&t.name),
            service: service(&t.service),
            badge: t.badge.is_some(),
            claims: t.claims.iter().map(ClaimInfo::from).collect(),
        },
        Template::Presentation(t) => TemplateInfo {
            name: t.name.clone(),
            display_name: t.display_name.clone(),
            kind: "presentation",
            credential_type: t.credential_type.clone(),
            photo: false,
            phone_photo: false,
            service: service(&t.service),
            badge: false,
            claims: Vec::new(),
        },
    }
}

#[tauri::command]
pub fn station_info(state: State<'_, AppState>) -> StationInfo {
    let options = state.options();
    let station = state.station().ok();
    StationInfo {
        sandbox: station.as_ref().is_some_and(|s| s.is_sandbox()),
        templates: station
            .as_ref()
            .map(|s| {
                s.engine
                    .config()
                    .templates
                    .values()
                    .map(|t| template_info(t, &s.engine))
                    .collect()
            })
            .unwrap_or_default(),
        kiosk: options.kiosk,
        result_reset_secs: options.result_reset_secs,
        open_in_wallet: options.open_in_wallet,
        startup_error: state.startup_error(),
        roster_people: station.as_ref().map_or(0, |s| roster_people(&s.engine)),
        store_notice: station
            .as_ref()
            .and_then(|s| s.engine.database().repair().map(|repair| repair.describe())),
    }
}

fn roster_people(engine: &Engine) -> usize {
    engine.roster().count().unwrap_or_else(|error| {
        tracing::warn!(%error, "could not count the roster; the recipient step offers no search");
        0
    })
}

/// The recipient form's problems, for showing next to each field as the
/// user types.
#[tauri::command]
pub fn check_claims(
    state: State<'_, AppState>,
    template: String,
    claims: Claims,
) -> Result<Vec<ClaimProblem>, AppError> {
    let station = state.station()?;
    let Some(Template::Issuance(template)) = station.engine.config().template(&template) else {
        return Ok(Vec::new());
    };
    Ok(validate_claims(template, &claims).err().unwrap_or_default())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Started {
    flow_id: String,
}

impl Started {
    /// Keeps `flow` for the window's later calls; names it for the UI.
    fn keep(state: &AppState, flow: FlowHandle) -> Started {
        Started {
            flow_id: state.add_flow(flow).id().to_owned(),
        }
    }
}

/// Issues `template` to the recipient in `claims`; `person_id` when picked
/// from the roster, with `override_reason` when staff issue it to them
/// again. The issuance is a job first, written to the database (hence off
/// the window's thread), so no network failure loses it.
#[tauri::command(async)]
pub async fn start_issuance(
    state: State<'_, AppState>,
    photos: State<'_, PhotoDesk>,
    template: String,
    claims: Claims,
    person_id: Option<i64>,
    override_reason: Option<String>,
) -> Result<Started, AppError> {
    let station = state.station()?;
    let photo = photos.take();
    let recipient = Recipient {
        person_id,
        override_reason,
    };
    // With the staff functions locked, the visitor issues it at the kiosk.
    let actor = if state.staff_unlocked() {
        Actor::Staff
    } else {
        Actor::Kiosk
    };
    let flow = blocking(move || {
        Ok(station
            .engine
            .issue_to(&template, &claims, photo, recipient, actor)?)
    })
    .await?;
    Ok(Started::keep(&state, flow))
}

#[tauri::command]
pub fn start_verification(state: State<'_, AppState>, template: String) -> Result<Started, AppError> {
    let flow = state.station()?.engine.verify(&template)?;
    Ok(Started::keep(&state, flow))
}

/// Starts the flow's `flow://<id>/state` events; the UI calls it once it
/// listens.
#[tauri::command]
pub fn follow_flow<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    flow_id: String,
) -> Result<(), AppError> {
    forward(app, state.flow(&flow_id)?);
    Ok(())
}

#[tauri::command]
pub fn cancel_flow(state: State<'_, AppState>, flow_id: String) -> Result<(), AppError> {
    state.flow(&flow_id)?.cancel();
    Ok(())
}

#[tauri::command]
pub fn forget_flow(state: State<'_, AppState>, flow_id: String) {
    state.forget_flow(&flow_id);
}

#[tauri::command]
pub fn history(state: State<'_, AppState>, limit: usize) -> Result<Vec<FlowSummary>, AppError> {
    state.staff().require()?;
    Ok(state
        .station()?
        .engine
        .history()
        .recent(limit)
        .map_err(station_core::EngineError::from)?)
}

#[tauri::command]
pub fn history_timeline(state: State<'_, AppState>, flow_id: String) -> Result<Vec<TimelineEntry>, AppError> {
    state.staff().require()?;
    Ok(state
        .station()?
        .engine
        .history()
        .timeline(&flow_id)
        .map_err(station_core::EngineError::from)?)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    settings: StationSettings,
    /// Which services have a secret stored; the secrets never leave the keyring.
    secrets_stored: StoredSecrets,
    config_path: String,
}

#[tauri::command(async)]
pub async fn get_settings(state: State<'_, AppState>) -> Result<SettingsView, AppError> {
    state.staff().require()?;
    let file_config = state.station().ok().and_then(|s| s.file_config.clone());
    let secrets_stored = blocking(|| Ok(StoredSecrets::of(&KeyringStore))).await?;
    Ok(SettingsView {
        settings: StationSettings::from_config(file_config.as_ref()),
        secrets_stored,
        config_path: state.config_path().display().to_string(),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsChange {
    settings: StationSettings,
    /// A new secret for the chosen service (Entra's or Verified
    /// Orchestration's client secret, an OID4VCI issuer's API key), or
    /// nothing to keep the stored one.
    secret: Option<String>,
}

#[tauri::command(async)]
pub async fn save_settings(
    state: State<'_, AppState>,
    change: SettingsChange,
) -> Result<StationInfo, AppError> {
    state.staff().require()?;
    state
        .apply_settings(&change.settings, change.secret.map(Secret::new))
        .await?;
    Ok(station_info(state))
}

/// The same checks as `station doctor`.
#[tauri::command(async)]
pub async fn test_connection(state: State<'_, AppState>) -> Result<Vec<Check>, AppError> {
    state.staff().require()?;
    let station = state.station()?;
    Ok(doctor::run(&station.engine).await)
}

/// The sandbox's simulated wallet acting on the request on screen.
#[tauri::command(async)]
pub async fn wallet_action(
    state: State<'_, AppState>,
    flow_id: String,
    action: String,
    pin: Option<String>,
) -> Result<(), AppError> {
    let station = state.station()?;
    let wallet = station.wallet.clone().ok_or(AppError::NoWallet)?;
    let flow = state.flow(&flow_id)?;
    let request = flow.state().shown_request().cloned().ok_or(AppError::NoRequest)?;
    let id = &request.request_id;
    match action.as_str() {
        "open" => wallet.open(&request.url).await.map(|_| ()),
        "pin" => match wallet.enter_pin(id, pin.as_deref().unwrap_or_default()).await {
            Ok(outcome) if !outcome.accepted => return Err(AppError::PinRefused),
            other => other.map(|_| ()),
        },
        "accept" => wallet.accept(id).await.map(|_| ()),
        "decline" => wallet.decline(id).await.map(|_| ()),
        "present" => wallet.present(id).await.map(|_| ()),
        other => return Err(AppError::UnknownWalletAction(other.to_owned())),
    }?;
    Ok(())
}

/// Starts the camera for the photo step; says which camera, or why not.
#[tauri::command(async)]
pub async fn camera_start(
    state: State<'_, AppState>,
    photos: State<'_, PhotoDesk>,
    preview: Channel<InvokeResponseBody>,
) -> Result<CameraView, AppError> {
    let camera = state.station()?.engine.config().camera.clone();
    photos.start(&camera, preview).await
}

/// The window showed the last preview frame.
#[tauri::command]
pub fn camera_frame_shown(photos: State<'_, PhotoDesk>) {
    photos.frame_shown();
}

/// The webcams attached now, for Settings.
#[tauri::command(async)]
pub async fn list_cameras(state: State<'_, AppState>) -> Result<Vec<CameraInfo>, AppError> {
    state.staff().require()?;
    Ok(
        tauri::async_runtime::spawn_blocking(station_core::camera::list_cameras)
            .await
            .unwrap_or_default(),
    )
}

#[tauri::command]
pub fn camera_stop(photos: State<'_, PhotoDesk>) {
    photos.stop();
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Captured {
    data_url: String,
    width: u32,
    height: u32,
    bytes: usize,
}

/// Checks the frame on screen; refusals come back as `{code, message}` with
/// the reason to show.
#[tauri::command(async)]
pub async fn capture_photo(photos: State<'_, PhotoDesk>) -> Result<Captured, AppError> {
    let photo = photos.capture().await?;
    let (width, height) = photo.dimensions();
    Ok(Captured {
        data_url: photo.to_data_url(),
        width,
        height,
        bytes: photo.jpeg().len(),
    })
}

#[tauri::command]
pub fn discard_photo(photos: State<'_, PhotoDesk>) {
    photos.discard();
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneCaptureView {
    /// The page the recipient opens on their phone.
    url: String,
    qr_svg: String,
}

/// Asks the service for a page where the recipient takes their own photo;
/// its progress goes to `progress` until the service has the photo.
#[tauri::command(async)]
pub async fn phone_photo_start(
    state: State<'_, AppState>,
    photos: State<'_, PhotoDesk>,
    template: String,
    claims: Claims,
    progress: Channel<PhoneCaptureProgress>,
) -> Result<PhoneCaptureView, AppError> {
    let step = photos.step();
    let engine = &state.station()?.engine;
    let capture = engine.start_phone_capture(&template, &claims).await?;
    let qr_svg = RequestQr::new(&capture.url)?.to_svg();
    let view = PhoneCaptureView {
        url: capture.url.clone(),
        qr_svg,
    };
    photos.follow_phone(
        step,
        capture.clone(),
        engine.follow_phone_capture(&capture)?,
        progress,
    )?;
    Ok(view)
}

/// The sandbox's simulated phone takes the photo on the page on screen.
#[tauri::command(async)]
pub async fn sandbox_phone_photo(
    state: State<'_, AppState>,
    photos: State<'_, PhotoDesk>,
) -> Result<(), AppError> {
    let wallet = state.station()?.wallet.clone().ok_or(AppError::NoWallet)?;
    let page = photos.phone_page().ok_or(AppError::NoPhonePage)?;
    wallet.take_phone_photo(&page).await?;
    Ok(())
}
