//! A Verified Orchestration service (`kind = "orchestration"`), and what
//! its issuance templates name.

use url::Url;

use super::{service_field, template_field, Validator};
use crate::config::raw::{RawService, RawTemplate};
use crate::config::{ConfigError, IssuanceTarget, OrchestrationConfig, OrchestrationEvents};

/// Verified Orchestration's events normally arrive; the poll only catches a lost one.
const DEFAULT_RECONCILE_INTERVAL_MS: u64 = 5000;

impl Validator<'_> {
    pub(super) fn orchestration(
        &self,
        name: &str,
        raw: &RawService,
    ) -> Result<OrchestrationConfig, ConfigError> {
        let field = |f: &str| service_field(name, f);
        let api_url = self.http_url(
            &self.required(
                raw.api_url.clone(),
                &field("api_url"),
                "set the GraphQL endpoint of your Verified Orchestration instance",
            )?,
            &field("api_url"),
        )?;
        let ws_url = match &raw.ws_url {
            Some(url) => Url::parse(url)
                .ok()
                .filter(|u| matches!(u.scheme(), "ws" | "wss"))
                .ok_or_else(|| {
                    self.invalid(
                        field("ws_url"),
                        format!("'{url}' is not a ws:// or wss:// URL"),
                        "give the WebSocket address of the GraphQL endpoint",
                    )
                })?,
            None => OrchestrationConfig::default_ws_url(&api_url),
        };
        let token_url = self.http_url(
            &self.required(
                raw.token_url.clone(),
                &field("token_url"),
                "set the OAuth2 token endpoint, e.g. https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token",
            )?,
            &field("token_url"),
        )?;
        let client_id = self.required(
            raw.client_id.clone(),
            &field("client_id"),
            "set the client ID the instance gave this station",
        )?;
        let scope = self.required(
            raw.scope.clone(),
            &field("scope"),
            "set the API scope of your instance, e.g. api://<instance>/.default",
        )?;
        let events = match raw.events.as_deref() {
            None | Some("subscription") => OrchestrationEvents::Subscription,
            Some("callback") => OrchestrationEvents::Callback,
            Some(other) => {
                return Err(self.invalid(
                    field("events"),
                    format!("is '{other}'"),
                    "use \"subscription\" (no public URL needed) or \"callback\"",
                ))
            }
        };
        let reconcile_interval = self.poll_interval(
            name,
            raw,
            DEFAULT_RECONCILE_INTERVAL_MS,
            "use 200 to 10000 ms; it bounds how long an issuance whose event was lost stays on screen",
        )?;
        Ok(OrchestrationConfig {
            api_url,
            ws_url,
            token_url,
            client_id,
            scope,
            events,
            reconcile_interval,
        })
    }

    /// The contract, by its id.
    pub(super) fn orchestration_target(
        &self,
        template: &str,
        raw: &RawTemplate,
    ) -> Result<IssuanceTarget, ConfigError> {
        let field = |f: &str| template_field(template, f);
        let contract_id = self.required(
            raw.contract_id.clone(),
            &field("contract_id"),
            "set the contract's id from the Verified Orchestration portal",
        )?;
        // The service's ids are UUIDs: a contract's name would fail
        // only at the desk, as a GraphQL validation error.
        if uuid::Uuid::parse_str(&contract_id).is_err() {
            return Err(self.invalid(
                field("contract_id"),
                format!("'{contract_id}' is not a UUID"),
                "copy the contract's id (a UUID such as 5f1e5c1e-8a0b-4c55-9c57-0b7d6a7c2f10) from the Verified Orchestration portal, not its name",
            ));
        }
        Ok(IssuanceTarget::Orchestration { contract_id })
    }
}
