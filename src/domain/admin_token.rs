//! Admin API access tokens: what a shop's back office, CRM or scripts call the admin API with.
//! Each grants some of Shopify's access scopes; a `write_` scope includes its `read_` scope, as
//! on Shopify.

use std::fmt;

/// Shopify's prefix of admin API access tokens: secret scanners know it, and an admin token is
/// never mistaken for a storefront token.
pub const TOKEN_PREFIX: &str = "shpat_";

/// Makes a new admin token: the prefix and 128 random bits in hex.
pub fn generate() -> String {
    format!("{TOKEN_PREFIX}{}", super::access_token::generate())
}

/// The digest stored in place of an admin token; `None` for anything that cannot be one.
pub fn digest(token: &str) -> Option<String> {
    let random = token.strip_prefix(TOKEN_PREFIX)?;
    super::access_token::digest(random)
        .map(|_| hex::encode(<sha2::Sha256 as sha2::Digest>::digest(token.as_bytes())))
}

/// The access scopes this server knows, by Shopify's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    ReadCustomers,
    WriteCustomers,
    ReadOrders,
    WriteOrders,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::ReadCustomers,
        Scope::WriteCustomers,
        Scope::ReadOrders,
        Scope::WriteOrders,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ReadCustomers => "read_customers",
            Scope::WriteCustomers => "write_customers",
            Scope::ReadOrders => "read_orders",
            Scope::WriteOrders => "write_orders",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == name)
    }
}

/// The scopes one token grants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes(Vec<Scope>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error(
        "unknown access scope `{0}` (known: read_customers, write_customers, read_orders, write_orders)"
    )]
    Unknown(String),
    #[error("a token needs at least one access scope")]
    None,
}

impl Scopes {
    /// A comma-separated list, as the CLI takes it and the database keeps it.
    pub fn parse(list: &str) -> Result<Self, ScopeError> {
        let mut scopes = Vec::new();
        for name in list
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            let scope = Scope::parse(name).ok_or_else(|| ScopeError::Unknown(name.to_owned()))?;
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        if scopes.is_empty() {
            return Err(ScopeError::None);
        }
        scopes.sort();
        Ok(Scopes(scopes))
    }

    /// Whether the token may do what `needed` allows: a write scope includes its read scope.
    pub fn grants(&self, needed: Scope) -> bool {
        self.0.iter().any(|&held| {
            held == needed
                || matches!(
                    (held, needed),
                    (Scope::WriteCustomers, Scope::ReadCustomers)
                        | (Scope::WriteOrders, Scope::ReadOrders)
                )
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|scope| scope.as_str()).collect();
        f.write_str(&names.join(","))
    }
}

/// An admin token as listed (never its value, which is shown once when created).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminTokenRecord {
    pub id: i64,
    pub title: String,
    pub scopes: Scopes,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_the_admin_prefix_and_only_they_have_a_digest() {
        let token = generate();
        assert!(token.starts_with("shpat_") && token.len() == 38);
        let digest = digest(&token).expect("a digest");
        assert_eq!(digest.len(), 64);
        assert!(!digest.contains(&token[6..]));
        let storefront = crate::domain::access_token::generate();
        assert_eq!(super::digest(&storefront), None);
        assert_eq!(super::digest("shpat_XYZ"), None);
    }

    #[test]
    fn parses_shopify_scope_names_in_any_order_once() {
        let scopes = Scopes::parse("write_customers, read_customers,write_customers").expect("ok");
        assert_eq!(scopes.to_string(), "read_customers,write_customers");
    }

    #[test]
    fn refuses_unknown_and_empty_lists() {
        assert_eq!(
            Scopes::parse("read_customers,read_products"),
            Err(ScopeError::Unknown("read_products".into()))
        );
        assert_eq!(Scopes::parse(" , "), Err(ScopeError::None));
    }

    #[test]
    fn write_includes_read_but_not_the_other_way() {
        let write = Scopes::parse("write_customers").expect("ok");
        assert!(write.grants(Scope::ReadCustomers));
        assert!(write.grants(Scope::WriteCustomers));
        assert!(!write.grants(Scope::ReadOrders));
        let read = Scopes::parse("read_customers").expect("ok");
        assert!(!read.grants(Scope::WriteCustomers));
    }
}
