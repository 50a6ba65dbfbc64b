//! Ids that cannot collide between processes: each process leases a node number from the
//! database (`id_nodes`) and every id it makes carries that number. The leases themselves (two
//! claims never get one number, an expired lease is taken over, a live one is not, a lost one is
//! replaced, a closed one is given back), and the real thing: two `storefront serve` processes
//! on one database inserting as fast as clients can drive them, without a single failed insert.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use storefront::Database;
use storefront::config::Config;
use storefront::domain::ids;

use crate::support::app::{fresh_database_url, test_config};
use crate::support::process::{Installation, stdout};
use crate::support::socket::{post, split};
use crate::support::{CREATE, LOGIN, PASSWORD};

const ADD_ADDRESS: &str = "mutation($token: String!, $address: MailingAddressInput!) {
  customerAddressCreate(customerAccessToken: $token, address: $address) {
    customerAddress { id }
    customerUserErrors { field message code }
  }
}";

/// A configuration on a fresh database (PostgreSQL when the suite runs there, else an SQLite
/// file in `dir`).
async fn config(dir: &std::path::Path) -> Config {
    let mut config = test_config(dir);
    config.database_url = fresh_database_url().await;
    config
}

/// Another handle on the configured database that has not claimed a number: as a process that
/// has just connected.
async fn unclaimed(config: &Config) -> Database {
    storefront::connect_database(config).await.expect("connect")
}

async fn execute(db: &Database, sql: &str) {
    let txn = db.begin_write().await.expect("begin");
    txn.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    txn.commit().await.expect("commit");
}

/// Every lease row: (node, holder or "", heartbeat_at), by node.
async fn leases(db: &Database) -> Vec<(i64, String, i64)> {
    let sql = "SELECT node, COALESCE(holder, ''), heartbeat_at FROM id_nodes ORDER BY node";
    db.reader()
        .query_all_raw(sea_orm::Statement::from_string(
            db.reader().get_database_backend(),
            sql,
        ))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|row| {
            (
                i64::from(row.try_get_by_index::<i16>(0).expect("node")),
                row.try_get_by_index::<String>(1).expect("holder"),
                row.try_get_by_index::<i64>(2).expect("heartbeat"),
            )
        })
        .collect()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[tokio::test]
async fn claims_racing_on_one_database_all_get_different_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path()).await;
    // The first open migrates, and claims like every other.
    let first = storefront::open_database(&config).await.expect("open");
    let first_node = first.id_node().expect("a number");
    // Some numbers to take over as well: two whose holders were killed, one given back.
    let long_ago = now() - 600;
    execute(
        &first,
        &format!(
            "INSERT INTO id_nodes (node, holder, heartbeat_at) VALUES \
             (1, 'killed', {long_ago}), (2, 'killed too', {long_ago}), (3, NULL, {long_ago})"
        ),
    )
    .await;

    // Eight processes' worth of handles, each with its own connections, claim at once: the
    // inserts and the takeovers race.
    let mut handles = Vec::new();
    for _ in 0..8 {
        handles.push(unclaimed(&config).await);
    }
    let claims = futures::future::join_all(handles.iter().map(Database::claim_id_node)).await;
    let mut nodes: Vec<u8> = claims
        .into_iter()
        .map(|claim| claim.expect("a claim"))
        .collect();
    nodes.push(first_node);
    nodes.sort_unstable();
    nodes.dedup();
    assert_eq!(
        nodes,
        (0..=8).collect::<Vec<u8>>(),
        "the lowest free numbers"
    );

    let rows = leases(&first).await;
    assert_eq!(rows.len(), 9, "{rows:?}");
    let mut holders: Vec<&String> = rows.iter().map(|(_, holder, _)| holder).collect();
    holders.sort_unstable();
    holders.dedup();
    assert_eq!(holders.len(), 9, "one holder per claim: {rows:?}");
}

#[tokio::test]
async fn an_expired_lease_is_taken_over_and_a_live_one_is_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path()).await;
    let db = unclaimed(&config).await;
    db.migrate().await.expect("migrate");
    let now = now();
    // 0: alive. 1: silent for longer than the 120 s lease (a killed process). 2: silent for
    // 100 s (slow, but still holding it).
    execute(
        &db,
        &format!(
            "INSERT INTO id_nodes (node, holder, heartbeat_at) VALUES \
             (0, 'alive', {now}), (1, 'killed', {}), (2, 'slow', {})",
            now - 121,
            now - 100
        ),
    )
    .await;

    assert_eq!(db.claim_id_node().await.expect("claim"), 1);
    let other = unclaimed(&config).await;
    assert_eq!(other.claim_id_node().await.expect("claim"), 3);

    let rows = leases(&db).await;
    assert_eq!(rows[0].1, "alive");
    assert_ne!(rows[1].1, "killed");
    assert!(rows[1].2 >= now, "{rows:?}");
    assert_eq!(rows[2].1, "slow");
}

