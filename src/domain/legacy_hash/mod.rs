//! Password hashes made by other platforms, brought in by `customers import` and verified at the
//! customer's first login, which replaces them with the configured argon2id.
//!
//! Three sources, one file each: hash strings that describe themselves ([`native`]: bcrypt, PHC,
//! Django, phpass, WordPress, Magento, Medusa), Auth0's `custom_password_hash` object
//! ([`auth0`]) and Firebase's modified scrypt ([`firebase`]). Each parses into a type that
//! implements [`Scheme`]; [`LegacyHash`] is their sum, and this module stores it.
//!
//! Stored form (the `password_hash` column; never a PHC string, so the argon2id path never
//! mistakes one for its own):
//! - `$sfl1$<scheme>$d$<base64url(JSON)>`: a slow scheme, kept as it came;
//! - `$sfl1$<scheme>$w$<base64url(JSON without the hash value)>$<argon2id PHC>`: a fast or
//!   unsalted digest, wrapped at import: the PHC string is argon2id over the hex of the legacy
//!   hash value, so the database never holds a fast hash. A login recomputes the legacy value
//!   from the password with the kept parameters and verifies it against the PHC string.
//!
//! No `Debug`, `Display` or error message here ever shows a hash value, a salt or a key.

pub mod auth0;
pub mod firebase;
pub mod native;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// What every imported scheme offers.
pub trait Scheme: Sized + Serialize + DeserializeOwned {
    /// The scheme's name: a metric label and part of the stored form (`[a-z0-9-]+`).
    fn scheme(&self) -> &'static str;
    /// Whether `password` matches, compared in constant time.
    fn verify(&self, password: &[u8]) -> bool;
    /// A fast or unsalted digest (MD4/MD5/SHA-x/HMAC/LDAP/phpass/Magento 0-1...): stored only
    /// wrapped in argon2id.
    fn is_fast(&self) -> bool;
    /// The hash value (what a wrap covers) and `self` without it. Only called when
    /// [`Scheme::is_fast`].
    fn split_value(&self) -> (Self, Vec<u8>);
    /// The hash value this scheme's parameters give `password`; works on a value-less `self`
    /// from [`Scheme::split_value`]. Only called when [`Scheme::is_fast`].
    fn compute(&self, password: &[u8]) -> Option<Vec<u8>>;
}

/// Why a hash could not be imported. The message names the format, never the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LegacyHashError(pub String);

impl LegacyHashError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// What an imported hash becomes.
pub enum Imported {
    /// An argon2 PHC string (argon2id, argon2i or argon2d): stored as it is; the login path
    /// verifies it with its own parameters and re-hashes it when they are not the configured
    /// ones.
    Argon2(String),
    Legacy(LegacyHash),
}

impl std::fmt::Debug for Imported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Imported::Argon2(_) => f.write_str("Imported::Argon2(<redacted>)"),
            Imported::Legacy(hash) => write!(f, "Imported::Legacy({})", hash.scheme()),
        }
    }
}

/// A hash made elsewhere, of any scheme this server verifies.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub enum LegacyHash {
    Native(native::NativeHash),
    Auth0(auth0::Auth0Hash),
    Firebase(firebase::FirebaseHash),
}

impl std::fmt::Debug for LegacyHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LegacyHash({})", self.scheme())
    }
}

