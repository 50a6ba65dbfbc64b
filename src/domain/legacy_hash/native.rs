//! Password hashes that name their own format, as other platforms store them: bcrypt, argon2,
//! scrypt and pbkdf2 PHC strings (and passlib's pbkdf2), Django's pbkdf2, phpass (WordPress before
//! 6.8, phpBB), WordPress 6.8's `$wp$` bcrypt, Magento 1 and 2, and Medusa's scrypt-kdf.
//!
//! [`parse`] checks a hash completely (encodings, lengths, costs) so that an import reports a bad
//! one at once, not a customer who cannot sign in months later. Verification re-checks the costs
//! it reads back, so that a damaged stored row cannot make one login absurdly expensive.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use subtle::ConstantTimeEq;

use super::{Imported, LegacyHash, LegacyHashError, Scheme};

/// Each step doubles the work; PHP's default is 10 (12 from PHP 8.4), and 17 would take seconds.
const MAX_BCRYPT_COST: u32 = 16;
/// log2 of scrypt's N; with r = 8, 20 is 1 GiB.
const MAX_SCRYPT_LOG_N: u8 = 20;
/// scrypt's working memory, 128·r·N bytes.
const MAX_SCRYPT_MEMORY: u64 = 1 << 30;
/// scrypt's work, N·r·p (the default ln=17, r=8, p=1 is 2^20).
const MAX_SCRYPT_WORK: u64 = 1 << 24;
/// 1 GiB, libsodium's "sensitive" memory limit.
const MAX_ARGON2_MEMORY_KIB: u64 = 1 << 20;
/// Memory times passes: 1 GiB four times over, libsodium's "sensitive" setting.
const MAX_ARGON2_WORK_KIB: u64 = 4 << 20;
const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// phpass allows 2^30 MD5 rounds, minutes of work; real hashes use 2^11 (phpBB) to 2^13
/// (WordPress).
const MAX_PHPASS_LOG2: u8 = 24;
/// Magento appends a version each time it re-hashes a hash; real chains have one to three.
const MAX_MAGENTO_STEPS: usize = 4;

const UNKNOWN: &str = "unknown password hash format: expected bcrypt, argon2/scrypt/pbkdf2 PHC, \
     Django pbkdf2_sha256, phpass, WordPress $wp$, Magento hash:salt:version or a Medusa \
     scrypt-kdf hash";

/// phpass's base-64 alphabet (also its cost digit).
const ITOA64: &[u8; 64] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// What a Medusa (scrypt-kdf) hash decodes to: "scrypt", version 0, then the parameters.
const MEDUSA_MAGIC: &[u8; 7] = b"scrypt\0";
/// `MEDUSA_MAGIC`'s first six bytes in base64, how every such hash starts.
const MEDUSA_PREFIX_B64: &str = "c2NyeXB0";
const MEDUSA_LEN: usize = 96;

/// Recognises one customer's `password_hash` from an import file. Error messages name the
/// format that was expected or the limit that was passed, never any part of the hash.
pub fn parse(input: &str) -> Result<Imported, LegacyHashError> {
    // Exported spreadsheets leave spaces and line ends about; no format has them at either end.
    let input = input.trim();
    let kind = if input.is_empty() {
        return Err(error("empty password hash"));
    } else if let Some(rest) = input.strip_prefix("$wp") {
        // WordPress prefixes PHP's bcrypt string with `$wp`.
        Kind::WordpressBcrypt {
            hash: parse_bcrypt(rest, "WordPress $wp$ hash")?,
        }
    } else if input.starts_with("$2") {
        Kind::Bcrypt {
            hash: parse_bcrypt(input, "bcrypt hash")?,
        }
    } else if input.starts_with("$argon2") {
        return parse_argon2(input).map(Imported::Argon2);
    } else if input.starts_with("$scrypt$") {
        parse_scrypt_phc(input)?
    } else if input.starts_with("$pbkdf2") {
        parse_pbkdf2(input)?
    } else if input.starts_with("$P$") || input.starts_with("$H$") {
        parse_phpass(input)?
    } else if let Some(rest) = input.strip_prefix("pbkdf2_sha256$") {
        parse_django(Prf::Sha256, rest)?
    } else if let Some(rest) = input.strip_prefix("pbkdf2_sha1$") {
        parse_django(Prf::Sha1, rest)?
    } else if input.contains(':') {
        parse_magento(input)?
    } else if input.starts_with(MEDUSA_PREFIX_B64) {
        parse_medusa(input)?
    } else {
        return Err(error(UNKNOWN));
    };
    Ok(Imported::Legacy(LegacyHash::Native(NativeHash(kind))))
}

fn error(message: &str) -> LegacyHashError {
    LegacyHashError::new(message)
}

/// A hash of one of the formats [`parse`] recognises (argon2 PHC strings aside, which the login
/// path verifies itself).
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NativeHash(Kind);

