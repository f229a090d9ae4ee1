//! What the app keeps between commands: the running station and the flows
//! on screen.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use station_core::config::{ConfigLocation, StationOptions};
use station_core::error::UiError;
use station_core::flow::FlowHandle;
use station_core::secrets::{KeyringStore, Secret};
use station_core::settings::StationSettings;
use station_core::staff::StaffGate;
use station_launch::settings::{self, SettingsError};
use station_launch::Station;
use tokio::sync::watch;

use crate::error::AppError;
use crate::staff_gate::StaffCheck;

pub struct AppState {
    config: ConfigLocation,
    data_dir: PathBuf,
    station: RwLock<Result<Arc<Station>, UiError>>,
    flows: Mutex<HashMap<String, Arc<FlowHandle>>>,
    /// One Settings save at a time: a second one would see no station to
    /// hand the port over from, and nothing to go back to.
    saving: tokio::sync::Mutex<()>,
    /// Counts the stations started, so what follows the running station's
    /// queue hears when another one replaces it.
    changes: watch::Sender<u64>,
    /// The staff session outlives the station: saving Settings restarts
    /// the station, not the staff member's session.
    staff: Arc<StaffGate>,
    /// `--kiosk` on the command line: a kiosk whatever the file says.
    kiosk_flag: bool,
}

impl AppState {
    pub fn new(config: ConfigLocation, data_dir: PathBuf) -> AppState {
        AppState {
            config,
            data_dir,
            station: RwLock::new(Err(UiError {
                code: "app.starting".into(),
                message: "the station is starting".into(),
            })),
            flows: Mutex::new(HashMap::new()),
            saving: tokio::sync::Mutex::new(()),
            changes: watch::channel(0).0,
            staff: Arc::new(StaffGate::default()),
            kiosk_flag: false,
        }
    }

    /// The station was started with `--kiosk`.
    pub fn with_kiosk(self, kiosk: bool) -> AppState {
        AppState {
            kiosk_flag: kiosk,
            ..self
        }
    }

    /// The staff gate as it stands now: `state.staff().require()?` first in
    /// every staff command.
    pub fn staff(&self) -> StaffCheck {
        StaffCheck::new(
            Arc::clone(&self.staff),
            self.config.path.clone(),
            self.options().kiosk,
            self.station().ok().map(|s| s.engine.database().clone()),
        )
    }

    /// Starts the station from the config file. A failure is kept and shown
    /// in the window (with the fix), instead of a window that never opens.
    pub async fn start(&self) {
        let result = station_launch::launch(&self.config, &self.data_dir).await;
        // Badges a stopped station saved and kept too long go now.
        if let Ok(station) = &result {
            station_badge::BadgeDesk::new(&station.engine).sweep();
        }
        self.replace(result.map(Arc::new).map_err(|e| UiError::from(&e)));
    }

    /// Saves `settings` (and a new `secret`) and restarts the station on
    /// them, once no flow is running; if the new settings cannot start,
    /// the previous ones run again and the error says so.
    pub async fn apply_settings(
        &self,
        settings: &StationSettings,
        secret: Option<Secret>,
    ) -> Result<(), AppError> {
        let _one_at_a_time = self.saving.try_lock().map_err(|_| AppError::SavingSettings)?;
        self.ensure_no_active_flow()?;
        let previous = self.station().ok();
        // Nothing may start a flow on a station that is letting go of its port.
        self.replace(Err(UiError {
            code: "app.restarting".into(),
            message: "the station is restarting with new settings".into(),
        }));
        // A flow started just before the placeholder went in ends now.
        for (_, flow) in self.flows().drain() {
            flow.cancel();
        }
        let outcome = settings::apply(
            previous,
            &self.config.path,
            &self.data_dir,
            settings,
            secret,
            Arc::new(KeyringStore),
        )
        .await;
        match outcome {
            Ok(station) => {
                self.replace(Ok(Arc::new(station)));
                Ok(())
            }
            Err(failure) => {
                let error: SettingsError = failure.error;
                match failure.running {
                    Some(station) => self.replace(Ok(Arc::new(station))),
                    None => self.replace(Err(UiError::from(&error))),
                }
                Err(AppError::Settings(error))
            }
        }
    }

    /// Settings may change only while no issuance or check is under way.
    pub fn ensure_no_active_flow(&self) -> Result<(), AppError> {
        if self.flows().values().any(|f| !f.state().is_terminal()) {
            return Err(AppError::FlowActive);
        }
        Ok(())
    }

    fn replace(&self, station: Result<Arc<Station>, UiError>) {
        *self.station.write().unwrap_or_else(|e| e.into_inner()) = station;
        self.changes.send_modify(|count| *count += 1);
    }

    /// Changes whenever the station is replaced (started, restarting, or
    /// restarted on new settings).
    pub fn station_changes(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    pub fn station(&self) -> Result<Arc<Station>, AppError> {
        let slot = self.station.read().unwrap_or_else(|e| e.into_inner());
        slot.clone().map_err(|e| AppError::NotStarted(e.message))
    }

    /// The start-up error, if the station could not start.
    pub fn startup_error(&self) -> Option<UiError> {
        self.station
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .err()
            .cloned()
    }

    /// Whether staff functions are open now: staff unlocked them with the
    /// staff PIN, or the station is a desk station without one. The window's
    /// lockdown asks before it lets the window close.
    pub fn staff_unlocked(&self) -> bool {
        self.staff().is_open()
    }

    /// The running station's options; while none runs, those of the
    /// config file's `[station]` table, so that a kiosk whose station
    /// cannot start still opens (and stays) locked down; `--kiosk` makes
    /// them a kiosk's whatever the file says.
    pub fn options(&self) -> StationOptions {
        let mut options = self.station().map(|s| s.options()).unwrap_or_else(|_| {
            std::fs::read_to_string(&self.config.path)
                .ok()
                .and_then(|text| StationOptions::from_station_table(&text))
                .unwrap_or_default()
        });
        options.kiosk |= self.kiosk_flag;
        options
    }

    pub fn config_path(&self) -> &PathBuf {
        &self.config.path
    }

    fn flows(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<FlowHandle>>> {
        self.flows.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn add_flow(&self, flow: FlowHandle) -> Arc<FlowHandle> {
        let flow = Arc::new(flow);
        self.flows().insert(flow.id().to_owned(), Arc::clone(&flow));
        flow
    }

    pub fn flow(&self, id: &str) -> Result<Arc<FlowHandle>, AppError> {
        self.flows().get(id).cloned().ok_or(AppError::UnknownFlow)
    }

    /// Drops a flow: it is cancelled if still running, and its PIN and
    /// recipient data leave memory with it.
    pub fn forget_flow(&self, id: &str) {
        // The window's event forwarder holds the handle too, so dropping
        // this one alone would not end a flow still running.
        if let Some(flow) = self.flows().remove(id) {
            flow.cancel();
        }
    }
}
