//! Auth0's `custom_password_hash` object, as its bulk user import takes it:
//! `{algorithm, hash: {value, encoding?, digest?, key?: {value, encoding?}}, salt?: {value,
//! encoding?, position?}, password?: {encoding?}, keylen?, cost?, blockSize?, parallelization?}`.
//! The rules (defaults, which encodings each algorithm takes, what a salt means) are those of
//! "Bulk User Import Database Schema and Examples",
//! <https://auth0.com/docs/manage-users/user-migration/bulk-user-import-database-schema-and-examples>.
//!
//! argon2 hashes become PHC strings for the argon2 path; bcrypt, PBKDF2 and scrypt are kept as
//! they came (slow); MD4/MD5/SHA-x, HMAC and LDAP digests are fast, and wrapped at import.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use super::{Imported, LegacyHash, LegacyHashError, decode_base64};

/// PBKDF2's parameters when the PHC string leaves them out (Auth0's documented defaults).
const PBKDF2_DEFAULT_ITERATIONS: u32 = 100_000;
const PBKDF2_DEFAULT_LENGTH: usize = 64;

/// Ceilings on the work one imported hash may ask of a login: a hash beyond them would hold a
/// hashing thread for minutes at every attempt (or its memory for good), and no platform
/// makes such hashes for passwords.
const MAX_BCRYPT_COST: u32 = 16;
const MAX_PBKDF2_ITERATIONS: u32 = 5_000_000;
const MAX_MEMORY_BYTES: u64 = 256 * 1024 * 1024;
const MAX_SCRYPT_PARALLELIZATION: u32 = 16;
/// A derived key longer than this is no password hash.
const MAX_KEY_LENGTH: usize = 1024;

const ALGORITHMS: &str =
    "argon2, bcrypt, hmac, ldap, md4, md5, sha1, sha256, sha512, pbkdf2, scrypt";
const DIGESTS: &str = "md4, md5, sha1, sha224, sha256, sha384, sha512";
const LDAP_SCHEMES: &str =
    "{MD5}, {SMD5}, {SHA}, {SSHA}, {SHA<n>} and {SSHA<n>} for n = 224, 256, 384, 512";

/// Reads one `custom_password_hash` object.
pub fn parse(value: &Value) -> Result<Imported, LegacyHashError> {
    let object = value
        .as_object()
        .ok_or_else(|| fail("custom_password_hash must be an object"))?;
    only_fields(
        object,
        "custom_password_hash",
        &[
            "algorithm",
            "hash",
            "salt",
            "password",
            "keylen",
            "cost",
            "blockSize",
            "parallelization",
        ],
    )?;
    let algorithm = object
        .get("algorithm")
        .and_then(Value::as_str)
        .ok_or_else(|| fail(format!("algorithm must be one of {ALGORITHMS}")))?;
    let hash = object
        .get("hash")
        .ok_or_else(|| fail("hash is missing"))?
        .as_object()
        .ok_or_else(|| fail("hash must be an object {value, encoding}"))?;
    only_fields(hash, "hash", &["value", "encoding", "digest", "key"])?;
    let hash_value = hash
        .get("value")
        .ok_or_else(|| fail("hash.value is missing"))?
        .as_str()
        .ok_or_else(|| fail("hash.value must be a string"))?;
    let hash_encoding = encoding(hash, "encoding", "hash.encoding")?;
    let salt = salt(object)?;
    let password = password_encoding(object)?;
    if algorithm != "hmac" && (hash.contains_key("digest") || hash.contains_key("key")) {
        return Err(fail(
            "hash.digest and hash.key belong to algorithm hmac only",
        ));
    }

    let inner = match algorithm {
        "argon2" => {
            text_only(hash_encoding, "argon2")?;
            no_salt(salt.as_ref(), "argon2")?;
            if password != PasswordEncoding::Utf8 {
                // The argon2 path verifies the password's UTF-8 bytes, nothing else.
                return Err(fail(
                    "argon2 hashes are taken with password.encoding utf8 only",
                ));
            }
            return argon2_phc(hash_value).map(Imported::Argon2);
        }
        "bcrypt" => {
            text_only(hash_encoding, "bcrypt")?;
            bcrypt_hash(hash_value)?;
            Inner::Bcrypt {
                hash: hash_value.to_owned(),
                salt,
                password,
            }
        }
        "md4" | "md5" | "sha1" | "sha256" | "sha512" => {
            let digest = match algorithm {
                "md4" => Digest::Md4,
                "md5" => Digest::Md5,
                "sha1" => Digest::Sha1,
                "sha256" => Digest::Sha256,
                _ => Digest::Sha512,
            };
            let value = binary_value(hash_value, hash_encoding, algorithm)?;
            if value.len() != digest.output_len() {
                return Err(fail(format!(
                    "hash.value is not a {algorithm} digest (wrong length)"
                )));
            }
            Inner::Digest {
                digest,
                salt,
                password,
                value,
            }
        }
        "hmac" => {
            let digest = match hash.get("digest").and_then(Value::as_str) {
                Some(name) => Digest::from_name(name).ok_or_else(|| {
                    fail(format!("hash.digest is not one taken here ({DIGESTS})"))
                })?,
                None => {
                    return Err(fail(format!(
                        "hash.digest ({DIGESTS}) is required with algorithm hmac"
                    )));
                }
            };
            let key = hash
                .get("key")
                .ok_or_else(|| fail("hash.key is required with algorithm hmac"))?
                .as_object()
                .ok_or_else(|| fail("hash.key must be an object {value, encoding}"))?;
            only_fields(key, "hash.key", &["value", "encoding"])?;
            let key_value = key
                .get("value")
                .and_then(Value::as_str)
                .ok_or_else(|| fail("hash.key.value is missing"))?;
            let key_encoding =
                encoding(key, "encoding", "hash.key.encoding")?.unwrap_or(Encoding::Utf8);
            let key = decode(key_value, key_encoding, "hash.key.value")?;
            let value = binary_value(hash_value, hash_encoding, "hmac")?;
            if value.len() != digest.output_len() {
                return Err(fail(
                    "hash.value is not an HMAC of hash.digest (wrong length)",
                ));
            }
            Inner::Hmac {
                digest,
                key,
                salt,
                password,
                value,
            }
        }
        "ldap" => {
            text_only(hash_encoding, "ldap")?;
            no_salt(salt.as_ref(), "ldap")?;
            let (scheme, value, salt) = ldap_value(hash_value)?;
            Inner::Ldap {
                scheme,
                salt,
                password,
                value,
            }
        }
        "pbkdf2" => {
            text_only(hash_encoding, "pbkdf2")?;
            no_salt(salt.as_ref(), "pbkdf2")?;
            let (digest, iterations, salt, value) = pbkdf2_phc(hash_value)?;
            Inner::Pbkdf2 {
                digest,
                iterations,
                salt,
                password,
                value,
            }
        }
        "scrypt" => {
            let value = binary_value(hash_value, hash_encoding, "scrypt")?;
            let keylen = positive_integer(object, "keylen")?
                .ok_or_else(|| fail("keylen is required with algorithm scrypt"))?;
            let keylen = usize::try_from(keylen)
                .ok()
                .filter(|&keylen| keylen <= MAX_KEY_LENGTH)
                .ok_or_else(|| fail(format!("keylen above {MAX_KEY_LENGTH} is not taken")))?;
            if value.len() != keylen {
                return Err(fail("hash.value is not keylen bytes long"));
            }
            let cost = positive_integer(object, "cost")?.unwrap_or(16_384);
            if cost < 2 || !cost.is_power_of_two() {
                return Err(fail("cost must be a power of two greater than one"));
            }
            let block_size = positive_integer(object, "blockSize")?.unwrap_or(8);
            let parallelization = positive_integer(object, "parallelization")?.unwrap_or(1);
            let memory = 128u64.saturating_mul(cost).saturating_mul(block_size);
            if memory > MAX_MEMORY_BYTES {
                return Err(fail(
                    "cost x blockSize asks for more than 256 MiB, which is not taken",
                ));
            }
            let (Ok(r), Ok(p)) = (u32::try_from(block_size), u32::try_from(parallelization)) else {
                return Err(fail("blockSize or parallelization is out of range"));
            };
            if p > MAX_SCRYPT_PARALLELIZATION {
                return Err(fail(format!(
                    "parallelization above {MAX_SCRYPT_PARALLELIZATION} is not taken"
                )));
            }
            let log_n =
                u8::try_from(cost.trailing_zeros()).map_err(|_| fail("cost is out of range"))?;
            scrypt::Params::new(log_n, r, p, 32).map_err(|_| {
                fail("cost, blockSize and parallelization are not valid scrypt parameters")
            })?;
            Inner::Scrypt {
                log_n,
                r,
                p,
                salt: salt.map(|salt| salt.bytes).unwrap_or_default(),
                password,
                value,
            }
        }
        _ => return Err(fail(format!("algorithm must be one of {ALGORITHMS}"))),
    };
    Ok(Imported::Legacy(LegacyHash::Auth0(Auth0Hash(inner))))
}

