//! Opaque bearer tokens in Shopify's shape (32 lowercase hex characters, 128 random bits).
//! Only their SHA-256 digest is ever stored; 128 random bits make the digest irreversible.

use rand::RngCore;
use sha2::{Digest, Sha256};

const TOKEN_BYTES: usize = 16;

/// Makes a new random token.
pub fn generate() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The digest stored in place of the token; `None` when the value cannot be one of our tokens,
/// so garbage never reaches the database.
pub fn digest(token: &str) -> Option<String> {
    let well_formed = token.len() == TOKEN_BYTES * 2
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    well_formed.then(|| hex::encode(Sha256::digest(token.as_bytes())))
}

/// A stored customer access token: which customer, since when, until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: i64,
    pub customer_id: i64,
    /// When the login that made this token happened: renewing never moves it.
    pub created_at: i64,
    pub expires_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_shopify_shape_and_differ() {
        let a = generate();
        let b = generate();
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, b);
    }

    #[test]
    fn digest_is_stable_and_rejects_malformed_tokens() {
        let token = generate();
        assert_eq!(digest(&token), digest(&token));
        assert_eq!(digest(&token).map(|d| d.len()), Some(64));
        assert_ne!(digest(&token).as_deref(), Some(token.as_str()));
        assert_eq!(digest(&token.to_uppercase()), None);
        assert_eq!(digest("short"), None);
        assert_eq!(digest(&format!("{token}0")), None);
    }
}
