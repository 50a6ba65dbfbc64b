//! Webhooks we send: the topics subscribers choose from, the signatures they check, the callback
//! URLs we agree to call, the retry schedule, and the trimming of bodies to the fields asked for.
//!
//! Every delivery is signed twice, so that either kind of receiver can check it without a
//! shim: `X-Shopify-Hmac-Sha256`, as Shopify's libraries verify it, and Standard Webhooks'
//! `webhook-signature`, as their libraries do (with the id and timestamp signed too, which
//! defeats replays). Callback URLs are checked here against the targets a server must never be
//! made to call on someone's behalf (loopback, private networks, cloud metadata); the delivery
//! side checks every resolved address again with [`is_public_address`], since a public name can
//! resolve to a private address.
//!
//! Nothing here does I/O; the delivery worker owns the clock, the network and the queue.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::macros::format_description;

type HmacSha256 = Hmac<Sha256>;

/// Webhook topics we deliver (Shopify's names; the last two are our documented extensions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    CustomersCreate,
    CustomersUpdate,
    CustomersDelete,
    CustomersEnable,
    CustomersDisable,
    CustomerTagsAdded,
    CustomerTagsRemoved,
    CustomersEmailMarketingConsentUpdate,
    OrdersCreate,
    OrdersUpdated,
    /// Shopify's mandatory compliance topic: a customer asked for their data.
    CustomersDataRequest,
    /// Shopify's mandatory compliance topic: a customer's data is to be erased.
    CustomersRedact,
    /// Ours: a customer activated their account from an invitation.
    CustomersActivated,
    /// Ours: a customer reset their password.
    CustomersPasswordReset,
}

impl Topic {
    /// Every topic, in declaration order.
    pub const ALL: [Topic; 14] = [
        Topic::CustomersCreate,
        Topic::CustomersUpdate,
        Topic::CustomersDelete,
        Topic::CustomersEnable,
        Topic::CustomersDisable,
        Topic::CustomerTagsAdded,
        Topic::CustomerTagsRemoved,
        Topic::CustomersEmailMarketingConsentUpdate,
        Topic::OrdersCreate,
        Topic::OrdersUpdated,
        Topic::CustomersDataRequest,
        Topic::CustomersRedact,
        Topic::CustomersActivated,
        Topic::CustomersPasswordReset,
    ];

    /// The name sent in `X-Shopify-Topic`, e.g. `customers/create`. Shopify's newer topics use a
    /// dot (`customer.tags_added`), and so do we for those.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::CustomersCreate => "customers/create",
            Topic::CustomersUpdate => "customers/update",
            Topic::CustomersDelete => "customers/delete",
            Topic::CustomersEnable => "customers/enable",
            Topic::CustomersDisable => "customers/disable",
            Topic::CustomerTagsAdded => "customer.tags_added",
            Topic::CustomerTagsRemoved => "customer.tags_removed",
            Topic::CustomersEmailMarketingConsentUpdate => {
                "customers_email_marketing_consent/update"
            }
            Topic::OrdersCreate => "orders/create",
            Topic::OrdersUpdated => "orders/updated",
            Topic::CustomersDataRequest => "customers/data_request",
            Topic::CustomersRedact => "customers/redact",
            Topic::CustomersActivated => "customers/activated",
            Topic::CustomersPasswordReset => "customers/password_reset",
        }
    }

    /// The topic named either as in `X-Shopify-Topic` (exactly) or as the GraphQL enum value
    /// (any case, since clients write `customers_create` as readily as `CUSTOMERS_CREATE`).
    pub fn parse(text: &str) -> Option<Topic> {
        Topic::ALL
            .into_iter()
            .find(|topic| topic.as_str() == text || topic.enum_name().eq_ignore_ascii_case(text))
    }

    /// The GraphQL `WebhookSubscriptionTopic` value, e.g. `CUSTOMERS_CREATE`.
    pub fn enum_name(self) -> &'static str {
        match self {
            Topic::CustomersCreate => "CUSTOMERS_CREATE",
            Topic::CustomersUpdate => "CUSTOMERS_UPDATE",
            Topic::CustomersDelete => "CUSTOMERS_DELETE",
            Topic::CustomersEnable => "CUSTOMERS_ENABLE",
            Topic::CustomersDisable => "CUSTOMERS_DISABLE",
            Topic::CustomerTagsAdded => "CUSTOMER_TAGS_ADDED",
            Topic::CustomerTagsRemoved => "CUSTOMER_TAGS_REMOVED",
            Topic::CustomersEmailMarketingConsentUpdate => {
                "CUSTOMERS_EMAIL_MARKETING_CONSENT_UPDATE"
            }
            Topic::OrdersCreate => "ORDERS_CREATE",
            Topic::OrdersUpdated => "ORDERS_UPDATED",
            Topic::CustomersDataRequest => "CUSTOMERS_DATA_REQUEST",
            Topic::CustomersRedact => "CUSTOMERS_REDACT",
            Topic::CustomersActivated => "CUSTOMERS_ACTIVATED",
            Topic::CustomersPasswordReset => "CUSTOMERS_PASSWORD_RESET",
        }
    }

    /// Not a Shopify `WebhookSubscriptionTopic` value: data_request and redact are Shopify
    /// compliance topics, set in an app's configuration rather than subscribed to;
    /// activated and password_reset are ours.
    pub fn is_extension(self) -> bool {
        matches!(
            self,
            Topic::CustomersDataRequest
                | Topic::CustomersRedact
                | Topic::CustomersActivated
                | Topic::CustomersPasswordReset
        )
    }
}

