//! `storefront-bench`: seeds a database, starts the release server as its own process (one or
//! more instances), drives each scenario from this process for a fixed time at a fixed
//! concurrency, and prints one table with the ceilings measured in the same run, so that the
//! figures can be read as ratios on a shared, noisy machine. See bench/README.md.
//!
//! `--soak LENGTH` runs a soak instead of the scenarios (soak/), and `serve-bare`, hidden, is
//! the bare stack server the `bare` scenario starts (bare.rs). `handoff` and `group-commit`
//! measure SQLite paths on their own (handoff.rs, group_commit.rs).

mod bare;
mod group_commit;
mod handoff;
mod load;
mod orders;
mod server;
mod soak;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Parser, Subcommand};
use load::{Fixture, Kind, Outcome};
use storefront::config::Config;
use storefront::domain::admin_token::Scopes;
use storefront::domain::password::Password;
use storefront::domain::password_hash::PasswordHashing;
use storefront::domain::storefront_token::TokenKind;

/// The real server's allocator (src/main.rs), so that the bare server (this binary re-executed)
/// has it too and the `bare` / `stack` comparison measures the project, not malloc. The load
/// generator gets it as well.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Orders(orders::Command),
    /// The bare stack server of the `bare` scenario, which the benchmark starts itself.
    #[command(hide = true)]
    ServeBare { address: SocketAddr },
    /// How much of a SQLite statement is the hand-off to sqlx's connection thread: one indexed
    /// lookup through sea-orm on sqlx's pool and on the calling thread with rusqlite, alone and
    /// from `--tasks` concurrent tasks.
    Handoff {
        /// Connections in the sqlx pool (the server's reader pool has 16).
        #[arg(long, default_value_t = 16)]
        pool: u32,
        #[arg(long, default_value_t = 64)]
        tasks: usize,
        /// Seconds per measurement.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
    },
    /// What a different SQLite write path would buy: one address-shaped write transaction from
    /// `--tasks` concurrent tasks, through sqlx's write connection (today), with rusqlite on the
    /// calling thread, and with group commit on one writer thread.
    GroupCommit {
        #[arg(long, default_value_t = 64)]
        tasks: usize,
        /// Seconds per measurement.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
    },
}

#[derive(Parser)]
#[command(
    about = "Load benchmark of the storefront server",
    args_conflicts_with_subcommands = true
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// The server binary (a release build).
    #[arg(long, default_value = "target/release/storefront")]
    server: PathBuf,
    /// A PostgreSQL URL; without one, a new SQLite file in a temporary directory.
    #[arg(long, env = "BENCH_DATABASE_URL")]
    database_url: Option<String>,
    /// Customers to seed.
    #[arg(long, default_value_t = 1_000)]
    customers: u64,
    /// Addresses per seeded customer.
    #[arg(long, default_value_t = 3)]
    addresses: u32,
    /// Seeded customers with an access token (the `read` and `write` scenarios use them).
    #[arg(long, default_value_t = 10_000)]
    tokens: u64,
    /// Seconds per scenario.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Requests in flight at once, in every scenario.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Server processes sharing the database (PostgreSQL only for more than one).
    #[arg(long, default_value_t = 1)]
    instances: usize,
    /// Which scenarios, in order.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "bare,stack,read,read-apq,account,login,write,signup,mixed,isolation"
    )]
    scenarios: Vec<String>,
    /// Instead of the scenarios, a soak of this length (`90s`, `30m`, `1h`): `mixed`'s maximum
    /// rate measured closed loop for --duration, then `mixed` open loop at half that rate, with
    /// the server's RSS and open file descriptors every 10 s and a report per minute.
    #[arg(long, value_name = "LENGTH", value_parser = soak::parse_length, conflicts_with = "scenarios")]
    soak: Option<Duration>,
    /// Customers (the first ones, all with tokens) given orders when `account` runs.
    #[arg(long, default_value_t = 100)]
    order_customers: u64,
    /// Orders of each of those customers.
    #[arg(long, default_value_t = 1_000)]
    orders_per_customer: u32,
    /// Line items of each seeded order.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=1000))]
    line_items: u16,
    /// A file with a GraphQL document (taking `$token`) that `account` sends instead of the
    /// account page, to see what part of the page costs what; answers are then only checked to
    /// have no error and a customer.
    #[arg(long)]
    account_document: Option<PathBuf>,
    /// Webhook subscriptions to `customers/update` (which `write`'s address changes emit), each
    /// to a receiver in this process that answers 200: what emitting and delivering cost a write.
    #[arg(long, default_value_t = 0)]
    webhook_subscriptions: u32,
    /// Extra server settings, `KEY=VALUE` (e.g. STOREFRONT_DATABASE__MAX_CONNECTIONS=4).
    #[arg(long = "server-env", value_parser = parse_key_value)]
    server_env: Vec<(String, String)>,
}

