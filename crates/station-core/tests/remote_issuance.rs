//! Remote issuance through Verified Orchestration against the sandbox: the
//! engine queues the job and its drain asks the service to send the
//! recipient a link; the recipient follows it later with their own wallet,
//! and the drain learns the outcome by asking. What the station refuses, it
//! refuses before anything is queued or anyone is sent anything.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::time::Duration;

use serde_json::{json, Value};
use station_core::engine::REMOTE_ISSUANCE_KIND;
use station_core::provider::{
    Claims, InvalidContact, ProviderError, RemoteContact, RemoteExpiry, RemoteStatus,
};
use station_core::queue::{Job, JobStatus};
use station_core::{EngineError, UiError};
use station_testkit::queue::{wait_for, FAST_QUEUE};
use station_testkit::station::{
    astronaut_photo, megan, megan_at_contoso, orchestration_options, station, Station,
};

async fn vo_station() -> Station {
    let mut options = orchestration_options("subscription");
    options.extra_toml.push_str(FAST_QUEUE);
    options.extra_toml.push_str(
        r#"
[templates.nowhere]
service = "vo"
credential_type = "EventBadge"
contract_id = "c0000000-0000-4000-8000-0000000000ff" # a well-formed id that names nothing
claims = [ { name = "given_name", required = true } ]
"#,
    );
    station(options).await
}

fn email(address: &str) -> RemoteContact {
    RemoteContact::Email(address.to_owned())
}

/// Queues an issuance to Megan and waits until the drain has sent it;
/// returns the job and the service's id for it.
async fn issue_to(s: &Station, contact: RemoteContact, expiry: RemoteExpiry) -> (Job, String) {
    let job = s
        .engine
        .issue_remotely("member", &megan_at_contoso(), contact, expiry, None)
        .await
        .unwrap();
    sent(s, &job).await
}

async fn sent(s: &Station, job: &Job) -> (Job, String) {
    let sent = wait_for(s.engine.queue(), &job.job_id, &[JobStatus::Sent, JobStatus::Done]).await;
    let remote_id = sent.remote_id.clone().expect("a sent job keeps the service's id");
    (sent, remote_id)
}

/// What the recipient does with the link from the message. Returns the
/// Request Service request the link created.
async fn claim_through_link(s: &Station, link: &str) -> String {
    station_testkit::orchestration::redeem(&s.wallet, link).await
}

/// Asks until the status is final (the service learns of the wallet's
/// answer through a callback of its own).
async fn final_status(s: &Station, template: &str, id: &str) -> RemoteStatus {
    for _ in 0..100 {
        let status = s.engine.remote_issuance_status(template, id).await.unwrap();
        if status.is_final() {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("remote issuance {id} never reached a final status")
}

/// What the sandbox itself holds about `id`, asked with a token of its own.
async fn sandbox_view(s: &Station, id: &str) -> Value {
    let sandbox = &s.sandbox;
    let token =
        station_testkit::sandbox::token_for_scope(sandbox, station_sandbox::ORCHESTRATION_SCOPE).await;
    let body: Value = reqwest::Client::new()
        .post(sandbox.orchestration_url())
        .bearer_auth(token)
        .json(&json!({
            "query": "query($id: UUID!) { asyncIssuanceRequest(id: $id) { expiry expiresOn createdAt identity { name identifier } contact { notification { method value } } } }",
            "variables": { "id": id },
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["asyncIssuanceRequest"].clone()
}

#[tokio::test]
async fn by_email_the_recipient_gets_a_link_that_issues_the_credential() {
    let s = vo_station().await;
    let (job, remote_id) = issue_to(&s, email("megan@example.com"), RemoteExpiry::OneWeek).await;

    let sent = s.sandbox.orchestration_notifications();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].async_issuance_request_id, remote_id);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].to.as_str()),
        ("email", "megan@example.com")
    );
    assert_eq!(
        sent[0].link,
        format!(
            "{}/orchestration/async-issuance/{}",
            s.sandbox.base_url(),
            remote_id
        )
    );
    let held = sandbox_view(&s, &remote_id).await;
    assert_eq!(held["identity"]["name"], "Megan Bowen", "{held}");
    assert_eq!(
        held["identity"]["identifier"],
        job.job_id.as_str(),
        "the job id goes along"
    );
    assert_eq!(
        s.engine
            .remote_issuance_status("member", &remote_id)
            .await
            .unwrap(),
        RemoteStatus::Pending
    );

    let request_id = claim_through_link(&s, &sent[0].link).await;
    assert_eq!(
        s.sandbox.received(&request_id).unwrap()["claims"]["company"],
        "Contoso"
    );
    assert_eq!(final_status(&s, "member", &remote_id).await, RemoteStatus::Issued);
    let credentials = s.wallet.credentials().await.unwrap();
    assert_eq!(credentials.len(), 1);
    // The drain asks by itself, and ends the job.
    wait_for(s.engine.queue(), &job.job_id, &[JobStatus::Done]).await;

    // Kept in the history under the job's id, as a flow of its own kind,
    // closed by the answer.
    let flow = s.engine.history().flow(&job.job_id).unwrap().unwrap();
    assert_eq!(flow.kind, REMOTE_ISSUANCE_KIND);
    assert_eq!((flow.template.as_str(), flow.service.as_str()), ("member", "vo"));
    assert!(flow.claims.contains("Contoso"), "{}", flow.claims);
    assert_eq!(flow.outcome.as_deref(), Some("issued"));
    let timeline = s.engine.history().timeline(&job.job_id).unwrap();
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].what, "created");
    assert_eq!(timeline[0].request_id, remote_id);
    // The database and its write-ahead log are encrypted: the contact the
    // job keeps is not there in the clear.
    for entry in std::fs::read_dir(s.data_dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let address = b"megan@example.com";
        assert!(
            !bytes.windows(address.len()).any(|w| w == address),
            "the contact is not on disk in the clear"
        );
    }
}

