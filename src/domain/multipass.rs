//! Shopify Multipass: the signed, encrypted token a merchant's own site mints to sign a customer
//! in. Decoding verifies it exactly as Shopify does; encoding exists for tests and operators.

use aes::Aes128;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

type HmacSha256 = Hmac<Sha256>;

const BLOCK: usize = 16;
const SIGNATURE: usize = 32;
/// Shopify refuses tokens older than this, which bounds how long a leaked token is worth replaying.
pub const MAX_AGE_SECONDS: i64 = 15 * 60;
/// How far ahead of ours a merchant's clock may run before its tokens are refused.
pub const DEFAULT_SKEW_SECONDS: i64 = 60;

/// The two keys Shopify derives from a shop's Multipass secret.
#[derive(Clone)]
pub struct MultipassKeys {
    encryption: [u8; BLOCK],
    signing: [u8; BLOCK],
}

impl MultipassKeys {
    /// SHA-256 of the secret, split in halves: the first encrypts, the second signs.
    pub fn new(secret: &str) -> Self {
        let digest = Sha256::digest(secret.as_bytes());
        let (mut encryption, mut signing) = ([0u8; BLOCK], [0u8; BLOCK]);
        encryption.copy_from_slice(&digest[..BLOCK]);
        signing.copy_from_slice(&digest[BLOCK..]);
        Self {
            encryption,
            signing,
        }
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes keys of any length (RFC 2104), so this cannot fail for our 16 bytes.
        <HmacSha256 as Mac>::new_from_slice(&self.signing)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
    }
}

impl std::fmt::Debug for MultipassKeys {
    // Keys must never reach a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MultipassKeys").finish_non_exhaustive()
    }
}

/// The customer a valid token signs in.
#[derive(Debug, Clone, PartialEq)]
pub struct MultipassCustomer {
    pub email: String,
    pub identifier: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// `Some` only when the token carried `tag_string`, so "no tags" and "leave tags" differ.
    pub tags: Option<Vec<String>>,
    pub remote_ip: Option<String>,
    pub return_to: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    pub addresses: Vec<MultipassAddress>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct MultipassAddress {
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub city: Option<String>,
    pub company: Option<String>,
    pub country: Option<String>,
    pub country_code: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub province: Option<String>,
    pub province_code: Option<String>,
    pub zip: Option<String>,
    pub default: bool,
}

/// Why a token was refused. The texts never quote the token or its payload: both are secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MultipassError {
    #[error("not a well-formed Multipass token")]
    Malformed,
    #[error("Multipass token signature does not match")]
    BadSignature,
    #[error("Multipass token could not be decrypted")]
    Undecryptable,
    #[error("Multipass token payload is invalid")]
    InvalidPayload,
    #[error("Multipass token has expired")]
    Expired,
    #[error("Multipass token was created in the future")]
    FromTheFuture,
}

/// The payload's fields as generators send them; unknown ones are ignored.
#[derive(Deserialize)]
struct Payload {
    email: Option<String>,
    created_at: Option<String>,
    identifier: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    tag_string: Option<String>,
    remote_ip: Option<String>,
    return_to: Option<String>,
    addresses: Option<Vec<MultipassAddress>>,
}

/// Verifies `token` and returns its customer. `now` is unix seconds; `skew_seconds` is the
/// tolerance for clocks ahead of ours.
pub fn decode(
    keys: &MultipassKeys,
    token: &str,
    now: i64,
    skew_seconds: i64,
) -> Result<MultipassCustomer, MultipassError> {
    let bytes = token_bytes(token).ok_or(MultipassError::Malformed)?;
    let (signed, signature) = bytes.split_at(bytes.len() - SIGNATURE);
    let mut mac = keys.mac();
    mac.update(signed);
    // Verify before decrypting, in constant time, so nothing about the plaintext leaks.
    mac.verify_slice(signature)
        .map_err(|_| MultipassError::BadSignature)?;

    let (iv, ciphertext) = signed.split_at(BLOCK);
    let plaintext = cbc::Decryptor::<Aes128>::new(&keys.encryption.into(), iv.into())
        .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
        .map_err(|_| MultipassError::Undecryptable)?;

    let value: Value =
        serde_json::from_slice(&plaintext).map_err(|_| MultipassError::InvalidPayload)?;
    // Checked first because serde would also read a JSON array into a struct, by position.
    if !value.is_object() {
        return Err(MultipassError::InvalidPayload);
    }
    let payload: Payload =
        serde_json::from_value(value).map_err(|_| MultipassError::InvalidPayload)?;

    let created_at = payload
        .created_at
        .as_deref()
        .and_then(parse_created_at)
        .ok_or(MultipassError::InvalidPayload)?;
    let email = payload
        .email
        .map(|email| email.trim().to_owned())
        .filter(|email| !email.is_empty())
        .ok_or(MultipassError::InvalidPayload)?;
    if now - created_at > MAX_AGE_SECONDS {
        return Err(MultipassError::Expired);
    }
    if created_at - now > skew_seconds.max(0) {
        return Err(MultipassError::FromTheFuture);
    }

    Ok(MultipassCustomer {
        email,
        identifier: payload.identifier,
        first_name: payload.first_name,
        last_name: payload.last_name,
        tags: payload.tag_string.as_deref().map(split_tags),
        remote_ip: payload.remote_ip,
        return_to: payload.return_to,
        created_at,
        addresses: payload.addresses.unwrap_or_default(),
    })
}

