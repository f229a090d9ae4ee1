//! The holder's proof of possession: a JWT proof (OID4VCI 1.0 appendix
//! F.1) signed with the key the credential gets bound to. Everything is
//! checked here except that its nonce is one the issuer handed out and not
//! yet used, which needs the store and is the caller's last step.

use serde_json::Value;

use super::errors::OauthError;
use super::keys::{self, CompactJws};

pub(crate) const PROOF_TYP: &str = "openid4vci-proof+jwt";

/// How old a proof's `iat` may be, and how far in the future (clock skew).
const MAX_AGE_SECS: i64 = 300;
const MAX_SKEW_SECS: i64 = 60;

/// A proof whose signature, header and claims are right.
#[derive(Debug)]
pub(crate) struct CheckedProof {
    /// The holder's public key as `{kty, crv, x, y}`, for `cnf.jwk`.
    pub holder_jwk: Value,
    pub nonce: String,
}

fn invalid(description: impl Into<String>) -> OauthError {
    OauthError::bad_request("invalid_proof", description)
}

pub(crate) fn check(jwt: &str, issuer_url: &str, now_unix: i64) -> Result<CheckedProof, OauthError> {
    let jws =
        CompactJws::parse(jwt).map_err(|reason| invalid(format!("The proof is malformed: {reason}.")))?;
    let header = &jws.header;
    if header.get("typ").and_then(Value::as_str) != Some(PROOF_TYP) {
        return Err(invalid(format!("The proof's typ must be {PROOF_TYP}.")));
    }
    if header.get("alg").and_then(Value::as_str) != Some("ES256") {
        return Err(invalid("The proof's alg must be ES256."));
    }
    if header.get("kid").is_some() || header.get("x5c").is_some() {
        return Err(invalid(
            "Only a jwk header binds a key here; kid and x5c are not supported.",
        ));
    }
    let jwk = header
        .get("jwk")
        .ok_or_else(|| invalid("The proof has no jwk header."))?;
    let key = keys::holder_key(jwk).map_err(|reason| invalid(format!("Unusable proof key: {reason}.")))?;
    if !jws.verify(&key) {
        return Err(invalid("The proof's signature does not verify with its jwk."));
    }
    let payload = &jws.payload;
    if !audience_matches(payload.get("aud"), issuer_url) {
        return Err(invalid(format!("The proof's aud must be {issuer_url}.")));
    }
    let iat = payload
        .get("iat")
        .and_then(Value::as_f64)
        .ok_or_else(|| invalid("The proof has no numeric iat."))?;
    // Fractions of a second do not matter at this tolerance.
    let iat = iat as i64;
    if iat < now_unix - MAX_AGE_SECS || iat > now_unix + MAX_SKEW_SECS {
        return Err(invalid("The proof's iat is not recent."));
    }
    let nonce = payload
        .get("nonce")
        .and_then(Value::as_str)
        .filter(|nonce| !nonce.is_empty())
        .ok_or_else(|| {
            OauthError::bad_request(
                "invalid_nonce",
                "The proof has no nonce; get a c_nonce from the nonce endpoint.",
            )
        })?;
    Ok(CheckedProof {
        holder_jwk: keys::public_jwk(&key),
        nonce: nonce.to_owned(),
    })
}

/// `aud` is the issuer, as a string or among an array; some wallets add a
/// trailing slash.
fn audience_matches(aud: Option<&Value>, issuer_url: &str) -> bool {
    let issuer = issuer_url.trim_end_matches('/');
    let is_issuer = |value: &Value| {
        value
            .as_str()
            .is_some_and(|aud| aud.trim_end_matches('/') == issuer)
    };
    match aud {
        Some(Value::Array(values)) => values.iter().any(is_issuer),
        Some(value) => is_issuer(value),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oid4vci::keys::IssuerKey;
    use serde_json::json;

    const ISSUER: &str = "http://127.0.0.1:9/oid4vci";

    fn proof(key: &IssuerKey, header: Value, payload: Value) -> String {
        let mut full = json!({"typ": PROOF_TYP, "alg": "ES256", "jwk": keys::holder_key(key.public_jwk()).map(|k| keys::public_jwk(&k)).ok()});
        if let (Value::Object(full), Value::Object(extra)) = (&mut full, header) {
            full.extend(extra);
        }
        key.sign(&full, &payload)
    }

    #[test]
    fn accepts_a_good_proof_with_or_without_trailing_slash() {
        let key = IssuerKey::generate();
        for aud in [json!(ISSUER), json!(format!("{ISSUER}/")), json!(["x", ISSUER])] {
            let jwt = proof(&key, json!({}), json!({"aud": aud, "iat": 1000, "nonce": "n"}));
            let checked = check(&jwt, ISSUER, 1000).expect("valid proof");
            assert_eq!(checked.nonce, "n");
            assert!(checked.holder_jwk.get("kid").is_none());
        }
    }

    #[test]
    fn refuses_bad_proofs() {
        let key = IssuerKey::generate();
        let good = json!({"aud": ISSUER, "iat": 1000, "nonce": "n"});
        let cases = [
            (json!({"typ": "JWT"}), good.clone(), "invalid_proof"),
            (json!({"alg": "ES384"}), good.clone(), "invalid_proof"),
            (json!({"kid": "did:key:z#0"}), good.clone(), "invalid_proof"),
            (
                json!({}),
                json!({"aud": "http://elsewhere", "iat": 1000, "nonce": "n"}),
                "invalid_proof",
            ),
            (
                json!({}),
                json!({"aud": ISSUER, "iat": 1, "nonce": "n"}),
                "invalid_proof",
            ),
            (json!({}), json!({"aud": ISSUER, "iat": 1000}), "invalid_nonce"),
        ];
        for (header, payload, expected) in cases {
            let jwt = proof(&key, header.clone(), payload);
            let error = check(&jwt, ISSUER, 1000).expect_err("refused");
            assert_eq!(error.error, expected, "{header}");
        }
        let other = IssuerKey::generate();
        let forged = proof(
            &other,
            json!({"jwk": keys::holder_key(key.public_jwk()).map(|k| keys::public_jwk(&k)).ok()}),
            good,
        );
        assert_eq!(
            check(&forged, ISSUER, 1000).map(|_| ()).map_err(|e| e.error),
            Err("invalid_proof")
        );
    }
}
