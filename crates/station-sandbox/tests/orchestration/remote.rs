//! Remote issuance: the recipient is notified and issues through the
//! link, photo capture first if the contract needs one; all-or-nothing
//! validation, and cancelling a pending one.

use serde_json::{json, Value};
use station_testkit::{orchestration as vo, photos};

use super::{post_photo, setup, with};

const CREATE_ASYNC: &str = r#"
mutation CreateAsyncIssuanceRequest($request: [AsyncIssuanceRequestInput!]!) {
  createAsyncIssuanceRequest(request: $request) {
    __typename
    ... on AsyncIssuanceResponse { asyncIssuanceRequestIds }
    ... on AsyncIssuanceErrorResponse { errors }
  }
}"#;

const ASYNC_REQUEST: &str = r#"
query AsyncIssuanceRequest($id: UUID!) {
  asyncIssuanceRequest(id: $id) {
    id status isStatusFinal expiry expiresOn createdAt failureReason photoCapture
    hasContactNotificationSet hasContactVerificationSet
    contract { id } identity { id name }
    contact { notification { method value } verification { method value } }
    communications { contactMethod purpose sentAt recipient { id } }
    issuance { id contractId identityId }
  }
}"#;

fn async_badge(identity: &str, contact: Value) -> Value {
    json!({
        "contractId": vo::EVENT_BADGE,
        "identityId": identity,
        "claims": {"given_name": "Adele", "family_name": "Vance", "company": "Contoso"},
        "contact": contact,
        "expiry": "oneWeek"
    })
}

#[tokio::test]
async fn remote_issuance_notifies_then_issues_through_the_link() {
    let (sandbox, wallet, token) = setup().await;
    let contact = json!({
        "notification": {"method": "email", "value": "adele@example.com"},
        "verification": {"method": "sms", "value": "+61491570006"}
    });
    let created = vo::data(
        &sandbox,
        &token,
        CREATE_ASYNC,
        json!({"request": [async_badge(vo::ADELE, contact)]}),
        "createAsyncIssuanceRequest",
    )
    .await;
    assert_eq!(created["__typename"], "AsyncIssuanceResponse", "{created}");
    let id = created["asyncIssuanceRequestIds"][0].as_str().unwrap().to_owned();

    let sent = sandbox.orchestration_notifications();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].async_issuance_request_id, id);
    assert_eq!(sent[0].to, "adele@example.com");
    assert_eq!(sent[0].method, "email");
    assert_eq!(
        sent[0].link,
        format!("{}/orchestration/async-issuance/{id}", sandbox.base_url())
    );
    let listed: Value = reqwest::get(format!("{}/orchestration/sent-notifications", sandbox.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["to"], "adele@example.com");
    assert_eq!(listed[0]["link"], sent[0].link.as_str());

    let pending = vo::data(
        &sandbox,
        &token,
        ASYNC_REQUEST,
        json!({"id": id}),
        "asyncIssuanceRequest",
    )
    .await;
    assert_eq!(pending["status"], "pending");
    assert_eq!(pending["isStatusFinal"], false);
    assert_eq!(pending["expiry"], "oneWeek");
    assert_eq!(pending["hasContactNotificationSet"], true);
    assert_eq!(pending["hasContactVerificationSet"], true);
    assert_eq!(pending["contact"]["notification"]["value"], "adele@example.com");
    assert_eq!(pending["communications"][0]["contactMethod"], "email");
    assert_eq!(pending["communications"][0]["purpose"], "issuance");
    assert_eq!(pending["identity"]["name"], "Adele Vance");
    assert!(pending["expiresOn"].as_str().unwrap() > pending["createdAt"].as_str().unwrap());

    // The issuee follows the link and the wallet takes the credential.
    let redeemed: Value = reqwest::get(&sent[0].link).await.unwrap().json().await.unwrap();
    assert_eq!(redeemed["status"], "issuanceRequested", "{redeemed}");
    let request_id = redeemed["requestId"].as_str().unwrap();
    wallet.open(redeemed["url"].as_str().unwrap()).await.unwrap();
    wallet.accept(request_id).await.unwrap();

    let issued = vo::data(
        &sandbox,
        &token,
        ASYNC_REQUEST,
        json!({"id": id}),
        "asyncIssuanceRequest",
    )
    .await;
    assert_eq!(issued["status"], "issued");
    assert_eq!(issued["isStatusFinal"], true);
    assert_eq!(issued["issuance"]["identityId"], vo::ADELE);
    assert_eq!(
        issued["hasContactNotificationSet"],
        Value::Null,
        "answered only while pending"
    );

    // A final request's link no longer issues.
    let gone = reqwest::get(&sent[0].link).await.unwrap();
    assert_eq!(gone.status(), 410);
}