/// A password hash from Auth0's bulk import, in the form it is kept (decoded bytes, the
/// encodings resolved to what a login needs).
#[derive(Clone, Serialize, Deserialize)]
pub struct Auth0Hash(Inner);

impl std::fmt::Debug for Auth0Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use super::Scheme as _;
        write!(f, "Auth0Hash({})", self.scheme())
    }
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(tag = "algorithm", rename_all = "lowercase")]
enum Inner {
    /// `digest(salted password)`.
    Digest {
        digest: Digest,
        salt: Option<Salt>,
        password: PasswordEncoding,
        #[serde(with = "super::hex_bytes")]
        value: Vec<u8>,
    },
    /// `HMAC-digest(key, salted password)`. Auth0 documents no salt for HMAC; one given is
    /// applied to the password as for a plain digest rather than dropped.
    Hmac {
        digest: Digest,
        #[serde(with = "super::hex_bytes")]
        key: Vec<u8>,
        salt: Option<Salt>,
        password: PasswordEncoding,
        #[serde(with = "super::hex_bytes")]
        value: Vec<u8>,
    },
    /// RFC 2307 `userPassword`: `digest(password || salt)`; the salt came after the digest in
    /// the value and is kept apart, so that the wrapped value is the digest alone.
    Ldap {
        scheme: LdapScheme,
        #[serde(with = "super::hex_bytes")]
        salt: Vec<u8>,
        password: PasswordEncoding,
        #[serde(with = "super::hex_bytes")]
        value: Vec<u8>,
    },
    /// A `$2a$`/`$2b$`/`$2y$` string, of the salted password when a salt came with it.
    Bcrypt {
        hash: String,
        salt: Option<Salt>,
        password: PasswordEncoding,
    },
    Pbkdf2 {
        digest: Digest,
        iterations: u32,
        #[serde(with = "super::hex_bytes")]
        salt: Vec<u8>,
        password: PasswordEncoding,
        #[serde(with = "super::hex_bytes")]
        value: Vec<u8>,
    },
    Scrypt {
        log_n: u8,
        r: u32,
        p: u32,
        #[serde(with = "super::hex_bytes")]
        salt: Vec<u8>,
        password: PasswordEncoding,
        #[serde(with = "super::hex_bytes")]
        value: Vec<u8>,
    },
}

impl super::Scheme for Auth0Hash {
    fn scheme(&self) -> &'static str {
        match &self.0 {
            Inner::Digest { digest, .. } => match digest {
                Digest::Md4 => "auth0-md4",
                Digest::Md5 => "auth0-md5",
                Digest::Sha1 => "auth0-sha1",
                Digest::Sha224 => "auth0-sha224",
                Digest::Sha256 => "auth0-sha256",
                Digest::Sha384 => "auth0-sha384",
                Digest::Sha512 => "auth0-sha512",
            },
            Inner::Hmac { digest, .. } => match digest {
                Digest::Md4 => "auth0-hmac-md4",
                Digest::Md5 => "auth0-hmac-md5",
                Digest::Sha1 => "auth0-hmac-sha1",
                Digest::Sha224 => "auth0-hmac-sha224",
                Digest::Sha256 => "auth0-hmac-sha256",
                Digest::Sha384 => "auth0-hmac-sha384",
                Digest::Sha512 => "auth0-hmac-sha512",
            },
            Inner::Ldap { scheme, .. } => scheme.name(),
            Inner::Bcrypt { .. } => "auth0-bcrypt",
            Inner::Pbkdf2 { digest, .. } => match digest {
                Digest::Md4 => "auth0-pbkdf2-md4",
                Digest::Md5 => "auth0-pbkdf2-md5",
                Digest::Sha1 => "auth0-pbkdf2-sha1",
                Digest::Sha224 => "auth0-pbkdf2-sha224",
                Digest::Sha256 => "auth0-pbkdf2-sha256",
                Digest::Sha384 => "auth0-pbkdf2-sha384",
                Digest::Sha512 => "auth0-pbkdf2-sha512",
            },
            Inner::Scrypt { .. } => "auth0-scrypt",
        }
    }

    fn verify(&self, password: &[u8]) -> bool {
        match &self.0 {
            Inner::Digest { value, .. } | Inner::Hmac { value, .. } | Inner::Ldap { value, .. } => {
                match self.compute(password) {
                    Some(computed) => computed.ct_eq(value).into(),
                    None => false,
                }
            }
            Inner::Bcrypt {
                hash,
                salt,
                password: encoding,
            } => {
                let Some(input) = salted_password(*encoding, salt.as_ref(), password) else {
                    return false;
                };
                // The crate truncates at bcrypt's 72 bytes, salt included, as Auth0 does.
                bcrypt::verify(input.as_ref(), hash).unwrap_or(false)
            }
            Inner::Pbkdf2 {
                digest,
                iterations,
                salt,
                password: encoding,
                value,
            } => {
                let Some(input) = encoding.encode(password) else {
                    return false;
                };
                let mut computed = vec![0u8; value.len()];
                digest.pbkdf2(&input, salt, *iterations, &mut computed);
                computed.ct_eq(value).into()
            }
            Inner::Scrypt {
                log_n,
                r,
                p,
                salt,
                password: encoding,
                value,
            } => {
                let Some(input) = encoding.encode(password) else {
                    return false;
                };
                // The length given to `Params` only matters to scrypt's PHC form; the output
                // buffer decides how many bytes are derived.
                let Ok(params) = scrypt::Params::new(*log_n, *r, *p, 32) else {
                    return false;
                };
                let mut computed = vec![0u8; value.len()];
                if value.is_empty() || scrypt::scrypt(&input, salt, &params, &mut computed).is_err()
                {
                    return false;
                }
                computed.ct_eq(value).into()
            }
        }
    }

    fn is_fast(&self) -> bool {
        matches!(
            self.0,
            Inner::Digest { .. } | Inner::Hmac { .. } | Inner::Ldap { .. }
        )
    }

    fn split_value(&self) -> (Self, Vec<u8>) {
        let mut rest = self.clone();
        let value = match &mut rest.0 {
            Inner::Digest { value, .. } | Inner::Hmac { value, .. } | Inner::Ldap { value, .. } => {
                std::mem::take(value)
            }
            Inner::Bcrypt { .. } | Inner::Pbkdf2 { .. } | Inner::Scrypt { .. } => Vec::new(),
        };
        (rest, value)
    }

    fn compute(&self, password: &[u8]) -> Option<Vec<u8>> {
        match &self.0 {
            Inner::Digest {
                digest,
                salt,
                password: encoding,
                ..
            } => {
                let input = salted_password(*encoding, salt.as_ref(), password)?;
                Some(digest.hash(&[input.as_ref()]))
            }
            Inner::Hmac {
                digest,
                key,
                salt,
                password: encoding,
                ..
            } => {
                let input = salted_password(*encoding, salt.as_ref(), password)?;
                digest.hmac(key, &input)
            }
            Inner::Ldap {
                scheme,
                salt,
                password: encoding,
                ..
            } => {
                let input = encoding.encode(password)?;
                Some(scheme.digest().hash(&[input.as_ref(), salt.as_slice()]))
            }
            Inner::Bcrypt { .. } | Inner::Pbkdf2 { .. } | Inner::Scrypt { .. } => None,
        }
    }
}