impl LegacyHash {
    pub fn scheme(&self) -> &'static str {
        match self {
            LegacyHash::Native(hash) => hash.scheme(),
            LegacyHash::Auth0(hash) => hash.scheme(),
            LegacyHash::Firebase(hash) => hash.scheme(),
        }
    }

    pub fn is_fast(&self) -> bool {
        match self {
            LegacyHash::Native(hash) => hash.is_fast(),
            LegacyHash::Auth0(hash) => hash.is_fast(),
            LegacyHash::Firebase(hash) => hash.is_fast(),
        }
    }

    pub fn verify(&self, password: &[u8]) -> bool {
        match self {
            LegacyHash::Native(hash) => hash.verify(password),
            LegacyHash::Auth0(hash) => hash.verify(password),
            LegacyHash::Firebase(hash) => hash.verify(password),
        }
    }

    fn split_value(&self) -> (Self, Vec<u8>) {
        match self {
            LegacyHash::Native(hash) => {
                let (rest, value) = hash.split_value();
                (LegacyHash::Native(rest), value)
            }
            LegacyHash::Auth0(hash) => {
                let (rest, value) = hash.split_value();
                (LegacyHash::Auth0(rest), value)
            }
            LegacyHash::Firebase(hash) => {
                let (rest, value) = hash.split_value();
                (LegacyHash::Firebase(rest), value)
            }
        }
    }

    fn compute(&self, password: &[u8]) -> Option<Vec<u8>> {
        match self {
            LegacyHash::Native(hash) => hash.compute(password),
            LegacyHash::Auth0(hash) => hash.compute(password),
            LegacyHash::Firebase(hash) => hash.compute(password),
        }
    }
}

/// Base64 as exports write it: either alphabet, padded or not, with surrounding whitespace and
/// the non-zero trailing bits some encoders leave (Node.js reads it so).
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let standard: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            other => other,
        })
        .collect();
    LENIENT.decode(standard).ok()
}

/// Byte fields (salts, keys, values) as hex in the stored JSON; a decoding error says nothing of
/// the value.
mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        hex::decode(text).map_err(|_| serde::de::Error::custom("invalid hex"))
    }
}

/// The start of every stored legacy hash.
pub const STORED_PREFIX: &str = "$sfl1$";

/// A legacy hash as the database holds it.
pub enum Stored {
    /// A slow scheme, verified as it came.
    Direct(LegacyHash),
    /// A fast digest's parameters (without its value) and the argon2id PHC string over the
    /// value's hex.
    Wrapped { hash: LegacyHash, phc: String },
}

/// What to store for an imported hash.
pub enum ToStore {
    /// The stored form, complete.
    Ready(String),
    /// A fast digest: hash `secret` (the hex of its value) with argon2id and append the PHC
    /// string (which starts with `$`) to `prefix`.
    Wrap { prefix: String, secret: String },
}

impl LegacyHash {
    /// The stored form of this hash, or what wrapping it needs.
    pub fn to_store(&self) -> ToStore {
        if self.is_fast() {
            let (rest, value) = self.split_value();
            ToStore::Wrap {
                prefix: format!("{STORED_PREFIX}{}$w${}", self.scheme(), encode_json(&rest)),
                secret: hex::encode(value),
            }
        } else {
            ToStore::Ready(format!(
                "{STORED_PREFIX}{}$d${}",
                self.scheme(),
                encode_json(self)
            ))
        }
    }
}

