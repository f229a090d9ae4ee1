//! The few settings a person edits on the Settings screen, read from and
//! written back into the config file. Everything else in the file — other
//! services, templates, comments — is left as the administrator wrote it.
//!
//! Settings owns one service table per kind of service, under a fixed name
//! ([`SettingsService::name`]): `[services.entra]`, `[services.orchestration]`
//! and `[services.oid4vci]`. The same name is the keyring entry of that
//! service's secret. The issuance templates that name one of these services
//! are "the station's own" templates: choosing a service points all of them
//! at it (with that service's target fields, and none of the others'), so the
//! Home screen issues through the chosen service. A template of any other
//! service, and every presentation template, is never changed or removed, and
//! no service table is ever removed: switching back finds its details again.

use std::path::Path;

use serde::{Deserialize, Serialize};
use toml_edit::{DocumentMut, Item, Table};

use crate::config::fields::{self, ServiceKindName, ServiceType, TemplateKind};
use crate::config::{
    CameraSource, ConfigError, IssuanceTarget, Oid4vciMode, OrchestrationConfig, OrchestrationEvents,
    ServiceKind, StationConfig, StationOptions, Template,
};
use crate::secrets::SecretStore;

/// The template Settings creates when the file has none of its own.
const SETTINGS_TEMPLATE: &str = "badge";

/// The real services Settings can choose, one of each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SettingsService {
    /// Microsoft Entra Verified ID.
    #[default]
    Entra,
    /// Verified Orchestration.
    Orchestration,
    /// An OID4VCI issuer's admin API.
    Oid4vci,
}

impl SettingsService {
    pub const ALL: [SettingsService; 3] = [
        SettingsService::Entra,
        SettingsService::Orchestration,
        SettingsService::Oid4vci,
    ];

    /// The `[services.<name>]` table Settings writes, and the keyring entry
    /// of the service's secret (`station secret set <name>`).
    pub fn name(self) -> &'static str {
        match self {
            SettingsService::Entra => "entra",
            SettingsService::Orchestration => "orchestration",
            SettingsService::Oid4vci => "oid4vci",
        }
    }

    /// The Settings service called `name`, if it is one.
    pub fn named(name: &str) -> Option<SettingsService> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Its row in the config's field table.
    fn service_type(self) -> ServiceType {
        match self {
            SettingsService::Entra => ServiceType::Entra,
            SettingsService::Orchestration => ServiceType::Orchestration,
            SettingsService::Oid4vci => ServiceType::Oid4vci,
        }
    }
}

/// `[services.entra]` and the Entra target of the station's templates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntraSettings {
    pub tenant: String,
    pub client_id: String,
    /// The issuer's DID.
    pub authority: String,
    pub manifest: String,
}

/// `[services.orchestration]` and the contract the station's templates issue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrchestrationSettings {
    pub api_url: String,
    /// Empty: the API URL as ws(s)://.
    pub ws_url: String,
    pub token_url: String,
    pub client_id: String,
    pub scope: String,
    /// "subscription" or "callback"; empty: the default (subscription).
    pub events: String,
    pub contract_id: String,
}

/// `[services.oid4vci]` and the credential definition the station's
/// templates issue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Oid4vciSettings {
    pub api_base: String,
    /// `None`: the default (1000 ms).
    pub poll_interval_ms: Option<u64>,
    /// `None`: the default (600 s).
    pub offer_lifetime_secs: Option<u64>,
    /// "openid-credential-offer://" or "haip://"; empty: the former.
    pub url_scheme: String,
    pub credential_definition_id: String,
    /// "in_time" or "deferred"; empty: in_time.
    pub issuance_mode: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StationSettings {
    /// `[station] use_sandbox`: run the built-in sandbox. Saving it changes
    /// no service or template, so switching back finds them as they were.
    pub use_sandbox: bool,
    /// The real service the station's own templates issue through.
    pub service: SettingsService,
    /// Each kind's details, kept while another one is chosen; only the chosen
    /// one's are written.
    pub entra: EntraSettings,
    pub orchestration: OrchestrationSettings,
    pub oid4vci: Oid4vciSettings,
    /// The credential type of the station's own templates.
    pub credential_type: String,
    pub callback_public_url: String,
    pub kiosk: bool,
    pub result_reset_secs: u32,
    /// The webcam by name; empty: the first one found (or, if the config
    /// plays pictures, the synthetic camera, which is kept).
    pub camera_device: String,
    pub camera_width: u32,
    pub camera_height: u32,
}

