//! Scale-out, black box: two `storefront serve` processes (the real binary, two ports) on one
//! database, sharing nothing but it, behave as one server. What one node writes — a customer, a
//! session, its revocation, a password change, a failed login — the other sees on its very next
//! request. The database is PostgreSQL when the suite runs on PostgreSQL (`TEST_POSTGRES_URL`), else
//! one SQLite file in WAL mode (two processes can share it, although production runs one node on
//! SQLite).
//!
//! The nodes are started the way `docs/scaling.md` tells operators to: `storefront migrate` once,
//! then nodes with `database.auto_migrate = false`. Every wait is bounded (start-up, each request)
//! and the processes are killed when a test ends, however it ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::cli::{Cli, Server};
use crate::support::{CREATE, DELETE, LOGIN, PASSWORD, READ, RENEW};

/// How long a node may take to print its address, and a command to finish.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one request may take, end to end.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

const UPDATE_PASSWORD: &str = "mutation($token: String!, $password: String!) {
  customerUpdate(customerAccessToken: $token, customer: {password: $password}) {
    customer { id }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { field message code }
  }
}";

const ADD_ADDRESS: &str = "mutation($token: String!, $address: MailingAddressInput!) {
  customerAddressCreate(customerAccessToken: $token, address: $address) {
    customerAddress { id }
    customerUserErrors { field message code }
  }
}";

const READ_ADDRESSES: &str = "query($token: String!) { customer(customerAccessToken: $token) {
  id defaultAddress { address1 city provinceCode countryCodeV2 } addresses(first: 5) { nodes { address1 } }
} }";

const MULTIPASS: &str = "mutation($multipassToken: String!) {
  customerAccessTokenCreateWithMultipass(multipassToken: $multipassToken) {
    customerAccessToken { accessToken }
    customerUserErrors { field message code }
  }
}";

/// One `storefront serve` process.
struct Node {
    name: &'static str,
    address: SocketAddr,
    _server: Server,
}

/// Two nodes on one database. Fields drop in order: the nodes are killed before the data
/// directory (the SQLite file, the generated secret) is removed.
struct Cluster {
    a: Node,
    b: Node,
    /// The public storefront token the first node printed; the second start prints none, and
    /// both nodes accept this one.
    storefront: String,
    cli: Cli,
}

impl Cluster {
    /// Migrates a fresh database once, then starts node A (which creates and prints the shop's
    /// first storefront token) and node B, both with automatic migration off.
    async fn start(extra_env: &[(&str, &str)]) -> Self {
        let cli = Cli::new().await;
        let (_, migrated) = run(&cli, &["migrate"], extra_env);
        assert!(migrated.contains("up to date"), "{migrated}");
        let (a, token) = start_node(&cli, "A", extra_env, true);
        let storefront = token.expect("the first start prints a storefront token");
        let (b, _) = start_node(&cli, "B", extra_env, false);
        Self {
            a,
            b,
            storefront,
            cli,
        }
    }

    fn call(&self, node: &Node, query: &str, variables: Value) -> Value {
        call(node, &self.storefront, query, variables)
    }

    fn sign_up(&self, node: &Node, email: &str) -> String {
        let response = self.call(
            node,
            CREATE,
            json!({ "input": { "email": email, "password": PASSWORD, "firstName": "Ada" } }),
        );
        let payload = &response["data"]["customerCreate"];
        assert_eq!(payload["customerUserErrors"], json!([]), "{response}");
        payload["customer"]["id"]
            .as_str()
            .expect("a customer id")
            .to_owned()
    }

    fn log_in(&self, node: &Node, email: &str, password: &str) -> Value {
        self.call(
            node,
            LOGIN,
            json!({ "input": { "email": email, "password": password } }),
        )
    }

