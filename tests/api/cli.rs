//! The command line, run as the built binary: scripts depend on its output.

use std::process::{Command, Output};

use crate::support::fresh_database_url;

struct Cli {
    dir: tempfile::TempDir,
    database_url: String,
}

impl Cli {
    async fn new() -> Self {
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
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let cli = Cli::new().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_storefront"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("DATABASE_URL", &cli.database_url)
        .env("STOREFRONT_DATA_DIR", cli.dir.path().join("data"))
        .env("RUST_LOG", "warn")
        .current_dir(cli.dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut address = None;
    let mut token = None;
    let mut graphiql = false;
    while token.is_none() {
        let line = lines.next().expect("a line").expect("utf-8");
        if let Some(rest) = line.strip_prefix("storefront is listening on http://") {
            address = Some(rest.to_owned());
        }
        graphiql |= line.starts_with("GraphiQL: http://") && line.ends_with("/graphql");
        if let Some(rest) =
            line.strip_prefix("A public storefront access token was created for this shop: ")
        {
            token = Some(rest.to_owned());
        }
    }
    assert!(graphiql, "the GraphiQL URL is printed");
    let (address, token) = (address.expect("address"), token.expect("token"));

    let response = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let body = r#"{"query":"{ customer(customerAccessToken: \"x\") { id } }"}"#;
        let mut stream = std::net::TcpStream::connect(&address).expect("connect");
        write!(
            stream,
            "POST /api/2026-04/graphql.json HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Shopify-Storefront-Access-Token: {token}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("write");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        response
    })
    .await
    .expect("client");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.ends_with(r#"{"data":{"customer":null}}"#),
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