#[tokio::test]
async fn by_sms_the_number_goes_in_international_format() {
    let s = vo_station().await;
    // As a person types it, with spaces.
    let (_, remote_id) = issue_to(
        &s,
        RemoteContact::Sms("+61 491 570 006".into()),
        RemoteExpiry::default(),
    )
    .await;
    let sent = s.sandbox.orchestration_notifications();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].to.as_str()),
        ("sms", "+61491570006")
    );
    claim_through_link(&s, &sent[0].link).await;
    assert_eq!(final_status(&s, "member", &remote_id).await, RemoteStatus::Issued);
}

#[tokio::test]
async fn an_invalid_contact_is_refused_before_anything_is_sent() {
    let s = vo_station().await;
    for (contact, code, names) in [
        (
            email("megan.example.com"),
            "remote.invalid_email",
            "email address",
        ),
        (email("megan@example"), "remote.invalid_email", "email address"),
        (
            email("megan bowen@example.com"),
            "remote.invalid_email",
            "email address",
        ),
        (
            RemoteContact::Sms("0491 570 006".into()),
            "remote.invalid_phone",
            "mobile number",
        ),
        (
            RemoteContact::Sms("+61 491".into()),
            "remote.invalid_phone",
            "mobile number",
        ),
    ] {
        let shown = format!("{contact:?}");
        let error = s
            .engine
            .issue_remotely("member", &megan_at_contoso(), contact, RemoteExpiry::OneDay, None)
            .await
            .unwrap_err();
        assert!(matches!(error, EngineError::Contact(_)), "{shown}: {error:?}");
        let ui = UiError::from(&error);
        assert_eq!(ui.code, code, "{shown}");
        assert!(ui.message.contains(names), "{}", ui.message);
        assert!(ui.message.contains("such as"), "the fix: {}", ui.message);
    }
    assert!(s.sandbox.orchestration_notifications().is_empty());
    assert!(s.sandbox.received_requests().is_empty());
    assert_eq!(s.engine.queue().counts().unwrap().open(), 0, "nothing was queued");
}

#[test]
fn contacts_are_checked_and_tidied_on_their_own() {
    assert_eq!(
        RemoteContact::email("  megan@example.com "),
        Ok(RemoteContact::Email("megan@example.com".into()))
    );
    assert_eq!(
        RemoteContact::sms("+1 500-555-0109"),
        Ok(RemoteContact::Sms("+15005550109".into()))
    );
    assert_eq!(
        RemoteContact::email("@example.com"),
        Err(InvalidContact::Email("@example.com".into()))
    );
    assert!(RemoteContact::email("megan@.com").is_err());
    assert!(RemoteContact::sms("61491570006").is_err(), "no +");
    assert!(RemoteContact::sms("+1234567").is_err(), "7 digits");
    assert!(RemoteContact::sms("+1234567890123456").is_err(), "16 digits");
    assert!(RemoteContact::sms("+6149157000x").is_err());
    assert_eq!(
        serde_json::to_value(RemoteContact::Sms("+61491570006".into())).unwrap(),
        json!({"method": "sms", "value": "+61491570006"})
    );
}

#[tokio::test]
async fn the_recipients_details_are_checked_as_for_the_desk() {
    let s = vo_station().await;
    let missing_company = s
        .engine
        .issue_remotely(
            "member",
            &megan(),
            email("megan@example.com"),
            RemoteExpiry::OneDay,
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&missing_company, EngineError::Claims(problems) if problems[0].claim == "company"),
        "{missing_company:?}"
    );
    let verification = s
        .engine
        .issue_remotely(
            "checkin",
            &megan(),
            email("megan@example.com"),
            RemoteExpiry::OneDay,
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(verification, EngineError::WrongTemplateKind { .. }),
        "{verification:?}"
    );
    let no_photo = s
        .engine
        .issue_remotely(
            "staff",
            &megan(),
            email("megan@example.com"),
            RemoteExpiry::OneDay,
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(no_photo, EngineError::PhotoRequired { .. }),
        "{no_photo:?}"
    );
    assert!(s.sandbox.orchestration_notifications().is_empty());
}

