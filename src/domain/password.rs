//! The password policy. Length is counted in characters, nothing is truncated, and there are no
//! composition rules (NIST SP 800-63B). Shopify's own policy (5..40) is one setting away.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::problem::{ErrorCode, Problem};

const FIELD: &str = "password";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub max_length: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            max_length: 256,
        }
    }
}

/// A password that satisfies the policy. Its `Debug` never shows the value.
#[derive(Clone)]
pub struct Password(SecretString);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    pub fn parse(raw: &str, policy: &PasswordPolicy) -> Result<Self, Problem> {
        if raw.trim().is_empty() {
            return Err(Problem::new(
                FIELD,
                ErrorCode::Blank,
                "Password can't be blank",
            ));
        }
        let length = raw.chars().count();
        if length < policy.min_length {
            return Err(Problem::new(
                FIELD,
                ErrorCode::TooShort,
                format!(
                    "Password is too short (minimum is {} characters)",
                    policy.min_length
                ),
            ));
        }
        if length > policy.max_length {
            return Err(Problem::new(
                FIELD,
                ErrorCode::TooLong,
                format!(
                    "Password is too long (maximum is {} characters)",
                    policy.max_length
                ),
            ));
        }
        if raw.trim() != raw {
            return Err(Problem::new(
                FIELD,
                ErrorCode::PasswordStartsOrEndsWithWhitespace,
                "Password cannot start or end with whitespace",
            ));
        }
        Ok(Self(SecretString::from(raw)))
    }

    /// A password as typed at login: never validated against the policy (the policy may have
    /// changed since it was set), only wrapped so that it cannot be logged.
    pub fn candidate(raw: &str) -> Self {
        Self(SecretString::from(raw))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(raw: &str, policy: &PasswordPolicy) -> Option<ErrorCode> {
        Password::parse(raw, policy).err().map(|p| p.code)
    }

    #[test]
    fn default_policy_is_8_to_256_characters() {
        let policy = PasswordPolicy::default();
        assert_eq!(code("", &policy), Some(ErrorCode::Blank));
        assert_eq!(code("   ", &policy), Some(ErrorCode::Blank));
        assert_eq!(code("seven77", &policy), Some(ErrorCode::TooShort));
        assert!(Password::parse("eight888", &policy).is_ok());
        assert!(Password::parse(&"x".repeat(256), &policy).is_ok());
        assert_eq!(code(&"x".repeat(257), &policy), Some(ErrorCode::TooLong));
        assert_eq!(
            code(" leading-space", &policy),
            Some(ErrorCode::PasswordStartsOrEndsWithWhitespace)
        );
        assert_eq!(
            code("trailing-space\t", &policy),
            Some(ErrorCode::PasswordStartsOrEndsWithWhitespace)
        );
    }

    #[test]
    fn shopify_policy_messages() {
        let policy = PasswordPolicy {
            min_length: 5,
            max_length: 40,
        };
        let short = Password::parse("abcd", &policy).expect_err("short");
        assert_eq!(
            short.message,
            "Password is too short (minimum is 5 characters)"
        );
        let long = Password::parse(&"a".repeat(41), &policy).expect_err("long");
        assert_eq!(
            long.message,
            "Password is too long (maximum is 40 characters)"
        );
        assert_eq!(long.field, Some("password"));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let policy = PasswordPolicy::default();
        assert!(Password::parse("ééééééé", &policy).is_err());
        assert!(Password::parse("éééééééé", &policy).is_ok());
    }

    #[test]
    fn debug_never_shows_the_password() {
        let password = Password::candidate("hunter2-secret");
        assert!(!format!("{password:?}").contains("hunter2"));
    }
}