/// The prefix of a Standard Webhooks secret; what follows it is the base64 of the key.
const SECRET_PREFIX: &str = "whsec_";

/// A subscription's signing secret: `whsec_` + standard base64 of 32 random bytes (Standard
/// Webhooks' format, so their libraries take it as is).
pub fn new_secret() -> String {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// `X-Shopify-Hmac-Sha256`: standard base64 of HMAC-SHA256 over the raw body, keyed with the
/// secret's UTF-8 bytes exactly as given (the whole `whsec_…` string: Shopify's libraries key
/// the HMAC with the secret text they are given, never decoding it).
pub fn shopify_hmac(secret: &str, body: &[u8]) -> String {
    STANDARD.encode(hmac_sha256(secret.as_bytes(), &[body]))
}

/// `webhook-signature` (Standard Webhooks v1): for each secret, `v1,` + base64 of
/// HMAC-SHA256 over `{msg_id}.{timestamp}.{body}`, keyed with the base64-decoded part after
/// `whsec_` (a secret without the prefix, or that does not decode, keys with its UTF-8 bytes).
/// The signatures are joined by one space, in the order given: several are sent while a secret
/// is being rotated, so receivers holding either secret accept the delivery.
pub fn standard_signature(secrets: &[&str], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    let timestamp = timestamp.to_string();
    secrets
        .iter()
        .map(|secret| {
            let key = secret
                .strip_prefix(SECRET_PREFIX)
                .and_then(|encoded| STANDARD.decode(encoded).ok())
                .unwrap_or_else(|| secret.as_bytes().to_vec());
            let mac = hmac_sha256(
                &key,
                &[msg_id.as_bytes(), b".", timestamp.as_bytes(), b".", body],
            );
            format!("v1,{}", STANDARD.encode(mac))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// HMAC-SHA256 of the concatenated `parts`. The key is brought to the block size as HMAC itself
/// does (hashed when longer, zero-padded), so the infallible fixed-size constructor serves and no
/// "invalid length" error has to be invented for a case that cannot occur.
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > block.len() {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut mac = <HmacSha256 as KeyInit>::new(&block.into());
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// The longest callback URL accepted: browsers' and proxies' common limit, and ample for any
/// real endpoint.
const MAX_URL_LEN: usize = 2048;

/// Why a callback URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    #[error("must be an absolute URL")]
    Invalid,
    #[error("must be at most 2048 characters long")]
    TooLong,
    #[error("must use https")]
    Scheme,
    #[error("must not contain a user name or password")]
    Credentials,
    #[error("must name a host")]
    NoHost,
    #[error("must not point at a loopback, private or link-local address")]
    PrivateTarget,
    #[error("must not have a #fragment")]
    Fragment,
}

/// Checks a callback URL before it is stored and before each delivery. With `allow_private`
/// (development and tests), loopback and private targets and plain http are allowed. Returns the
/// parsed URL.
///
/// Host names are judged here only by name (`localhost`); what they resolve to is judged at
/// delivery time, address by address, with [`is_public_address`].
pub fn check_callback_url(text: &str, allow_private: bool) -> Result<url::Url, UrlProblem> {
    // Checked before parsing too, so that a huge input costs no parsing.
    if text.len() > MAX_URL_LEN {
        return Err(UrlProblem::TooLong);
    }
    let url = url::Url::parse(text).map_err(|_| UrlProblem::Invalid)?;
    // Percent-encoding can lengthen what was given.
    if url.as_str().len() > MAX_URL_LEN {
        return Err(UrlProblem::TooLong);
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err(UrlProblem::Scheme),
    }
    // Credentials in a stored URL would be shown to anyone who can list subscriptions, and sent
    // in the clear in logs.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlProblem::Credentials);
    }
    let Some(host) = url.host() else {
        return Err(UrlProblem::NoHost);
    };
    // A fragment is never sent over HTTP; one in a callback URL is a mistake.
    if url.fragment().is_some() {
        return Err(UrlProblem::Fragment);
    }
    if !allow_private {
        // The url crate has already turned IP literals in any notation (`127.1`, `0x7f.0.0.1`,
        // `[::ffff:7f00:1]`) into addresses, so only real names reach the domain arm.
        let public = match host {
            url::Host::Domain(name) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                // RFC 6761: `localhost` and its subdomains always resolve to loopback.
                name != "localhost" && !name.ends_with(".localhost")
            }
            url::Host::Ipv4(ip) => is_public_address(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => is_public_address(IpAddr::V6(ip)),
        };
        if !public {
            return Err(UrlProblem::PrivateTarget);
        }
    }
    Ok(url)
}

/// Whether an address may receive deliveries when private targets are not allowed: false for
/// addresses that are not globally routable (loopback, private, shared, link-local — the cloud
/// metadata service lives there —, documentation, benchmarking, multicast, reserved), and for
/// IPv6 addresses embedding such an IPv4 address.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => is_public_v6(ip),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let reserved = a == 0 // "this network", including the unspecified 0.0.0.0
        || a == 10 // private
        || a == 127 // loopback
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier-grade NAT)
        || (a == 169 && b == 254) // link-local, including 169.254.169.254
        || (a == 172 && (16..32).contains(&b)) // private
        || (a == 192 && b == 168) // private
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // documentation (TEST-NET-1)
        || (a == 198 && b == 51 && c == 100) // documentation (TEST-NET-2)
        || (a == 203 && b == 0 && c == 113) // documentation (TEST-NET-3)
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 224; // multicast (224/4), reserved (240/4) and broadcast
    !reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    let octets = ip.octets();
    let embedded = Ipv4Addr::new(octets[12], octets[13], octets[14], octets[15]);
    // IPv4-mapped (::ffff:0:0/96) and IPv4-compatible (::/96, which holds :: and ::1 too) name
    // an IPv4 host outright; NAT64's well-known prefix (64:ff9b::/96) is translated to one.
    // Each is as public as that IPv4 address.
    if segments[..5] == [0; 5] && (segments[5] == 0 || segments[5] == 0xffff) {
        return is_public_v4(embedded);
    }
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return is_public_v4(embedded);
    }
    // 6to4 (2002::/16) carries its IPv4 address in bits 16..48.
    if segments[0] == 0x2002 {
        let [_, _, a, b, c, d, ..] = octets;
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    let reserved = (segments[0] & 0xfe00) == 0xfc00 // unique local, fc00::/7
        || (segments[0] & 0xffc0) == 0xfe80 // link-local, fe80::/10
        || (segments[0] & 0xffc0) == 0xfec0 // deprecated site-local, fec0::/10: private in practice
        || (segments[0] & 0xff00) == 0xff00 // multicast, ff00::/8
        || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation, 2001:db8::/32
        || (segments[0] == 0x0064 && segments[1] == 0xff9b && segments[2] == 0x0001) // local-use NAT64, 64:ff9b:1::/48
        || (segments[..4] == [0x0100, 0, 0, 0]); // discard-only, 100::/64
    !reserved
}

/// The most retries any schedule may hold.
const MAX_RETRIES: usize = 50;
/// The longest single wait a schedule may hold.
const MAX_DELAY: Duration = Duration::from_secs(7 * 24 * 3600);

/// The waits before each retry. Attempt 1 is immediate; after failed attempt n (1-based), wait
/// `delays[n - 1]`; when n exceeds the number of delays, give up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule {
    delays: Vec<Duration>,
}

