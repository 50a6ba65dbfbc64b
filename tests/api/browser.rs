//! GraphiQL in a real browser: headless Chromium opens `/graphql`, runs a customerCreate from the
//! page and reads the result off it; a screenshot is saved (`target/graphiql.png`).

use std::path::Path;
use std::time::Duration;

use crate::support::TestApp;
use crate::support::socket::{Loopback, serve_options};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_runs_a_mutation_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(
        root.join("tests/js/node_modules/playwright-core").is_dir(),
        "playwright-core is not installed: run `npm ci --prefix tests/js`"
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(
        Path::new(&chromium).exists(),
        "Chromium is not installed at {chromium}: install Debian's `chromium` package (scripts/test does)"
    );

    let app = TestApp::spawn().await;
    let server = Loopback::start(app.app.router.clone(), serve_options()).await;
    let address = server.address;

    let screenshot = root.join("target/graphiql.png");
    let output = tokio::process::Command::new("node")
        .arg(root.join("tests/js/browser/graphiql.mjs"))
        .args(["--url", &format!("http://{address}")])
        .args(["--email", "graphiql@example.com"])
        .args(["--screenshot", &screenshot.display().to_string()])
        .env("CHROMIUM", &chromium)
        // A test that panics or is cancelled leaves no browser behind.
        .kill_on_drop(true)
        .output()
        .await
        .expect("node runs");
    let _ = server.stop(Duration::from_secs(10)).await;
    assert!(
        output.status.success(),
        "the browser test failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(screenshot.exists());
    // The customer really exists: GraphiQL sent the prefilled storefront token.
    let login = app
        .login("graphiql@example.com", "correct-horse-battery")
        .await;
    assert!(login["data"]["customerAccessTokenCreate"]["customerAccessToken"].is_object());
}
