//! The `credential` object of the admin API, in the carrier its
//! definition's format needs (iGrant's API as it is today): `vct` +
//! `claims` for `dc+sd-jwt`, `type` + `credentialSubject` for
//! `jwt_vc_json` (seed 004's shape). The other format's fields are refused
//! by name, as the service does, rather than read or ignored: a caller
//! that sends the wrong shape must learn it here, not from a real issuer.

use serde_json::{json, Map, Value};

use super::definitions::{CredentialDefinition, CredentialFormat};
use super::errors::AdminError;

/// The field naming the credential's type (`type` or `vct`), with the path
/// to report it by; both at once is refused.
pub(crate) fn named_type(
    credential: Option<&Map<String, Value>>,
) -> Result<Option<(&'static str, &Value)>, AdminError> {
    let Some(credential) = credential else {
        return Ok(None);
    };
    let named = |field: &'static str| credential.get(field).filter(|v| !v.is_null()).map(|v| (field, v));
    match (named("type"), named("vct")) {
        (Some(_), Some(_)) => Err(AdminError::bad_field(
            "credential.vct",
            "Send credential.type (jwt_vc_json) or credential.vct (dc+sd-jwt), not both.",
        )),
        (Some((f, v)), None) | (None, Some((f, v))) => Ok(Some((path(f), v))),
        (None, None) => Ok(None),
    }
}

fn path(field: &str) -> &'static str {
    match field {
        "type" => "credential.type",
        "vct" => "credential.vct",
        "claims" => "credential.claims",
        _ => "credential.credentialSubject",
    }
}

/// The claims in `credential`, if any, checked against the definition:
/// the format's carrier only, known names, string values, every
/// mandatory claim present.
pub(crate) fn claims(
    definition: &CredentialDefinition,
    credential: Option<&Map<String, Value>>,
) -> Result<Option<Map<String, Value>>, AdminError> {
    let Some(credential) = credential else {
        return Ok(None);
    };
    let format = definition.format;
    let other = format.other();
    for wrong in [other.claims_field(), other.type_field()] {
        if credential.get(wrong).is_some_and(|v| !v.is_null()) {
            let field = path(wrong);
            return Err(AdminError::bad_field(
                field,
                format!(
                    "{field} does not apply to {}, a {} credential: send its claims as {} and its type as {}.",
                    definition.id,
                    format.as_str(),
                    path(format.claims_field()),
                    path(format.type_field()),
                ),
            ));
        }
    }
    match credential.get(format.claims_field()) {
        None | Some(Value::Null) => Ok(None),
        Some(subject) => check_claims(definition, path(format.claims_field()), subject).map(Some),
    }
}

fn check_claims(
    definition: &CredentialDefinition,
    field: &str,
    subject: &Value,
) -> Result<Map<String, Value>, AdminError> {
    let Value::Object(claims) = subject else {
        return Err(AdminError::bad_field(
            field,
            format!("{field} must be an object."),
        ));
    };
    for (name, value) in claims {
        let claim_field = format!("{field}.{name}");
        if definition.claim(name).is_none() {
            let known: Vec<&str> = definition.claims.iter().map(|c| c.name).collect();
            return Err(AdminError::bad_field(
                &claim_field,
                format!(
                    "{} has no claim '{name}'; its claims are {}.",
                    definition.id,
                    known.join(", ")
                ),
            ));
        }
        if value.as_str().is_none_or(str::is_empty) {
            return Err(AdminError::bad_field(
                &claim_field,
                format!("{claim_field} must be a non-empty string."),
            ));
        }
    }
    if let Some(missing) = definition
        .claims
        .iter()
        .find(|claim| claim.mandatory && !claims.contains_key(claim.name))
    {
        return Err(AdminError::bad_field(
            &format!("{field}.{}", missing.name),
            format!("{field}.{} is required for {}.", missing.name, definition.id),
        ));
    }
    Ok(claims.clone())
}

/// The path of the claims for `definition`, for "required" refusals.
pub(crate) fn claims_path(definition: &CredentialDefinition) -> &'static str {
    path(definition.format.claims_field())
}

/// `credential` as the history echoes it, in the definition's carrier.
pub(crate) fn echo(
    definition: &CredentialDefinition,
    named_type: Option<&Value>,
    subject: Option<&Map<String, Value>>,
) -> Map<String, Value> {
    let format = definition.format;
    let default_type = match format {
        CredentialFormat::SdJwt => json!(definition.vct),
        CredentialFormat::JwtVcJson => json!([definition.id]),
    };
    let mut credential = Map::new();
    credential.insert(
        format.type_field().to_owned(),
        named_type.cloned().unwrap_or(default_type),
    );
    if let Some(subject) = subject {
        credential.insert(format.claims_field().to_owned(), Value::Object(subject.clone()));
    }
    credential
}
