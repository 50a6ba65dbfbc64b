//! Argon2id password hashing in PHC strings. OWASP's parameters by default (19 MiB, t=2, p=1);
//! a stored hash made with other parameters verifies and is reported for re-hashing.
//! This is CPU-bound work; the caller decides where it runs (see `accounts::hasher`).

use std::cell::RefCell;

use argon2::password_hash::{Output, ParamsString, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};
use serde::{Deserialize, Serialize};

use super::legacy_hash::{self, Stored};
use super::password::Password;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for HashParams {
    /// OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
    fn default() -> Self {
        Self {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl HashParams {
    /// The cheapest parameters argon2 accepts. Worthless against an attacker: only tests that
    /// would otherwise spend their time hashing choose this, by this name.
    pub const fn danger_insecure_for_tests() -> Self {
        Self {
            memory_kib: 8,
            iterations: 1,
            parallelism: 1,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// What verifying a password against a stored hash found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    Match { needs_rehash: bool },
    Mismatch,
}

thread_local! {
    /// Argon2's working memory (19 MiB by default), kept by the thread that hashes and reused:
    /// allocating and faulting it in for every hash cost time, and glibc kept the freed blocks
    /// of every blocking thread, which took RSS past 450 MiB under a login flood. In the server
    /// only the hasher's few threads hash, so this is cores x 19 MiB at most.
    static WORKSPACE: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Argon2 of `password` and `salt` into `out`, in this thread's reused working memory.
fn hash_into(
    argon2: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> bool {
    let needed = params.block_count();
    WORKSPACE.with_borrow_mut(|blocks| {
        if blocks.len() < needed {
            blocks.resize(needed, Block::default());
        }
        argon2
            .hash_password_into_with_memory(password, salt, out, &mut blocks[..needed])
            .is_ok()
    })
}

pub struct PasswordHashing {
    argon2: Argon2<'static>,
    argon_params: Params,
    params: HashParams,
    /// Verified against when there is no stored hash; made at the first such login, on a
    /// hashing thread, so that start-up neither waits for a hash nor keeps its memory.
    dummy_hash: std::sync::OnceLock<String>,
}

impl PasswordHashing {
    pub fn new(params: HashParams) -> Result<Self, HashError> {
        let argon_params = Params::new(
            params.memory_kib,
            params.iterations,
            params.parallelism,
            None,
        )
        .map_err(|e| HashError(e.to_string()))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params.clone());
        Ok(Self {
            argon2,
            argon_params,
            params,
            dummy_hash: std::sync::OnceLock::new(),
        })
    }

    pub fn params(&self) -> HashParams {
        self.params
    }

    pub fn hash(&self, password: &Password) -> Result<String, HashError> {
        let salt = SaltString::generate(&mut OsRng);
        let mut salt_bytes = [0u8; 64];
        let salt_bytes = salt
            .as_salt()
            .decode_b64(&mut salt_bytes)
            .map_err(|e| HashError(e.to_string()))?;
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        if !hash_into(
            &self.argon2,
            &self.argon_params,
            password.expose().as_bytes(),
            salt_bytes,
            &mut out,
        ) {
            return Err(HashError("argon2 failed".to_owned()));
        }
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&self.argon_params)
                .map_err(|e| HashError(e.to_string()))?,
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&out).map_err(|e| HashError(e.to_string()))?),
        };
        Ok(phc.to_string())
    }

    /// Verifies against the stored PHC string; `None` (no customer, no password) verifies
    /// against a dummy hash so that the answer takes the same time either way.
    pub fn verify(&self, password: &Password, stored: Option<&str>) -> Verification {
        let Some(stored) = stored else {
            let dummy = self.dummy_hash.get_or_init(|| {
                self.hash(&Password::candidate(
                    &crate::domain::access_token::generate(),
                ))
                .unwrap_or_default()
            });
            let _ = self.check(password, dummy);
            return Verification::Mismatch;
        };
        match self.check(password, stored) {
            Some(parsed_params) => Verification::Match {
                needs_rehash: parsed_params != self.params,
            },
            None => Verification::Mismatch,
        }
    }

    /// Returns the parameters of the stored hash when the password matches it.
    fn check(&self, password: &Password, stored: &str) -> Option<HashParams> {
        if stored.starts_with(legacy_hash::STORED_PREFIX) {
            // A hash imported from another platform: verified by its scheme, and always
            // replaced by the configured argon2id at this login.
            let legacy = Stored::decode(stored)?;
            let matches = legacy.verify(password.expose().as_bytes(), |secret, phc| {
                self.check(&Password::candidate(secret), phc).is_some()
            });
            return matches.then_some(HashParams {
                memory_kib: 0,
                iterations: 0,
                parallelism: 0,
            });
        }
        let parsed = PasswordHash::new(stored).ok()?;
        let params = Params::try_from(&parsed).ok()?;
        // Verify with the algorithm and parameters the hash was made with, whatever the current
        // ones are; the comparison of `Output`s is constant-time.
        let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
        let version = match parsed.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let expected = parsed.hash?;
        let mut salt_bytes = [0u8; 64];
        let salt_bytes = parsed.salt?.decode_b64(&mut salt_bytes).ok()?;
        let argon2 = Argon2::new(algorithm, version, params.clone());
        let mut out = [0u8; 64];
        let out = out.get_mut(..expected.len())?;
        if !hash_into(
            &argon2,
            &params,
            password.expose().as_bytes(),
            salt_bytes,
            out,
        ) || Output::new(out).ok()? != expected
        {
            return None;
        }
        let same_algorithm = parsed.algorithm.as_str() == "argon2id"
            && parsed.version == Some(Version::V0x13.into());
        let found = HashParams {
            memory_kib: params.m_cost(),
            iterations: params.t_cost(),
            parallelism: params.p_cost(),
        };
        Some(if same_algorithm {
            found
        } else {
            // Anything that is not argon2id v19 is out of date, whatever its costs.
            HashParams {
                memory_kib: 0,
                ..found
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_interoperate_with_the_argon2_crate_s_own_hasher_and_verifier() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let ours = hashing(HashParams {
            memory_kib: 64,
            iterations: 2,
            parallelism: 1,
        });
        let password = Password::candidate("interop-password-1");
        let made_here = ours.hash(&password).expect("hash");
        let parsed = PasswordHash::new(&made_here).expect("PHC");
        assert!(
            Argon2::default()
                .verify_password(b"interop-password-1", &parsed)
                .is_ok()
        );
        assert!(
            Argon2::default()
                .verify_password(b"interop-password-2", &parsed)
                .is_err()
        );

        let salt = SaltString::generate(&mut OsRng);
        let made_there = Argon2::default()
            .hash_password(b"interop-password-1", &salt)
            .expect("hash")
            .to_string();
        assert!(matches!(
            ours.verify(&password, Some(&made_there)),
            Verification::Match { needs_rehash: true }
        ));
        assert_eq!(
            ours.verify(&Password::candidate("nope"), Some(&made_there)),
            Verification::Mismatch
        );
    }

    fn hashing(params: HashParams) -> PasswordHashing {
        PasswordHashing::new(params).expect("valid params")
    }

    #[test]
    fn hashes_are_argon2id_phc_strings_with_the_configured_params() {
        let h = hashing(HashParams {
            memory_kib: 64,
            iterations: 2,
            parallelism: 1,
        });
        let phc = h.hash(&Password::candidate("correct horse")).expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=2,p=1$"), "{phc}");
        assert!(!phc.contains("correct horse"));
    }

    #[test]
    fn verifies_matches_and_mismatches() {
        let h = hashing(HashParams::danger_insecure_for_tests());
        let phc = h.hash(&Password::candidate("correct horse")).expect("hash");
        assert_eq!(
            h.verify(&Password::candidate("correct horse"), Some(&phc)),
            Verification::Match {
                needs_rehash: false
            }
        );
        assert_eq!(
            h.verify(&Password::candidate("wrong horse"), Some(&phc)),
            Verification::Mismatch
        );
        assert_eq!(
            h.verify(&Password::candidate("x"), None),
            Verification::Mismatch
        );
        assert_eq!(
            h.verify(&Password::candidate("x"), Some("not a hash")),
            Verification::Mismatch
        );
    }

    #[test]
    fn hash_with_old_params_verifies_and_asks_for_rehash() {
        let old = hashing(HashParams::danger_insecure_for_tests());
        let phc = old
            .hash(&Password::candidate("correct horse"))
            .expect("hash");
        let current = hashing(HashParams {
            memory_kib: 32,
            iterations: 2,
            parallelism: 1,
        });
        assert_eq!(
            current.verify(&Password::candidate("correct horse"), Some(&phc)),
            Verification::Match { needs_rehash: true }
        );
    }

    #[test]
    fn a_100_character_password_never_matches_its_prefix() {
        let h = hashing(HashParams::danger_insecure_for_tests());
        let long = "p".repeat(100);
        let phc = h.hash(&Password::candidate(&long)).expect("hash");
        assert_eq!(
            h.verify(&Password::candidate(&long[..72]), Some(&phc)),
            Verification::Mismatch
        );
    }
}
