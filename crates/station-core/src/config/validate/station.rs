//! The station-wide tables: `[station]`, `[callback]`, `[flow]` and
//! `[camera]`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use super::{reachability, Validator};
use crate::config::raw::{RawCallback, RawCamera, RawFlow, RawStation};
use crate::config::{
    CallbackConfig, CameraConfig, CameraSource, ConfigError, FlowTiming, ServiceConfig, StationOptions,
};

const DEFAULT_CALLBACK_BIND: &str = "127.0.0.1:47381";
/// A request lives minutes; a thousand renewals is days of an unattended screen.
const MAX_RENEWALS: u32 = 1000;

impl Validator<'_> {
    pub(super) fn camera(&self, raw: RawCamera) -> Result<CameraConfig, ConfigError> {
        let defaults = CameraConfig::default();
        let (width, height, fps) = (
            raw.width.unwrap_or(defaults.width),
            raw.height.unwrap_or(defaults.height),
            raw.fps.unwrap_or(defaults.fps),
        );
        let source = match (raw.device, raw.pictures) {
            (Some(_), Some(_)) => {
                return Err(self.invalid(
                    "camera.device",
                    "is set together with `camera.pictures`".to_owned(),
                    "keep `device` for a webcam or `pictures` for the synthetic camera, not both",
                ))
            }
            (_, Some(pictures)) => CameraSource::Pictures(PathBuf::from(pictures)),
            (device, None) => CameraSource::Device(device.filter(|name| !name.trim().is_empty())),
        };
        if !(320..=3840).contains(&width) || !(240..=2160).contains(&height) {
            return Err(self.invalid(
                "camera.width/height",
                format!("is {width}×{height}"),
                "use a camera resolution such as 1280×720",
            ));
        }
        if !(1..=60).contains(&fps) {
            return Err(self.invalid(
                "camera.fps",
                format!("is {fps}"),
                "use 1 to 60 frames per second, e.g. 25",
            ));
        }
        let preview_fps = raw.preview_fps.unwrap_or(defaults.preview_fps);
        if !(1..=60).contains(&preview_fps) {
            return Err(self.invalid(
                "camera.preview_fps",
                format!("is {preview_fps}"),
                "use 1 to 60 preview frames per second, e.g. 15",
            ));
        }
        Ok(CameraConfig {
            source,
            width,
            height,
            fps,
            preview_fps,
        })
    }

    /// Also read alone: `StationOptions::from_station_table`.
    pub(in crate::config) fn station(&self, raw: RawStation) -> Result<StationOptions, ConfigError> {
        let defaults = StationOptions::default();
        let result_reset_secs = raw.result_reset_secs.unwrap_or(defaults.result_reset_secs);
        if !(3..=600).contains(&result_reset_secs) {
            return Err(self.invalid(
                "station.result_reset_secs",
                format!("is {result_reset_secs}"),
                "use 3 to 600 seconds: long enough to read the result, short enough to protect the recipient's data",
            ));
        }
        Ok(StationOptions {
            use_sandbox: raw.use_sandbox,
            kiosk: raw.kiosk,
            result_reset_secs,
            open_in_wallet: raw.open_in_wallet,
            start_at_login: raw.start_at_login,
        })
    }

    pub(super) fn callback(&self, raw: RawCallback) -> Result<CallbackConfig, ConfigError> {
        let bind_text = raw.bind.unwrap_or_else(|| DEFAULT_CALLBACK_BIND.to_owned());
        let bind = bind_text.parse().map_err(|_| {
            self.invalid(
                "callback.bind",
                format!("is not an IP address and port: '{bind_text}'"),
                "use a form like 0.0.0.0:47381 or 127.0.0.1:47381",
            )
        })?;
        let public_url = raw
            .public_url
            .map(|u| self.http_url(&u, "callback.public_url"))
            .transpose()?;
        Ok(CallbackConfig { bind, public_url })
    }

    /// A real service that calls back needs a callback URL the internet
    /// can reach: checked here, because the service would refuse every
    /// request the station makes (Entra: "URL must be public").
    pub(super) fn public_callback(
        &self,
        callback: &CallbackConfig,
        services: &BTreeMap<String, ServiceConfig>,
    ) -> Result<(), ConfigError> {
        let Some(service) = services.values().find(|s| !s.sandbox && s.kind.calls_back()) else {
            return Ok(());
        };
        let problem = match &callback.public_url {
            None => Some("is not set".to_owned()),
            Some(url) => reachability::unreachable_from_internet(url),
        };
        match problem {
            None => Ok(()),
            Some(problem) => Err(self.invalid(
                "callback.public_url",
                format!(
                    "{problem}, but service '{}' ({}) sends its events to the station's callback URL, which it must reach from the internet",
                    service.name,
                    service.kind.display_name()
                ),
                format!(
                    "put an https reverse proxy or tunnel in front of the callback listener ({}) and set callback.public_url to its public https address; or, for Verified Orchestration, use events = \"subscription\", which needs no public URL",
                    callback.bind
                ),
            )),
        }
    }

    /// Every `flow.*` setting is bounded, so no sum of times the flow makes
    /// from them can overflow, and a typo (an extra zero or three) is caught
    /// here instead of leaving a request on screen for a week.
    pub(super) fn flow(&self, raw: RawFlow) -> Result<FlowTiming, ConfigError> {
        let defaults = FlowTiming::default();
        let secs =
            |value: Option<u64>, default: Duration, field: &str, range: std::ops::RangeInclusive<u64>| {
                let Some(secs) = value else {
                    return Ok(default);
                };
                if range.contains(&secs) {
                    Ok(Duration::from_secs(secs))
                } else {
                    Err(self.invalid(
                        format!("flow.{field}"),
                        format!("is {secs}"),
                        format!("use {} to {} seconds", range.start(), range.end()),
                    ))
                }
            };
        let max_renewals = raw.max_renewals.unwrap_or(defaults.max_renewals);
        if max_renewals > MAX_RENEWALS {
            return Err(self.invalid(
                "flow.max_renewals",
                format!("is {max_renewals}"),
                format!("use 0 to {MAX_RENEWALS}; an abandoned station should stop making requests"),
            ));
        }
        Ok(FlowTiming {
            renew_before: secs(
                raw.renew_before_secs,
                defaults.renew_before,
                "renew_before_secs",
                1..=3600,
            )?,
            max_renewals,
            retrieved_grace: secs(
                raw.retrieved_grace_secs,
                defaults.retrieved_grace,
                "retrieved_grace_secs",
                0..=3600,
            )?,
            switch_back: secs(
                raw.switch_back_secs,
                defaults.switch_back,
                "switch_back_secs",
                0..=300,
            )?,
        })
    }
}
