//! Shops: the scope of everything. A shop has its own customers, tokens, throttles and mail; a
//! request's shop comes from its credential (a storefront token belongs to exactly one shop),
//! never from what the client sends.

use secrecy::{ExposeSecret, SecretString};

use super::multipass::MultipassKeys;
use super::password::PasswordPolicy;

/// The handle of the shop the configuration's `[shop]` section describes.
pub const DEFAULT_HANDLE: &str = "default";

/// A shop as the use cases see it. Secrets never appear in its `Debug` output.
#[derive(Clone)]
pub struct Shop {
    pub id: i64,
    pub handle: ShopHandle,
    pub name: String,
    /// The public domain of the shop's storefront, for the links in emails.
    pub domain: String,
    /// The sender of the shop's mail; the configured `mail.from` when unset.
    pub mail_from: Option<String>,
    pub password_policy: PasswordPolicy,
    /// Multipass sign-in is off without it.
    pub multipass_secret: Option<SecretString>,
    /// Signs the shop's outgoing webhooks.
    pub webhook_secret: Option<SecretString>,
    /// Verifies the order webhooks Shopify sends (the Shopify app's client secret); the
    /// receiver refuses every delivery without it.
    pub shopify_webhook_secret: Option<SecretString>,
    /// The link of an order that did not bring its own status URL; `None` is
    /// [`crate::domain::order::DEFAULT_ORDER_URL_TEMPLATE`].
    pub order_url_template: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl std::fmt::Debug for Shop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shop")
            .field("id", &self.id)
            .field("handle", &self.handle)
            .field("name", &self.name)
            .field("domain", &self.domain)
            .field("mail_from", &self.mail_from)
            .field("password_policy", &self.password_policy)
            .field("multipass", &self.multipass_secret.is_some())
            .field("webhooks", &self.webhook_secret.is_some())
            .field("shopify_webhooks", &self.shopify_webhook_secret.is_some())
            .field("order_url_template", &self.order_url_template)
            .finish()
    }
}

impl Shop {
    /// The keys of the shop's Multipass secret, when Multipass sign-in is on.
    pub fn multipass_keys(&self) -> Option<MultipassKeys> {
        self.multipass_secret
            .as_ref()
            .map(|secret| MultipassKeys::new(secret.expose_secret()))
    }

    pub fn is_default(&self) -> bool {
        self.handle.as_str() == DEFAULT_HANDLE
    }
}

/// What an operator gives to create a shop, or to change one (`None` keeps a value).
#[derive(Debug, Clone, Default)]
pub struct ShopSettings {
    pub name: Option<String>,
    pub domain: Option<String>,
    /// `Some(None)` removes the value.
    pub mail_from: Option<Option<String>>,
    pub password_min_length: Option<usize>,
    pub password_max_length: Option<usize>,
    pub multipass_secret: Option<Option<SecretString>>,
    pub webhook_secret: Option<Option<SecretString>>,
    pub shopify_webhook_secret: Option<Option<SecretString>>,
    pub order_url_template: Option<Option<String>>,
}

impl ShopSettings {
    /// Whether the change names a setting the configuration file owns for the default shop.
    pub fn touches_configured_settings(&self) -> bool {
        self.name.is_some()
            || self.domain.is_some()
            || self.mail_from.is_some()
            || self.password_min_length.is_some()
            || self.password_max_length.is_some()
            || self.multipass_secret.is_some()
            || self.webhook_secret.is_some()
    }
}

/// A shop's handle: 1 to 63 lower-case letters, digits and dashes, not starting or ending with
/// a dash (it goes in URLs and command lines).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShopHandle(String);

impl ShopHandle {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let handle = raw.trim();
        let valid = (1..=63).contains(&handle.len())
            && !handle.starts_with('-')
            && !handle.ends_with('-')
            && handle
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if valid {
            Ok(Self(handle.to_owned()))
        } else {
            Err(format!(
                "invalid shop handle {raw:?}: use 1 to 63 lower-case letters, digits and dashes"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ShopHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a shop's settings as a whole: a name and a domain, a password policy that can be met.
pub fn validate(name: &str, domain: &str, policy: &PasswordPolicy) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("a shop needs a name".to_owned());
    }
    if domain.trim().is_empty() || domain.chars().any(char::is_whitespace) {
        return Err(format!("invalid shop domain {domain:?}"));
    }
    if policy.min_length == 0 || policy.min_length > policy.max_length {
        return Err(
            "the password policy needs a minimum of at least 1 and at most the maximum".to_owned(),
        );
    }
    Ok(())
}

/// An order link template: an absolute http(s) URL without spaces, at most 2048 characters.
pub fn validate_order_url_template(template: &str) -> Result<(), String> {
    let absolute = template.starts_with("https://") || template.starts_with("http://");
    if !absolute || template.len() > 2048 || template.chars().any(char::is_whitespace) {
        return Err(format!(
            "the order link template must be an absolute http(s) URL without spaces, at most 2048 characters: {template:?}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_link_templates_are_absolute_urls() {
        assert!(
            validate_order_url_template("https://{domain}/account/orders/{id}?key={key}").is_ok()
        );
        for bad in ["/orders/{id}", "ftp://x/{id}", "https://x/{id} y", ""] {
            assert!(validate_order_url_template(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn handles_are_url_and_command_line_safe() {
        for ok in ["default", "brand-2", "a", "eu-staging"] {
            assert_eq!(ShopHandle::parse(ok).map(|h| h.0), Ok(ok.to_owned()));
        }
        for bad in ["", "-a", "a-", "Big", "a b", "a_b", "ü", &"a".repeat(64)] {
            assert!(ShopHandle::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn debug_never_shows_secrets() {
        let shop = Shop {
            id: 1,
            handle: ShopHandle::parse("default").expect("handle"),
            name: "Shop".to_owned(),
            domain: "shop.example".to_owned(),
            mail_from: None,
            password_policy: PasswordPolicy::default(),
            multipass_secret: Some(SecretString::from("multipass-very-secret")),
            webhook_secret: Some(SecretString::from("webhook-very-secret")),
            shopify_webhook_secret: Some(SecretString::from("shopify-very-secret")),
            order_url_template: None,
            created_at: 0,
            updated_at: 0,
        };
        let debug = format!("{shop:?}");
        assert!(!debug.contains("very-secret"), "{debug}");
        assert!(shop.is_default() && shop.multipass_keys().is_some());
    }

    #[test]
    fn settings_must_make_a_usable_shop() {
        let policy = PasswordPolicy::default();
        assert!(validate("Shop", "shop.example", &policy).is_ok());
        assert!(validate(" ", "shop.example", &policy).is_err());
        assert!(validate("Shop", "a b", &policy).is_err());
        let impossible = PasswordPolicy {
            min_length: 10,
            max_length: 5,
        };
        assert!(validate("Shop", "shop.example", &impossible).is_err());
    }
}
