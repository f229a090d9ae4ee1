//! An issuance template (`kind = "issuance"`, the default): what every
//! service shares; each service's own fields are checked in its file.

use super::{template_field, Common, Validator};
use crate::config::raw::{RawClaim, RawTemplate};
use crate::config::{ClaimField, ConfigError, IssuanceTarget, IssuanceTemplate, ServiceKind, Template};
use crate::pin::{DEFAULT_PIN_LENGTH, MAX_PIN_LENGTH, MIN_PIN_LENGTH};

impl Validator<'_> {
    pub(super) fn issuance(
        &self,
        name: &str,
        common: Common,
        kind: &ServiceKind,
        raw: RawTemplate,
    ) -> Result<Template, ConfigError> {
        let target = self.issuance_target(name, kind, &raw, common.client_name)?;
        let pin_length = match raw.pin_length.unwrap_or(DEFAULT_PIN_LENGTH) {
            0 => None,
            n if (MIN_PIN_LENGTH..=MAX_PIN_LENGTH).contains(&n) => Some(n),
            n => {
                return Err(self.invalid(
                    template_field(name, "pin_length"),
                    format!("is {n}"),
                    format!("use {MIN_PIN_LENGTH} to {MAX_PIN_LENGTH} digits, or 0 for no PIN"),
                ))
            }
        };
        let badge = raw
            .badge
            .map(|layout| self.badge_layout(name, &layout))
            .transpose()?;
        let claims = self.claims(name, raw.claims)?;
        let photo_claim = raw
            .photo_claim
            .map(|photo| self.photo_claim(name, photo, &claims))
            .transpose()?;
        Ok(Template::Issuance(IssuanceTemplate {
            name: name.to_owned(),
            display_name: common.display_name,
            service: common.service,
            credential_type: common.credential_type,
            target,
            pin_length,
            pin_hashed: raw.pin_hashed.unwrap_or(false),
            claims,
            photo_claim,
            badge,
        }))
    }

    /// The service-specific fields of an issuance template: each service
    /// needs its own, and refuses the others' (they would be ignored).
    fn issuance_target(
        &self,
        template: &str,
        kind: &ServiceKind,
        raw: &RawTemplate,
        client_name: String,
    ) -> Result<IssuanceTarget, ConfigError> {
        let service_type = kind.service_type();
        if let Some(stray) = service_type.foreign_target_fields().find(|f| raw.is_set(f)) {
            let described = service_type.described();
            let uses: Vec<&str> = service_type.target_fields().collect();
            return Err(self.invalid(
                template_field(template, stray),
                format!("does not apply to {described} service"),
                format!("remove it; {described} template uses {}", uses.join(", ")),
            ));
        }
        match kind {
            ServiceKind::Entra(_) => self.entra_target(template, raw, client_name),
            ServiceKind::Orchestration(_) => self.orchestration_target(template, raw),
            ServiceKind::Oid4vci(_) => self.oid4vci_target(template, raw),
        }
    }

    fn claims(&self, template: &str, raw: Vec<RawClaim>) -> Result<Vec<ClaimField>, ConfigError> {
        let mut fields: Vec<ClaimField> = Vec::with_capacity(raw.len());
        for (i, claim) in raw.into_iter().enumerate() {
            let field = template_field(template, &format!("claims[{i}].name"));
            if !is_claim_name(&claim.name) {
                return Err(self.invalid(
                    field,
                    format!("is '{}'", claim.name),
                    "use letters, digits, '_', '-' or '.' as in the contract's claim mapping",
                ));
            }
            if fields.iter().any(|f| f.name == claim.name) {
                return Err(self.invalid(field, format!("repeats '{}'", claim.name), "list each claim once"));
            }
            fields.push(ClaimField {
                label: claim.label.unwrap_or_else(|| claim.name.clone()),
                name: claim.name,
                required: claim.required,
            });
        }
        Ok(fields)
    }

    fn photo_claim(
        &self,
        template: &str,
        name: String,
        claims: &[ClaimField],
    ) -> Result<String, ConfigError> {
        let field = template_field(template, "photo_claim");
        if !is_claim_name(&name) {
            return Err(self.invalid(
                field,
                format!("is '{name}'"),
                "name the contract's photo claim, e.g. photo",
            ));
        }
        if claims.iter().any(|c| c.name == name) {
            return Err(self.invalid(
                field,
                format!("'{name}' is also a typed-in claim"),
                "remove it from claims: the photo comes from the camera",
            ));
        }
        Ok(name)
    }
}

/// As the contract's claim mapping names claims.
fn is_claim_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}