impl fmt::Debug for NativeHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NativeHash({})", self.scheme())
    }
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
enum Kind {
    /// `$2a$`, `$2b$` or `$2y$`, kept as the string.
    Bcrypt { hash: String },
    /// The bcrypt string after WordPress's `$wp`.
    WordpressBcrypt { hash: String },
    /// A PHC `$scrypt$` string (the Rust `scrypt` crate, passlib).
    Scrypt {
        log_n: u8,
        r: u32,
        p: u32,
        #[serde(with = "super::hex_bytes")]
        salt: Vec<u8>,
        #[serde(with = "super::hex_bytes")]
        hash: Vec<u8>,
    },
    /// A PHC or passlib `$pbkdf2...$` string (salt decoded), or Django's (salt as text).
    Pbkdf2 {
        django: bool,
        prf: Prf,
        iterations: u32,
        #[serde(with = "super::hex_bytes")]
        salt: Vec<u8>,
        #[serde(with = "super::hex_bytes")]
        hash: Vec<u8>,
    },
    /// phpass portable hashes, `$P$` and phpBB's `$H$`; `hash` is the 16-byte MD5 digest.
    Phpass {
        log2_rounds: u8,
        salt: String,
        #[serde(with = "super::hex_bytes")]
        hash: Vec<u8>,
    },
    /// Magento's `hash:salt[:version...]`; `hash` is the last step's digest.
    Magento {
        salt: String,
        steps: Vec<MagentoStep>,
        #[serde(with = "super::hex_bytes")]
        hash: Vec<u8>,
    },
    /// Medusa's scrypt-kdf key: the 64 bytes the HMAC covers (parameters, salt, checksum) and
    /// the HMAC.
    MedusaScrypt {
        #[serde(with = "super::hex_bytes")]
        header: Vec<u8>,
        #[serde(with = "super::hex_bytes")]
        mac: Vec<u8>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Prf {
    Sha1,
    Sha256,
    Sha512,
}

impl Prf {
    fn output_len(self) -> usize {
        match self {
            Prf::Sha1 => 20,
            Prf::Sha256 => 32,
            Prf::Sha512 => 64,
        }
    }
}

/// One of the hashes a Magento password went through, oldest first. Each step hashes the salt
/// followed by the previous step's lowercase hex (the password, for the first).
#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(tag = "h", rename_all = "snake_case")]
enum MagentoStep {
    Md5,
    Sha256,
    /// Magento 1's version 2.
    Sha512,
    /// libsodium's `crypto_pwhash` (argon2id v1.3, one lane) over the salt fitted to 16 bytes.
    Argon2id {
        len: u32,
        ops: u32,
        mem_kib: u32,
    },
}

impl MagentoStep {
    fn output_len(self) -> usize {
        match self {
            MagentoStep::Md5 => 16,
            MagentoStep::Sha256 => 32,
            MagentoStep::Sha512 => 64,
            MagentoStep::Argon2id { len, .. } => usize::try_from(len).unwrap_or(usize::MAX),
        }
    }

    fn is_argon2(self) -> bool {
        matches!(self, MagentoStep::Argon2id { .. })
    }
}

impl Scheme for NativeHash {
    fn scheme(&self) -> &'static str {
        match &self.0 {
            Kind::Bcrypt { .. } => "bcrypt",
            Kind::WordpressBcrypt { .. } => "wordpress-bcrypt",
            Kind::Scrypt { .. } => "scrypt",
            Kind::Pbkdf2 { django, prf, .. } => match (django, prf) {
                (false, Prf::Sha1) => "pbkdf2-sha1",
                (false, Prf::Sha256) => "pbkdf2-sha256",
                (false, Prf::Sha512) => "pbkdf2-sha512",
                (true, Prf::Sha1) => "django-pbkdf2-sha1",
                // Django has no pbkdf2_sha512; parse never makes one.
                (true, Prf::Sha256 | Prf::Sha512) => "django-pbkdf2-sha256",
            },
            Kind::Phpass { .. } => "phpass",
            Kind::Magento { steps, .. } => {
                if steps.iter().any(|step| step.is_argon2()) {
                    "magento-argon2id"
                } else {
                    match steps.last() {
                        Some(MagentoStep::Md5) => "magento-md5",
                        Some(MagentoStep::Sha512) => "magento-sha512",
                        _ => "magento-sha256",
                    }
                }
            }
            Kind::MedusaScrypt { .. } => "medusa-scrypt",
        }
    }

    fn verify(&self, password: &[u8]) -> bool {
        match &self.0 {
            Kind::Bcrypt { hash } => bcrypt_verify(password, hash),
            Kind::WordpressBcrypt { hash } => {
                wordpress_prehash(password).is_some_and(|prehash| bcrypt_verify(&prehash, hash))
            }
            Kind::Scrypt {
                log_n,
                r,
                p,
                salt,
                hash,
            } => {
                let mut out = vec![0u8; hash.len()];
                !hash.is_empty()
                    && scrypt_into(*log_n, *r, *p, password, salt, &mut out)
                    && bool::from(out.ct_eq(hash))
            }
            Kind::Pbkdf2 {
                prf,
                iterations,
                salt,
                hash,
                ..
            } => {
                let mut out = vec![0u8; hash.len()];
                !hash.is_empty()
                    && pbkdf2_into(*prf, *iterations, password, salt, &mut out)
                    && bool::from(out.ct_eq(hash))
            }
            Kind::Phpass { hash, .. } => self.matches_value(password, hash),
            Kind::Magento { salt, steps, hash } => match magento_chain(salt, steps, password) {
                Some(value) => !hash.is_empty() && bool::from(value.ct_eq(hash)),
                None => false,
            },
            Kind::MedusaScrypt { header, mac } => medusa_verify(header, mac, password),
        }
    }

    fn is_fast(&self) -> bool {
        match &self.0 {
            Kind::Phpass { .. } => true,
            Kind::Magento { steps, .. } => !steps.iter().any(|step| step.is_argon2()),
            _ => false,
        }
    }

    fn split_value(&self) -> (Self, Vec<u8>) {
        let mut rest = self.clone();
        if !self.is_fast() {
            return (rest, Vec::new());
        }
        let value = match &mut rest.0 {
            Kind::Phpass { hash, .. } | Kind::Magento { hash, .. } => std::mem::take(hash),
            _ => Vec::new(),
        };
        (rest, value)
    }

    fn compute(&self, password: &[u8]) -> Option<Vec<u8>> {
        if !self.is_fast() {
            return None;
        }
        match &self.0 {
            Kind::Phpass {
                log2_rounds, salt, ..
            } => phpass_digest(*log2_rounds, salt.as_bytes(), password).map(|d| d.to_vec()),
            Kind::Magento { salt, steps, .. } => magento_chain(salt, steps, password),
            _ => None,
        }
    }
}

impl NativeHash {
    /// A fast scheme's value computed from `password`, compared with `value` in constant time.
    fn matches_value(&self, password: &[u8], value: &[u8]) -> bool {
        match self.compute(password) {
            Some(computed) => !value.is_empty() && bool::from(computed.ct_eq(value)),
            None => false,
        }
    }
}

// ---- bcrypt and WordPress ----

/// Checks a `$2a$`/`$2b$`/`$2y$` string without hashing anything.
fn parse_bcrypt(hash: &str, what: &str) -> Result<String, LegacyHashError> {
    let malformed = || LegacyHashError::new(format!("{what} is malformed"));
    match hash.get(..4) {
        Some("$2a$" | "$2b$" | "$2y$") => {}
        // `$2x$` marks hashes made by crypt_blowfish's sign-extension bug, which the bcrypt
        // crate does not reproduce: passwords with non-ASCII bytes would never verify.
        Some("$2x$") => {
            return Err(LegacyHashError::new(format!(
                "{what} of the $2x$ variant (crypt_blowfish's 8-bit bug) is not supported"
            )));
        }
        _ => return Err(malformed()),
    }
    let parts: bcrypt::HashParts = hash.parse().map_err(|_| malformed())?;
    let cost = parts.get_cost();
    if cost < 4 {
        return Err(malformed());
    }
    if cost > MAX_BCRYPT_COST {
        return Err(LegacyHashError::new(format!(
            "{what}: bcrypt cost above the limit of {MAX_BCRYPT_COST}"
        )));
    }
    Ok(hash.to_owned())
}

fn bcrypt_verify(password: &[u8], hash: &str) -> bool {
    // A damaged stored row must not buy an unbounded cost.
    let Ok(parts) = hash.parse::<bcrypt::HashParts>() else {
        return false;
    };
    if parts.get_cost() > MAX_BCRYPT_COST {
        return false;
    }
    // Like PHP's password_verify, bcrypt reads the first 72 bytes of the password.
    bcrypt::verify(password, hash).unwrap_or(false)
}

/// What WordPress 6.8 hands bcrypt: base64 of HMAC-SHA384 keyed "wp-sha384" over the password.
/// WordPress trims the password (PHP's `trim`) both when hashing (`wp_hash_password`) and at
/// login (`wp_authenticate`), so a hash only ever matches the trimmed password.
fn wordpress_prehash(password: &[u8]) -> Option<Vec<u8>> {
    let mut mac = Hmac::<sha2::Sha384>::new_from_slice(b"wp-sha384").ok()?;
    mac.update(php_trim(password));
    Some(STANDARD.encode(mac.finalize().into_bytes()).into_bytes())
}

/// PHP's `trim` with its default characters: space, tab, newline, return, NUL, vertical tab.
fn php_trim(bytes: &[u8]) -> &[u8] {
    let trimmed = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | b'\x0B');
    let start = bytes
        .iter()
        .position(|b| !trimmed(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !trimmed(b))
        .map_or(start, |i| i + 1);
    bytes.get(start..end).unwrap_or_default()
}

// ---- argon2 ----

/// Checks an argon2 PHC string the way the login path reads it, so that every hash imported
/// here can be verified there.
fn parse_argon2(input: &str) -> Result<String, LegacyHashError> {
    use argon2::{Algorithm, Params, PasswordHash, Version};
    let malformed = || error("argon2 PHC string is malformed");
    let parsed = PasswordHash::new(input).map_err(|_| malformed())?;
    Algorithm::try_from(parsed.algorithm).map_err(|_| malformed())?;
    if let Some(version) = parsed.version {
        Version::try_from(version).map_err(|_| malformed())?;
    }
    let params = Params::try_from(&parsed).map_err(|_| malformed())?;
    let mut buffer = [0u8; 64];
    let salt = parsed
        .salt
        .ok_or_else(malformed)?
        .decode_b64(&mut buffer)
        .map_err(|_| malformed())?;
    if salt.len() < argon2::MIN_SALT_LEN {
        return Err(malformed());
    }
    let hash = parsed.hash.ok_or_else(malformed)?;
    if hash.len() < Params::MIN_OUTPUT_LEN || hash.len() > 64 {
        return Err(malformed());
    }
    let memory = u64::from(params.m_cost());
    if memory > MAX_ARGON2_MEMORY_KIB {
        return Err(error("argon2 memory above the limit of 1 GiB"));
    }
    if memory * u64::from(params.t_cost()) > MAX_ARGON2_WORK_KIB {
        return Err(error("argon2 memory x passes above the limit of 4 GiB"));
    }
    Ok(input.to_owned())
}

// ---- scrypt ----

fn check_scrypt_cost(log_n: u8, r: u32, p: u32) -> Result<(), LegacyHashError> {
    let over = || error("scrypt cost above the limit (ln 20, 128·r·N of 1 GiB, N·r·p of 2^24)");
    if log_n > MAX_SCRYPT_LOG_N {
        return Err(over());
    }
    let n = 1u64 << log_n;
    let memory = 128u64.saturating_mul(u64::from(r)).saturating_mul(n);
    let work = n.saturating_mul(u64::from(r)).saturating_mul(u64::from(p));
    if memory > MAX_SCRYPT_MEMORY || work > MAX_SCRYPT_WORK {
        return Err(over());
    }
    // The scrypt crate's own checks (r, p > 0, N < 2^(16 r), r·p < 2^30).
    scrypt::Params::new(log_n, r, p, scrypt::Params::RECOMMENDED_LEN)
        .map_err(|_| error("scrypt parameters are invalid"))?;
    Ok(())
}

/// scrypt of `password` into `out`; false when the parameters are refused.
fn scrypt_into(log_n: u8, r: u32, p: u32, password: &[u8], salt: &[u8], out: &mut [u8]) -> bool {
    if check_scrypt_cost(log_n, r, p).is_err() {
        return false;
    }
    // The length given to Params only matters to the crate's PHC hasher; `out` sets ours.
    let Ok(params) = scrypt::Params::new(log_n, r, p, scrypt::Params::RECOMMENDED_LEN) else {
        return false;
    };
    scrypt::scrypt(password, salt, &params, out).is_ok()
}

/// `$scrypt$ln=..,r=..,p=..$<salt>$<hash>`, as the scrypt crate and passlib write it.
fn parse_scrypt_phc(input: &str) -> Result<Kind, LegacyHashError> {
    let malformed = || error("scrypt PHC string is malformed");
    let parsed = argon2::PasswordHash::new(input).map_err(|_| malformed())?;
    if parsed.version.is_some() {
        return Err(malformed());
    }
    // The scrypt crate's defaults for parameters left out.
    let (mut log_n, mut r, mut p) = (scrypt::Params::RECOMMENDED_LOG_N, 8u32, 1u32);
    for (name, value) in parsed.params.iter() {
        let value = value.decimal().map_err(|_| malformed())?;
        match name.as_str() {
            "ln" => log_n = u8::try_from(value).map_err(|_| malformed())?,
            "r" => r = value,
            "p" => p = value,
            _ => return Err(malformed()),
        }
    }
    let (salt, hash) = phc_salt_and_hash(&parsed).ok_or_else(malformed)?;
    check_scrypt_cost(log_n, r, p)?;
    Ok(Kind::Scrypt {
        log_n,
        r,
        p,
        salt,
        hash,
    })
}

/// A PHC string's salt (decoded from its base64) and hash.
fn phc_salt_and_hash(parsed: &argon2::PasswordHash<'_>) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut buffer = [0u8; 64];
    let salt = parsed.salt?.decode_b64(&mut buffer).ok()?.to_vec();
    let hash = parsed.hash?.as_bytes().to_vec();
    Some((salt, hash))
}

// ---- pbkdf2: PHC, passlib, Django ----

fn pbkdf2_into(prf: Prf, iterations: u32, password: &[u8], salt: &[u8], out: &mut [u8]) -> bool {
    if iterations == 0 || iterations > MAX_PBKDF2_ITERATIONS {
        return false;
    }
    match prf {
        Prf::Sha1 => pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, out),
        Prf::Sha256 => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, out),
        Prf::Sha512 => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, salt, iterations, out),
    }
    true
}

