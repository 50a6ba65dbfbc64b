//! Webhooks survive crashes: the real binary is killed with SIGKILL twenty times in the middle
//! of a sign-up load; every sign-up it acknowledged reaches the receiver, and a receiver that
//! deduplicates on the delivery id accepts each event exactly once.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::process::{Installation, stdout};
use crate::support::receiver::Receiver;
use crate::support::{CREATE, PASSWORD};

const RUNS: usize = 20;
/// How long the load runs before each kill.
const LOAD: Duration = Duration::from_millis(300);

/// One sign-up over a fresh connection; `None` once the server is gone (or did not answer).
fn try_sign_up(address: &str, token: &str, email: &str) -> Option<Value> {
    let body = json!({
        "query": CREATE,
        "variables": { "input": { "email": email, "password": PASSWORD } },
    })
    .to_string();
    let request = format!(
        "POST /api/2026-04/graphql.json HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nX-Shopify-Storefront-Access-Token: {token}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(address).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let (_, body) = answer.split_once("\r\n\r\n")?;
    serde_json::from_str(body).ok()
}

#[tokio::test]
async fn twenty_kills_lose_no_event_and_duplicate_none() {
    let installation = Installation::new().await;
    let receiver = Receiver::start().await;
    let env = [
        ("STOREFRONT_WEBHOOKS__ALLOW_PRIVATE_TARGETS", "true"),
        // A claim held by a killed process runs out soon after (timeout + 5 s).
        ("STOREFRONT_WEBHOOKS__TIMEOUT_MS", "1000"),
        ("STOREFRONT_WEBHOOKS__POLL_INTERVAL_MS", "200"),
        // The load signs up from one address.
        ("STOREFRONT_THROTTLE__SIGNUP_PER_IP", "1000000"),
    ];
    let created = installation.run_with(
        &[
            "webhooks",
            "create",
            "--topic",
            "customers/create",
            "--url",
            &receiver.url("/hook"),
        ],
        &env,
    );
    assert!(created.status.success(), "{created:?}");
    assert!(
        stdout(&created).trim().starts_with("whsec_"),
        "only the secret on stdout"
    );

    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    let mut token = None;
    for run in 0..RUNS {
        let mut server = installation.serve(&env, run == 0);
        if run == 0 {
            token = server.token.clone();
        }
        let token = token.clone().expect("the first start's token");
        let address = server.address.clone();
        let acked = Arc::clone(&acknowledged);
        let writer = std::thread::spawn(move || {
            for n in 0.. {
                let email = format!("crash{run}-{n}@example.com");
                match try_sign_up(&address, &token, &email) {
                    Some(answer)
                        if answer["data"]["customerCreate"]["customer"]["id"].is_string() =>
                    {
                        acked.lock().expect("acknowledged").insert(email);
                    }
                    _ => break,
                }
            }
        });
        tokio::time::sleep(LOAD).await;
        server.kill();
        writer.join().expect("the writer");
    }
    let acknowledged = acknowledged.lock().expect("acknowledged").clone();
    assert!(
        acknowledged.len() >= RUNS,
        "the load wrote: {}",
        acknowledged.len()
    );

    // A last start delivers what the killed ones left.
    let _server = installation.serve(&env, false);
    let deadline = Instant::now() + Duration::from_secs(60);
    let (by_delivery, by_event) = loop {
        // The idempotent receiver: one accepted body per delivery id.
        let mut by_delivery: BTreeMap<String, Value> = BTreeMap::new();
        for received in receiver.received() {
            by_delivery.entry(received.delivery_id()).or_insert_with(
                || json!({ "event": received.event_id(), "email": received.json()["email"] }),
            );
        }
        let mut by_event: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for accepted in by_delivery.values() {
            by_event
                .entry(accepted["event"].as_str().unwrap_or_default().to_owned())
                .or_default()
                .push(accepted["email"].as_str().unwrap_or_default().to_owned());
        }
        let emails: BTreeSet<&String> = by_event.values().flatten().collect();
        if acknowledged.iter().all(|e| emails.contains(e)) || Instant::now() > deadline {
            break (by_delivery, by_event);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let delivered: BTreeSet<&String> = by_event.values().flatten().collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|e| !delivered.contains(e))
        .collect();
    assert!(
        lost.is_empty(),
        "acknowledged sign-ups without a delivered event: {lost:?}"
    );
    let duplicated: Vec<(&String, &Vec<String>)> = by_event
        .iter()
        .filter(|(_, emails)| emails.len() != 1)
        .collect();
    assert!(
        duplicated.is_empty(),
        "events accepted more than once: {duplicated:?}"
    );
    let mut per_email: BTreeMap<&String, usize> = BTreeMap::new();
    for email in by_event.values().flatten() {
        *per_email.entry(email).or_default() += 1;
    }
    assert!(per_email.values().all(|&n| n == 1), "one event per sign-up");
    // What the operator sees.
    let listed = installation.run_with(&["webhooks", "list", "--json"], &env);
    let listed: Value = serde_json::from_str(&stdout(&listed)).expect("JSON");
    assert_eq!(listed[0]["state"], "active", "{listed}");
    assert_eq!(listed[0]["topic"], "customers/create");
    let deliveries = installation.run_with(
        &[
            "webhooks",
            "deliveries",
            "--status",
            "delivered",
            "--limit",
            "5",
            "--json",
        ],
        &env,
    );
    let deliveries: Value = serde_json::from_str(&stdout(&deliveries)).expect("JSON");
    assert_eq!(deliveries.as_array().map(Vec::len), Some(5), "{deliveries}");
    assert!(
        deliveries
            .as_array()
            .into_iter()
            .flatten()
            .all(|d| d["status"] == "delivered")
    );
    eprintln!(
        "{RUNS} kills: {} sign-ups acknowledged, {} events delivered, {} requests received ({} deliveries)",
        acknowledged.len(),
        by_event.len(),
        receiver.received().len(),
        by_delivery.len()
    );
}
