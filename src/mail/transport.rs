//! Where mail goes: an SMTP server (lettre, with STARTTLS or TLS and credentials), or, with no
//! SMTP configured, `.eml` files in the mail folder so that a newcomer can open the link.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use super::templates::Rendered;
use crate::config::{Config, SmtpTls};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail configuration: {0}")]
    Config(String),
    #[error("message: {0}")]
    Message(String),
    #[error("delivery: {0}")]
    Delivery(String),
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Self, MailError> {
        let from: Mailbox = config
            .mail
            .from
            .parse()
            .map_err(|e| MailError::Config(format!("mail.from: {e}")))?;
        let transport = match &config.mail.smtp {
            Some(smtp) => {
                let builder = match smtp.tls {
                    SmtpTls::None => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
                    }
                    SmtpTls::Starttls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                            .map_err(|e| MailError::Config(e.to_string()))?
                    }
                    SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
                        .map_err(|e| MailError::Config(e.to_string()))?,
                };
                let mut builder = builder
                    .port(smtp.port)
                    .timeout(Some(Duration::from_secs(smtp.timeout_seconds)));
                if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
                    builder = builder.credentials(Credentials::new(
                        user.clone(),
                        password.expose_secret().to_owned(),
                    ));
                }
                Transport::Smtp(builder.build())
            }
            None => {
                let dir = config.mail_dir();
                std::fs::create_dir_all(&dir).map_err(|e| {
                    MailError::Config(format!("cannot create {}: {e}", dir.display()))
                })?;
                Transport::Files(AsyncFileTransport::new(&dir), dir)
            }
        };
        Ok(Self { transport, from })
    }

    /// Where messages go, for the start-up log line.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp(_) => "SMTP".to_owned(),
            Transport::Files(_, dir) => format!("files in {}", dir.display()),
        }
    }

    /// Whether mail can go out now: the SMTP server answers, or the mail folder is writable.
    pub async fn check(&self) -> Result<(), MailError> {
        match &self.transport {
            Transport::Smtp(smtp) => match smtp.test_connection().await {
                Ok(true) => Ok(()),
                Ok(false) => Err(MailError::Delivery(
                    "the SMTP server did not answer".to_owned(),
                )),
                Err(err) => Err(MailError::Delivery(err.to_string())),
            },
            Transport::Files(_, dir) => {
                let probe = dir.join(".storefront-doctor");
                std::fs::write(&probe, b"ok")
                    .and_then(|()| std::fs::remove_file(&probe))
                    .map_err(|e| {
                        MailError::Delivery(format!("{} is not writable: {e}", dir.display()))
                    })
            }
        }
    }

    /// Sends one outbox message. Its `Message-ID` is made from the outbox id, so that a message
    /// sent again after a lost acknowledgement (delivery is at least once) can be recognised
    /// as the same one by the receiving side.
    /// `from` is the shop's own sender, when it has one; the configured `mail.from` otherwise.
    pub async fn send(
        &self,
        outbox_id: i64,
        from: Option<&str>,
        to: &str,
        mail: &Rendered,
    ) -> Result<(), MailError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| MailError::Message(format!("recipient: {e}")))?;
        let from = match from {
            Some(from) => from
                .parse()
                .map_err(|e| MailError::Message(format!("the shop's sender: {e}")))?,
            None => self.from.clone(),
        };
        let message = Message::builder()
            .message_id(Some(message_id(outbox_id, &from)))
            .from(from)
            .to(to)
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| MailError::Message(e.to_string()))?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Delivery(e.to_string())),
            Transport::Files(files, dir) => {
                let id = files
                    .send(message)
                    .await
                    .map_err(|e| MailError::Delivery(e.to_string()))?;
                // Where to click, for a developer without a mail server. The path, never the link.
                tracing::info!(file = %dir.join(format!("{id}.eml")).display(), "mail written");
                Ok(())
            }
        }
    }
}

/// `<outbox-{id}@{sender's domain}>`: unique per message (outbox ids are), the same on every
/// attempt.
fn message_id(outbox_id: i64, from: &Mailbox) -> String {
    format!("<outbox-{outbox_id}@{}>", from.email.domain())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_stable_per_outbox_message() {
        let from: Mailbox = "Shop <no-reply@shop.example>".parse().expect("mailbox");
        assert_eq!(message_id(42, &from), "<outbox-42@shop.example>");
        assert_eq!(message_id(42, &from), message_id(42, &from));
        assert_ne!(message_id(42, &from), message_id(43, &from));
    }
}
