//! What the station drives through the admin API: deferred claims, every
//! status recorded, the API key, and validation errors naming the field.

use reqwest::Method;
use serde_json::{json, Value};
use station_sandbox::oid4vci::{self, OfferStatus, PRE_AUTHORIZED_CODE_GRANT};

use super::{badge_in_time, code_of, id_of, offer_of, redeem, statuses_in, verify_sd_jwt, Holder, Issuer};

#[tokio::test]
async fn a_deferred_credential_waits_for_its_claims() {
    let issuer = Issuer::start().await;
    let history = issuer
        .issue(json!({"issuanceMode": "Deferred", "credentialDefinitionId": "StaffId", "userPin": "8080"}))
        .await;
    assert_eq!(history["credentialStatus"], "pending");
    assert_eq!(history["issuanceMode"], "Deferred");
    let id = id_of(&history);
    let holder = Holder::new();
    let (token, status, answer) = redeem(&issuer, &history, Some("8080"), &holder).await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["interval"], 1);
    let transaction_id = answer["transaction_id"]
        .as_str()
        .expect("transaction_id")
        .to_owned();
    assert_eq!(issuer.status_of(&id).await, "offer_received");

    let deferred = json!({"transaction_id": transaction_id});
    let (status, answer) = issuer
        .post_bearer("/oid4vci/deferred_credential", &token, deferred.clone())
        .await;
    assert_eq!(status, 202, "still pending: {answer}");
    assert_eq!(answer["transaction_id"], transaction_id.as_str());

    let (status, body) = issuer
        .post_bearer(
            "/oid4vci/deferred_credential",
            &token,
            json!({"transaction_id": "other"}),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_transaction_id"))
    );

    let claims = json!({"credential": {"claims": {"given_name": "Grace", "family_name": "Hopper", "photo": "aGVsbG8"}}});
    let (status, updated) = issuer
        .admin(Method::PUT, &oid4vci::history_path(&id), Some(claims.clone()))
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["credentialHistory"]["credentialStatus"], "ready");
    assert_eq!(
        updated["credentialHistory"]["credential"]["claims"]["given_name"],
        "Grace"
    );
    let (status, _) = issuer
        .admin(Method::PUT, &oid4vci::history_path(&id), Some(claims))
        .await;
    assert_eq!(status, 409, "claims are supplied once");

    let (status, answer) = issuer
        .post_bearer("/oid4vci/deferred_credential", &token, deferred.clone())
        .await;
    assert_eq!(status, 200, "{answer}");
    let sd_jwt = answer["credentials"][0]["credential"]
        .as_str()
        .expect("credential");
    let (payload, claims) = verify_sd_jwt(sd_jwt, &issuer.sandbox.oid4vci_issuer_jwk());
    assert_eq!(payload["vct"], "https://sandbox.issuance-station.example/StaffId");
    assert_eq!(payload["cnf"]["jwk"], holder.jwk());
    assert_eq!(claims.get("photo"), Some(&json!("aGVsbG8")));
    assert_eq!(issuer.status_of(&id).await, "credential_issued");
    let (status, _) = issuer
        .post_bearer("/oid4vci/deferred_credential", &token, deferred)
        .await;
    assert_eq!(status, 400, "issued once");

    // Claims that come before the wallet asks make the first answer the credential.
    let early = issuer
        .issue(json!({"issuanceMode": "Deferred", "credential": {"vct": "EventBadge"}}))
        .await;
    let body = json!({"credential": {"claims": {"given_name": "Ada", "family_name": "Lovelace"}}});
    let (status, _) = issuer
        .admin(Method::PUT, &oid4vci::history_path(&id_of(&early)), Some(body))
        .await;
    assert_eq!(status, 200);
    let (_, status, answer) = redeem(&issuer, &early, None, &Holder::new()).await;
    assert_eq!(status, 200, "{answer}");

    let in_time = issuer.issue(badge_in_time(None)).await;
    let body = json!({"credential": {"claims": {"given_name": "A", "family_name": "B"}}});
    let (status, _) = issuer
        .admin(Method::PUT, &oid4vci::history_path(&id_of(&in_time)), Some(body))
        .await;
    assert_eq!(status, 409, "InTime takes no later claims");
}

