//! Verified Orchestration and OID4VCI issuers: each round-trips, writes
//! only its own fields, and refuses what it cannot use, naming the field.

use station_core::config::{
    IssuanceTarget, OfferScheme, Oid4vciMode, OrchestrationEvents, ServiceKind, StationConfig,
};
use station_core::settings::{Oid4vciSettings, OrchestrationSettings, StationSettings};

use super::{issuance, keys, oid4vci, oid4vci_settings, orchestration, orchestration_settings, refused};

#[test]
fn verified_orchestration_round_trips_and_writes_only_its_own_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    let config = orchestration_settings().save(&path).unwrap();

    let ServiceKind::Orchestration(vo) = &config.services["orchestration"].kind else {
        panic!("{:?}", config.services["orchestration"].kind)
    };
    assert_eq!(vo.client_id, "vo-client");
    assert_eq!(vo.events, OrchestrationEvents::Subscription);
    assert_eq!(
        vo.ws_url.as_str(),
        "wss://contoso.api.verifiedorchestration.com/graphql",
        "no WebSocket URL given: derived from the API URL"
    );
    let badge = issuance(&config, "badge");
    assert_eq!(badge.service, "orchestration");
    assert_eq!(badge.credential_type, "Membership");
    assert_eq!(
        badge.target,
        IssuanceTarget::Orchestration {
            contract_id: "7a42c0de-0000-4000-8000-000000000042".into()
        }
    );
    assert_eq!(
        config.services.keys().collect::<Vec<_>>(),
        ["orchestration"],
        "no Entra or OID4VCI service is written"
    );
    let mut template_keys = keys(&path, "templates", "badge");
    template_keys.sort();
    assert_eq!(
        template_keys,
        [
            "claims",
            "contract_id",
            "credential_type",
            "display_name",
            "service"
        ]
    );
    let mut service_keys = keys(&path, "services", "orchestration");
    service_keys.sort();
    assert_eq!(
        service_keys,
        ["api_url", "client_id", "events", "kind", "scope", "token_url"]
    );

    let reloaded = StationSettings::from_config(Some(&StationConfig::load(&path).unwrap()));
    assert_eq!(reloaded, orchestration_settings());
    reloaded.save(&path).unwrap();
    assert_eq!(
        StationSettings::from_config(Some(&StationConfig::load(&path).unwrap())),
        orchestration_settings()
    );
}

#[test]
fn verified_orchestration_keeps_a_websocket_url_and_callback_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    let settings = StationSettings {
        orchestration: OrchestrationSettings {
            ws_url: "wss://ws.contoso.example/graphql".into(),
            events: "callback".into(),
            ..orchestration()
        },
        ..orchestration_settings()
    };
    let config = settings.save(&path).unwrap();
    let ServiceKind::Orchestration(vo) = &config.services["orchestration"].kind else {
        panic!()
    };
    assert_eq!(vo.ws_url.as_str(), "wss://ws.contoso.example/graphql");
    assert_eq!(vo.events, OrchestrationEvents::Callback);
    assert_eq!(StationSettings::from_config(Some(&config)), settings);
}

#[test]
fn verified_orchestration_refuses_what_it_cannot_use_and_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    orchestration_settings().save(&path).unwrap();

    let mut bad_url = orchestration_settings();
    bad_url.orchestration.api_url = "contoso.api.verifiedorchestration.com".into();
    let error = refused(bad_url, &path);
    assert!(
        error.contains("`services.orchestration.api_url` is not an absolute http(s) URL"),
        "{error}"
    );

    let mut no_contract = orchestration_settings();
    no_contract.orchestration.contract_id = "  ".into();
    let error = refused(no_contract, &path);
    assert!(
        error.contains("`templates.badge.contract_id` is missing")
            && error.contains("Fix: set the contract's id"),
        "{error}"
    );

    let mut bad_events = orchestration_settings();
    bad_events.orchestration.events = "webhook".into();
    let error = refused(bad_events, &path);
    assert!(
        error.contains("`services.orchestration.events` is 'webhook'"),
        "{error}"
    );

    let mut no_scope = orchestration_settings();
    no_scope.orchestration.scope = String::new();
    let error = refused(no_scope, &path);
    assert!(
        error.contains("`services.orchestration.scope` is missing"),
        "{error}"
    );
}

