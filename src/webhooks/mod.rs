//! The webhook sender: works off the due deliveries (several at once), signs each twice
//! (Shopify's `X-Shopify-Hmac-Sha256` and Standard Webhooks' `webhook-signature`), and records
//! each attempt: delivered, retried on the schedule, given up, or the subscription disabled.
//! Deliveries are committed with the change they announce (`accounts::events`), so neither a
//! receiver that is down nor a crash of this process loses one; a delivery claimed by a process
//! that died is sent again once its claim runs out (receivers deduplicate on the delivery id).

mod client;

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::accounts::{Accounts, Attempt, AttemptOutcome, DueDelivery, now_ms};
use crate::config::WebhooksConfig;
use crate::domain::webhook::{self, RetrySchedule};

/// Deliveries claimed per pass.
const BATCH: u64 = 64;
/// How long after a wake-up the sender looks: the change that woke it commits meanwhile.
const SETTLE: Duration = Duration::from_millis(15);
/// How often the backlog metrics are refreshed.
const METRICS_EVERY: Duration = Duration::from_secs(15);
/// Error texts kept per delivery.
const MAX_ERROR_CHARS: usize = 500;

#[derive(Clone)]
pub struct Sender {
    accounts: Accounts,
    client: reqwest::Client,
    schedule: Arc<RetrySchedule>,
    allow_private: bool,
    timeout: Duration,
    disable_after: Duration,
    concurrency: usize,
    poll_interval: Duration,
    api_version: String,
}

impl Sender {
    pub fn new(accounts: Accounts, config: &WebhooksConfig) -> Result<Self, String> {
        let schedule = RetrySchedule::parse(&config.retry_schedule)?;
        let timeout = Duration::from_millis(config.timeout_ms);
        let client = client::build(
            config.allow_private_targets,
            Duration::from_millis(config.connect_timeout_ms),
            timeout,
        )
        .map_err(|e| format!("webhook HTTP client: {e}"))?;
        Ok(Self {
            accounts,
            client,
            schedule: Arc::new(schedule),
            allow_private: config.allow_private_targets,
            timeout,
            disable_after: Duration::from_secs(
                u64::try_from(config.disable_after_failing_seconds).unwrap_or(u64::MAX),
            ),
            concurrency: config.concurrency.max(1),
            poll_interval: Duration::from_millis(config.poll_interval_ms.max(10)),
            api_version: config.api_version.clone(),
        })
    }