fn check_iterations(iterations: u32, what: &str) -> Result<u32, LegacyHashError> {
    if iterations == 0 {
        return Err(LegacyHashError::new(format!("{what} is malformed")));
    }
    if iterations > MAX_PBKDF2_ITERATIONS {
        return Err(error("pbkdf2 iterations above the limit of 10000000"));
    }
    Ok(iterations)
}

/// A decimal without sign or leading zeros (passlib and Django write no others, and neither
/// verifies one written otherwise).
fn canonical_decimal(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) || text.starts_with('0') {
        return None;
    }
    text.parse().ok()
}

/// `$pbkdf2[-sha256|-sha512]$...`: PHC (`i=`, `l=`) as the pbkdf2 crate writes it, or passlib's
/// `$<rounds>$<salt>$<hash>` in its adapted base64 (`.` for `+`, no padding).
fn parse_pbkdf2(input: &str) -> Result<Kind, LegacyHashError> {
    let malformed = || error("pbkdf2 hash is malformed");
    let fields: Vec<&str> = input.split('$').collect();
    let prf = match fields.get(1) {
        Some(&"pbkdf2") => Prf::Sha1,
        Some(&"pbkdf2-sha256") => Prf::Sha256,
        Some(&"pbkdf2-sha512") => Prf::Sha512,
        _ => return Err(malformed()),
    };
    let passlib = fields
        .get(2)
        .is_some_and(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    let (iterations, salt, hash) = if passlib {
        let [_, _, rounds, salt, hash] = fields.as_slice() else {
            return Err(malformed());
        };
        let iterations = canonical_decimal(rounds).ok_or_else(malformed)?;
        let salt = adapted_base64(salt).ok_or_else(malformed)?;
        let hash = adapted_base64(hash).ok_or_else(malformed)?;
        if hash.len() != prf.output_len() {
            return Err(malformed());
        }
        (iterations, salt, hash)
    } else {
        let parsed = argon2::PasswordHash::new(input).map_err(|_| malformed())?;
        if parsed.version.is_some() {
            return Err(malformed());
        }
        let (mut iterations, mut length) = (None, None);
        for (name, value) in parsed.params.iter() {
            let value = value.decimal().map_err(|_| malformed())?;
            match name.as_str() {
                "i" => iterations = Some(value),
                "l" => length = Some(value),
                _ => return Err(malformed()),
            }
        }
        let (salt, hash) = phc_salt_and_hash(&parsed).ok_or_else(malformed)?;
        if length.is_some_and(|l| usize::try_from(l).ok() != Some(hash.len())) {
            return Err(malformed());
        }
        (iterations.ok_or_else(malformed)?, salt, hash)
    };
    Ok(Kind::Pbkdf2 {
        django: false,
        prf,
        iterations: check_iterations(iterations, "pbkdf2 hash")?,
        salt,
        hash,
    })
}

/// passlib's "adapted base64": the standard alphabet with `.` for `+`, without padding.
fn adapted_base64(text: &str) -> Option<Vec<u8>> {
    STANDARD_NO_PAD.decode(text.replace('.', "+")).ok()
}

/// Django (and Saleor): `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`; the salt is used as
/// its UTF-8 bytes. Django compares the whole re-encoded string, so only canonical fields verify.
fn parse_django(prf: Prf, rest: &str) -> Result<Kind, LegacyHashError> {
    let what = match prf {
        Prf::Sha1 => "Django pbkdf2_sha1 hash",
        _ => "Django pbkdf2_sha256 hash",
    };
    let malformed = || LegacyHashError::new(format!("{what} is malformed"));
    let fields: Vec<&str> = rest.split('$').collect();
    let [iterations, salt, hash] = fields.as_slice() else {
        return Err(malformed());
    };
    let iterations = canonical_decimal(iterations).ok_or_else(malformed)?;
    if salt.is_empty() {
        return Err(malformed());
    }
    let hash = STANDARD.decode(hash).map_err(|_| malformed())?;
    if hash.len() != prf.output_len() {
        return Err(malformed());
    }
    Ok(Kind::Pbkdf2 {
        django: true,
        prf,
        iterations: check_iterations(iterations, what)?,
        salt: salt.as_bytes().to_vec(),
        hash,
    })
}

// ---- phpass ----

/// `$P$` or `$H$`, a cost character, 8 salt characters and the 22-character digest.
fn parse_phpass(input: &str) -> Result<Kind, LegacyHashError> {
    let malformed = || error("phpass hash is malformed");
    let bytes = input.as_bytes();
    if bytes.len() != 34 || !bytes.iter().skip(3).all(|b| ITOA64.contains(b)) {
        return Err(malformed());
    }
    let log2_rounds = bytes
        .get(3)
        .and_then(|c| ITOA64.iter().position(|a| a == c))
        .and_then(|i| u8::try_from(i).ok())
        .ok_or_else(malformed)?;
    // phpass itself only accepts 7 to 30.
    if !(7..=30).contains(&log2_rounds) {
        return Err(malformed());
    }
    if log2_rounds > MAX_PHPASS_LOG2 {
        return Err(error("phpass rounds above the limit of 2^24"));
    }
    let salt = input.get(4..12).ok_or_else(malformed)?;
    let hash = input
        .get(12..)
        .and_then(phpass_decode)
        .ok_or_else(malformed)?;
    Ok(Kind::Phpass {
        log2_rounds,
        salt: salt.to_owned(),
        hash: hash.to_vec(),
    })
}

/// phpass's `crypt_private`: MD5(salt . password), then 2^n times MD5(digest . password).
fn phpass_digest(log2_rounds: u8, salt: &[u8], password: &[u8]) -> Option<[u8; 16]> {
    if log2_rounds > MAX_PHPASS_LOG2 {
        return None;
    }
    let mut digest: [u8; 16] = md5::Md5::new()
        .chain_update(salt)
        .chain_update(password)
        .finalize()
        .into();
    for _ in 0..(1u32 << log2_rounds) {
        digest = md5::Md5::new()
            .chain_update(digest)
            .chain_update(password)
            .finalize()
            .into();
    }
    Some(digest)
}

/// phpass's `encode64`: each 3 bytes, little-endian, as 4 characters (the last byte as 2).
fn phpass_encode(digest: &[u8; 16]) -> String {
    let mut out = String::with_capacity(22);
    for chunk in digest.chunks(3) {
        let value = chunk
            .iter()
            .enumerate()
            .fold(0u32, |v, (i, b)| v | (u32::from(*b) << (8 * i)));
        for i in 0..=chunk.len() {
            let index = (value >> (6 * i)) & 0x3f;
            out.push(char::from(ITOA64[index as usize]));
        }
    }
    out
}

/// The inverse of [`phpass_encode`]; `None` for anything it would not have written.
fn phpass_decode(text: &str) -> Option<[u8; 16]> {
    if text.len() != 22 {
        return None;
    }
    let mut digest = [0u8; 16];
    let mut sextets = text
        .bytes()
        .map(|c| ITOA64.iter().position(|a| *a == c).map(|i| i as u32));
    for chunk in digest.chunks_mut(3) {
        let mut value = 0u32;
        for i in 0..=chunk.len() {
            value |= sextets.next()?? << (6 * i);
        }
        for (i, byte) in chunk.iter_mut().enumerate() {
            *byte = (value >> (8 * i)) as u8;
        }
    }
    // Unused high bits set in the last character would still decode; phpass never writes them.
    (phpass_encode(&digest) == text).then_some(digest)
}

// ---- Magento ----

/// Magento 2's `hash:salt:version[:version...]` (versions oldest first; 0 = MD5, 1 = SHA-256,
/// 2 = argon2id with libsodium's interactive limits, `3_<len>_<ops>_<mem>` = argon2id with
/// those), and Magento 1's `hash:salt`, whose digest's length names it (MD5, SHA-256 or SHA-512).
/// Magento 1 called SHA-512 version 2 too: a lone version 2 with a 128-hex-digit hash is that.
fn parse_magento(input: &str) -> Result<Kind, LegacyHashError> {
    let malformed = || error("Magento hash is malformed");
    let fields: Vec<&str> = input.split(':').collect();
    let [hash_hex, salt, versions @ ..] = fields.as_slice() else {
        return Err(malformed());
    };
    if hash_hex.is_empty() {
        return Err(malformed());
    }
    let hash = hex::decode(hash_hex).map_err(|_| malformed())?;
    let steps = match (versions, hash.len()) {
        ([], 16) => vec![MagentoStep::Md5],
        ([], 32) => vec![MagentoStep::Sha256],
        ([], 64) | (["2"], 64) => vec![MagentoStep::Sha512],
        ([], _) => return Err(malformed()),
        _ if versions.len() > MAX_MAGENTO_STEPS => {
            return Err(error("Magento hash has more versions than the limit of 4"));
        }
        _ => versions
            .iter()
            .map(|version| magento_step(version))
            .collect::<Result<Vec<_>, _>>()?,
    };
    if steps.last().map(|step| step.output_len()) != Some(hash.len()) {
        return Err(error("Magento hash length does not match its version"));
    }
    let argon2_steps = steps.iter().filter(|step| step.is_argon2()).count();
    if argon2_steps > 0 && salt.is_empty() {
        return Err(malformed());
    }
    let work: u64 = steps
        .iter()
        .map(|step| match step {
            MagentoStep::Argon2id { ops, mem_kib, .. } => u64::from(*ops) * u64::from(*mem_kib),
            _ => 0,
        })
        .sum();
    if work > MAX_ARGON2_WORK_KIB {
        return Err(error(
            "Magento argon2 memory x passes above the limit of 4 GiB",
        ));
    }
    Ok(Kind::Magento {
        salt: (*salt).to_owned(),
        steps,
        hash,
    })
}

fn magento_step(version: &str) -> Result<MagentoStep, LegacyHashError> {
    let unsupported = || error("Magento hash version not supported");
    match version {
        "0" => Ok(MagentoStep::Md5),
        "1" => Ok(MagentoStep::Sha256),
        // SODIUM_CRYPTO_SIGN_SEEDBYTES, OPSLIMIT_INTERACTIVE, MEMLIMIT_INTERACTIVE.
        "2" => Ok(MagentoStep::Argon2id {
            len: 32,
            ops: 2,
            mem_kib: 65_536,
        }),
        _ => {
            let fields: Vec<&str> = version.split('_').collect();
            let ["3", len, ops, mem] = fields.as_slice() else {
                return Err(unsupported());
            };
            let number = |text: &str| -> Result<u64, LegacyHashError> {
                if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(unsupported());
                }
                // Longer than any limit below; saturate rather than fail to parse.
                Ok(text.parse().unwrap_or(u64::MAX))
            };
            let (len, ops, mem) = (number(len)?, number(ops)?, number(mem)?);
            // libsodium's bounds for crypto_pwhash with argon2id (output 16 bytes and up, at
            // least one pass and 8 KiB); Magento's own values are 32, 2 and 64 MiB.
            if !(16..=64).contains(&len) || ops == 0 || mem < 8192 {
                return Err(unsupported());
            }
            if mem / 1024 > MAX_ARGON2_MEMORY_KIB {
                return Err(error("Magento argon2 memory above the limit of 1 GiB"));
            }
            let ops = u32::try_from(ops)
                .map_err(|_| error("Magento argon2 memory x passes above the limit of 4 GiB"))?;
            Ok(MagentoStep::Argon2id {
                len: u32::try_from(len).map_err(|_| unsupported())?,
                ops,
                // libsodium hands argon2 memlimit / 1024 KiB.
                mem_kib: u32::try_from(mem / 1024).map_err(|_| unsupported())?,
            })
        }
    }
}