/// SHA-256 hex of the token's decoded bytes, so a replay is recognized however its base64 is
/// spelled; `None` when the value cannot be a Multipass token.
pub fn token_fingerprint(token: &str) -> Option<String> {
    token_bytes(token).map(|bytes| hex::encode(Sha256::digest(bytes)))
}

/// Makes a token as Shopify's reference code does (random IV, padded URL-safe base64). The
/// caller sets `created_at`: unlike multipassify, this never reads the clock.
pub fn encode(keys: &MultipassKeys, customer_json: &Value) -> String {
    let mut iv = [0u8; BLOCK];
    rand::rngs::OsRng.fill_bytes(&mut iv);
    let ciphertext = cbc::Encryptor::<Aes128>::new(&keys.encryption.into(), &iv.into())
        .encrypt_padded_vec_mut::<Pkcs7>(customer_json.to_string().as_bytes());
    let mut bytes = [iv.as_slice(), &ciphertext].concat();
    let mut mac = keys.mac();
    mac.update(&bytes);
    bytes.extend_from_slice(&mac.finalize().into_bytes());
    URL_SAFE.encode(bytes)
}

/// The token's bytes, accepting the URL-safe or the standard alphabet, padded or not; `None`
/// unless they hold an IV, at least one cipher block and a signature.
fn token_bytes(token: &str) -> Option<Vec<u8>> {
    let unpadded = token
        .strip_suffix("==")
        .or_else(|| token.strip_suffix('='))
        .unwrap_or(token);
    let url_safe = unpadded.replace('+', "-").replace('/', "_");
    let bytes = URL_SAFE_NO_PAD.decode(url_safe).ok()?;
    let well_formed =
        bytes.len() >= BLOCK + BLOCK + SIGNATURE && (bytes.len() - SIGNATURE).is_multiple_of(BLOCK);
    well_formed.then_some(bytes)
}

/// Unix seconds of the timestamps generators write: RFC 3339 (JavaScript's `toISOString`, Ruby's
/// `iso8601`), or Python's `utcnow().isoformat()`, which has no offset and means UTC.
fn parse_created_at(text: &str) -> Option<i64> {
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(at.unix_timestamp());
    }
    let naive = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    PrimitiveDateTime::parse(text, naive)
        .ok()
        .map(|at| at.assume_utc().unix_timestamp())
}