/// The digests this module computes (Auth0 also names ripemd160, whirlpool and mdc2, which are
/// refused at import).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Digest {
    Md4,
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

/// Runs `$body` with `$d` the hash type of `$digest`.
macro_rules! with_digest {
    ($digest:expr, $d:ident => $body:expr) => {
        match $digest {
            Digest::Md4 => {
                type $d = md4::Md4;
                $body
            }
            Digest::Md5 => {
                type $d = md5::Md5;
                $body
            }
            Digest::Sha1 => {
                type $d = sha1::Sha1;
                $body
            }
            Digest::Sha224 => {
                type $d = sha2::Sha224;
                $body
            }
            Digest::Sha256 => {
                type $d = sha2::Sha256;
                $body
            }
            Digest::Sha384 => {
                type $d = sha2::Sha384;
                $body
            }
            Digest::Sha512 => {
                type $d = sha2::Sha512;
                $body
            }
        }
    };
}

impl Digest {
    /// The names Auth0 gives `hash.digest`.
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "md4" => Digest::Md4,
            "md5" => Digest::Md5,
            "sha1" => Digest::Sha1,
            "sha224" => Digest::Sha224,
            "sha256" => Digest::Sha256,
            "sha384" => Digest::Sha384,
            "sha512" => Digest::Sha512,
            _ => return None,
        })
    }

    /// The OpenSSL names Auth0 takes in `$pbkdf2-<digest>$` (aliases of one digest included).
    fn from_openssl_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "md4" | "rsa-md4" | "md4withrsaencryption" => Digest::Md4,
            "md5" | "rsa-md5" | "md5withrsaencryption" | "ssl3-md5" => Digest::Md5,
            "sha1" | "rsa-sha1" | "rsa-sha1-2" | "sha1withrsaencryption" | "ssl3-sha1" => {
                Digest::Sha1
            }
            "sha224" | "rsa-sha224" | "sha224withrsaencryption" => Digest::Sha224,
            "sha256" | "rsa-sha256" | "sha256withrsaencryption" => Digest::Sha256,
            "sha384" | "rsa-sha384" | "sha384withrsaencryption" => Digest::Sha384,
            "sha512" | "rsa-sha512" | "sha512withrsaencryption" => Digest::Sha512,
            _ => return None,
        })
    }

    fn output_len(self) -> usize {
        with_digest!(self, D => <D as sha2::Digest>::output_size())
    }

    fn hash(self, parts: &[&[u8]]) -> Vec<u8> {
        with_digest!(self, D => {
            let mut hasher = <D as sha2::Digest>::new();
            for part in parts {
                sha2::Digest::update(&mut hasher, part);
            }
            sha2::Digest::finalize(hasher).to_vec()
        })
    }

    fn hmac(self, key: &[u8], message: &[u8]) -> Option<Vec<u8>> {
        use hmac::Mac as _;
        with_digest!(self, D => {
            // HMAC takes keys of any length; the error cannot happen.
            let mut mac = hmac::Hmac::<D>::new_from_slice(key).ok()?;
            mac.update(message);
            Some(mac.finalize().into_bytes().to_vec())
        })
    }

    fn pbkdf2(self, password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
        with_digest!(self, D => pbkdf2::pbkdf2_hmac::<D>(password, salt, iterations, out))
    }
}

/// RFC 2307 schemes, salted (`S...`) or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum LdapScheme {
    Md5,
    Smd5,
    Sha,
    Ssha,
    Sha224,
    Ssha224,
    Sha256,
    Ssha256,
    Sha384,
    Ssha384,
    Sha512,
    Ssha512,
}

impl LdapScheme {
    fn from_tag(tag: &str) -> Option<Self> {
        // Scheme names are case-insensitive (RFC 2307 section 5.3).
        Some(match tag.to_ascii_lowercase().as_str() {
            "md5" => LdapScheme::Md5,
            "smd5" => LdapScheme::Smd5,
            "sha" | "sha1" => LdapScheme::Sha,
            "ssha" | "ssha1" => LdapScheme::Ssha,
            "sha224" => LdapScheme::Sha224,
            "ssha224" => LdapScheme::Ssha224,
            "sha256" => LdapScheme::Sha256,
            "ssha256" => LdapScheme::Ssha256,
            "sha384" => LdapScheme::Sha384,
            "ssha384" => LdapScheme::Ssha384,
            "sha512" => LdapScheme::Sha512,
            "ssha512" => LdapScheme::Ssha512,
            _ => return None,
        })
    }

    fn digest(self) -> Digest {
        match self {
            LdapScheme::Md5 | LdapScheme::Smd5 => Digest::Md5,
            LdapScheme::Sha | LdapScheme::Ssha => Digest::Sha1,
            LdapScheme::Sha224 | LdapScheme::Ssha224 => Digest::Sha224,
            LdapScheme::Sha256 | LdapScheme::Ssha256 => Digest::Sha256,
            LdapScheme::Sha384 | LdapScheme::Ssha384 => Digest::Sha384,
            LdapScheme::Sha512 | LdapScheme::Ssha512 => Digest::Sha512,
        }
    }

    fn salted(self) -> bool {
        matches!(
            self,
            LdapScheme::Smd5
                | LdapScheme::Ssha
                | LdapScheme::Ssha224
                | LdapScheme::Ssha256
                | LdapScheme::Ssha384
                | LdapScheme::Ssha512
        )
    }

