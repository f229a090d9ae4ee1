//! The issuer's three metadata documents: credential issuer metadata
//! (OID4VCI 1.0 section 12.2), authorization server metadata (RFC 8414),
//! and SD-JWT VC issuer metadata with the key credentials are signed with.
//! Each credential configuration carries `credential_metadata`: that is
//! what tells wallet libraries the issuer speaks 1.0 rather than a draft.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Map, Value};

use super::definitions::{CredentialDefinition, CredentialFormat, DEFINITIONS};
use super::{Issuer, PRE_AUTHORIZED_CODE_GRANT};

pub(crate) async fn credential_issuer(State(issuer): State<Issuer>) -> Json<Value> {
    let configurations: Map<String, Value> = DEFINITIONS
        .iter()
        .map(|definition| (definition.id.to_owned(), configuration(definition)))
        .collect();
    Json(json!({
        "credential_issuer": issuer.url,
        "credential_endpoint": issuer.endpoint("credential"),
        "nonce_endpoint": issuer.endpoint("nonce"),
        "deferred_credential_endpoint": issuer.endpoint("deferred_credential"),
        "notification_endpoint": issuer.endpoint("notification"),
        "display": [{"name": "Issuance Station sandbox issuer", "locale": "en"}],
        "credential_configurations_supported": configurations,
    }))
}

fn configuration(definition: &CredentialDefinition) -> Value {
    let jwt_vc = definition.format == CredentialFormat::JwtVcJson;
    let claims: Vec<Value> = definition
        .claims
        .iter()
        .map(|claim| {
            // A JWT VC's claims sit under `credentialSubject`.
            let path = if jwt_vc {
                json!(["credentialSubject", claim.name])
            } else {
                json!([claim.name])
            };
            json!({
                "path": path,
                "mandatory": claim.mandatory,
                "display": [{"name": claim.label, "locale": "en"}],
            })
        })
        .collect();
    let mut configuration = json!({
        "format": definition.format.as_str(),
        "cryptographic_binding_methods_supported": ["jwk"],
        "credential_signing_alg_values_supported": ["ES256"],
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256"]}},
        "credential_metadata": {
            "display": [{
                "name": definition.name,
                "locale": "en",
                "description": definition.description,
            }],
            "claims": claims,
        },
    });
    if jwt_vc {
        configuration["credential_definition"] = json!({"type": ["VerifiableCredential", definition.id]});
    } else {
        configuration["vct"] = json!(definition.vct);
    }
    configuration
}

/// The issuer is its own authorization server, with only the
/// pre-authorized code grant and no client authentication.
pub(crate) async fn authorization_server(State(issuer): State<Issuer>) -> Json<Value> {
    Json(json!({
        "issuer": issuer.url,
        "token_endpoint": issuer.endpoint("token"),
        "grant_types_supported": [PRE_AUTHORIZED_CODE_GRANT],
        "pre-authorized_grant_anonymous_access_supported": true,
        "token_endpoint_auth_methods_supported": ["none"],
    }))
}

/// SD-JWT VC issuer metadata: verifiers find the key by the credential's
/// `iss` and the `kid` in its header.
pub(crate) async fn jwt_vc_issuer(State(issuer): State<Issuer>) -> Json<Value> {
    Json(json!({
        "issuer": issuer.url,
        "jwks": {"keys": [issuer.key.public_jwk()]},
    }))
}
