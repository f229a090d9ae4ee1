//! The issuance PIN: drawn from the OS CSPRNG, never printed, and sent to the
//! service either in plain text or salted and hashed as the Request Service
//! documents (`base64(sha256(salt ‖ pin))`, one iteration).

use std::fmt;

use base64::Engine as _;
use rand::rngs::OsRng;
use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::ErrorCode;

pub const MIN_PIN_LENGTH: u8 = 4;
pub const MAX_PIN_LENGTH: u8 = 16;
/// Entra's default PIN length.
pub const DEFAULT_PIN_LENGTH: u8 = 6;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PinError {
    #[error("a PIN must have {MIN_PIN_LENGTH} to {MAX_PIN_LENGTH} digits, not {0}; change pin_length in the template")]
    Length(u8),
}

impl ErrorCode for PinError {
    fn code(&self) -> &'static str {
        "pin.length"
    }
}

/// A numeric PIN. Its digits leave this type only through [`Pin::reveal`]
/// (for the screen, after `request_retrieved`) and [`Pin::to_payload`] (for
/// the service).
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(Zeroizing<String>);

impl Pin {
    pub fn generate(length: u8) -> Result<Pin, PinError> {
        if !(MIN_PIN_LENGTH..=MAX_PIN_LENGTH).contains(&length) {
            return Err(PinError::Length(length));
        }
        let mut rng = OsRng;
        let digits = (0..length)
            .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
            .collect::<String>();
        Ok(Pin(Zeroizing::new(digits)))
    }

    /// The digits, for showing to the recipient once the wallet has opened
    /// the request.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    pub fn len(&self) -> u8 {
        // Length was checked against MAX_PIN_LENGTH (16) on creation.
        self.0.len() as u8
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `pin` object of a Request Service issuance request.
    pub fn to_payload(&self, hashed: bool) -> PinPayload {
        if !hashed {
            return PinPayload {
                value: Zeroizing::new(self.0.to_string()),
                length: self.len(),
                salt: None,
                alg: None,
                iterations: None,
            };
        }
        let salt_bytes: [u8; 16] = OsRng.gen();
        let salt = salt_bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        PinPayload {
            value: Zeroizing::new(hash_pin(&salt, self.reveal())),
            length: self.len(),
            salt: Some(salt),
            alg: Some("sha256"),
            iterations: Some(1),
        }
    }
}

/// `base64(sha256(salt ‖ pin))`, the Request Service's hashed-PIN rule.
pub fn hash_pin(salt: &str, pin: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update(pin.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(hasher.finalize())
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

/// The wire form of a PIN. Serialisable (it goes to the service), but its
/// `Debug` stays redacted so a logged request never shows it.
#[derive(Clone, Serialize)]
pub struct PinPayload {
    #[serde(serialize_with = "serialize_zeroizing")]
    pub value: Zeroizing<String>,
    pub length: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alg: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u8>,
}

fn serialize_zeroizing<S: serde::Serializer>(
    value: &Zeroizing<String>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value)
}

impl fmt::Debug for PinPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinPayload")
            .field("value", &"<redacted>")
            .field("length", &self.length)
            .field("hashed", &self.salt.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_digits_of_the_requested_length() {
        for length in [4, 6, 16] {
            let pin = Pin::generate(length).unwrap();
            assert_eq!(pin.reveal().len(), usize::from(length));
            assert!(pin.reveal().bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn rejects_lengths_outside_the_documented_range() {
        assert_eq!(Pin::generate(3), Err(PinError::Length(3)));
        assert_eq!(Pin::generate(17), Err(PinError::Length(17)));
    }

    #[test]
    fn digits_are_spread_over_all_ten_values() {
        let mut seen = [0u32; 10];
        for _ in 0..200 {
            for b in Pin::generate(16).unwrap().reveal().bytes() {
                seen[usize::from(b - b'0')] += 1;
            }
        }
        // 3,200 digits: each value expected 320 times; a broken generator
        // (constant, or skipping a digit) falls far outside this band.
        assert!(seen.iter().all(|&n| (220..=420).contains(&n)), "{seen:?}");
    }

    #[test]
    fn debug_output_is_redacted() {
        let pin = Pin::generate(6).unwrap();
        assert_eq!(format!("{pin:?}"), "Pin(<redacted>)");
        let payload = pin.to_payload(false);
        assert!(!format!("{payload:?}").contains(pin.reveal()));
    }

    #[test]
    fn hashed_payload_follows_the_documented_rule() {
        let pin = Pin::generate(16).unwrap();
        let payload = pin.to_payload(true);
        let json = serde_json::to_value(&payload).unwrap();
        let salt = json["salt"].as_str().unwrap();
        assert_eq!(json["alg"], "sha256");
        assert_eq!(json["iterations"], 1);
        assert_eq!(json["length"], 16);
        assert_eq!(json["value"].as_str().unwrap(), hash_pin(salt, pin.reveal()));
        assert!(!json.to_string().contains(pin.reveal()));
    }

    #[test]
    fn hash_matches_a_known_vector() {
        // printf 'salt1234' | sha256sum | xxd -r -p | base64
        assert_eq!(
            hash_pin("salt", "1234"),
            "6jKWHb1XnvVpfDZ/kmeSHuB/FNd/stT7lQDUIh1hVpU="
        );
    }
}
