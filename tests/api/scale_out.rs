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

use serde_json::{Value, json};

use crate::support::process::{Installation, Server, stderr, stdout};
use crate::support::socket::{json_body, post};
use crate::support::{CREATE, DELETE, LOGIN, PASSWORD, READ, RENEW};

/// What every node and command gets besides the shop's database and data directory (so that
/// both nodes read the one generated secret key, as production nodes share
/// `STOREFRONT_SECRET_KEY`): small pools, and migration left to `storefront migrate`.
const NODE_ENV: [(&str, &str); 2] = [
    ("STOREFRONT_DATABASE__MAX_CONNECTIONS", "4"),
    ("STOREFRONT_DATABASE__AUTO_MIGRATE", "false"),
];

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
    server: Server,
}

/// Two nodes on one database. Fields drop in order: the nodes are killed before the data
/// directory (the SQLite file, the generated secret) is removed.
struct Cluster {
    a: Node,
    b: Node,
    /// The public storefront token the first node printed; the second start prints none, and
    /// both nodes accept this one.
    storefront: String,
    shop: Installation,
}

impl Cluster {
    /// Migrates a fresh database once, then starts node A (which creates and prints the shop's
    /// first storefront token) and node B, both with automatic migration off.
    async fn start(extra_env: &[(&str, &str)]) -> Self {
        let shop = Installation::new().await;
        let env: Vec<(&str, &str)> = NODE_ENV.iter().chain(extra_env).copied().collect();
        let migrated = shop.run_with(&["migrate"], &env);
        stdout(&migrated);
        assert!(
            stderr(&migrated).contains("up to date"),
            "{}",
            stderr(&migrated)
        );
        let mut a = shop.serve(&env, true);
        let storefront = a
            .token
            .take()
            .expect("the first start prints a storefront token");
        let b = shop.serve(&env, false);
        Self {
            a: Node {
                name: "A",
                server: a,
            },
            b: Node {
                name: "B",
                server: b,
            },
            storefront,
            shop,
        }
    }

    /// A GraphQL request to `node`, whose answer must be HTTP 200 with a JSON body.
    fn call(&self, node: &Node, query: &str, variables: Value) -> Value {
        json_body(&post(
            &node.server.address,
            &self.storefront,
            &json!({ "query": query, "variables": variables }),
        ))
    }

    /// `storefront ARGS...` on the cluster's database; its stdout.
    fn run(&self, args: &[&str]) -> String {
        stdout(&self.shop.run_with(args, &NODE_ENV))
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

    // An address written on B is read on A, through the batched address query, although A
    // remembered its answer to the same read just before (`store::read_cache`): the database's
    // signal of the change drops it.
    let empty = cluster.call(a, READ_ADDRESSES, json!({ "token": from_b }));
    assert_eq!(
        empty["data"]["customer"]["addresses"]["nodes"],
        json!([]),
        "{empty}"
    );
    assert_eq!(
        cluster.call(a, READ_ADDRESSES, json!({ "token": from_b })),
        empty
    );
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
    // Both nodes accept the token (an unknown token reads `null` too, but with ACCESS_DENIED),
    // and the second time from what they remember.
    for node in [a, b, a, b] {
        let allowed = cluster.call(node, probe, json!({}));
        assert_eq!(allowed.get("errors"), None, "node {}: {allowed}", node.name);
        assert_eq!(allowed["data"]["customer"], Value::Null);
    }
    let listed: Value =
        serde_json::from_str(&cluster.run(&["tokens", "list", "--json"])).expect("json");
    // B's start made no token of its own: the one A printed is the shop's only one.
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["token"], cluster.storefront.as_str());
    let id = listed[0]["id"].to_string();
    cluster.run(&["tokens", "revoke", &id]);

    // Each node remembers the token it checked; the database's signal of the revocation (a
    // notification on PostgreSQL, `data_version` on SQLite) makes both forget it at once.
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
    let answers: Vec<Option<Value>> = (0..attempts)
        .map(|i| {
            let (cluster, start) = (cluster.clone(), start.clone());
            std::thread::spawn(move || {
                let node = if i % 2 == 0 { &cluster.a } else { &cluster.b };
                start.wait();
                cluster.log_in(node, "burst@example.com", "wrong-password")
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        // A thread that panicked is a request that failed outright (its panic says why).
        .map(|attempt| attempt.join().ok())
        .collect();
    // Each attempt either had its password checked (and refused), or was throttled before that.
    let checked = answers
        .iter()
        .flatten()
        .filter(|answer| {
            answer["data"]["customerAccessTokenCreate"]["customerUserErrors"][0]["code"]
                == "UNIDENTIFIED_CUSTOMER"
        })
        .count();
    let refused = answers
        .iter()
        .flatten()
        .filter(|answer| throttled(answer).is_some())
        .count();
    // Anything else (no answer, an error) would make the count below prove nothing: a burst in
    // which every request failed checks no password and expects no wait.
    assert_eq!(
        checked + refused,
        attempts,
        "every attempt was checked or throttled: {answers:?}"
    );
    // The three free failures cannot be throttled: at least they were checked, whatever the race.
    assert!(checked >= 3, "only {checked} passwords were checked");
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
