//! The password policy. Length is counted in characters, nothing is truncated, and there are no
//! composition rules (NIST SP 800-63B). Shopify's own policy (5..40) is one setting away.

use std::collections::HashSet;
use std::sync::LazyLock;

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

/// Passwords from leaked lists (see `assets/passwords/README.md`), lower-cased.
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../assets/passwords/common.txt")
        .lines()
        .collect()
});

/// Words a password must not be built on: the customer's email and the shop's name.
#[derive(Debug, Clone, Copy, Default)]
pub struct PasswordContext<'a> {
    pub email: Option<&'a str>,
    pub shop_name: Option<&'a str>,
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

    /// The policy, then what makes a password easy to guess: a leaked one, or one built on the
    /// customer's email or the shop's name (NIST SP 800-63B, 3.1.1.2).
    pub fn parse_in_context(
        raw: &str,
        policy: &PasswordPolicy,
        context: PasswordContext<'_>,
    ) -> Result<Self, Problem> {
        let password = Self::parse(raw, policy)?;
        let lower = raw.to_lowercase();
        if COMMON.contains(lower.as_str()) {
            return Err(Problem::new(
                FIELD,
                ErrorCode::Invalid,
                "Password is too common: choose one that is harder to guess",
            ));
        }
        // The email as every other rule sees it: " jane@x.com" must not hide "jane".
        let local_part = context
            .email
            .map(super::email::normalize)
            .and_then(|e| e.split('@').next().map(str::to_owned));
        if local_part.is_some_and(|local| local.chars().count() >= 4 && lower.contains(&local)) {
            return Err(Problem::new(
                FIELD,
                ErrorCode::Invalid,
                "Password must not contain your email address",
            ));
        }
        let shop: String = context
            .shop_name
            .unwrap_or_default()
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if shop.chars().count() >= 4
            && lower
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .contains(&shop)
        {
            return Err(Problem::new(
                FIELD,
                ErrorCode::Invalid,
                "Password must not contain the shop's name",
            ));
        }
        Ok(password)
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
    fn common_and_contextual_passwords_are_refused() {
        let policy = PasswordPolicy::default();
        let context = PasswordContext {
            email: Some("Grace.Hopper@example.com"),
            shop_name: Some("Blue Harbour"),
        };
        let message = |raw: &str| {
            Password::parse_in_context(raw, &policy, context)
                .err()
                .map(|p| p.message)
        };
        assert_eq!(
            message("Password123").as_deref(),
            Some("Password is too common: choose one that is harder to guess")
        );
        assert_eq!(
            message("qwertyuiop").as_deref(),
            Some("Password is too common: choose one that is harder to guess")
        );
        assert_eq!(
            message("my-grace.hopper-pw").as_deref(),
            Some("Password must not contain your email address")
        );
        assert_eq!(
            message("BlueHarbour2026").as_deref(),
            Some("Password must not contain the shop's name")
        );
        assert_eq!(message("correct-horse-battery"), None);
        assert!(
            Password::parse_in_context("short", &policy, context).is_err(),
            "the policy still applies"
        );
    }

    #[test]
    fn the_email_rule_sees_the_normalised_email() {
        let policy = PasswordPolicy::default();
        for email in [
            " wslead@example.com",
            "\twslead@example.com",
            "WSLEAD@example.com ",
        ] {
            let context = PasswordContext {
                email: Some(email),
                shop_name: None,
            };
            assert_eq!(
                Password::parse_in_context("Wslead-Secret-Pass-13", &policy, context)
                    .err()
                    .map(|p| p.message)
                    .as_deref(),
                Some("Password must not contain your email address"),
                "{email:?}"
            );
        }
    }

    #[test]
    fn debug_never_shows_the_password() {
        let password = Password::candidate("hunter2-secret");
        assert!(!format!("{password:?}").contains("hunter2"));
    }
}
