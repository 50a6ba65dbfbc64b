//! The command line, run as the built binary: scripts depend on its output.

use std::process::{Command, Output};

use crate::support::fresh_database_url;

pub(crate) struct Cli {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) database_url: String,
}

impl Cli {
    pub(crate) async fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let database_url = fresh_database_url().await.unwrap_or_else(|| {
            format!("sqlite://{}?mode=rwc", dir.path().join("cli.db").display())
        });
        Self { dir, database_url }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_storefront"))
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env("STOREFRONT_DATA_DIR", self.dir.path().join("data"))
            .env("STOREFRONT_PASSWORD__HASH__MEMORY_KIB", "8")
            .env("STOREFRONT_PASSWORD__HASH__ITERATIONS", "1")
            .env("RUST_LOG", "warn")
            .current_dir(self.dir.path())
            .output()
            .expect("the binary runs")
    }
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn tokens_create_prints_only_the_token() {
    let cli = Cli::new().await;
    let out = stdout(&cli.run(&["tokens", "create", "--title", "Hydrogen"]));
    let token = out.strip_suffix('\n').expect("one line");
    assert_eq!(token.len(), 32, "{out:?}");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    let private = stdout(&cli.run(&["tokens", "create", "--private"]));
    let private = private.trim_end();
    assert_eq!(private.len(), 32);

    let listed = stdout(&cli.run(&["tokens", "list"]));
    assert!(
        listed.contains(token) && listed.contains("Hydrogen"),
        "{listed}"
    );
    assert!(
        !listed.contains(private),
        "private tokens are never shown again"
    );
    assert!(listed.contains("(private: not shown)"));
    let as_json: serde_json::Value =
        serde_json::from_str(&stdout(&cli.run(&["tokens", "list", "--json"]))).expect("json");
    let kinds: Vec<&str> = as_json
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|t| t["kind"].as_str())
        .collect();
    assert_eq!(kinds, vec!["public", "private"]);
    assert_eq!(as_json[0]["token"], token);
    assert_eq!(
        as_json[1]["token"],
        serde_json::Value::Null,
        "private tokens are never shown again"
    );
}

#[tokio::test]
async fn tokens_revoke_marks_a_token_revoked_and_fails_on_unknown_ids() {
    let cli = Cli::new().await;
    stdout(&cli.run(&["tokens", "create"]));
    let listed = stdout(&cli.run(&["tokens", "list"]));
    let id = listed
        .lines()
        .nth(1)
        .and_then(|line| line.split_whitespace().next())
        .expect("a token row");
    stdout(&cli.run(&["tokens", "revoke", id]));
    assert!(stdout(&cli.run(&["tokens", "list"])).contains("revoked"));
    let again = cli.run(&["tokens", "revoke", id]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("no active storefront token"));
}

#[tokio::test]
async fn migrate_and_schema_commands() {
    let cli = Cli::new().await;
    let output = cli.run(&["migrate"]);
    stdout(&output);
    assert!(String::from_utf8_lossy(&output.stderr).contains("up to date"));
    // Running it again is harmless.
    stdout(&cli.run(&["migrate"]));
    assert_eq!(stdout(&cli.run(&["schema"])), storefront::graphql::sdl());
}

#[tokio::test]
async fn a_bad_database_url_fails_with_a_clear_message() {
    let cli = Cli::new().await;
    let output = Command::new(env!("CARGO_BIN_EXE_storefront"))
        .args(["--database-url", "mysql://nowhere/db", "migrate"])
        .env("RUST_LOG", "off")
        .current_dir(cli.dir.path())
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("sqlite: or postgres:"));
}

