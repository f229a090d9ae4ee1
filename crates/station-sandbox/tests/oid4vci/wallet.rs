//! What a wallet drives: the metadata where wallets look, the
//! pre-authorized code flow with its PIN (tx_code), and each refusal of a
//! wrong code, an expired one, or a bad proof.

use std::time::Duration;

use serde_json::{json, Value};
use station_sandbox::oid4vci::PRE_AUTHORIZED_CODE_GRANT;
use station_sandbox::SandboxConfig;

use super::{badge_in_time, code_of, id_of, now_unix, offer_of, statuses_in, verify_sd_jwt, Holder, Issuer};

#[tokio::test]
async fn metadata_is_served_where_wallets_look() {
    let issuer = Issuer::start().await;
    let issuer_url = issuer.issuer_url();
    for path in [
        "/.well-known/openid-credential-issuer/oid4vci",
        "/oid4vci/.well-known/openid-credential-issuer",
    ] {
        let metadata: Value = issuer
            .http
            .get(issuer.url(path))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(metadata["credential_issuer"], issuer_url.as_str());
        assert_eq!(
            metadata["credential_endpoint"],
            format!("{issuer_url}/credential")
        );
        assert_eq!(metadata["nonce_endpoint"], format!("{issuer_url}/nonce"));
        assert_eq!(
            metadata["notification_endpoint"],
            format!("{issuer_url}/notification")
        );
        let badge = &metadata["credential_configurations_supported"]["EventBadge"];
        assert_eq!(badge["format"], "dc+sd-jwt");
        assert_eq!(
            badge["vct"],
            "https://sandbox.issuance-station.example/EventBadge"
        );
        assert_eq!(badge["cryptographic_binding_methods_supported"], json!(["jwk"]));
        assert_eq!(
            badge["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"],
            json!(["ES256"])
        );
        assert!(badge["credential_metadata"]["claims"]
            .as_array()
            .is_some_and(|c| c.len() == 3));
        assert!(metadata["credential_configurations_supported"]["StaffId"].is_object());
    }
    for path in [
        "/.well-known/oauth-authorization-server/oid4vci",
        "/oid4vci/.well-known/oauth-authorization-server",
    ] {
        let metadata: Value = issuer
            .http
            .get(issuer.url(path))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(metadata["issuer"], issuer_url.as_str());
        assert_eq!(metadata["token_endpoint"], format!("{issuer_url}/token"));
        assert_eq!(
            metadata["grant_types_supported"],
            json!([PRE_AUTHORIZED_CODE_GRANT])
        );
    }
    for path in [
        "/.well-known/jwt-vc-issuer/oid4vci",
        "/oid4vci/.well-known/jwt-vc-issuer",
    ] {
        let metadata: Value = issuer
            .http
            .get(issuer.url(path))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(metadata["issuer"], issuer_url.as_str());
        assert_eq!(metadata["jwks"]["keys"][0], issuer.sandbox.oid4vci_issuer_jwk());
    }
}