impl RetrySchedule {
    /// Standard Webhooks' example schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h
    /// (about three days in all, long enough to outlast a receiver's weekend outage).
    pub fn standard() -> Self {
        let minute = 60;
        let hour = 3600;
        RetrySchedule {
            delays: [
                5,
                5 * minute,
                30 * minute,
                2 * hour,
                5 * hour,
                10 * hour,
                14 * hour,
                20 * hour,
                24 * hour,
            ]
            .into_iter()
            .map(Duration::from_secs)
            .collect(),
        }
    }

    /// Shopify's: 8 retries over 4 hours, doubling from a minute (the last shortened so that the
    /// total is exactly 4 hours).
    pub fn shopify() -> Self {
        RetrySchedule {
            delays: [60, 120, 240, 480, 960, 1920, 3840, 6780]
                .into_iter()
                .map(Duration::from_secs)
                .collect(),
        }
    }

    /// `standard`, `shopify`, or a comma-separated list of durations such as
    /// `5s, 5m, 30m, 2h, 1d` or `1500ms` (units ms, s, m, h, d): at least one, at most 50, each
    /// more than zero and at most 7 days.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("standard") {
            return Ok(RetrySchedule::standard());
        }
        if text.eq_ignore_ascii_case("shopify") {
            return Ok(RetrySchedule::shopify());
        }
        if text.is_empty() {
            return Err(
                "a retry schedule is \"standard\", \"shopify\" or a list of durations such as \"5s, 5m, 2h\""
                    .to_owned(),
            );
        }
        let delays = text
            .split(',')
            .map(parse_delay)
            .collect::<Result<Vec<_>, _>>()?;
        if delays.len() > MAX_RETRIES {
            return Err(format!(
                "a retry schedule holds at most {MAX_RETRIES} delays, not {}",
                delays.len()
            ));
        }
        Ok(RetrySchedule { delays })
    }

    /// The waits, one per retry.
    pub fn delays(&self) -> &[Duration] {
        &self.delays
    }

    /// The wait after failed attempt `attempts` (1-based); `None`: give up. Zero attempts have
    /// not failed, so there is nothing to wait for either: also `None`.
    pub fn delay_after(&self, attempts: u32) -> Option<Duration> {
        let index = usize::try_from(attempts).ok()?.checked_sub(1)?;
        self.delays.get(index).copied()
    }

    /// The sum of all delays: how long after the first attempt the last one is made.
    pub fn span(&self) -> Duration {
        self.delays.iter().sum()
    }
}