fn encode_json(hash: &LegacyHash) -> String {
    use base64::Engine as _;
    // Serializing these plain records cannot fail; an empty payload would only fail to verify.
    let json = serde_json::to_vec(hash).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

fn decode_json(text: &str) -> Option<LegacyHash> {
    use base64::Engine as _;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()?;
    serde_json::from_slice(&json).ok()
}

/// The scheme of a stored legacy hash (`None` for anything else, argon2id PHC strings included).
pub fn stored_scheme(stored: &str) -> Option<&str> {
    let rest = stored.strip_prefix(STORED_PREFIX)?;
    rest.split('$').next().filter(|scheme| !scheme.is_empty())
}

impl Stored {
    /// `None` when `stored` is not a legacy hash's stored form (or is damaged).
    pub fn decode(stored: &str) -> Option<Self> {
        let rest = stored.strip_prefix(STORED_PREFIX)?;
        let mut parts = rest.splitn(4, '$');
        let scheme = parts.next()?;
        let kind = parts.next()?;
        let payload = parts.next()?;
        let hash = decode_json(payload)?;
        if hash.scheme() != scheme {
            return None;
        }
        match (kind, parts.next()) {
            ("d", None) => Some(Stored::Direct(hash)),
            // The PHC string starts with `$`, which `splitn` took as the separator.
            ("w", Some(phc)) if phc.starts_with("argon2id$") => Some(Stored::Wrapped {
                hash,
                phc: format!("${phc}"),
            }),
            _ => None,
        }
    }

    pub fn scheme(&self) -> &'static str {
        match self {
            Stored::Direct(hash) | Stored::Wrapped { hash, .. } => hash.scheme(),
        }
    }

    /// Whether `password` matches. A wrapped digest is recomputed from the password and its
    /// hex handed to `argon2_matches` with the PHC string.
    pub fn verify(&self, password: &[u8], argon2_matches: impl FnOnce(&str, &str) -> bool) -> bool {
        match self {
            Stored::Direct(hash) => hash.verify(password),
            Stored::Wrapped { hash, phc } => match hash.compute(password) {
                Some(value) => argon2_matches(&hex::encode(value), phc),
                None => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::password::Password;
    use crate::domain::password_hash::{HashParams, PasswordHashing, Verification};

    const PHPASS: &str = "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0";

    fn legacy(hash: &str) -> LegacyHash {
        match native::parse(hash) {
            Ok(Imported::Legacy(hash)) => hash,
            other => panic!("not a legacy hash: {other:?}"),
        }
    }

    fn hashing() -> PasswordHashing {
        PasswordHashing::new(HashParams::danger_insecure_for_tests()).expect("params")
    }

    fn store(hash: &LegacyHash) -> String {
        match hash.to_store() {
            ToStore::Ready(stored) => stored,
            ToStore::Wrap { prefix, secret } => {
                let phc = hashing()
                    .hash(&Password::candidate(&secret))
                    .expect("hashed");
                format!("{prefix}{phc}")
            }
        }
    }

    #[test]
    fn a_slow_scheme_is_stored_as_it_came_and_verifies_from_storage() {
        let bcrypt = bcrypt::hash("slow-password", 4).expect("bcrypt");
        let stored = store(&legacy(&bcrypt));
        assert!(stored.starts_with("$sfl1$bcrypt$d$"), "{stored}");
        assert_eq!(stored_scheme(&stored), Some("bcrypt"));
        let h = hashing();
        assert_eq!(
            h.verify(&Password::candidate("slow-password"), Some(&stored)),
            Verification::Match { needs_rehash: true }
        );
        assert_eq!(
            h.verify(&Password::candidate("slow-passwore"), Some(&stored)),
            Verification::Mismatch
        );
    }

    #[test]
    fn a_fast_digest_is_stored_only_wrapped_in_argon2id() {
        let hash = legacy(PHPASS);
        assert!(hash.is_fast());
        let stored = store(&hash);
        assert!(stored.starts_with("$sfl1$phpass$w$"), "{stored}");
        assert!(stored.contains("$argon2id$v=19$"), "{stored}");
        // Neither the digest nor its encodings are kept.
        let (_, value) = hash.split_value();
        assert!(!stored.contains("fmt"), "{stored}");
        assert!(!stored.contains(&hex::encode(&value)));
        assert!(!stored.contains("eRo7ud9Fh4E2PdI0S3r"));
        let h = hashing();
        assert_eq!(
            h.verify(&Password::candidate("test12345"), Some(&stored)),
            Verification::Match { needs_rehash: true }
        );
        assert_eq!(
            h.verify(&Password::candidate("test12346"), Some(&stored)),
            Verification::Mismatch
        );
    }

    #[test]
    fn damaged_or_foreign_stored_forms_never_verify() {
        let stored = store(&legacy(PHPASS));
        let h = hashing();
        let renamed = stored.replacen("$phpass$", "$bcrypt$", 1);
        assert!(
            Stored::decode(&renamed).is_none(),
            "the scheme must match its payload"
        );
        let nested = stored.replacen("$argon2id$", "$sfl1$", 1);
        assert!(
            Stored::decode(&nested).is_none(),
            "a wrap holds argon2id only"
        );
        for bad in [
            renamed.as_str(),
            nested.as_str(),
            "$sfl1$",
            "$sfl1$phpass$d$%%%",
        ] {
            assert_eq!(
                h.verify(&Password::candidate("test12345"), Some(bad)),
                Verification::Mismatch,
                "{bad}"
            );
        }
        assert_eq!(
            stored_scheme("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA"),
            None
        );
    }
}
