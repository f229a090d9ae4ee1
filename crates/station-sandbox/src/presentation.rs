//! The wallet's side of a presentation: choosing held credentials that
//! satisfy each requested credential (type, accepted issuers, claim
//! constraints, Face Check photo) and describing them the way the
//! `presentation_verified` callback does.

use serde_json::{json, Map, Value};

use crate::clock;
use crate::spec::{ConstraintOperand, PresentationSpec, RequestedCredential};
use crate::wallet_api::HeldCredential;

/// One requested credential and the held credential chosen for it.
pub(crate) struct Selection<'a> {
    requested: &'a RequestedCredential,
    held: &'a HeldCredential,
}

/// Picks, for every requested credential, the newest held one that fits;
/// on failure returns the message for `requestedCredentialNotFound`.
pub(crate) fn select<'a>(
    spec: &'a PresentationSpec,
    held: &'a [HeldCredential],
) -> Result<Vec<Selection<'a>>, String> {
    spec.requested
        .iter()
        .map(|requested| {
            held.iter()
                .rev()
                .find(|credential| fits(requested, credential))
                .map(|credential| Selection {
                    requested,
                    held: credential,
                })
                .ok_or_else(|| {
                    format!(
                        "The wallet holds no credential of type '{}' that meets the request.",
                        requested.credential_type
                    )
                })
        })
        .collect()
}

fn fits(requested: &RequestedCredential, credential: &HeldCredential) -> bool {
    let claim = |name: &str| credential.claims.get(name).map(|v| v.to_lowercase());
    credential.types.contains(&requested.credential_type)
        && (requested.accepted_issuers.is_empty() || requested.accepted_issuers.contains(&credential.issuer))
        && requested.constraints.iter().all(|constraint| {
            // The service compares constraints case-insensitively.
            let Some(value) = claim(&constraint.claim_name) else {
                return false;
            };
            match &constraint.operand {
                ConstraintOperand::Values(values) => values.iter().any(|v| v.to_lowercase() == value),
                ConstraintOperand::Contains(part) => value.contains(&part.to_lowercase()),
                ConstraintOperand::StartsWith(prefix) => value.starts_with(&prefix.to_lowercase()),
            }
        })
        && requested
            .face_check
            .as_ref()
            .is_none_or(|face| claim(&face.source_photo_claim_name).is_some_and(|v| !v.is_empty()))
}

/// The presentation fields of the `presentation_verified` callback.
pub(crate) fn verified_fields(
    spec: &PresentationSpec,
    selections: &[Selection<'_>],
    subject: &str,
    base_url: &str,
    state: &str,
) -> Map<String, Value> {
    let data: Vec<Value> = selections
        .iter()
        .map(|selection| {
            let held = selection.held;
            let mut entry = json!({
                "issuer": held.issuer,
                "type": held.types,
                "claims": held.claims,
                "credentialState": {"revocationStatus": "VALID"},
                "domainValidation": {"url": format!("{base_url}/")},
                "issuanceDate": clock::iso8601(held.issued_at),
                "expirationDate": clock::iso8601(clock::add_one_year(held.issued_at)),
            });
            if selection.requested.face_check.is_some() {
                // The simulated holder's selfie always matches their photo.
                entry["faceCheck"] = json!({"matchConfidenceScore": 95.0, "sourcePhotoQuality": "HIGH"});
            }
            entry
        })
        .collect();
    let mut fields = Map::new();
    fields.insert("subject".into(), json!(subject));
    fields.insert("verifiedCredentialsData".into(), Value::Array(data));
    let face_check = spec.requested.iter().any(|r| r.face_check.is_some());
    // The service gives no receipt for Face Check presentations.
    if spec.include_receipt && !face_check {
        fields.insert(
            "receipt".into(),
            json!({"id_token": opaque_token(), "vp_token": opaque_token(), "state": state}),
        );
    }
    fields
}

fn opaque_token() -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    format!(
        "eyJzYW5kYm94Ijp0cnVlfQ.{}.{}",
        URL_SAFE_NO_PAD.encode(rand::random::<[u8; 24]>()),
        URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
    )
}
