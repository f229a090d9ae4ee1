//! A presentation template (`kind = "presentation"`): a wallet is asked to
//! present a credential, which only Entra can do.

use super::{template_field, Common, Validator};
use crate::config::raw::{RawConstraint, RawFaceCheck, RawTemplate};
use crate::config::{
    ClaimConstraint, ConfigError, ConstraintRule, PresentationFaceCheck, PresentationTemplate, ServiceKind,
    Template,
};

impl Validator<'_> {
    pub(super) fn presentation(
        &self,
        name: &str,
        common: Common,
        kind: &ServiceKind,
        raw: RawTemplate,
    ) -> Result<Template, ConfigError> {
        let field = |f: &str| template_field(name, f);
        if !matches!(kind, ServiceKind::Entra(_)) {
            return Err(self.invalid(
                field("service"),
                format!("names '{}', which cannot ask a wallet to present", common.service),
                "verify with a Microsoft Entra Verified ID service",
            ));
        }
        let authority = self.did(raw.authority, &field("authority"))?;
        let constraints = raw
            .constraints
            .into_iter()
            .enumerate()
            .map(|(i, c)| self.constraint(&field(&format!("constraints[{i}]")), c))
            .collect::<Result<Vec<_>, _>>()?;
        let face_check = raw
            .face_check
            .map(|f| self.face_check(&field("face_check"), f))
            .transpose()?;
        Ok(Template::Presentation(PresentationTemplate {
            name: name.to_owned(),
            display_name: common.display_name,
            service: common.service,
            authority,
            client_name: common.client_name,
            purpose: raw.purpose,
            credential_type: common.credential_type,
            accepted_issuers: raw.accepted_issuers,
            allow_revoked: raw.allow_revoked.unwrap_or(false),
            validate_linked_domain: raw.validate_linked_domain.unwrap_or(false),
            include_receipt: raw.include_receipt.unwrap_or(false),
            constraints,
            face_check,
        }))
    }

    fn constraint(&self, field: &str, raw: RawConstraint) -> Result<ClaimConstraint, ConfigError> {
        let rule = match (raw.values, raw.contains, raw.starts_with) {
            (Some(values), None, None) if !values.is_empty() => ConstraintRule::Values(values),
            (None, Some(text), None) => ConstraintRule::Contains(text),
            (None, None, Some(text)) => ConstraintRule::StartsWith(text),
            _ => {
                return Err(self.invalid(
                    field,
                    "does not have exactly one of values, contains, starts_with",
                    "keep one operand per constraint (add another constraint for another rule)",
                ))
            }
        };
        Ok(ClaimConstraint {
            claim: raw.claim,
            rule,
        })
    }

    fn face_check(&self, field: &str, raw: RawFaceCheck) -> Result<PresentationFaceCheck, ConfigError> {
        let threshold = raw.match_confidence_threshold.unwrap_or(70);
        if !(50..=100).contains(&threshold) {
            return Err(self.invalid(
                format!("{field}.match_confidence_threshold"),
                format!("is {threshold}"),
                "use 50 to 100 (70 is the service default)",
            ));
        }
        if raw.source_photo_claim.is_empty() {
            return Err(self.invalid(
                format!("{field}.source_photo_claim"),
                "is empty",
                "name the credential's photo claim, e.g. photo",
            ));
        }
        Ok(PresentationFaceCheck {
            source_photo_claim: raw.source_photo_claim,
            match_confidence_threshold: threshold,
        })
    }
}
