//! From the raw file to the typed model. Each kind of service and of
//! template is checked in its own file; this one holds what they share and
//! decides which of them a table goes to.

mod badge;
mod entra;
mod issuance;
mod kiosk;
mod oid4vci;
mod orchestration;
mod presentation;
mod queue;
mod staff;
mod station;

use std::collections::BTreeMap;
use std::time::Duration;

use url::Url;

use super::fields::{ServiceKindName, TemplateKind};
use super::raw::{Named, RawConfig, RawService, RawTemplate};
use super::reachability;
use super::{ConfigError, EntraApiShape, ServiceConfig, ServiceKind, StationConfig, Template};

pub(super) struct Validator<'a> {
    pub(super) origin: &'a str,
}

/// What every template has, whatever its kind.
struct Common {
    display_name: String,
    service: String,
    credential_type: String,
    client_name: String,
}

fn service_field(service: &str, field: &str) -> String {
    format!("services.{service}.{field}")
}

fn template_field(template: &str, field: &str) -> String {
    format!("templates.{template}.{field}")
}

impl Validator<'_> {
    fn invalid(
        &self,
        field: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> ConfigError {
        ConfigError::Invalid {
            path: self.origin.to_owned(),
            field: field.into(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    fn required(&self, value: Option<String>, field: &str, fix: &str) -> Result<String, ConfigError> {
        match value {
            Some(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
            _ => Err(self.invalid(field, "is missing", fix)),
        }
    }

    fn http_url(&self, value: &str, field: &str) -> Result<Url, ConfigError> {
        match Url::parse(value) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(url),
            _ => Err(self.invalid(
                field,
                format!("is not an absolute http(s) URL: '{value}'"),
                "write a full URL such as https://example.com/path",
            )),
        }
    }

    fn did(&self, value: Option<String>, field: &str) -> Result<String, ConfigError> {
        let did = self.required(
            value,
            field,
            "set the DID shown in your Verified ID settings, e.g. did:web:contoso.com",
        )?;
        if !did.starts_with("did:") {
            return Err(self.invalid(
                field,
                format!("is not a DID: '{did}'"),
                "a DID starts with 'did:', e.g. did:web:contoso.com",
            ));
        }
        Ok(did)
    }

    /// `poll_interval_ms`: how often a service is asked where a request
    /// stands; 200 ms to 10 s.
    fn poll_interval(
        &self,
        name: &str,
        raw: &RawService,
        default_ms: u64,
        hint: &str,
    ) -> Result<Duration, ConfigError> {
        let ms = raw.poll_interval_ms.unwrap_or(default_ms);
        if !(200..=10_000).contains(&ms) {
            return Err(self.invalid(service_field(name, "poll_interval_ms"), format!("is {ms}"), hint));
        }
        Ok(Duration::from_millis(ms))
    }

    pub(super) fn config(&self, raw: RawConfig) -> Result<StationConfig, ConfigError> {
        let station = self.station(raw.station)?;
        let callback = self.callback(raw.callback)?;
        let flow = self.flow(raw.flow)?;
        let queue = self.queue(raw.queue)?;
        let staff = self.staff(raw.staff)?;
        let mut services = BTreeMap::new();
        for (name, service) in raw.services {
            let service = self.service(&name, service, station.use_sandbox)?;
            services.insert(name, service);
        }
        if raw.templates.is_empty() && !station.use_sandbox {
            return Err(self.invalid(
                "templates",
                "has no entries",
                "add at least one [templates.<name>] table",
            ));
        }
        let mut templates = BTreeMap::new();
        for (name, template) in raw.templates {
            let template = self.template(&name, template, &services)?;
            templates.insert(name, template);
        }
        // With use_sandbox the file's services are not used at all.
        if !station.use_sandbox {
            self.public_callback(&callback, &services)?;
        }
        let camera = raw
            .camera
            .map(|c| self.camera(c))
            .transpose()?
            .unwrap_or_default();
        let badge = self.badge(raw.badge, &templates)?;
        let kiosk = self.kiosk(raw.kiosk, &templates, station.use_sandbox)?;
        Ok(StationConfig {
            station,
            callback,
            flow,
            queue,
            staff,
            services,
            templates,
            camera,
            badge,
            kiosk,
        })
    }

    fn service(&self, name: &str, raw: RawService, use_sandbox: bool) -> Result<ServiceConfig, ConfigError> {
        let field = |f: &str| service_field(name, f);
        let kind_name = match &raw.kind {
            Named::Known(kind_name) => *kind_name,
            Named::Unknown(other) => {
                return Err(self.invalid(
                    field("kind"),
                    format!("is '{other}', which this station does not know"),
                    "use \"entra\" (or \"entra-preview\" for the older preview API), \"orchestration\" or \"oid4vci\"",
                ))
            }
        };
        let service_type = kind_name.service_type();
        if let Some(stray) = service_type.foreign_service_fields().find(|f| raw.is_set(f)) {
            let described = service_type.described();
            let takes: Vec<&str> = service_type.service_fields().collect();
            return Err(self.invalid(
                field(stray),
                format!("does not apply to {described} service"),
                format!("remove it; {described} service takes {}", takes.join(", ")),
            ));
        }
        let kind = match kind_name {
            ServiceKindName::Entra => ServiceKind::Entra(self.entra(name, EntraApiShape::Current, &raw)?),
            ServiceKindName::EntraPreview => {
                ServiceKind::Entra(self.entra(name, EntraApiShape::Preview, &raw)?)
            }
            ServiceKindName::Orchestration => ServiceKind::Orchestration(self.orchestration(name, &raw)?),
            ServiceKindName::Oid4vci => ServiceKind::Oid4vci(self.oid4vci(name, &raw)?),
        };
        // A local stand-in (`station sandbox`) speaks plain http on loopback;
        // with use_sandbox, the file's services are not used at all.
        if !raw.sandbox && !use_sandbox {
            for (endpoint, url, scheme) in kind.endpoints() {
                if let Some(problem) = reachability::insecure_scheme(url, scheme) {
                    return Err(self.invalid(
                        field(endpoint),
                        problem,
                        "use the service's https:// (wss:// for ws_url) address; a local stand-in such as `station sandbox` is marked `sandbox = true` instead",
                    ));
                }
            }
        }
        Ok(ServiceConfig {
            name: name.to_owned(),
            sandbox: raw.sandbox,
            kind,
        })
    }

    fn template(
        &self,
        name: &str,
        mut raw: RawTemplate,
        services: &BTreeMap<String, ServiceConfig>,
    ) -> Result<Template, ConfigError> {
        let field = |f: &str| template_field(name, f);
        // A misplaced setting would otherwise be silently ignored.
        if let Named::Known(kind) = &raw.kind {
            if let Some(stray) = kind.foreign_fields().find(|f| raw.is_set(f)) {
                return Err(self.invalid(
                    field(stray),
                    format!(
                        "belongs to the other kind of template, not to a {} template",
                        kind.as_str()
                    ),
                    "remove it, or set kind = \"issuance\" / \"presentation\" to the kind you meant",
                ));
            }
        }
        let service = self.required(
            raw.service.take(),
            &field("service"),
            "name one of the [services.<name>] tables",
        )?;
        let Some(service_config) = services.get(&service) else {
            let known = services.keys().cloned().collect::<Vec<_>>().join(", ");
            return Err(self.invalid(
                field("service"),
                format!("names '{service}', which is not configured"),
                format!("use one of: {known}"),
            ));
        };
        let display_name = raw.display_name.take().unwrap_or_else(|| name.to_owned());
        let credential_type = self.required(
            raw.credential_type.take(),
            &field("credential_type"),
            "set the credential type from the contract, e.g. VerifiedEmployee",
        )?;
        let client_name = raw
            .client_name
            .take()
            .unwrap_or_else(|| "Issuance Station".to_owned());
        let kind = match &raw.kind {
            Named::Known(kind) => *kind,
            Named::Unknown(other) => {
                return Err(self.invalid(
                    field("kind"),
                    format!("is '{other}'"),
                    "use \"issuance\" or \"presentation\"",
                ))
            }
        };
        let common = Common {
            display_name,
            service,
            credential_type,
            client_name,
        };
        match kind {
            TemplateKind::Issuance => self.issuance(name, common, &service_config.kind, raw),
            TemplateKind::Presentation => self.presentation(name, common, &service_config.kind, raw),
        }
    }
}
