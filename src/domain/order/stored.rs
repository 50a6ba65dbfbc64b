//! What the read model adds to an order as sent: the capability key of its Storefront id, its
//! owner, and the links the account page shows.

use rand::RngCore;
use sha2::{Digest, Sha256};

use super::Order;

/// Hex digits in an order key, as in Shopify's `gid://shopify/Order/<n>?key=<32 hex>`.
pub const KEY_HEX_LEN: usize = 32;

/// The secret half of an order's Storefront id: whoever holds the id may read the order (the
/// order-status link of the confirmation mail). 128 random bits, written as 32 lower-case hex
/// digits.
#[derive(Clone, PartialEq, Eq)]
pub struct OrderKey(String);

impl std::fmt::Debug for OrderKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OrderKey(..)")
    }
}

impl OrderKey {
    pub fn generate() -> Self {
        let mut bytes = [0u8; KEY_HEX_LEN / 2];
        rand::thread_rng().fill_bytes(&mut bytes);
        OrderKey(hex::encode(bytes))
    }

    /// A key as written in an id or a status URL: exactly 32 hex digits (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == KEY_HEX_LEN && text.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| OrderKey(text.to_ascii_lowercase()))
    }

    /// The key Shopify put in an order's `order_status_url` (`…/authenticate?key=<32 hex>`), so
    /// that the ids and links a merchant's customers already have keep working after a move.
    pub fn from_status_url(url: &str) -> Option<Self> {
        let (_, query) = url.split_once('?')?;
        let query = query.split('#').next().unwrap_or_default();
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("key="))
            .and_then(OrderKey::parse)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What is stored to check a presented key: its SHA-256.
    pub fn digest(&self) -> Vec<u8> {
        Sha256::digest(self.0.as_bytes()).to_vec()
    }
}

/// An order's Storefront id, split: `gid://shopify/Order/<n>` and the key of its query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderGid {
    pub id: u64,
    /// `None` when the id has no `key=`, or one that is not 32 hex digits.
    pub key: Option<OrderKey>,
}

impl OrderGid {
    /// `None` when the id does not name an order at all.
    pub fn parse(gid: &str) -> Option<Self> {
        let rest = gid.strip_prefix("gid://shopify/Order/")?;
        let (number, query) = match rest.split_once('?') {
            Some((number, query)) => (number, Some(query)),
            None => (rest, None),
        };
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let id = number.parse::<u64>().ok().filter(|id| *id > 0)?;
        let key = query.and_then(|query| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix("key="))
                .and_then(OrderKey::parse)
        });
        Some(OrderGid { id, key })
    }
}

/// An order as stored and served.
#[derive(Debug, Clone)]
pub struct StoredOrder {
    pub record: Order,
    pub key: OrderKey,
    /// The account the order belongs to; `None` for a guest order not (yet) linked.
    pub customer_id: Option<i64>,
    /// Storefront `statusUrl`: the imported `order_status_url`, else the shop's template.
    pub status_url: String,
    /// Storefront `customerUrl`: the shop's template.
    pub customer_url: String,
}

impl StoredOrder {
    /// `gid://shopify/Order/<n>?key=<key>`, as Shopify writes it.
    pub fn gid(&self) -> String {
        format!(
            "gid://shopify/Order/{}?key={}",
            self.record.id,
            self.key.as_str()
        )
    }
}

/// The default link template of a shop's order pages. `{domain}`, `{id}`, `{number}` and `{key}`
/// are replaced.
pub const DEFAULT_ORDER_URL_TEMPLATE: &str = "https://{domain}/account/orders/{id}?key={key}";

/// A shop's order link for one order.
pub fn order_url(template: &str, domain: &str, order: &Order, key: &OrderKey) -> String {
    template
        .replace("{domain}", domain)
        .replace("{id}", &order.id.to_string())
        .replace("{number}", &order.order_number.to_string())
        .replace("{key}", key.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_shopify_order_ids() {
        let gid = OrderGid::parse(
            "gid://shopify/Order/8978445893938?key=25a879164603d3260f06990fc7a8d361",
        )
        .expect("an order id");
        assert_eq!(gid.id, 8_978_445_893_938);
        assert_eq!(
            gid.key.as_ref().map(OrderKey::as_str),
            Some("25a879164603d3260f06990fc7a8d361")
        );
        assert_eq!(
            OrderGid::parse("gid://shopify/Order/12"),
            Some(OrderGid { id: 12, key: None })
        );
        assert_eq!(
            OrderGid::parse("gid://shopify/Order/12?key=short"),
            Some(OrderGid { id: 12, key: None })
        );
        for not_an_order in [
            "gid://shopify/Customer/12",
            "gid://shopify/Order/",
            "gid://shopify/Order/0",
            "gid://shopify/Order/-1",
            "gid://shopify/Order/1x",
            "gid://shopify/Order/99999999999999999999999",
        ] {
            assert_eq!(OrderGid::parse(not_an_order), None, "{not_an_order}");
        }
    }

    #[test]
    fn keeps_the_key_of_a_shopify_status_url() {
        let url = "https://example.myshopify.com/548380009/orders/123456abcd/authenticate?key=ABCDEF0123456789abcdef0123456789";
        assert_eq!(
            OrderKey::from_status_url(url).map(|k| k.as_str().to_owned()),
            Some("abcdef0123456789abcdef0123456789".to_owned())
        );
        assert_eq!(OrderKey::from_status_url("https://x/orders/1"), None);
    }

    #[test]
    fn generated_keys_are_32_hex_digits_and_differ() {
        let a = OrderKey::generate();
        let b = OrderKey::generate();
        assert_eq!(OrderKey::parse(a.as_str()), Some(a.clone()));
        assert_ne!(a, b);
        assert_eq!(a.digest().len(), 32);
    }
}
