//! The app's one error type; it reaches the UI as `{code, message}`.

use serde::{Serialize, Serializer};
use station_core::config::ConfigError;
use station_core::error::{ErrorCode, UiError};
use station_core::queue::QueueError;
use station_core::roster::RosterError;
use station_core::secrets::SecretError;
use station_core::EngineError;
use station_launch::settings::SettingsError;
use station_launch::LaunchError;
use station_sandbox::SandboxError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Launch(#[from] LaunchError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error(transparent)]
    Roster(#[from] RosterError),
    #[error("the simulated wallet: {0}")]
    Wallet(#[from] SandboxError),
    #[error("the station is not running: {0}")]
    NotStarted(String),
    /// Work the station hands to a worker thread (the keyring, checking a
    /// photo) panicked or was dropped: the command did not happen.
    #[error("the station's worker for this step stopped before it finished ({0}); try again, and if it happens again, send the station's log to support")]
    BackgroundTask(String),
    #[error("that issuance is no longer on this station; start a new one")]
    UnknownFlow,
    #[error("the simulated wallet exists only with the sandbox")]
    NoWallet,
    #[error("the wallet has nothing to act on: no request is on screen")]
    NoRequest,
    #[error("no photo page is on screen: choose \"The recipient's phone\" in the photo step first")]
    NoPhonePage,
    #[error("the photo step changed while the phone's photo page was being prepared; choose \"The recipient's phone\" again")]
    PhotoStepChanged,
    #[error("finish or cancel the issuance on screen before changing settings")]
    FlowActive,
    #[error("the settings are being saved already; wait for that to finish")]
    SavingSettings,
    #[error("'{0}' is not a wallet action (open, pin, accept, decline, present)")]
    UnknownWalletAction(String),
    #[error("the service refused that PIN: type the PIN shown on the station")]
    PinRefused,
    #[error(transparent)]
    Camera(#[from] station_core::camera::CameraError),
    #[error(transparent)]
    Photo(#[from] station_core::photo::PhotoRejection),
    #[error(transparent)]
    Qr(#[from] station_core::qr::QrError),
    #[error(transparent)]
    Staff(#[from] station_core::staff::StaffError),
    #[error(transparent)]
    L10n(#[from] crate::l10n::L10nError),
    #[error(transparent)]
    Kiosk(#[from] station_core::kiosk::KioskError),
    #[error(transparent)]
    Badge(#[from] station_badge::BadgeError),
}

impl ErrorCode for AppError {
    fn code(&self) -> &'static str {
        match self {
            AppError::Engine(e) => e.code(),
            AppError::Launch(e) => e.code(),
            AppError::Config(e) => e.code(),
            AppError::Settings(e) => e.code(),
            AppError::Secret(e) => e.code(),
            AppError::Queue(e) => e.code(),
            AppError::Roster(e) => e.code(),
            AppError::Wallet(_) => "app.wallet",
            AppError::NotStarted(_) => "app.not_started",
            AppError::BackgroundTask(_) => "app.background_task_failed",
            AppError::UnknownFlow => "app.unknown_flow",
            AppError::NoWallet => "app.no_wallet",
            AppError::NoRequest => "app.no_request",
            AppError::NoPhonePage => "app.no_phone_page",
            AppError::PhotoStepChanged => "app.photo_step_changed",
            AppError::FlowActive => "app.flow_active",
            AppError::SavingSettings => "app.saving_settings",
            AppError::UnknownWalletAction(_) => "app.unknown_wallet_action",
            AppError::PinRefused => "app.pin_refused",
            AppError::Camera(e) => e.code(),
            AppError::Photo(e) => e.code(),
            AppError::Qr(e) => e.code(),
            AppError::Staff(e) => e.code(),
            AppError::L10n(e) => e.code(),
            AppError::Kiosk(e) => e.code(),
            AppError::Badge(e) => e.code(),
        }
    }
}

impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        UiError::from(self).serialize(serializer)
    }
}