/// One duration of a schedule: a whole number and a unit, e.g. `30m` or `1500 ms`.
fn parse_delay(item: &str) -> Result<Duration, String> {
    let item = item.trim();
    let split = item
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(item.len());
    let (number, unit) = item.split_at(split);
    let bad = || format!("{item:?} is not a duration such as 5s, 30m, 2h, 1d or 1500ms");
    if number.is_empty() {
        return Err(bad());
    }
    let unit_millis: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(bad()),
    };
    let too_long = || format!("{item:?} is longer than the 7 days a retry may wait");
    // A number too big for u64 is certainly too long a wait.
    let number: u64 = number.parse().map_err(|_| too_long())?;
    let millis = number.checked_mul(unit_millis).ok_or_else(too_long)?;
    let delay = Duration::from_millis(millis);
    if delay.is_zero() {
        return Err(format!("{item:?}: a retry's wait must be more than zero"));
    }
    if delay > MAX_DELAY {
        return Err(too_long());
    }
    Ok(delay)
}

/// The longest `Retry-After` honoured: a receiver asking for more is not refused its wait, but
/// neither can it park a delivery indefinitely.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// `Retry-After`: delay-seconds (a non-negative integer) or an HTTP-date (IMF-fixdate, e.g.
/// `Wed, 21 Oct 2015 07:28:00 GMT`), relative to `now`. A date in the past is zero; anything
/// unparseable is `None`; the result is capped at 24 hours.
pub fn parse_retry_after(value: &str, now: OffsetDateTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for u64 is a very long wait, not garbage.
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER));
    }
    // IMF-fixdate only: RFC 9110's obsolete forms (RFC 850, asctime) are not sent by any current
    // server. The weekday is read but not checked against the date.
    let format = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let date = time::PrimitiveDateTime::parse(value, format)
        .ok()?
        .assume_utc();
    let wait = date - now;
    if wait.is_negative() {
        return Some(Duration::ZERO);
    }
    Some(
        Duration::try_from(wait)
            .unwrap_or(MAX_RETRY_AFTER)
            .min(MAX_RETRY_AFTER),
    )
}

/// Shopify's `includeFields`: keeps only the listed fields of a JSON object body. A field is a
/// top-level key or a dotted path (`addresses.city`, `default_address.zip`): a dotted path keeps
/// that nested key inside the object, or inside every object of an array, at that key. Empty
/// `fields` returns the body unchanged, and so do non-objects.
///
/// Along a dotted path, `null` is kept (the customer has no default address: the subscriber
/// learns so), while other scalars, which hold no keys, are left out.
pub fn select_fields(body: &Value, fields: &[String]) -> Value {
    if fields.is_empty() || !body.is_object() {
        return body.clone();
    }
    let paths: Vec<Vec<&str>> = fields
        .iter()
        .map(|field| field.split('.').collect())
        .collect();
    let paths: Vec<&[&str]> = paths.iter().map(Vec::as_slice).collect();
    project(body, &paths).unwrap_or_else(|| Value::Object(Map::new()))
}

/// The part of `value` that `paths` (relative to it, each non-empty) name; `None` when nothing of
/// it can be kept.
fn project(value: &Value, paths: &[&[&str]]) -> Option<Value> {
    match value {
        Value::Object(map) => {
            let mut kept = Map::new();
            for (key, child) in map {
                let mut whole = false;
                let mut tails: Vec<&[&str]> = Vec::new();
                for path in paths {
                    if let Some((first, rest)) = path.split_first()
                        && first == key
                    {
                        if rest.is_empty() {
                            whole = true;
                        } else {
                            tails.push(rest);
                        }
                    }
                }
                // A whole key asked for wins over paths into it ("addresses" and
                // "addresses.city" keep every address entire).
                let selected = if whole {
                    Some(child.clone())
                } else if tails.is_empty() {
                    None
                } else {
                    project(child, &tails)
                };
                if let Some(selected) = selected {
                    kept.insert(key.clone(), selected);
                }
            }
            Some(Value::Object(kept))
        }
        Value::Array(items) => Some(Value::Array(
            items
                .iter()
                .filter_map(|item| project(item, paths))
                .collect(),
        )),
        Value::Null => Some(Value::Null),
        Value::Bool(_) | Value::Number(_) | Value::String(_) => None,
    }
}

