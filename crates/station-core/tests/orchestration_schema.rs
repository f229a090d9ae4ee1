//! Every GraphQL document the station sends to Verified Orchestration,
//! validated against the schema the sandbox serves, which follows the real
//! service's: a field that does not exist, a missing selection, or a
//! variable typed `ID!` where the schema says `UUID!` fails here instead of
//! at a desk. Each is checked with variables shaped as the station sends
//! them, so a value of the wrong shape (a name where a UUID belongs) fails
//! too.

use serde_json::{json, Value};
use station_core::provider::orchestration::operations;
use station_sandbox::Sandbox;

/// Variables as the station sends them for each operation.
fn representative_variables(name: &str) -> Value {
    let identity = json!({"issuer": "Issuance Station", "identifier": "3f2b8c1e-0d6a-4f4e-9a57-2f1f3d9b7c10", "name": "Megan Bowen"});
    let claims = json!({"given_name": "Megan", "family_name": "Bowen", "company": "Contoso"});
    let capture_id = "3eca057d-794c-4fdd-811f-b8a03a4f8567";
    let request_id = "6a1f8f0e-5b4c-4a39-9a8e-0c1d2e3f4a5b";
    match name {
        "CreateIssuanceRequest" => json!({"request": {
            "contractId": Sandbox::ORCHESTRATION_EVENT_BADGE,
            "identity": identity,
            "claims": claims,
            "pin": {"value": "123456", "length": 6},
            "callback": {"url": "https://desk.example/callback", "state": "s-1", "headers": {"api-key": "k"}},
            "includeQRCode": false,
        }}),
        "IssuanceEvent" => json!({"requestId": request_id}),
        "FindIssuances" => json!({"where": {"requestId": request_id}}),
        "SaveIdentity" => json!({"input": identity}),
        "CreatePhotoCaptureRequest" => json!({"request": {
            "contractId": Sandbox::ORCHESTRATION_STAFF_ID,
            "identityId": Sandbox::ORCHESTRATION_MEGAN,
        }}),
        "PhotoCaptureStatus" => json!({"photoCaptureRequestId": capture_id}),
        "CreateAsyncIssuanceRequest" => json!({"request": [{
            "contractId": Sandbox::ORCHESTRATION_EVENT_BADGE,
            "identity": identity,
            "claims": claims,
            "contact": {"notification": {"method": "email", "value": "megan@example.org"}},
            "expiry": "oneWeek",
        }]}),
        "AsyncIssuanceRequest" => json!({"id": request_id}),
        // A later page: the first is asked for without an offset.
        "FindAsyncIssuanceRequests" => json!({
            "where": {
                "contractId": Sandbox::ORCHESTRATION_EVENT_BADGE,
                "createdFrom": "2026-12-02T03:04:05Z",
                "createdTo": "2026-12-02T03:09:05Z",
            },
            "offset": 100,
            "limit": 100,
        }),
        other => panic!("no representative variables for {other}: add them here"),
    }
}

#[tokio::test]
async fn every_document_the_station_sends_is_valid_against_the_service_schema() {
    let mut refused = Vec::new();
    for (name, document) in operations() {
        let errors = Sandbox::validate_orchestration(document, representative_variables(name)).await;
        if !errors.is_empty() {
            refused.push(format!("{name}: {}", errors.join("; ")));
        }
    }
    assert!(
        refused.is_empty(),
        "refused by the schema:\n{}",
        refused.join("\n")
    );
}

/// The check itself: what the real service refuses is refused here too,
/// so a pass above means something.
#[tokio::test]
async fn the_schema_refuses_what_the_real_service_refuses() {
    let cases = [
        (
            "an ID! variable where the argument is UUID!",
            "query Q($id: ID!) { asyncIssuanceRequest(id: $id) { id } }",
            json!({"id": "6a1f8f0e-5b4c-4a39-9a8e-0c1d2e3f4a5b"}),
        ),
        (
            "photoCaptureStatus without its { status } selection",
            "query Q($photoCaptureRequestId: UUID!) { photoCaptureStatus(photoCaptureRequestId: $photoCaptureRequestId) }",
            json!({"photoCaptureRequestId": "3eca057d-794c-4fdd-811f-b8a03a4f8567"}),
        ),
        (
            "an ID! request id in issuanceEvent",
            "subscription S($requestId: ID!) { issuanceEvent(where: { requestId: $requestId }) { event { requestStatus } } }",
            json!({"requestId": "6a1f8f0e-5b4c-4a39-9a8e-0c1d2e3f4a5b"}),
        ),
        (
            "a contract name where its UUID belongs",
            "mutation M($request: PhotoCaptureRequest!) { createPhotoCaptureRequest(request: $request) { id } }",
            json!({"request": {"contractId": "EventBadge", "identityId": Sandbox::ORCHESTRATION_MEGAN}}),
        ),
    ];
    for (what, document, variables) in cases {
        let errors = Sandbox::validate_orchestration(document, variables).await;
        assert!(!errors.is_empty(), "{what} was accepted");
    }
}

#[test]
fn the_station_lists_every_document_once() {
    let names: std::collections::BTreeSet<&str> = operations().iter().map(|(name, _)| *name).collect();
    assert_eq!(names.len(), operations().len(), "a name listed twice");
    for (name, document) in operations() {
        assert!(
            document.contains(&format!(" {name}(")) || document.contains(&format!(" {name} ")),
            "{name} is the operation's own name: {document}"
        );
    }
}
