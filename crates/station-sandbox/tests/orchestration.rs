//! The Verified Orchestration emulation over real HTTP and WebSocket:
//! creating requests and each refusal, events over graphql-transport-ws
//! while the simulated wallet acts, photo capture, remote issuance and auth.

use serde_json::{json, Value};
use station_sandbox::{Endpoint, Fault, Sandbox, WalletClient, CURRENT_SCOPE};
use station_testkit::callbacks::Receiver;
use station_testkit::orchestration::{self as vo, EVENT_WAIT, ISSUANCE_EVENT};
use station_testkit::photos;
use station_testkit::sandbox;

async fn setup() -> (Sandbox, WalletClient, String) {
    let sandbox = sandbox::start().await;
    let wallet = WalletClient::new(&sandbox.base_url());
    let token = vo::token(&sandbox).await;
    (sandbox, wallet, token)
}

fn with(mut request: Value, changes: Value) -> Value {
    if let (Some(request), Some(changes)) = (request.as_object_mut(), changes.as_object()) {
        for (key, value) in changes {
            request.insert(key.clone(), value.clone());
        }
    }
    request
}

fn assert_bad_field(answer: &Value, target: &str) {
    assert_eq!(answer["__typename"], "RequestErrorResponse", "{answer}");
    assert_eq!(answer["error"]["code"], "badRequest", "{answer}");
    assert_eq!(
        answer["error"]["innererror"]["code"], "badOrMissingField",
        "{answer}"
    );
    assert_eq!(answer["error"]["innererror"]["target"], target, "{answer}");
    assert!(answer["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(answer["requestId"].as_str().is_some_and(|id| !id.is_empty()));
}

#[tokio::test]
async fn creates_an_issuance_request_through_the_request_service() {
    let (sandbox, wallet, token) = setup().await;
    let request = with(
        vo::badge_request(),
        json!({"postIssuanceRedirectUrl": "https://example.com/done", "pin": {"value": "4821", "length": 4}}),
    );
    let created = vo::create_issuance(&sandbox, &token, request).await;
    assert_eq!(created["__typename"], "IssuanceResponse", "{created}");
    let request_id = created["requestId"].as_str().unwrap();
    let url = created["url"].as_str().unwrap();
    assert!(url.starts_with("openid-vc://?request_uri="), "{url}");
    assert!(created["qrCode"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now..=now + 301).contains(&created["expiry"].as_i64().unwrap()));
    assert_eq!(created["postIssuanceRedirectUrl"], "https://example.com/done");

    // What VO sent the Request Service: the contract's type, the caller's
    // claims plus VO's standard ones, the PIN, and VO's own callback.
    let sent = sandbox
        .received(request_id)
        .expect("the Request Service got the request");
    assert_eq!(sent["type"], "EventBadge");
    assert_eq!(sent["claims"]["company"], "Contoso");
    assert_eq!(sent["claims"]["name"], "Megan Bowen");
    assert_eq!(sent["claims"]["identityId"], vo::MEGAN);
    assert!(sent["claims"]["issuanceId"]
        .as_str()
        .is_some_and(|id| !id.is_empty()));
    assert_eq!(sent["pin"], json!({"value": "4821", "length": 4}));
    assert!(sent["callback"]["url"]
        .as_str()
        .unwrap()
        .ends_with("/orchestration/entra-callback"));

    // The simulated wallet opens it like any other request.
    let opened = wallet.open(url).await.unwrap();
    assert_eq!(opened.request_id, request_id);
    assert_eq!(opened.credential_type, "EventBadge");
    assert_eq!(opened.pin_length, Some(4));
    assert_eq!(
        opened.callback_status,
        Some(204),
        "VO took the event; nothing to forward to"
    );

    // includeQRCode: false leaves the QR code out.
    let created = vo::create_issuance(
        &sandbox,
        &token,
        with(vo::badge_request(), json!({"includeQRCode": false})),
    )
    .await;
    assert_eq!(created["qrCode"], Value::Null, "{created}");
}

#[tokio::test]
async fn each_rule_is_refused_with_a_request_error_naming_the_field() {
    let (sandbox, _wallet, token) = setup().await;
    let photo = photos::data_url(&photos::jpeg(240, 240));
    let cases: Vec<(Value, &str)> = vec![
        (
            with(vo::badge_request(), json!({"contractId": vo::NO_SUCH_CONTRACT})),
            "contractId",
        ),
        (
            with(
                vo::badge_request(),
                json!({"identity": {"issuer": "https://idp.example", "identifier": "x", "name": "X"}}),
            ),
            "identityId",
        ),
        (
            with(vo::badge_request(), json!({"identityId": null})),
            "identityId",
        ),
        (
            with(vo::badge_request(), json!({"identityId": vo::NOBODY})),
            "identityId",
        ),
        (
            with(
                vo::badge_request(),
                json!({"identityId": null, "identity": {"issuer": "", "identifier": "x", "name": "X"}}),
            ),
            "identity.issuer",
        ),
        (
            with(
                vo::badge_request(),
                json!({"claims": {"given_name": "Megan", "family_name": "Bowen"}}),
            ),
            "claims.company",
        ),
        (
            with(
                vo::badge_request(),
                json!({"claims": {"given_name": "M", "family_name": "B", "company": "C", "shoe_size": "9"}}),
            ),
            "claims.shoe_size",
        ),
        (
            with(
                vo::badge_request(),
                json!({"claims": {"given_name": "M", "family_name": "B", "company": 7}}),
            ),
            "claims.company",
        ),
        (
            with(
                vo::badge_request(),
                json!({"pin": {"value": "12a4", "length": 4}}),
            ),
            "pin.value",
        ),
        (
            with(vo::badge_request(), json!({"pin": {"value": "123", "length": 3}})),
            "pin.length",
        ),
        (
            with(
                vo::badge_request(),
                json!({"pin": {"value": "12345", "length": 4}}),
            ),
            "pin.value",
        ),
        (
            with(
                vo::badge_request(),
                json!({"pin": {"value": "12345678901234567", "length": 17}}),
            ),
            "pin.length",
        ),
        (
            with(vo::badge_request(), json!({"faceCheckPhoto": photo})),
            "faceCheckPhoto",
        ),
        (
            with(
                vo::badge_request(),
                json!({"photoCaptureRequestId": "00000000-0000-4000-8000-000000000000"}),
            ),
            "photoCaptureRequestId",
        ),
        (vo::staff_request(), "faceCheckPhoto"),
        (
            with(
                vo::staff_request(),
                json!({"faceCheckPhoto": photo, "photoCaptureRequestId": "00000000-0000-4000-8000-000000000000"}),
            ),
            "faceCheckPhoto",
        ),
        (
            with(
                vo::staff_request(),
                json!({"faceCheckPhoto": "data:image/png;base64,iVBORw0KGgo="}),
            ),
            "faceCheckPhoto",
        ),
        (
            with(
                vo::staff_request(),
                json!({"faceCheckPhoto": photos::data_url(b"not a jpeg at all")}),
            ),
            "faceCheckPhoto",
        ),
        (
            with(
                vo::staff_request(),
                json!({"faceCheckPhoto": photos::data_url(&photos::jpeg(199, 400))}),
            ),
            "faceCheckPhoto",
        ),
        (
            with(
                vo::staff_request(),
                json!({"photoCaptureRequestId": "00000000-0000-4000-8000-000000000000"}),
            ),
            "photoCaptureRequestId",
        ),
        (
            with(
                vo::badge_request(),
                json!({"callback": {"url": "https://example.com/cb", "state": "s", "headers": {"x-secret": "1"}}}),
            ),
            "callback.headers",
        ),
        (
            with(
                vo::badge_request(),
                json!({"callback": {"url": "ftp://example.com/cb", "state": "s"}}),
            ),
            "callback.url",
        ),
    ];
    for (request, target) in cases {
        let answer = vo::create_issuance(&sandbox, &token, request.clone()).await;
        assert_bad_field(&answer, target);
    }
    assert!(
        sandbox.received_requests().is_empty(),
        "no refused request reached the Request Service"
    );
}

#[tokio::test]
async fn invalid_scalars_are_graphql_errors() {
    let (sandbox, _wallet, token) = setup().await;
    for changes in [
        json!({"expirationDate": "next tuesday"}),
        json!({"claims": ["not", "an", "object"]}),
        json!({"callback": {"url": "not a url"}}),
        // VO's ids are UUIDs: anything else is refused before anything runs.
        json!({"photoCaptureRequestId": "not-a-uuid"}),
        json!({"contractId": "EventBadge"}),
        json!({"identityId": "identity-megan"}),
    ] {
        let body = vo::graphql(
            &sandbox,
            Some(&token),
            vo::CREATE_ISSUANCE,
            json!({"request": with(vo::badge_request(), changes.clone())}),
        )
        .await;
        assert!(body["errors"][0]["message"].is_string(), "{changes}: {body}");
    }
}

#[tokio::test]
async fn a_payload_over_a_megabyte_is_too_large() {
    let (sandbox, _wallet, token) = setup().await;
    // Trailing bytes after a JPEG's end are ignored by decoders, so this is
    // still a valid photo, just a very large one.
    let mut photo = photos::jpeg(300, 300);
    photo.resize(photo.len() + 1_100_000, 0);
    let answer = vo::create_issuance(
        &sandbox,
        &token,
        with(
            vo::staff_request(),
            json!({"faceCheckPhoto": photos::data_url(&photo)}),
        ),
    )
    .await;
    assert_eq!(answer["__typename"], "RequestErrorResponse", "{answer}");
    assert_eq!(answer["error"]["code"], "payloadTooLarge");
}

#[tokio::test]
async fn request_service_failures_are_passed_on() {
    let (sandbox, _wallet, token) = setup().await;
    sandbox.inject_faults(Endpoint::CreateIssuance, vec![Fault::too_many_requests(7)]);
    let answer = vo::create_issuance(&sandbox, &token, vo::badge_request()).await;
    assert_eq!(answer["__typename"], "RequestErrorResponse", "{answer}");
    assert_eq!(answer["error"]["code"], "tooManyRequests");
    assert!(
        answer["date"].as_str().unwrap().ends_with('Z'),
        "ISO-8601: {answer}"
    );
    // The next call goes through.
    vo::issue(&sandbox, &token, vo::badge_request()).await;
}

#[tokio::test]
async fn the_face_check_photo_becomes_a_base64url_photo_claim() {
    let (sandbox, wallet, token) = setup().await;
    let jpeg = photos::jpeg(240, 320);
    let (request_id, url) = vo::issue(
        &sandbox,
        &token,
        with(
            vo::staff_request(),
            json!({"faceCheckPhoto": photos::data_url(&jpeg)}),
        ),
    )
    .await;
    let sent = sandbox.received(&request_id).unwrap();
    assert_eq!(sent["claims"]["photo"], photos::base64url(&jpeg));
    wallet.open(&url).await.unwrap();
    wallet.accept(&request_id).await.unwrap();
    let held = wallet.credentials().await.unwrap();
    assert_eq!(held[0].claims["photo"], photos::base64url(&jpeg));
    assert!(held[0].types.contains(&"StaffId".to_owned()));
}

#[tokio::test]
async fn subscribers_and_the_callback_see_retrieved_then_successful() {
    let (sandbox, wallet, token) = setup().await;
    let receiver = Receiver::start().await;
    let request = with(
        vo::badge_request(),
        json!({"callback": {"url": receiver.url, "state": "desk-7", "headers": {"api-key": "station-key"}}}),
    );
    let (request_id, url) = vo::issue(&sandbox, &token, request).await;
    let mut events = vo::subscribe(
        &sandbox,
        &token,
        ISSUANCE_EVENT,
        json!({"where": {"requestId": request_id}}),
    )
    .await;

    let opened = wallet.open(&url).await.unwrap();
    assert_eq!(
        opened.callback_status,
        Some(204),
        "forwarded to the station's callback"
    );
    let retrieved = events.next().await;
    assert_eq!(
        retrieved["data"]["issuanceEvent"],
        json!({
            "event": {"requestId": request_id, "requestStatus": "request_retrieved", "state": "desk-7", "error": null},
            "issuance": null
        })
    );

    wallet.accept(&request_id).await.unwrap();
    let successful = &events.next().await["data"]["issuanceEvent"];
    assert_eq!(successful["event"]["requestStatus"], "issuance_successful");
    assert_eq!(successful["event"]["error"], Value::Null);
    let issuance = &successful["issuance"];
    assert_eq!(issuance["contractId"], vo::EVENT_BADGE);
    assert_eq!(issuance["identityId"], vo::MEGAN);
    assert_eq!(
        issuance["hasFaceCheckPhoto"],
        Value::Null,
        "the contract has no face check"
    );
    assert!(issuance["issuedAt"].as_str().unwrap().ends_with('Z'));
    let sent = sandbox.received(&request_id).unwrap();
    assert_eq!(issuance["id"], sent["claims"]["issuanceId"]);

    // The station's own callback got both, with its state and header.
    let delivered = receiver.received();
    assert_eq!(delivered.len(), 2);
    assert_eq!(delivered[0].headers["api-key"], "station-key");
    assert_eq!(
        delivered[0].body,
        json!({"requestId": request_id, "requestStatus": "request_retrieved", "state": "desk-7"})
    );
    assert_eq!(delivered[1].body["requestStatus"], "issuance_successful");
}

#[tokio::test]
async fn a_wrong_pin_is_an_issuance_error_event() {
    let (sandbox, wallet, token) = setup().await;
    let receiver = Receiver::start().await;
    let request = with(
        vo::badge_request(),
        json!({"pin": {"value": "2468", "length": 4}, "callback": {"url": receiver.url, "state": "s1"}}),
    );
    let (request_id, url) = vo::issue(&sandbox, &token, request).await;
    let mut events = vo::subscribe(
        &sandbox,
        &token,
        ISSUANCE_EVENT,
        json!({"where": {"requestId": request_id}}),
    )
    .await;
    wallet.open(&url).await.unwrap();
    assert_eq!(
        events.next().await["data"]["issuanceEvent"]["event"]["requestStatus"],
        "request_retrieved"
    );
    let outcome = wallet.enter_pin(&request_id, "1111").await.unwrap();
    assert!(!outcome.accepted);
    let failed = &events.next().await["data"]["issuanceEvent"];
    assert_eq!(
        failed["event"],
        json!({
            "requestId": request_id,
            "requestStatus": "issuance_error",
            "state": "s1",
            "error": {"code": "badOrMissingField", "message": "issuance_service_error"}
        })
    );
    assert_eq!(failed["issuance"], Value::Null);
    assert_eq!(
        receiver.last().body["error"],
        json!({"code": "badOrMissingField", "message": "issuance_service_error"})
    );
}

#[tokio::test]
async fn subscriptions_filter_by_contract_identity_and_status() {
    let (sandbox, wallet, token) = setup().await;
    let mut successes = vo::subscribe(
        &sandbox,
        &token,
        ISSUANCE_EVENT,
        json!({"where": {"contractId": vo::EVENT_BADGE, "identityId": vo::ADELE, "status": "issuance_successful"}}),
    )
    .await;
    // Megan's issuance and Adele's retrieval do not match; Adele's success does.
    let (megan, megan_url) = vo::issue(&sandbox, &token, vo::badge_request()).await;
    wallet.open(&megan_url).await.unwrap();
    wallet.accept(&megan).await.unwrap();
    let (adele, adele_url) = vo::issue(
        &sandbox,
        &token,
        with(vo::badge_request(), json!({"identityId": vo::ADELE})),
    )
    .await;
    wallet.open(&adele_url).await.unwrap();
    wallet.accept(&adele).await.unwrap();
    let event = &successes.next().await["data"]["issuanceEvent"];
    assert_eq!(event["event"]["requestId"], adele.as_str());
    assert_eq!(event["event"]["requestStatus"], "issuance_successful");
    assert_eq!(event["issuance"]["identityId"], vo::ADELE);

    // An open subscription does not hold up stopping the sandbox.
    tokio::time::timeout(std::time::Duration::from_secs(5), sandbox.shutdown())
        .await
        .expect("the sandbox stops promptly with a subscription open");
}

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

const FIND_ISSUANCES: &str = r#"
query FindIssuances($where: IssuanceWhere) {
  findIssuances(where: $where) { id contractId identity { id name } }
}"#;

#[tokio::test]
async fn find_issuances_finds_a_success_even_when_its_event_was_lost() {
    let (sandbox, wallet, token) = setup().await;
    let (request_id, url) = vo::issue(&sandbox, &token, vo::badge_request()).await;
    let find = |request_id: String| {
        let (sandbox, token) = (&sandbox, &token);
        async move {
            vo::data(
                sandbox,
                token,
                FIND_ISSUANCES,
                json!({"where": {"requestId": request_id}}),
                "findIssuances",
            )
            .await
        }
    };
    assert_eq!(find(request_id.clone()).await, json!([]), "nothing issued yet");

    let mut events = vo::subscribe(
        &sandbox,
        &token,
        ISSUANCE_EVENT,
        json!({"where": {"requestId": request_id}}),
    )
    .await;
    sandbox.lose_next_orchestration_success();
    wallet.open(&url).await.unwrap();
    assert_eq!(
        events.next().await["data"]["issuanceEvent"]["event"]["requestStatus"],
        "request_retrieved"
    );
    wallet.accept(&request_id).await.unwrap();

    let found = find(request_id.clone()).await;
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["contractId"], vo::EVENT_BADGE);
    assert_eq!(find(uuid::Uuid::new_v4().to_string()).await, json!([]));
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(300), events.next())
            .await
            .is_err(),
        "the lost success reached the subscription"
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

async fn post_photo(url: &str, content_type: &str, body: Vec<u8>) -> reqwest::Response {
    reqwest::Client::new()
        .post(url)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
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

#[tokio::test]
async fn callers_without_a_live_token_are_refused() {
    let (sandbox, _wallet, token) = setup().await;
    for bad in [None, Some("not-a-token")] {
        let body = vo::graphql(&sandbox, bad, "{ contracts { id } }", json!({})).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{body}"
        );
        assert!(body.get("data").is_none_or(Value::is_null), "{body}");
    }
    match vo::connect(&sandbox, "not-a-token").await {
        Err(graphql_ws_client::Error::Close(code, reason)) => {
            assert_eq!((code, reason.as_str()), (4403, "Forbidden"));
        }
        Err(other) => panic!("expected a 4403 close, got {other}"),
        Ok(_) => panic!("an invalid token was accepted"),
    }
    // The Request Service's own token works too: the sandbox does not record scopes.
    let entra_token = sandbox::token_for_scope(&sandbox, CURRENT_SCOPE).await;
    let contracts = vo::data(
        &sandbox,
        &entra_token,
        "{ contracts { id faceCheckSupport } }",
        json!({}),
        "contracts",
    )
    .await;
    assert_eq!(
        contracts,
        json!([{"id": vo::EVENT_BADGE, "faceCheckSupport": "none"}, {"id": vo::STAFF_ID, "faceCheckSupport": "required"}])
    );
    assert!(vo::connect(&sandbox, &token).await.is_ok());
}

#[tokio::test]
async fn the_legacy_graphql_ws_subprotocol_is_spoken_too() {
    use async_graphql::futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::http::HeaderValue;
    use tokio_tungstenite::tungstenite::Message;

    let (sandbox, _wallet, token) = setup().await;
    let mut request = sandbox.orchestration_ws_url().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("graphql-ws"));
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(response.headers()["sec-websocket-protocol"], "graphql-ws");
    let init = json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {token}")}});
    socket.send(Message::Text(init.to_string().into())).await.unwrap();
    let answer = tokio::time::timeout(EVENT_WAIT, socket.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let answer: Value = serde_json::from_str(answer.to_text().unwrap()).unwrap();
    assert_eq!(answer["type"], "connection_ack");
}

#[tokio::test]
async fn the_schema_keeps_verified_orchestrations_names() {
    let sdl = Sandbox::orchestration_sdl();
    if std::env::var_os("ORCHESTRATION_PRINT_SDL").is_some() {
        println!("{sdl}");
    }
    for expected in [
        "createIssuanceRequest(request: IssuanceRequestInput!): IssuanceRequestResponse!",
        "union IssuanceRequestResponse = IssuanceResponse | RequestErrorResponse",
        "issuanceEvent(where: IssuanceEventWhere): IssuanceEventData!",
        "includeQRCode: Boolean",
        "photoCaptureStatus(photoCaptureRequestId: UUID!): PhotoCaptureEventData!",
        "photoCaptureEvent(photoCaptureRequestId: UUID!): PhotoCaptureEventData!",
        "createAsyncIssuanceRequest(request: [AsyncIssuanceRequestInput!]!): AsyncIssuanceRequestResponse!",
        "scalar JSONObject",
        "scalar DateTime",
        "scalar URL",
        "scalar UUID",
    ] {
        assert!(sdl.contains(expected), "missing `{expected}` in:\n{sdl}");
    }
}