/// The most include fields a subscription may list.
const MAX_INCLUDE_FIELDS: usize = 100;
/// The longest include field.
const MAX_INCLUDE_FIELD_LEN: usize = 100;

/// Checks a list of include fields: at most 100, each 1 to 100 characters of `A-Z a-z 0-9 _ .`
/// with no empty segment. The error names the bad field.
pub fn check_include_fields(fields: &[String]) -> Result<(), String> {
    if fields.len() > MAX_INCLUDE_FIELDS {
        return Err(format!(
            "at most {MAX_INCLUDE_FIELDS} include fields are allowed, not {}",
            fields.len()
        ));
    }
    for field in fields {
        if field.is_empty() {
            return Err("an include field is empty".to_owned());
        }
        if field.chars().count() > MAX_INCLUDE_FIELD_LEN {
            // Not echoed whole: it may be anything, of any length.
            let start: String = field.chars().take(20).collect();
            return Err(format!(
                "the include field {start:?}… is longer than {MAX_INCLUDE_FIELD_LEN} characters"
            ));
        }
        if !field
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        {
            return Err(format!(
                "the include field {field:?} may hold only letters, digits, _ and ."
            ));
        }
        if field.split('.').any(str::is_empty) {
            return Err(format!(
                "the include field {field:?} has an empty part between dots"
            ));
        }
    }
    Ok(())
}

/// The longest subscription name.
const MAX_NAME_LEN: usize = 50;