fn parse_key_value(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("expected KEY=VALUE, got {text}"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = Args::parse();
    match args.command.take() {
        Some(Command::Orders(command)) => return orders::run(command),
        Some(Command::ServeBare { address }) => return bare::serve(address).await,
        Some(Command::Handoff {
            pool,
            tasks,
            seconds,
        }) => {
            // Its own runtime, with the server's two threads.
            return tokio::task::spawn_blocking(move || handoff::run(pool, tasks, seconds)).await?;
        }
        Some(Command::GroupCommit { tasks, seconds }) => {
            return tokio::task::spawn_blocking(move || group_commit::run(tasks, seconds)).await?;
        }
        None => {}
    }
    if args.soak.is_some() {
        // Only `mixed` runs (nothing else to seed for, such as `account`'s orders).
        args.scenarios = vec!["mixed".to_owned()];
    }
    let account_document = args
        .account_document
        .as_ref()
        .map(std::fs::read_to_string)
        .transpose()
        .context("reading --account-document")?;
    let dir = tempfile::tempdir()?;
    let database_url = args.database_url.clone().unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        )
    });
    let backend = if database_url.starts_with("sqlite:") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "storefront-bench: {backend}, {} customers x {} addresses, {} s per scenario at {} connections, {} instance(s), {cores} cores",
        args.customers, args.addresses, args.duration, args.concurrency, args.instances
    );

    // Seed, in this process, through the project's own store code.
    let mut config = Config {
        database_url: Some(database_url.clone()),
        data_dir: dir.path().join("data"),
        ..Config::default()
    };
    // The webhook receiver is on loopback.
    config.webhooks.allow_private_targets = true;
    let params = config.password.hash;
    let password = "bench-password-Quokka-7".to_owned();
    let email_prefix = format!("bench{}-", time::OffsetDateTime::now_utc().unix_timestamp());
    let db = storefront::open_database(&config)
        .await
        .context("opening the database")?;
    let accounts = storefront::accounts(&config, db.clone())?;
    let shop = storefront::default_shop(&config, &accounts).await?;
    let shop_for_metafields = shop.clone();
    let in_shop = accounts.in_shop(shop);
    let storefront_token = in_shop
        .storefront_tokens()
        .create_storefront_token(TokenKind::Public, "bench")
        .await?;
    let admin_token = in_shop
        .admin_tokens()
        .create_admin_token("bench", &Scopes::parse("read_customers")?)
        .await?;
    drop(in_shop);
    let hash = PasswordHashing::new(params)?.hash(&Password::candidate(&password))?;
    let seeding = Instant::now();
    let plan = storefront::seed::SeedPlan {
        shop_id: config.shop.id,
        first: 0,
        customers: args.customers,
        addresses_per_customer: args.addresses,
        password_hash: hash,
        tokens: args.tokens.min(args.customers),
        token_ttl_seconds: config.customer_tokens.ttl_seconds,
        email_prefix: email_prefix.clone(),
        now: time::OffsetDateTime::now_utc().unix_timestamp(),
    };
    let report_every = (args.customers / 10).max(50_000);
    let tokens = storefront::seed::seed(&db, &plan, |done| {
        if done % report_every == 0 || done == args.customers {
            eprintln!(
                "  seeded {done} customers ({:.0} s)",
                seeding.elapsed().as_secs_f64()
            );
        }
    })
    .await?;
    let seed_seconds = seeding.elapsed().as_secs_f64();
    println!(
        "seeded {} customers, {} addresses, {} tokens in {seed_seconds:.1} s",
        args.customers,
        args.customers * u64::from(args.addresses),
        tokens.len()
    );
    let order_customers = args.order_customers.min(plan.tokens);
    let mut order_seconds = 0.0;
    if args.scenarios.iter().any(|s| s == "account") && order_customers > 0 {
        let started = Instant::now();
        let seed = storefront::seed::OrderSeed {
            customers: order_customers,
            per_customer: args.orders_per_customer,
            line_items: usize::from(args.line_items),
            template: orders::template()?,
        };
        let total = u64::from(args.orders_per_customer) * order_customers;
        let written = storefront::seed::seed_orders(&db, &plan, &seed, |done| {
            eprintln!(
                "  seeded {done} of {total} orders ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
        })
        .await?;
        order_seconds = started.elapsed().as_secs_f64();
        println!(
            "seeded {written} orders ({order_customers} customers x {}, {} line items each) in {order_seconds:.1} s",
            args.orders_per_customer, args.line_items
        );
    }
    if args.scenarios.iter().any(|s| s == "metafields") {
        let started = Instant::now();
        seed_metafields(&accounts.in_shop(shop_for_metafields.clone()), &tokens).await?;
        println!(
            "seeded {} metafields on each of {} customers in {:.1} s",
            load::METAFIELDS,
            tokens.len(),
            started.elapsed().as_secs_f64()
        );
    }
    let webhook_receiver = if args.webhook_subscriptions > 0 {
        let (url, received) = receiver().await?;
        let webhooks = accounts.in_shop(shop_for_metafields.clone());
        for _ in 0..args.webhook_subscriptions {
            webhooks
                .webhooks()
                .create(
                    storefront::domain::webhook::Topic::CustomersUpdate,
                    storefront::accounts::SubscriptionInput {
                        callback_url: Some(url.clone()),
                        ..Default::default()
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("a webhook subscription: {e}"))?;
        }
        println!(
            "{} webhook subscription(s) to customers/update at {url}",
            args.webhook_subscriptions
        );
        Some(received)
    } else {
        None
    };
    drop(accounts);
    db.close().await;

    // Throttles that would refuse a benchmark's legitimate traffic from one address are opened.
    let mut env = vec![
        (
            "STOREFRONT_THROTTLE__SIGNUP_PER_IP",
            "1000000000".to_owned(),
        ),
        (
            "STOREFRONT_THROTTLE__LOGIN_FAILURES_PER_IP",
            "1000000000".to_owned(),
        ),
        ("STOREFRONT_CUSTOMERS__MAX_ADDRESSES", "1000000".to_owned()),
    ];
    // Only when asked: a release before webhooks refuses the unknown setting.
    if args.webhook_subscriptions > 0 {
        env.push((
            "STOREFRONT_WEBHOOKS__ALLOW_PRIVATE_TARGETS",
            "true".to_owned(),
        ));
    }
    for (key, value) in &args.server_env {
        env.push((key.as_str(), value.clone()));
    }
    let mut servers = Vec::new();
    for _ in 0..args.instances {
        servers.push(
            server::Server::start(
                &args.server,
                &dir.path().join("data"),
                &database_url,
                &env,
                &storefront_token,
            )
            .await?,
        );
    }
    let addresses: Vec<String> = servers.iter().map(|s| s.address.clone()).collect();
    let pids: Vec<u32> = servers.iter().map(server::Server::pid).collect();
    let startup_ms = servers[0].startup.as_secs_f64() * 1000.0;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_rss: f64 = pids.iter().map(|pid| server::memory_mib(*pid).0).sum();

    let fixture = Arc::new(Fixture {
        storefront_token,
        admin_token,
        seeded_at: plan.now,
        order_tokens: tokens
            .iter()
            .take(usize::try_from(order_customers).unwrap_or(usize::MAX))
            .cloned()
            .collect(),
        orders_per_page: (args.orders_per_customer as usize).min(10),
        line_items_per_order: usize::from(args.line_items).min(10),
        account_document,
        tokens,
        customers: args.customers,
        email_prefix,
        password,
    });
    let duration = Duration::from_secs(args.duration);
    if let Some(length) = args.soak {
        soak::run(
            &addresses,
            &pids,
            &fixture,
            args.concurrency,
            duration,
            length,
        )
        .await?;
        println!(
            "idle RSS: {idle_rss:.1} MiB; start-up to first answered request: {startup_ms:.0} ms"
        );
        drop(servers);
        return Ok(());
    }
    let mut rows = Vec::new();
    // CPU milliseconds per request, of the server and of this load generator.
    let mut costs = Vec::new();
    let mut results: std::collections::HashMap<String, Outcome> = Default::default();
    for name in &args.scenarios {
        // `bare` drives a server of its own, started for it and stopped after it; its CPU and
        // memory are that server's.
        let bare_server = if name == "bare" {
            Some(bare::start(&fixture.storefront_token).await?)
        } else {
            None
        };
        let measured_pids = bare_server
            .as_ref()
            .map_or_else(|| pids.clone(), |s| vec![s.pid()]);
        let measured = Measure::start(&measured_pids);
        let own_cpu_before = server::cpu_seconds(std::process::id());
        let outcome = match name.as_str() {
            "bare" => {
                let bare_address = bare_server
                    .iter()
                    .map(|s| s.address.clone())
                    .collect::<Vec<_>>();
                load::run(
                    Kind::Stack,
                    &bare_address,
                    &fixture,
                    args.concurrency,
                    duration,
                )
                .await
            }
            "argon2" | "stack" | "read" | "read-apq" | "account" | "login" | "write" | "signup"
            | "mixed" | "metafields" => {
                if name == "argon2" {
                    continue;
                }
                let kind = match name.as_str() {
                    "stack" => Kind::Stack,
                    "read" => Kind::Read,
                    "metafields" => Kind::Metafields,
                    "read-apq" => Kind::ReadPersisted,
                    "account" => Kind::Account,
                    "login" => Kind::Login,
                    "write" => Kind::Write,
                    "signup" => Kind::SignUp,
                    _ => Kind::Mixed,
                };
                load::run(kind, &addresses, &fixture, args.concurrency, duration).await
            }
            "isolation" => {
                let (read, _flood) = tokio::join!(
                    load::run(Kind::Read, &addresses, &fixture, args.concurrency, duration),
                    load::run(
                        Kind::Login,
                        &addresses,
                        &fixture,
                        args.concurrency,
                        duration
                    ),
                );
                read
            }
            "admin-email" | "admin-prefix" | "admin-tag" | "admin-created" => {
                let kind = match name.as_str() {
                    "admin-email" => Kind::AdminEmail,
                    "admin-prefix" => Kind::AdminPrefix,
                    "admin-tag" => Kind::AdminTag,
                    _ => Kind::AdminCreated,
                };
                load::run(kind, &addresses, &fixture, args.concurrency, duration).await
            }
            other => anyhow::bail!("unknown scenario {other}"),
        };
        let (cpu, peak) = measured.finish(&measured_pids);
        drop(bare_server);
        let own_cpu = 100.0 * (server::cpu_seconds(std::process::id()) - own_cpu_before)
            / outcome.elapsed.as_secs_f64();
        if let Some(error) = &outcome.first_error {
            eprintln!("  {name}: first error: {}", truncate(error, 300));
        }
        if outcome.requests > 0 && name != "isolation" {
            let per_request = |percent: f64| {
                percent / 100.0 * outcome.elapsed.as_secs_f64() * 1000.0 / outcome.requests as f64
            };
            costs.push(format!(
                "{name} {:.3} / {:.3}",
                per_request(cpu),
                per_request(own_cpu)
            ));
        }
        rows.push(format!(
            "| {name} | {:.0} | {:.2} | {:.2} | {:.2} | {:.1} | {} | {:.0} % | {:.0} |",
            outcome.per_second(),
            outcome.ms(0.5),
            outcome.ms(0.95),
            outcome.ms(0.99),
            outcome.max_ms(),
            outcome.errors,
            cpu,
            peak
        ));
        results.insert(name.clone(), outcome);
    }

    // The argon2 ceiling, on the same cores, with the server idle.
    let ceiling = argon2_ceiling(params, cores, Duration::from_secs(args.duration.min(5)));

    println!();
    println!(
        "| scenario | requests/s | p50 ms | p95 ms | p99 ms | max ms | errors | server CPU | peak RSS MiB |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in &rows {
        println!("{row}");
    }
    println!();
    println!(
        "CPU ms per request, server / load generator: {}",
        costs.join(", ")
    );
    println!(
        "argon2 ceiling: {ceiling:.1} verifications/s on {cores} cores (m={} KiB, t={}, p={})",
        params.memory_kib, params.iterations, params.parallelism
    );
    if let Some(received) = &webhook_receiver {
        // The sender catches up after the load: wait until it is quiet.
        let mut last = 0;
        loop {
            tokio::time::sleep(Duration::from_secs(2)).await;
            let now = received.load(std::sync::atomic::Ordering::Relaxed);
            if now == last {
                break;
            }
            last = now;
        }
        println!("webhook deliveries received: {last}");
    }
    if let Some(login) = results.get("login") {
        println!(
            "login / argon2 ceiling: {:.0} %",
            100.0 * login.per_second() / ceiling
        );
    }
    if let (Some(read), Some(stack)) = (results.get("read"), results.get("stack")) {
        println!(
            "read / stack ceiling: {:.0} % ({:.0} of {:.0} requests/s)",
            100.0 * read.per_second() / stack.per_second(),
            read.per_second(),
            stack.per_second()
        );
    }
    if let (Some(stack), Some(bare)) = (results.get("stack"), results.get("bare")) {
        println!(
            "stack / bare: {:.0} % ({:.0} of {:.0} requests/s)",
            100.0 * stack.per_second() / bare.per_second(),
            stack.per_second(),
            bare.per_second()
        );
    }
    if let (Some(read), Some(account)) = (results.get("read"), results.get("account")) {
        println!(
            "account / read: {:.2}x the requests/s, p50 {:.2}x, p99 {:.2}x ({:.2} ms; target < 15 ms)",
            account.per_second() / read.per_second(),
            account.ms(0.5) / read.ms(0.5),
            account.ms(0.99) / read.ms(0.99),
            account.ms(0.99)
        );
    }
    if let (Some(read), Some(isolated)) = (results.get("read"), results.get("isolation")) {
        println!(
            "read p99 under a login flood / alone: {:.2}x ({:.2} ms / {:.2} ms)",
            isolated.ms(0.99) / read.ms(0.99),
            isolated.ms(0.99),
            read.ms(0.99)
        );
    }
    println!("idle RSS: {idle_rss:.1} MiB; start-up to first answered request: {startup_ms:.0} ms");
    println!("seeding: {seed_seconds:.1} s customers, {order_seconds:.1} s orders");
    drop(servers);
    Ok(())
}

/// Server CPU and peak memory over one scenario.
struct Measure {
    cpu: f64,
    started: Instant,
}

impl Measure {
    fn start(pids: &[u32]) -> Self {
        for pid in pids {
            server::reset_peak_memory(*pid);
        }
        Self {
            cpu: pids.iter().map(|pid| server::cpu_seconds(*pid)).sum(),
            started: Instant::now(),
        }
    }

    /// CPU as a percentage of one core, and the sum of the instances' peak RSS in MiB.
    fn finish(self, pids: &[u32]) -> (f64, f64) {
        let cpu: f64 = pids.iter().map(|pid| server::cpu_seconds(*pid)).sum();
        let peak = pids.iter().map(|pid| server::memory_mib(*pid).1).sum();
        (
            100.0 * (cpu - self.cpu) / self.started.elapsed().as_secs_f64(),
            peak,
        )
    }
}

/// Password verifications per second with `params` on `cores` threads.
fn argon2_ceiling(
    params: storefront::domain::password_hash::HashParams,
    cores: usize,
    duration: Duration,
) -> f64 {
    let Ok(hashing) = PasswordHashing::new(params) else {
        return 0.0;
    };
    let hashing = Arc::new(hashing);
    let password = Password::candidate("bench-password-Quokka-7");
    let Ok(stored) = hashing.hash(&password) else {
        return 0.0;
    };
    let started = Instant::now();
    let threads: Vec<_> = (0..cores)
        .map(|_| {
            let hashing = Arc::clone(&hashing);
            let stored = stored.clone();
            std::thread::spawn(move || {
                let password = Password::candidate("bench-password-Quokka-7");
                let mut done = 0u64;
                while started.elapsed() < duration {
                    let _ = hashing.verify(&password, Some(&stored));
                    done += 1;
                }
                done
            })
        })
        .collect();
    let total: u64 = threads.into_iter().filter_map(|t| t.join().ok()).sum();
    total as f64 / started.elapsed().as_secs_f64()
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// `PUBLIC_READ` definitions `bench.field0..` and a value of each for every customer with a
/// token, through the use cases the admin API calls.
async fn seed_metafields(
    shop: &storefront::accounts::ShopAccounts,
    tokens: &[String],
) -> anyhow::Result<()> {
    use storefront::accounts::{Actor, CompareDigest, DefinitionInput, SetItem, Writer};
    use storefront::domain::metafield::StorefrontAccess;
    for i in 0..load::METAFIELDS {
        shop.metafield_definitions()
            .create(DefinitionInput {
                owner_type: "CUSTOMER".to_owned(),
                namespace: Some("bench".to_owned()),
                key: format!("field{i}"),
                ty: Some("single_line_text_field".to_owned()),
                name: Some(format!("Field {i}")),
                storefront: Some(StorefrontAccess::PublicRead),
                ..DefinitionInput::default()
            })
            .await
            .map_err(|e| anyhow::anyhow!("defining bench.field{i}: {e}"))?;
    }
    for token in tokens {
        let customer = shop
            .sessions()
            .customer_by_token(token)
            .await?
            .context("a seeded token's customer")?;
        let items = (0..load::METAFIELDS)
            .map(|i| SetItem {
                customer_id: customer.id,
                namespace: Some("bench".to_owned()),
                key: format!("field{i}"),
                ty: None,
                value: format!("value {i} of customer {}", customer.id),
                compare_digest: CompareDigest::Unchecked,
            })
            .collect();
        shop.metafields()
            .set(Writer::Admin(Actor { admin_token_id: 0 }), items)
            .await
            .map_err(|e| anyhow::anyhow!("setting metafields: {e}"))?;
    }
    Ok(())
}

/// A webhook receiver on loopback answering 200 to everything; its URL and how many it got.
async fn receiver() -> anyhow::Result<(String, std::sync::Arc<std::sync::atomic::AtomicU64>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    let received = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = std::sync::Arc::clone(&received);
    let router = axum::Router::new().fallback(move || {
        let counter = std::sync::Arc::clone(&counter);
        async move {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            "ok"
        }
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok((url, received))
}