#[tokio::test]
async fn in_time_offer_with_pin_issues_a_verifiable_sd_jwt() {
    let issuer = Issuer::start().await;
    let history = issuer.issue(badge_in_time(Some("493817"))).await;
    assert_eq!(history["status"], "offer_sent");
    assert_eq!(history["credentialStatus"], "ready");
    assert_eq!(history["issuanceMode"], "InTime");
    assert_eq!(history["isPreAuthorised"], true);
    assert_eq!(history["format"], "dc+sd-jwt");
    assert!(history.get("userPin").is_none(), "the PIN is never echoed");
    assert!(!history.to_string().contains("493817"));
    let uri = history["credentialOffer"].as_str().expect("offer");
    assert!(
        uri.starts_with("openid-credential-offer://?credential_offer_uri="),
        "{uri}"
    );
    let id = id_of(&history);
    assert_eq!(issuer.status_of(&id).await, "offer_sent");
    // The wallet fetches the offer when it scans: the desk may show the PIN.
    let offer = offer_of(&history).await;
    assert_eq!(issuer.status_of(&id).await, "offer_received");
    assert_eq!(offer["credential_issuer"], issuer.issuer_url().as_str());
    assert_eq!(offer["credential_configuration_ids"], json!(["EventBadge"]));
    let tx_code = &offer["grants"][PRE_AUTHORIZED_CODE_GRANT]["tx_code"];
    assert_eq!(tx_code["input_mode"], "numeric");
    assert_eq!(tx_code["length"], 6);

    let token = issuer
        .access_token(&code_of(&history).await, Some("493817"))
        .await;
    assert_eq!(issuer.status_of(&id).await, "offer_received");
    let (status, again) = issuer.token(&code_of(&history).await, Some("493817")).await;
    assert_eq!(
        (status, again["error"].as_str()),
        (400, Some("invalid_grant")),
        "single use"
    );

    let holder = Holder::new();
    let nonce = issuer.nonce().await;
    let body = json!({
        "credential_configuration_id": "EventBadge",
        "proofs": {"jwt": [holder.proof(&issuer.issuer_url(), &nonce)]},
    });
    let (status, answer) = issuer.credential(&token, body).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer["notification_id"].is_string());
    let sd_jwt = answer["credentials"][0]["credential"]
        .as_str()
        .expect("credential");
    let (payload, claims) = verify_sd_jwt(sd_jwt, &issuer.sandbox.oid4vci_issuer_jwk());
    assert_eq!(payload["iss"], issuer.issuer_url().as_str());
    assert_eq!(
        payload["vct"],
        "https://sandbox.issuance-station.example/EventBadge"
    );
    assert_eq!(payload["cnf"]["jwk"], holder.jwk());
    assert!(payload["exp"].as_u64() > payload["iat"].as_u64());
    assert!(payload.get("given_name").is_none(), "claims only as disclosures");
    assert_eq!(claims.get("given_name"), Some(&json!("Ada")));
    assert_eq!(claims.get("family_name"), Some(&json!("Lovelace")));
    assert_eq!(claims.get("company"), Some(&json!("Analytical Engines")));

    let history = issuer.history(&id).await;
    assert_eq!(history["status"], "credential_issued");
    assert_eq!(history["cnf"]["jwk"], holder.jwk());
    assert_eq!(
        statuses_in(&history),
        ["offer_sent", "offer_received", "credential_issued"]
    );

    let nonce = issuer.nonce().await;
    let body = json!({"credential_configuration_id": "EventBadge",
        "proofs": {"jwt": [holder.proof(&issuer.issuer_url(), &nonce)]}});
    let (status, answer) = issuer.credential(&token, body).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (400, Some("credential_request_denied")),
        "one credential per offer"
    );
}

#[tokio::test]
async fn wrong_tx_codes_are_refused_and_three_kill_the_code() {
    let issuer = Issuer::start().await;
    let history = issuer.issue(badge_in_time(Some("2468"))).await;
    let (code, id) = (code_of(&history).await, id_of(&history));
    for tries_left in ["2 more tries", "1 more try", "no longer works"] {
        let (status, body) = issuer.token(&code, Some("1357")).await;
        assert_eq!(status, 400);
        assert_eq!(body["error"], "invalid_grant");
        assert!(
            body["error_description"]
                .as_str()
                .is_some_and(|d| d.contains(tries_left)),
            "{body}"
        );
        assert_eq!(
            issuer.status_of(&id).await,
            "offer_received",
            "a wrong PIN still means the offer was opened"
        );
    }
    let (status, body) = issuer.token(&code, Some("2468")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "the code is dead: {body}"
    );

    let history = issuer.issue(badge_in_time(Some("2468"))).await;
    let (status, body) = issuer.token(&code_of(&history).await, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request")),
        "tx_code missing"
    );
    let plain = issuer.issue(badge_in_time(None)).await;
    let (status, body) = issuer.token(&code_of(&plain).await, Some("1234")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request")),
        "tx_code not expected"
    );
    let (status, body) = issuer.token("no-such-code", None).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    let response = issuer
        .http
        .post(issuer.url("/oid4vci/token"))
        .form(&[("grant_type", "authorization_code"), ("code", "x")])
        .send()
        .await
        .expect("reachable");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn an_expired_code_is_invalid_grant() {
    let issuer = Issuer::start_with(SandboxConfig {
        oid4vci_code_lifetime: Duration::from_millis(300),
        ..SandboxConfig::default()
    })
    .await;
    let history = issuer.issue(badge_in_time(Some("1234"))).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (status, body) = issuer.token(&code_of(&history).await, Some("1234")).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["error_description"]
        .as_str()
        .is_some_and(|d| d.contains("expired")));
}

