//! Mail delivery: templates, transports, and the background sender that works off the outbox
//! with retries and exponential backoff. Messages are committed to the outbox with the change
//! they announce, so neither a mail server that is down nor a crash loses one.

mod templates;
mod transport;

use std::sync::Arc;
use std::time::Duration;

pub use templates::{Rendered, Templates};
pub use transport::{MailError, Mailer};

use crate::accounts::{Accounts, Delivery};

/// The background sender.
#[derive(Clone)]
pub struct Sender {
    pub accounts: Accounts,
    pub mailer: Arc<Mailer>,
    pub templates: Arc<Templates>,
    pub poll_interval: Duration,
    pub initial_backoff_seconds: i64,
    pub max_backoff_seconds: i64,
    pub max_attempts: i32,
}

impl Sender {
    /// Delivers what is due, then sleeps until woken by a new message or the poll interval.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let signal = self.accounts.outbox_signal();
            loop {
                if let Err(err) = self.deliver_due().await {
                    tracing::warn!(error = %err, "mail outbox: could not read due messages");
                }
                tokio::select! {
                    () = signal.notified() => {}
                    () = tokio::time::sleep(self.poll_interval) => {}
                }
            }
        })
    }

    /// One pass over the due messages; returns how many were delivered.
    pub async fn deliver_due(&self) -> Result<usize, crate::accounts::AccountError> {
        crate::metrics::mail_outbox_depth(self.accounts.pending_mail().await?);
        let mut delivered = 0;
        for message in self.accounts.due_mail(20).await? {
            let claimed = match self.accounts.claim_mail(&message).await {
                Ok(Some(claimed)) => claimed,
                Ok(None) => continue,
                Err(err) => {
                    // A message that cannot be prepared is retried like a failed delivery.
                    tracing::warn!(message_id = message.id, error = %err, "mail outbox: cannot prepare message");
                    let attempts = message.attempts + 1;
                    self.accounts
                        .mail_failed(
                            &message,
                            self.backoff(attempts),
                            attempts >= self.max_attempts,
                            &err.to_string(),
                        )
                        .await?;
                    continue;
                }
            };
            match claimed {
                Delivery::Nothing => {}
                Delivery::Send(content) => {
                    let rendered = self.templates.render(
                        content.purpose,
                        &content.shop_name,
                        &content.url,
                        content.first_name.as_deref(),
                    );
                    match self
                        .mailer
                        .send(
                            message.id,
                            content.mail_from.as_deref(),
                            &content.to,
                            &rendered,
                        )
                        .await
                    {
                        Ok(()) => {
                            self.accounts.mail_sent(&message).await?;
                            crate::metrics::mail_delivered("sent");
                            delivered += 1;
                        }
                        Err(err) => {
                            let attempts = message.attempts + 1;
                            let give_up = attempts >= self.max_attempts;
                            let backoff = self.backoff(attempts);
                            tracing::warn!(message_id = message.id, attempts, give_up, error = %err, "mail delivery failed");
                            crate::metrics::mail_delivered(if give_up {
                                "given_up"
                            } else {
                                "failed"
                            });
                            self.accounts
                                .mail_failed(&message, backoff, give_up, &err.to_string())
                                .await?;
                        }
                    }
                }
            }
        }
        Ok(delivered)
    }

    /// Seconds before the next attempt: doubling from the initial delay, capped.
    fn backoff(&self, attempts: i32) -> i64 {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        self.initial_backoff_seconds
            .saturating_mul(1_i64 << doublings)
            .min(self.max_backoff_seconds)
    }
}