/// A subscription name (sent as `X-Shopify-Name`): 1 to 50 characters of `A-Z a-z 0-9 _ -`,
/// Shopify's rule, which also keeps it a safe header value.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a webhook subscription name must not be empty".to_owned());
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(format!(
            "a webhook subscription name is at most {MAX_NAME_LEN} characters long"
        ));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(format!(
            "the webhook subscription name {name:?} may hold only letters, digits, _ and -"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashSet;
    use time::macros::datetime;

    #[test]
    fn topics_round_trip() {
        let unique: HashSet<Topic> = Topic::ALL.into_iter().collect();
        assert_eq!(unique.len(), 14);
        let names: HashSet<&str> = Topic::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(names.len(), 14);
        let enums: HashSet<&str> = Topic::ALL.iter().map(|t| t.enum_name()).collect();
        assert_eq!(enums.len(), 14);
        for topic in Topic::ALL {
            assert_eq!(Topic::parse(topic.as_str()), Some(topic));
            assert_eq!(Topic::parse(topic.enum_name()), Some(topic));
            assert_eq!(
                Topic::parse(&topic.enum_name().to_ascii_lowercase()),
                Some(topic)
            );
        }
    }

    #[test]
    fn topic_names() {
        assert_eq!(Topic::CustomersCreate.as_str(), "customers/create");
        assert_eq!(Topic::CustomerTagsAdded.as_str(), "customer.tags_added");
        assert_eq!(
            Topic::CustomersEmailMarketingConsentUpdate.as_str(),
            "customers_email_marketing_consent/update"
        );
        assert_eq!(Topic::OrdersUpdated.enum_name(), "ORDERS_UPDATED");
        assert_eq!(
            Topic::parse("Customers_Password_Reset"),
            Some(Topic::CustomersPasswordReset)
        );
        // The header form is exact: Shopify never varies its case.
        assert_eq!(Topic::parse("CUSTOMERS/CREATE"), None);
        assert_eq!(Topic::parse("customers/create "), None);
        assert_eq!(Topic::parse("orders/paid"), None);
        assert_eq!(Topic::parse(""), None);
    }

    #[test]
    fn extensions() {
        let extensions: Vec<Topic> = Topic::ALL
            .into_iter()
            .filter(|t| t.is_extension())
            .collect();
        assert_eq!(
            extensions,
            [
                Topic::CustomersDataRequest,
                Topic::CustomersRedact,
                Topic::CustomersActivated,
                Topic::CustomersPasswordReset,
            ]
        );
    }

    #[test]
    fn new_secrets_are_standard_webhooks_secrets() {
        let a = new_secret();
        let b = new_secret();
        assert_ne!(a, b);
        let key = STANDARD
            .decode(a.strip_prefix("whsec_").expect("prefixed"))
            .expect("base64");
        assert_eq!(key.len(), 32);
    }

    #[test]
    fn shopify_hmac_matches_openssl() {
        // printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" -binary | base64
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"id":706405506930370084,"email":"bob@example.com"}"#;
        assert_eq!(
            shopify_hmac(secret, body),
            "wPuzw3VaL3N+HpCGlXT2wmZdnfgUf9TIFwb/2S1QO7I="
        );
        // RFC 4231 test case 2.
        assert_eq!(
            shopify_hmac("Jefe", b"what do ya want for nothing?"),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="
        );
        // A key longer than SHA-256's block is hashed first (Python's hmac module).
        assert_eq!(
            shopify_hmac(&"x".repeat(100), b"abc"),
            "yUOuS6hTJW4NdBdputjgFRr92sxlRTnwvkd26f57bok="
        );
    }

    #[test]
    fn shopify_hmac_is_what_the_receiver_accepts() {
        let body = br#"{"id":1}"#;
        let signature = shopify_hmac("whsec_abc", body);
        assert_eq!(
            crate::domain::shopify_webhook::verify_signature(&signature, body, b"whsec_abc"),
            Ok(())
        );
    }

    #[test]
    fn standard_signature_matches_the_spec_vector() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let msg_id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = br#"{"test": 2432232314}"#;
        let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assert_eq!(
            standard_signature(&[secret], msg_id, 1614265330, body),
            expected
        );
        // Each signed part matters.
        assert_ne!(
            standard_signature(&[secret], msg_id, 1614265331, body),
            expected
        );
        assert_ne!(
            standard_signature(&[secret], "msg_other", 1614265330, body),
            expected
        );
    }

    #[test]
    fn several_secrets_give_several_signatures() {
        let old = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        // Not prefixed: keyed with its bytes (Python: hmac.new(b"plain-secret", …)).
        let plain = "plain-secret";
        let msg_id = "msg_1";
        let both = standard_signature(&[old, plain], msg_id, 1614265330, b"{}");
        let parts: Vec<&str> = both.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            parts[0],
            standard_signature(&[old], msg_id, 1614265330, b"{}")
        );
        assert_eq!(parts[1], "v1,2q4jmjWlGLFALqPqzE3ktDiyO0IfECF33G9RsGZnJNQ=");
        // Prefixed but not base64: keyed with the whole text.
        assert_eq!(
            standard_signature(&["whsec_not base64!"], msg_id, 1, b"{}"),
            format!(
                "v1,{}",
                STANDARD.encode(hmac_sha256(b"whsec_not base64!", &[b"msg_1.1.{}"]))
            )
        );
        assert_eq!(standard_signature(&[], msg_id, 1, b"{}"), "");
    }

    #[test]
    fn https_urls_pass() {
        let url = check_callback_url("https://hooks.example.com/shopify?x=1", false).expect("ok");
        assert_eq!(url.host_str(), Some("hooks.example.com"));
        assert!(check_callback_url("https://8.8.8.8:8443/hook", false).is_ok());
        assert!(check_callback_url("https://[2606:4700::1111]/hook", false).is_ok());
    }

    #[test]
    fn schemes() {
        assert_eq!(
            check_callback_url("http://hooks.example.com/", false),
            Err(UrlProblem::Scheme)
        );
        assert!(check_callback_url("http://hooks.example.com/", true).is_ok());
        assert_eq!(
            check_callback_url("ftp://hooks.example.com/", false),
            Err(UrlProblem::Scheme)
        );
        assert_eq!(
            check_callback_url("ftp://hooks.example.com/", true),
            Err(UrlProblem::Scheme)
        );
        assert_eq!(
            check_callback_url("file:///etc/passwd", true),
            Err(UrlProblem::Scheme)
        );
    }

    #[test]
    fn malformed_urls() {
        assert_eq!(
            check_callback_url("/relative/path", false),
            Err(UrlProblem::Invalid)
        );
        assert_eq!(check_callback_url("", false), Err(UrlProblem::Invalid));
        assert_eq!(
            check_callback_url("https://", false),
            Err(UrlProblem::Invalid)
        );
        let long = format!("https://example.com/{}", "a".repeat(2048));
        assert_eq!(check_callback_url(&long, false), Err(UrlProblem::TooLong));
        // Within the limit as typed, beyond it once percent-encoded.
        let spaces = format!("https://example.com/{}x", " ".repeat(1000));
        assert_eq!(check_callback_url(&spaces, false), Err(UrlProblem::TooLong));
        assert_eq!(
            check_callback_url("https://user:pass@example.com/", false),
            Err(UrlProblem::Credentials)
        );
        assert_eq!(
            check_callback_url("https://user@example.com/", true),
            Err(UrlProblem::Credentials)
        );
        assert_eq!(
            check_callback_url("https://example.com/#top", false),
            Err(UrlProblem::Fragment)
        );
        assert_eq!(
            check_callback_url("https://example.com/#", false),
            Err(UrlProblem::Fragment)
        );
    }

    #[test]
    fn private_targets() {
        for url in [
            "https://127.0.0.1/",
            "https://127.1/",
            "https://0x7f.0.0.1/",
            "https://127.0.0.1./",
            "https://10.1.2.3/hook",
            "https://169.254.169.254/latest/meta-data/",
            "https://192.168.0.10/",
            "https://0.0.0.0/",
            "https://[::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:a9fe:a9fe]/",
            "https://[fd00::1]/",
            "https://localhost/",
            "https://LOCALHOST:8443/",
            "https://localhost./",
            "https://api.localhost/",
        ] {
            assert_eq!(
                check_callback_url(url, false),
                Err(UrlProblem::PrivateTarget),
                "{url}"
            );
            assert!(check_callback_url(url, true).is_ok(), "{url}");
        }
        assert!(check_callback_url("http://localhost:3000/hook", true).is_ok());
        // A name merely containing "localhost" is an ordinary name.
        assert!(check_callback_url("https://localhost.example.com/", false).is_ok());
        assert!(check_callback_url("https://notlocalhost/", false).is_ok());
    }

    #[test]
    fn url_problem_messages() {
        assert_eq!(UrlProblem::Scheme.to_string(), "must use https");
        assert_eq!(
            UrlProblem::PrivateTarget.to_string(),
            "must not point at a loopback, private or link-local address"
        );
    }

    fn public(text: &str) -> bool {
        is_public_address(text.parse().expect("an address"))
    }

    #[test]
    fn public_addresses() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.1",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
            "2606:4700::1111",
            "2a00:1450:4001:82b::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(public(ip), "{ip} is public");
        }
    }

    #[test]
    fn non_public_addresses() {
        for ip in [
            "0.0.0.0",
            "0.1.2.3",
            "127.0.0.1",
            "127.255.255.254",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "169.254.169.254",
            "192.0.0.8",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "198.18.0.1",
            "198.19.255.255",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "::10.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::1",
            "2002:7f00:1::1",
            "2002:c0a8:101::1",
            "100::1",
        ] {
            assert!(!public(ip), "{ip} is not public");
        }
    }

    #[test]
    fn standard_schedule() {
        let schedule = RetrySchedule::standard();
        assert_eq!(schedule.delays().len(), 9);
        assert_eq!(schedule.delay_after(1), Some(Duration::from_secs(5)));
        assert_eq!(schedule.delay_after(2), Some(Duration::from_secs(300)));
        assert_eq!(schedule.delay_after(9), Some(Duration::from_secs(86_400)));
        assert_eq!(schedule.delay_after(10), None);
        assert_eq!(schedule.delay_after(0), None);
        assert_eq!(schedule.delay_after(u32::MAX), None);
        // 5 + 300 + 1800 + 7200 + 18000 + 36000 + 50400 + 72000 + 86400 s = 75 h 35 min 5 s.
        assert_eq!(schedule.span(), Duration::from_secs(272_105));
        assert_eq!(
            schedule.span(),
            Duration::from_secs(75 * 3600 + 35 * 60 + 5)
        );
    }

    #[test]
    fn shopify_schedule() {
        let schedule = RetrySchedule::shopify();
        assert_eq!(schedule.delays().len(), 8);
        assert_eq!(schedule.delay_after(1), Some(Duration::from_secs(60)));
        assert_eq!(schedule.delay_after(8), Some(Duration::from_secs(6780)));
        assert_eq!(schedule.delay_after(9), None);
        assert_eq!(schedule.span(), Duration::from_secs(14_400));
    }

    #[test]
    fn schedules_parse() {
        assert_eq!(
            RetrySchedule::parse("standard"),
            Ok(RetrySchedule::standard())
        );
        assert_eq!(
            RetrySchedule::parse(" Shopify "),
            Ok(RetrySchedule::shopify())
        );
        assert_eq!(
            RetrySchedule::parse("5s, 5m, 30m, 2h, 5h, 10h, 14h, 20h, 1d"),
            Ok(RetrySchedule::standard())
        );
        let schedule = RetrySchedule::parse("1500ms").expect("parses");
        assert_eq!(schedule.delays(), [Duration::from_millis(1500)]);
        let schedule = RetrySchedule::parse("1 s,2M ,7d").expect("parses");
        assert_eq!(
            schedule.delays(),
            [
                Duration::from_secs(1),
                Duration::from_secs(120),
                Duration::from_secs(7 * 86_400)
            ]
        );
        let fifty = vec!["1s"; 50].join(",");
        assert_eq!(
            RetrySchedule::parse(&fifty).map(|s| s.delays().len()),
            Ok(50)
        );
    }

    #[test]
    fn bad_schedules_are_refused() {
        for text in [
            "",
            "  ",
            "fast",
            "5",
            "s",
            "5x",
            "5s,",
            ",5s",
            "5s,,5m",
            "0s",
            "0ms",
            "-5s",
            "1.5h",
            "8d",
            "169h",
            "604800001ms",
            "99999999999999999999999s",
            "18446744073709551615d",
        ] {
            assert!(RetrySchedule::parse(text).is_err(), "{text:?}");
        }
        let fifty_one = vec!["1s"; 51].join(",");
        assert!(RetrySchedule::parse(&fifty_one).is_err());
        assert!(RetrySchedule::parse("168h").is_ok());
        let message = RetrySchedule::parse("5s, 5x").expect_err("refused");
        assert!(message.contains("5x"), "{message}");
    }

    #[test]
    fn retry_after_seconds() {
        let now = datetime!(2015-10-21 07:00:00 UTC);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("100000", now),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(86_400))
        );
    }

    #[test]
    fn retry_after_dates() {
        let now = datetime!(2015-10-21 07:00:00 UTC);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(28 * 60))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 06:28:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 2015 00:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Fri, 23 Oct 2015 07:00:00 GMT", now),
            Some(Duration::from_secs(86_400))
        );
        // A fractional `now` leaves a fractional wait.
        let now = datetime!(2015-10-21 07:27:59.5 UTC);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_millis(500))
        );
    }

    #[test]
    fn retry_after_garbage() {
        let now = datetime!(2015-10-21 07:00:00 UTC);
        for value in [
            "",
            "soon",
            "-5",
            "+5",
            "1.5",
            "5 s",
            "2015-10-21T07:28:00Z",
            "Wed, 21 Oct 2015 07:28:00 +0000",
            "Wed, 21 Oct 2015 07:28:00",
            "Wednesday, 21-Oct-15 07:28:00 GMT",
            "Wed, 32 Oct 2015 07:28:00 GMT",
        ] {
            assert_eq!(parse_retry_after(value, now), None, "{value:?}");
        }
    }

    fn fields(list: &[&str]) -> Vec<String> {
        list.iter().map(|f| (*f).to_owned()).collect()
    }

    fn customer() -> Value {
        json!({
            "id": 706405506930370084u64,
            "email": "bob@example.com",
            "tags": "vip, newsletter",
            "default_address": {"id": 1, "city": "Ottawa", "zip": "K2P 1L4"},
            "addresses": [
                {"id": 1, "city": "Ottawa", "zip": "K2P 1L4"},
                {"id": 2, "city": "Lyon", "zip": "69001"}
            ],
            "note": null
        })
    }

    #[test]
    fn select_nothing_keeps_everything() {
        assert_eq!(select_fields(&customer(), &[]), customer());
        assert_eq!(
            select_fields(&json!([1, 2]), &fields(&["id"])),
            json!([1, 2])
        );
        assert_eq!(select_fields(&json!("x"), &fields(&["id"])), json!("x"));
    }

    #[test]
    fn select_top_level_fields() {
        assert_eq!(
            select_fields(&customer(), &fields(&["id", "email", "missing"])),
            json!({"id": 706405506930370084u64, "email": "bob@example.com"})
        );
        assert_eq!(
            select_fields(&customer(), &fields(&["note"])),
            json!({"note": null})
        );
        assert_eq!(select_fields(&customer(), &fields(&["missing"])), json!({}));
    }

    #[test]
    fn select_nested_fields() {
        assert_eq!(
            select_fields(&customer(), &fields(&["id", "default_address.zip"])),
            json!({"id": 706405506930370084u64, "default_address": {"zip": "K2P 1L4"}})
        );
        // Into an array: the key inside every element.
        assert_eq!(
            select_fields(&customer(), &fields(&["addresses.city", "addresses.id"])),
            json!({"addresses": [{"id": 1, "city": "Ottawa"}, {"id": 2, "city": "Lyon"}]})
        );
        // The whole key wins over a path into it.
        assert_eq!(
            select_fields(
                &customer(),
                &fields(&["default_address.zip", "default_address"])
            ),
            json!({"default_address": {"id": 1, "city": "Ottawa", "zip": "K2P 1L4"}})
        );
        // A path through a scalar keeps nothing; through null keeps the null.
        assert_eq!(
            select_fields(&customer(), &fields(&["email.domain", "note.text"])),
            json!({"note": null})
        );
        let deep = json!({"a": {"b": [{"c": {"d": 1, "e": 2}}, {"c": null}, 7]}});
        assert_eq!(
            select_fields(&deep, &fields(&["a.b.c.d"])),
            json!({"a": {"b": [{"c": {"d": 1}}, {"c": null}]}})
        );
    }

    #[test]
    fn include_fields_are_checked() {
        assert_eq!(check_include_fields(&[]), Ok(()));
        assert_eq!(
            check_include_fields(&fields(&["id", "default_address.zip", "a_b.C9"])),
            Ok(())
        );
        assert!(check_include_fields(&["a".repeat(100)]).is_ok());
        for bad in [
            "",
            ".id",
            "id.",
            "a..b",
            ".",
            "id,email",
            "first name",
            "ñame",
            "a-b",
        ] {
            let error = check_include_fields(&fields(&["id", bad])).expect_err(bad);
            if !bad.is_empty() {
                assert!(error.contains(&format!("{bad:?}")), "{error}");
            }
        }
        assert!(check_include_fields(&["a".repeat(101)]).is_err());
        assert!(check_include_fields(&vec!["id".to_owned(); 100]).is_ok());
        assert!(check_include_fields(&vec!["id".to_owned(); 101]).is_err());
    }

    #[test]
    fn names_are_checked() {
        assert_eq!(check_name("orders-to-erp_2"), Ok(()));
        assert_eq!(check_name(&"a".repeat(50)), Ok(()));
        assert!(check_name("").is_err());
        assert!(check_name(&"a".repeat(51)).is_err());
        for bad in ["my hook", "hook.v2", "hook/1", "ünïcode", "a\nb"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