    /// A login that must succeed; returns the customer access token.
    fn session(&self, node: &Node, email: &str, password: &str) -> String {
        let response = self.log_in(node, email, password);
        response["data"]["customerAccessTokenCreate"]["customerAccessToken"]["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("login through node {} failed: {response}", node.name))
            .to_owned()
    }

    /// `customer(customerAccessToken:)`: the customer, or `null`.
    fn read(&self, node: &Node, access_token: &str) -> Value {
        let response = self.call(node, READ, json!({ "token": access_token }));
        assert_eq!(response.get("errors"), None, "{response}");
        response["data"]["customer"].clone()
    }
}

/// Starts `storefront serve` on a free port; returns the node and, on the first start of a
/// database, the storefront token it printed.
fn start_node(
    cli: &Cli,
    name: &'static str,
    extra_env: &[(&str, &str)],
    first_start: bool,
) -> (Node, Option<String>) {
    let mut command = node_command(cli, extra_env);
    command
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped());
    let mut child = command.spawn().expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    // From here on, a panic kills the process.
    let server = Server(child);
    // The banner is read on a thread of its own, so that waiting for it is bounded; the thread
    // then keeps draining stdout until the process ends.
    let (lines, banner) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = lines.send(line);
        }
    });
    let deadline = Instant::now() + START_TIMEOUT;
    let next_line = || {
        banner
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|e| panic!("node {name} did not start within {START_TIMEOUT:?}: {e}"))
    };
    let address = loop {
        if let Some(address) = next_line().strip_prefix("storefront is listening on http://") {
            break address.parse::<SocketAddr>().expect("an address");
        }
    };
    assert!(next_line().starts_with("GraphiQL: http://"));
    // Only a first start prints a token; waiting for a line that never comes would block.
    let token = first_start.then(|| {
        next_line()
            .strip_prefix("A public storefront access token was created for this shop: ")
            .expect("the token line")
            .to_owned()
    });
    let node = Node {
        name,
        address,
        _server: server,
    };
    (node, token)
}

/// The binary with the test's database, data directory (so both nodes read the one generated
/// secret key, as production nodes share `STOREFRONT_SECRET_KEY`), cheap password hashing, small
/// pools and migration left to `storefront migrate`.
fn node_command(cli: &Cli, extra_env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_storefront"));
    command
        .env("DATABASE_URL", &cli.database_url)
        .env("STOREFRONT_DATA_DIR", cli.dir.path().join("data"))
        .env("STOREFRONT_PASSWORD__HASH__MEMORY_KIB", "8")
        .env("STOREFRONT_PASSWORD__HASH__ITERATIONS", "1")
        .env("STOREFRONT_DATABASE__MAX_CONNECTIONS", "4")
        .env("STOREFRONT_DATABASE__AUTO_MIGRATE", "false")
        .env("RUST_LOG", "warn")
        .current_dir(cli.dir.path())
        .stdin(Stdio::null());
    for (key, value) in extra_env {
        command.env(key, value);
    }
    command
}

/// Runs a command of the binary to its end, within `START_TIMEOUT`; returns its stdout and
/// stderr. A command that fails or does not finish fails the test.
fn run(cli: &Cli, args: &[&str], extra_env: &[(&str, &str)]) -> (String, String) {
    let mut child = node_command(cli, extra_env)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // Read on threads of their own, so that neither pipe fills up while the other is read.
    let read_all = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = read_all(Box::new(child.stdout.take().expect("stdout")));
    let stderr = read_all(Box::new(child.stderr.take().expect("stderr")));
    let mut child = Server(child);
    let deadline = Instant::now() + START_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "`storefront {}` did not finish within {START_TIMEOUT:?}",
            args.join(" ")
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let (stdout, stderr) = (
        stdout.join().expect("stdout read"),
        stderr.join().expect("stderr read"),
    );
    assert!(
        status.success(),
        "`storefront {}`: {stderr}",
        args.join(" ")
    );
    (stdout, stderr)
}

