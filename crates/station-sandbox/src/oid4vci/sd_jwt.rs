//! The credential itself: an SD-JWT VC (`typ: dc+sd-jwt`) whose every
//! subject claim is a disclosure, so the holder chooses what to show. The
//! issued form carries all disclosures: `<jwt>~<disclosure>~…~`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::keys::IssuerKey;

/// How long an issued credential is valid.
const VALIDITY_SECS: i64 = 365 * 24 * 3600;

/// What goes into one credential.
pub(crate) struct CredentialContent<'a> {
    pub issuer: &'a str,
    pub vct: &'a str,
    /// The holder's public JWK from the proof, bound as `cnf.jwk`.
    pub holder_jwk: &'a Value,
    pub claims: &'a Map<String, Value>,
    pub issued_at: i64,
}

/// The SD-JWT VC with all its disclosures.
pub(crate) fn issue(key: &IssuerKey, content: &CredentialContent<'_>) -> String {
    let disclosures: Vec<String> = content
        .claims
        .iter()
        .map(|(name, value)| disclosure(name, value))
        .collect();
    // Sorted, so the digests' order says nothing about the claims' order.
    let mut digests: Vec<String> = disclosures.iter().map(|d| digest(d)).collect();
    digests.sort();
    let header = json!({"alg": "ES256", "typ": "dc+sd-jwt", "kid": key.kid()});
    let payload = json!({
        "iss": content.issuer,
        "iat": content.issued_at,
        "exp": content.issued_at + VALIDITY_SECS,
        "vct": content.vct,
        "cnf": {"jwk": content.holder_jwk},
        "_sd_alg": "sha-256",
        "_sd": digests,
    });
    let mut issued = key.sign(&header, &payload);
    for disclosure in &disclosures {
        issued.push('~');
        issued.push_str(disclosure);
    }
    issued.push('~');
    issued
}

/// A W3C JWT VC (`jwt_vc_json`) of types `VerifiableCredential` and
/// `id`, its claims in `credentialSubject`, bound to the holder's key.
pub(crate) fn issue_jwt_vc(key: &IssuerKey, id: &str, content: &CredentialContent<'_>) -> String {
    let header = json!({"alg": "ES256", "typ": "JWT", "kid": key.kid()});
    let payload = json!({
        "iss": content.issuer,
        "iat": content.issued_at,
        "nbf": content.issued_at,
        "exp": content.issued_at + VALIDITY_SECS,
        "cnf": {"jwk": content.holder_jwk},
        "vc": {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential", id],
            "credentialSubject": content.claims,
        },
    });
    key.sign(&header, &payload)
}

/// base64url of `[salt, name, value]`, with 128 random bits of salt.
fn disclosure(name: &str, value: &Value) -> String {
    let salt = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
    URL_SAFE_NO_PAD.encode(json!([salt, name, value]).to_string())
}

/// The `_sd` digest of a disclosure: SHA-256 over its base64url text.
pub(crate) fn digest(disclosure: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(disclosure.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oid4vci::keys::{holder_key, CompactJws};

    #[test]
    fn every_claim_is_a_disclosure_whose_digest_is_in_sd() {
        let key = IssuerKey::generate();
        let holder = IssuerKey::generate();
        let mut claims = Map::new();
        claims.insert("given_name".to_owned(), json!("Ada"));
        claims.insert("family_name".to_owned(), json!("Lovelace"));
        let issued = issue(
            &key,
            &CredentialContent {
                issuer: "http://127.0.0.1:1/oid4vci",
                vct: "https://example.test/Badge",
                holder_jwk: holder.public_jwk(),
                claims: &claims,
                issued_at: 1_700_000_000,
            },
        );
        assert!(issued.ends_with('~'));
        let parts: Vec<&str> = issued.trim_end_matches('~').split('~').collect();
        assert_eq!(parts.len(), 3);
        let jws = CompactJws::parse(parts[0]).expect("jws");
        assert!(jws.verify(&holder_key(key.public_jwk()).expect("key")));
        assert_eq!(jws.header["typ"], "dc+sd-jwt");
        assert_eq!(jws.payload["exp"], 1_700_000_000 + VALIDITY_SECS);
        assert!(jws.payload.get("given_name").is_none());
        let sd: Vec<&str> = jws.payload["_sd"]
            .as_array()
            .expect("_sd")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for encoded in &parts[1..] {
            assert!(sd.contains(&digest(encoded).as_str()));
            let decoded: Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(encoded).expect("b64")).expect("json");
            assert_eq!(decoded.as_array().map(Vec::len), Some(3));
        }
    }
}
