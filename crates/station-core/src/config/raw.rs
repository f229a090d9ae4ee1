//! The config file as serde reads it, before any value is checked. Every
//! table refuses unknown fields, so a typo is named with its line.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use super::fields::{self, ServiceKindName, TemplateKind};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    #[serde(default)]
    pub(super) station: RawStation,
    #[serde(default)]
    pub(super) callback: RawCallback,
    #[serde(default)]
    pub(super) flow: RawFlow,
    #[serde(default)]
    pub(super) queue: RawQueue,
    #[serde(default)]
    pub(super) staff: RawStaff,
    #[serde(default)]
    pub(super) services: BTreeMap<String, RawService>,
    #[serde(default)]
    pub(super) templates: BTreeMap<String, RawTemplate>,
    pub(super) camera: Option<RawCamera>,
    #[serde(default)]
    pub(super) badge: RawBadge,
    #[serde(default)]
    pub(super) kiosk: RawKiosk,
}

/// `[kiosk]`: the self-service path.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKiosk {
    pub(super) template: Option<String>,
    pub(super) idle_secs: Option<u32>,
    #[serde(default)]
    pub(super) preview: bool,
}

/// `[badge]`: what every template's badge card shares.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBadge {
    pub(super) event: Option<String>,
    pub(super) printer: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCamera {
    pub(super) device: Option<String>,
    pub(super) pictures: Option<String>,
    pub(super) width: Option<u32>,
    pub(super) height: Option<u32>,
    pub(super) fps: Option<u32>,
    pub(super) preview_fps: Option<u32>,
}

/// The `[station]` table alone: the other tables are not read at all.
#[derive(Deserialize)]
pub(super) struct RawStationOnly {
    #[serde(default)]
    pub(super) station: RawStation,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStation {
    #[serde(default)]
    pub(super) use_sandbox: bool,
    #[serde(default)]
    pub(super) kiosk: bool,
    pub(super) result_reset_secs: Option<u32>,
    #[serde(default)]
    pub(super) open_in_wallet: bool,
    #[serde(default)]
    pub(super) start_at_login: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCallback {
    pub(super) bind: Option<String>,
    pub(super) public_url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFlow {
    pub(super) renew_before_secs: Option<u64>,
    pub(super) max_renewals: Option<u32>,
    pub(super) retrieved_grace_secs: Option<u64>,
    pub(super) switch_back_secs: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQueue {
    pub(super) concurrency: Option<u32>,
    pub(super) batch_size: Option<u32>,
    pub(super) retry_first_secs: Option<u64>,
    pub(super) retry_max_secs: Option<u64>,
    pub(super) status_poll_secs: Option<u64>,
    pub(super) status_poll_max_secs: Option<u64>,
    pub(super) resend_check_secs: Option<u64>,
    pub(super) grace_period_hours: Option<u64>,
    pub(super) retention_days: Option<u64>,
}

/// `[staff]`: the staff PIN's hash and the limits on guessing it.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStaff {
    pub(super) pin_hash: Option<String>,
    pub(super) idle_lock_secs: Option<u64>,
    pub(super) max_tries: Option<u32>,
    pub(super) lockout_secs: Option<u64>,
    pub(super) delay_ms: Option<u64>,
}

/// The `[staff]` table alone, for the staff gate: whatever else the file
/// holds (a service the station cannot start), staff can still unlock.
#[derive(Deserialize)]
pub(super) struct RawStaffOnly {
    #[serde(default)]
    pub(super) staff: RawStaff,
}

/// A `kind` as written: one the station knows, or the text of one it does
/// not, which the validation refuses naming the field and the fix (a serde
/// error would list the variants, and not say what each is for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Named<K> {
    Known(K),
    Unknown(String),
}

impl<'de, K: DeserializeOwned> Deserialize<'de> for Named<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(match fields::named(&text) {
            Some(kind) => Named::Known(kind),
            None => Named::Unknown(text),
        })
    }
}

/// The fields of every kind of service; [`fields::SERVICE_FIELDS`] says
/// which kind takes which.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawService {
    pub(super) kind: Named<ServiceKindName>,
    #[serde(default)]
    pub(super) sandbox: bool,
    pub(super) tenant: Option<String>,
    pub(super) client_id: Option<String>,
    pub(super) authority_host: Option<String>,
    pub(super) api_base: Option<String>,
    pub(super) scope: Option<String>,
    pub(super) api_url: Option<String>,
    pub(super) ws_url: Option<String>,
    pub(super) token_url: Option<String>,
    pub(super) events: Option<String>,
    pub(super) poll_interval_ms: Option<u64>,
    pub(super) offer_lifetime_secs: Option<u64>,
    pub(super) url_scheme: Option<String>,
}