/// POSTs a GraphQL request to a node over plain TCP, bounded by `REQUEST_TIMEOUT`; the answer
/// must be HTTP 200 with a JSON body.
fn call(node: &Node, storefront: &str, query: &str, variables: Value) -> Value {
    let deadline = Instant::now() + REQUEST_TIMEOUT;
    let body = json!({ "query": query, "variables": variables }).to_string();
    let mut stream = TcpStream::connect_timeout(&node.address, REQUEST_TIMEOUT)
        .unwrap_or_else(|e| panic!("node {} refuses connections: {e}", node.name));
    stream
        .set_write_timeout(Some(REQUEST_TIMEOUT))
        .expect("timeout");
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    write!(
        stream,
        "POST /api/2026-04/graphql.json HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Shopify-Storefront-Access-Token: {storefront}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut response = Vec::new();
    let mut buffer = [0_u8; 8192];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => response.extend_from_slice(&buffer[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => panic!("reading from node {}: {e}", node.name),
        }
        assert!(
            Instant::now() < deadline,
            "node {} did not answer within {REQUEST_TIMEOUT:?}",
            node.name
        );
    }
    let response = String::from_utf8(response).expect("utf-8");
    // The answer has a Content-Length (never chunked): the body is everything after the head.
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP response");
    assert!(
        head.starts_with("HTTP/1.1 200"),
        "node {}: {response}",
        node.name
    );
    serde_json::from_str(body).unwrap_or_else(|e| panic!("node {}: {e}: {body}", node.name))
}

/// `retryAfterSeconds` of Shopify's top-level THROTTLED error, when the answer is one.
fn throttled(response: &Value) -> Option<i64> {
    (response["errors"][0]["extensions"]["code"] == "THROTTLED")
        .then(|| response["errors"][0]["extensions"]["retryAfterSeconds"].as_i64())
        .flatten()
}

/// A refused login that was checked (not throttled): Shopify's one answer for every failure.
fn assert_unidentified(response: &Value, node: &Node) {
    assert_eq!(throttled(response), None, "node {}: {response}", node.name);
    assert_eq!(
        response["data"]["customerAccessTokenCreate"]["customerUserErrors"][0]["code"],
        "UNIDENTIFIED_CUSTOMER",
        "node {}: {response}",
        node.name
    );
}

#[tokio::test]
async fn a_customer_created_on_one_node_signs_in_and_is_read_on_the_other() {
    let cluster = Cluster::start(&[]).await;
    let (a, b) = (&cluster.a, &cluster.b);
    let id = cluster.sign_up(a, "roaming@example.com");

    // Signed up on A, logged in on B: the account is in the database, not in A's memory.
    let from_b = cluster.session(b, "roaming@example.com", PASSWORD);
    let customer = cluster.read(a, &from_b);
    assert_eq!(customer["id"], id.as_str());
    assert_eq!(customer["email"], "roaming@example.com");

    // And the other way: a session made on A is good on B.
    let from_a = cluster.session(a, "roaming@example.com", PASSWORD);
    assert_ne!(from_a, from_b);
    assert_eq!(cluster.read(b, &from_a)["id"], id.as_str());

    // An address written on B is read on A, through the batched address query.
    let added = cluster.call(
        b,
        ADD_ADDRESS,
        json!({ "token": from_a, "address": { "address1": "1 Shared St", "city": "Toronto", "province": "ON", "country": "CA", "zip": "M5V 2T6" } }),
    );
    assert_eq!(
        added["data"]["customerAddressCreate"]["customerUserErrors"],
        json!([]),
        "{added}"
    );
    let with_addresses = cluster.call(a, READ_ADDRESSES, json!({ "token": from_b }));
    assert_eq!(
        with_addresses["data"]["customer"]["defaultAddress"],
        json!({ "address1": "1 Shared St", "city": "Toronto", "provinceCode": "ON", "countryCodeV2": "CA" }),
        "{with_addresses}"
    );
    assert_eq!(
        with_addresses["data"]["customer"]["addresses"]["nodes"],
        json!([{ "address1": "1 Shared St" }])
    );

    // The same email cannot be taken twice through the other node either.
    let again = cluster.call(
        b,
        CREATE,
        json!({ "input": { "email": "ROAMING@example.com", "password": PASSWORD } }),
    );
    assert_eq!(
        again["data"]["customerCreate"]["customerUserErrors"][0]["code"], "TAKEN",
        "{again}"
    );
}

#[tokio::test]
async fn a_token_deleted_on_one_node_reads_null_on_the_other_at_once() {
    let cluster = Cluster::start(&[]).await;
    let (a, b) = (&cluster.a, &cluster.b);
    cluster.sign_up(a, "logout@example.com");
    let token = cluster.session(a, "logout@example.com", PASSWORD);
    let other_session = cluster.session(b, "logout@example.com", PASSWORD);
    // Both nodes have just served the token: were either to remember it, the next reads would
    // show it.
    assert!(cluster.read(a, &token).is_object());
    assert!(cluster.read(b, &token).is_object());

    let deleted = cluster.call(b, DELETE, json!({ "token": token }));
    assert_eq!(
        deleted["data"]["customerAccessTokenDelete"]["deletedAccessToken"],
        token.as_str(),
        "{deleted}"
    );

    // The very next request to A, with no pause: the token is gone there too.
    assert_eq!(cluster.read(a, &token), Value::Null);
    let renewed = cluster.call(a, RENEW, json!({ "token": token }));
    assert_eq!(
        renewed["data"]["customerAccessTokenRenew"]["customerAccessToken"],
        Value::Null,
        "{renewed}"
    );
    let again = cluster.call(a, DELETE, json!({ "token": token }));
    assert_eq!(
        again["data"]["customerAccessTokenDelete"]["deletedAccessToken"],
        Value::Null,
        "a token is deleted once, wherever: {again}"
    );
    // Logging out ends that session only.
    assert!(cluster.read(a, &other_session).is_object());
}

#[tokio::test]
async fn a_password_change_on_one_node_ends_every_session_on_the_other_at_once() {
    let cluster = Cluster::start(&[]).await;
    let (a, b) = (&cluster.a, &cluster.b);
    let id = cluster.sign_up(a, "rotate@example.com");
    let on_a = cluster.session(a, "rotate@example.com", PASSWORD);
    let on_b = cluster.session(b, "rotate@example.com", PASSWORD);
    assert!(cluster.read(b, &on_a).is_object());
    assert!(cluster.read(b, &on_b).is_object());

    let new_password = "staple-lantern-orbit-42";
    let updated = cluster.call(
        a,
        UPDATE_PASSWORD,
        json!({ "token": on_a, "password": new_password }),
    );
    let payload = &updated["data"]["customerUpdate"];
    assert_eq!(payload["customerUserErrors"], json!([]), "{updated}");
    let rotated = payload["customerAccessToken"]["accessToken"]
        .as_str()
        .expect("a new token after a password change")
        .to_owned();

    // At once on B: both earlier sessions (the one used for the change, and one B itself made)
    // are over; the new one works.
    assert_eq!(cluster.read(b, &on_a), Value::Null);
    assert_eq!(cluster.read(b, &on_b), Value::Null);
    assert_eq!(cluster.read(b, &rotated)["id"], id.as_str());
    // B checks the new password, not the old one.
    assert_unidentified(&cluster.log_in(b, "rotate@example.com", PASSWORD), b);
    cluster.session(b, "rotate@example.com", new_password);
}

#[tokio::test]
async fn consecutive_login_failures_of_an_account_are_counted_across_nodes() {
    // Three free failures, then a wait long enough that it cannot run out during the test.
    let cluster = Cluster::start(&[
        ("STOREFRONT_THROTTLE__LOGIN_FREE_FAILURES", "3"),
        ("STOREFRONT_THROTTLE__LOGIN_BACKOFF_BASE_SECONDS", "60"),
    ])
    .await;
    let (a, b) = (&cluster.a, &cluster.b);
    cluster.sign_up(a, "stuffed@example.com");

    // Failures alternate between the nodes: neither saw more than two of them itself.
    for node in [a, b, a] {
        assert_unidentified(
            &cluster.log_in(node, "stuffed@example.com", "wrong-password"),
            node,
        );
    }
    // The fourth attempt waits, on either node, even with the right password.
    for node in [b, a] {
        let blocked = cluster.log_in(node, "stuffed@example.com", PASSWORD);
        assert!(
            throttled(&blocked).is_some_and(|wait| (1..=60).contains(&wait)),
            "node {}: {blocked}",
            node.name
        );
        assert_eq!(
            blocked["data"],
            json!({ "customerAccessTokenCreate": null })
        );
    }

    // A success on one node starts the count again for both.
    cluster.sign_up(b, "forgetful@example.com");
    for node in [a, b] {
        assert_unidentified(
            &cluster.log_in(node, "forgetful@example.com", "wrong-password"),
            node,
        );
    }
    cluster.session(a, "forgetful@example.com", PASSWORD);
    for node in [b, a, b] {
        assert_unidentified(
            &cluster.log_in(node, "forgetful@example.com", "wrong-password"),
            node,
        );
    }
    assert!(throttled(&cluster.log_in(a, "forgetful@example.com", PASSWORD)).is_some());
}

#[tokio::test]
async fn failed_logins_from_one_ip_are_counted_across_nodes() {
    // Both nodes see the test as 127.0.0.1. Four failures per window, over any accounts.
    let cluster = Cluster::start(&[("STOREFRONT_THROTTLE__LOGIN_FAILURES_PER_IP", "4")]).await;
    let (a, b) = (&cluster.a, &cluster.b);
    cluster.sign_up(a, "bystander@example.com");

    // Spraying: one guess per account, alternating nodes, so no account and no node sees more
    // than a couple of failures.
    for (i, node) in [a, b, a, b].into_iter().enumerate() {
        assert_unidentified(
            &cluster.log_in(node, &format!("victim{i}@example.com"), "Summer2026!"),
            node,
        );
    }
    // The fifth attempt from this address is refused on both nodes, before any password is
    // checked: a right one included.
    let sprayed = cluster.log_in(a, "victim9@example.com", "Summer2026!");
    assert!(
        throttled(&sprayed).is_some_and(|wait| (1..=900).contains(&wait)),
        "{sprayed}"
    );
    let owner = cluster.log_in(b, "bystander@example.com", PASSWORD);
    assert!(throttled(&owner).is_some(), "{owner}");
}

#[tokio::test]
async fn a_storefront_token_revoked_by_an_operator_is_refused_by_every_node_at_once() {
    let cluster = Cluster::start(&[]).await;
    let (a, b) = (&cluster.a, &cluster.b);
    let probe = "{ customer(customerAccessToken: \"x\") { id } }";
    // Both nodes accept the token (an unknown token reads `null` too, but with ACCESS_DENIED).
    for node in [a, b] {
        let allowed = cluster.call(node, probe, json!({}));
        assert_eq!(allowed.get("errors"), None, "node {}: {allowed}", node.name);
        assert_eq!(allowed["data"]["customer"], Value::Null);
    }
    let (listed, _) = run(&cluster.cli, &["tokens", "list", "--json"], &[]);
    let listed: Value = serde_json::from_str(&listed).expect("json");
    // B's start made no token of its own: the one A printed is the shop's only one.
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["token"], cluster.storefront.as_str());
    let id = listed[0]["id"].to_string();
    run(&cluster.cli, &["tokens", "revoke", &id], &[]);

    // Storefront tokens are looked up on every request, never remembered by a node.
    for node in [a, b] {
        let denied = cluster.call(node, probe, json!({}));
        assert_eq!(
            denied["errors"][0]["extensions"]["code"], "ACCESS_DENIED",
            "node {}: {denied}",
            node.name
        );
    }
}