/// The last step's digest of `password` through `steps`.
fn magento_chain(salt: &str, steps: &[MagentoStep], password: &[u8]) -> Option<Vec<u8>> {
    if steps.len() > MAX_MAGENTO_STEPS {
        return None;
    }
    let mut text = password.to_vec();
    let mut digest = None;
    for step in steps {
        let salt = salt.as_bytes();
        let out = match *step {
            MagentoStep::Md5 => salted_digest::<md5::Md5>(salt, &text),
            MagentoStep::Sha256 => salted_digest::<sha2::Sha256>(salt, &text),
            MagentoStep::Sha512 => salted_digest::<sha2::Sha512>(salt, &text),
            MagentoStep::Argon2id { len, ops, mem_kib } => {
                magento_argon2(&text, salt, len, ops, mem_kib)?
            }
        };
        // Each step hands the next the lowercase hex PHP's hash() and bin2hex() return.
        text = hex::encode(&out).into_bytes();
        digest = Some(out);
    }
    digest
}

fn salted_digest<D: sha2::Digest>(salt: &[u8], text: &[u8]) -> Vec<u8> {
    D::new()
        .chain_update(salt)
        .chain_update(text)
        .finalize()
        .to_vec()
}

/// Magento's `getArgonHash`: the salt cut to libsodium's 16 bytes, or repeated up to them
/// (`str_pad($salt, 16, $salt)`), then `crypto_pwhash` (argon2id v1.3, one lane).
fn magento_argon2(text: &[u8], salt: &[u8], len: u32, ops: u32, mem_kib: u32) -> Option<Vec<u8>> {
    if salt.is_empty()
        || u64::from(mem_kib) > MAX_ARGON2_MEMORY_KIB
        || u64::from(mem_kib) * u64::from(ops) > MAX_ARGON2_WORK_KIB
    {
        return None;
    }
    let mut fitted = [0u8; 16];
    for (i, byte) in fitted.iter_mut().enumerate() {
        *byte = *salt.get(i % salt.len())?;
    }
    let len = usize::try_from(len).ok()?;
    let params = argon2::Params::new(mem_kib, ops, 1, Some(len)).ok()?;
    let argon2 = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = vec![0u8; len];
    argon2.hash_password_into(text, &fitted, &mut out).ok()?;
    Some(out)
}

