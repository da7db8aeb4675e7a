//! Argon2id password hashes in PHC string form (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
//!
//! The cost parameters travel inside each stored hash, so raising [`PasswordCost`] later only
//! affects new passwords and old ones still verify. Salts are 16 random bytes from the OS-seeded
//! `rand` generator.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

use super::AuditError;

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 8;

/// Argon2id cost: memory (KiB), passes, lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordCost {
    /// Memory, KiB.
    pub m_kib: u32,
    /// Passes over memory.
    pub t: u32,
    /// Parallel lanes.
    pub p: u32,
}

impl Default for PasswordCost {
    /// OWASP's Argon2id minimum (19 MiB, 2 passes, 1 lane): tens of ms per login on a console PC.
    fn default() -> Self {
        PasswordCost { m_kib: 19_456, t: 2, p: 1 }
    }
}

impl PasswordCost {
    /// Deliberately weak parameters so unit tests in debug builds stay fast. Never for real users.
    pub const FOR_TESTS: PasswordCost = PasswordCost { m_kib: 64, t: 1, p: 1 };

    fn hasher(self) -> Result<Argon2<'static>, AuditError> {
        let params = Params::new(self.m_kib, self.t, self.p, None).map_err(|e| AuditError::Hash(e.to_string()))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// Hash `password` into a PHC string with a fresh salt.
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String, AuditError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| AuditError::Hash(e.to_string()))?;
    let phc = cost.hasher()?.hash_password(password.as_bytes(), &salt).map_err(|e| AuditError::Hash(e.to_string()))?;
    Ok(phc.to_string())
}

/// Whether `password` matches the stored PHC string; a malformed stored hash is an error.
pub fn verify_password(password: &str, phc: &str) -> Result<bool, AuditError> {
    let parsed = PasswordHash::new(phc).map_err(|e| AuditError::Hash(e.to_string()))?;
    match Argon2::default().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(e) => Err(AuditError::Hash(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_and_wrong_password() {
        let phc = hash_password("correct horse", PasswordCost::FOR_TESTS).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{phc}");
        assert!(verify_password("correct horse", &phc).unwrap());
        assert!(!verify_password("correct hors", &phc).unwrap());
    }

    #[test]
    fn same_password_different_salt() {
        let a = hash_password("correct horse", PasswordCost::FOR_TESTS).unwrap();
        let b = hash_password("correct horse", PasswordCost::FOR_TESTS).unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn malformed_hash_is_an_error_not_a_match() {
        assert!(verify_password("x", "not a phc string").is_err());
    }
}