#[tokio::test]
async fn serve_prints_the_first_token_answers_with_it_and_stops_on_sigterm() {
    let cli = Cli::new().await;
    let (mut child, address, token) = serve(&cli, &[], true);
    let token = token.expect("the first start prints a storefront token");
    let query = serde_json::json!({ "query": "{ customer(customerAccessToken: \"x\") { id } }" });
    let response = post(&address, &token, &query);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains(r#"{"data":{"customer":null}"#),
        "{response}"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = child.wait().expect("exits");
    assert!(status.success(), "a clean exit on SIGTERM: {status:?}");
}

/// Starts `storefront serve` on a free port; returns the child, its address and, on the first
/// A server process that is killed when the test ends, however it ends: a server left running
/// would hold the test runner's output open.
pub(crate) struct Server(pub(crate) std::process::Child);

impl std::ops::Deref for Server {
    type Target = std::process::Child;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Server {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// start of a database, the storefront token it printed.
pub(crate) fn serve(
    cli: &Cli,
    extra_env: &[(&str, String)],
    first_start: bool,
) -> (Server, String, Option<String>) {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let mut command = Command::new(env!("CARGO_BIN_EXE_storefront"));
    command
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("DATABASE_URL", &cli.database_url)
        .env("STOREFRONT_DATA_DIR", cli.dir.path().join("data"))
        .env("STOREFRONT_PASSWORD__HASH__MEMORY_KIB", "8")
        .env("STOREFRONT_PASSWORD__HASH__ITERATIONS", "1")
        .env("RUST_LOG", "warn")
        .current_dir(cli.dir.path())
        .stdout(Stdio::piped());
    for (key, value) in extra_env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("serve starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut address = None;
    while address.is_none() {
        let line = lines.next().expect("a line").expect("utf-8");
        address = line
            .strip_prefix("storefront is listening on http://")
            .map(str::to_owned);
    }
    // Then the GraphiQL line and, on a first start only, the token line (reading a line that
    // never comes would wait forever).
    let graphiql = lines.next().and_then(Result::ok).unwrap_or_default();
    assert!(
        graphiql.starts_with("GraphiQL: http://") && graphiql.ends_with("/graphql"),
        "{graphiql}"
    );
    let token = first_start
        .then(|| lines.next())
        .flatten()
        .and_then(Result::ok)
        .and_then(|line| {
            line.strip_prefix("A public storefront access token was created for this shop: ")
                .map(str::to_owned)
        });
    (Server(child), address.expect("address"), token)
}

pub(crate) fn post(address: &str, token: &str, body: &serde_json::Value) -> String {
    use std::io::{Read, Write};
    let body = body.to_string();
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "POST /api/2026-04/graphql.json HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Shopify-Storefront-Access-Token: {token}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

#[tokio::test]
async fn a_message_committed_by_a_killed_server_is_delivered_by_the_next_one() {
    let cli = Cli::new().await;
    let port = crate::smtp::free_port();
    let env = [
        ("STOREFRONT_MAIL__SMTP__HOST", "127.0.0.1".to_owned()),
        ("STOREFRONT_MAIL__SMTP__PORT", port.to_string()),
        ("STOREFRONT_MAIL__SMTP__TLS", "none".to_owned()),
        ("STOREFRONT_MAIL__INITIAL_BACKOFF_SECONDS", "1".to_owned()),
        ("STOREFRONT_MAIL__MAX_BACKOFF_SECONDS", "1".to_owned()),
        ("STOREFRONT_MAIL__POLL_INTERVAL_MS", "100".to_owned()),
    ];
    let (mut first, address, token) = serve(&cli, &env, true);
    let token = token.expect("the first start makes a token");
    let create = serde_json::json!({ "query": "mutation { customerCreate(input: {email: \"killed@example.com\", password: \"correct-horse-battery\"}) { customer { id } } }" });
    assert!(post(&address, &token, &create).contains("gid://shopify/Customer/"));
    let recover = serde_json::json!({ "query": "mutation { customerRecover(email: \"killed@example.com\") { customerUserErrors { code } } }" });
    assert!(
        post(&address, &token, &recover)
            .contains(r#"{"data":{"customerRecover":{"customerUserErrors":[]}}"#)
    );
    // The mail server is down; the process dies without a chance to clean up.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    first.kill().expect("SIGKILL");
    first.wait().expect("reaped");

    let smtp = crate::smtp::SmtpServer::start_on(port);
    let (mut second, _, _) = serve(&cli, &env, false);
    let messages = smtp.wait_for(1).await;
    assert!(messages[0].contains("/account/reset/"));
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    assert_eq!(smtp.messages().len(), 1, "exactly once");
    second.kill().expect("stop");
    second.wait().expect("reaped");
}

#[tokio::test]
async fn customers_invite_creates_the_customer_and_writes_the_activation_email() {
    let cli = Cli::new().await;
    let out = stdout(&cli.run(&[
        "customers",
        "invite",
        "invitee@example.com",
        "--first-name",
        "Ivy",
    ]));
    let gid = out.trim();
    assert!(gid.starts_with("gid://shopify/Customer/"), "{out}");
    let mail_dir = cli.dir.path().join("data").join("mail");
    let files: Vec<_> = std::fs::read_dir(&mail_dir)
        .expect("mail dir")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(files.len(), 1);
    let message = std::fs::read_to_string(files[0].path()).expect("eml");
    let id = gid.rsplit('/').next().expect("id");
    assert!(crate::smtp::link(&message, "activate").contains(&format!("/account/activate/{id}/")));
    assert!(message.contains("Hi Ivy,"));
    // Inviting an invalid address fails clearly.
    let bad = cli.run(&["customers", "invite", "not-an-email"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Email is invalid"));
}

#[tokio::test]
async fn operators_list_show_disable_enable_export_and_erase_customers() {
    let cli = Cli::new().await;
    let gid = stdout(&cli.run(&[
        "customers",
        "invite",
        "ops@example.com",
        "--first-name",
        "Opal",
    ]))
    .trim()
    .to_owned();
    stdout(&cli.run(&["customers", "invite", "other-ops@example.com"]));

    let listed: serde_json::Value = serde_json::from_str(&stdout(&cli.run(&[
        "customers",
        "list",
        "--search",
        "OPAL",
        "--json",
    ])))
    .expect("json");
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["id"], gid.as_str());
    assert_eq!(listed[0]["state"], "invited");
    assert!(stdout(&cli.run(&["customers", "list"])).contains("other-ops@example.com"));

    let shown: serde_json::Value = serde_json::from_str(&stdout(&cli.run(&[
        "customers",
        "show",
        "ops@example.com",
        "--json",
    ])))
    .expect("json");
    assert_eq!(shown["id"], gid.as_str());
    assert!(shown.get("password_hash").is_none());

    stdout(&cli.run(&["customers", "enable", &gid]));
    let shown: serde_json::Value =
        serde_json::from_str(&stdout(&cli.run(&["customers", "show", &gid, "--json"])))
            .expect("json");
    assert_eq!(shown["state"], "enabled");
    stdout(&cli.run(&["customers", "disable", "ops@example.com"]));
    let shown: serde_json::Value =
        serde_json::from_str(&stdout(&cli.run(&["customers", "show", &gid, "--json"])))
            .expect("json");
    assert_eq!(shown["state"], "disabled");

    let export: serde_json::Value =
        serde_json::from_str(&stdout(&cli.run(&["customers", "export", &gid]))).expect("json");
    assert_eq!(export["customer"]["email"], "ops@example.com");
    assert!(export["addresses"].is_array());

    let refused = cli.run(&["customers", "delete", &gid]);
    assert!(!refused.status.success(), "needs --yes");
    stdout(&cli.run(&["customers", "delete", &gid, "--yes"]));
    let gone = cli.run(&["customers", "show", &gid]);
    assert!(!gone.status.success());
    assert!(String::from_utf8_lossy(&gone.stderr).contains("no customer"));
}

#[tokio::test]
async fn operators_see_and_retry_the_mail_outbox_and_run_doctor() {
    let cli = Cli::new().await;
    // A mail server that is down: the invitation stays in the outbox.
    let port = crate::smtp::free_port();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_storefront"))
            .args(args)
            .env("DATABASE_URL", &cli.database_url)
            .env("STOREFRONT_DATA_DIR", cli.dir.path().join("data"))
            .env("STOREFRONT_MAIL__SMTP__HOST", "127.0.0.1")
            .env("STOREFRONT_MAIL__SMTP__PORT", port.to_string())
            .env("STOREFRONT_MAIL__SMTP__TLS", "none")
            .env("STOREFRONT_MAIL__MAX_ATTEMPTS", "1")
            .env("RUST_LOG", "off")
            .current_dir(cli.dir.path())
            .output()
            .expect("runs")
    };
    let invite = run(&["customers", "invite", "queued@example.com"]);
    assert!(invite.status.success());
    assert!(String::from_utf8_lossy(&invite.stderr).contains("invitation queued"));
    // With one attempt allowed, the message was given up.
    let failed: serde_json::Value = serde_json::from_str(&String::from_utf8_lossy(
        &run(&["mail", "list", "--failed", "--json"]).stdout,
    ))
    .expect("json");
    assert_eq!(failed.as_array().map(Vec::len), Some(1), "{failed}");
    assert_eq!(failed[0]["recipient"], "queued@example.com");
    assert!(
        !failed[0].to_string().contains("/account/activate/"),
        "no link in the listing"
    );

    let doctor = run(&["doctor"]);
    assert!(!doctor.status.success(), "the mail server is down");
    let report = String::from_utf8_lossy(&doctor.stdout);
    assert!(
        report.contains("ok   database") && report.contains("FAIL mail"),
        "{report}"
    );

    let retry = run(&["mail", "retry"]);
    assert!(String::from_utf8_lossy(&retry.stderr).contains("1 message(s)"));
    let pending: serde_json::Value = serde_json::from_str(&String::from_utf8_lossy(
        &run(&["mail", "list", "--json"]).stdout,
    ))
    .expect("json");
    assert_eq!(pending.as_array().map(Vec::len), Some(1));

    let smtp = crate::smtp::SmtpServer::start_on(port);
    let doctor = run(&["doctor"]);
    assert!(
        doctor.status.success(),
        "{}",
        String::from_utf8_lossy(&doctor.stdout)
    );
    drop(smtp);
}

#[tokio::test]
async fn no_secret_reaches_a_log_line_or_the_database_even_at_trace_level() {
    use std::io::Read;
    use std::process::Stdio;

    let dir = tempfile::tempdir().expect("tempdir");
    let db_file = dir.path().join("sweep.db");
    let multipass_secret = "sweep-multipass-secret";
    let mut child = Command::new(env!("CARGO_BIN_EXE_storefront"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", db_file.display()),
        )
        .env("STOREFRONT_DATA_DIR", dir.path().join("data"))
        .env("STOREFRONT_MULTIPASS_SECRET", multipass_secret)
        .env("STOREFRONT_PASSWORD__HASH__MEMORY_KIB", "8")
        .env("STOREFRONT_PASSWORD__HASH__ITERATIONS", "1")
        .env("STOREFRONT_MAIL__POLL_INTERVAL_MS", "50")
        .env("RUST_LOG", "trace")
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut stderr = child.stderr.take().expect("stderr");
    let logs = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut guard = Server(child);
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(
        guard.stdout.take().expect("stdout"),
    ));
    let address = lines
        .next()
        .and_then(Result::ok)
        .and_then(|l| {
            l.strip_prefix("storefront is listening on http://")
                .map(str::to_owned)
        })
        .expect("address");
    let _ = lines.next();
    let storefront = lines
        .next()
        .and_then(Result::ok)
        .and_then(|l| {
            l.strip_prefix("A public storefront access token was created for this shop: ")
                .map(str::to_owned)
        })
        .expect("token");
    std::thread::spawn(move || lines.for_each(drop));
    let call = |query: String| {
        let response = post(
            &address,
            &storefront,
            &serde_json::json!({ "query": query }),
        );
        let body = response
            .split("\r\n\r\n")
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        serde_json::from_str::<serde_json::Value>(&body).unwrap_or_else(|_| panic!("{response}"))
    };

    let (first, second, third) = (
        "first-Secret-pw-123",
        "second-Secret-pw-456",
        "third-Secret-pw-789",
    );
    call(format!(
        "mutation {{ customerCreate(input: {{email: \"sweep@example.com\", password: \"{first}\"}}) {{ customer {{ id }} }} }}"
    ));
    let login = call(format!(
        "mutation {{ customerAccessTokenCreate(input: {{email: \"sweep@example.com\", password: \"{first}\"}}) {{ customerAccessToken {{ accessToken }} }} }}"
    ));
    let token = login["data"]["customerAccessTokenCreate"]["customerAccessToken"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let update = call(format!(
        "mutation {{ customerUpdate(customerAccessToken: \"{token}\", customer: {{password: \"{second}\"}}) {{ customerAccessToken {{ accessToken }} }} }}"
    ));
    let rotated = update["data"]["customerUpdate"]["customerAccessToken"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    call("mutation { customerRecover(email: \"sweep@example.com\") { customerUserErrors { code } } }".to_owned());
    let mail_dir = dir.path().join("data").join("mail");
    let mut message = String::new();
    // The reset message (the password change before it was announced in a message of its own).
    for _ in 0..100 {
        if let Some(found) = std::fs::read_dir(&mail_dir).ok().and_then(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
                .find(|text| text.contains("/account/reset/"))
        }) {
            message = found;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let reset_url = crate::smtp::link(&message, "reset");
    let reset_token = reset_url.rsplit('/').next().expect("token").to_owned();
    let reset = call(format!(
        "mutation {{ customerResetByUrl(resetUrl: \"{reset_url}\", password: \"{third}\") {{ customerAccessToken {{ accessToken }} }} }}"
    ));
    let after_reset = reset["data"]["customerResetByUrl"]["customerAccessToken"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let multipass = storefront::domain::multipass::encode(
        &storefront::domain::multipass::MultipassKeys::new(multipass_secret),
        &serde_json::json!({ "email": "sso-sweep@example.com", "created_at": time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).expect("time") }),
    );
    let signed = call(format!(
        "mutation {{ customerAccessTokenCreateWithMultipass(multipassToken: \"{multipass}\") {{ customerAccessToken {{ accessToken }} }} }}"
    ));
    let sso_token = signed["data"]["customerAccessTokenCreateWithMultipass"]["customerAccessToken"]
        ["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();

    drop(guard);
    let logs = logs.join().expect("logs");
    assert!(logs.len() > 1_000, "trace logging ran");
    // The sweep sees what is there: the (not secret) email is in the database and the logs
    // carry the request spans.
    let email = b"sweep@example.com";
    let mut stored = std::fs::read(&db_file).unwrap_or_default();
    stored.extend(std::fs::read(dir.path().join("sweep.db-wal")).unwrap_or_default());
    let secrets = [
        ("a password", first.to_owned()),
        ("a changed password", second.to_owned()),
        ("a reset password", third.to_owned()),
        ("an access token", token),
        ("a rotated access token", rotated),
        ("a token from a reset", after_reset),
        ("a Multipass access token", sso_token),
        ("a reset link's token", reset_token),
        ("a Multipass token", multipass),
    ];
    assert!(
        stored.windows(email.len()).any(|w| w == email),
        "the database was read"
    );
    assert!(logs.contains("request finished"));
    for (what, secret) in &secrets {
        assert!(!logs.contains(secret.as_str()), "{what} is in the logs");
        let bytes = secret.as_bytes();
        assert!(
            !stored.windows(bytes.len()).any(|w| w == bytes),
            "{what} is in the database"
        );
    }
}