// ---- Medusa (scrypt-kdf) ----

/// Medusa v2's emailpass provider stores scrypt-kdf's 96-byte key in base64: "scrypt", version 0,
/// log2 N, r and p (big-endian u32s), a 32-byte salt, the first 16 bytes of SHA-256 over those
/// 48 bytes, and HMAC-SHA256 over the 64 bytes so far, keyed with bytes 32..64 of
/// scrypt(password, salt, N, r, p, 64).
fn parse_medusa(input: &str) -> Result<Kind, LegacyHashError> {
    let malformed = || error("Medusa scrypt-kdf hash is malformed");
    let raw = STANDARD.decode(input).map_err(|_| malformed())?;
    if raw.len() != MEDUSA_LEN || !raw.starts_with(MEDUSA_MAGIC) {
        return Err(malformed());
    }
    let (header, mac) = raw.split_at(64);
    let (log_n, r, p, _) = medusa_params(header).ok_or_else(malformed)?;
    let (prefix, checksum) = header.split_at(48);
    let expected = sha2::Sha256::digest(prefix);
    if expected.get(..16) != Some(checksum) {
        return Err(error(
            "Medusa scrypt-kdf hash is damaged: its checksum does not match",
        ));
    }
    check_scrypt_cost(log_n, r, p)?;
    Ok(Kind::MedusaScrypt {
        header: header.to_vec(),
        mac: mac.to_vec(),
    })
}

/// log2 N, r, p and the salt from the 64-byte header.
fn medusa_params(header: &[u8]) -> Option<(u8, u32, u32, &[u8])> {
    if header.len() != 64 {
        return None;
    }
    let log_n = *header.get(7)?;
    let r = u32::from_be_bytes(header.get(8..12)?.try_into().ok()?);
    let p = u32::from_be_bytes(header.get(12..16)?.try_into().ok()?);
    Some((log_n, r, p, header.get(16..48)?))
}

