//! Prometheus metrics, served at `/metrics`: GraphQL requests and latencies by operation, logins
//! by outcome, throttled requests of every kind, the argon2 queue, the mail outbox, and database pool use.
//! One recorder per process (the `metrics` facade is global); label values are bounded.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Seconds; from a fast read to a slow argon2 login.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];
/// Operation names come from clients: past this many distinct ones, the rest count as "other".
const MAX_OPERATION_NAMES: usize = 200;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
static OPERATIONS: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();

/// How often the recorder folds recorded latencies into its buckets.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);
/// The name of the thread that does it.
const UPKEEP_THREAD: &str = "metrics-upkeep";

/// The process's recorder, installed on first use.
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets(&LATENCY_BUCKETS)
                .and_then(PrometheusBuilder::install_recorder)
                .map_err(|err| tracing::warn!(error = %err, "metrics are off: no recorder"))
                .ok()?;
            spawn_upkeep(handle.clone());
            Some(handle)
        })
        .as_ref()
}

/// The recorder keeps every recorded latency until it folds them into the histogram's buckets,
/// which it does only when `/metrics` is rendered or its upkeep runs. Without a scraper that was
/// about 8 bytes per request for good: RSS grew steadily through a long soak. A thread of its
/// own, so that it runs whatever runtime (or none) the process has.
fn spawn_upkeep(handle: PrometheusHandle) {
    let spawned = std::thread::Builder::new()
        .name(UPKEEP_THREAD.to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_INTERVAL);
                handle.run_upkeep();
            }
        });
    if let Err(err) = spawned {
        tracing::warn!(error = %err, "no metrics upkeep thread: request latencies accumulate until /metrics is scraped");
    }
}

/// A label for a client's operation name: its name if sane and among the first ones seen.
pub fn operation_label(name: Option<&str>) -> String {
    let Some(name) = name.filter(|n| {
        !n.is_empty() && n.len() <= 64 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    }) else {
        return "anonymous".to_owned();
    };
    let seen = OPERATIONS.get_or_init(|| Mutex::new(HashSet::new()));
    let Ok(mut seen) = seen.lock() else {
        return "other".to_owned();
    };
    if seen.contains(name) || seen.len() < MAX_OPERATION_NAMES {
        seen.insert(name.to_owned());
        name.to_owned()
    } else {
        "other".to_owned()
    }
}

pub fn graphql_request(operation: String, status: u16, seconds: f64) {
    let status = status.to_string();
    metrics::counter!("storefront_graphql_requests_total", "operation" => operation.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("storefront_graphql_request_duration_seconds", "operation" => operation)
        .record(seconds);
}

/// A storefront customer read answered from what this node remembers (`hit`) or read anew
/// (`miss`).
pub fn customer_read_cache(hit: bool) {
    let outcome = if hit { "hit" } else { "miss" };
    metrics::counter!("storefront_customer_read_cache_total", "outcome" => outcome).increment(1);
}

/// `ok`, `failed` or `throttled`. A throttled login also counts in `storefront_throttled_total`
/// (`what="login"`), so that one counter shows every throttle.
pub fn login(outcome: &'static str) {
    metrics::counter!("storefront_logins_total", "outcome" => outcome).increment(1);
    if outcome == "throttled" {
        throttled("login");
    }
}

/// A refused request, by what was throttled: `login`, `signup` or `recover`.
pub fn throttled(what: &'static str) {
    metrics::counter!("storefront_throttled_total", "what" => what).increment(1);
}

/// Password hashes waiting for a free slot.
pub fn hash_queue(waiting: usize) {
    metrics::gauge!("storefront_argon2_queue_depth").set(waiting as f64);
}

pub fn mail_outbox_depth(pending: u64) {
    metrics::gauge!("storefront_mail_outbox_pending").set(pending as f64);
}

pub fn mail_delivered(outcome: &'static str) {
    metrics::counter!("storefront_mail_deliveries_total", "outcome" => outcome).increment(1);
}

/// One webhook attempt: `delivered`, `failed` (retried), `given_up` or `disabled`, per
/// subscription (a bounded label: a shop has at most a hundred).
pub fn webhook_attempt(subscription: &str, outcome: &'static str) {
    metrics::counter!("storefront_webhook_attempts_total", "subscription" => subscription.to_owned(), "outcome" => outcome)
        .increment(1);
}

/// Open deliveries of a subscription and the age of the oldest, in seconds.
pub fn webhook_backlog(subscription: &str, pending: i64, oldest_seconds: f64) {
    metrics::gauge!("storefront_webhook_pending", "subscription" => subscription.to_owned())
        .set(pending as f64);
    metrics::gauge!("storefront_webhook_oldest_pending_seconds", "subscription" => subscription.to_owned())
        .set(oldest_seconds);
}

/// Imported password hashes still waiting for the login that replaces them, per scheme.
pub fn legacy_password_hashes(scheme: &str, remaining: u64) {
    metrics::gauge!("storefront_legacy_password_hashes_remaining", "scheme" => scheme.to_owned())
        .set(remaining as f64);
}

/// A login replaced an imported hash of `scheme` (between two counts of them).
pub fn legacy_password_hash_replaced(scheme: &str) {
    metrics::gauge!("storefront_legacy_password_hashes_remaining", "scheme" => scheme.to_owned())
        .decrement(1.0);
}

pub fn webhook_subscription_disabled() {
    metrics::counter!("storefront_webhook_subscriptions_disabled_total").increment(1);
}

pub fn database_pool(pool: &'static str, size: u32, idle: usize) {
    metrics::gauge!("storefront_db_pool_connections", "pool" => pool, "state" => "open")
        .set(f64::from(size));
    metrics::gauge!("storefront_db_pool_connections", "pool" => pool, "state" => "idle")
        .set(idle as f64);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names of this process's threads.
    fn thread_names() -> Vec<String> {
        std::fs::read_dir("/proc/self/task")
            .map(|tasks| {
                tasks
                    .filter_map(|task| task.ok())
                    .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
                    .map(|name| name.trim().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How many of this process's threads do upkeep, once they had a moment to start (a thread
    /// names itself once it runs).
    fn upkeep_threads() -> usize {
        let count = || {
            thread_names()
                .iter()
                .filter(|name| name.as_str() == UPKEEP_THREAD)
                .count()
        };
        for _ in 0..200 {
            if count() > 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        count()
    }

    #[test]
    fn the_recorder_comes_with_its_upkeep_thread() {
        assert!(handle().is_some(), "the recorder installs");
        assert_eq!(upkeep_threads(), 1);
        assert!(handle().is_some());
        assert_eq!(
            upkeep_threads(),
            1,
            "one upkeep thread, however often the handle is asked for"
        );
    }

    #[test]
    fn operation_labels_are_bounded_and_sane() {
        assert_eq!(operation_label(None), "anonymous");
        assert_eq!(operation_label(Some("has space")), "anonymous");
        assert_eq!(operation_label(Some(&"x".repeat(65))), "anonymous");
        assert_eq!(operation_label(Some("Login")), "Login");
        for i in 0..MAX_OPERATION_NAMES {
            operation_label(Some(&format!("op{i}")));
        }
        assert_eq!(operation_label(Some("OneTooMany")), "other");
        assert_eq!(
            operation_label(Some("Login")),
            "Login",
            "names seen before keep their label"
        );
    }
}