#[tokio::test]
async fn a_lost_lease_is_replaced_by_another_number() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path()).await;
    let db = storefront::open_database(&config).await.expect("open");
    let node = db.id_node().expect("a number");
    assert_eq!(db.renew_id_node().await.expect("renew"), node, "still ours");

    // Another process took the number while this one was paused past its lease.
    execute(
        &db,
        &format!("UPDATE id_nodes SET holder = 'thief' WHERE node = {node}"),
    )
    .await;
    let replaced = db.renew_id_node().await.expect("renew");
    assert_ne!(replaced, node);
    assert_eq!(db.id_node(), Some(replaced));
    let rows = leases(&db).await;
    assert_eq!(rows[usize::from(node)].1, "thief", "{rows:?}");
    assert_eq!(rows.len(), 2, "{rows:?}");
}

#[tokio::test]
async fn a_closed_database_gives_its_number_back_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path()).await;
    let a = storefront::open_database(&config).await.expect("open");
    let b = storefront::open_database(&config).await.expect("open");
    let (node_a, node_b) = (a.id_node().expect("a"), b.id_node().expect("b"));
    assert_ne!(node_a, node_b);

    a.close().await;
    let rows = leases(&b).await;
    assert_eq!(rows[usize::from(node_a)].1, "", "released: {rows:?}");
    let c = unclaimed(&config).await;
    assert_eq!(c.claim_id_node().await.expect("claim"), node_a);
}

#[tokio::test]
async fn a_command_gives_its_number_back_when_it_ends() {
    let shop = Installation::new().await;
    stdout(&shop.run(&["migrate"]));
    for _ in 0..3 {
        stdout(&shop.run(&["tokens", "create"]));
    }
    let db = Database::connect(&shop.database_url, &Default::default())
        .await
        .expect("connect");
    let rows = leases(&db).await;
    // Each command took the lowest free number, 0, and gave it back as it ended.
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].1, "", "{rows:?}");
}

#[tokio::test]
async fn a_database_that_is_not_migrated_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = config(dir.path()).await;
    config.database.auto_migrate = false;
    let err = storefront::open_database(&config)
        .await
        .err()
        .expect("no id_nodes table");
    assert!(err.to_string().contains("storefront migrate"), "{err}");
}

/// How long the two servers are driven.
const LOAD: Duration = Duration::from_secs(20);
/// Clients per server, each with one request at a time.
const CLIENTS: usize = 4;

/// What one client did: the customers and addresses it created, the failures it saw.
#[derive(Default)]
struct Tally {
    customers: Vec<i64>,
    addresses: Vec<i64>,
    errors: Vec<String>,
}

/// The JSON of a 200 answer, or what went wrong.
fn answer(address: &str, token: &str, query: &str, variables: Value) -> Result<Value, String> {
    let raw = post(
        address,
        token,
        &json!({ "query": query, "variables": variables }),
    );
    let (head, body) = split(&raw);
    if !head.starts_with("HTTP/1.1 200") {
        return Err(raw);
    }
    let body: Value = serde_json::from_str(body).map_err(|e| format!("{e}: {raw}"))?;
    if body.get("errors").is_some() {
        return Err(body.to_string());
    }
    Ok(body)
}

/// The numeric id of a gid in `value`.
fn numeric(value: &Value, type_name: &str) -> Result<i64, String> {
    value
        .as_str()
        .and_then(|gid| storefront::domain::ids::parse_gid(gid, type_name))
        .ok_or_else(|| format!("not a {type_name} id: {value}"))
}

/// Signs a customer up, logs in and adds an address: three inserts with new ids (the customer,
/// the session, the address).
fn one_round(address: &str, token: &str, email: &str, tally: &mut Tally) -> Result<(), String> {
    let created = answer(
        address,
        token,
        CREATE,
        json!({ "input": { "email": email, "password": PASSWORD, "firstName": "Ada" } }),
    )?;
    let payload = &created["data"]["customerCreate"];
    if payload["customerUserErrors"] != json!([]) {
        return Err(created.to_string());
    }
    tally
        .customers
        .push(numeric(&payload["customer"]["id"], "Customer")?);
    let login = answer(
        address,
        token,
        LOGIN,
        json!({ "input": { "email": email, "password": PASSWORD } }),
    )?;
    let access = login["data"]["customerAccessTokenCreate"]["customerAccessToken"]["accessToken"]
        .as_str()
        .ok_or_else(|| login.to_string())?
        .to_owned();
    let added = answer(
        address,
        token,
        ADD_ADDRESS,
        json!({ "token": access, "address": { "address1": "1 Main St", "city": "Ottawa", "country": "Canada", "zip": "K1A 0A1" } }),
    )?;
    let payload = &added["data"]["customerAddressCreate"];
    if payload["customerUserErrors"] != json!([]) {
        return Err(added.to_string());
    }
    tally.addresses.push(numeric(
        &payload["customerAddress"]["id"],
        "MailingAddress",
    )?);
    Ok(())
}

