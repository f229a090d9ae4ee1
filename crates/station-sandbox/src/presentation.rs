//! The wallet's side of a presentation: choosing held credentials that
//! satisfy each requested credential (type, accepted issuers, claim
//! constraints, Face Check photo), running the simulated Face Check, and
//! describing the result the way the `presentation_verified` callback does.

use serde_json::{json, Map, Value};

use crate::clock;
use crate::photo;
use crate::spec::{ConstraintOperand, PresentationSpec, RequestedCredential};
use crate::wallet_api::HeldCredential;

/// Why a presentation fails: the `error` of the `presentation_error` callback.
#[derive(Debug)]
pub(crate) struct Failure {
    pub code: &'static str,
    pub message: String,
}

/// Where the callback's fields come from besides the request and the wallet.
pub(crate) struct Context<'a> {
    pub subject: &'a str,
    pub base_url: &'a str,
    pub state: &'a str,
    /// The score the simulated liveness check achieves.
    pub face_check_score: f64,
}

/// The whole presentation as the service would judge it: the fields of
/// `presentation_verified`, or why it is a `presentation_error`.
pub(crate) fn verify(
    spec: &PresentationSpec,
    held: &[HeldCredential],
    context: &Context<'_>,
) -> Result<Map<String, Value>, Failure> {
    let selections = select(spec, held)?;
    face_check(spec, context.face_check_score)?;
    Ok(verified_fields(spec, &selections, context))
}

/// One requested credential and the held credential chosen for it.
struct Selection<'a> {
    requested: &'a RequestedCredential,
    held: &'a HeldCredential,
}

/// Picks, for every requested credential, the newest held one that fits.
fn select<'a>(spec: &'a PresentationSpec, held: &'a [HeldCredential]) -> Result<Vec<Selection<'a>>, Failure> {
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
                .ok_or_else(|| Failure {
                    code: "requestedCredentialNotFound",
                    message: format!(
                        "The wallet holds no credential of type '{}' that meets the request.",
                        requested.credential_type
                    ),
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
        && requested.face_check.as_ref().is_none_or(|face| {
            credential
                .claims
                .get(&face.source_photo_claim_name)
                .is_some_and(|value| photo::is_usable(value))
        })
}

/// The service fails the whole presentation when any requested credential's
/// liveness check scores below its threshold.
fn face_check(spec: &PresentationSpec, score: f64) -> Result<(), Failure> {
    let failed = spec.requested.iter().find_map(|requested| {
        let face = requested.face_check.as_ref()?;
        let threshold = face.match_confidence_threshold;
        (score < f64::from(threshold)).then_some((requested, threshold))
    });
    match failed {
        None => Ok(()),
        Some((requested, threshold)) => Err(Failure {
            code: "claimValidationError",
            message: format!(
                "The face check score {score} is below the threshold {threshold} for the credential of type '{}'.",
                requested.credential_type
            ),
        }),
    }
}

/// The presentation fields of the `presentation_verified` callback.
fn verified_fields(
    spec: &PresentationSpec,
    selections: &[Selection<'_>],
    context: &Context<'_>,
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
                "domainValidation": {"url": format!("{}/", context.base_url)},
                "issuanceDate": clock::iso8601(held.issued_at),
                "expirationDate": clock::iso8601(clock::add_one_year(held.issued_at)),
            });
            if selection.requested.face_check.is_some() {
                // Only usable photos were selected, hence a fixed quality.
                entry["faceCheck"] = json!({
                    "matchConfidenceScore": context.face_check_score,
                    "sourcePhotoQuality": "HIGH",
                });
            }
            entry
        })
        .collect();
    let mut fields = Map::new();
    fields.insert("subject".into(), json!(context.subject));
    fields.insert("verifiedCredentialsData".into(), Value::Array(data));
    let face_check = spec.requested.iter().any(|r| r.face_check.is_some());
    // The service gives no receipt for Face Check presentations.
    if spec.include_receipt && !face_check {
        fields.insert(
            "receipt".into(),
            json!({"id_token": opaque_token(), "vp_token": opaque_token(), "state": context.state}),
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
