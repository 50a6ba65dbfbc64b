//! Row ids and Shopify global ids. Ids are made by the application: 41 bits of milliseconds since
//! 2024-01-01 and 12 random bits, so they sort by creation time, need no shared sequence (several
//! nodes, a distributed database) and stay below 2^53, which JavaScript clients handle exactly.

use std::sync::atomic::{AtomicI64, Ordering};

use rand::Rng;

const EPOCH_MS: i64 = 1_704_067_200_000; // 2024-01-01T00:00:00Z
const RANDOM_BITS: u32 = 12;

static LAST_ID: AtomicI64 = AtomicI64::new(0);

/// A new time-ordered id. Within a process ids strictly increase, so they never collide; two
/// processes collide only if they pick the same millisecond and the same 12 random bits, which the
/// primary key then refuses (the request fails cleanly and can be retried).
pub fn new_id() -> i64 {
    let millis = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    let since_epoch = (millis as i64 - EPOCH_MS).max(0) & ((1 << 41) - 1);
    let random: i64 = rand::thread_rng().gen_range(0..(1 << RANDOM_BITS));
    let candidate = (since_epoch << RANDOM_BITS) | random;
    let previous = LAST_ID
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
            Some(candidate.max(last + 1))
        })
        .unwrap_or(candidate);
    candidate.max(previous + 1)
}

/// `gid://shopify/<Type>/<id>`, the id format Shopify clients expect.
pub fn gid(type_name: &str, id: i64) -> String {
    format!("gid://shopify/{type_name}/{id}")
}

/// The numeric id of a global id of the given type; a query string (`?model_name=...`) is ignored.
pub fn parse_gid(value: &str, type_name: &str) -> Option<i64> {
    let rest = value
        .strip_prefix("gid://shopify/")?
        .strip_prefix(type_name)?;
    let number = rest.strip_prefix('/')?;
    let number = number.split_once('?').map_or(number, |(n, _)| n);
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number.parse::<i64>().ok().filter(|id| *id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_positive_js_safe_and_time_ordered() {
        let first = new_id();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = new_id();
        assert!(first > 0 && second < (1 << 53));
        assert!(second > first);
    }

    #[test]
    fn ids_made_at_once_are_distinct() {
        let mut ids: Vec<i64> = (0..10_000).map(|_| new_id()).collect();
        ids.dedup();
        assert_eq!(ids.len(), 10_000);
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn gid_round_trip() {
        assert_eq!(gid("Customer", 42), "gid://shopify/Customer/42");
        assert_eq!(parse_gid("gid://shopify/Customer/42", "Customer"), Some(42));
        assert_eq!(
            parse_gid(
                "gid://shopify/MailingAddress/7?model_name=CustomerAddress",
                "MailingAddress"
            ),
            Some(7)
        );
    }

    #[test]
    fn parse_gid_rejects_other_types_and_garbage() {
        for value in [
            "gid://shopify/Order/42",
            "gid://shopify/Customer/",
            "gid://shopify/Customer/-1",
            "gid://shopify/Customer/0",
            "gid://shopify/CustomerX/1",
            "gid://shopify/Customer/1a",
            "gid://shopify/Customer/99999999999999999999",
            "not-a-gid",
        ] {
            assert_eq!(parse_gid(value, "Customer"), None, "{value}");
        }
    }
}
