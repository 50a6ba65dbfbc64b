//! The JavaScript client libraries storefronts use, unchanged, against the server on a real
//! socket: `@shopify/storefront-api-client`, `@shopify/hydrogen-react`'s `createStorefrontClient`
//! and Apollo Client each drive the whole customer journey (tests/js/clients/journey.mjs): sign-up,
//! login, the account and its address book, profile and password, renew and delete, recovery
//! through the mail, and Multipass. `@shopify/admin-api-client` drives the back office the same way.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::TestApp;
use crate::support::socket::{Loopback, serve_options};

const MULTIPASS_SECRET: &str = "real-clients-multipass-secret";

/// How long one journey may take before it is stopped (it takes a second or two).
const JOURNEY_TIMEOUT: Duration = Duration::from_secs(120);

fn js_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js")
}

/// Serves a fresh app on loopback, runs the journey with `client`'s library and asserts that it
/// passed, showing what node printed when it did not.
async fn journey(client: &str) {
    let dir = js_dir();
    // Fails, rather than skips, without the npm install: a skipped interop test proves nothing.
    for package in [
        "@shopify/storefront-api-client",
        "@shopify/hydrogen-react",
        "@apollo/client",
        "multipassify",
    ] {
        assert!(
            dir.join("node_modules").join(package).is_dir(),
            "{package} is not installed: run `npm ci --prefix tests/js`"
        );
    }

    let app = TestApp::spawn_with(|config| {
        config.multipass_secret = Some(MULTIPASS_SECRET.to_owned().into());
    })
    .await;
    let server = Loopback::start(app.app.router.clone(), serve_options()).await;
    let address = server.address;

    let started = Instant::now();
    // On a blocking thread, so that the server keeps serving on the runtime's workers.
    let child = std::process::Command::new("node")
        .arg(dir.join("clients/run.mjs"))
        .args(["--client", client])
        .args(["--url", &format!("http://{address}")])
        .args(["--token", &app.token])
        .arg("--mail-dir")
        .arg(app.config.mail_dir())
        .args(["--multipass-secret", MULTIPASS_SECRET])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs (is Node.js installed?)");
    let pid = child.id();
    let waiting = tokio::task::spawn_blocking(move || child.wait_with_output());
    let output = match tokio::time::timeout(JOURNEY_TIMEOUT, waiting).await {
        Ok(joined) => joined.expect("the waiting thread").expect("node's output"),
        Err(_) => {
            // Only the process this test started, by its id.
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("the {client} journey did not finish in {JOURNEY_TIMEOUT:?}");
        }
    };
    let elapsed = started.elapsed();

    assert!(
        server.stop(Duration::from_secs(10)).await,
        "the server stops cleanly"
    );

    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the {client} journey failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    assert!(
        stdout.contains(&format!("{client}: 8 steps passed")),
        "the {client} journey ran every step:\n{stdout}"
    );
    // Seen with --nocapture: each step's time, and whatever the libraries warned about.
    println!("{stdout}{stderr}{client} journey: {elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storefront_api_client_runs_the_customer_journey() {
    journey("storefront-api-client").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hydrogen_react_runs_the_customer_journey() {
    journey("hydrogen-react").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apollo_client_runs_the_customer_journey() {
    journey("apollo").await;
}

/// `@shopify/admin-api-client`, unchanged, drives the back office's journey over a real socket
/// (tests/js/admin/journey.mjs): create, search, update with a version, tag, activation URL,
/// invitation mail, export, erasure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_api_client_runs_the_back_office_journey() {
    let dir = js_dir();
    assert!(
        dir.join("node_modules/@shopify/admin-api-client").is_dir(),
        "@shopify/admin-api-client is not installed: run `npm ci --prefix tests/js`"
    );
    let app = TestApp::spawn().await;
    let admin = app.admin_token("read_customers,write_customers").await;
    let server = Loopback::start(app.app.router.clone(), serve_options()).await;
    let child = std::process::Command::new("node")
        .arg(dir.join("admin/journey.mjs"))
        .args(["--url", &format!("http://{}", server.address)])
        .args(["--token", &admin])
        .arg("--mail-dir")
        .arg(app.config.mail_dir())
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs (is Node.js installed?)");
    let pid = child.id();
    let waiting = tokio::task::spawn_blocking(move || child.wait_with_output());
    let output = match tokio::time::timeout(JOURNEY_TIMEOUT, waiting).await {
        Ok(joined) => joined.expect("the waiting thread").expect("node's output"),
        Err(_) => {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("the admin journey did not finish in {JOURNEY_TIMEOUT:?}");
        }
    };
    assert!(server.stop(Duration::from_secs(10)).await);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("admin-api-client: 8 steps passed"),
        "the admin journey failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
}