#[tokio::test]
async fn remote_issuance_with_photo_capture_asks_for_the_photo_first() {
    let (sandbox, wallet, token) = setup().await;
    let request = json!({
        "contractId": vo::STAFF_ID,
        "identityId": vo::ALEX,
        "claims": {"given_name": "Alex", "family_name": "Wilber"},
        "contact": {"notification": {"method": "sms", "value": "+15005550109"}},
        "expiry": "oneDay",
        "photoCapture": true
    });
    let created = vo::data(
        &sandbox,
        &token,
        CREATE_ASYNC,
        json!({"request": [request]}),
        "createAsyncIssuanceRequest",
    )
    .await;
    let id = created["asyncIssuanceRequestIds"][0].as_str().unwrap().to_owned();
    let link = sandbox.orchestration_notifications()[0].link.clone();
    assert_eq!(sandbox.orchestration_notifications()[0].method, "sms");

    let first: Value = reqwest::get(&link).await.unwrap().json().await.unwrap();
    assert_eq!(first["status"], "photoCaptureRequired", "{first}");
    let capture_url = first["photoCaptureUrl"].as_str().unwrap();
    let jpeg = photos::jpeg(256, 256);
    assert_eq!(
        post_photo(capture_url, "image/jpeg", jpeg.clone()).await.status(),
        200
    );

    let redeemed: Value = reqwest::get(&link).await.unwrap().json().await.unwrap();
    assert_eq!(redeemed["status"], "issuanceRequested", "{redeemed}");
    let request_id = redeemed["requestId"].as_str().unwrap();
    assert_eq!(
        sandbox.received(request_id).unwrap()["claims"]["photo"],
        photos::base64url(&jpeg)
    );
    wallet.open(redeemed["url"].as_str().unwrap()).await.unwrap();
    wallet.accept(request_id).await.unwrap();
    let issued = vo::data(
        &sandbox,
        &token,
        ASYNC_REQUEST,
        json!({"id": id}),
        "asyncIssuanceRequest",
    )
    .await;
    assert_eq!(issued["status"], "issued");
}

#[tokio::test]
async fn remote_issuance_refuses_all_when_one_input_is_invalid() {
    let (sandbox, _wallet, token) = setup().await;
    let good = async_badge(
        vo::ADELE,
        json!({"notification": {"method": "email", "value": "adele@example.com"}}),
    );
    let bad_phone = async_badge(
        vo::ALEX,
        json!({"notification": {"method": "sms", "value": "0491 570 006"}}),
    );
    let photo_on_badge = with(async_badge(vo::MEGAN, json!(null)), json!({"photoCapture": true}));
    let answer = vo::data(
        &sandbox,
        &token,
        CREATE_ASYNC,
        json!({"request": [good, bad_phone, photo_on_badge]}),
        "createAsyncIssuanceRequest",
    )
    .await;
    assert_eq!(answer["__typename"], "AsyncIssuanceErrorResponse", "{answer}");
    let errors = answer["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 3);
    assert_eq!(errors[0], Value::Null);
    assert!(
        errors[1]
            .as_str()
            .unwrap()
            .starts_with("contact.notification.value:"),
        "{answer}"
    );
    assert!(
        errors[2].as_str().unwrap().starts_with("photoCapture:"),
        "{answer}"
    );
    assert!(
        sandbox.orchestration_notifications().is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn a_pending_remote_issuance_can_be_cancelled() {
    let (sandbox, _wallet, token) = setup().await;
    let created = vo::data(
        &sandbox,
        &token,
        CREATE_ASYNC,
        json!({"request": [async_badge(vo::ADELE, json!({"notification": {"method": "email", "value": "a@example.org"}}))]}),
        "createAsyncIssuanceRequest",
    )
    .await;
    let id = created["asyncIssuanceRequestIds"][0].as_str().unwrap().to_owned();
    let cancelled = vo::data(
        &sandbox,
        &token,
        "mutation($id: UUID!) { cancelAsyncIssuanceRequest(asyncIssuanceRequestId: $id) { status isStatusFinal } }",
        json!({"id": id}),
        "cancelAsyncIssuanceRequest",
    )
    .await;
    assert_eq!(cancelled, json!({"status": "cancelled", "isStatusFinal": true}));
    let link = sandbox.orchestration_notifications()[0].link.clone();
    assert_eq!(reqwest::get(&link).await.unwrap().status(), 410);
}
