//! The token endpoint, pre-authorized code grant only (OID4VCI 1.0
//! section 6). A wrong `tx_code` is `invalid_grant`; the third kills the
//! code. The access token is opaque and Bearer: the sandbox does not
//! advertise DPoP, so wallets do not send it.

use std::collections::HashMap;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::errors::OauthError;
use super::store::CodeRefusal;
use super::{Issuer, ACCESS_TOKEN_LIFETIME, PRE_AUTHORIZED_CODE_GRANT};

pub(crate) async fn token(State(issuer): State<Issuer>, body: Bytes) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    match redeem(&issuer, &form) {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

fn redeem(issuer: &Issuer, form: &HashMap<String, String>) -> Result<Response, OauthError> {
    let field = |name: &str| form.get(name).map(String::as_str).filter(|v| !v.is_empty());
    match field("grant_type") {
        Some(PRE_AUTHORIZED_CODE_GRANT) => {}
        Some(other) => {
            return Err(OauthError::bad_request(
                "unsupported_grant_type",
                format!("Only the pre-authorized code grant is supported, not '{other}'."),
            ))
        }
        None => {
            return Err(OauthError::bad_request(
                "invalid_request",
                "grant_type is missing.",
            ))
        }
    }
    let code = field("pre-authorized_code")
        .ok_or_else(|| OauthError::bad_request("invalid_request", "pre-authorized_code is missing."))?;
    // Draft wallets send `user_pin`; @openid4vc sends both, equal.
    let tx_code = match (field("tx_code"), field("user_pin")) {
        (Some(a), Some(b)) if a != b => {
            return Err(OauthError::bad_request(
                "invalid_request",
                "tx_code and user_pin differ.",
            ))
        }
        (tx_code, user_pin) => tx_code.or(user_pin),
    };
    let now = SystemTime::now();
    let mut store = issuer.lock();
    let exchange_id = store.redeem_code(code, tx_code, now).map_err(refusal)?;
    let access_token = store.add_token(&exchange_id, ACCESS_TOKEN_LIFETIME, now);
    drop(store);
    let body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_LIFETIME.as_secs(),
    });
    let mut response = Json(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn refusal(refusal: CodeRefusal) -> OauthError {
    let grant = |description: &str| OauthError::bad_request("invalid_grant", description);
    match refusal {
        CodeRefusal::Unknown => grant("The pre-authorized code is not known."),
        CodeRefusal::Expired => grant("The pre-authorized code has expired."),
        CodeRefusal::Redeemed => grant("The pre-authorized code has already been used."),
        CodeRefusal::Exhausted => grant("The pre-authorized code no longer works: too many wrong tx_codes."),
        CodeRefusal::Denied => grant("The issuer has denied this credential offer."),
        // Section 6.3: a missing or unexpected tx_code is a malformed request.
        CodeRefusal::TxCodeMissing => {
            OauthError::bad_request("invalid_request", "This offer requires a tx_code.")
        }
        CodeRefusal::TxCodeUnexpected => {
            OauthError::bad_request("invalid_request", "This offer has no tx_code; do not send one.")
        }
        CodeRefusal::WrongTxCode { tries_left: 0 } => {
            grant("Wrong tx_code; the pre-authorized code no longer works.")
        }
        CodeRefusal::WrongTxCode { tries_left } => grant(&format!(
            "Wrong tx_code; {tries_left} more {} before the code stops working.",
            if tries_left == 1 { "try" } else { "tries" }
        )),
    }
}