#[test]
fn an_oid4vci_issuer_round_trips_and_writes_only_its_own_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    let config = oid4vci_settings().save(&path).unwrap();

    let ServiceKind::Oid4vci(issuer) = &config.services["oid4vci"].kind else {
        panic!("{:?}", config.services["oid4vci"].kind)
    };
    assert_eq!(issuer.api_base.as_str(), "https://issuer.example.com/admin");
    assert_eq!(issuer.poll_interval.as_millis(), 500);
    assert_eq!(issuer.offer_lifetime.as_secs(), 300);
    assert_eq!(issuer.url_scheme, OfferScheme::Haip);
    let badge = issuance(&config, "badge");
    assert_eq!(badge.service, "oid4vci");
    assert_eq!(
        badge.target,
        IssuanceTarget::Oid4vci {
            credential_definition_id: "def-7".into(),
            mode: Oid4vciMode::Deferred,
            credential_format: Default::default(),
        }
    );
    assert_eq!(config.services.keys().collect::<Vec<_>>(), ["oid4vci"]);
    let mut template_keys = keys(&path, "templates", "badge");
    template_keys.sort();
    assert_eq!(
        template_keys,
        [
            "claims",
            "credential_definition_id",
            "credential_type",
            "display_name",
            "issuance_mode",
            "service"
        ]
    );
    let mut service_keys = keys(&path, "services", "oid4vci");
    service_keys.sort();
    assert_eq!(
        service_keys,
        [
            "api_base",
            "kind",
            "offer_lifetime_secs",
            "poll_interval_ms",
            "url_scheme"
        ]
    );

    let reloaded = StationSettings::from_config(Some(&StationConfig::load(&path).unwrap()));
    assert_eq!(reloaded, oid4vci_settings());
    reloaded.save(&path).unwrap();
    assert_eq!(
        StationSettings::from_config(Some(&StationConfig::load(&path).unwrap())),
        oid4vci_settings()
    );
}

#[test]
fn an_oid4vci_issuer_left_at_its_defaults_writes_none_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    let settings = StationSettings {
        oid4vci: Oid4vciSettings {
            poll_interval_ms: None,
            offer_lifetime_secs: None,
            url_scheme: String::new(),
            issuance_mode: String::new(),
            ..oid4vci()
        },
        ..oid4vci_settings()
    };
    let config = settings.save(&path).unwrap();
    let mut service_keys = keys(&path, "services", "oid4vci");
    service_keys.sort();
    assert_eq!(service_keys, ["api_base", "kind"]);
    assert!(!keys(&path, "templates", "badge").contains(&"issuance_mode".to_owned()));
    let ServiceKind::Oid4vci(issuer) = &config.services["oid4vci"].kind else {
        panic!()
    };
    assert_eq!(
        (issuer.poll_interval.as_millis(), issuer.offer_lifetime.as_secs()),
        (1000, 600)
    );
    assert_eq!(issuer.url_scheme, OfferScheme::CredentialOffer);
    assert!(matches!(
        issuance(&config, "badge").target,
        IssuanceTarget::Oid4vci {
            mode: Oid4vciMode::InTime,
            ..
        }
    ));
    // Read back, the defaults are said as they apply.
    let reloaded = StationSettings::from_config(Some(&config));
    assert_eq!(reloaded.oid4vci.poll_interval_ms, Some(1000));
    assert_eq!(reloaded.oid4vci.issuance_mode, "in_time");
}

#[test]
fn an_oid4vci_issuer_refuses_what_it_cannot_use_and_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    oid4vci_settings().save(&path).unwrap();

    let mut fast = oid4vci_settings();
    fast.oid4vci.poll_interval_ms = Some(50);
    let error = refused(fast, &path);
    assert!(
        error.contains("`services.oid4vci.poll_interval_ms` is 50") && error.contains("use 200 to 10000 ms"),
        "{error}"
    );

    let mut mode = oid4vci_settings();
    mode.oid4vci.issuance_mode = "sometimes".into();
    let error = refused(mode, &path);
    assert!(
        error.contains("`templates.badge.issuance_mode` is 'sometimes'"),
        "{error}"
    );

    let mut no_definition = oid4vci_settings();
    no_definition.oid4vci.credential_definition_id = String::new();
    let error = refused(no_definition, &path);
    assert!(
        error.contains("`templates.badge.credential_definition_id` is missing"),
        "{error}"
    );

    let mut scheme = oid4vci_settings();
    scheme.oid4vci.url_scheme = "openid4vp://".into();
    let error = refused(scheme, &path);
    assert!(error.contains("`services.oid4vci.url_scheme`"), "{error}");
}
