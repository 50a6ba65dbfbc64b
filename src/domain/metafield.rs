//! Metafields (a shop's custom fields on customers): the namespace and key rules, who may see or
//! change a value (a definition's two access settings), and the records the store returns.
//! What a value may hold for its type is `metafield_value`.

use super::metafield_value::{MetafieldType, Validations};

/// Shopify's limits on identifiers.
pub const NAMESPACE_CHARS: std::ops::RangeInclusive<usize> = 3..=255;
pub const KEY_CHARS: std::ops::RangeInclusive<usize> = 2..=64;

/// The namespace of an identifier sent without one. On Shopify an omitted namespace is the
/// calling app's reserved namespace; this server has no apps, so there is one reserved
/// namespace, which no explicit namespace can name (`$` is not allowed in one).
pub const RESERVED_NAMESPACE: &str = "$app";

/// Most items in one `metafieldsSet` / `customerMetafieldsSet` (Shopify's limit).
pub const MAX_SET_ITEMS: usize = 25;
/// Most identifiers in one `metafields(identifiers:)` (Shopify's limit).
pub const MAX_IDENTIFIERS: usize = 250;
/// Most definitions per shop and owner type (Shopify allows 256 customer definitions).
pub const MAX_DEFINITIONS: u64 = 256;

/// What a metafield belongs to. Customers only, for now; orders come with order metafields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OwnerType {
    Customer,
}

impl OwnerType {
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerType::Customer => "CUSTOMER",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        (text == "CUSTOMER").then_some(OwnerType::Customer)
    }
}

/// A definition's `access.storefront`: whether the storefront API may read the values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StorefrontAccess {
    PublicRead,
    #[default]
    None,
}

impl StorefrontAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            StorefrontAccess::PublicRead => "PUBLIC_READ",
            StorefrontAccess::None => "NONE",
        }
    }

    /// Anything unknown reads as `NONE`: a value is hidden unless the shop said otherwise.
    pub fn parse(text: &str) -> Self {
        if text == "PUBLIC_READ" {
            StorefrontAccess::PublicRead
        } else {
            StorefrontAccess::None
        }
    }
}

/// A definition's `access.customerAccount`: what the customer may do with their own value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CustomerAccountAccess {
    #[default]
    None,
    Read,
    ReadWrite,
}

impl CustomerAccountAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerAccountAccess::None => "NONE",
            CustomerAccountAccess::Read => "READ",
            CustomerAccountAccess::ReadWrite => "READ_WRITE",
        }
    }

    pub fn parse(text: &str) -> Self {
        match text {
            "READ" => CustomerAccountAccess::Read,
            "READ_WRITE" => CustomerAccountAccess::ReadWrite,
            _ => CustomerAccountAccess::None,
        }
    }
}

/// A shop's definition of one namespace and key.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitionRecord {
    pub id: i64,
    pub owner_type: OwnerType,
    pub namespace: String,
    pub key: String,
    pub ty: MetafieldType,
    pub name: String,
    pub description: Option<String>,
    pub validations: Validations,
    pub storefront: StorefrontAccess,
    pub customer_account: CustomerAccountAccess,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A stored value, with what its definition (if any) says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetafieldRecord {
    pub id: i64,
    pub customer_id: i64,
    pub namespace: String,
    pub key: String,
    /// The type name as stored (`list.number_integer`, ...).
    pub ty: String,
    pub value: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub definition_id: Option<i64>,
    pub description: Option<String>,
    pub storefront: StorefrontAccess,
}

impl MetafieldRecord {
    /// Shopify's `compareDigest` of the stored value.
    pub fn digest(&self) -> String {
        super::metafield_value::digest(&self.ty, &self.value)
    }
}

/// What is wrong with a namespace or key: the message, and whether it is about length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentifierProblem {
    TooShort(String),
    TooLong(String),
    Invalid(String),
}