    /// Delivers what is due, then sleeps until woken by a change, until the next delivery is
    /// due, or for the poll interval, whichever comes first.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let signal = self.accounts.webhook_signal();
            // The backlog is reported at once, then every METRICS_EVERY.
            let mut metrics_at = Instant::now()
                .checked_sub(METRICS_EVERY)
                .unwrap_or_else(Instant::now);
            loop {
                let worked = match self.deliver_due().await {
                    Ok(count) => count,
                    Err(err) => {
                        tracing::warn!(error = %err, "webhooks: could not read due deliveries");
                        0
                    }
                };
                if metrics_at.elapsed() >= METRICS_EVERY {
                    metrics_at = Instant::now();
                    self.report_backlog().await;
                }
                if worked > 0 {
                    // A full batch may have left more behind.
                    continue;
                }
                let wait = match self.accounts.next_delivery_due().await {
                    Ok(Some(at)) => Duration::from_millis(
                        u64::try_from(at.saturating_sub(now_ms())).unwrap_or(0),
                    )
                    .min(self.poll_interval),
                    _ => self.poll_interval,
                };
                tokio::select! {
                    () = signal.notified() => tokio::time::sleep(SETTLE).await,
                    () = tokio::time::sleep(wait) => {}
                }
            }
        })
    }

    /// One pass: claims a batch and sends it, `concurrency` at a time; how many were attempted.
    pub async fn deliver_due(&self) -> Result<usize, crate::accounts::AccountError> {
        // A claim outlives the attempt: no other sender takes a delivery still in flight.
        let claim_for = self.timeout + Duration::from_secs(5);
        let batch = self.accounts.due_deliveries(BATCH, claim_for).await?;
        let count = batch.len();
        let attempted: Vec<(DueDelivery, Attempt)> = futures_util::stream::iter(batch)
            .map(|due| async move {
                let attempt = self.attempt(&due).await;
                (due, attempt)
            })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        match self
            .accounts
            .deliveries_attempted(&attempted, &self.schedule, self.disable_after)
            .await
        {
            Ok(outcomes) => {
                for ((due, attempt), outcome) in attempted.iter().zip(outcomes) {
                    self.report(due, attempt, outcome);
                }
            }
            Err(err) => tracing::warn!(
                deliveries = attempted.len(),
                error = %err,
                "webhooks: could not record attempts (they are sent again once their claims run out)"
            ),
        }
        Ok(count)
    }

    async fn attempt(&self, due: &DueDelivery) -> Attempt {
        // Checked again at every attempt: a setting may have changed since the subscription
        // was made. Host names are checked by the resolver, at connect time.
        if let Err(problem) =
            webhook::check_callback_url(&due.subscription.callback_url, self.allow_private)
        {
            return Attempt::Failed {
                status: None,
                error: format!("callback URL refused: {problem}"),
                retry_after: None,
            };
        }
        let request = self
            .client
            .post(&due.subscription.callback_url)
            .headers(self.headers(due))
            .body(due.body.clone());
        match request.send().await {
            Ok(response) => {
                let status = response.status();
                if status.is_success() {
                    return Attempt::Delivered {
                        status: status.as_u16(),
                    };
                }
                let retry_after = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| webhook::parse_retry_after(v, OffsetDateTime::now_utc()));
                Attempt::Failed {
                    status: Some(status.as_u16()),
                    error: format!("the endpoint answered {status}"),
                    retry_after,
                }
            }
            Err(err) => Attempt::Failed {
                status: None,
                error: describe(&err),
                retry_after: None,
            },
        }
    }

    /// Shopify's headers and Standard Webhooks' beside them, both signing the same bytes.
    fn headers(&self, due: &DueDelivery) -> reqwest::header::HeaderMap {
        let delivery_id = due.delivery.id.to_string();
        let event_id = due.delivery.event_id.to_string();
        let timestamp = OffsetDateTime::now_utc().unix_timestamp();
        let triggered_at = OffsetDateTime::from_unix_timestamp_nanos(
            i128::from(due.delivery.created_at) * 1_000_000,
        )
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default();
        let secrets = due.subscription.signing_secrets(now_ms());
        let mut pairs = vec![
            ("content-type", "application/json".to_owned()),
            ("x-shopify-topic", due.delivery.topic.clone()),
            (
                "x-shopify-hmac-sha256",
                webhook::shopify_hmac(&due.subscription.secret, &due.body),
            ),
            ("x-shopify-shop-domain", due.shop_domain.clone()),
            ("x-shopify-api-version", self.api_version.clone()),
            ("x-shopify-webhook-id", delivery_id.clone()),
            ("x-shopify-event-id", event_id),
            ("x-shopify-triggered-at", triggered_at),
            ("webhook-id", delivery_id.clone()),
            ("webhook-timestamp", timestamp.to_string()),
            (
                "webhook-signature",
                webhook::standard_signature(&secrets, &delivery_id, timestamp, &due.body),
            ),
        ];
        if let Some(name) = &due.subscription.name {
            pairs.push(("x-shopify-name", name.clone()));
        }
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in pairs {
            if let Ok(value) = reqwest::header::HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
        headers
    }

    fn report(&self, due: &DueDelivery, attempt: &Attempt, outcome: AttemptOutcome) {
        let subscription = due.subscription.id.to_string();
        crate::metrics::webhook_attempt(&subscription, outcome_label(outcome));
        match (attempt, outcome) {
            (_, AttemptOutcome::Delivered) => {}
            (Attempt::Failed { status, error, .. }, AttemptOutcome::Disabled) => {
                tracing::warn!(
                    subscription_id = due.subscription.id,
                    delivery_id = due.delivery.id,
                    status,
                    error = %error,
                    "webhook subscription disabled"
                );
                crate::metrics::webhook_subscription_disabled();
            }
            (Attempt::Failed { status, error, .. }, _) => tracing::info!(
                subscription_id = due.subscription.id,
                delivery_id = due.delivery.id,
                attempts = due.delivery.attempts + 1,
                status,
                error = %error,
                given_up = outcome == AttemptOutcome::GivenUp,
                "webhook delivery failed"
            ),
            (Attempt::Delivered { .. }, _) => {}
        }
    }

    async fn report_backlog(&self) {
        match self.accounts.webhook_backlog().await {
            Ok(backlog) => {
                let now = now_ms();
                for entry in backlog {
                    crate::metrics::webhook_backlog(
                        &entry.subscription_id.to_string(),
                        entry.pending,
                        (now - entry.oldest) as f64 / 1_000.0,
                    );
                }
            }
            Err(err) => tracing::warn!(error = %err, "webhooks: could not read the backlog"),
        }
    }
}

fn outcome_label(outcome: AttemptOutcome) -> &'static str {
    match outcome {
        AttemptOutcome::Delivered => "delivered",
        AttemptOutcome::Retrying => "failed",
        AttemptOutcome::GivenUp => "given_up",
        AttemptOutcome::Disabled => "disabled",
    }
}

/// A transport error without the URL (its query may carry a receiver's own token).
fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(MAX_ERROR_CHARS).collect()
}
