//! The issuance PIN: plain or salted-hash, as the Request Service documents
//! it, and how the wallet's entry is checked against it. Kept apart so the
//! value never reaches a log: its `Debug` is redacted.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

#[derive(Clone)]
pub(crate) enum PinSpec {
    Plain {
        value: String,
        length: u8,
    },
    /// `value` is base64(sha256(salt ‖ pin)), one iteration.
    Hashed {
        value: String,
        salt: String,
        length: u8,
    },
}

impl std::fmt::Debug for PinSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            Self::Plain { .. } => "plain",
            Self::Hashed { .. } => "hashed",
        };
        f.debug_struct("PinSpec")
            .field("kind", &kind)
            .field("length", &self.length())
            .field("value", &"<redacted>")
            .finish()
    }
}

impl PinSpec {
    pub(crate) fn length(&self) -> u8 {
        match self {
            Self::Plain { length, .. } | Self::Hashed { length, .. } => *length,
        }
    }

    /// Whether the PIN the user typed is the right one.
    pub(crate) fn matches(&self, entered: &str) -> bool {
        match self {
            Self::Plain { value, .. } => value.as_bytes().ct_eq(entered.as_bytes()).into(),
            Self::Hashed { value, salt, .. } => {
                let digest = Sha256::new()
                    .chain_update(salt.as_bytes())
                    .chain_update(entered.as_bytes())
                    .finalize();
                let computed = STANDARD.encode(digest);
                computed.as_bytes().ct_eq(value.as_bytes()).into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_pin_matches_exactly() {
        let pin = PinSpec::Plain {
            value: "1234".into(),
            length: 4,
        };
        assert!(pin.matches("1234"));
        assert!(!pin.matches("1235"));
        assert!(!pin.matches("12345"));
    }

    #[test]
    fn hashed_pin_is_salt_then_pin() {
        let value = STANDARD.encode(Sha256::digest(b"pepper987654"));
        let pin = PinSpec::Hashed {
            value,
            salt: "pepper".into(),
            length: 6,
        };
        assert!(pin.matches("987654"));
        assert!(!pin.matches("987655"));
    }

    #[test]
    fn debug_hides_the_value() {
        let pin = PinSpec::Plain {
            value: "424242".into(),
            length: 6,
        };
        assert!(!format!("{pin:?}").contains("4242"));
    }
}
