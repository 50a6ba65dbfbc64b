//! Activation and reset tokens: JWTs (HS256, the server's secret key) naming one customer, one
//! purpose, a nonce and the customer's security stamp. Only a digest of the nonce is stored with
//! the customer, so the database holds nothing usable: a token is valid while its nonce is the
//! customer's outstanding one (a newer token or its use clears it) and its stamp is current (a
//! password change rotates it). URLs follow Shopify's `/account/{activate|reset}/{id}/{token}`.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a token is for; a token of one purpose never works for the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Activate,
    Reset,
}

impl Purpose {
    fn claim(self) -> &'static str {
        match self {
            Purpose::Activate => "activate",
            Purpose::Reset => "reset",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenClaims {
    /// The customer's id, as text (JWT subjects are strings).
    pub sub: String,
    pub pur: String,
    /// The nonce; its digest is stored with the customer while the token is outstanding.
    pub non: String,
    /// The customer's security stamp when the token was issued.
    pub stm: String,
    pub iat: i64,
    pub exp: i64,
}

impl TokenClaims {
    pub fn new(
        purpose: Purpose,
        customer_id: i64,
        stamp: &str,
        now: i64,
        ttl_seconds: i64,
    ) -> Self {
        Self {
            sub: customer_id.to_string(),
            pur: purpose.claim().to_owned(),
            non: crate::domain::access_token::generate(),
            stm: stamp.to_owned(),
            iat: now,
            exp: now + ttl_seconds,
        }
    }

    pub fn customer_id(&self) -> Option<i64> {
        self.sub.parse().ok()
    }

    pub fn nonce_hash(&self) -> String {
        nonce_hash(&self.non)
    }
}

pub fn nonce_hash(nonce: &str) -> String {
    hex::encode(Sha256::digest(nonce.as_bytes()))
}

/// A fresh security stamp (on sign-up and on every password change).
pub fn new_security_stamp() -> String {
    crate::domain::access_token::generate()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid account token")]
pub struct InvalidToken;

/// Signs the claims; the same claims always give the same token, so a message retried from the
/// outbox carries the same link.
pub fn sign(secret: &[u8], claims: &TokenClaims) -> Result<String, jsonwebtoken::errors::Error> {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
}

/// The claims of a token with a valid signature, of this purpose, not expired at `now`.
pub fn verify(
    secret: &[u8],
    token: &str,
    purpose: Purpose,
    now: i64,
) -> Result<TokenClaims, InvalidToken> {
    let mut validation = Validation::new(Algorithm::HS256);
    // Expiry is checked against our clock below, without leeway.
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<TokenClaims>(
        token.trim(),
        &DecodingKey::from_secret(secret),
        &validation,
    )
    .map_err(|_| InvalidToken)?
    .claims;
    if claims.pur != purpose.claim() || claims.exp <= now || claims.customer_id().is_none() {
        return Err(InvalidToken);
    }
    Ok(claims)
}

/// `https://{domain}/account/{activate|reset}/{id}/{token}`.
pub fn account_url(domain: &str, purpose: Purpose, customer_id: i64, token: &str) -> String {
    format!(
        "{}/account/{}/{customer_id}/{token}",
        shop_base_url(domain),
        purpose.claim()
    )
}

/// The shop's login page: what a notice links to when it must not carry anything that logs in.
pub fn account_login_url(domain: &str) -> String {
    format!("{}/account/login", shop_base_url(domain))
}

fn shop_base_url(domain: &str) -> String {
    let domain = domain.trim_end_matches('/');
    if domain.contains("://") {
        domain.to_owned()
    } else {
        format!("https://{domain}")
    }
}

/// The customer id and token of an activation or reset URL (any host: storefronts proxy these).
pub fn parse_account_url(url: &str, purpose: Purpose) -> Option<(i64, String)> {
    let without_query = url.trim().split(['?', '#']).next()?;
    let marker = format!("/account/{}/", purpose.claim());
    let (_, rest) = without_query.split_once(&marker)?;
    let (id, token) = rest.split_once('/')?;
    let token = token.trim_end_matches('/');
    if token.is_empty() || token.contains('/') {
        return None;
    }
    let id = id.parse::<i64>().ok().filter(|id| *id > 0)?;
    Some((id, token.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a-test-secret-of-enough-length-here";

    fn claims() -> TokenClaims {
        TokenClaims::new(Purpose::Reset, 42, "stamp", 1_000, 3_600)
    }

    #[test]
    fn signed_tokens_verify_for_their_purpose_until_they_expire() {
        let claims = claims();
        let token = sign(SECRET, &claims).expect("sign");
        assert_eq!(
            sign(SECRET, &claims).ok(),
            Some(token.clone()),
            "deterministic"
        );
        assert_eq!(
            verify(SECRET, &token, Purpose::Reset, 1_001),
            Ok(claims.clone())
        );
        assert_eq!(
            verify(SECRET, &token, Purpose::Activate, 1_001),
            Err(InvalidToken)
        );
        assert_eq!(
            verify(SECRET, &token, Purpose::Reset, 4_600),
            Err(InvalidToken)
        );
        assert_eq!(
            verify(b"another-secret", &token, Purpose::Reset, 1_001),
            Err(InvalidToken)
        );
        let mut tampered = token.clone();
        tampered.insert(token.len() / 2, 'x');
        assert_eq!(
            verify(SECRET, &tampered, Purpose::Reset, 1_001),
            Err(InvalidToken)
        );
        assert_eq!(
            verify(SECRET, "garbage", Purpose::Reset, 1_001),
            Err(InvalidToken)
        );
    }

    #[test]
    fn nonces_differ_and_only_their_digest_is_kept() {
        let (a, b) = (claims(), claims());
        assert_ne!(a.non, b.non);
        assert_eq!(a.nonce_hash().len(), 64);
        assert_ne!(a.nonce_hash(), a.non);
    }

    #[test]
    fn urls_round_trip() {
        let url = account_url(
            "shop.example.com",
            Purpose::Activate,
            207119551,
            "tok.en.sig",
        );
        assert_eq!(
            url,
            "https://shop.example.com/account/activate/207119551/tok.en.sig"
        );
        assert_eq!(
            parse_account_url(&url, Purpose::Activate),
            Some((207119551, "tok.en.sig".to_owned()))
        );
        assert_eq!(parse_account_url(&url, Purpose::Reset), None);
        assert_eq!(
            parse_account_url(
                "http://localhost:3000/account/reset/5/abc?x=1",
                Purpose::Reset
            ),
            Some((5, "abc".to_owned()))
        );
        for bad in [
            "https://shop.example.com/account/reset/x/abc",
            "https://shop.example.com/account/reset/5/",
            "https://shop.example.com/account/reset/5",
            "not a url",
            "https://shop.example.com/account/reset/-5/abc",
        ] {
            assert_eq!(parse_account_url(bad, Purpose::Reset), None, "{bad}");
        }
    }
}
