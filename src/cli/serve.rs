//! `storefront serve`: the HTTP server, the mail sender and housekeeping, until a signal.

use std::net::SocketAddr;

use anyhow::Context;
use storefront::App;
use storefront::config::{Config, Environment};

pub async fn run(mut config: Config, listen: Option<SocketAddr>) -> anyhow::Result<()> {
    if let Some(listen) = listen {
        config.listen = listen;
    }
    let app = App::build(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "storefront is listening");
    // Written, not println!'d: a closed stdout (a supervisor that stopped reading) must not stop
    // the server.
    let mut banner = format!("storefront is listening on http://{address}\n");
    // Only what is served: production has no GraphiQL.
    if config.environment == Environment::Development {
        banner.push_str(&format!("GraphiQL: http://{address}/graphql\n"));
    }
    if let Some(token) = &app.first_storefront_token {
        banner.push_str(&format!(
            "A public storefront access token was created for this shop: {token}\n\
             Send it as the X-Shopify-Storefront-Access-Token header{}.\n",
            if config.environment == Environment::Development {
                " (GraphiQL has it filled in)"
            } else {
                ""
            }
        ));
    }
    {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        let _ = stdout
            .write_all(banner.as_bytes())
            .and_then(|()| stdout.flush());
    }
    let _background = app.spawn_background();
    storefront::http::serve(
        listener,
        app.router,
        storefront::http::shutdown_signal(),
        storefront::http::ServeOptions::from_config(&config.http),
    )
    .await?;
    app.accounts.database().clone().close().await;
    Ok(())
}
