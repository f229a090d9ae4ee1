//! Issuance through an OID4VCI issuer's admin API against the sandbox's
//! real issuer, redeemed by a third-party wallet (npm @openid4vc 0.4.6 in
//! tests/interop): the station shows the offer, reveals the PIN when the
//! polled status says the wallet fetched the offer, and reports the
//! issuance. Needs `npm ci --prefix tests/interop` (scripts/test.sh runs it).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use station_core::flow::{FlowHandle, FlowState};
use station_testkit::config::Service;
use station_testkit::interop::ThirdPartyWallet;
use station_testkit::station::{failure, megan, shown, station, wait_for, Options, Station};

fn issuer_options(mode: &str) -> Options {
    issuer_template_options("EventBadge", mode, None)
}

/// The `issuer` service on the sandbox with one template, `sd`, for the
/// definition `definition`, with `credential_format` if given.
fn issuer_template_options(definition: &str, mode: &str, format: Option<&str>) -> Options {
    let format = format.map_or(String::new(), |f| format!("credential_format = \"{f}\""));
    let issuer = Service::oid4vci().set("poll_interval_ms", 200);
    Options {
        extra_toml: format!(
            r#"{service}
[templates.sd]
service = "issuer"
credential_type = "{definition}"
credential_definition_id = "{definition}"
issuance_mode = "{mode}"
{format}
claims = [
  {{ name = "given_name", required = true }},
  {{ name = "family_name", required = true }},
]
"#,
            service = issuer.section("issuer"),
        ),
        extra_secrets: vec![("issuer", issuer.secret().to_owned())],
        ..Options::default()
    }
}

async fn offer_and_scan(s: &Station) -> (FlowHandle, ThirdPartyWallet) {
    let flow = s.engine.issue("sd", &megan()).unwrap();
    let offer = shown(&flow).await;
    assert!(
        offer
            .url
            .starts_with("openid-credential-offer://?credential_offer_uri="),
        "{}",
        offer.url
    );
    assert!(
        matches!(flow.state(), FlowState::AwaitingScan { .. }),
        "no PIN before the scan"
    );
    let wallet = ThirdPartyWallet::scan(&offer.url).await;
    (flow, wallet)
}

/// A PIN that is not `pin`.
fn wrong_pin(pin: &str) -> &'static str {
    if pin == "000000" {
        "111111"
    } else {
        "000000"
    }
}

async fn revealed_pin(flow: &FlowHandle) -> String {
    let FlowState::Retrieved { pin: Some(pin), .. } =
        wait_for(flow, |s| matches!(s, FlowState::Retrieved { .. })).await
    else {
        panic!("the PIN is revealed once the wallet has the offer")
    };
    pin.reveal().to_owned()
}

#[tokio::test]
async fn a_third_party_wallet_takes_the_offer_and_the_pin_revealed_after_the_scan() {
    let s = station(issuer_options("in_time")).await;
    let (flow, wallet) = offer_and_scan(&s).await;
    let pin = revealed_pin(&flow).await;
    let result = wallet.type_pin(&pin).await;
    assert_eq!(result["ok"], true, "{result}");
    assert_eq!(result["claims"]["given_name"], "Megan", "{result}");
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
}

#[tokio::test]
async fn a_wrong_pin_is_refused_by_the_issuer_and_nothing_is_issued() {
    let s = station(issuer_options("in_time")).await;
    let (flow, wallet) = offer_and_scan(&s).await;
    let pin = revealed_pin(&flow).await;
    let result = wallet.type_pin(wrong_pin(&pin)).await;
    assert_eq!(
        (result["ok"].clone(), result["error"].clone()),
        (false.into(), "invalid_grant".into())
    );
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert!(
        matches!(flow.state(), FlowState::Retrieved { .. }),
        "{:?}",
        flow.state()
    );
}

#[tokio::test]
async fn deferred_claims_reach_the_issuer_only_after_the_scan() {
    let s = station(issuer_options("deferred")).await;
    let (flow, wallet) = offer_and_scan(&s).await;
    let pin = revealed_pin(&flow).await;
    let result = wallet.type_pin(&pin).await;
    assert_eq!(result["ok"], true, "{result}");
    assert_eq!(result["claims"]["family_name"], "Bowen", "{result}");
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
}

