//! Firebase Authentication's modified scrypt, as github.com/firebase/scrypt describes it:
//! key = scrypt(password, salt || salt separator, N = 2^mem_cost, r = rounds, p = 1), and the
//! hash is the project's signer key encrypted with AES-256-CTR under the key's first 32 bytes
//! from a zero IV. The parameters are the project's `hash_config`; the salt and the hash are
//! each account's, as `firebase auth:export` writes them.

use aes::cipher::{KeyIvInit as _, StreamCipher as _};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq as _;

use super::{LegacyHashError, decode_base64};

/// A Firebase project's password hash parameters (its `hash_config`, field for field).
#[derive(Clone, serde::Deserialize)]
pub struct FirebaseParams {
    pub base64_signer_key: String,
    pub base64_salt_separator: String,
    pub rounds: u32,
    pub mem_cost: u32,
}

impl std::fmt::Debug for FirebaseParams {
    /// The signer key is the secret that makes every hash checkable: never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FirebaseParams")
            .field("rounds", &self.rounds)
            .field("mem_cost", &self.mem_cost)
            .finish_non_exhaustive()
    }
}

/// One account's Firebase scrypt hash with its project's parameters. The signer key is kept
/// with every hash: verifying needs it, and the stored form holds all a login needs.
#[derive(Clone, Serialize, Deserialize)]
pub struct FirebaseHash {
    #[serde(with = "super::hex_bytes")]
    signer_key: Vec<u8>,
    #[serde(with = "super::hex_bytes")]
    salt_separator: Vec<u8>,
    rounds: u32,
    mem_cost: u32,
    #[serde(with = "super::hex_bytes")]
    salt: Vec<u8>,
    #[serde(with = "super::hex_bytes")]
    hash: Vec<u8>,
}

impl std::fmt::Debug for FirebaseHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FirebaseHash(firebase-scrypt)")
    }
}

/// The bounds Firebase's own parameters keep to (its projects use rounds 8, mem_cost 14); past
/// them one login would take minutes or gigabytes.
const MAX_ROUNDS: u32 = 16;
const MAX_MEM_COST: u32 = 20;
/// The derived key's length: AES-256's key. scrypt's last step is PBKDF2, whose first 32 bytes
/// do not depend on how many are asked for, so this is the first half of Firebase's 64.
const KEY_LENGTH: usize = 32;

impl FirebaseHash {
    /// `password_hash` and `salt` are base64: standard from the CLI's export, URL-safe from the
    /// Admin SDK's; both are taken, padded or not.
    pub fn new(
        params: &FirebaseParams,
        password_hash: &str,
        salt: &str,
    ) -> Result<Self, LegacyHashError> {
        if !(1..=MAX_ROUNDS).contains(&params.rounds) {
            return Err(config_error(format!("rounds must be 1 to {MAX_ROUNDS}")));
        }
        if !(1..=MAX_MEM_COST).contains(&params.mem_cost) {
            return Err(config_error(format!(
                "mem_cost must be 1 to {MAX_MEM_COST}"
            )));
        }
        if scrypt_params(params.rounds, params.mem_cost).is_none() {
            // scrypt needs N < 2^(16 r): mem_cost 16 and above want more than one round.
            return Err(config_error(
                "rounds and mem_cost are not valid scrypt parameters together",
            ));
        }
        let signer_key = decode_base64(&params.base64_signer_key)
            .filter(|key| !key.is_empty())
            .ok_or_else(|| config_error("base64_signer_key is not base64 (or is empty)"))?;
        let salt_separator = decode_base64(&params.base64_salt_separator)
            .ok_or_else(|| config_error("base64_salt_separator is not base64"))?;
        let hash = decode_base64(password_hash)
            .filter(|hash| !hash.is_empty())
            .ok_or_else(|| account_error("passwordHash is not base64 (or is empty)"))?;
        let salt = decode_base64(salt).ok_or_else(|| account_error("salt is not base64"))?;
        if hash.len() != signer_key.len() {
            // The hash is the signer key encrypted: another length is another project's hash,
            // or a damaged one.
            return Err(account_error(
                "passwordHash is not as long as the signer key: hash_config is not this \
                 project's, or the hash is damaged",
            ));
        }
        Ok(Self {
            signer_key,
            salt_separator,
            rounds: params.rounds,
            mem_cost: params.mem_cost,
            salt,
            hash,
        })
    }