#[tokio::test]
async fn every_status_is_reachable_and_recorded() {
    let issuer = Issuer::start().await;
    let mut seen = std::collections::HashSet::new();

    let history = issuer.issue(badge_in_time(Some("1111"))).await;
    let id = id_of(&history);
    let (token, status, answer) = redeem(&issuer, &history, Some("1111"), &Holder::new()).await;
    assert_eq!(status, 200, "{answer}");
    let notification_id = answer["notification_id"].as_str().expect("notification_id");
    assert_eq!(issuer.notify(&token, "unknown", "credential_accepted").await, 400);
    assert_eq!(
        issuer.notify(&token, notification_id, "credential_lost").await,
        400
    );
    assert_eq!(
        issuer.notify(&token, notification_id, "credential_failure").await,
        204
    );
    assert_eq!(issuer.status_of(&id).await, "credential_acked");
    assert_eq!(
        issuer
            .notify(&token, notification_id, "credential_accepted")
            .await,
        204
    );
    assert_eq!(issuer.status_of(&id).await, "credential_accepted");
    assert_eq!(
        issuer.notify(&token, notification_id, "credential_deleted").await,
        204
    );
    let history = issuer.history(&id).await;
    assert_eq!(history["status"], "credential_deleted");
    assert_eq!(
        statuses_in(&history),
        [
            "offer_sent",
            "offer_received",
            "credential_issued",
            "credential_acked",
            "credential_accepted",
            "credential_deleted"
        ]
    );
    assert!(history["statusHistory"][0]["at"]
        .as_str()
        .is_some_and(|at| at.ends_with('Z')));
    seen.extend(statuses_in(&history));
    let (status, _) = issuer.admin(Method::POST, &oid4vci::deny_path(&id), None).await;
    assert_eq!(status, 409, "an issued credential cannot be denied");

    let accepted = issuer.issue(badge_in_time(None)).await;
    let (token, _, answer) = redeem(&issuer, &accepted, None, &Holder::new()).await;
    let notification_id = answer["notification_id"].as_str().expect("notification_id");
    assert_eq!(
        issuer
            .notify(&token, notification_id, "credential_accepted")
            .await,
        204
    );
    assert_eq!(
        statuses_in(&issuer.history(&id_of(&accepted)).await)[2..],
        ["credential_issued", "credential_acked", "credential_accepted"]
    );

    let denied = issuer.issue(badge_in_time(Some("2222"))).await;
    let denied_id = id_of(&denied);
    let (status, answer) = issuer
        .admin(
            Method::POST,
            &oid4vci::deny_path(&denied_id),
            Some(json!({"reason": "left the queue"})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["credentialHistory"]["status"], "issuance_denied");
    assert_eq!(
        answer["credentialHistory"]["issuanceDeniedReason"],
        "left the queue"
    );
    let (status, body) = issuer.token(&code_of(&denied).await, Some("2222")).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    seen.extend(statuses_in(&issuer.history(&denied_id).await));

    for status in OfferStatus::ALL {
        assert!(seen.contains(status.as_str()), "{} reached", status.as_str());
    }
}

#[tokio::test]
async fn the_admin_api_wants_its_key() {
    let issuer = Issuer::start().await;
    let history = issuer.issue(badge_in_time(None)).await;
    let id = id_of(&history);
    let calls = [
        (
            Method::POST,
            oid4vci::ISSUE_PATH.to_owned(),
            Some(badge_in_time(None)),
        ),
        (Method::GET, oid4vci::history_path(&id), None),
        (
            Method::PUT,
            oid4vci::history_path(&id),
            Some(json!({"credential": {"claims": {}}})),
        ),
        (Method::POST, oid4vci::deny_path(&id), None),
    ];
    for (method, path, body) in calls {
        for auth in [None, Some("ApiKey wrong-key"), Some("Bearer sandbox-oid4vci-key")] {
            let (status, answer) = issuer.admin_as(auth, method.clone(), &path, body.clone()).await;
            assert_eq!(status, 401, "{method} {path} with {auth:?}");
            assert_eq!(answer["error"], "unauthorized");
            assert!(answer["errorDescription"].is_string());
        }
    }
    assert_eq!(issuer.status_of(&id).await, "offer_sent", "nothing changed");
    let (status, answer) = issuer
        .admin(Method::GET, &oid4vci::history_path("no-such-id"), None)
        .await;
    assert_eq!((status, answer["error"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn validation_errors_name_the_field() {
    let issuer = Issuer::start().await;
    let with = |field: &str, value: Value| {
        let mut body = badge_in_time(Some("1234"));
        body[field] = value;
        body
    };
    let mut missing_claim = badge_in_time(None);
    missing_claim["credential"]["claims"] = json!({"given_name": "Ada"});
    let cases = [
        (with("issuanceMode", json!("Soon")), "issuanceMode"),
        (with("userPin", json!("12")), "userPin"),
        (with("userPin", json!(123456)), "userPin"),
        (with("urlScheme", json!("https://")), "urlScheme"),
        (
            with("credentialDefinitionId", json!("Passport")),
            "credentialDefinitionId",
        ),
        (missing_claim, "credential.claims.family_name"),
        (
            json!({"issuanceMode": "InTime", "credentialDefinitionId": "EventBadge"}),
            "credential.claims",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = issuer.admin(Method::POST, oid4vci::ISSUE_PATH, Some(body)).await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["field"], field, "{answer}");
        assert!(
            answer["errorDescription"]
                .as_str()
                .is_some_and(|d| d.contains(field)),
            "{answer}"
        );
    }
    let response = issuer
        .http
        .post(issuer.url(oid4vci::ISSUE_PATH))
        .header("Authorization", "ApiKey sandbox-oid4vci-key")
        .body("{not json")
        .send()
        .await
        .expect("reachable");
    assert_eq!(response.status(), 400);

    let haip = issuer.issue(with("urlScheme", json!("haip://"))).await;
    assert!(haip["credentialOffer"]
        .as_str()
        .is_some_and(|uri| uri.starts_with("haip://?credential_offer_uri=")));
    let plain = issuer.issue(badge_in_time(None)).await;
    assert!(offer_of(&plain).await["grants"][PRE_AUTHORIZED_CODE_GRANT]
        .get("tx_code")
        .is_none());
}
