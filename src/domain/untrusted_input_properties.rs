//! Property tests (proptest) for every parser of untrusted input: Multipass tokens, global ids,
//! cursors, activation/reset URLs and tokens, access tokens, emails and phone numbers. Each takes
//! arbitrary strings and bytes without panicking, accepts exactly what its encoder makes, and
//! rejects every tampered token. They stand in for coverage-guided fuzzing, which needs a nightly
//! compiler that CI does not have; the case counts keep the run to a few seconds.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use proptest::prelude::*;
use serde_json::json;

use super::account_tokens::{self, Purpose, TokenClaims};
use super::multipass::{self, MultipassError, MultipassKeys};
use super::{access_token, email::Email, ids, pagination, phone};

const NOW: i64 = 1_800_000_000;
const SECRET: &[u8] = b"a-property-test-secret-of-enough-length";

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn keys() -> MultipassKeys {
    MultipassKeys::new("property test multipass secret")
}

fn multipass_token(email: &str) -> String {
    let created_at = time::OffsetDateTime::from_unix_timestamp(NOW)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    multipass::encode(
        &keys(),
        &json!({ "email": email, "created_at": created_at }),
    )
}

/// Strings that look like the real thing more often than uniform noise would.
fn token_like() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-z0-9_=+/-]{0,200}",
        "[0-9a-fA-F]{0,64}",
        prop::collection::vec(any::<u8>(), 0..300).prop_map(|b| URL_SAFE.encode(b)),
        prop::collection::vec(any::<u8>(), 0..300).prop_map(|b| STANDARD.encode(b)),
    ]
}

proptest! {
    #![proptest_config(config(2_000))]

    #[test]
    fn multipass_decode_rejects_noise_without_panicking(token in token_like()) {
        let decoded = multipass::decode(&keys(), &token, NOW, 60);
        prop_assert!(decoded.is_err());
        let _ = multipass::token_fingerprint(&token);
    }

    #[test]
    fn gids_parse_only_their_own_shape(value in any::<String>(), id in 1..i64::MAX) {
        let _ = ids::parse_gid(&value, "Customer");
        prop_assert_eq!(ids::parse_gid(&ids::gid("Customer", id), "Customer"), Some(id));
        prop_assert_eq!(ids::parse_gid(&ids::gid("MailingAddress", id), "Customer"), None);
        if let Some(parsed) = ids::parse_gid(&value, "Customer") {
            prop_assert!(parsed > 0);
            prop_assert!(value.starts_with(&ids::gid("Customer", parsed)));
        }
    }

    #[test]
    fn cursors_round_trip_and_noise_is_refused_quietly(
        noise in token_like(),
        id in any::<i64>(),
        offset in 0usize..10_000,
    ) {
        let _ = pagination::decode_cursor(&noise);
        prop_assert_eq!(pagination::decode_cursor(&pagination::encode_cursor(id, offset)), Some(id));
    }

    #[test]
    fn account_urls_round_trip_and_noise_is_refused_quietly(
        noise in any::<String>(),
        path in "(https?://[a-z.]{1,20})?/account/(activate|reset)/[0-9a-z-]{0,20}/[^?#]{0,40}",
        id in 1..i64::MAX,
        token in "[A-Za-z0-9_.-]{1,200}",
    ) {
        let _ = account_tokens::parse_account_url(&noise, Purpose::Reset);
        let _ = account_tokens::parse_account_url(&path, Purpose::Activate);
        let url = account_tokens::account_url("shop.example.com", Purpose::Reset, id, &token);
        prop_assert_eq!(
            account_tokens::parse_account_url(&url, Purpose::Reset),
            Some((id, token.clone()))
        );
        prop_assert_eq!(account_tokens::parse_account_url(&url, Purpose::Activate), None);
    }

    #[test]
    fn account_tokens_refuse_noise(token in token_like()) {
        prop_assert!(account_tokens::verify(SECRET, &token, Purpose::Reset, NOW).is_err());
    }

    #[test]
    fn access_token_digests_only_the_token_shape(token in token_like()) {
        let digest = access_token::digest(&token);
        let shaped = token.len() == 32 && token.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        prop_assert_eq!(digest.is_some(), shaped);
    }

    #[test]
    fn emails_and_phones_never_panic(value in any::<String>()) {
        let _ = Email::parse(&value);
        let _ = phone::parse_phone(&value);
    }
}

proptest! {
    // Each case encrypts and signs; fewer cases.
    #![proptest_config(config(300))]

    #[test]
    fn a_flipped_bit_anywhere_in_a_multipass_token_is_refused(
        local in "[a-z]{1,20}",
        position in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let token = multipass_token(&format!("{local}@example.com"));
        let decoded = multipass::decode(&keys(), &token, NOW, 60);
        prop_assert_eq!(decoded.map(|c| c.email), Ok(format!("{local}@example.com")));

        let mut bytes = URL_SAFE.decode(&token).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let at = position.index(bytes.len());
        bytes[at] ^= 1 << bit;
        let tampered = URL_SAFE_NO_PAD.encode(&bytes);
        prop_assert_eq!(
            multipass::decode(&keys(), &tampered, NOW, 60).err(),
            Some(MultipassError::BadSignature)
        );
    }

    #[test]
    fn a_changed_character_in_a_reset_token_is_refused(
        id in 1..(1i64 << 53),
        position in any::<prop::sample::Index>(),
        replacement in "[A-Za-z0-9_.-]",
    ) {
        let claims = TokenClaims::new(Purpose::Reset, id, "stamp", NOW, 3_600);
        let token = account_tokens::sign(SECRET, &claims).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(account_tokens::verify(SECRET, &token, Purpose::Reset, NOW).is_ok());
        let at = position.index(token.len());
        let mut tampered = token.clone();
        tampered.replace_range(at..=at, &replacement);
        if tampered != token {
            // A few last-character changes alter only the unused low bits of the base64
            // signature; such a token decodes to the same bytes, which is not a forgery.
            let same_bytes = decoded_signature(&tampered) == decoded_signature(&token)
                && tampered.rsplit('.').nth(1) == token.rsplit('.').nth(1)
                && tampered.split('.').next() == token.split('.').next();
            if !same_bytes {
                prop_assert!(account_tokens::verify(SECRET, &tampered, Purpose::Reset, NOW).is_err());
            }
        }
        prop_assert!(account_tokens::verify(SECRET, &token, Purpose::Activate, NOW).is_err());
        prop_assert!(account_tokens::verify(b"another-secret-of-enough-length-xx", &token, Purpose::Reset, NOW).is_err());
    }
}

fn decoded_signature(token: &str) -> Option<Vec<u8>> {
    token
        .rsplit('.')
        .next()
        .and_then(|s| URL_SAFE_NO_PAD.decode(s).ok())
}
