//! Enforces what the Request Service documents for create calls, so an
//! adapter bug fails here the way it would against Microsoft, with the
//! offending JSON path in `innererror.target`.

mod fields;
mod issuance;
mod presentation;

use axum::http::{HeaderName, HeaderValue};
use serde_json::Value;

pub(crate) use fields::Invalid;
use fields::{invalid, is_absolute_http_url, Check, Obj};
pub(crate) use issuance::validate as issuance;
pub(crate) use presentation::validate as presentation;

use crate::spec::CallbackSpec;

/// The only callback headers the service forwards.
const ALLOWED_CALLBACK_HEADERS: [&str; 2] = ["api-key", "authorization"];

/// `callback {url, state, headers?}`, shared by every create call.
fn callback(root: &Obj<'_>) -> Check<CallbackSpec> {
    let callback = root.req_obj("callback")?;
    let url = callback.req_str("url")?;
    if !is_absolute_http_url(url) {
        return invalid(
            callback.target("url"),
            "Field 'callback.url' must be an absolute http or https URL.",
        );
    }
    let state = callback.req_str("state")?;
    let headers = match callback.opt_obj("headers")? {
        None => Vec::new(),
        Some(headers) => callback_headers(&headers)?,
    };
    Ok(CallbackSpec {
        url: url.to_owned(),
        state: state.to_owned(),
        headers,
    })
}

fn callback_headers(headers: &Obj<'_>) -> Check<Vec<(String, String)>> {
    let target = headers.path();
    headers
        .entries()
        .map(|(name, value)| {
            if !ALLOWED_CALLBACK_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                return invalid(
                    target,
                    format!(
                        "Invalid callback header '{name}': only 'api-key' and 'Authorization' are supported."
                    ),
                );
            }
            let Value::String(value) = value else {
                return invalid(
                    target,
                    format!("Invalid callback header '{name}': the value must be a string."),
                );
            };
            if HeaderName::from_bytes(name.as_bytes()).is_err() || HeaderValue::from_str(value).is_err() {
                return invalid(
                    target,
                    format!("Invalid callback header '{name}': the value is not a valid HTTP header value."),
                );
            }
            Ok((name.clone(), value.clone()))
        })
        .collect()
}

/// `authority`: the issuer's or verifier's DID.
fn authority<'a>(root: &Obj<'a>) -> Check<&'a str> {
    let authority = root.req_str("authority")?;
    if !authority.starts_with("did:") {
        return invalid(
            "authority",
            "Field 'authority' must be a decentralized identifier (did:…).",
        );
    }
    Ok(authority)
}

/// `registration {clientName, …optional strings}`.
fn registration(root: &Obj<'_>, optional: &[&str]) -> Check<()> {
    let registration = root.req_obj("registration")?;
    registration.req_str("clientName")?;
    for key in optional {
        registration.opt_str(key)?;
    }
    Ok(())
}