#[tokio::test]
async fn two_servers_inserting_at_full_speed_on_one_database_never_collide() {
    let shop = Installation::new().await;
    stdout(&shop.run(&["migrate"]));
    let env = [
        ("STOREFRONT_DATABASE__AUTO_MIGRATE", "false"),
        ("STOREFRONT_DATABASE__MAX_CONNECTIONS", "8"),
        ("STOREFRONT_THROTTLE__SIGNUP_PER_IP", "1000000"),
        ("STOREFRONT_THROTTLE__SIGNUP_PER_EMAIL", "1000000"),
    ];
    let mut a = shop.serve(&env, true);
    let token = a.token.clone().expect("the first start prints a token");
    let mut b = shop.serve(&env, false);

    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for (server, address) in [("a", a.address.clone()), ("b", b.address.clone())] {
        for client in 0..CLIENTS {
            let (address, token, stop) = (address.clone(), token.clone(), Arc::clone(&stop));
            clients.push(std::thread::spawn(move || {
                let mut tally = Tally::default();
                let mut round = 0;
                while !stop.load(Ordering::Relaxed) {
                    let email = format!("load-{server}{client}-{round}@example.com");
                    if let Err(error) = one_round(&address, &token, &email, &mut tally) {
                        tally.errors.push(error);
                    }
                    round += 1;
                }
                (server, tally)
            }));
        }
    }
    let started = Instant::now();
    std::thread::sleep(LOAD);
    stop.store(true, Ordering::Relaxed);
    let mut by_server: [Tally; 2] = Default::default();
    for client in clients {
        let (server, tally) = client.join().expect("a client thread");
        let total = &mut by_server[usize::from(server == "b")];
        total.customers.extend(tally.customers);
        total.addresses.extend(tally.addresses);
        total.errors.extend(tally.errors);
    }
    let elapsed = started.elapsed();

    let errors: Vec<&String> = by_server.iter().flat_map(|t| &t.errors).collect();
    assert!(
        errors.is_empty(),
        "{} failed rounds, the first: {:?}",
        errors.len(),
        errors.iter().take(3).collect::<Vec<_>>()
    );
    for (name, tally) in ["a", "b"].iter().zip(&by_server) {
        eprintln!(
            "server {name}: {} customers and {} addresses in {elapsed:.1?}",
            tally.customers.len(),
            tally.addresses.len()
        );
        assert!(
            tally.customers.len() >= 100,
            "server {name} signed up only {} customers in {elapsed:?}",
            tally.customers.len()
        );
    }

    // Every id is distinct, and each server's ids carry its own node number.
    let nodes: Vec<Vec<u8>> = by_server
        .iter()
        .map(|tally| {
            let mut nodes: Vec<u8> = tally
                .customers
                .iter()
                .chain(&tally.addresses)
                .map(|id| ids::node_of(*id))
                .collect();
            nodes.sort_unstable();
            nodes.dedup();
            nodes
        })
        .collect();
    assert_eq!(nodes[0].len(), 1, "server a: {:?}", nodes[0]);
    assert_eq!(nodes[1].len(), 1, "server b: {:?}", nodes[1]);
    assert_ne!(nodes[0], nodes[1]);
    for kind in ["customers", "addresses"] {
        let mut all: Vec<i64> = by_server
            .iter()
            .flat_map(|tally| match kind {
                "customers" => &tally.customers,
                _ => &tally.addresses,
            })
            .copied()
            .collect();
        let made = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), made, "{kind}: every id distinct");
    }

    // Stopped as a service manager stops them, both give their numbers back.
    assert!(a.terminate().success());
    assert!(b.terminate().success());
    let db = Database::connect(&shop.database_url, &Default::default())
        .await
        .expect("connect");
    let rows = leases(&db).await;
    assert!(
        rows.iter().all(|(_, holder, _)| holder.is_empty()),
        "{rows:?}"
    );
}
