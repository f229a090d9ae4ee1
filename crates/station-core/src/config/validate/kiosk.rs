//! `[kiosk]`: the self-service path. Its template must be one a visitor
//! can be issued, and the idle time long enough to read a screen and
//! short enough that a visitor who walks away is forgotten soon.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use super::Validator;
use crate::config::raw::RawKiosk;
use crate::config::{ConfigError, KioskConfig, Template};

/// Long enough to read a step and touch it; at most ten minutes, as a
/// visitor who walked away leaves their name on screen until then.
const IDLE_SECS: RangeInclusive<u32> = 5..=600;

impl Validator<'_> {
    pub(super) fn kiosk(
        &self,
        raw: RawKiosk,
        templates: &BTreeMap<String, Template>,
        use_sandbox: bool,
    ) -> Result<KioskConfig, ConfigError> {
        let defaults = KioskConfig::default();
        let idle_secs = raw.idle_secs.unwrap_or(defaults.idle_secs);
        if !IDLE_SECS.contains(&idle_secs) {
            return Err(self.invalid(
                "kiosk.idle_secs",
                format!("is {idle_secs}"),
                format!(
                    "use {} to {} seconds (the last 10 are a countdown on screen)",
                    IDLE_SECS.start(),
                    IDLE_SECS.end()
                ),
            ));
        }
        let template = raw.template.map(|name| name.trim().to_owned());
        // With use_sandbox and no templates of its own, the station runs
        // the sandbox's built-in templates, which are not known here.
        let checked = !(use_sandbox && templates.is_empty());
        if let (Some(name), true) = (&template, checked) {
            let issuance: Vec<&str> = templates
                .iter()
                .filter(|(_, t)| matches!(t, Template::Issuance(_)))
                .map(|(name, _)| name.as_str())
                .collect();
            if !issuance.contains(&name.as_str()) {
                let problem = match templates.get(name) {
                    Some(_) => format!("names '{name}', which checks credentials rather than issuing them"),
                    None => format!("names '{name}', which is not in [templates]"),
                };
                return Err(self.invalid(
                    "kiosk.template",
                    problem,
                    format!(
                        "name the issuance template visitors get: one of {}",
                        issuance.join(", ")
                    ),
                ));
            }
        }
        Ok(KioskConfig {
            template,
            idle_secs,
            preview: raw.preview,
        })
    }
}
