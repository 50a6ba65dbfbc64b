//! The HTTP client of webhook deliveries: short timeouts, no redirects (a 3xx is a failure, as
//! Standard Webhooks says), no proxy from the environment, and a resolver that refuses a host
//! any of whose addresses is loopback, private or link-local (unless allowed). The check runs at
//! connect time on the addresses actually used, so a name that resolved to a public address when
//! the subscription was made and to an internal one now (DNS rebinding) is refused too.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::domain::webhook::is_public_address;

/// Refuses names that resolve to an address deliveries may not reach.
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allow_private && found.iter().any(|addr| !is_public_address(addr.ip())) {
                return Err(format!(
                    "{host} resolves to a loopback, private or link-local address"
                )
                .into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

pub fn build(
    allow_private: bool,
    connect_timeout: Duration,
    timeout: Duration,
) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("storefront-webhooks/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(Arc::new(GuardedResolver { allow_private }))
        .build()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    async fn resolve(allow_private: bool, host: &str) -> Result<Vec<SocketAddr>, String> {
        let name = Name::from_str(host).map_err(|e| e.to_string())?;
        GuardedResolver { allow_private }
            .resolve(name)
            .await
            .map(Iterator::collect)
            .map_err(|e| e.to_string())
    }

    /// The name check of a callback URL cannot see what a name resolves to at send time; the
    /// resolver does, and refuses a name with any internal address.
    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused_unless_allowed() {
        let refused = resolve(false, "localhost").await;
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.contains("loopback, private or link-local")),
            "{refused:?}"
        );
        let allowed = resolve(true, "localhost").await.expect("resolves");
        assert!(allowed.iter().all(|a| a.ip().is_loopback()));
        assert!(resolve(false, "127.0.0.1").await.is_err());
    }
}