#[tokio::test]
async fn the_photo_taken_at_the_desk_goes_as_the_face_check_photo() {
    let s = vo_station().await;
    let photo = astronaut_photo();
    let job = s
        .engine
        .issue_remotely(
            "staff",
            &megan(),
            email("megan@example.com"),
            RemoteExpiry::ThreeDays,
            Some(photo.clone()),
        )
        .await
        .unwrap();
    let (_, remote_id) = sent(&s, &job).await;
    let link = s.sandbox.orchestration_notifications()[0].link.clone();
    let request_id = claim_through_link(&s, &link).await;
    assert_eq!(
        s.sandbox.received(&request_id).unwrap()["claims"]["photo"],
        photo.to_claim_value()
    );
    assert_eq!(final_status(&s, "staff", &remote_id).await, RemoteStatus::Issued);
}

#[tokio::test]
async fn an_entra_service_cannot_issue_remotely_and_says_so() {
    let s = vo_station().await;
    let error = s
        .engine
        .issue_remotely(
            "expert",
            &megan(),
            email("megan@example.com"),
            RemoteExpiry::OneDay,
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, EngineError::Provider(ProviderError::Unsupported { .. })),
        "{error:?}"
    );
    let ui = UiError::from(&error);
    assert_eq!(ui.code, "provider.unsupported");
    assert_eq!(
        ui.message,
        "this service does not support remote issuance (by email or SMS)"
    );
    let status = s
        .engine
        .remote_issuance_status("expert", "any-id")
        .await
        .unwrap_err();
    assert_eq!(UiError::from(&status).code, "provider.unsupported");
    assert!(s.sandbox.received_requests().is_empty());
    assert_eq!(s.engine.queue().counts().unwrap().open(), 0, "nothing was queued");
}

#[tokio::test]
async fn the_services_refusal_fails_the_job_with_its_reason() {
    let s = vo_station().await;
    let mut claims = Claims::new();
    claims.insert("given_name".into(), "Megan".into());
    let job = s
        .engine
        .issue_remotely(
            "nowhere",
            &claims,
            email("megan@example.com"),
            RemoteExpiry::OneDay,
            None,
        )
        .await
        .unwrap();
    let failed = wait_for(s.engine.queue(), &job.job_id, &[JobStatus::Failed]).await;
    let error = failed.last_error.expect("the reason is kept");
    assert_eq!(error.code, "provider.rejected");
    assert!(error.message.contains("contractId"), "{}", error.message);
    assert_eq!(failed.attempts, 1, "a refusal is not retried");
    assert!(s.sandbox.orchestration_notifications().is_empty());
    let flow = s.engine.history().flow(&job.job_id).unwrap().unwrap();
    assert_eq!(flow.outcome.as_deref(), Some("failed"));

    let unknown = s
        .engine
        .remote_issuance_status("member", "no-such-id")
        .await
        .unwrap_err();
    assert_eq!(UiError::from(&unknown).code, "provider.rejected");
}

#[tokio::test]
async fn the_expiry_goes_with_the_schemas_names() {
    let names = [
        (RemoteExpiry::OneDay, "oneDay", 1),
        (RemoteExpiry::ThreeDays, "threeDays", 3),
        (RemoteExpiry::OneWeek, "oneWeek", 7),
        (RemoteExpiry::TwoWeeks, "twoWeeks", 14),
        (RemoteExpiry::OneMonth, "oneMonth", 30),
        (RemoteExpiry::ThreeMonths, "threeMonths", 90),
    ];
    for (expiry, name, days) in names {
        assert_eq!(serde_json::to_value(expiry).unwrap(), name);
        assert_eq!(
            serde_json::from_value::<RemoteExpiry>(json!(name)).unwrap(),
            expiry
        );
        assert_eq!(expiry.duration(), Duration::from_secs(days * 86_400));
    }
    assert_eq!(RemoteExpiry::default(), RemoteExpiry::OneWeek);

    // The service reads each name back as sent.
    let s = vo_station().await;
    for (expiry, name, _) in [names[0], names[5]] {
        let (_, remote_id) = issue_to(&s, email("megan@example.com"), expiry).await;
        assert_eq!(sandbox_view(&s, &remote_id).await["expiry"], name);
    }
}

/// Front ends (a Tauri command, a queue's task) run these on any thread.
#[tokio::test]
async fn the_calls_can_move_between_threads() {
    fn send<T: Send>(value: T) -> T {
        value
    }
    let s = vo_station().await;
    let created = send(s.engine.issue_remotely(
        "member",
        &megan_at_contoso(),
        email("megan@example.com"),
        RemoteExpiry::OneDay,
        None,
    ))
    .await
    .unwrap();
    let (_, remote_id) = sent(&s, &created).await;
    let status = send(s.engine.remote_issuance_status("member", &remote_id)).await;
    assert_eq!(status.unwrap(), RemoteStatus::Pending);
}
