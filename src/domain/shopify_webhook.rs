//! Shopify's webhook deliveries as a receiver sees them: the signature over the raw body and the
//! `X-Shopify-*` headers that name the topic, the shop and the delivery.
//!
//! The signature is checked on the bytes as received, before any parsing: re-serializing a parsed
//! body would not reproduce Shopify's bytes.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use http::HeaderMap;
use sha2::Sha256;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

type HmacSha256 = Hmac<Sha256>;

/// Header values longer than this are refused: Shopify's longest (the signature, 44 characters;
/// webhook ids, 36) are far shorter, and the values end up in logs and keys.
const MAX_HEADER_LEN: usize = 255;

/// Why a delivery's signature was refused. A receiver answers all of them with 401, as Shopify
/// requires; the variants only tell the logs which it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the webhook signing secret is empty")]
    EmptySecret,
    #[error("the X-Shopify-Hmac-Sha256 header is empty")]
    MissingSignature,
    #[error("the X-Shopify-Hmac-Sha256 header is not standard base64")]
    NotBase64,
    #[error("the X-Shopify-Hmac-Sha256 header is not 32 bytes long once decoded")]
    WrongLength,
    #[error("the X-Shopify-Hmac-Sha256 header does not match the body")]
    Mismatch,
}

/// Checks `X-Shopify-Hmac-Sha256`: standard base64 of HMAC-SHA256 over the raw body, keyed with
/// the app's client secret (or the shop's webhook signing key). The comparison is constant-time.
pub fn verify_signature(header: &str, body: &[u8], secret: &[u8]) -> Result<(), SignatureError> {
    if secret.is_empty() {
        // An empty key would make every forger's signature computable.
        return Err(SignatureError::EmptySecret);
    }
    let header = header.trim();
    if header.is_empty() {
        return Err(SignatureError::MissingSignature);
    }
    if header.len() > MAX_HEADER_LEN {
        return Err(SignatureError::WrongLength);
    }
    let signature = STANDARD
        .decode(header)
        .map_err(|_| SignatureError::NotBase64)?;
    if signature.len() != 32 {
        return Err(SignatureError::WrongLength);
    }
    let mut mac =
        <HmacSha256 as Mac>::new_from_slice(secret).map_err(|_| SignatureError::EmptySecret)?;
    mac.update(body);
    mac.verify_slice(&signature)
        .map_err(|_| SignatureError::Mismatch)
}

/// The signature Shopify would send for `body`: for tests and for replaying a stored delivery.
pub fn sign(body: &[u8], secret: &[u8]) -> Result<String, SignatureError> {
    if secret.is_empty() {
        return Err(SignatureError::EmptySecret);
    }
    let mut mac =
        <HmacSha256 as Mac>::new_from_slice(secret).map_err(|_| SignatureError::EmptySecret)?;
    mac.update(body);
    Ok(STANDARD.encode(mac.finalize().into_bytes()))
}

/// The topics of [`OrderTopic`], as Shopify names them.
pub const ORDER_TOPICS: [&str; 7] = [
    "orders/create",
    "orders/updated",
    "orders/paid",
    "orders/cancelled",
    "orders/fulfilled",
    "orders/partially_fulfilled",
    "orders/delete",
];

/// The order topics the order read model consumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderTopic {
    Create,
    Updated,
    Paid,
    Cancelled,
    Fulfilled,
    PartiallyFulfilled,
    /// The body is only `{"id": …}`, not an order.
    Delete,
}