    fn name(self) -> &'static str {
        match self {
            LdapScheme::Md5 => "auth0-ldap-md5",
            LdapScheme::Smd5 => "auth0-ldap-smd5",
            LdapScheme::Sha => "auth0-ldap-sha",
            LdapScheme::Ssha => "auth0-ldap-ssha",
            LdapScheme::Sha224 => "auth0-ldap-sha224",
            LdapScheme::Ssha224 => "auth0-ldap-ssha224",
            LdapScheme::Sha256 => "auth0-ldap-sha256",
            LdapScheme::Ssha256 => "auth0-ldap-ssha256",
            LdapScheme::Sha384 => "auth0-ldap-sha384",
            LdapScheme::Ssha384 => "auth0-ldap-ssha384",
            LdapScheme::Sha512 => "auth0-ldap-sha512",
            LdapScheme::Ssha512 => "auth0-ldap-ssha512",
        }
    }
}

/// `password.encoding`: the bytes the hash was made from. A login's password arrives as UTF-8
/// and is transcoded, as Auth0 does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum PasswordEncoding {
    Utf8,
    /// Also Auth0's `ucs2` (Node.js's name for the same thing).
    Utf16le,
    /// Also `binary` and `ascii`: Node.js writes each UTF-16 code unit's low byte for all three.
    Latin1,
}

impl PasswordEncoding {
    fn encode(self, password: &[u8]) -> Option<Cow<'_, [u8]>> {
        match self {
            PasswordEncoding::Utf8 => Some(Cow::Borrowed(password)),
            PasswordEncoding::Utf16le => {
                let text = std::str::from_utf8(password).ok()?;
                Some(Cow::Owned(
                    text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
                ))
            }
            PasswordEncoding::Latin1 => {
                let text = std::str::from_utf8(password).ok()?;
                Some(Cow::Owned(
                    text.encode_utf16()
                        .map(|unit| unit.to_le_bytes()[0])
                        .collect(),
                ))
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Position {
    Prefix,
    Suffix,
}

#[derive(Clone, Serialize, Deserialize)]
struct Salt {
    #[serde(with = "super::hex_bytes")]
    bytes: Vec<u8>,
    position: Position,
}

/// The password's bytes in its encoding, with the salt before or after them.
fn salted_password<'a>(
    encoding: PasswordEncoding,
    salt: Option<&Salt>,
    password: &'a [u8],
) -> Option<Cow<'a, [u8]>> {
    let encoded = encoding.encode(password)?;
    let Some(salt) = salt else {
        return Some(encoded);
    };
    let mut joined = Vec::with_capacity(salt.bytes.len() + encoded.len());
    match salt.position {
        Position::Prefix => {
            joined.extend_from_slice(&salt.bytes);
            joined.extend_from_slice(&encoded);
        }
        Position::Suffix => {
            joined.extend_from_slice(&encoded);
            joined.extend_from_slice(&salt.bytes);
        }
    }
    Some(Cow::Owned(joined))
}

/// The encodings Auth0 names for values, salts and keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Base64,
    Hex,
    Utf8,
}

impl Encoding {
    fn name(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Hex => "hex",
            Encoding::Utf8 => "utf8",
        }
    }
}

fn fail(message: impl std::fmt::Display) -> LegacyHashError {
    LegacyHashError::new(format!("Auth0 custom_password_hash: {message}"))
}

/// Refuses fields the schema does not define (Auth0 does too: `additionalProperties: false`),
/// which also catches the older `salt_prefix`/`salt_suffix` form instead of ignoring its salt.
fn only_fields(
    object: &Map<String, Value>,
    at: &str,
    allowed: &[&str],
) -> Result<(), LegacyHashError> {
    for key in object.keys() {
        if !allowed.contains(&key.as_str()) {
            // A field's name is shown only when it looks like one, never a stray value.
            let shown =
                if key.len() <= 32 && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    format!(" ({key})")
                } else {
                    String::new()
                };
            return Err(fail(format!(
                "{at} has a field the format does not define{shown}; its fields are {}",
                allowed.join(", ")
            )));
        }
    }
    Ok(())
}

