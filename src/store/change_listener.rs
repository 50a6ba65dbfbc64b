//! PostgreSQL: the connection a node keeps to `LISTEN` on one channel of the database's change
//! signals, for as long as what it feeds lives (the storefront token cache, the remembered
//! customer reads). While it is not listening (starting, or its connection lost) the fed cache
//! is told so and must trust nothing it holds: notifications sent meanwhile are lost to it.

use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::sync::oneshot;

/// How long a starting node waits for its listener before it serves without the cache.
const FIRST_LISTEN_WAIT: Duration = Duration::from_secs(5);

/// What a listener feeds.
pub trait ChangeSink: Send + Sync + 'static {
    /// Listening began (`true`: the cache may be used, starting empty) or ended (`false`).
    fn listening(&self, listening: bool);
    /// A notification's payload.
    fn received(&self, payload: &str);
}

/// Starts listening on `channel` at `url` for `sink`, and waits a while for the first `LISTEN`
/// to hold, so that a node starts with its cache working. `what` names the changes in logs.
/// The task ends when the sink is dropped; abort it to stop sooner.
pub async fn start<S: ChangeSink>(
    sink: &Arc<S>,
    url: &str,
    channel: &'static str,
    what: &'static str,
) -> tokio::task::AbortHandle {
    let (listening, first_listen) = oneshot::channel();
    let task = tokio::spawn(listen(
        Arc::downgrade(sink),
        url.to_owned(),
        channel,
        what,
        Some(listening),
    ));
    if tokio::time::timeout(FIRST_LISTEN_WAIT, first_listen)
        .await
        .is_err()
    {
        tracing::warn!("not yet listening for {what}; not caching until then");
    }
    task.abort_handle()
}

/// Listens until the sink is gone, connecting again (with a growing pause) whenever the
/// connection is lost.
async fn listen<S: ChangeSink>(
    sink: Weak<S>,
    url: String,
    channel: &'static str,
    what: &'static str,
    mut listening: Option<oneshot::Sender<()>>,
) {
    let mut backoff = Duration::from_millis(100);
    loop {
        match sqlx::postgres::PgListener::connect(&url).await {
            Ok(mut listener) => {
                // Reconnecting is done here, so that the sink knows when LISTEN does not hold.
                listener.eager_reconnect(false);
                match listener.listen(channel).await {
                    Ok(()) => {
                        let Some(live) = sink.upgrade() else { return };
                        live.listening(true);
                        drop(live);
                        if let Some(listening) = listening.take() {
                            let _ = listening.send(());
                        }
                        backoff = Duration::from_millis(100);
                        loop {
                            let received = listener.try_recv().await;
                            let Some(live) = sink.upgrade() else { return };
                            match received {
                                Ok(Some(notification)) => live.received(notification.payload()),
                                Ok(None) => {
                                    tracing::warn!(
                                        "lost the connection that listens for {what}; not caching until it is back"
                                    );
                                    live.listening(false);
                                    break;
                                }
                                Err(err) => {
                                    tracing::warn!(error = %err, "listening for {what} failed; not caching until it is back");
                                    live.listening(false);
                                    break;
                                }
                            }
                        }
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "cannot listen for {what}; not caching");
                    }
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot connect to listen for {what}; not caching");
            }
        }
        if sink.strong_count() == 0 {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}