impl OrderTopic {
    pub fn parse(topic: &str) -> Option<Self> {
        Some(match topic {
            "orders/create" => OrderTopic::Create,
            "orders/updated" => OrderTopic::Updated,
            "orders/paid" => OrderTopic::Paid,
            "orders/cancelled" => OrderTopic::Cancelled,
            "orders/fulfilled" => OrderTopic::Fulfilled,
            "orders/partially_fulfilled" => OrderTopic::PartiallyFulfilled,
            "orders/delete" => OrderTopic::Delete,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OrderTopic::Create => "orders/create",
            OrderTopic::Updated => "orders/updated",
            OrderTopic::Paid => "orders/paid",
            OrderTopic::Cancelled => "orders/cancelled",
            OrderTopic::Fulfilled => "orders/fulfilled",
            OrderTopic::PartiallyFulfilled => "orders/partially_fulfilled",
            OrderTopic::Delete => "orders/delete",
        }
    }
}

/// The headers of one delivery. Required are those Shopify's own library requires (signature,
/// topic, shop domain, API version, webhook id); the rest are read when present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookHeaders {
    /// `X-Shopify-Hmac-Sha256`, to be checked with [`verify_signature`].
    pub hmac: String,
    /// `X-Shopify-Topic`, e.g. `orders/create`.
    pub topic: String,
    /// `X-Shopify-Shop-Domain`, lower-cased: `northwind-coffee.myshopify.com`.
    pub shop_domain: String,
    /// `X-Shopify-API-Version`, the version the payload was serialized with, e.g. `2026-01`.
    pub api_version: String,
    /// `X-Shopify-Webhook-Id`: one per delivery attempt's message (dedupes re-deliveries).
    pub webhook_id: String,
    /// `X-Shopify-Event-Id`: shared by every delivery caused by one merchant action; Shopify names
    /// it the key for ignoring duplicates.
    pub event_id: Option<String>,
    /// `X-Shopify-Triggered-At`: when Shopify fired the event (retries keep it, so it spots stale
    /// deliveries).
    pub triggered_at: Option<OffsetDateTime>,
    /// `X-Shopify-Name`: the subscription's developer-given name.
    pub name: Option<String>,
}

impl WebhookHeaders {
    pub fn order_topic(&self) -> Option<OrderTopic> {
        OrderTopic::parse(&self.topic)
    }
}

/// Why the headers of a delivery were refused. `header` is the `X-Shopify-…` name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("the {header} header is missing")]
    Missing { header: &'static str },
    #[error("the {header} header is invalid: {reason}")]
    Invalid {
        header: &'static str,
        reason: &'static str,
    },
}

const HMAC: &str = "X-Shopify-Hmac-Sha256";
const TOPIC: &str = "X-Shopify-Topic";
const SHOP_DOMAIN: &str = "X-Shopify-Shop-Domain";
const API_VERSION: &str = "X-Shopify-API-Version";
const WEBHOOK_ID: &str = "X-Shopify-Webhook-Id";
const EVENT_ID: &str = "X-Shopify-Event-Id";
const TRIGGERED_AT: &str = "X-Shopify-Triggered-At";
const NAME: &str = "X-Shopify-Name";

