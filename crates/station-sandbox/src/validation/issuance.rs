//! Rules for issuance requests, in both the current shape (seed 001, fields
//! at the top level) and the preview shape (seed 002, credential fields
//! nested in `issuance`).

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;

use super::fields::{invalid, is_absolute_http_url, join, Check, Obj};
use crate::clock;
use crate::photo;
use crate::pin::PinSpec;
use crate::spec::{ApiShape, IssuanceSpec, RequestSpec, ValidRequest};

const CURRENT_FIELDS: [&str; 9] = [
    "includeQRCode",
    "callback",
    "authority",
    "registration",
    "type",
    "manifest",
    "claims",
    "pin",
    "expirationDate",
];
const PREVIEW_FIELDS: [&str; 5] = [
    "includeQRCode",
    "callback",
    "authority",
    "registration",
    "issuance",
];
const PREVIEW_ISSUANCE_FIELDS: [&str; 4] = ["type", "manifest", "pin", "claims"];
const PIN_FIELDS: [&str; 6] = ["value", "type", "length", "salt", "alg", "iterations"];
const DEFAULT_PIN_LENGTH: u64 = 6;
const SHA256_LEN: usize = 32;

pub(crate) fn validate(body: &Value, shape: ApiShape) -> Check<ValidRequest> {
    let root = Obj::new(body, String::new())?;
    root.deny_unknown(match shape {
        ApiShape::Current => &CURRENT_FIELDS,
        ApiShape::Preview => &PREVIEW_FIELDS,
    })?;
    let callback = super::callback(&root)?;
    let authority = super::authority(&root)?;
    super::registration(&root, &["logoUrl", "termsOfServiceUrl"])?;
    let details = match shape {
        ApiShape::Current => root.clone(),
        ApiShape::Preview => {
            let issuance = root.req_obj("issuance")?;
            issuance.deny_unknown(&PREVIEW_ISSUANCE_FIELDS)?;
            issuance
        }
    };
    let credential_type = details.req_str("type")?;
    let manifest = details.req_str("manifest")?;
    if !is_absolute_http_url(manifest) {
        return invalid(
            details.target("manifest"),
            format!(
                "Field '{}' must be the absolute URL of the credential manifest.",
                details.target("manifest")
            ),
        );
    }
    let claims = details.opt_string_map("claims")?.unwrap_or_default();
    photo_claims(&details.target("claims"), &claims)?;
    if let Some(date) = root.opt_str("expirationDate")? {
        if !clock::is_iso8601_date_time(date) {
            return invalid(
                "expirationDate",
                "Field 'expirationDate' must be an ISO-8601 date-time such as 2025-12-31T23:59:59Z.",
            );
        }
    }
    let pin = details.opt_obj("pin")?.map(|p| pin(&p)).transpose()?;
    let include_qr_code = root.opt_bool("includeQRCode")?.unwrap_or(true);
    Ok(ValidRequest {
        spec: RequestSpec::Issuance(IssuanceSpec {
            authority: authority.to_owned(),
            credential_type: credential_type.to_owned(),
            claims,
            pin,
        }),
        callback,
        include_qr_code,
    })
}

/// Any claim carrying a JPEG must be a photo Face Check could use later.
fn photo_claims(target: &str, claims: &BTreeMap<String, String>) -> Check<()> {
    for (name, value) in claims {
        if let Err(problem) = photo::check_claim(value) {
            let target = join(target, name);
            return invalid(target.clone(), format!("Photo claim '{target}' {problem}."));
        }
    }
    Ok(())
}

fn pin(pin: &Obj<'_>) -> Check<PinSpec> {
    pin.deny_unknown(&PIN_FIELDS)?;
    let value = match pin.required("value")? {
        Value::String(value) => value.clone(),
        _ => {
            return invalid(
                pin.target("value"),
                format!("Field '{}' must be a string.", pin.target("value")),
            )
        }
    };
    if let Some(kind) = pin.opt_str("type")? {
        if kind != "numeric" {
            return invalid(
                pin.target("type"),
                format!(
                    "Field '{}' must be 'numeric', the only supported PIN type.",
                    pin.target("type")
                ),
            );
        }
    }
    let length = pin.opt_int_in("length", 4..=16)?.unwrap_or(DEFAULT_PIN_LENGTH);
    // The range check above keeps this lossless.
    let length = u8::try_from(length).unwrap_or(u8::MAX);
    let hashed = ["salt", "alg", "iterations"].iter().any(|k| pin.has(k));
    if hashed {
        hashed_pin(pin, value, length)
    } else {
        plain_pin(pin, value, length)
    }
}

fn plain_pin(pin: &Obj<'_>, value: String, length: u8) -> Check<PinSpec> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return invalid(
            pin.target("value"),
            format!("Field '{}' must contain digits only.", pin.target("value")),
        );
    }
    if value.len() != usize::from(length) {
        return invalid(
            pin.target("value"),
            format!(
                "Field '{}' has {} digits but '{}' is {length}.",
                pin.target("value"),
                value.len(),
                pin.target("length")
            ),
        );
    }
    Ok(PinSpec::Plain { value, length })
}

/// A hashed PIN needs all of `salt`, `alg` (sha256) and `iterations` (1),
/// and its value is the base64 of a SHA-256 digest.
fn hashed_pin(pin: &Obj<'_>, value: String, length: u8) -> Check<PinSpec> {
    let salt = pin.req_str("salt")?;
    if pin.req_str("alg")? != "sha256" {
        return invalid(
            pin.target("alg"),
            format!(
                "Field '{}' must be 'sha256', the only supported algorithm.",
                pin.target("alg")
            ),
        );
    }
    if pin.required("iterations")?.as_u64() != Some(1) {
        return invalid(
            pin.target("iterations"),
            format!("Field '{}' must be 1.", pin.target("iterations")),
        );
    }
    if STANDARD.decode(&value).map(|d| d.len()).ok() != Some(SHA256_LEN) {
        return invalid(
            pin.target("value"),
            format!(
                "Field '{}' must be the base64-encoded SHA-256 hash of the salt followed by the PIN.",
                pin.target("value")
            ),
        );
    }
    Ok(PinSpec::Hashed {
        value,
        salt: salt.to_owned(),
        length,
    })
}