fn split_tags(tag_string: &str) -> Vec<String> {
    tag_string
        .split(',')
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SECRET: &str = "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5";
    const NOW: i64 = 1_795_304_584; // 2026-11-21T23:43:04Z
    const NOW_ISO: &str = "2026-11-21T23:43:04.919Z";

    fn keys() -> MultipassKeys {
        MultipassKeys::new(SECRET)
    }

    fn token_for(payload: Value) -> String {
        encode(&keys(), &payload)
    }

    fn fresh_token() -> String {
        token_for(json!({ "email": "ada@example.com", "created_at": NOW_ISO }))
    }

    fn check(token: &str) -> Result<MultipassCustomer, MultipassError> {
        decode(&keys(), token, NOW, DEFAULT_SKEW_SECONDS)
    }

    /// A token signed with the right key around arbitrary IV and ciphertext bytes.
    fn signed(iv_and_ciphertext: &[u8]) -> String {
        let mut mac = keys().mac();
        mac.update(iv_and_ciphertext);
        let signature = mac.finalize().into_bytes();
        URL_SAFE.encode([iv_and_ciphertext, signature.as_slice()].concat())
    }

    fn raw(token: &str) -> Vec<u8> {
        URL_SAFE
            .decode(token)
            .expect("our own tokens are padded URL-safe base64")
    }

    #[test]
    fn round_trip_yields_the_customer() {
        let customer = check(&fresh_token()).expect("fresh token");
        assert_eq!(
            customer,
            MultipassCustomer {
                email: "ada@example.com".into(),
                identifier: None,
                first_name: None,
                last_name: None,
                tags: None,
                remote_ip: None,
                return_to: None,
                created_at: NOW,
                addresses: vec![],
            }
        );
    }

    #[test]
    fn optional_fields_are_exposed_and_unknown_ones_ignored() {
        let token = token_for(json!({
            "email": "ada@example.com",
            "created_at": NOW_ISO,
            "identifier": "cust-42",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "remote_ip": "203.0.113.7",
            "return_to": "https://shop.example.com/cart",
            "favourite_colour": "green",
        }));
        let customer = check(&token).expect("valid token");
        assert_eq!(customer.identifier.as_deref(), Some("cust-42"));
        assert_eq!(customer.first_name.as_deref(), Some("Ada"));
        assert_eq!(customer.last_name.as_deref(), Some("Lovelace"));
        assert_eq!(customer.remote_ip.as_deref(), Some("203.0.113.7"));
        assert_eq!(
            customer.return_to.as_deref(),
            Some("https://shop.example.com/cart")
        );
    }

    #[test]
    fn encode_pads_with_the_url_safe_alphabet() {
        for _ in 0..20 {
            let token = fresh_token();
            assert!(!token.contains(['+', '/']));
            assert_eq!(token.len() % 4, 0);
        }
    }

    #[test]
    fn accepts_padded_unpadded_and_standard_alphabet_spellings() {
        // Token bytes are 48 + 16 × cipher blocks: names one block apart give every length
        // mod 3, hence tokens with no, one and two `=`.
        let mut paddings = Vec::new();
        for name in [1, 17, 33].map(|len| "n".repeat(len)) {
            let name = name.as_str();
            let token = token_for(json!({
                "email": "ada@example.com", "created_at": NOW_ISO, "first_name": name,
            }));
            paddings.push(token.len() - token.trim_end_matches('=').len());
            let standard = base64::engine::general_purpose::STANDARD.encode(raw(&token));
            for spelling in [
                token.clone(),
                token.trim_end_matches('=').to_owned(),
                standard.clone(),
                standard.trim_end_matches('=').to_owned(),
            ] {
                let customer = check(&spelling).expect("every spelling is accepted");
                assert_eq!(customer.first_name.as_deref(), Some(name));
                assert_eq!(token_fingerprint(&spelling), token_fingerprint(&token));
            }
        }
        paddings.sort();
        assert_eq!(paddings, [0, 1, 2]);
    }

    #[test]
    fn fingerprint_is_hex_sha256_of_the_bytes_and_none_for_garbage() {
        let token = fresh_token();
        let unpadded = token.trim_end_matches('=');
        let expected = hex::encode(Sha256::digest(raw(&token)));
        assert_eq!(
            token_fingerprint(&token).as_deref(),
            Some(expected.as_str())
        );
        assert_eq!(
            token_fingerprint(unpadded).as_deref(),
            Some(expected.as_str())
        );
        assert_ne!(token_fingerprint(&fresh_token()), token_fingerprint(&token));
        assert_eq!(token_fingerprint("not a token!"), None);
        assert_eq!(token_fingerprint(""), None);
        assert_eq!(token_fingerprint(&URL_SAFE.encode([0u8; 63])), None);
    }

    #[test]
    fn tampering_is_caught_by_the_signature() {
        let bytes = raw(&fresh_token());
        let tamper = |index: usize| {
            let mut bytes = bytes.clone();
            bytes[index] ^= 0x01;
            URL_SAFE.encode(bytes)
        };
        let last = bytes.len() - 1;
        assert_eq!(check(&tamper(0)), Err(MultipassError::BadSignature)); // IV
        assert_eq!(check(&tamper(BLOCK)), Err(MultipassError::BadSignature)); // ciphertext
        assert_eq!(check(&tamper(last)), Err(MultipassError::BadSignature)); // signature
    }

    #[test]
    fn wrong_secret_is_a_bad_signature() {
        let other = MultipassKeys::new("another shop's secret");
        assert_eq!(
            decode(&other, &fresh_token(), NOW, DEFAULT_SKEW_SECONDS),
            Err(MultipassError::BadSignature)
        );
    }

    #[test]
    fn truncated_or_misshapen_tokens_are_refused() {
        let bytes = raw(&fresh_token());
        let cut = |len: usize| URL_SAFE.encode(&bytes[..len]);
        // Still block-aligned: only the signature can tell.
        assert_eq!(
            check(&cut(bytes.len() - BLOCK)),
            Err(MultipassError::BadSignature)
        );
        assert_eq!(check(&cut(bytes.len() - 1)), Err(MultipassError::Malformed));
        assert_eq!(
            check(&cut(BLOCK + SIGNATURE)),
            Err(MultipassError::Malformed)
        );
        assert_eq!(check(""), Err(MultipassError::Malformed));
        assert_eq!(check("not base64 at all!"), Err(MultipassError::Malformed));
        let mut extra = bytes.clone();
        extra.push(0);
        assert_eq!(
            check(&URL_SAFE.encode(extra)),
            Err(MultipassError::Malformed)
        );
        assert_eq!(
            check(&format!("{}===", fresh_token().trim_end_matches('='))),
            Err(MultipassError::Malformed)
        );
    }

    #[test]
    fn signed_garbage_is_undecryptable() {
        // Only someone holding the signing key can get here, e.g. with a different cipher key.
        let garbage = [0x5au8; BLOCK * 3];
        assert_eq!(check(&signed(&garbage)), Err(MultipassError::Undecryptable));
    }

    #[test]
    fn deeply_nested_json_in_a_signed_token_is_refused_without_recursing() {
        // Only the holder of the secret can sign a payload, but a merchant's site built from
        // untrusted fields could still wrap one: the JSON parser must not recurse once per level
        // (100,000 levels would overflow the stack and abort the process). serde_json stops at
        // its recursion limit. The plaintext is written as text and encrypted here: `encode`
        // takes a `Value`, which could not even be built and dropped at this depth.
        let depth = 100_000;
        let plaintext = format!(
            r#"{{"email":"ada@example.com","created_at":"{NOW_ISO}","tags":{}1{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let iv = [7u8; BLOCK];
        let ciphertext = cbc::Encryptor::<Aes128>::new(&keys().encryption.into(), &iv.into())
            .encrypt_padded_vec_mut::<Pkcs7>(plaintext.as_bytes());
        let token = signed(&[iv.as_slice(), &ciphertext].concat());
        assert_eq!(check(&token), Err(MultipassError::InvalidPayload));

        // The same payload at an ordinary depth is read, its unknown field ignored.
        let shallow =
            format!(r#"{{"email":"ada@example.com","created_at":"{NOW_ISO}","tags":[[[1]]]}}"#);
        let ciphertext = cbc::Encryptor::<Aes128>::new(&keys().encryption.into(), &iv.into())
            .encrypt_padded_vec_mut::<Pkcs7>(shallow.as_bytes());
        let token = signed(&[iv.as_slice(), &ciphertext].concat());
        assert!(check(&token).is_ok());
    }

    #[test]
    fn expired_and_future_tokens_are_refused() {
        let token = fresh_token();
        let at = |now: i64| decode(&keys(), &token, now, DEFAULT_SKEW_SECONDS);
        assert!(at(NOW + MAX_AGE_SECONDS).is_ok());
        assert_eq!(at(NOW + 16 * 60), Err(MultipassError::Expired));
        assert!(at(NOW - DEFAULT_SKEW_SECONDS).is_ok());
        assert_eq!(
            at(NOW - DEFAULT_SKEW_SECONDS - 1),
            Err(MultipassError::FromTheFuture)
        );
        assert_eq!(
            decode(&keys(), &token, NOW - 5, 0),
            Err(MultipassError::FromTheFuture)
        );
        assert!(decode(&keys(), &token, NOW - 300, 300).is_ok());
    }

    #[test]
    fn payload_must_be_an_object_with_email_and_created_at() {
        for payload in [
            json!({ "created_at": NOW_ISO }),
            json!({ "email": "", "created_at": NOW_ISO }),
            json!({ "email": "  ", "created_at": NOW_ISO }),
            json!({ "email": 7, "created_at": NOW_ISO }),
            json!({ "email": "ada@example.com" }),
            json!({ "email": "ada@example.com", "created_at": "yesterday" }),
            json!({ "email": "ada@example.com", "created_at": NOW }),
            json!({ "email": "ada@example.com", "created_at": NOW_ISO, "addresses": {} }),
            json!(["ada@example.com", NOW_ISO]),
            json!("ada@example.com"),
            json!(null),
        ] {
            assert_eq!(
                check(&token_for(payload.clone())),
                Err(MultipassError::InvalidPayload),
                "{payload}"
            );
        }
        let iv = [0u8; BLOCK];
        let ciphertext = cbc::Encryptor::<Aes128>::new(&keys().encryption.into(), &iv.into())
            .encrypt_padded_vec_mut::<Pkcs7>(b"not json");
        assert_eq!(
            check(&signed(&[iv.as_slice(), &ciphertext].concat())),
            Err(MultipassError::InvalidPayload)
        );
    }

    #[test]
    fn created_at_formats_of_every_generator_are_understood() {
        for (text, unix) in [
            ("2026-11-21T23:43:04.919Z", NOW),
            ("2026-11-21T23:43:04Z", NOW),
            ("2026-11-21T18:43:04-05:00", NOW),
            ("2026-11-22T01:43:04+02:00", NOW),
            ("2013-04-11T15:16:23-04:00", 1_365_707_783),
            ("2026-11-21T23:43:04.123456", NOW),
            ("2026-11-21T23:43:04", NOW),
        ] {
            assert_eq!(parse_created_at(text), Some(unix), "{text}");
            let token = token_for(json!({ "email": "ada@example.com", "created_at": text }));
            assert_eq!(
                decode(&keys(), &token, unix, DEFAULT_SKEW_SECONDS).map(|c| c.created_at),
                Ok(unix),
                "{text}"
            );
        }
        for text in ["2026-11-21", "2026-11-21 23:43:04", "23:43:04", ""] {
            assert_eq!(parse_created_at(text), None, "{text}");
        }
    }

    #[test]
    fn tag_string_is_split_and_trimmed() {
        let tags = |tag_string: Value| {
            let token = token_for(json!({
                "email": "ada@example.com", "created_at": NOW_ISO, "tag_string": tag_string,
            }));
            check(&token).expect("valid token").tags
        };
        assert_eq!(
            tags(json!(" vip, wholesale,,newsletter , ")),
            Some(vec!["vip".into(), "wholesale".into(), "newsletter".into()])
        );
        assert_eq!(tags(json!("")), Some(vec![]));
        assert_eq!(tags(json!(null)), None);
    }

    #[test]
    fn addresses_are_parsed() {
        let token = token_for(json!({
            "email": "ada@example.com",
            "created_at": NOW_ISO,
            "addresses": [
                {
                    "address1": "12 Analytical Row", "address2": "Flat 3", "city": "London",
                    "company": "Engines Ltd", "country": "United Kingdom", "country_code": "GB",
                    "first_name": "Ada", "last_name": "Lovelace", "phone": "+44 20 7946 0000",
                    "province": "England", "province_code": "ENG", "zip": "W1 1AA",
                    "default": true, "unknown": 1,
                },
                { "city": "Paris" },
            ],
        }));
        let addresses = check(&token).expect("valid token").addresses;
        assert_eq!(
            addresses,
            vec![
                MultipassAddress {
                    address1: Some("12 Analytical Row".into()),
                    address2: Some("Flat 3".into()),
                    city: Some("London".into()),
                    company: Some("Engines Ltd".into()),
                    country: Some("United Kingdom".into()),
                    country_code: Some("GB".into()),
                    first_name: Some("Ada".into()),
                    last_name: Some("Lovelace".into()),
                    phone: Some("+44 20 7946 0000".into()),
                    province: Some("England".into()),
                    province_code: Some("ENG".into()),
                    zip: Some("W1 1AA".into()),
                    default: true,
                },
                MultipassAddress {
                    city: Some("Paris".into()),
                    ..MultipassAddress::default()
                },
            ]
        );
    }

    #[test]
    fn keys_follow_shopifys_derivation_and_stay_out_of_debug() {
        let digest = Sha256::digest(SECRET.as_bytes());
        assert_eq!(keys().encryption, digest[..16]);
        assert_eq!(keys().signing, digest[16..]);
        let debug = format!("{:?}", keys());
        assert_eq!(debug, "MultipassKeys { .. }");
    }

    #[test]
    fn error_texts_are_short_and_quote_nothing() {
        assert_eq!(
            MultipassError::Expired.to_string(),
            "Multipass token has expired"
        );
    }
}