#[tokio::test]
async fn bad_proofs_are_refused() {
    let issuer = Issuer::start().await;
    let history = issuer.issue(badge_in_time(None)).await;
    let token = issuer.access_token(&code_of(&history).await, None).await;
    let holder = Holder::new();
    let aud = issuer.issuer_url();
    let request =
        |jwt: String| json!({"credential_configuration_id": "EventBadge", "proofs": {"jwt": [jwt]}});

    let (status, body) = issuer
        .credential(&token, request(holder.proof(&aud, "never-issued")))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_nonce")),
        "{body}"
    );

    let nonce = issuer.nonce().await;
    let (status, body) = issuer
        .credential(&token, request(holder.proof("http://elsewhere.example", &nonce)))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_proof")),
        "wrong aud: {body}"
    );

    let forger = Holder::new();
    let forged = forger.sign(
        &json!({"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": holder.jwk()}),
        &json!({"aud": aud, "iat": now_unix(), "nonce": nonce}),
    );
    let (status, body) = issuer.credential(&token, request(forged)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_proof")),
        "bad signature: {body}"
    );

    let untyped = holder.sign(
        &json!({"typ": "JWT", "alg": "ES256", "jwk": holder.jwk()}),
        &json!({"aud": aud, "iat": now_unix(), "nonce": nonce}),
    );
    let (status, body) = issuer.credential(&token, request(untyped)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_proof")),
        "typ: {body}"
    );

    let stale = holder.sign(
        &json!({"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": holder.jwk()}),
        &json!({"aud": aud, "iat": now_unix() - 3600, "nonce": nonce}),
    );
    let (status, body) = issuer.credential(&token, request(stale)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_proof")),
        "old iat: {body}"
    );

    let (status, body) = issuer
        .credential(&token, json!({"credential_configuration_id": "EventBadge"}))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_proof")),
        "no proof: {body}"
    );

    let mut other_configuration = request(holder.proof(&aud, &nonce));
    other_configuration["credential_configuration_id"] = json!("StaffId");
    let (status, body) = issuer.credential(&token, other_configuration).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unknown_credential_configuration")),
        "{body}"
    );

    let (status, body) = issuer
        .credential("not-a-token", request(holder.proof(&aud, &nonce)))
        .await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_token")));

    // None of the refusals used the nonce up; a trailing slash on aud is fine,
    // and the legacy single `proof` works too.
    let legacy = json!({"credential_configuration_id": "EventBadge",
        "proof": {"proof_type": "jwt", "jwt": holder.proof(&format!("{aud}/"), &nonce)}});
    let (status, body) = issuer.credential(&token, legacy).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(issuer.status_of(&id_of(&history)).await, "credential_issued");

    let history = issuer.issue(badge_in_time(None)).await;
    let token = issuer.access_token(&code_of(&history).await, None).await;
    let (status, body) = issuer
        .credential(&token, request(holder.proof(&aud, &nonce)))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_nonce")),
        "a nonce works once: {body}"
    );
}
