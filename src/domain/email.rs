//! Email addresses as customers type them. The rules are deliberately stricter than RFC 5322
//! (no quoted local parts, no IP literals): a shop must be able to deliver mail to the address.

use super::problem::{ErrorCode, Problem};

const FIELD: &str = "email";
const MAX_LEN: usize = 254;

/// The one normalisation rule for emails as keys: surrounding whitespace (spaces, tabs, line
/// breaks) removed, then lower case. Look-ups, uniqueness, throttle keys and the password rules
/// all see the address through this function, so a leading space cannot skip one of them.
pub fn normalize(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// A syntactically valid email address with a plausible domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    value: String,
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(Problem::new(
                FIELD,
                ErrorCode::Blank,
                "Email can't be blank",
            ));
        }
        let invalid = || Problem::new(FIELD, ErrorCode::Invalid, "Email is invalid");
        if value.chars().count() > MAX_LEN {
            return Err(Problem::new(
                FIELD,
                ErrorCode::TooLong,
                format!("Email is too long (maximum is {MAX_LEN} characters)"),
            ));
        }
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        if !valid_local_part(local) || domain.contains('@') || domain.is_empty() {
            return Err(invalid());
        }
        if !valid_domain(domain) {
            return Err(Problem::new(
                FIELD,
                ErrorCode::BadDomain,
                "Email contains an invalid domain name",
            ));
        }
        Ok(Self {
            value: value.to_owned(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The key that uniqueness and look-ups use: emails are case-insensitive for customers.
    pub fn key(&self) -> String {
        normalize(&self.value)
    }
}

fn valid_local_part(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~.";
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || SPECIALS.contains(c))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || domain.len() > 253 {
        return false;
    }
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld = labels.last().copied().unwrap_or_default();
    labels.iter().all(label_ok)
        && tld.chars().count() >= 2
        && (tld.chars().all(char::is_alphabetic) || tld.starts_with("xn--"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(raw: &str) -> Option<ErrorCode> {
        Email::parse(raw).err().map(|p| p.code)
    }

    #[test]
    fn accepts_ordinary_addresses_and_trims() {
        let email = Email::parse("  Jane.Doe+shop@Example.co.uk ").expect("valid");
        assert_eq!(email.as_str(), "Jane.Doe+shop@Example.co.uk");
        assert_eq!(email.key(), "jane.doe+shop@example.co.uk");
        assert!(Email::parse("josé@bücher.de").is_ok());
    }

    #[test]
    fn rejects_malformed_addresses_as_invalid() {
        for raw in [
            "not-an-email",
            "a@@b.com",
            ".a@b.com",
            "a..b@c.com",
            "a b@c.com",
            "@b.com",
        ] {
            assert_eq!(code(raw), Some(ErrorCode::Invalid), "{raw}");
        }
        assert_eq!(
            Email::parse("not-an-email").err().map(|p| p.message),
            Some("Email is invalid".to_owned())
        );
    }

    #[test]
    fn rejects_bad_domains() {
        for raw in [
            "a@localhost",
            "a@-x.com",
            "a@x..com",
            "a@x.c",
            "a@x.123",
            "a@x_y.com",
        ] {
            assert_eq!(code(raw), Some(ErrorCode::BadDomain), "{raw}");
        }
    }

    #[test]
    fn normalisation_trims_every_kind_of_whitespace() {
        for raw in [
            " Jane@Example.com",
            "\tjane@example.com",
            "jane@EXAMPLE.com\n",
            "\u{a0}jane@example.com",
        ] {
            assert_eq!(normalize(raw), "jane@example.com", "{raw:?}");
        }
    }

    #[test]
    fn rejects_blank_and_overlong() {
        assert_eq!(code("   "), Some(ErrorCode::Blank));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(code(&long), Some(ErrorCode::TooLong));
    }
}