/// Whether each Settings service has a secret stored; never the secret.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredSecrets {
    pub entra: bool,
    pub orchestration: bool,
    pub oid4vci: bool,
}

impl StoredSecrets {
    /// Looks each Settings service up in `store` (which may block). A store
    /// that cannot be read counts as "not stored".
    pub fn of(store: &dyn SecretStore) -> StoredSecrets {
        let stored = |service: SettingsService| {
            store
                .get(service.name())
                .map(|secret| secret.is_some())
                .unwrap_or(false)
        };
        StoredSecrets {
            entra: stored(SettingsService::Entra),
            orchestration: stored(SettingsService::Orchestration),
            oid4vci: stored(SettingsService::Oid4vci),
        }
    }
}

impl StationSettings {
    /// The settings of `config` (a station with no file runs the sandbox).
    ///
    /// The chosen service is the one the station's own templates name (the
    /// first of them by name, should an administrator have split them), else
    /// the first Settings service the file configures, else Entra.
    pub fn from_config(config: Option<&StationConfig>) -> StationSettings {
        let options = config.map(|c| c.station).unwrap_or(StationOptions {
            use_sandbox: true,
            ..StationOptions::default()
        });
        let camera = config.map(|c| c.camera.clone()).unwrap_or_default();
        let mut camera_device = String::new();
        if let CameraSource::Device(Some(name)) = &camera.source {
            camera_device = name.clone();
        }
        let mut settings = StationSettings {
            use_sandbox: options.use_sandbox,
            service: SettingsService::default(),
            entra: EntraSettings::default(),
            orchestration: OrchestrationSettings::default(),
            oid4vci: Oid4vciSettings::default(),
            credential_type: String::new(),
            callback_public_url: String::new(),
            kiosk: options.kiosk,
            result_reset_secs: options.result_reset_secs,
            camera_device,
            camera_width: camera.width,
            camera_height: camera.height,
        };
        let Some(config) = config else { return settings };

        let configured = |service: SettingsService| config.services.get(service.name()).map(|s| &s.kind);
        if let Some(ServiceKind::Entra(entra)) = configured(SettingsService::Entra) {
            settings.entra.tenant = entra.tenant.clone();
            settings.entra.client_id = entra.client_id.clone();
        }
        if let Some(ServiceKind::Orchestration(vo)) = configured(SettingsService::Orchestration) {
            settings.orchestration = OrchestrationSettings {
                api_url: vo.api_url.to_string(),
                ws_url: if vo.ws_url == OrchestrationConfig::default_ws_url(&vo.api_url) {
                    String::new()
                } else {
                    vo.ws_url.to_string()
                },
                token_url: vo.token_url.to_string(),
                client_id: vo.client_id.clone(),
                scope: vo.scope.clone(),
                events: match vo.events {
                    OrchestrationEvents::Subscription => "subscription",
                    OrchestrationEvents::Callback => "callback",
                }
                .to_owned(),
                contract_id: String::new(),
            };
        }
        if let Some(ServiceKind::Oid4vci(issuer)) = configured(SettingsService::Oid4vci) {
            settings.oid4vci = Oid4vciSettings {
                api_base: issuer.api_base.to_string(),
                poll_interval_ms: u64::try_from(issuer.poll_interval.as_millis()).ok(),
                offer_lifetime_secs: Some(issuer.offer_lifetime.as_secs()),
                url_scheme: issuer.url_scheme.as_str().to_owned(),
                credential_definition_id: String::new(),
                issuance_mode: String::new(),
            };
        }

        let own_templates = config.templates.values().filter_map(|t| match t {
            Template::Issuance(t) => SettingsService::named(&t.service).map(|s| (s, t)),
            Template::Presentation(_) => None,
        });
        let mut chosen = None;
        let mut target_read = [false; 3];
        for (service, template) in own_templates {
            if chosen.is_none() {
                chosen = Some(service);
                settings.credential_type = template.credential_type.clone();
            }
            let read = &mut target_read[service as usize];
            if *read {
                continue;
            }
            *read = true;
            match &template.target {
                IssuanceTarget::Entra {
                    manifest, authority, ..
                } => {
                    settings.entra.authority = authority.clone();
                    settings.entra.manifest = manifest.to_string();
                }
                IssuanceTarget::Orchestration { contract_id } => {
                    settings.orchestration.contract_id = contract_id.clone();
                }
                IssuanceTarget::Oid4vci {
                    credential_definition_id,
                    mode,
                    ..
                } => {
                    settings.oid4vci.credential_definition_id = credential_definition_id.clone();
                    settings.oid4vci.issuance_mode = match mode {
                        Oid4vciMode::InTime => "in_time",
                        Oid4vciMode::Deferred => "deferred",
                    }
                    .to_owned();
                }
            }
        }
        settings.service = chosen
            .or_else(|| {
                SettingsService::ALL
                    .into_iter()
                    .find(|s| configured(*s).is_some())
            })
            .unwrap_or_default();
        settings.callback_public_url = config
            .callback
            .public_url
            .as_ref()
            .map(|u| u.to_string())
            .unwrap_or_default();
        settings
    }

