//! `badge = "cr80" | "a6"` on an issuance template, and `[badge]`: the
//! event printed on every badge and the CUPS queue they print on.

use std::collections::BTreeMap;

use super::{template_field, Validator};
use crate::config::raw::RawBadge;
use crate::config::{BadgeConfig, BadgeLayout, ConfigError, Template};

/// Longer does not fit the badge's event line at any size worth reading.
const MAX_EVENT_CHARS: usize = 80;
/// CUPS refuses longer queue names.
const MAX_PRINTER_CHARS: usize = 127;

impl Validator<'_> {
    pub(super) fn badge_layout(&self, template: &str, layout: &str) -> Result<BadgeLayout, ConfigError> {
        match layout {
            "cr80" => Ok(BadgeLayout::Cr80),
            "a6" => Ok(BadgeLayout::A6),
            other => Err(self.invalid(
                template_field(template, "badge"),
                format!("is '{other}'"),
                "use \"cr80\" (85.6 × 54 mm card) or \"a6\" (148 × 105 mm), or remove it for no badge",
            )),
        }
    }

    pub(super) fn badge(
        &self,
        raw: RawBadge,
        templates: &BTreeMap<String, Template>,
    ) -> Result<BadgeConfig, ConfigError> {
        let badged = templates
            .iter()
            .find(|(_, t)| matches!(t, Template::Issuance(t) if t.badge.is_some()))
            .map(|(name, _)| name);
        let event = raw.event.map(|e| e.trim().to_owned()).unwrap_or_default();
        if event.chars().count() > MAX_EVENT_CHARS {
            return Err(self.invalid(
                "badge.event",
                format!("has {} characters", event.chars().count()),
                format!("shorten it to at most {MAX_EVENT_CHARS}: it is one line on the badge"),
            ));
        }
        if let (Some(template), true) = (badged, event.is_empty()) {
            return Err(self.invalid(
                "badge.event",
                format!("is not set, but template '{template}' prints badges"),
                "add [badge] event = \"<the event's name>\", printed on every badge",
            ));
        }
        let printer = raw.printer.map(|p| p.trim().to_owned());
        if let Some(printer) = &printer {
            let valid = !printer.is_empty()
                && printer.chars().count() <= MAX_PRINTER_CHARS
                && printer
                    .chars()
                    .all(|c| c.is_ascii_graphic() && !matches!(c, '/' | '#' | '\\' | '\'' | '"'));
            if !valid {
                return Err(self.invalid(
                    "badge.printer",
                    format!("is '{printer}', which is not a CUPS queue name"),
                    "use the queue's name as `lpstat -p` lists it (no spaces, / or #), or remove printer to save badges as PDF",
                ));
            }
        }
        Ok(BadgeConfig { event, printer })
    }
}
