//! An OID4VCI issuer's admin API (`kind = "oid4vci"`), and what its
//! issuance templates name.

use std::time::Duration;

use super::{service_field, template_field, Validator};
use crate::config::raw::{RawService, RawTemplate};
use crate::config::{ConfigError, CredentialFormat, IssuanceTarget, OfferScheme, Oid4vciConfig, Oid4vciMode};
use crate::pin::MIN_PIN_LENGTH;
use crate::provider::oid4vci::MAX_USER_PIN_LENGTH as OID4VCI_MAX_PIN_LENGTH;

const DEFAULT_POLL_INTERVAL_MS: u64 = 1000;
const DEFAULT_OFFER_LIFETIME_SECS: u64 = 600;

impl Validator<'_> {
    pub(super) fn oid4vci(&self, name: &str, raw: &RawService) -> Result<Oid4vciConfig, ConfigError> {
        let field = |f: &str| service_field(name, f);
        let api_base = self.http_url(
            &self.required(
                raw.api_base.clone(),
                &field("api_base"),
                "set the base URL of the issuer's admin API",
            )?,
            &field("api_base"),
        )?;
        let poll_interval = self.poll_interval(
            name,
            raw,
            DEFAULT_POLL_INTERVAL_MS,
            "use 200 to 10000 ms; 1000 shows the PIN within a second of the scan",
        )?;
        let offer_lifetime_secs = raw.offer_lifetime_secs.unwrap_or(DEFAULT_OFFER_LIFETIME_SECS);
        if !(30..=86_400).contains(&offer_lifetime_secs) {
            return Err(self.invalid(
                field("offer_lifetime_secs"),
                format!("is {offer_lifetime_secs}"),
                "use 30 to 86400 seconds, no longer than the issuer keeps a pre-authorized code",
            ));
        }
        let url_scheme = match raw.url_scheme.as_deref() {
            None | Some("openid-credential-offer://") => OfferScheme::CredentialOffer,
            Some("haip://") => OfferScheme::Haip,
            Some(other) => {
                return Err(self.invalid(
                    field("url_scheme"),
                    format!("is '{other}'"),
                    "use \"openid-credential-offer://\" or \"haip://\"",
                ))
            }
        };
        Ok(Oid4vciConfig {
            api_base,
            poll_interval,
            offer_lifetime: Duration::from_secs(offer_lifetime_secs),
            url_scheme,
        })
    }

    /// The issuer's credential definition, whether the credential is ready
    /// at once or its claims come later, and the definition's format.
    pub(super) fn oid4vci_target(
        &self,
        template: &str,
        raw: &RawTemplate,
    ) -> Result<IssuanceTarget, ConfigError> {
        let field = |f: &str| template_field(template, f);
        let mode = match raw.issuance_mode.as_deref() {
            None | Some("in_time") => Oid4vciMode::InTime,
            Some("deferred") => Oid4vciMode::Deferred,
            Some(other) => {
                return Err(self.invalid(
                    field("issuance_mode"),
                    format!("is '{other}'"),
                    "use \"in_time\" (issued at once) or \"deferred\" (claims supplied later)",
                ))
            }
        };
        let credential_format = match raw.credential_format.as_deref() {
            None => CredentialFormat::default(),
            Some(name) => CredentialFormat::named(name).ok_or_else(|| {
                let known: Vec<&str> = CredentialFormat::ALL.iter().map(|f| f.as_str()).collect();
                self.invalid(
                    field("credential_format"),
                    format!("is '{name}'"),
                    format!(
                        "use the format of the issuer's credential definition: one of {}",
                        known.join(", ")
                    ),
                )
            })?,
        };
        if let Some(n) = raw.pin_length.filter(|n| *n > OID4VCI_MAX_PIN_LENGTH) {
            return Err(self.invalid(
                field("pin_length"),
                format!(
                    "is {n}, but an OID4VCI issuer takes a userPin (the offer's tx_code) of 4 to {OID4VCI_MAX_PIN_LENGTH} characters"
                ),
                format!("use {MIN_PIN_LENGTH} to {OID4VCI_MAX_PIN_LENGTH} digits, or 0 for no PIN"),
            ));
        }
        Ok(IssuanceTarget::Oid4vci {
            credential_definition_id: self.required(
                raw.credential_definition_id.clone(),
                &field("credential_definition_id"),
                "set the issuer's credential definition id",
            )?,
            mode,
            credential_format,
        })
    }
}