/// One header's text. Shopify's newer "Events" deliveries send the same names without the `X-`
/// prefix (and, for now, both sets), so the unprefixed name is the fallback.
fn header(headers: &HeaderMap, name: &'static str) -> Result<Option<String>, HeaderError> {
    let value = headers
        .get(name)
        .or_else(|| name.strip_prefix("X-").and_then(|bare| headers.get(bare)));
    let Some(value) = value else { return Ok(None) };
    let text = value.to_str().map_err(|_| HeaderError::Invalid {
        header: name,
        reason: "not visible ASCII",
    })?;
    let text = text.trim();
    if text.len() > MAX_HEADER_LEN {
        return Err(HeaderError::Invalid {
            header: name,
            reason: "longer than 255 characters",
        });
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

fn required(headers: &HeaderMap, name: &'static str) -> Result<String, HeaderError> {
    header(headers, name)?.ok_or(HeaderError::Missing { header: name })
}

/// Reads a delivery's headers. Does not check the signature: call [`verify_signature`] with
/// [`WebhookHeaders::hmac`] before trusting anything else here.
pub fn parse_headers(headers: &HeaderMap) -> Result<WebhookHeaders, HeaderError> {
    let hmac = required(headers, HMAC)?;
    let topic = required(headers, TOPIC)?;
    // `resource/event` (or `resource.event` for newer topics): lower-case letters, `_`, `/`, `.`.
    if !topic
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_/.".contains(&b))
        || !topic.contains(['/', '.'])
    {
        return Err(HeaderError::Invalid {
            header: TOPIC,
            reason: "not a topic such as orders/create",
        });
    }
    let shop_domain = required(headers, SHOP_DOMAIN)?.to_ascii_lowercase();
    if !is_hostname(&shop_domain) {
        return Err(HeaderError::Invalid {
            header: SHOP_DOMAIN,
            reason: "not a host name",
        });
    }
    let api_version = required(headers, API_VERSION)?;
    let webhook_id = required(headers, WEBHOOK_ID)?;
    let triggered_at = match header(headers, TRIGGERED_AT)? {
        None => None,
        Some(text) => {
            Some(
                OffsetDateTime::parse(&text, &Rfc3339).map_err(|_| HeaderError::Invalid {
                    header: TRIGGERED_AT,
                    reason: "not an RFC 3339 date-time",
                })?,
            )
        }
    };
    Ok(WebhookHeaders {
        hmac,
        topic,
        shop_domain,
        api_version,
        webhook_id,
        event_id: header(headers, EVENT_ID)?,
        triggered_at,
        name: header(headers, NAME)?,
    })
}

/// Dot-separated labels of letters, digits and inner hyphens: the shop domain becomes a lookup
/// key, so nothing else may pass.
fn is_hostname(text: &str) -> bool {
    text.len() <= 253
        && text.contains('.')
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use proptest::prelude::*;
    use time::macros::datetime;

    const FIXTURE: &[u8] = include_bytes!("../../tests/fixtures/shopify-order-webhook.json");

    #[test]
    fn the_rfc_4231_vector_verifies() {
        // RFC 4231 test case 2 (key "Jefe"): HMAC-SHA256 = 5bdcc146bf60754e6a042426089575c7
        // 5a003f089d2739839dec58b964ec3843, here in the standard base64 Shopify sends.
        let signature = "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=";
        assert_eq!(
            verify_signature(signature, b"what do ya want for nothing?", b"Jefe"),
            Ok(())
        );
        assert_eq!(
            sign(b"what do ya want for nothing?", b"Jefe").as_deref(),
            Ok(signature)
        );
    }

    #[test]
    fn a_webhook_body_vector_verifies() {
        // Made independently with Python's standard library:
        //   base64.b64encode(hmac.new(b"hush", body, hashlib.sha256).digest())
        let body = br#"{"id":820982911946154508,"email":"jon@example.com"}"#;
        let signature = "D0UMXmhjwBRi4y66TmhJrDlhQABD7zI2fm3p6/QLMo8=";
        assert_eq!(verify_signature(signature, body, b"hush"), Ok(()));
        // Surrounding whitespace in the header is tolerated, a changed byte anywhere is not.
        assert_eq!(
            verify_signature(&format!(" {signature} "), body, b"hush"),
            Ok(())
        );
        let mut tampered = body.to_vec();
        tampered[6] = b'9';
        assert_eq!(
            verify_signature(signature, &tampered, b"hush"),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(signature, body, b"hush2"),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn the_order_fixture_round_trips() {
        let signature = sign(FIXTURE, b"shpss_0123456789abcdef").expect("signs");
        assert_eq!(
            verify_signature(&signature, FIXTURE, b"shpss_0123456789abcdef"),
            Ok(())
        );
    }

    #[test]
    fn each_signature_error() {
        let body = b"{}";
        let good = sign(body, b"secret").expect("signs");
        assert_eq!(
            verify_signature(&good, body, b""),
            Err(SignatureError::EmptySecret)
        );
        assert_eq!(sign(body, b""), Err(SignatureError::EmptySecret));
        assert_eq!(
            verify_signature("", body, b"secret"),
            Err(SignatureError::MissingSignature)
        );
        assert_eq!(
            verify_signature("   ", body, b"secret"),
            Err(SignatureError::MissingSignature)
        );
        assert_eq!(
            verify_signature("not base64!", body, b"secret"),
            Err(SignatureError::NotBase64)
        );
        // Hex, as some other platforms send, is not what Shopify sends.
        let hex = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(
            verify_signature(hex, body, b"secret"),
            Err(SignatureError::WrongLength)
        );
        // A truncated MAC is refused, never compared as a prefix.
        assert_eq!(
            verify_signature(&STANDARD.encode([0u8; 16]), body, b"secret"),
            Err(SignatureError::WrongLength)
        );
        assert_eq!(
            verify_signature(&"A".repeat(400), body, b"secret"),
            Err(SignatureError::WrongLength)
        );
        // Well-formed but wrong.
        assert_eq!(
            verify_signature(&STANDARD.encode([0u8; 32]), body, b"secret"),
            Err(SignatureError::Mismatch)
        );
    }

    fn delivery() -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            (
                "x-shopify-hmac-sha256",
                "D0UMXmhjwBRi4y66TmhJrDlhQABD7zI2fm3p6/QLMo8=",
            ),
            ("x-shopify-topic", "orders/create"),
            ("x-shopify-shop-domain", "Northwind-Coffee.myshopify.com"),
            ("x-shopify-api-version", "2026-01"),
            (
                "x-shopify-webhook-id",
                "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
            ),
            ("x-shopify-event-id", "98880550-7158-44d4-b7cd-2c97c8a091b5"),
            ("x-shopify-triggered-at", "2026-01-02T08:04:06.377415297Z"),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn parses_a_deliverys_headers() {
        let headers = parse_headers(&delivery()).expect("parses");
        assert_eq!(headers.topic, "orders/create");
        assert_eq!(headers.order_topic(), Some(OrderTopic::Create));
        assert_eq!(headers.shop_domain, "northwind-coffee.myshopify.com");
        assert_eq!(headers.api_version, "2026-01");
        assert_eq!(headers.webhook_id, "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
        assert_eq!(
            headers.event_id.as_deref(),
            Some("98880550-7158-44d4-b7cd-2c97c8a091b5")
        );
        assert_eq!(
            headers.triggered_at,
            Some(datetime!(2026-01-02 08:04:06.377415297 UTC))
        );
        assert_eq!(headers.name, None);
        assert_eq!(
            verify_signature(
                &headers.hmac,
                br#"{"id":820982911946154508,"email":"jon@example.com"}"#,
                b"hush"
            ),
            Ok(())
        );
    }

    #[test]
    fn unprefixed_event_headers_are_read_too() {
        let mut headers = HeaderMap::new();
        for (name, value) in delivery().iter() {
            let bare = name.as_str().trim_start_matches("x-");
            headers.insert(
                http::HeaderName::from_bytes(bare.as_bytes()).expect("a name"),
                value.clone(),
            );
        }
        assert_eq!(parse_headers(&headers), parse_headers(&delivery()));
    }

    #[test]
    fn each_header_error() {
        for name in [HMAC, TOPIC, SHOP_DOMAIN, API_VERSION, WEBHOOK_ID] {
            let mut headers = delivery();
            headers.remove(name);
            assert_eq!(
                parse_headers(&headers),
                Err(HeaderError::Missing { header: name })
            );
            headers.insert(name, HeaderValue::from_static(" "));
            assert_eq!(
                parse_headers(&headers),
                Err(HeaderError::Missing { header: name }),
                "blank is missing"
            );
        }
        let invalid = |name: &'static str, value: HeaderValue| {
            let mut headers = delivery();
            headers.insert(name, value);
            match parse_headers(&headers) {
                Err(HeaderError::Invalid { header, .. }) => header,
                other => panic!("expected Invalid for {name}, got {other:?}"),
            }
        };
        for (name, value) in [
            (TOPIC, "Orders Create"),
            (TOPIC, "orders"),
            (SHOP_DOMAIN, "shop"),
            (SHOP_DOMAIN, "evil.example/path"),
            (SHOP_DOMAIN, "-bad.myshopify.com"),
            (TRIGGERED_AT, "yesterday"),
        ] {
            assert_eq!(
                invalid(name, HeaderValue::from_static(value)),
                name,
                "{value}"
            );
        }
        let long = HeaderValue::from_str(&"a".repeat(256)).expect("a value");
        assert_eq!(invalid(WEBHOOK_ID, long), WEBHOOK_ID);
        let binary = HeaderValue::from_bytes(b"caf\xc3\xa9").expect("a value");
        assert_eq!(invalid(EVENT_ID, binary), EVENT_ID);
    }

    #[test]
    fn order_topics_round_trip() {
        for topic in [
            OrderTopic::Create,
            OrderTopic::Updated,
            OrderTopic::Paid,
            OrderTopic::Cancelled,
            OrderTopic::Fulfilled,
            OrderTopic::PartiallyFulfilled,
            OrderTopic::Delete,
        ] {
            assert_eq!(OrderTopic::parse(topic.as_str()), Some(topic));
        }
        assert_eq!(OrderTopic::parse("customers/create"), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn only_the_right_signature_verifies(
            body in prop::collection::vec(any::<u8>(), 0..256),
            secret in prop::collection::vec(any::<u8>(), 1..64),
            header in ".{0,64}",
        ) {
            let good = sign(&body, &secret).expect("signs");
            prop_assert_eq!(verify_signature(&good, &body, &secret), Ok(()));
            if header.trim() != good {
                prop_assert!(verify_signature(&header, &body, &secret).is_err());
            }
        }
    }
}
