//! The staff PIN and its argon2id hash. The PIN itself lives only in a
//! zeroized buffer for the moment it is checked or hashed; what is kept (in
//! the config file) is the PHC string, e.g. `$argon2id$v=19$m=19456,t=2,p=1$…`.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use zeroize::Zeroizing;

use super::StaffError;

pub const MIN_DIGITS: usize = 4;
pub const MAX_DIGITS: usize = 12;

/// A PIN as typed: 4 to 12 digits. Its `Debug` does not show it.
pub struct StaffPin(Zeroizing<String>);

impl StaffPin {
    /// Checks the PIN rules; the error says them.
    pub fn new(text: &str) -> Result<StaffPin, StaffError> {
        let text = text.trim();
        let digits = text.chars().count();
        if !text.chars().all(|c| c.is_ascii_digit()) || !(MIN_DIGITS..=MAX_DIGITS).contains(&digits) {
            return Err(StaffError::PinRules);
        }
        Ok(StaffPin(Zeroizing::new(text.to_owned())))
    }

    /// Whether two typed PINs are the same (the "type it again" check).
    pub fn same_as(&self, other: &StaffPin) -> bool {
        use subtle::ConstantTimeEq;
        self.bytes().ct_eq(other.bytes()).into()
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl std::fmt::Debug for StaffPin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaffPin(<redacted>)")
    }
}

/// A stored PIN hash: a PHC string that names argon2id, checked when the
/// config is read so a damaged one is reported there, not at the first
/// unlock.
#[derive(Clone, PartialEq, Eq)]
pub struct PinHash(String);

impl PinHash {
    pub fn parse(text: &str) -> Result<PinHash, StaffError> {
        let text = text.trim();
        let parsed = PasswordHash::new(text).map_err(|_| StaffError::BadHash)?;
        if parsed.algorithm != argon2::Algorithm::Argon2id.ident() || parsed.hash.is_none() {
            return Err(StaffError::BadHash);
        }
        Ok(PinHash(text.to_owned()))
    }

    /// Hashes `pin` with argon2id (the crate's default cost) and a fresh
    /// random salt. Slow on purpose: call it off the async runtime.
    pub fn of(pin: &StaffPin) -> Result<PinHash, StaffError> {
        let salt = SaltString::generate(&mut OsRng);
        let hash = Argon2::default()
            .hash_password(pin.bytes(), &salt)
            .map_err(|e| StaffError::Hashing(e.to_string()))?;
        Ok(PinHash(hash.to_string()))
    }

    /// Whether `pin` is the PIN hashed here. argon2 compares the digests in
    /// constant time. Slow on purpose: call it off the async runtime.
    pub fn matches(&self, pin: &StaffPin) -> bool {
        match PasswordHash::new(&self.0) {
            Ok(hash) => Argon2::default().verify_password(pin.bytes(), &hash).is_ok(),
            Err(_) => false,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The hash is not the PIN, but it is what an offline guesser needs: keep
/// it out of logs too.
impl std::fmt::Debug for PinHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PinHash(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_4_to_12_digits() {
        for good in ["1234", "000000", "123456789012", " 2468 "] {
            assert!(StaffPin::new(good).is_ok(), "{good}");
        }
        for bad in ["", "123", "1234567890123", "12a4", "12 34", "１２３４", "-1234"] {
            let error = StaffPin::new(bad).unwrap_err();
            assert!(error.to_string().contains("4 to 12 digits"), "{bad}: {error}");
        }
    }

    #[test]
    fn hashes_verify_the_right_pin_only() {
        let pin = StaffPin::new("482913").unwrap();
        let hash = PinHash::of(&pin).unwrap();
        assert!(hash.as_str().starts_with("$argon2id$v=19$"), "{}", hash.as_str());
        assert!(!hash.as_str().contains("482913"));
        assert!(hash.matches(&pin));
        assert!(!hash.matches(&StaffPin::new("482914").unwrap()));
        // A fresh salt each time: the same PIN never hashes the same.
        assert_ne!(PinHash::of(&pin).unwrap().as_str(), hash.as_str());
        // What the config file holds parses back to a hash that verifies.
        assert!(PinHash::parse(hash.as_str()).unwrap().matches(&pin));
        assert_eq!(
            format!("{pin:?} {hash:?}"),
            "StaffPin(<redacted>) PinHash(<redacted>)"
        );
    }

    #[test]
    fn only_argon2id_phc_strings_are_hashes() {
        for bad in [
            "1234",
            "$argon2i$v=19$m=16,t=2,p=1$c29tZXNhbHQ$Z2FyYmFnZWdhcmJhZ2U",
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ",
            "$pbkdf2-sha256$i=1000$c29tZXNhbHQ$Z2FyYmFnZWdhcmJhZ2U",
        ] {
            assert!(matches!(PinHash::parse(bad), Err(StaffError::BadHash)), "{bad}");
        }
    }
}
