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
