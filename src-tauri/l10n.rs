//! The window's own words, from the same Fluent files as the page
//! (`ui/locales/<language>/window.ftl`, embedded at build time), in the
//! language the page last chose: it calls `set_language` whenever it
//! switches. Today that is the desktop notification of a ready desk job,
//! "Ready: call Megan Bowen".

use std::sync::RwLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use station_core::error::ErrorCode;
use unic_langid::LanguageIdentifier;

/// Each language of ui/locales/index.json with its window.ftl; the first
/// is the source language, used for a message another one lacks.
const LANGUAGES: &[(&str, &str)] = &[
    ("en", include_str!("../ui/locales/en/window.ftl")),
    ("fr", include_str!("../ui/locales/fr/window.ftl")),
    ("ar", include_str!("../ui/locales/ar/window.ftl")),
];

/// The message ids the Rust side formats (a test checks each language has them).
pub const READY_TITLE: &str = "window-ready-title";
#[cfg(test)]
const USED: &[&str] = &[READY_TITLE];

#[derive(Debug, thiserror::Error)]
pub enum L10nError {
    #[error(
        "'{code}' is not one of the station's languages ({known}); use a code from ui/locales/index.json"
    )]
    UnknownLanguage { code: String, known: String },
}

impl ErrorCode for L10nError {
    fn code(&self) -> &'static str {
        match self {
            L10nError::UnknownLanguage { .. } => "l10n.unknown_language",
        }
    }
}

/// The window's words in every language, and which one is on show.
pub struct Words {
    bundles: Vec<(&'static str, FluentBundle<FluentResource>)>,
    current: RwLock<usize>,
}

impl Default for Words {
    fn default() -> Self {
        Words::of(LANGUAGES)
    }
}

/// One language's bundle. A file that does not parse keeps the messages
/// that do (the others fall back to English); a test keeps every file whole.
fn bundle(code: &str, text: &str) -> FluentBundle<FluentResource> {
    let locale: LanguageIdentifier = code.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![locale]);
    // The notification is plain text: no bidi isolation marks around names,
    // as on the page.
    bundle.set_use_isolating(false);
    let resource = FluentResource::try_new(text.to_owned()).unwrap_or_else(|(resource, errors)| {
        tracing::warn!(language = code, ?errors, "window.ftl has lines that do not parse");
        resource
    });
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::warn!(language = code, ?errors, "window.ftl has messages that clash");
    }
    bundle
}

impl Words {
    /// `files`: each language's code and window.ftl, the source language first.
    fn of(files: &[(&'static str, &str)]) -> Words {
        Words {
            bundles: files
                .iter()
                .map(|(code, text)| (*code, bundle(code, text)))
                .collect(),
            current: RwLock::new(0),
        }
    }

    /// Switches to `code` (one of ui/locales/index.json's languages).
    pub fn set_language(&self, code: &str) -> Result<(), L10nError> {
        let index = self
            .bundles
            .iter()
            .position(|(known, _)| *known == code)
            .ok_or_else(|| L10nError::UnknownLanguage {
                code: code.to_owned(),
                known: self
                    .bundles
                    .iter()
                    .map(|(c, _)| *c)
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        // A poisoned lock held only an index: the value in it is still whole.
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = index;
        Ok(())
    }

    /// Message `id` with `args` in the language on show (English where it
    /// lacks the message; the id itself if English does too).
    pub fn format(&self, id: &str, args: &FluentArgs) -> String {
        let index = *self
            .current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let chosen = self.bundles.get(index).into_iter();
        for (code, bundle) in chosen.chain(self.bundles.first()) {
            let Some(pattern) = bundle.get_message(id).and_then(|message| message.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(args), &mut errors);
            if !errors.is_empty() {
                tracing::warn!(
                    language = code,
                    id,
                    ?errors,
                    "a window message did not format cleanly"
                );
            }
            return text.into_owned();
        }
        tracing::warn!(id, "no language has this window message");
        id.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_message_the_window_uses() {
        for (code, text) in LANGUAGES {
            let resource = FluentResource::try_new((*text).to_owned());
            assert!(
                resource.is_ok(),
                "{code}/window.ftl does not parse: {:?}",
                resource.err().map(|(_, e)| e)
            );
            let words = Words::default();
            for id in USED {
                assert!(
                    words.bundles.iter().any(|(c, b)| c == code && b.has_message(id)),
                    "{code}/window.ftl lacks {id}"
                );
            }
        }
    }

    #[test]
    fn the_embedded_languages_are_those_of_the_page() {
        let manifest: serde_json::Value =
            serde_json::from_str(include_str!("../ui/locales/index.json")).unwrap();
        let page: Vec<&str> = manifest["languages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["code"].as_str().unwrap())
            .collect();
        let window: Vec<&str> = LANGUAGES.iter().map(|(code, _)| *code).collect();
        assert_eq!(window, page, "add the language's window.ftl to LANGUAGES");
        assert_eq!(
            manifest["default"], "en",
            "LANGUAGES starts with the source language"
        );
    }

    #[test]
    fn the_notification_follows_the_page_language() {
        let words = Words::default();
        let mut args = FluentArgs::new();
        args.set("recipient", "Megan Bowen");
        assert_eq!(words.format(READY_TITLE, &args), "Ready: call Megan Bowen");
        words.set_language("fr").unwrap();
        assert_eq!(words.format(READY_TITLE, &args), "Prêt : appelez Megan Bowen");
        words.set_language("ar").unwrap();
        assert_eq!(words.format(READY_TITLE, &args), "جاهز: نادِ Megan Bowen");
    }

    #[test]
    fn an_unknown_language_is_refused_and_the_current_one_stays() {
        let words = Words::default();
        words.set_language("fr").unwrap();
        let error = words.set_language("xx").unwrap_err();
        assert_eq!(error.code(), "l10n.unknown_language");
        assert!(error.to_string().contains("en, fr, ar"), "{error}");
        let mut args = FluentArgs::new();
        args.set("recipient", "Megan Bowen");
        assert_eq!(words.format(READY_TITLE, &args), "Prêt : appelez Megan Bowen");
    }

    #[test]
    fn a_message_a_language_lacks_is_said_in_english() {
        let words = Words::of(&[
            ("en", "window-new = New words\n"),
            ("fr", "window-old = Vieux mots\n"),
        ]);
        words.set_language("fr").unwrap();
        assert_eq!(words.format("window-new", &FluentArgs::new()), "New words");
        assert_eq!(words.format("window-old", &FluentArgs::new()), "Vieux mots");
        assert_eq!(words.format("window-none", &FluentArgs::new()), "window-none");
    }
}