#[tokio::test]
async fn a_multipass_token_is_accepted_once_across_nodes() {
    let secret = "scale-out-multipass-secret";
    let cluster = Cluster::start(&[("STOREFRONT_MULTIPASS_SECRET", secret)]).await;
    let (a, b) = (&cluster.a, &cluster.b);
    let created_at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .expect("time");
    let multipass = storefront::domain::multipass::encode(
        &storefront::domain::multipass::MultipassKeys::new(secret),
        &json!({ "email": "sso@example.com", "created_at": created_at }),
    );
    let first = cluster.call(a, MULTIPASS, json!({ "multipassToken": multipass }));
    let access = first["data"]["customerAccessTokenCreateWithMultipass"]["customerAccessToken"]
        ["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    // Replayed on the other node, the same Multipass token is refused: its use is recorded in
    // the database, not in A.
    let replayed = cluster.call(b, MULTIPASS, json!({ "multipassToken": multipass }));
    assert_eq!(
        replayed["data"]["customerAccessTokenCreateWithMultipass"]["customerUserErrors"][0]["code"],
        "INVALID_MULTIPASS_REQUEST",
        "{replayed}"
    );
    assert_eq!(cluster.read(b, &access)["email"], "sso@example.com");
}

/// Failed logins that arrive at once, on two nodes, all count: each is one atomic increment in
/// the database (a read-then-write used to lose most of them under READ COMMITTED: 16 failures
/// at once were counted as 2 to 7, and the wait that should follow them was seconds or none).
#[tokio::test]
async fn concurrent_failed_logins_on_both_nodes_are_all_counted() {
    let cluster = std::sync::Arc::new(
        Cluster::start(&[
            ("STOREFRONT_THROTTLE__LOGIN_FREE_FAILURES", "3"),
            ("STOREFRONT_THROTTLE__LOGIN_BACKOFF_BASE_SECONDS", "1"),
            ("STOREFRONT_THROTTLE__LOGIN_BACKOFF_MAX_SECONDS", "900"),
        ])
        .await,
    );
    cluster.sign_up(&cluster.a, "burst@example.com");
    let attempts = 16;
    let start = std::sync::Arc::new(std::sync::Barrier::new(attempts));
    let checked = (0..attempts)
        .map(|i| {
            let (cluster, start) = (cluster.clone(), start.clone());
            std::thread::spawn(move || {
                let node = if i % 2 == 0 { &cluster.a } else { &cluster.b };
                start.wait();
                let response = cluster.log_in(node, "burst@example.com", "wrong-password");
                response["data"]["customerAccessTokenCreate"]["customerUserErrors"][0]["code"]
                    == "UNIDENTIFIED_CUSTOMER"
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        // A thread that panicked (a request that failed outright) checked no password.
        .map(|attempt| attempt.join().unwrap_or(false))
        .filter(|checked| *checked)
        .count();
    // Each checked password is a failure that must count: after n of them the account waits
    // 2^(n - 3) seconds, at most 900. (That more than 3 were checked at all is the check racing
    // the count: every attempt in flight passes the check before any failure is recorded.)
    let expected = match checked {
        0..3 => 0,
        n => (1_i64 << (n - 3).min(20)).min(900),
    };
    let next = cluster.log_in(&cluster.a, "burst@example.com", PASSWORD);
    let wait = throttled(&next).unwrap_or(0);
    assert!(
        wait + 2 >= expected,
        "{checked} failures were checked, so the wait should be about {expected} s; it is {wait} s: {next}"
    );
}
