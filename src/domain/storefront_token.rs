//! Storefront API access tokens, the credentials of a shop's front-ends.

/// Public tokens go in browsers and apps; private ones stay on servers (Shopify's two kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Public,
    Private,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Public => "public",
            TokenKind::Private => "private",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "public" => Some(TokenKind::Public),
            "private" => Some(TokenKind::Private),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorefrontTokenRecord {
    pub id: i64,
    pub kind: TokenKind,
    pub title: String,
    /// The token itself, kept for public tokens only.
    pub public_token: Option<String>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}
