//! Rules for presentation requests (seed 003): what may be asked of the
//! wallet, including Face Check and claim constraints.

use serde_json::Value;

use super::fields::{invalid, Check, Obj};
use crate::spec::{
    Constraint, ConstraintOperand, FaceCheck, PresentationSpec, RequestSpec, RequestedCredential,
    ValidRequest,
};

const FIELDS: [&str; 6] = [
    "authority",
    "registration",
    "callback",
    "requestedCredentials",
    "includeReceipt",
    "includeQRCode",
];
const REQUESTED_CREDENTIAL_FIELDS: [&str; 5] = [
    "type",
    "purpose",
    "acceptedIssuers",
    "configuration",
    "constraints",
];
const CONFIGURATION_FIELDS: [&str; 1] = ["validation"];
const VALIDATION_FIELDS: [&str; 3] = ["allowRevoked", "validateLinkedDomain", "faceCheck"];
const FACE_CHECK_FIELDS: [&str; 2] = ["sourcePhotoClaimName", "matchConfidenceThreshold"];
const DEFAULT_MATCH_CONFIDENCE_THRESHOLD: u64 = 70;
const CONSTRAINT_OPERANDS: [&str; 3] = ["values", "contains", "startsWith"];
const CONSTRAINT_FIELDS: [&str; 4] = ["claimName", "values", "contains", "startsWith"];

pub(crate) fn validate(body: &Value) -> Check<ValidRequest> {
    let root = Obj::new(body, String::new())?;
    root.deny_unknown(&FIELDS)?;
    let callback = super::callback(&root)?;
    super::authority(&root)?;
    super::registration(&root, &["purpose", "logoUrl", "termsOfServiceUrl"])?;
    let requested = match root.required("requestedCredentials")? {
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(i, item)| requested_credential(item, format!("requestedCredentials[{i}]")))
            .collect::<Check<Vec<_>>>()?,
        _ => {
            return invalid(
                "requestedCredentials",
                "Field 'requestedCredentials' must be a non-empty array.",
            )
        }
    };
    let include_receipt = root.opt_bool("includeReceipt")?.unwrap_or(false);
    let include_qr_code = root.opt_bool("includeQRCode")?.unwrap_or(false);
    Ok(ValidRequest {
        spec: RequestSpec::Presentation(PresentationSpec {
            requested,
            include_receipt,
        }),
        callback,
        include_qr_code,
    })
}

fn requested_credential(item: &Value, path: String) -> Check<RequestedCredential> {
    let credential = Obj::new(item, path)?;
    credential.deny_unknown(&REQUESTED_CREDENTIAL_FIELDS)?;
    let credential_type = credential.req_str("type")?.to_owned();
    credential.opt_str("purpose")?;
    let accepted_issuers = credential
        .opt_string_array("acceptedIssuers")?
        .unwrap_or_default();
    let face_check = match credential.opt_obj("configuration")? {
        Some(configuration) => validation(&configuration)?,
        None => None,
    };
    let constraints = match credential.opt_array("constraints")? {
        Some(items) => items
            .iter()
            .enumerate()
            .map(|(j, item)| constraint(item, format!("{}[{j}]", credential.target("constraints"))))
            .collect::<Check<Vec<_>>>()?,
        None => Vec::new(),
    };
    Ok(RequestedCredential {
        credential_type,
        accepted_issuers,
        constraints,
        face_check,
    })
}

/// `configuration.validation {allowRevoked, validateLinkedDomain, faceCheck}`.
fn validation(configuration: &Obj<'_>) -> Check<Option<FaceCheck>> {
    configuration.deny_unknown(&CONFIGURATION_FIELDS)?;
    let Some(validation) = configuration.opt_obj("validation")? else {
        return Ok(None);
    };
    validation.deny_unknown(&VALIDATION_FIELDS)?;
    validation.opt_bool("allowRevoked")?;
    validation.opt_bool("validateLinkedDomain")?;
    let Some(face_check) = validation.opt_obj("faceCheck")? else {
        return Ok(None);
    };
    face_check.deny_unknown(&FACE_CHECK_FIELDS)?;
    let source_photo_claim_name = face_check.req_str("sourcePhotoClaimName")?.to_owned();
    let threshold = face_check
        .opt_int_in("matchConfidenceThreshold", 50..=100)?
        .unwrap_or(DEFAULT_MATCH_CONFIDENCE_THRESHOLD);
    // The range check above keeps this lossless.
    let match_confidence_threshold = u8::try_from(threshold).unwrap_or(u8::MAX);
    Ok(Some(FaceCheck {
        source_photo_claim_name,
        match_confidence_threshold,
    }))
}

fn constraint(item: &Value, path: String) -> Check<Constraint> {
    let constraint = Obj::new(item, path)?;
    constraint.deny_unknown(&CONSTRAINT_FIELDS)?;
    let claim_name = constraint.req_str("claimName")?.to_owned();
    let given = CONSTRAINT_OPERANDS.iter().filter(|k| constraint.has(k)).count();
    if given != 1 {
        return invalid(
            constraint.path(),
            format!(
                "Constraint '{}' must have exactly one of 'values', 'contains' or 'startsWith'.",
                constraint.path()
            ),
        );
    }
    let operand = if let Some(values) = constraint.opt_string_array("values")? {
        ConstraintOperand::Values(values)
    } else if let Some(contains) = constraint.opt_str("contains")? {
        ConstraintOperand::Contains(contains.to_owned())
    } else {
        ConstraintOperand::StartsWith(constraint.req_str("startsWith")?.to_owned())
    };
    Ok(Constraint { claim_name, operand })
}