fn encoding(
    object: &Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<Option<Encoding>, LegacyHashError> {
    match object.get(key) {
        None => Ok(None),
        Some(value) => match value.as_str() {
            Some("base64") => Ok(Some(Encoding::Base64)),
            Some("hex") => Ok(Some(Encoding::Hex)),
            Some("utf8") => Ok(Some(Encoding::Utf8)),
            _ => Err(fail(format!("{at} must be one of base64, hex, utf8"))),
        },
    }
}

fn decode(text: &str, encoding: Encoding, at: &str) -> Result<Vec<u8>, LegacyHashError> {
    let decoded = match encoding {
        Encoding::Utf8 => Some(text.as_bytes().to_vec()),
        // Upper- and lower-case hex are both taken.
        Encoding::Hex => hex::decode(text).ok(),
        Encoding::Base64 => decode_base64(text),
    };
    decoded.ok_or_else(|| fail(format!("{at} is not valid {}", encoding.name())))
}

/// A digest's value: hex (the default) or base64; Auth0 takes no other for these algorithms.
fn binary_value(
    text: &str,
    encoding: Option<Encoding>,
    algorithm: &str,
) -> Result<Vec<u8>, LegacyHashError> {
    match encoding.unwrap_or(Encoding::Hex) {
        Encoding::Utf8 => Err(fail(format!(
            "hash.encoding must be hex or base64 with algorithm {algorithm}"
        ))),
        encoding => decode(text, encoding, "hash.value"),
    }
}

/// argon2, bcrypt, ldap and pbkdf2 values are strings that describe themselves.
fn text_only(encoding: Option<Encoding>, algorithm: &str) -> Result<(), LegacyHashError> {
    match encoding {
        None | Some(Encoding::Utf8) => Ok(()),
        Some(_) => Err(fail(format!(
            "hash.encoding must be utf8 with algorithm {algorithm}"
        ))),
    }
}

fn no_salt(salt: Option<&Salt>, algorithm: &str) -> Result<(), LegacyHashError> {
    match salt {
        None => Ok(()),
        Some(_) => Err(fail(format!(
            "salt is not allowed with algorithm {algorithm}: its salt is in hash.value"
        ))),
    }
}

fn salt(object: &Map<String, Value>) -> Result<Option<Salt>, LegacyHashError> {
    let Some(salt) = object.get("salt") else {
        return Ok(None);
    };
    let salt = salt
        .as_object()
        .ok_or_else(|| fail("salt must be an object {value, encoding, position}"))?;
    only_fields(salt, "salt", &["value", "encoding", "position"])?;
    let value = salt
        .get("value")
        .and_then(Value::as_str)
        .ok_or_else(|| fail("salt.value is missing"))?;
    let encoding = encoding(salt, "encoding", "salt.encoding")?.unwrap_or(Encoding::Utf8);
    let position = match salt.get("position") {
        None => Position::Prefix,
        Some(position) => match position.as_str() {
            Some("prefix") => Position::Prefix,
            Some("suffix") => Position::Suffix,
            _ => return Err(fail("salt.position must be prefix or suffix")),
        },
    };
    Ok(Some(Salt {
        bytes: decode(value, encoding, "salt.value")?,
        position,
    }))
}

fn password_encoding(object: &Map<String, Value>) -> Result<PasswordEncoding, LegacyHashError> {
    let Some(password) = object.get("password") else {
        return Ok(PasswordEncoding::Utf8);
    };
    let password = password
        .as_object()
        .ok_or_else(|| fail("password must be an object {encoding}"))?;
    only_fields(password, "password", &["encoding"])?;
    match password.get("encoding").map(Value::as_str) {
        None | Some(Some("utf8")) => Ok(PasswordEncoding::Utf8),
        Some(Some("utf16le" | "ucs2")) => Ok(PasswordEncoding::Utf16le),
        Some(Some("latin1" | "binary" | "ascii")) => Ok(PasswordEncoding::Latin1),
        Some(_) => Err(fail(
            "password.encoding must be one of ascii, utf8, utf16le, ucs2, latin1, binary",
        )),
    }
}

fn positive_integer(
    object: &Map<String, Value>,
    key: &str,
) -> Result<Option<u64>, LegacyHashError> {
    match object.get(key) {
        None => Ok(None),
        Some(value) => match value.as_u64() {
            Some(number) if number > 0 => Ok(Some(number)),
            _ => Err(fail(format!("{key} must be a positive integer"))),
        },
    }
}

/// Checks that an argon2 PHC string is one the argon2 path can verify, and returns it.
fn argon2_phc(phc: &str) -> Result<String, LegacyHashError> {
    let parsed = argon2::PasswordHash::new(phc).map_err(|_| {
        fail("hash.value is not a PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash)")
    })?;
    argon2::Algorithm::try_from(parsed.algorithm)
        .map_err(|_| fail("hash.value is not an argon2id, argon2i or argon2d PHC string"))?;
    if let Some(version) = parsed.version {
        argon2::Version::try_from(version)
            .map_err(|_| fail("hash.value has an argon2 version other than 16 or 19"))?;
    }
    let params = argon2::Params::try_from(&parsed)
        .map_err(|_| fail("hash.value has argon2 parameters out of range"))?;
    if u64::from(params.m_cost()) * 1024 > MAX_MEMORY_BYTES {
        return Err(fail(
            "hash.value asks for more than 256 MiB of memory, which is not taken",
        ));
    }
    let mut salt = [0u8; 64];
    let salt_ok = parsed
        .salt
        .is_some_and(|salt_text| salt_text.decode_b64(&mut salt).is_ok());
    if !salt_ok || parsed.hash.is_none() {
        return Err(fail("hash.value lacks its salt or its hash"));
    }
    Ok(phc.to_owned())
}

/// Checks a bcrypt string: the prefixes Auth0 takes, a well-formed rest, a bearable cost.
fn bcrypt_hash(hash: &str) -> Result<(), LegacyHashError> {
    if !["$2a$", "$2b$", "$2y$"]
        .iter()
        .any(|prefix| hash.starts_with(prefix))
    {
        return Err(fail("hash.value must start with $2a$, $2b$ or $2y$"));
    }
    let parts: bcrypt::HashParts = hash
        .parse()
        .map_err(|_| fail("hash.value is not a well-formed bcrypt hash"))?;
    if !(4..=MAX_BCRYPT_COST).contains(&parts.get_cost()) {
        return Err(fail(format!(
            "hash.value has a bcrypt cost outside 4 to {MAX_BCRYPT_COST}"
        )));
    }
    Ok(())
}

/// `{SCHEME}base64(digest || salt)` into its scheme, digest and salt.
fn ldap_value(text: &str) -> Result<(LdapScheme, Vec<u8>, Vec<u8>), LegacyHashError> {
    let not_ldap = || {
        fail(format!(
            "hash.value must be {{SCHEME}}base64 with a scheme of {LDAP_SCHEMES}"
        ))
    };
    let (tag, body) = text
        .strip_prefix('{')
        .and_then(|rest| rest.split_once('}'))
        .ok_or_else(not_ldap)?;
    let scheme = LdapScheme::from_tag(tag).ok_or_else(not_ldap)?;
    let mut bytes =
        decode_base64(body).ok_or_else(|| fail("hash.value is not base64 after its scheme"))?;
    let length = scheme.digest().output_len();
    let fits = if scheme.salted() {
        bytes.len() > length
    } else {
        bytes.len() == length
    };
    if !fits {
        return Err(fail(
            "hash.value is not as long as its scheme's digest (and salt)",
        ));
    }
    let salt = bytes.split_off(length);
    Ok((scheme, bytes, salt))
}

/// `$pbkdf2-<digest>[$i=<iterations>,l=<length>]$<B64 salt>$<B64 hash>`.
fn pbkdf2_phc(text: &str) -> Result<(Digest, u32, Vec<u8>, Vec<u8>), LegacyHashError> {
    let format = "hash.value must be $pbkdf2-<digest>$i=<iterations>,l=<length>$<salt>$<hash>";
    let parts: Vec<&str> = text.split('$').collect();
    let (id, params, salt, hash) = match parts.as_slice() {
        ["", id, params, salt, hash] => (*id, Some(*params), *salt, *hash),
        ["", id, salt, hash] => (*id, None, *salt, *hash),
        _ => return Err(fail(format)),
    };
    let digest = id.strip_prefix("pbkdf2-").ok_or_else(|| fail(format))?;
    let digest = Digest::from_openssl_name(digest).ok_or_else(|| {
        fail(format!(
            "the pbkdf2 digest is not one taken here ({DIGESTS})"
        ))
    })?;
    let mut iterations = PBKDF2_DEFAULT_ITERATIONS;
    let mut length = None;
    for param in params.into_iter().flat_map(|params| params.split(',')) {
        match param.split_once('=') {
            Some(("i", number)) => {
                iterations = number
                    .parse()
                    .ok()
                    .filter(|&i| (1..=MAX_PBKDF2_ITERATIONS).contains(&i))
                    .ok_or_else(|| {
                        fail(format!("pbkdf2 i must be 1 to {MAX_PBKDF2_ITERATIONS}"))
                    })?;
            }
            Some(("l", number)) => {
                length = Some(
                    number
                        .parse::<usize>()
                        .map_err(|_| fail("pbkdf2 l must be a positive integer"))?,
                );
            }
            _ => return Err(fail("pbkdf2 parameters are i and l only")),
        }
    }
    let salt = decode_base64(salt).ok_or_else(|| fail("the pbkdf2 salt is not base64"))?;
    let hash = decode_base64(hash).ok_or_else(|| fail("the pbkdf2 hash is not base64"))?;
    if hash.is_empty() || hash.len() > MAX_KEY_LENGTH {
        return Err(fail("the pbkdf2 hash is empty or too long"));
    }
    // Without `l`, Auth0 derives 64 bytes: a hash of another length could never match.
    if length.unwrap_or(PBKDF2_DEFAULT_LENGTH) != hash.len() {
        return Err(fail("the pbkdf2 hash is not l bytes long"));
    }
    Ok((digest, iterations, salt, hash))
}

#[cfg(test)]
mod tests {
    use super::super::{Scheme, Stored, ToStore};
    use super::*;

    /// Auth0's sample import file, verbatim: data/bulk-import-users.json in
    /// github.com/auth0/auth0-product-education-labs (commit 0fb63a7). The file states no
    /// passwords; each was found by hashing candidates with the record's own parameters
    /// (MD5/SHA/PBKDF2/LDAP/bcrypt/argon2: "shh"; HMAC-SHA1 under the key "shh": "test").
    const SAMPLE: &str = include_str!("../../../tests/fixtures/auth0/bulk-import-users.json");

    fn sample_password(email: &str) -> &'static str {
        match email {
            "peter@contoso.com" => "test",
            _ => "shh",
        }
    }

    fn legacy(value: &Value) -> Auth0Hash {
        match parse(value).expect("parses") {
            Imported::Legacy(LegacyHash::Auth0(hash)) => hash,
            other => panic!("expected an Auth0 legacy hash, got {other:?}"),
        }
    }

    fn sample_users() -> Vec<Value> {
        serde_json::from_str::<Vec<Value>>(SAMPLE).expect("sample JSON")
    }

    #[test]
    fn every_sample_user_verifies_with_its_password_and_not_with_another() {
        let users = sample_users();
        assert_eq!(users.len(), 8);
        // One thread a user: the two PBKDF2 samples take 100,000 iterations a check, which is
        // slow in an unoptimised test build.
        let schemes: Vec<&'static str> = std::thread::scope(|scope| {
            let checks: Vec<_> = users
                .iter()
                .map(|user| scope.spawn(move || check_sample_user(user)))
                .collect();
            checks
                .into_iter()
                .map(|check| check.join().expect("the user's checks pass"))
                .collect()
        });
        assert_eq!(
            schemes,
            [
                "auth0-md4",
                "auth0-sha256",
                "auth0-bcrypt",
                "argon2",
                "auth0-pbkdf2-md4",
                "auth0-pbkdf2-sha512",
                "auth0-ldap-ssha384",
                "auth0-hmac-sha1",
            ]
        );
    }

    /// Checks one sample user's hash against its password and a wrong one; returns its scheme.
    fn check_sample_user(user: &Value) -> &'static str {
        use argon2::PasswordVerifier as _;
        let email = user["email"].as_str().expect("email");
        let password = sample_password(email);
        match parse(&user["custom_password_hash"]).expect(email) {
            Imported::Argon2(phc) => {
                let parsed = argon2::PasswordHash::new(&phc).expect("PHC");
                let argon2 = argon2::Argon2::default();
                assert!(argon2.verify_password(password.as_bytes(), &parsed).is_ok());
                assert!(argon2.verify_password(b"shhh", &parsed).is_err());
                "argon2"
            }
            Imported::Legacy(LegacyHash::Auth0(hash)) => {
                assert!(hash.verify(password.as_bytes()), "{email}");
                assert!(!hash.verify(b"shhh"), "{email}");
                if hash.is_fast() {
                    assert!(!hash.verify(b""), "{email}");
                }
                hash.scheme()
            }
            Imported::Legacy(other) => panic!("{email}: {other:?}"),
        }
    }

    #[test]
    fn fast_sample_hashes_compute_their_value_and_survive_a_json_round_trip() {
        let mut fast = 0;
        for user in sample_users() {
            let email = user["email"].as_str().expect("email");
            let Ok(Imported::Legacy(LegacyHash::Auth0(hash))) =
                parse(&user["custom_password_hash"])
            else {
                continue;
            };
            if !hash.is_fast() {
                assert_eq!(hash.compute(b"shh"), None);
                continue;
            }
            fast += 1;
            let password = sample_password(email).as_bytes();
            let (rest, value) = hash.split_value();
            assert!(!value.is_empty());
            assert_eq!(
                hash.compute(password).as_deref(),
                Some(value.as_slice()),
                "{email}"
            );
            assert_eq!(
                rest.compute(password).as_deref(),
                Some(value.as_slice()),
                "{email}"
            );
            assert_ne!(
                rest.compute(b"shhh").as_deref(),
                Some(value.as_slice()),
                "{email}"
            );
            // Without its value the hash verifies nothing.
            assert!(!rest.verify(password));

            let json = serde_json::to_string(&hash).expect("serialize");
            let back: Auth0Hash = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(back.scheme(), hash.scheme());
            assert!(back.verify(password), "{email}");
            assert!(!back.verify(b"shhh"), "{email}");
        }
        assert_eq!(fast, 4);
    }

    #[test]
    fn slow_sample_hashes_survive_a_json_round_trip() {
        let users = sample_users();
        for user in [&users[2], &users[4], &users[5]] {
            let hash = legacy(&user["custom_password_hash"]);
            assert!(!hash.is_fast());
            assert_eq!(hash.split_value().1, Vec::<u8>::new());
            let json = serde_json::to_string(&hash).expect("serialize");
            let back: Auth0Hash = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(back.scheme(), hash.scheme());
            assert_eq!(serde_json::to_string(&back).expect("serialize"), json);
        }
        // Velma's bcrypt, the quickest of them, verifies after the trip.
        let json = serde_json::to_string(&legacy(&users[2]["custom_password_hash"])).expect("json");
        let back: Auth0Hash = serde_json::from_str(&json).expect("deserialize");
        assert!(back.verify(b"shh"));
        assert!(!back.verify(b"shhh"));
    }

    #[test]
    fn stored_forms_verify_through_the_module_s_decoder() {
        let users = sample_users();
        // A fast digest: the wrap covers the hex of the digest, recomputed at login.
        let md4 = LegacyHash::Auth0(legacy(&users[0]["custom_password_hash"]));
        let ToStore::Wrap { prefix, secret } = md4.to_store() else {
            panic!("a fast hash is wrapped");
        };
        assert_eq!(secret, "01bb94ba3805d293cf9093d21514e998");
        let stored = Stored::decode(&format!(
            "{prefix}$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA"
        ))
        .expect("decodes");
        assert_eq!(stored.scheme(), "auth0-md4");
        assert!(stored.verify(b"shh", |computed, _| computed == secret));
        assert!(!stored.verify(b"shhh", |computed, _| computed == secret));

        // A slow hash is kept whole.
        let bcrypt = LegacyHash::Auth0(legacy(&users[2]["custom_password_hash"]));
        let ToStore::Ready(text) = bcrypt.to_store() else {
            panic!("a slow hash is stored as it is");
        };
        let stored = Stored::decode(&text).expect("decodes");
        assert_eq!(stored.scheme(), "auth0-bcrypt");
        assert!(stored.verify(b"shh", |_, _| false));
        assert!(!stored.verify(b"shhh", |_, _| false));
    }

    #[test]
    fn the_documentation_s_other_examples_verify() {
        // The schema's salt.position description: MD5('salt' + 'password') =
        // '67A1E09BB1F83F5007DC119C14D663AA' (upper-case hex).
        let md5 = legacy(&serde_json::json!({
            "algorithm": "md5",
            "hash": { "value": "67A1E09BB1F83F5007DC119C14D663AA", "encoding": "hex" },
            "salt": { "value": "salt", "position": "prefix" }
        }));
        assert_eq!(md5.scheme(), "auth0-md5");
        assert!(md5.verify(b"password"));
        assert!(!md5.verify(b"Password"));

        // The bcrypt section: "generated from the string hello using a cost parameter of 10".
        let bcrypt = legacy(&serde_json::json!({
            "algorithm": "bcrypt",
            "hash": { "value": "$2b$10$nFguVi9LsCAcvTZFKQlRKeLVydo8ETv483lkNsSFI/Wl1Rz1Ypo1K" }
        }));
        assert!(bcrypt.verify(b"hello"));
        assert!(!bcrypt.verify(b"hello!"));

        // The page's scrypt example user (carmella@contoso.com), whose password is "password".
        let scrypt = legacy(&serde_json::json!({
            "algorithm": "scrypt",
            "hash": {
                "value": "097f6197e1b41538f723e32aa7a68e8d76227d8e432ce5faa4882a913032db29",
                "encoding": "hex"
            },
            "salt": { "value": "abc123", "encoding": "utf8" },
            "keylen": 32,
            "cost": 4096
        }));
        assert_eq!(scrypt.scheme(), "auth0-scrypt");
        assert!(!scrypt.is_fast());
        assert!(scrypt.verify(b"password"));
        assert!(!scrypt.verify(b"passwore"));
    }

    #[test]
    fn salts_encodings_and_positions_are_applied() {
        use sha2::Digest as _;
        // SHA-1 of "pw" then the salt bytes 00 ff, given as base64url without padding.
        let expected = sha1::Sha1::digest([b'p', b'w', 0x00, 0xff]);
        let hash = legacy(&serde_json::json!({
            "algorithm": "sha1",
            "hash": { "value": hex::encode_upper(expected) },
            "salt": { "value": "AP8", "encoding": "base64", "position": "suffix" }
        }));
        assert!(hash.verify(b"pw"));
        assert!(!hash.verify(b"pW"));

        // SHA-512 of the UTF-16LE password, value in standard base64.
        use base64::Engine as _;
        let expected = sha2::Sha512::digest([b'p', 0, 0xe9, 0]);
        let hash = legacy(&serde_json::json!({
            "algorithm": "sha512",
            "hash": {
                "value": base64::engine::general_purpose::STANDARD.encode(expected),
                "encoding": "base64"
            },
            "password": { "encoding": "ucs2" }
        }));
        assert!(hash.verify("pé".as_bytes()));
        assert!(!hash.verify(b"pe"));
        let (rest, value) = hash.split_value();
        assert_eq!(rest.compute("pé".as_bytes()), Some(value));

        // MD5 of the latin1 password with a hex salt first.
        let expected = md5::Md5::digest([0xab, b'p', 0xe9]);
        let hash = legacy(&serde_json::json!({
            "algorithm": "md5",
            "hash": { "value": hex::encode(expected) },
            "salt": { "value": "AB", "encoding": "hex" },
            "password": { "encoding": "latin1" }
        }));
        assert!(hash.verify("pé".as_bytes()));
        assert!(!hash.verify("pè".as_bytes()));
    }

    #[test]
    fn hmac_ldap_and_pbkdf2_variants_verify() {
        use hmac::Mac as _;
        use sha2::Digest as _;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"key").expect("key");
        mac.update(b"saltpw");
        let hash = legacy(&serde_json::json!({
            "algorithm": "hmac",
            "hash": {
                "value": hex::encode(mac.finalize().into_bytes()),
                "digest": "sha256",
                "key": { "value": "key" }
            },
            "salt": { "value": "salt" }
        }));
        assert_eq!(hash.scheme(), "auth0-hmac-sha256");
        assert!(hash.is_fast());
        assert!(hash.verify(b"pw"));
        assert!(!hash.verify(b"pw "));

        // {SSHA}: SHA-1(password || salt) || salt; the scheme's case does not matter.
        use base64::Engine as _;
        let mut value = sha1::Sha1::digest(b"pwSALT").to_vec();
        value.extend_from_slice(b"SALT");
        let text = format!(
            "{{ssha}}{}",
            base64::engine::general_purpose::STANDARD.encode(&value)
        );
        let hash = legacy(&serde_json::json!({ "algorithm": "ldap", "hash": { "value": text } }));
        assert_eq!(hash.scheme(), "auth0-ldap-ssha");
        assert!(hash.verify(b"pw"));
        assert!(!hash.verify(b"pwSALT"));
        let (rest, digest) = hash.split_value();
        assert_eq!(digest.len(), 20);
        assert_eq!(rest.compute(b"pw"), Some(digest));

        // {MD5}, unsalted.
        let text = format!(
            "{{MD5}}{}",
            base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(b"pw"))
        );
        let hash = legacy(&serde_json::json!({ "algorithm": "ldap", "hash": { "value": text } }));
        assert_eq!(hash.scheme(), "auth0-ldap-md5");
        assert!(hash.verify(b"pw"));

        // PBKDF2 with few iterations under an OpenSSL alias of the digest.
        let mut expected = [0u8; 20];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(b"pw", b"saltsalt", 3, &mut expected);
        let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
        let text = format!(
            "$pbkdf2-RSA-SHA256$i=3,l=20${}${}",
            b64.encode(b"saltsalt"),
            b64.encode(expected)
        );
        let hash = legacy(&serde_json::json!({ "algorithm": "pbkdf2", "hash": { "value": text } }));
        assert_eq!(hash.scheme(), "auth0-pbkdf2-sha256");
        assert!(!hash.is_fast());
        assert!(hash.verify(b"pw"));
        assert!(!hash.verify(b"pv"));
    }

    #[test]
    fn debug_shows_the_scheme_only() {
        let users = sample_users();
        let hash = legacy(&users[1]["custom_password_hash"]);
        let shown = format!("{hash:?} {:?}", parse(&users[3]["custom_password_hash"]));
        assert!(shown.contains("Auth0Hash(auth0-sha256)"), "{shown}");
        assert!(
            !shown.contains("d24e794f") && !shown.contains("abc123"),
            "{shown}"
        );
        assert!(!shown.contains("J6Q/82PC"), "{shown}");
    }

    #[test]
    fn malformed_objects_are_refused_without_their_values() {
        // Every secret in these inputs carries this marker (or is one of the hex/base64 values
        // below); no error may repeat it.
        let secrets = [
            "SECRET",
            "d24e794fce503c3ddb1cd1ba1dd5d9b250cf9917336a0316fefd87fecf79200f",
            "AbuUujgF0pPPkJPSFRTpmA",
            "abc123",
            "736868",
        ];
        let digest = "d24e794fce503c3ddb1cd1ba1dd5d9b250cf9917336a0316fefd87fecf79200f";
        let cases = [
            (serde_json::json!("SECRET"), "must be an object"),
            (
                serde_json::json!({ "hash": { "value": digest } }),
                "algorithm",
            ),
            (
                serde_json::json!({ "algorithm": "rot13SECRET", "hash": { "value": digest } }),
                "argon2, bcrypt, hmac",
            ),
            (
                serde_json::json!({ "algorithm": "whirlpool", "hash": { "value": digest } }),
                "algorithm must be one of",
            ),
            (
                serde_json::json!({ "algorithm": "sha256" }),
                "hash is missing",
            ),
            (
                serde_json::json!({ "algorithm": "sha256", "hash": digest }),
                "hash must be an object",
            ),
            (
                serde_json::json!({ "algorithm": "sha256", "hash": { "value": "SECRETzz" } }),
                "hash.value is not valid hex",
            ),
            (
                serde_json::json!({ "algorithm": "sha256", "hash": { "value": "AbuUujgF0pPPkJPSFRTpmA==", "encoding": "base64" } }),
                "not a sha256 digest",
            ),
            (
                serde_json::json!({ "algorithm": "sha256", "hash": { "value": digest, "encoding": "utf8" } }),
                "hex or base64",
            ),
            (
                serde_json::json!({ "algorithm": "sha256", "hash": { "value": digest, "encoding": "rot13" } }),
                "hash.encoding must be one of",
            ),
            (
                serde_json::json!({ "algorithm": "sha256", "hash": { "value": digest }, "salt_prefix": "abc123" }),
                "(salt_prefix)",
            ),
            (
                serde_json::json!({ "algorithm": "sha256", "hash": { "value": digest }, "abc123 SECRET": 1 }),
                "does not define;",
            ),
            (
                serde_json::json!({ "algorithm": "sha256", "hash": { "value": digest }, "salt": { "value": "abc123", "position": "middle" } }),
                "salt.position",
            ),
            (
                serde_json::json!({ "algorithm": "sha256", "hash": { "value": digest }, "salt": { "value": "abc123SECRET", "encoding": "hex" } }),
                "salt.value is not valid hex",
            ),
            (
                serde_json::json!({ "algorithm": "sha256", "hash": { "value": digest }, "salt": { "position": "prefix" } }),
                "salt.value is missing",
            ),
            (
                serde_json::json!({ "algorithm": "sha256", "hash": { "value": digest }, "password": { "encoding": "ebcdic" } }),
                "password.encoding",
            ),
            (
                serde_json::json!({ "algorithm": "sha256", "hash": { "value": digest, "key": { "value": "736868" } } }),
                "hmac only",
            ),
            (
                serde_json::json!({ "algorithm": "hmac", "hash": { "value": digest, "key": { "value": "736868" } } }),
                "hash.digest",
            ),
            (
                serde_json::json!({ "algorithm": "hmac", "hash": { "value": digest, "digest": "whirlpool", "key": { "value": "736868" } } }),
                "md4, md5, sha1",
            ),
            (
                serde_json::json!({ "algorithm": "hmac", "hash": { "value": digest, "digest": "sha256" } }),
                "hash.key is required",
            ),
            (
                serde_json::json!({ "algorithm": "hmac", "hash": { "value": digest, "digest": "sha256", "key": { "value": "SECRETxx", "encoding": "hex" } } }),
                "hash.key.value is not valid hex",
            ),
            (
                serde_json::json!({ "algorithm": "hmac", "hash": { "value": digest, "digest": "sha1", "key": { "value": "736868" } } }),
                "wrong length",
            ),
            (
                serde_json::json!({ "algorithm": "bcrypt", "hash": { "value": "$2x$10$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG" } }),
                "$2a$, $2b$ or $2y$",
            ),
            (
                serde_json::json!({ "algorithm": "bcrypt", "hash": { "value": "$2b$10$SECRET" } }),
                "not a well-formed bcrypt hash",
            ),
            (
                serde_json::json!({ "algorithm": "bcrypt", "hash": { "value": "$2b$31$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG" } }),
                "bcrypt cost",
            ),
            (
                serde_json::json!({ "algorithm": "bcrypt", "hash": { "value": "$2b$10$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG", "encoding": "hex" } }),
                "must be utf8",
            ),
            (
                serde_json::json!({ "algorithm": "argon2", "hash": { "value": "argon2id:SECRET" } }),
                "PHC string",
            ),
            (
                serde_json::json!({ "algorithm": "argon2", "hash": { "value": "$argon2id$v=19$m=65536,t=2,p=1$SECRETsalt" } }),
                "lacks its salt or its hash",
            ),
            (
                serde_json::json!({ "algorithm": "argon2", "hash": { "value": "$scrypt$ln=4,r=8,p=1$SECRETsalt$SECREThashSECREThash" } }),
                "argon2id, argon2i or argon2d",
            ),
            (
                serde_json::json!({ "algorithm": "argon2", "hash": { "value": "$argon2id$v=19$m=1048576,t=2,p=1$J6Q/82PCyaNpYKRELJyTZg$m04qUAB8rexWDR4+/0f+SFB+4XMFxt7YAvAq2UycYos" } }),
                "256 MiB",
            ),
            (
                serde_json::json!({ "algorithm": "argon2", "hash": { "value": "$argon2id$v=19$m=65536,t=2,p=1$J6Q/82PCyaNpYKRELJyTZg$m04qUAB8rexWDR4+/0f+SFB+4XMFxt7YAvAq2UycYos" }, "salt": { "value": "abc123" } }),
                "salt is not allowed",
            ),
            (
                serde_json::json!({ "algorithm": "argon2", "hash": { "value": "$argon2id$v=19$m=65536,t=2,p=1$J6Q/82PCyaNpYKRELJyTZg$m04qUAB8rexWDR4+/0f+SFB+4XMFxt7YAvAq2UycYos" }, "password": { "encoding": "utf16le" } }),
                "utf8 only",
            ),
            (
                serde_json::json!({ "algorithm": "ldap", "hash": { "value": "{CRYPT}SECRETabc123" } }),
                "{SMD5}, {SHA}, {SSHA}",
            ),
            (
                serde_json::json!({ "algorithm": "ldap", "hash": { "value": "{SSHA384}AbuUujgF0pPPkJPSFRTpmA==" } }),
                "as long as",
            ),
            (
                serde_json::json!({ "algorithm": "ldap", "hash": { "value": "{SHA}SECRET!!" } }),
                "not base64",
            ),
            (
                serde_json::json!({ "algorithm": "pbkdf2", "hash": { "value": "$pbkdf2-whirlpool$i=1,l=64$abc123$AbuUujgF0pPPkJPSFRTpmA" } }),
                "pbkdf2 digest",
            ),
            (
                serde_json::json!({ "algorithm": "pbkdf2", "hash": { "value": "$pbkdf2-sha512$i=0,l=16$abc123$AbuUujgF0pPPkJPSFRTpmA" } }),
                "pbkdf2 i must be",
            ),
            (
                serde_json::json!({ "algorithm": "pbkdf2", "hash": { "value": "$pbkdf2-sha512$i=10,l=64$abc123$AbuUujgF0pPPkJPSFRTpmA" } }),
                "not l bytes long",
            ),
            (
                serde_json::json!({ "algorithm": "pbkdf2", "hash": { "value": "$pbkdf2-sha512$i=10,x=SECRET$abc123$AbuUujgF0pPPkJPSFRTpmA" } }),
                "i and l only",
            ),
            (
                serde_json::json!({ "algorithm": "pbkdf2", "hash": { "value": "SECRET" } }),
                "$pbkdf2-<digest>$",
            ),
            (
                serde_json::json!({ "algorithm": "scrypt", "hash": { "value": digest } }),
                "keylen is required",
            ),
            (
                serde_json::json!({ "algorithm": "scrypt", "hash": { "value": digest }, "keylen": 16 }),
                "not keylen bytes",
            ),
            (
                serde_json::json!({ "algorithm": "scrypt", "hash": { "value": digest }, "keylen": 32, "cost": 1000 }),
                "power of two",
            ),
            (
                serde_json::json!({ "algorithm": "scrypt", "hash": { "value": digest }, "keylen": 32, "cost": 1048576 }),
                "256 MiB",
            ),
            (
                serde_json::json!({ "algorithm": "scrypt", "hash": { "value": digest }, "keylen": -32 }),
                "keylen must be a positive integer",
            ),
        ];
        for (input, expected) in cases {
            let error = parse(&input).expect_err(expected).to_string();
            assert!(
                error.contains(expected),
                "{error:?} should say {expected:?}"
            );
            assert!(error.starts_with("Auth0 custom_password_hash: "), "{error}");
            for secret in secrets {
                assert!(!error.contains(secret), "{error:?} shows {secret:?}");
            }
        }
    }
}
