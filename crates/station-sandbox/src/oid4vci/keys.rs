//! ES256 (ECDSA on P-256 with SHA-256) in compact JWS form: the issuer's
//! key that signs credentials, and the checks on a holder's proof JWT.
//! Only what OID4VCI with `jwk` binding needs; JWKs are built and read by
//! hand so that exactly `kty`, `crv`, `x`, `y` go into `cnf` and a private
//! `d` is never accepted as a holder key.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The issuer's signing key, made at start: credentials issued by one
/// sandbox verify only against its own metadata.
pub(crate) struct IssuerKey {
    signing: SigningKey,
    kid: String,
    /// The public JWK with `kid`, `alg` and `use`, as published.
    public_jwk: Value,
}

impl IssuerKey {
    pub(crate) fn generate() -> Self {
        let signing = SigningKey::random(&mut rand::rngs::OsRng);
        let bare = public_jwk(signing.verifying_key());
        let kid = thumbprint(&bare);
        let mut public_jwk = bare;
        if let Value::Object(fields) = &mut public_jwk {
            fields.insert("kid".to_owned(), json!(kid));
            fields.insert("alg".to_owned(), json!("ES256"));
            fields.insert("use".to_owned(), json!("sig"));
        }
        Self {
            signing,
            kid,
            public_jwk,
        }
    }

    pub(crate) fn kid(&self) -> &str {
        &self.kid
    }

    pub(crate) fn public_jwk(&self) -> &Value {
        &self.public_jwk
    }

    /// `header.payload.signature`, each part base64url without padding.
    pub(crate) fn sign(&self, header: &Value, payload: &Value) -> String {
        let input = format!("{}.{}", b64_json(header), b64_json(payload));
        let signature: Signature = self.signing.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }
}

fn b64_json(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// `{"kty":"EC","crv":"P-256","x":…,"y":…}`.
pub(crate) fn public_jwk(key: &VerifyingKey) -> Value {
    let point = key.to_encoded_point(false);
    // An uncompressed point always has both coordinates.
    let coordinate = |c: Option<&p256::FieldBytes>| c.map(|c| URL_SAFE_NO_PAD.encode(c)).unwrap_or_default();
    json!({
        "kty": "EC",
        "crv": "P-256",
        "x": coordinate(point.x()),
        "y": coordinate(point.y()),
    })
}

/// RFC 7638 thumbprint (SHA-256, base64url) of a P-256 public JWK.
pub(crate) fn thumbprint(jwk: &Value) -> String {
    let field = |name: &str| jwk.get(name).and_then(Value::as_str).unwrap_or_default();
    // The required members, in lexicographic order, with no whitespace.
    let canonical = format!(
        r#"{{"crv":"{}","kty":"{}","x":"{}","y":"{}"}}"#,
        field("crv"),
        field("kty"),
        field("x"),
        field("y")
    );
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// A holder's public key from a JWK; the reason when it is not a usable
/// P-256 public key.
pub(crate) fn holder_key(jwk: &Value) -> Result<VerifyingKey, String> {
    let Value::Object(fields) = jwk else {
        return Err("the jwk header is not a JSON object".to_owned());
    };
    if fields.contains_key("d") {
        return Err("the jwk header holds a private key".to_owned());
    }
    if fields.get("kty").and_then(Value::as_str) != Some("EC") {
        return Err("the jwk header's kty must be EC".to_owned());
    }
    if fields.get("crv").and_then(Value::as_str) != Some("P-256") {
        return Err("the jwk header's crv must be P-256".to_owned());
    }
    let coordinate = |name: &str| -> Result<Vec<u8>, String> {
        let text = fields.get(name).and_then(Value::as_str).unwrap_or_default();
        match URL_SAFE_NO_PAD.decode(text) {
            Ok(bytes) if bytes.len() == 32 => Ok(bytes),
            _ => Err(format!(
                "the jwk header's {name} is not a 32-byte base64url value"
            )),
        }
    };
    let mut sec1 = vec![0x04];
    sec1.extend(coordinate("x")?);
    sec1.extend(coordinate("y")?);
    VerifyingKey::from_sec1_bytes(&sec1).map_err(|_| "the jwk header is not a point on P-256".to_owned())
}

/// A compact JWS split and decoded, not yet verified.
pub(crate) struct CompactJws {
    pub header: Value,
    pub payload: Value,
    signing_input: String,
    signature: Vec<u8>,
}

impl CompactJws {
    pub(crate) fn parse(compact: &str) -> Result<Self, String> {
        let mut parts = compact.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("not a compact JWS of three parts".to_owned());
        };
        let json_part = |part: &str, what: &str| -> Result<Value, String> {
            let bytes = URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| format!("the {what} is not base64url"))?;
            match serde_json::from_slice(&bytes) {
                Ok(value @ Value::Object(_)) => Ok(value),
                _ => Err(format!("the {what} is not a JSON object")),
            }
        };
        Ok(Self {
            header: json_part(header, "header")?,
            payload: json_part(payload, "payload")?,
            signing_input: format!("{header}.{payload}"),
            signature: URL_SAFE_NO_PAD
                .decode(signature)
                .map_err(|_| "the signature is not base64url".to_owned())?,
        })
    }

    /// An ES256 signature is the 64 bytes `r || s`, not DER.
    pub(crate) fn verify(&self, key: &VerifyingKey) -> bool {
        Signature::from_slice(&self.signature)
            .is_ok_and(|signature| key.verify(self.signing_input.as_bytes(), &signature).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies_a_jws() {
        let key = IssuerKey::generate();
        let jws = key.sign(&json!({"alg": "ES256"}), &json!({"hello": "world"}));
        let parsed = CompactJws::parse(&jws).expect("three parts");
        assert_eq!(parsed.payload["hello"], "world");
        let verifying = holder_key(key.public_jwk()).expect("public key");
        assert!(parsed.verify(&verifying));
        let other = IssuerKey::generate();
        assert!(!parsed.verify(&holder_key(other.public_jwk()).expect("public key")));
    }

    #[test]
    fn refuses_private_or_foreign_keys() {
        let key = IssuerKey::generate();
        let mut private = key.public_jwk().clone();
        private["d"] = json!("AAAA");
        assert!(holder_key(&private).is_err());
        let mut wrong_curve = key.public_jwk().clone();
        wrong_curve["crv"] = json!("P-384");
        assert!(holder_key(&wrong_curve).is_err());
        let mut off_curve = key.public_jwk().clone();
        off_curve["y"] = off_curve["x"].clone();
        assert!(holder_key(&off_curve).is_err());
    }

    #[test]
    fn thumbprint_matches_rfc_7638_example_shape() {
        // RFC 7638 section 3.1 is RSA; this is a stable P-256 value instead:
        // the thumbprint depends only on crv, kty, x, y.
        let jwk = json!({"kty": "EC", "crv": "P-256", "x": "a", "y": "b", "kid": "ignored"});
        let same = json!({"y": "b", "x": "a", "crv": "P-256", "kty": "EC"});
        assert_eq!(thumbprint(&jwk), thumbprint(&same));
        assert_eq!(thumbprint(&jwk).len(), 43);
    }
}