    /// The keyring entry a new secret for the chosen service goes to: the
    /// client secret of Entra and Verified Orchestration, the API key of an
    /// OID4VCI issuer.
    pub fn secret_service(&self) -> &'static str {
        self.service.name()
    }

    /// Writes these settings into the config file at `path` (creating it if
    /// needed), but only if the result is a valid config, which is returned.
    pub fn save(&self, path: &Path) -> Result<StationConfig, ConfigError> {
        let origin = path.display().to_string();
        let existing = read_if_present(path)?.unwrap_or_default();
        let mut document: DocumentMut =
            existing
                .parse()
                .map_err(|e: toml_edit::TomlError| ConfigError::Parse {
                    path: origin.clone(),
                    detail: e.to_string(),
                })?;
        self.apply(&mut document);
        let text = document.to_string();
        let config = StationConfig::from_toml(&text, &origin)?;
        write_atomically(path, &text).map_err(|e| ConfigError::Write {
            path: origin,
            detail: e.to_string(),
        })?;
        Ok(config)
    }

    fn apply(&self, document: &mut DocumentMut) {
        let station = table(document.as_table_mut(), "station");
        set(station, "use_sandbox", self.use_sandbox);
        set(station, "kiosk", self.kiosk);
        set(station, "result_reset_secs", i64::from(self.result_reset_secs));

        let camera = table(document.as_table_mut(), "camera");
        match self.camera_device.trim() {
            "" => {
                camera.remove("device");
            }
            name => {
                camera.remove("pictures");
                set(camera, "device", name);
            }
        }
        set(camera, "width", i64::from(self.camera_width));
        set(camera, "height", i64::from(self.camera_height));

        let callback = table(document.as_table_mut(), "callback");
        set_or_remove(callback, "public_url", &self.callback_public_url);

        // The sandbox ignores the services and templates: they stay as they
        // are, ready for when a real service is chosen again.
        if self.use_sandbox {
            return;
        }
        let services = table(document.as_table_mut(), "services");
        self.write_service(table(services, self.service.name()));

        let templates = table(document.as_table_mut(), "templates");
        let own: Vec<String> = templates
            .iter()
            .filter(|(_, item)| {
                let is_issuance = item
                    .get("kind")
                    .and_then(Item::as_str)
                    .is_none_or(|k| k == TemplateKind::Issuance.as_str());
                let service = item.get("service").and_then(Item::as_str);
                is_issuance && service.and_then(SettingsService::named).is_some()
            })
            .map(|(name, _)| name.to_owned())
            .collect();
        let names = if own.is_empty() {
            vec![create_template(templates)]
        } else {
            own
        };
        for name in names {
            let template = table(templates, &name);
            set(template, "service", self.service.name());
            // Another service's target would make the config invalid.
            // An OID4VCI `credential_format` is kept though not edited
            // here: it belongs to the issuer's definition.
            for key in self.service.service_type().foreign_target_fields() {
                template.remove(key);
            }
            set(template, "credential_type", self.credential_type.trim());
            self.write_target(template);
        }
    }

    /// The chosen service's table: its kind and the fields Settings edits;
    /// any other field (e.g. Entra's `authority_host`) is left alone.
    fn write_service(&self, service: &mut Table) {
        let service_type = self.service.service_type();
        // A kind of the same service stays: "entra-preview" is Entra too.
        let kind = service
            .get("kind")
            .and_then(Item::as_str)
            .and_then(fields::named::<ServiceKindName>);
        if kind.map(ServiceKindName::service_type) != Some(service_type) {
            set(service, "kind", service_type.kind().as_str());
        }
        match self.service {
            SettingsService::Entra => {
                let entra = &self.entra;
                set(service, "tenant", entra.tenant.trim());
                set(service, "client_id", entra.client_id.trim());
            }
            SettingsService::Orchestration => {
                let vo = &self.orchestration;
                set(service, "api_url", vo.api_url.trim());
                set_or_remove(service, "ws_url", &vo.ws_url);
                set(service, "token_url", vo.token_url.trim());
                set(service, "client_id", vo.client_id.trim());
                set(service, "scope", vo.scope.trim());
                set_or_remove(service, "events", &vo.events);
            }
            SettingsService::Oid4vci => {
                let issuer = &self.oid4vci;
                set(service, "api_base", issuer.api_base.trim());
                set_number_or_remove(service, "poll_interval_ms", issuer.poll_interval_ms);
                set_number_or_remove(service, "offer_lifetime_secs", issuer.offer_lifetime_secs);
                set_or_remove(service, "url_scheme", &issuer.url_scheme);
            }
        }
    }

    /// The chosen service's target fields of one of the station's templates.
    fn write_target(&self, template: &mut Table) {
        match self.service {
            SettingsService::Entra => {
                set(template, "authority", self.entra.authority.trim());
                set(template, "manifest", self.entra.manifest.trim());
            }
            SettingsService::Orchestration => {
                set(template, "contract_id", self.orchestration.contract_id.trim());
            }
            SettingsService::Oid4vci => {
                let issuer = &self.oid4vci;
                set(
                    template,
                    "credential_definition_id",
                    issuer.credential_definition_id.trim(),
                );
                set_or_remove(template, "issuance_mode", &issuer.issuance_mode);
            }
        }
    }
}