#[tokio::test]
async fn the_sandboxs_simulated_wallet_takes_an_offer_like_a_request() {
    let s = station(issuer_options("in_time")).await;
    let flow = s.engine.issue("sd", &megan()).unwrap();
    let offer = shown(&flow).await;
    let opened = s.wallet.open(&offer.url).await.unwrap();
    assert_eq!((opened.pin_required, opened.pin_length), (true, Some(6)));
    let pin = revealed_pin(&flow).await;
    assert!(
        !s.wallet
            .enter_pin(&opened.request_id, wrong_pin(&pin))
            .await
            .unwrap()
            .accepted
    );
    assert!(
        s.wallet
            .enter_pin(&opened.request_id, &pin)
            .await
            .unwrap()
            .accepted
    );
    s.wallet.accept(&opened.request_id).await.unwrap();
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
    let held = s.wallet.credentials().await.unwrap();
    assert!(held
        .iter()
        .any(|c| c.claims.get("given_name").map(String::as_str) == Some("Megan")));
}

/// Plays the sandbox's simulated wallet through the offer: scan, the PIN
/// the station revealed, accept. Returns the flow's end state.
async fn simulated_wallet_takes(s: &Station, flow: &FlowHandle) -> FlowState {
    let offer = shown(flow).await;
    let opened = s.wallet.open(&offer.url).await.unwrap();
    let pin = revealed_pin(flow).await;
    assert!(
        s.wallet
            .enter_pin(&opened.request_id, &pin)
            .await
            .unwrap()
            .accepted
    );
    s.wallet.accept(&opened.request_id).await.unwrap();
    flow.finished().await
}

async fn issued_claims_include(s: &Station, family_name: &str) -> bool {
    let held = s.wallet.credentials().await.unwrap();
    held.iter()
        .any(|c| c.claims.get("family_name").map(String::as_str) == Some(family_name))
}

/// Today's issuer takes a `dc+sd-jwt` definition's claims only as `vct` +
/// `claims`, in the issue call and in the Deferred PUT; the default format
/// sends them so.
#[tokio::test]
async fn an_sd_jwt_definition_gets_vct_and_claims_in_time_and_deferred() {
    for mode in ["in_time", "deferred"] {
        let s = station(issuer_template_options("EventBadge", mode, None)).await;
        let flow = s.engine.issue("sd", &megan()).unwrap();
        let end = simulated_wallet_takes(&s, &flow).await;
        assert!(matches!(end, FlowState::Issued { .. }), "{mode}: {end:?}");
        assert!(issued_claims_include(&s, "Bowen").await, "{mode}");
    }
}

#[tokio::test]
async fn a_jwt_vc_definition_gets_type_and_credential_subject_in_time_and_deferred() {
    for mode in ["in_time", "deferred"] {
        let s = station(issuer_template_options("EventBadgeVc", mode, Some("jwt_vc_json"))).await;
        let flow = s.engine.issue("sd", &megan()).unwrap();
        let end = simulated_wallet_takes(&s, &flow).await;
        assert!(matches!(end, FlowState::Issued { .. }), "{mode}: {end:?}");
        assert!(issued_claims_include(&s, "Bowen").await, "{mode}");
    }
}

/// Seed 004's `credentialSubject` for an SD-JWT VC is what today's issuer
/// refuses: a template that says so is refused by the sandbox too, with
/// the field named, rather than passing here and failing at the service.
#[tokio::test]
async fn the_seed_004_shape_for_a_dc_sd_jwt_definition_is_refused_naming_the_field() {
    let s = station(issuer_template_options(
        "EventBadge",
        "in_time",
        Some("vc+sd-jwt"),
    ))
    .await;
    let flow = s.engine.issue("sd", &megan()).unwrap();
    let (code, message) = failure(&flow).await;
    assert_eq!(code, "provider.rejected");
    assert!(message.contains("credential.credentialSubject"), "{message}");
}

/// `credentialHistory` as an array (a definition that makes two exchange
/// records), over real HTTP: the offer is shown, the status followed, the
/// Deferred claims delivered.
#[tokio::test]
async fn a_history_answered_as_an_array_is_followed_to_the_issuance() {
    for mode in ["in_time", "deferred"] {
        let s = station(issuer_template_options("TwoDayPass", mode, None)).await;
        let flow = s.engine.issue("sd", &megan()).unwrap();
        let end = simulated_wallet_takes(&s, &flow).await;
        assert!(matches!(end, FlowState::Issued { .. }), "{mode}: {end:?}");
        assert!(issued_claims_include(&s, "Bowen").await, "{mode}");
    }
}

// ---- the provider on its own, as the flow drives it --------------------------

