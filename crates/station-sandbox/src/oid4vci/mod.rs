//! An OID4VCI 1.0 credential issuer with an admin API in the shape of
//! seed 004 (iGrant.io's), so the station's OID4VCI adapter runs over real
//! HTTP with no issuer account, and a real wallet library (the interop
//! test) redeems the offers it makes.
//!
//! The admin API the station calls, with `Authorization: ApiKey <key>`
//! ([`crate::SandboxConfig::oid4vci_api_key`]):
//! - `POST /v2/config/digital-wallet/openid/sdjwt/credential/issue`
//! - `GET|PUT /v2/config/digital-wallet/openid/sdjwt/credential/history/{id}`
//! - `POST …/credential/history/{id}/deny`: the sandbox's own helper to
//!   reach `issuance_denied`; seed 004 documents no such call.
//!
//! The issuer wallets talk to, `credential_issuer` = `{base}/oid4vci`; it is
//! its own authorization server, for the pre-authorized code flow only (no
//! authorization endpoint: an offer without `userPin` is pre-authorized too,
//! just without `tx_code`). Metadata is served both where OID4VCI 1.0 and
//! RFC 8414 put it for an issuer with a path (`/.well-known/…/oid4vci`) and
//! where older wallets look (`/oid4vci/.well-known/…`). Credentials are
//! SD-JWT VCs (or JWT VCs, for a `jwt_vc_json` definition) signed with an
//! ES256 key made at start, published as SD-JWT VC issuer metadata
//! (`jwt-vc-issuer`).
//!
//! [`crate::Endpoint::Oid4vciHistory`] faults make the history answer,
//! e.g., 429 with `Retry-After`.
//!
//! Deferred issuance: a credential request before the claims are supplied
//! gets 202 with a `transaction_id`; the deferred credential endpoint
//! answers 202 again until they are, then the credential.

mod admin;
mod carrier;
mod credential;
mod definitions;
mod errors;
pub(crate) mod holder;
mod keys;
mod metadata;
mod proof;
mod sd_jwt;
mod status;
mod store;
mod token;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::FromRef;
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;

pub use definitions::{definition, ClaimDefinition, CredentialDefinition, CredentialFormat, DEFINITIONS};
pub use status::{CredentialStatus, IssuanceMode, OfferStatus};

use crate::state::AppState;
use crate::SandboxConfig;
use keys::IssuerKey;
use store::Store;

/// The issuer's path under the sandbox's base URL: `credential_issuer` is
/// `{base_url}/oid4vci`.
pub const ISSUER_PATH: &str = "/oid4vci";
/// `POST`: create an offer.
pub const ISSUE_PATH: &str = "/v2/config/digital-wallet/openid/sdjwt/credential/issue";
/// `GET`/`PUT` `{HISTORY_PATH}/{credentialExchangeId}`; see [`history_path`].
pub const HISTORY_PATH: &str = "/v2/config/digital-wallet/openid/sdjwt/credential/history";
/// The admin API key unless configured otherwise.
pub const DEFAULT_API_KEY: &str = "sandbox-oid4vci-key";
/// How long a pre-authorized code can be redeemed unless configured otherwise.
pub const DEFAULT_CODE_LIFETIME: Duration = Duration::from_secs(600);
/// The grant type of the pre-authorized code flow.
pub const PRE_AUTHORIZED_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

/// How long an access token works: long enough for a slow holder to reach
/// the notification step.
const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(600);

/// The path of one exchange's history: `GET` reads it, `PUT` supplies the
/// claims of a Deferred credential.
pub fn history_path(credential_exchange_id: &str) -> String {
    format!("{HISTORY_PATH}/{credential_exchange_id}")
}

/// The sandbox's `POST` that denies an exchange (`issuance_denied`).
pub fn deny_path(credential_exchange_id: &str) -> String {
    format!("{HISTORY_PATH}/{credential_exchange_id}/deny")
}

/// The issuer, shared by its handlers; the sandbox's [`AppState`] holds it.
#[derive(Clone)]
pub(crate) struct Issuer(Arc<IssuerState>);

pub(crate) struct IssuerState {
    /// `credential_issuer`, also the authorization server's `issuer`.
    pub url: String,
    pub api_key: String,
    pub code_lifetime: Duration,
    pub key: IssuerKey,
    /// Never held across an `.await`.
    store: Mutex<Store>,
}

impl std::ops::Deref for Issuer {
    type Target = IssuerState;

    fn deref(&self) -> &IssuerState {
        &self.0
    }
}

impl Issuer {
    pub(crate) fn new(config: &SandboxConfig, base_url: &str) -> Self {
        Self(Arc::new(IssuerState {
            url: format!("{base_url}{ISSUER_PATH}"),
            api_key: config.oid4vci_api_key.clone(),
            code_lifetime: config.oid4vci_code_lifetime,
            key: IssuerKey::generate(),
            store: Mutex::new(Store::default()),
        }))
    }

    /// The public key credentials verify with, as a JWK with `kid`.
    pub(crate) fn issuer_jwk(&self) -> Value {
        self.key.public_jwk().clone()
    }

    pub(crate) fn endpoint(&self, name: &str) -> String {
        format!("{}/{name}", self.url)
    }
}

impl IssuerState {
    /// A poisoned lock only means another handler panicked mid-update; the
    /// data is still the best record there is, so keep serving.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl FromRef<Arc<AppState>> for Issuer {
    fn from_ref(state: &Arc<AppState>) -> Self {
        state.oid4vci.clone()
    }
}

/// Every route of the issuer and its admin API, merged into the sandbox's.
pub(crate) fn router() -> Router<Arc<AppState>> {
    let history_item = format!("{HISTORY_PATH}/{{id}}");
    let deny = format!("{HISTORY_PATH}/{{id}}/deny");
    let issuer = |path: &str| format!("{ISSUER_PATH}{path}");
    let well_known = |name: &str| format!("/.well-known/{name}{ISSUER_PATH}");
    let legacy_well_known = |name: &str| format!("{ISSUER_PATH}/.well-known/{name}");
    let mut router = Router::new()
        .route(ISSUE_PATH, post(admin::issue))
        .route(&history_item, get(admin::history).put(admin::update))
        .route(&deny, post(admin::deny))
        .route(&issuer("/offers/{id}"), get(admin::offer))
        .route(&issuer("/token"), post(token::token))
        .route(&issuer("/nonce"), post(credential::nonce))
        .route(&issuer("/credential"), post(credential::credential))
        .route(
            &issuer("/deferred_credential"),
            post(credential::deferred_credential),
        )
        .route(&issuer("/notification"), post(credential::notification));
    for path in [
        well_known("openid-credential-issuer"),
        legacy_well_known("openid-credential-issuer"),
    ] {
        router = router.route(&path, get(metadata::credential_issuer));
    }
    for path in [
        well_known("oauth-authorization-server"),
        legacy_well_known("oauth-authorization-server"),
    ] {
        router = router.route(&path, get(metadata::authorization_server));
    }
    for path in [well_known("jwt-vc-issuer"), legacy_well_known("jwt-vc-issuer")] {
        router = router.route(&path, get(metadata::jwt_vc_issuer));
    }
    router
}
