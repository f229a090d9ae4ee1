//! Creating issuance requests, and each refusal: the request error union
//! naming the field, GraphQL errors for bad scalars, the size limit, and
//! Request Service failures passed on; the schema's names.

use serde_json::{json, Value};
use station_sandbox::{Endpoint, Fault, Sandbox};
use station_testkit::{orchestration as vo, photos};

use super::{assert_bad_field, setup, with};

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