mod provider {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use station_core::config::{IssuanceTemplate, ServiceKind, StationConfig, Template};
    use station_core::events::{event_channel, EventFeed, EventStream, FlowEvent};
    use station_core::provider::oid4vci::Oid4vciProvider;
    use station_core::provider::{CallbackTicket, CreatedRequest, IssuanceSpec, Provider};
    use station_core::secrets::{MemoryStore, Secret, SecretError, SecretStore};
    use station_sandbox::{Endpoint, Fault, Sandbox, SandboxConfig};
    use station_testkit::config::{Service, StationToml};

    use super::megan;

    /// A secret store that counts its reads, as a keyring would feel them.
    #[derive(Default)]
    struct CountingStore {
        inner: MemoryStore,
        reads: AtomicUsize,
    }

    impl SecretStore for CountingStore {
        fn get(&self, service: &str) -> Result<Option<Secret>, SecretError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            self.inner.get(service)
        }

        fn set(&self, service: &str, secret: &Secret) -> Result<(), SecretError> {
            self.inner.set(service, secret)
        }
    }

    struct Issuer {
        sandbox: Sandbox,
        provider: Oid4vciProvider,
        template: IssuanceTemplate,
        store: Arc<CountingStore>,
    }

    /// The provider for `mode` offers that are shown for `lifetime`
    /// (shorter than config allows, so expiry is seen in a test).
    async fn issuer(mode: &str, lifetime: Duration) -> Issuer {
        let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
        let template = format!(
            r#"
service = "counted-issuer"
credential_type = "StaffId"
credential_definition_id = "StaffId"
issuance_mode = "{mode}"
pin_length = 0
claims = [ {{ name = "given_name", required = true }}, {{ name = "family_name", required = true }} ]
"#
        );
        let text = StationToml::new(&sandbox.base_url())
            .service("counted-issuer", Service::oid4vci().set("poll_interval_ms", 200))
            .template("badge", &template)
            .text();
        let config = StationConfig::from_toml(&text, "test config").unwrap();
        let ServiceKind::Oid4vci(mut service) = config.services["counted-issuer"].kind.clone() else {
            panic!("an OID4VCI service")
        };
        service.offer_lifetime = lifetime;
        let Some(Template::Issuance(template)) = config.template("badge").cloned() else {
            panic!("an issuance template")
        };
        let store = Arc::new(CountingStore::default());
        store
            .set(
                "counted-issuer",
                &Secret::new(station_sandbox::oid4vci::DEFAULT_API_KEY),
            )
            .unwrap();
        let provider = Oid4vciProvider::new(
            "counted-issuer",
            service,
            reqwest::Client::new(),
            Arc::clone(&store) as Arc<dyn SecretStore>,
        );
        Issuer {
            sandbox,
            provider,
            template,
            store,
        }
    }

    impl Issuer {
        /// Creates an offer for Megan (with a photo claim's worth of data)
        /// and follows it, as the flow does.
        async fn offer(&self) -> (CreatedRequest, EventFeed, EventStream) {
            let mut claims = megan();
            claims.insert("photo".into(), "aGVsbG8".into());
            let spec = IssuanceSpec {
                template: &self.template,
                claims: &claims,
                pin: None,
                photo: None,
            };
            let ticket = CallbackTicket {
                url: url::Url::parse("http://127.0.0.1:9/unused").unwrap(),
                state: "unused".into(),
                api_key: Secret::new("unused"),
            };
            let created = self.provider.create_issuance(&spec, &ticket).await.unwrap();
            let (sink, stream) = event_channel();
            let feed = self.provider.follow(&created, sink).unwrap();
            (created, feed, stream)
        }

        /// A wallet scanning the QR code: it fetches the offer by reference.
        async fn scan(&self, created: &CreatedRequest) {
            let offer_uri = url::Url::parse(&created.url).unwrap();
            let (_, by_reference) = offer_uri
                .query_pairs()
                .find(|(name, _)| name == "credential_offer_uri")
                .unwrap();
            let fetched = reqwest::get(by_reference.as_ref()).await.unwrap();
            assert!(fetched.status().is_success());
        }

        /// `credentialStatus` of an exchange, as the sandbox has it.
        async fn credential_status(&self, exchange_id: &str) -> String {
            let answer: serde_json::Value = reqwest::Client::new()
                .get(format!(
                    "{}{}",
                    self.sandbox.base_url(),
                    station_sandbox::oid4vci::history_path(exchange_id)
                ))
                .header(
                    "Authorization",
                    format!("ApiKey {}", station_sandbox::oid4vci::DEFAULT_API_KEY),
                )
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            answer["credentialHistory"]["credentialStatus"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }

        /// Waits (bounded) until `held` claims are held.
        async fn until_held(&self, held: usize, within: Duration) {
            let started = Instant::now();
            while self.provider.held_deferred_claims() != held {
                assert!(
                    started.elapsed() < within,
                    "{} deferred claims held after {within:?}, not {held}",
                    self.provider.held_deferred_claims()
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }

    async fn next_event(stream: &mut EventStream) -> FlowEvent {
        tokio::time::timeout(Duration::from_secs(10), stream.recv())
            .await
            .expect("an event within 10 s")
            .expect("the feed is running")
            .event
    }

    #[tokio::test]
    async fn polls_reuse_the_api_key_read_once() {
        let issuer = issuer("in_time", Duration::from_secs(60)).await;
        let (created, _feed, mut stream) = issuer.offer().await;
        // Five polls or more at 200 ms.
        tokio::time::sleep(Duration::from_millis(1200)).await;
        issuer.scan(&created).await;
        assert_eq!(next_event(&mut stream).await, FlowEvent::Retrieved);
        assert_eq!(issuer.store.reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn deferred_claims_go_when_their_offer_expires() {
        let issuer = issuer("deferred", Duration::from_secs(1)).await;
        let (_created, _feed, _stream) = issuer.offer().await;
        assert_eq!(issuer.provider.held_deferred_claims(), 1);
        issuer.until_held(0, Duration::from_secs(3)).await;
    }

    #[tokio::test]
    async fn deferred_claims_go_when_the_flow_is_cancelled() {
        let issuer = issuer("deferred", Duration::from_secs(600)).await;
        let (_created, feed, _stream) = issuer.offer().await;
        assert_eq!(issuer.provider.held_deferred_claims(), 1);
        // The flow drops its feeds when it is cancelled or ends.
        drop(feed);
        issuer.until_held(0, Duration::from_secs(2)).await;
    }

    /// A renewal keeps the replaced offer's feed (the flow may switch
    /// back to it): its claims go at its expiry, the new offer's stay and
    /// are the ones delivered when the new offer is scanned.
    #[tokio::test]
    async fn a_replaced_offers_claims_go_and_the_replacements_are_delivered() {
        let issuer = issuer("deferred", Duration::from_secs(3)).await;
        let (_old, _old_feed, _old_stream) = issuer.offer().await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let (new, _new_feed, mut new_stream) = issuer.offer().await;
        assert_eq!(issuer.provider.held_deferred_claims(), 2);
        issuer.until_held(1, Duration::from_secs(3)).await;
        issuer.scan(&new).await;
        assert_eq!(next_event(&mut new_stream).await, FlowEvent::Retrieved);
        issuer.until_held(0, Duration::from_secs(2)).await;
        assert_eq!(issuer.credential_status(&new.request_id).await, "ready");
    }

    /// The issuer throttles the Deferred `PUT` once: the claims are kept
    /// and sent at a later poll, and the credential becomes ready.
    #[tokio::test]
    async fn deferred_claims_the_issuer_could_not_take_are_sent_again() {
        let issuer = issuer("deferred", Duration::from_secs(600)).await;
        issuer
            .sandbox
            .inject_faults(Endpoint::Oid4vciDeferredUpdate, vec![Fault::too_many_requests(1)]);
        let (created, _feed, mut stream) = issuer.offer().await;
        issuer.scan(&created).await;
        assert_eq!(next_event(&mut stream).await, FlowEvent::Retrieved);
        issuer.until_held(0, Duration::from_secs(5)).await;
        assert_eq!(issuer.credential_status(&created.request_id).await, "ready");
    }

    /// 429 with `Retry-After: 1`, twice: the poller waits as asked (about
    /// 2 s) instead of polling every 200 ms, then carries on.
    #[tokio::test]
    async fn a_throttled_poll_waits_as_the_issuer_asks() {
        let issuer = issuer("in_time", Duration::from_secs(60)).await;
        issuer.sandbox.inject_faults(
            Endpoint::Oid4vciHistory,
            vec![Fault::too_many_requests(1), Fault::too_many_requests(1)],
        );
        let started = Instant::now();
        let (created, _feed, mut stream) = issuer.offer().await;
        issuer.scan(&created).await;
        assert_eq!(next_event(&mut stream).await, FlowEvent::Retrieved);
        assert!(
            started.elapsed() >= Duration::from_millis(1900),
            "status read after {:?}, before the two asked-for seconds",
            started.elapsed()
        );
    }
}