fn medusa_verify(header: &[u8], mac: &[u8], password: &[u8]) -> bool {
    let Some((log_n, r, p, salt)) = medusa_params(header) else {
        return false;
    };
    let mut key = [0u8; 64];
    if !scrypt_into(log_n, r, p, password, salt, &mut key) {
        return false;
    }
    let Ok(mut hmac) = Hmac::<sha2::Sha256>::new_from_slice(key.get(32..).unwrap_or_default())
    else {
        return false;
    };
    hmac.update(header);
    // verify_slice compares in constant time.
    hmac.verify_slice(mac).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::legacy_hash::{Stored, ToStore};

    fn native(input: &str) -> NativeHash {
        match parse(input).expect("parses") {
            Imported::Legacy(LegacyHash::Native(hash)) => hash,
            other => panic!("not a native legacy hash: {other:?}"),
        }
    }

    /// The error for `input`, checked to show none of it, nor any of `secrets` (its salt and
    /// hash parts).
    fn refused(input: &str, secrets: &[&str]) -> String {
        let message = parse(input).expect_err("refused").0;
        assert!(!message.contains(input), "{message}");
        for secret in secrets {
            assert!(!message.contains(secret), "{message}");
        }
        message
    }

    /// Fast schemes: the value split off is what `compute` gives for the right password only,
    /// a value-less hash never verifies, and the JSON form verifies like the original.
    fn check_fast(hash: &NativeHash, password: &[u8], wrong: &[u8]) {
        assert!(hash.is_fast(), "{hash:?}");
        assert!(hash.verify(password), "{hash:?}");
        assert!(!hash.verify(wrong), "{hash:?}");
        let (rest, value) = hash.split_value();
        assert!(!value.is_empty());
        assert_eq!(rest.compute(password), Some(value.clone()));
        assert_ne!(rest.compute(wrong), Some(value.clone()));
        assert!(!rest.verify(password));
        assert_eq!(rest.scheme(), hash.scheme());
        let json = serde_json::to_string(hash).expect("serializes");
        let back: NativeHash = serde_json::from_str(&json).expect("deserializes");
        assert!(back.verify(password) && !back.verify(wrong));
        let json = serde_json::to_string(&rest).expect("serializes");
        let back: NativeHash = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back.compute(password), Some(value));
        assert_eq!(
            format!("{hash:?}"),
            format!("NativeHash({})", hash.scheme())
        );
    }

    /// Slow schemes: verified as they are, and after a trip through their JSON form.
    fn check_slow(hash: &NativeHash, password: &[u8], wrong: &[u8]) {
        assert!(!hash.is_fast(), "{hash:?}");
        assert!(hash.verify(password), "{hash:?}");
        assert!(!hash.verify(wrong), "{hash:?}");
        assert_eq!(hash.compute(password), None);
        assert!(hash.split_value().1.is_empty());
        let json = serde_json::to_string(hash).expect("serializes");
        let back: NativeHash = serde_json::from_str(&json).expect("deserializes");
        assert!(back.verify(password));
        assert_eq!(
            format!("{hash:?}"),
            format!("NativeHash({})", hash.scheme())
        );
    }

    // ---- bcrypt ----

    #[test]
    fn bcrypt_public_vectors_verify() {
        // Keats/rust-bcrypt, src/lib.rs (hashes made by Python's bcrypt and by Node).
        let python = native("$2b$04$EGdrhbKUv8Oc9vGiXX0HQOxSg445d458Muh7DAHskb6QbtCvdxcie");
        assert_eq!(python.scheme(), "bcrypt");
        check_slow(
            &python,
            b"correctbatteryhorsestapler",
            b"correctbatteryhorsestaple",
        );
        let node = native("$2a$04$n4Uy0eSnMfvnESYL.bLwuuj0U/ETSsoTpRT9GVk5bektyVVa5xnIi");
        check_slow(&node, b"correctbatteryhorsestapler", b"wrong");
        // php.net, password_verify() example 1.
        let php = native("$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq");
        assert!(php.verify(b"rasmuslerdorf"));
        assert!(!php.verify(b"rasmuslerdorF"));
    }

    #[test]
    fn bcrypt_refuses_2x_high_costs_and_damage() {
        let body = "EGdrhbKUv8Oc9vGiXX0HQOxSg445d458Muh7DAHskb6QbtCvdxcie";
        let message = refused(&format!("$2x$04${body}"), &[body]);
        assert!(message.contains("$2x$"), "{message}");
        let message = refused(&format!("$2y$17${body}"), &[body]);
        assert!(message.contains("limit of 16"), "{message}");
        refused(&format!("$2y$03${body}"), &[body]);
        refused(&format!("$2y$04${}", &body[1..]), &[&body[1..]]);
        refused(&format!("$2y$04${}!", &body[1..]), &[&body[1..]]);
        refused("$2y$04$", &[]);
    }

    // ---- WordPress ----

    #[test]
    fn wordpress_bcrypt_public_vector_verifies() {
        // openwall/john issue #6016 (also hashcat's mode 35500 example). Cost 10, WordPress's
        // default: the slowest test here, about a second in a debug build.
        let hash = native("$wp$2y$10$607XKVrBjPEqujeOXNwbYuOJ.gPMd2TelMMknmeV70Kap1E81Ovo6");
        assert_eq!(hash.scheme(), "wordpress-bcrypt");
        assert!(!hash.is_fast());
        assert!(hash.verify(b"hashpwn"));
        assert!(!hash.verify(b"hashpwm"));
    }

    #[test]
    fn wordpress_bcrypt_prehashes_the_trimmed_password() {
        // Made as wp_hash_password() does, with cost 4 to keep the test quick:
        // "$wp" . password_hash(base64_encode(hash_hmac('sha384', trim($pw), 'wp-sha384', true))).
        let mut mac = Hmac::<sha2::Sha384>::new_from_slice(b"wp-sha384").expect("any key length");
        mac.update(b"pass phrase");
        let prehash = STANDARD.encode(mac.finalize().into_bytes());
        let bcrypt = bcrypt::hash_with_salt(prehash, 4, [7u8; 16])
            .expect("hashes")
            .format_for_version(bcrypt::Version::TwoY);
        let hash = native(&format!("$wp{bcrypt}"));
        check_slow(&hash, b"pass phrase", b"passphrase");
        // wp_authenticate() trims what the customer typed.
        assert!(hash.verify(b" pass phrase \n"));
        // The same string without `$wp` is plain bcrypt over the password itself.
        assert!(!native(&bcrypt).verify(b"pass phrase"));
        assert_eq!(php_trim(b" \t\0\x0Bx y\r\n"), b"x y");
        assert_eq!(php_trim(b" \n"), b"");
    }

    #[test]
    fn wordpress_refuses_what_is_not_bcrypt_after_its_prefix() {
        refused(
            "$wp$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0",
            &["9IQRaTwmfeRo7ud9Fh4E2PdI0S3r"],
        );
        refused(
            "$wp$2y$17$607XKVrBjPEqujeOXNwbYuOJ.gPMd2TelMMknmeV70Kap1E81Ovo6",
            &["607XKVrBjPEqujeOXNwbYuOJ"],
        );
    }

    // ---- argon2 ----

    #[test]
    fn argon2_phc_strings_are_kept_for_the_login_path() {
        use argon2::{PasswordHash, PasswordVerifier};
        // P-H-C/phc-winner-argon2, README.md (the command-line example).
        let phc = "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";
        match parse(phc).expect("parses") {
            Imported::Argon2(kept) => assert_eq!(kept, phc),
            other => panic!("{other:?}"),
        }
        // What is kept verifies with the argon2 crate, as the login path does.
        let parsed = PasswordHash::new(phc).expect("PHC");
        assert!(
            argon2::Argon2::default()
                .verify_password(b"password", &parsed)
                .is_ok()
        );
        assert!(
            argon2::Argon2::default()
                .verify_password(b"passwore", &parsed)
                .is_err()
        );
    }

    #[test]
    fn argon2_refuses_damage_and_absurd_memory() {
        let salt_and_hash = "c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";
        let message = refused(
            &format!("$argon2id$v=19$m=2097152,t=1,p=1${salt_and_hash}"),
            &[salt_and_hash],
        );
        assert!(message.contains("1 GiB"), "{message}");
        refused(
            &format!("$argon2id$v=19$m=1048576,t=8,p=1${salt_and_hash}"),
            &[salt_and_hash],
        );
        refused(
            &format!("$argon2id$v=19$m=65536,t=2,p=1${salt_and_hash}!"),
            &[salt_and_hash],
        );
        refused(
            "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ",
            &["c29tZXNhbHQ"],
        );
        refused(
            &format!("$argon2x$v=19$m=65536,t=2,p=1${salt_and_hash}"),
            &[salt_and_hash],
        );
    }

    // ---- scrypt ----

    #[test]
    fn scrypt_phc_verifies() {
        // passlib's documentation, docs/lib/passlib.hash.scrypt.rst (`rounds=8`); the scrypt
        // crate writes the same layout. scrypt is slow in a debug build, hence this low cost.
        let hash = native(
            "$scrypt$ln=8,r=8,p=1$WKs1xljLudd6z9kbY0wpJQ$yCR4iDZYDKv+iEJj6yHY0lv/epnfB6f/w1EbXrsJOuQ",
        );
        assert_eq!(hash.scheme(), "scrypt");
        check_slow(&hash, b"password", b"wrong");
    }

    #[test]
    fn scrypt_refuses_absurd_costs_and_damage() {
        let tail = "TmFDbA$xeR41ZKIyEGqUw22hFxMjZYok6ABzk4RpJY4c6qYE0o";
        let message = refused(&format!("$scrypt$ln=21,r=8,p=1${tail}"), &[tail]);
        assert!(message.contains("limit"), "{message}");
        refused(&format!("$scrypt$ln=20,r=16,p=1${tail}"), &[tail]);
        refused(&format!("$scrypt$ln=10,r=8,p=100000${tail}"), &[tail]);
        refused(&format!("$scrypt$ln=10,r=0,p=1${tail}"), &[tail]);
        refused(&format!("$scrypt$ln=10,r=8,p=1,x=1${tail}"), &[tail]);
        refused("$scrypt$ln=10,r=8,p=1$TmFDbA", &["TmFDbA"]);
    }

    // ---- pbkdf2 ----

    #[test]
    fn pbkdf2_phc_strings_verify() {
        // RustCrypto pbkdf2, tests/simple.rs (P "password", S "salt", 4096 rounds).
        let sha256 =
            native("$pbkdf2-sha256$i=4096,l=32$c2FsdA$xeR41ZKIyEGqUw22hFxMjZYok6ABzk4RpJY4c6qYE0o");
        assert_eq!(sha256.scheme(), "pbkdf2-sha256");
        check_slow(&sha256, b"password", b"passwore");
        // RFC 6070, third vector (P "password", S "salt", c 4096, dkLen 20).
        let sha1 = native("$pbkdf2$i=4096,l=20$c2FsdA$SwB5AbdlSJq+rUnZJvch0GWkKcE");
        assert_eq!(sha1.scheme(), "pbkdf2-sha1");
        check_slow(&sha1, b"password", b"passwore");
        // The same inputs with HMAC-SHA512, checked against OpenSSL (Node's pbkdf2Sync).
        let sha512 = native(
            "$pbkdf2-sha512$i=4096,l=64$c2FsdA$0Zexsz2wFD4BixLz0dFHnmzevcyXxcD4f2kC4HL0V7UUPzBgJkGz\
             1VzTNZiMs2uEN2Bg7NUy4Dm3QqI5Q0ry1Q",
        );
        assert_eq!(sha512.scheme(), "pbkdf2-sha512");
        check_slow(&sha512, b"password", b"passwore");
    }

    #[test]
    fn passlib_pbkdf2_strings_verify() {
        // passlib, passlib/tests/test_handlers_pbkdf2.py (known_correct_hashes).
        let sha1 = native("$pbkdf2$1212$OB.dtnSEXZK8U5cgxU/GYQ$y5LKPOplRmok7CZp/aqVDVg8zGI");
        assert_eq!(sha1.scheme(), "pbkdf2-sha1");
        check_slow(&sha1, b"password", b"passwore");
        let sha256 = native(
            "$pbkdf2-sha256$1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ",
        );
        check_slow(&sha256, b"password", b"passwore");
        let sha512 = native(
            "$pbkdf2-sha512$1212$RHY0Fr3IDMSVO/RSZyb5ow$eNLfBK.eVozomMr.1gYa17k9B7KIK25NOEshvhrSX.\
             esqY3s.FvWZViXz4KoLlQI.BzY/YTNJOiKc5gBYFYGww",
        );
        assert_eq!(sha512.scheme(), "pbkdf2-sha512");
        check_slow(&sha512, b"password", b"passwore");
    }

    #[test]
    fn pbkdf2_refuses_bad_iterations_and_damage() {
        let tail = "c2FsdA$xeR41ZKIyEGqUw22hFxMjZYok6ABzk4RpJY4c6qYE0o";
        let message = refused(&format!("$pbkdf2-sha256$i=10000001,l=32${tail}"), &[tail]);
        assert!(message.contains("10000000"), "{message}");
        refused(&format!("$pbkdf2-sha256$i=0,l=32${tail}"), &[tail]);
        refused(&format!("$pbkdf2-sha256$i=4096,l=31${tail}"), &[tail]);
        refused(&format!("$pbkdf2-sha256$l=32${tail}"), &[tail]);
        refused(&format!("$pbkdf2-md5$i=4096${tail}"), &[tail]);
        // passlib's own malformed examples: a zero-padded rounds field, an extra field.
        let passlib = "THDqatpidANpadlLeTeOEg$HV3oi1k5C5LQCgG1BMOL.BX4YZc";
        refused(&format!("$pbkdf2$01212${passlib}"), &[passlib]);
        refused(&format!("$pbkdf2$1212${passlib}$"), &[passlib]);
        // A SHA-256 checksum under the SHA-1 name.
        refused(
            "$pbkdf2$1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ",
            &["4vjV83LKPjQzk31VI4E0Vw"],
        );
    }

    // ---- Django ----

    #[test]
    fn django_pbkdf2_public_vectors_verify() {
        // django/django, django/contrib/auth/tests/hashers.py (Django 1.4/1.5: test_pkbdf2 and
        // test_low_level_pbkdf2_sha1).
        let sha256 =
            native("pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=");
        assert_eq!(sha256.scheme(), "django-pbkdf2-sha256");
        check_slow(&sha256, "lètmein".as_bytes(), "lètmeinz".as_bytes());
        let sha1 = native("pbkdf2_sha1$10000$seasalt$oAfF6vgs95ncksAhGXOWf4Okq7o=");
        assert_eq!(sha1.scheme(), "django-pbkdf2-sha1");
        check_slow(&sha1, "lètmein".as_bytes(), "letmein".as_bytes());
    }

    #[test]
    fn django_refuses_bad_iterations_and_damage() {
        let hash = "CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=";
        refused(
            &format!("pbkdf2_sha256$0$seasalt${hash}"),
            &["seasalt", hash],
        );
        let message = refused(
            &format!("pbkdf2_sha256$10000001$seasalt${hash}"),
            &["seasalt", hash],
        );
        assert!(message.contains("limit"), "{message}");
        refused(
            &format!("pbkdf2_sha256$010000$seasalt${hash}"),
            &["seasalt", hash],
        );
        refused(&format!("pbkdf2_sha256$10000$${hash}"), &[hash]);
        refused(
            "pbkdf2_sha256$10000$seasalt$CWWFdHOW!!!",
            &["seasalt", "CWWFdHOW"],
        );
        refused(
            "pbkdf2_sha256$10000$seasalt$oAfF6vgs95ncksAhGXOWf4Okq7o=",
            &["seasalt", "oAfF6vgs95ncksAhGXOWf4Okq7o"],
        );
        refused(
            &format!("pbkdf2_sha256$10000$seasalt${hash}$extra"),
            &["seasalt", hash],
        );
    }

    // ---- phpass ----

    #[test]
    fn phpass_public_vectors_verify() {
        // Openwall phpass 0.3, test.php.
        let hash = native("$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0");
        assert_eq!(hash.scheme(), "phpass");
        check_fast(&hash, b"test12345", b"test12346");
        // openwall/john, src/phpass_common_plug.c: phpBB's $H$, WordPress's cost (B = 2^13) and
        // the empty password.
        check_fast(
            &native("$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00"),
            b"test1",
            b"test2",
        );
        check_fast(
            &native("$P$B12345678L6Lpt4BxNotVIMILOa9u81"),
            b"JohnRipper",
            b"johnripper",
        );
        check_fast(&native("$P$90000000000tbNYOc9TwXvLEI62rPt1"), b"", b" ");
        check_fast(
            &native("$P$612345678si5M0DDyPpmRCmcltU/YW/"),
            b"JohnRipper",
            b"JohnRippe",
        );
    }

    #[test]
    fn phpass_encoding_round_trips() {
        let digest: [u8; 16] = core::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0xa5);
        let text = phpass_encode(&digest);
        assert_eq!(text.len(), 22);
        assert_eq!(phpass_decode(&text), Some(digest));
    }

    #[test]
    fn phpass_refuses_bad_costs_and_damage() {
        let tail = "IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0";
        // '4' is 2^6 rounds, below phpass's minimum; 'N' is 2^25, above the limit here.
        refused(&format!("$P$4{tail}"), &[tail]);
        let message = refused(&format!("$P$N{tail}"), &[tail]);
        assert!(message.contains("limit"), "{message}");
        refused(&format!("$P$9{}", &tail[1..]), &[&tail[1..]]);
        refused(&format!("$P$9{tail}x"), &[tail]);
        refused(
            "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L!",
            &["IQRaTwmfeRo7ud9Fh4E2PdI0S3r"],
        );
        // The last character carries 2 of the digest's bits; phpass never sets the other 4.
        refused(
            "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.Lz",
            &["IQRaTwmfeRo7ud9Fh4E2PdI0S3r"],
        );
    }

    // ---- Magento ----

    #[test]
    fn magento_2_md5_and_sha256_verify() {
        // magento/magento2, lib/internal/Magento/Framework/Encryption/Test/Unit/EncryptorTest.php
        // (validateHashDataProvider).
        let md5 = native("67a1e09bb1f83f5007dc119c14d663aa:salt:0");
        assert_eq!(md5.scheme(), "magento-md5");
        check_fast(&md5, b"password", b"Password");
        let sha256 =
            native("13601bda4ea78e55a07b98866d2be6be0744e3866f13c00c811cab608a28f322:salt:1");
        assert_eq!(sha256.scheme(), "magento-sha256");
        check_fast(&sha256, b"password", b"Password");
    }

    #[test]
    fn magento_1_hashes_verify() {
        // Magento 1 writes no version: the same digests as above, as `hash:salt`.
        let md5 = native("67a1e09bb1f83f5007dc119c14d663aa:salt");
        assert_eq!(md5.scheme(), "magento-md5");
        check_fast(&md5, b"password", b"Password");
        let sha256 =
            native("13601bda4ea78e55a07b98866d2be6be0744e3866f13c00c811cab608a28f322:salt");
        check_fast(&sha256, b"password", b"Password");
        // sha512($salt.$pass): hashcat, src/modules/module_01720.c (its self-test hash).
        let sha512_hex = "efc5dd0e4145970917abdc311e1d4e23ba0afa9426d960cb28569f4d585cb031af5c936f57\
                          fbcb0a08368a1b302573cf582100d40bd7c632f3d8aecd1a1a8eb1";
        let sha512 = native(&format!("{sha512_hex}:812"));
        assert_eq!(sha512.scheme(), "magento-sha512");
        check_fast(&sha512, b"hashcat", b"hashcaT");
        // Magento 1's version 2 is SHA-512: told from Magento 2's argon2 by the length.
        check_fast(
            &native(&format!("{sha512_hex}:812:2")),
            b"hashcat",
            b"hashcaT",
        );
    }

    #[test]
    fn magento_2_argon2_verifies() {
        // cyclone-github/magento_cracker, magento_v2_argon2id.py: version 2 (16-character salt)
        // and version 3 with explicit limits (32-character salt, cut to 16).
        let v2 = native(
            "a0f9f007c538cccdc8a809d76b5fc8f9b372b3c7ade7dc8f74e4aef709b727df:xBOgXnu843dmyzRM:2",
        );
        assert_eq!(v2.scheme(), "magento-argon2id");
        check_slow(&v2, b"Password@", b"Password");
        let v3 = native(
            "ab5ebf8d273b085b6a60336198e0a5a2090fdc3e0606a678315c7274ab06e046:\
             5PiKJRn28bBKoFMopMaaKuV47aJ6GzVg:3_32_2_67108864",
        );
        assert!(v3.verify(b"Password@"));
        assert!(!v3.verify(b"Password1"));
    }

    #[test]
    fn magento_upgraded_chains_verify() {
        // Computed with libsodium's crypto_pwhash (libsodium-wrappers-sumo) over the SHA-256
        // hex of the EncryptorTest vector above: the `hash:salt:1:2` layout Magento's devdocs
        // (config-guide/secy/hashing) describe for a re-hashed SHA-256 hash.
        let chain =
            native("c6aad9e058f6c4b06187c06d2b69bf506a786af030f81fb6d83778422a68205e:salt:1:2");
        assert_eq!(chain.scheme(), "magento-argon2id");
        check_slow(&chain, b"password", b"Password");
        // The same, from MD5 with a 3-byte salt that argon2 gets repeated to 16 bytes.
        let padded = native(
            "c3207752087cc6892154c8ac9b7e3f165a61641a15355a1fdf520d620f9668d3:abc:0:3_32_2_67108864",
        );
        assert!(padded.verify(b"password"));
        assert!(!padded.verify(b"passwor"));
        // Explicit, cheap limits (16-byte output, 1 pass, 8 KiB), also made with libsodium.
        let cheap = native("b4a4c42e3ca5cc652a9114308348a118:0123456789abcdefXYZ:3_16_1_8192");
        check_slow(&cheap, b"cheap-params", b"cheap-param");
    }

    #[test]
    fn magento_refuses_what_it_cannot_verify() {
        let md5 = "67a1e09bb1f83f5007dc119c14d663aa";
        let sha256 = "13601bda4ea78e55a07b98866d2be6be0744e3866f13c00c811cab608a28f322";
        for input in [
            format!("{md5}:Xq7pZw:3"),
            format!("{md5}:Xq7pZw:4"),
            format!("{md5}:Xq7pZw:x"),
            format!("{md5}:Xq7pZw:1"),
            format!("{md5}:Xq7pZw:"),
            format!("{sha256}::2"),
            format!("{sha256}:Xq7pZw:3_8_2_67108864"),
            format!("{sha256}:Xq7pZw:3_32_0_67108864"),
            format!("{sha256}:Xq7pZw:3_32_2_1024"),
            format!("{sha256}:Xq7pZw:3_32_2"),
            format!("{md5}:Xq7pZw:0:0:0:0:0"),
            format!("{}:Xq7pZw", &md5[1..]),
            format!("{}zz:Xq7pZw", &md5[2..]),
            md5.to_owned(),
            ":Xq7pZw:0".to_owned(),
        ] {
            refused(&input, &[md5, &md5[2..], sha256, "Xq7pZw"]);
        }
        let message = refused(&format!("{sha256}:Xq7pZw:3_32_2_2147483648"), &[sha256]);
        assert!(message.contains("1 GiB"), "{message}");
        let message = refused(&format!("{sha256}:Xq7pZw:3_32_9_1073741824"), &[sha256]);
        assert!(message.contains("4 GiB"), "{message}");
    }

    // ---- Medusa ----

    /// chrisveness/scrypt-kdf, test/tests-node.js (`key0salt`: logN 12, r 8, p 1, zero salt).
    const MEDUSA_PUBLIC: &str = "c2NyeXB0AAwAAAAIAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA08wOZXFAec6Si7mP1SzrmK6Pvpx2zfUEXXAuM68S4DAnUER44bh+BxsnxMC75Jgs";

    #[test]
    fn medusa_scrypt_kdf_verifies() {
        let public = native(MEDUSA_PUBLIC);
        assert_eq!(public.scheme(), "medusa-scrypt");
        assert!(!public.is_fast());
        assert!(public.verify(b"my secret password"));
        assert!(!public.verify(b"my secret passwore"));
        // Made with scrypt-kdf 4.0.0 on Node:
        // Buffer.from(await Scrypt.kdf('medusa-secret-10', { logN: 10, r: 8, p: 1 })).toString('base64')
        let made = native(
            "c2NyeXB0AAoAAAAIAAAAAXvVfaSOKI1TVTBd1cx8dUdh/Fh20BeyQZJIa+5uaXsfZW9oPOkrYjIdmbU76bOMfMNh\
             5VVCk2GO2XUgwZOab4bhOIF4Rvq4sdZRpeyoonD2",
        );
        check_slow(&made, b"medusa-secret-10", b"medusa-secret-1");
    }

    #[test]
    fn medusa_default_cost_verifies() {
        // Medusa's default hashConfig (logN 15, r 8, p 1: 32 MiB), made as above with the
        // password "supersecret". The one slow scrypt here: a few seconds in a debug build.
        let hash = native(
            "c2NyeXB0AA8AAAAIAAAAAWRJhRz1SHbljZIGF7HB/y93OcQpC3CkLE/fKjhrDALj1gc2S7jsyZ8oH65W6IOsZW/O\
             nM8BWynqDV+/y/ozkHFjPVE7Ztjqn9IQBphQ9/Mv",
        );
        assert!(hash.verify(b"supersecret"));
    }

    #[test]
    fn medusa_refuses_damage_and_absurd_costs() {
        let raw = STANDARD.decode(MEDUSA_PUBLIC).expect("base64");
        // A changed salt byte no longer matches the checksum.
        let mut damaged = raw.clone();
        damaged[20] ^= 1;
        let message = refused(&STANDARD.encode(&damaged), &[&MEDUSA_PUBLIC[8..40]]);
        assert!(message.contains("checksum"), "{message}");
        // logN 21 with a checksum that matches it.
        let mut costly = raw.clone();
        costly[7] = 21;
        let checksum = sha2::Sha256::digest(&costly[..48]);
        costly[48..64].copy_from_slice(&checksum[..16]);
        let message = refused(&STANDARD.encode(&costly), &[&MEDUSA_PUBLIC[8..40]]);
        assert!(message.contains("limit"), "{message}");
        refused(&STANDARD.encode(&raw[..95]), &[&MEDUSA_PUBLIC[8..40]]);
        refused(
            &format!("{}!", &MEDUSA_PUBLIC[..127]),
            &[&MEDUSA_PUBLIC[8..40]],
        );
    }

    // ---- everything else ----

    #[test]
    fn unknown_formats_are_refused_without_their_value() {
        for input in [
            "hunter2",
            "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/",
            "$6$rounds=5000$saltsalt$abcdef",
            "{SSHA}c2VjcmV0c2FsdA==",
            "sha1$abcd$0123456789abcdef",
            "c2NyeXB",
        ] {
            let message = refused(input, &[]);
            assert!(
                message.starts_with("unknown password hash format"),
                "{message}"
            );
        }
        assert_eq!(refused("  \n", &[]), "empty password hash");
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        let hash = native("  $P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0\r\n");
        assert!(hash.verify(b"test12345"));
    }

    #[test]
    fn stored_forms_round_trip() {
        // A fast scheme is wrapped: the secret is the hex of its value, and the stored form
        // recomputes that value from the password.
        let phpass = LegacyHash::Native(native("$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"));
        let ToStore::Wrap { prefix, secret } = phpass.to_store() else {
            panic!("phpass is wrapped");
        };
        assert!(!prefix.contains("IQRaTwmf") && !prefix.contains(&secret));
        let stored = Stored::decode(&format!("{prefix}$argon2id$placeholder")).expect("decodes");
        assert_eq!(stored.scheme(), "phpass");
        let matches = |hex: &str, phc: &str| hex == secret && phc == "$argon2id$placeholder";
        assert!(stored.verify(b"test12345", matches));
        assert!(!stored.verify(b"test1234", matches));
        // A slow scheme is stored as it came.
        let bcrypt = LegacyHash::Native(native(
            "$2b$04$EGdrhbKUv8Oc9vGiXX0HQOxSg445d458Muh7DAHskb6QbtCvdxcie",
        ));
        let ToStore::Ready(text) = bcrypt.to_store() else {
            panic!("bcrypt is kept as it is");
        };
        let stored = Stored::decode(&text).expect("decodes");
        assert!(stored.verify(b"correctbatteryhorsestapler", |_, _| false));
        assert!(!stored.verify(b"correctbatteryhorsestaple", |_, _| false));
    }

    #[test]
    fn damaged_stored_costs_do_not_verify() {
        // Rows read back are checked again: an absurd cost refuses rather than runs.
        let json = r#"{"k":"bcrypt","hash":"$2y$31$EGdrhbKUv8Oc9vGiXX0HQOxSg445d458Muh7DAHskb6QbtCvdxcie"}"#;
        let bcrypt: NativeHash = serde_json::from_str(json).expect("deserializes");
        assert!(!bcrypt.verify(b"correctbatteryhorsestapler"));
        let json = r#"{"k":"phpass","log2_rounds":30,"salt":"IQRaTwmf","hash":"00"}"#;
        let phpass: NativeHash = serde_json::from_str(json).expect("deserializes");
        assert_eq!(phpass.compute(b"x"), None);
        let json = r#"{"k":"scrypt","log_n":40,"r":8,"p":1,"salt":"00","hash":"00"}"#;
        let scrypt: NativeHash = serde_json::from_str(json).expect("deserializes");
        assert!(!scrypt.verify(b"x"));
        assert!(
            serde_json::from_str::<NativeHash>(
                r#"{"k":"phpass","log2_rounds":9,"salt":"s","hash":"zz"}"#
            )
            .is_err()
        );
    }
}