    /// The hash `password` gets under these parameters.
    fn hash_of(&self, password: &[u8]) -> Option<Vec<u8>> {
        let params = scrypt_params(self.rounds, self.mem_cost)?;
        let mut salt = Vec::with_capacity(self.salt.len() + self.salt_separator.len());
        salt.extend_from_slice(&self.salt);
        salt.extend_from_slice(&self.salt_separator);
        let mut key = [0u8; KEY_LENGTH];
        scrypt::scrypt(password, &salt, &params, &mut key).ok()?;
        let mut cipher = ctr::Ctr128BE::<aes::Aes256>::new_from_slices(&key, &[0u8; 16]).ok()?;
        let mut out = self.signer_key.clone();
        cipher.apply_keystream(&mut out);
        Some(out)
    }
}

fn scrypt_params(rounds: u32, mem_cost: u32) -> Option<scrypt::Params> {
    let log_n = u8::try_from(mem_cost).ok()?;
    scrypt::Params::new(log_n, rounds, 1, KEY_LENGTH).ok()
}

fn config_error(message: impl std::fmt::Display) -> LegacyHashError {
    LegacyHashError::new(format!("Firebase hash_config: {message}"))
}

fn account_error(message: impl std::fmt::Display) -> LegacyHashError {
    LegacyHashError::new(format!("Firebase account: {message}"))
}