impl IdentifierProblem {
    pub fn message(&self) -> &str {
        match self {
            IdentifierProblem::TooShort(m)
            | IdentifierProblem::TooLong(m)
            | IdentifierProblem::Invalid(m) => m,
        }
    }
}

fn check_identifier(
    label: &str,
    text: &str,
    chars: &std::ops::RangeInclusive<usize>,
) -> Result<(), IdentifierProblem> {
    let count = text.chars().count();
    if count < *chars.start() {
        return Err(IdentifierProblem::TooShort(format!(
            "{label} is too short (minimum is {} characters)",
            chars.start()
        )));
    }
    if count > *chars.end() {
        return Err(IdentifierProblem::TooLong(format!(
            "{label} is too long (maximum is {} characters)",
            chars.end()
        )));
    }
    if !text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(IdentifierProblem::Invalid(format!(
            "{label} contains one or more invalid characters (only letters, digits, '_' and '-' are allowed)"
        )));
    }
    Ok(())
}

/// A namespace a write may name: 3 to 255 letters, digits, `_` or `-`. `None` (omitted) is
/// the reserved namespace.
pub fn parse_namespace(namespace: Option<&str>) -> Result<String, IdentifierProblem> {
    match namespace {
        None => Ok(RESERVED_NAMESPACE.to_owned()),
        Some(text) => {
            check_identifier("Namespace", text, &NAMESPACE_CHARS)?;
            Ok(text.to_owned())
        }
    }
}

/// A key a write may name: 2 to 64 letters, digits, `_` or `-`.
pub fn parse_key(key: &str) -> Result<String, IdentifierProblem> {
    check_identifier("Key", key, &KEY_CHARS)?;
    Ok(key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_follow_shopifys_rules() {
        assert_eq!(parse_namespace(Some("loyalty")).as_deref(), Ok("loyalty"));
        assert_eq!(parse_namespace(Some("a-b_c9")).as_deref(), Ok("a-b_c9"));
        assert_eq!(parse_namespace(None).as_deref(), Ok(RESERVED_NAMESPACE));
        assert!(matches!(
            parse_namespace(Some("ab")),
            Err(IdentifierProblem::TooShort(_))
        ));
        assert!(matches!(
            parse_namespace(Some(&"n".repeat(256))),
            Err(IdentifierProblem::TooLong(_))
        ));
        assert!(matches!(
            parse_namespace(Some("$app")),
            Err(IdentifierProblem::Invalid(_))
        ));
        assert!(matches!(
            parse_namespace(Some("has space")),
            Err(IdentifierProblem::Invalid(_))
        ));
    }

    #[test]
    fn keys_follow_shopifys_rules() {
        assert_eq!(parse_key("tier").as_deref(), Ok("tier"));
        assert!(matches!(
            parse_key("t"),
            Err(IdentifierProblem::TooShort(_))
        ));
        assert!(matches!(
            parse_key(&"k".repeat(65)),
            Err(IdentifierProblem::TooLong(_))
        ));
        assert!(matches!(
            parse_key("VIP level"),
            Err(IdentifierProblem::Invalid(_))
        ));
        assert!(matches!(
            parse_key("ключ"),
            Err(IdentifierProblem::Invalid(_))
        ));
    }

    #[test]
    fn unknown_access_settings_hide_values() {
        assert_eq!(
            StorefrontAccess::parse("PUBLIC_READ"),
            StorefrontAccess::PublicRead
        );
        assert_eq!(
            StorefrontAccess::parse("public_read"),
            StorefrontAccess::None
        );
        assert_eq!(
            CustomerAccountAccess::parse("READ_WRITE"),
            CustomerAccountAccess::ReadWrite
        );
        assert_eq!(
            CustomerAccountAccess::parse(""),
            CustomerAccountAccess::None
        );
        assert_eq!(OwnerType::parse("CUSTOMER"), Some(OwnerType::Customer));
        assert_eq!(OwnerType::parse("ORDER"), None);
    }
}
