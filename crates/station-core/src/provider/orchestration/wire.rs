//! Verified Orchestration's GraphQL documents and shapes (seed 000), with
//! exactly the documented names. Where the seed's examples simplify the
//! schema, the documents follow the schema a real instance serves: ids are
//! `UUID!`, not the seed's `ID!`, which that schema refuses.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub const CREATE_ISSUANCE: &str = "mutation CreateIssuanceRequest($request: IssuanceRequestInput!) {
  createIssuanceRequest(request: $request) {
    __typename
    ... on IssuanceResponse { requestId url expiry }
    ... on RequestErrorResponse { error { code message innererror { code message target } } }
  }
}";

pub const ISSUANCE_EVENT: &str = "subscription IssuanceEvent($requestId: UUID!) {
  issuanceEvent(where: { requestId: $requestId }) {
    event { requestId requestStatus state error { code message } }
  }
}";

/// `IssuanceRequestInput`: a photo goes as `faceCheckPhoto` (a JPEG data
/// URL) or as a `photoCaptureRequestId`, never both.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuanceRequestInput<'a> {
    pub contract_id: &'a str,
    /// Exactly one of `identity_id` and `identity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity<'a>>,
    pub claims: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pin: Option<PinInput<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback: Option<CallbackInput<'a>>,
    #[serde(rename = "includeQRCode")]
    pub include_qr_code: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub face_check_photo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo_capture_request_id: Option<&'a str>,
}

/// The recipient, when the station has no identity id for them.
#[derive(Serialize)]
pub struct Identity<'a> {
    pub issuer: &'a str,
    pub identifier: &'a str,
    pub name: &'a str,
}

#[derive(Serialize)]
pub struct PinInput<'a> {
    pub value: &'a str,
    pub length: u8,
}

#[derive(Serialize)]
pub struct CallbackInput<'a> {
    pub url: &'a str,
    pub state: &'a str,
    pub headers: BTreeMap<&'static str, &'a str>,
}

#[derive(Deserialize)]
pub struct GraphqlResponse<T> {
    pub data: Option<T>,
    #[serde(default)]
    pub errors: Vec<GraphqlError>,
}

#[derive(Deserialize)]
pub struct GraphqlError {
    pub message: String,
    #[serde(default)]
    pub extensions: Option<serde_json::Value>,
}

impl GraphqlError {
    pub fn code(&self) -> Option<&str> {
        self.extensions.as_ref()?.get("code")?.as_str()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateIssuanceData {
    pub create_issuance_request: IssuanceRequestResponse,
}

/// The mutation's union result.
#[derive(Deserialize)]
#[serde(tag = "__typename")]
pub enum IssuanceRequestResponse {
    #[serde(rename_all = "camelCase")]
    IssuanceResponse {
        request_id: String,
        url: String,
        expiry: i64,
    },
    RequestErrorResponse {
        error: RequestError,
    },
}

#[derive(Deserialize)]
pub struct RequestError {
    pub code: String,
    pub message: String,
    pub innererror: Option<InnerError>,
}

#[derive(Deserialize)]
pub struct InnerError {
    pub code: Option<String>,
    pub target: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuanceEventData {
    pub issuance_event: IssuanceEventPayload,
}

#[derive(Deserialize)]
pub struct IssuanceEventPayload {
    /// Entra's callback body, as Verified Orchestration relays it.
    pub event: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented example variables (seed 000), as the station would
    /// send them: same names, same nesting.
    #[test]
    fn the_request_matches_the_documented_example_field_by_field() {
        let claims = BTreeMap::from([("given_name".to_owned(), "Megan".to_owned())]);
        let input = IssuanceRequestInput {
            contract_id: "contract-1",
            identity_id: None,
            identity: Some(Identity {
                issuer: "Issuance Station",
                identifier: "id-1",
                name: "Megan",
            }),
            claims: &claims,
            pin: Some(PinInput {
                value: "1234",
                length: 4,
            }),
            callback: Some(CallbackInput {
                url: "https://desk.example/callback",
                state: "s-1",
                headers: BTreeMap::from([("api-key", "k")]),
            }),
            include_qr_code: false,
            face_check_photo: Some("data:image/jpeg;base64,/9j/".into()),
            photo_capture_request_id: None,
        };
        let sent = serde_json::to_value(&input).unwrap();
        let documented = serde_json::json!({
            "contractId": "<id of the contract to be issued>",
            "includeQRCode": true,
            "callback": { "headers": { "Authorization": "x" }, "url": "u", "state": "s" },
            "pin": { "value": "1234", "length": 4 },
        });
        for (field, example) in documented.as_object().unwrap() {
            let ours = &sent[field];
            assert!(!ours.is_null(), "{field} is sent");
            if let Some(object) = example.as_object() {
                for key in object.keys().filter(|k| *k != "Authorization") {
                    assert!(!ours[key].is_null(), "{field}.{key} is sent");
                }
            }
        }
        assert_eq!(sent["callback"]["headers"]["api-key"], "k");
        assert_eq!(sent["identity"]["identifier"], "id-1");
        assert!(sent.get("identityId").is_none(), "never both identity sources");
        assert!(
            sent.get("photoCaptureRequestId").is_none(),
            "never both photo sources"
        );
        assert!(sent["faceCheckPhoto"]
            .as_str()
            .unwrap()
            .starts_with("data:image/jpeg;base64,"));
    }

    #[test]
    fn both_halves_of_the_result_union_are_read() {
        let created: GraphqlResponse<CreateIssuanceData> = serde_json::from_str(
            r#"{"data":{"createIssuanceRequest":{"__typename":"IssuanceResponse","requestId":"r-1","url":"openid-vc://?request_uri=https://x/r-1","expiry":1695285131}}}"#,
        )
        .unwrap();
        assert!(matches!(
            created.data.unwrap().create_issuance_request,
            IssuanceRequestResponse::IssuanceResponse {
                expiry: 1695285131,
                ..
            }
        ));
        let refused: GraphqlResponse<CreateIssuanceData> = serde_json::from_str(
            r#"{"data":{"createIssuanceRequest":{"__typename":"RequestErrorResponse","error":{"code":"badRequest","message":"bad pin","innererror":{"code":"badOrMissingField","message":"m","target":"pin.value"}}}}}"#,
        )
        .unwrap();
        let IssuanceRequestResponse::RequestErrorResponse { error } =
            refused.data.unwrap().create_issuance_request
        else {
            panic!("an error")
        };
        assert_eq!(error.innererror.unwrap().target.as_deref(), Some("pin.value"));
    }
}