impl super::Scheme for FirebaseHash {
    fn scheme(&self) -> &'static str {
        "firebase-scrypt"
    }

    fn verify(&self, password: &[u8]) -> bool {
        match self.hash_of(password) {
            Some(computed) => computed.ct_eq(&self.hash).into(),
            None => false,
        }
    }

    fn is_fast(&self) -> bool {
        false
    }

    fn split_value(&self) -> (Self, Vec<u8>) {
        (self.clone(), Vec::new())
    }

    fn compute(&self, _password: &[u8]) -> Option<Vec<u8>> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::{LegacyHash, Scheme, Stored, ToStore};
    use super::*;

    // The sample project and account of github.com/firebase/scrypt's README ("Password
    // Hashing"): its hash_config, user1@test.com's exported hash and salt, and the password
    // "user1password" that the README's utility turns into that hash. The same vector is the
    // example of the `firebase-scrypt` crate's documentation.
    const SIGNER_KEY: &str =
        "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==";
    const SALT_SEPARATOR: &str = "Bw==";
    const SALT: &str = "42xEC+ixf3L2lw==";
    const PASSWORD_HASH: &str =
        "lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==";
    const PASSWORD: &[u8] = b"user1password";

    fn params() -> FirebaseParams {
        serde_json::from_value(serde_json::json!({
            "base64_signer_key": SIGNER_KEY,
            "base64_salt_separator": SALT_SEPARATOR,
            "rounds": 8,
            "mem_cost": 14,
        }))
        .expect("hash_config")
    }

    fn url_safe(text: &str) -> String {
        text.trim_end_matches('=')
            .replace('+', "-")
            .replace('/', "_")
    }

    #[test]
    fn the_readme_s_account_verifies_with_its_password_only() {
        let hash = FirebaseHash::new(&params(), PASSWORD_HASH, SALT).expect("valid");
        assert_eq!(hash.scheme(), "firebase-scrypt");
        assert!(!hash.is_fast());
        assert!(hash.verify(PASSWORD));
        assert!(!hash.verify(b"user1Password"));
        assert_eq!(hash.compute(PASSWORD), None);
        assert_eq!(hash.split_value().1, Vec::<u8>::new());
    }

    #[test]
    fn the_salt_separator_counts() {
        let mut params = params();
        params.base64_salt_separator = "CA==".to_owned();
        let hash = FirebaseHash::new(&params, PASSWORD_HASH, SALT).expect("valid");
        assert!(!hash.verify(PASSWORD));
    }

    #[test]
    fn url_safe_base64_from_the_admin_sdk_reads_the_same() {
        let standard = FirebaseHash::new(&params(), PASSWORD_HASH, SALT).expect("valid");
        let url =
            FirebaseHash::new(&params(), &url_safe(PASSWORD_HASH), &url_safe(SALT)).expect("valid");
        assert_eq!(
            serde_json::to_string(&standard).expect("json"),
            serde_json::to_string(&url).expect("json")
        );
    }

    #[test]
    fn the_stored_form_verifies() {
        let hash =
            LegacyHash::Firebase(FirebaseHash::new(&params(), PASSWORD_HASH, SALT).expect("valid"));
        let ToStore::Ready(text) = hash.to_store() else {
            panic!("a slow hash is stored as it is");
        };
        let stored = Stored::decode(&text).expect("decodes");
        assert_eq!(stored.scheme(), "firebase-scrypt");
        assert!(stored.verify(PASSWORD, |_, _| false));
        assert!(!stored.verify(b"user1password ", |_, _| false));
    }

    #[test]
    fn debug_shows_neither_key_nor_hash() {
        let hash = FirebaseHash::new(&params(), PASSWORD_HASH, SALT).expect("valid");
        let shown = format!("{hash:?} {:?}", params());
        assert!(shown.contains("FirebaseHash(firebase-scrypt)"), "{shown}");
        assert!(shown.contains("mem_cost: 14"), "{shown}");
        for secret in ["jxspr8Ki", "lSrfV15c", "42xEC", "Bw=="] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn bad_parameters_and_accounts_are_refused_without_their_values() {
        let with = |change: &dyn Fn(&mut FirebaseParams)| {
            let mut params = params();
            change(&mut params);
            params
        };
        let cases: Vec<(FirebaseParams, &str, &str, &str)> = vec![
            (
                with(&|p| p.rounds = 0),
                PASSWORD_HASH,
                SALT,
                "rounds must be 1 to 16",
            ),
            (
                with(&|p| p.rounds = 17),
                PASSWORD_HASH,
                SALT,
                "rounds must be 1 to 16",
            ),
            (
                with(&|p| p.mem_cost = 0),
                PASSWORD_HASH,
                SALT,
                "mem_cost must be 1 to 20",
            ),
            (
                with(&|p| p.mem_cost = 21),
                PASSWORD_HASH,
                SALT,
                "mem_cost must be 1 to 20",
            ),
            (
                with(&|p| {
                    p.rounds = 1;
                    p.mem_cost = 16;
                }),
                PASSWORD_HASH,
                SALT,
                "not valid scrypt parameters",
            ),
            (
                with(&|p| p.base64_signer_key = "jxspr8Ki0RYyc!VU8".to_owned()),
                PASSWORD_HASH,
                SALT,
                "base64_signer_key",
            ),
            (
                with(&|p| p.base64_signer_key = String::new()),
                PASSWORD_HASH,
                SALT,
                "base64_signer_key",
            ),
            (
                with(&|p| p.base64_salt_separator = "Bw=*".to_owned()),
                PASSWORD_HASH,
                SALT,
                "base64_salt_separator",
            ),
            (
                params(),
                "lSrfV15cpx95/sZS2W9c9Kp6i*",
                SALT,
                "passwordHash is not base64",
            ),
            (params(), "", SALT, "passwordHash is not base64"),
            (
                params(),
                PASSWORD_HASH,
                "42xEC+ixf3L2lw*",
                "salt is not base64",
            ),
            (
                params(),
                "lSrfV15cpx95/sZS2W9c9Kp6",
                SALT,
                "not as long as the signer key",
            ),
        ];
        for (params, password_hash, salt, expected) in cases {
            let error = FirebaseHash::new(&params, password_hash, salt)
                .expect_err(expected)
                .to_string();
            assert!(
                error.contains(expected),
                "{error:?} should say {expected:?}"
            );
            for secret in ["jxspr8Ki", "lSrfV15c", "42xEC", "Bw="] {
                assert!(!error.contains(secret), "{error:?} shows {secret:?}");
            }
        }
    }
}