/// The fields of every kind of template; [`fields::TEMPLATE_FIELDS`] says
/// which kind, and which service, takes which.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTemplate {
    #[serde(default = "issuance")]
    pub(super) kind: Named<TemplateKind>,
    pub(super) service: Option<String>,
    pub(super) display_name: Option<String>,
    pub(super) credential_type: Option<String>,
    pub(super) authority: Option<String>,
    pub(super) client_name: Option<String>,
    pub(super) manifest: Option<String>,
    pub(super) contract_id: Option<String>,
    pub(super) credential_definition_id: Option<String>,
    pub(super) issuance_mode: Option<String>,
    pub(super) credential_format: Option<String>,
    pub(super) pin_length: Option<u8>,
    pub(super) pin_hashed: Option<bool>,
    #[serde(default)]
    pub(super) claims: Vec<RawClaim>,
    pub(super) photo_claim: Option<String>,
    pub(super) badge: Option<String>,
    pub(super) purpose: Option<String>,
    #[serde(default)]
    pub(super) accepted_issuers: Vec<String>,
    pub(super) allow_revoked: Option<bool>,
    pub(super) validate_linked_domain: Option<bool>,
    pub(super) include_receipt: Option<bool>,
    #[serde(default)]
    pub(super) constraints: Vec<RawConstraint>,
    pub(super) face_check: Option<RawFaceCheck>,
}

fn issuance() -> Named<TemplateKind> {
    Named::Known(TemplateKind::Issuance)
}

impl RawService {
    /// Whether the field of [`fields::SERVICE_FIELDS`] called `name` is set.
    /// A name not in this match counts as never set: the table's tests set
    /// each field and find it so.
    pub(super) fn is_set(&self, name: &str) -> bool {
        match name {
            "tenant" => self.tenant.is_some(),
            "client_id" => self.client_id.is_some(),
            "authority_host" => self.authority_host.is_some(),
            "api_base" => self.api_base.is_some(),
            "scope" => self.scope.is_some(),
            "api_url" => self.api_url.is_some(),
            "ws_url" => self.ws_url.is_some(),
            "token_url" => self.token_url.is_some(),
            "events" => self.events.is_some(),
            "poll_interval_ms" => self.poll_interval_ms.is_some(),
            "offer_lifetime_secs" => self.offer_lifetime_secs.is_some(),
            "url_scheme" => self.url_scheme.is_some(),
            _ => false,
        }
    }
}

impl RawTemplate {
    /// Whether the field of [`fields::TEMPLATE_FIELDS`] called `name` is
    /// set; an empty list counts as unset, as it means the same. A name not
    /// in this match counts as never set: the table's tests set each field
    /// and find it so.
    pub(super) fn is_set(&self, name: &str) -> bool {
        match name {
            "authority" => self.authority.is_some(),
            "manifest" => self.manifest.is_some(),
            "contract_id" => self.contract_id.is_some(),
            "credential_definition_id" => self.credential_definition_id.is_some(),
            "issuance_mode" => self.issuance_mode.is_some(),
            "credential_format" => self.credential_format.is_some(),
            "pin_length" => self.pin_length.is_some(),
            "pin_hashed" => self.pin_hashed.is_some(),
            "claims" => !self.claims.is_empty(),
            "photo_claim" => self.photo_claim.is_some(),
            "badge" => self.badge.is_some(),
            "purpose" => self.purpose.is_some(),
            "accepted_issuers" => !self.accepted_issuers.is_empty(),
            "allow_revoked" => self.allow_revoked.is_some(),
            "validate_linked_domain" => self.validate_linked_domain.is_some(),
            "include_receipt" => self.include_receipt.is_some(),
            "constraints" => !self.constraints.is_empty(),
            "face_check" => self.face_check.is_some(),
            _ => false,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawClaim {
    pub(super) name: String,
    pub(super) label: Option<String>,
    #[serde(default)]
    pub(super) required: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConstraint {
    pub(super) claim: String,
    pub(super) values: Option<Vec<String>>,
    pub(super) contains: Option<String>,
    pub(super) starts_with: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFaceCheck {
    pub(super) source_photo_claim: String,
    pub(super) match_confidence_threshold: Option<u8>,
}
