//! Identities (given inline, or saved) and photo capture: the page a
//! phone posts the photo to, which serves exactly one issuance.

use serde_json::{json, Value};
use station_sandbox::Sandbox;
use station_testkit::orchestration::ISSUANCE_EVENT;
use station_testkit::{orchestration as vo, photos};

use super::{assert_bad_field, post_photo, setup, with};

#[tokio::test]
async fn an_identity_given_inline_is_created_then_reused() {
    let (sandbox, wallet, token) = setup().await;
    let identity = json!({"issuer": "https://idp.example", "identifier": "lee.gu", "name": "Lee Gu"});
    let request = with(
        vo::badge_request(),
        json!({"identityId": null, "identity": identity}),
    );
    let (first, url) = vo::issue(&sandbox, &token, request.clone()).await;
    let (second, _) = vo::issue(&sandbox, &token, request).await;
    let first_id = sandbox.received(&first).unwrap()["claims"]["identityId"].clone();
    assert_eq!(
        first_id,
        sandbox.received(&second).unwrap()["claims"]["identityId"]
    );
    assert_eq!(sandbox.received(&first).unwrap()["claims"]["name"], "Lee Gu");
    let identities = vo::data(
        &sandbox,
        &token,
        "{ identities { id name } }",
        json!({}),
        "identities",
    )
    .await;
    assert!(identities
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["id"] == first_id && i["name"] == "Lee Gu"));
    wallet.open(&url).await.unwrap();
}

const SAVE_IDENTITY: &str = r#"
mutation SaveIdentity($input: IdentityInput!) {
  saveIdentity(input: $input) { id issuer identifier name }
}"#;

#[tokio::test]
async fn save_identity_creates_then_updates_by_issuer_and_identifier() {
    let (sandbox, _wallet, token) = setup().await;
    let save = |name: &'static str| {
        let (sandbox, token) = (&sandbox, &token);
        async move {
            let input = json!({"issuer": "https://desk.example", "identifier": "walk-in-7", "name": name});
            vo::data(
                sandbox,
                token,
                SAVE_IDENTITY,
                json!({"input": input}),
                "saveIdentity",
            )
            .await
        }
    };
    let created = save("Lee Gu").await;
    let updated = save("Lee Gu-Park").await;
    assert_eq!(
        created["id"], updated["id"],
        "the same issuer and identifier is the same identity"
    );
    assert_eq!(updated["name"], "Lee Gu-Park");

    // The saved identity can be named by id, as a photo capture needs.
    let capture = vo::data(
        &sandbox,
        &token,
        CREATE_CAPTURE,
        json!({"request": {"contractId": vo::STAFF_ID, "identityId": created["id"]}}),
        "createPhotoCaptureRequest",
    )
    .await;
    assert!(capture["id"].is_string(), "{capture}");

    let refused = vo::graphql(
        &sandbox,
        Some(&token),
        SAVE_IDENTITY,
        json!({"input": {"issuer": "i", "identifier": " ", "name": "n"}}),
    )
    .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{refused}"
    );
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("identifier"),
        "{refused}"
    );
}

#[tokio::test]
async fn the_simulated_phone_completes_a_capture_once() {
    let (sandbox, wallet, token) = setup().await;
    let capture = vo::data(
        &sandbox,
        &token,
        CREATE_CAPTURE,
        json!({"request": {"contractId": vo::STAFF_ID, "identityId": vo::MEGAN}}),
        "createPhotoCaptureRequest",
    )
    .await;
    let id = capture["id"].as_str().unwrap();
    let page = capture["photoCaptureUrl"].as_str().unwrap();
    wallet.take_phone_photo(page).await.unwrap();
    assert_eq!(capture_status(&sandbox, &token, id).await, "complete");

    // Used by an issuance, the page is gone, and the phone says so.
    let request = with(vo::staff_request(), json!({"photoCaptureRequestId": id}));
    vo::issue(&sandbox, &token, request).await;
    let refused = wallet.take_phone_photo(page).await.unwrap_err();
    assert!(refused.to_string().contains("not valid any more"), "{refused}");
}

const CREATE_CAPTURE: &str = r#"
mutation CreatePhotoCaptureRequest($request: PhotoCaptureRequest!) {
  createPhotoCaptureRequest(request: $request) { id photoCaptureUrl photoCaptureQrCode }
}"#;

const CAPTURE_STATUS: &str = r#"
query PhotoCaptureStatus($photoCaptureRequestId: UUID!) {
  photoCaptureStatus(photoCaptureRequestId: $photoCaptureRequestId) { status }
}"#;

async fn capture_status(sandbox: &Sandbox, token: &str, id: &str) -> Value {
    vo::data(
        sandbox,
        token,
        CAPTURE_STATUS,
        json!({"photoCaptureRequestId": id}),
        "photoCaptureStatus",
    )
    .await["status"]
        .clone()
}