/// Adds the station's own template (a badge with first and last name) under
/// a name no other template uses; returns that name.
fn create_template(templates: &mut Table) -> String {
    let name = std::iter::once(SETTINGS_TEMPLATE.to_owned())
        .chain((2..).map(|n| format!("{SETTINGS_TEMPLATE}-{n}")))
        .find(|name| !templates.contains_key(name))
        .unwrap_or_else(|| unreachable!("the names are endless"));
    let template = table(templates, &name);
    set(template, "display_name", "Badge");
    let claims = [("given_name", "First name"), ("family_name", "Last name")];
    let mut array = toml_edit::Array::new();
    for (claim_name, label) in claims {
        let mut claim = toml_edit::InlineTable::new();
        claim.insert("name", claim_name.into());
        claim.insert("label", label.into());
        claim.insert("required", true.into());
        array.push(claim);
    }
    set(template, "claims", array);
    name
}

/// The table `key` of `parent`, created if absent; an inline table there
/// becomes a standard one, keeping its entries.
fn table<'a>(parent: &'a mut Table, key: &str) -> &'a mut Table {
    let item = parent.entry(key).or_insert_with(|| {
        let mut table = Table::new();
        // Shown only once it has entries of its own.
        table.set_implicit(true);
        Item::Table(table)
    });
    if !item.is_table() {
        *item = Item::Table(std::mem::take(item).into_table().unwrap_or_default());
    }
    match item.as_table_mut() {
        Some(table) => table,
        None => unreachable!("the item was just made a table"),
    }
}

/// Sets `key` to `new`, keeping the comment that followed the old value.
fn set(table: &mut Table, key: &str, new: impl Into<toml_edit::Value>) {
    let mut new = new.into();
    if let Some(old) = table.get(key).and_then(Item::as_value) {
        *new.decor_mut() = old.decor().clone();
    }
    table[key] = Item::Value(new);
}

/// Sets `key` to the trimmed `text`, or removes it (the default applies)
/// when there is none.
fn set_or_remove(table: &mut Table, key: &str, text: &str) {
    match text.trim() {
        "" => {
            table.remove(key);
        }
        text => set(table, key, text),
    }
}

fn set_number_or_remove(table: &mut Table, key: &str, number: Option<u64>) {
    // Larger than TOML's integers: written as the largest, which the
    // validation then refuses with its range.
    match number.map(|n| i64::try_from(n).unwrap_or(i64::MAX)) {
        Some(n) => set(table, key, n),
        None => {
            table.remove(key);
        }
    }
}

/// The config file's text, `None` when there is no file yet.
pub fn read_if_present(path: &Path) -> Result<Option<String>, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConfigError::Read {
            path: path.display().to_string(),
            detail: e.to_string(),
        }),
    }
}

/// Writes `text` to a file beside `path`, then renames it over `path`: a
/// crash mid-write must not leave a half-written config behind.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temporary = path.with_extension("toml.tmp");
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path)
}
