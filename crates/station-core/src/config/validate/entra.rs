//! A Microsoft Entra Verified ID service (`kind = "entra"` or
//! `"entra-preview"`), and what its issuance templates name.

use super::{service_field, template_field, Validator};
use crate::config::raw::{RawService, RawTemplate};
use crate::config::{
    ConfigError, EntraApiShape, EntraConfig, IssuanceTarget, ENTRA_API_BASE, ENTRA_AUTHORITY_HOST,
    ENTRA_PREVIEW_API_BASE, ENTRA_PREVIEW_SCOPE, ENTRA_SCOPE,
};

impl Validator<'_> {
    pub(super) fn entra(
        &self,
        name: &str,
        api_shape: EntraApiShape,
        raw: &RawService,
    ) -> Result<EntraConfig, ConfigError> {
        let field = |f: &str| service_field(name, f);
        let tenant = self.required(
            raw.tenant.clone(),
            &field("tenant"),
            "set your Entra tenant ID (a GUID) or tenant name",
        )?;
        // The tenant goes into the token URL's path: nothing that could change the URL.
        if !tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        {
            return Err(self.invalid(
                field("tenant"),
                format!("'{tenant}' is not a tenant ID or name"),
                "use the tenant's GUID or its domain, e.g. contoso.onmicrosoft.com",
            ));
        }
        let client_id = self.required(
            raw.client_id.clone(),
            &field("client_id"),
            "set the application (client) ID of your app registration",
        )?;
        let authority_host = self.http_url(
            raw.authority_host.as_deref().unwrap_or(ENTRA_AUTHORITY_HOST),
            &field("authority_host"),
        )?;
        let default_api_base = match api_shape {
            EntraApiShape::Current => ENTRA_API_BASE,
            EntraApiShape::Preview => ENTRA_PREVIEW_API_BASE,
        };
        let api_base = self.http_url(
            raw.api_base.as_deref().unwrap_or(default_api_base),
            &field("api_base"),
        )?;
        let default_scope = match api_shape {
            EntraApiShape::Current => ENTRA_SCOPE,
            EntraApiShape::Preview => ENTRA_PREVIEW_SCOPE,
        };
        Ok(EntraConfig {
            tenant,
            client_id,
            authority_host,
            api_base,
            api_shape,
            scope: raw.scope.clone().unwrap_or_else(|| default_scope.to_owned()),
        })
    }

    /// The contract's manifest and the issuer's DID.
    pub(super) fn entra_target(
        &self,
        template: &str,
        raw: &RawTemplate,
        client_name: String,
    ) -> Result<IssuanceTarget, ConfigError> {
        let field = |f: &str| template_field(template, f);
        let manifest_text = self.required(
            raw.manifest.clone(),
            &field("manifest"),
            "set the contract's manifest URL from the Verified ID portal",
        )?;
        Ok(IssuanceTarget::Entra {
            manifest: self.http_url(&manifest_text, &field("manifest"))?,
            authority: self.did(raw.authority.clone(), &field("authority"))?,
            client_name,
        })
    }
}