#[tokio::test]
async fn a_photo_capture_serves_exactly_one_issuance() {
    let (sandbox, wallet, token) = setup().await;
    let capture = vo::data(
        &sandbox,
        &token,
        CREATE_CAPTURE,
        json!({"request": {"contractId": vo::STAFF_ID, "identityId": vo::MEGAN}}),
        "createPhotoCaptureRequest",
    )
    .await;
    let id = capture["id"].as_str().unwrap().to_owned();
    let capture_url = capture["photoCaptureUrl"].as_str().unwrap().to_owned();
    assert_eq!(
        capture_url,
        format!("{}/orchestration/photo-capture/{id}", sandbox.base_url())
    );
    assert!(capture["photoCaptureQrCode"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    assert_eq!(capture_status(&sandbox, &token, &id).await, "not_started");

    let mut events = vo::subscribe(
        &sandbox,
        &token,
        "subscription($id: UUID!) { photoCaptureEvent(photoCaptureRequestId: $id) { status } }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(
        events.next().await["data"]["photoCaptureEvent"]["status"],
        "not_started"
    );

    // An issuance before the photo is taken is refused.
    let early = vo::create_issuance(
        &sandbox,
        &token,
        with(vo::staff_request(), json!({"photoCaptureRequestId": id})),
    )
    .await;
    assert_bad_field(&early, "photoCaptureRequestId");

    // The phone opens the link, then sends the photo.
    let page = reqwest::get(&capture_url).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<input"));
    assert_eq!(
        events.next().await["data"]["photoCaptureEvent"]["status"],
        "started"
    );
    assert_eq!(capture_status(&sandbox, &token, &id).await, "started");

    let refused = post_photo(&capture_url, "image/png", photos::jpeg(300, 300)).await;
    assert_eq!(refused.status(), 415);
    let refused = post_photo(&capture_url, "image/jpeg", photos::jpeg(120, 120)).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(capture_status(&sandbox, &token, &id).await, "started");

    let jpeg = photos::jpeg(320, 400);
    let taken = post_photo(&capture_url, "image/jpeg", jpeg.clone()).await;
    assert_eq!(taken.status(), 200);
    assert_eq!(
        events.next().await["data"]["photoCaptureEvent"]["status"],
        "complete"
    );
    assert_eq!(capture_status(&sandbox, &token, &id).await, "complete");

    // A capture is for one contract and one identity.
    let other_identity = vo::create_issuance(
        &sandbox,
        &token,
        with(
            vo::staff_request(),
            json!({"photoCaptureRequestId": id, "identityId": vo::ALEX}),
        ),
    )
    .await;
    assert_bad_field(&other_identity, "photoCaptureRequestId");

    let (request_id, url) = vo::issue(
        &sandbox,
        &token,
        with(vo::staff_request(), json!({"photoCaptureRequestId": id})),
    )
    .await;
    assert_eq!(
        sandbox.received(&request_id).unwrap()["claims"]["photo"],
        photos::base64url(&jpeg)
    );
    let mut issued = vo::subscribe(
        &sandbox,
        &token,
        ISSUANCE_EVENT,
        json!({"where": {"requestId": request_id}}),
    )
    .await;
    wallet.open(&url).await.unwrap();
    wallet.accept(&request_id).await.unwrap();
    issued.next().await;
    let success = &issued.next().await["data"]["issuanceEvent"];
    assert_eq!(success["issuance"]["hasFaceCheckPhoto"], true);

    // Used once, then gone.
    let again = vo::create_issuance(
        &sandbox,
        &token,
        with(vo::staff_request(), json!({"photoCaptureRequestId": id})),
    )
    .await;
    assert_bad_field(&again, "photoCaptureRequestId");
    let status = vo::graphql(
        &sandbox,
        Some(&token),
        CAPTURE_STATUS,
        json!({"photoCaptureRequestId": id}),
    )
    .await;
    assert_eq!(status["errors"][0]["message"], "Photo capture request not found");
    assert_eq!(reqwest::get(&capture_url).await.unwrap().status(), 404);
}

#[tokio::test]
async fn a_photo_capture_needs_a_known_contract_and_identity() {
    let (sandbox, _wallet, token) = setup().await;
    for request in [
        json!({"contractId": vo::NO_SUCH_CONTRACT, "identityId": vo::MEGAN}),
        json!({"contractId": vo::STAFF_ID, "identityId": vo::NOBODY}),
        json!({"contractId": vo::STAFF_ID}),
    ] {
        let body = vo::graphql(
            &sandbox,
            Some(&token),
            CREATE_CAPTURE,
            json!({"request": request}),
        )
        .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{body}"
        );
    }
}
