//! The command line, run as the built binary: scripts depend on its output.

use crate::support::process::{Installation, Server, stderr, stdout};
use crate::support::smtp::{SmtpServer, binary_env, free_port, link};
use crate::support::socket::json_body;

// Other test modules start the real server through `crate::cli`: a shop (`Cli`), `serve` and
// `post` keep that path working.
pub(crate) use crate::support::process::Installation as Cli;
pub(crate) use crate::support::socket::post;

/// `storefront serve` on `shop`'s database: the server, its address and, on the first start of a
/// database, the storefront token it printed.
pub(crate) fn serve(
    shop: &Installation,
    env: &[(&str, &str)],
    first_start: bool,
) -> (Server, String, Option<String>) {
    let mut server = shop.serve(env, first_start);
    let token = server.token.take();
    let address = server.address.clone();
    (server, address, token)
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
    assert!(stderr(&again).contains("no active storefront token"));
}

#[tokio::test]
async fn admin_tokens_are_created_with_scopes_listed_without_values_and_revoked() {
    let cli = Cli::new().await;
    let out = stdout(&cli.run(&[
        "tokens",
        "create",
        "--admin",
        "--scopes",
        "write_customers,read_orders",
        "--title",
        "CRM",
    ]));
    let token = out.strip_suffix('\n').expect("one line");
    assert!(token.starts_with("shpat_") && token.len() == 38, "{out:?}");

    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&cli.run(&["tokens", "list", "--admin", "--json"])))
            .expect("json");
    assert_eq!(listed[0]["title"], "CRM");
    assert_eq!(
        listed[0]["scopes"],
        serde_json::json!(["write_customers", "read_orders"])
    );
    assert!(
        !listed.to_string().contains(&token[6..]),
        "never shown again"
    );
    // Storefront tokens are listed apart.
    assert!(!stdout(&cli.run(&["tokens", "list"])).contains("CRM"));

    let id = listed[0]["id"].to_string();
    stdout(&cli.run(&["tokens", "revoke", "--admin", &id]));
    let table = stdout(&cli.run(&["tokens", "list", "--admin"]));
    assert!(table.contains("revoked"), "{table}");
    let again = cli.run(&["tokens", "revoke", "--admin", &id]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("no active admin token"));

    // A scope this server does not know, or none: refused, and nothing is made.
    let unknown = cli.run(&["tokens", "create", "--admin", "--scopes", "read_products"]);
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("unknown access scope `read_products`"));
    let without = cli.run(&["tokens", "create", "--admin"]);
    assert!(!without.status.success(), "--admin needs --scopes");
    let listed = stdout(&cli.run(&["tokens", "list", "--admin", "--json"]));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&listed)
            .expect("json")
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn migrate_and_schema_commands() {
    let cli = Cli::new().await;
    let output = cli.run(&["migrate"]);
    stdout(&output);
    assert!(stderr(&output).contains("up to date"));
    // Running it again is harmless.
    stdout(&cli.run(&["migrate"]));
    assert_eq!(stdout(&cli.run(&["schema"])), storefront::graphql::sdl());
    assert_eq!(
        stdout(&cli.run(&["schema", "--admin"])),
        storefront::graphql::admin::sdl()
    );
}

#[tokio::test]
async fn a_bad_database_url_fails_with_a_clear_message() {
    let cli = Cli::new().await;
    // The flag wins over the shop's DATABASE_URL.
    let output = cli.run_with(
        &["--database-url", "mysql://nowhere/db", "migrate"],
        &[("RUST_LOG", "off")],
    );
    assert!(!output.status.success());
    assert!(stderr(&output).contains("sqlite: or postgres:"));
}

#[tokio::test]
async fn serve_prints_the_first_token_answers_with_it_and_stops_on_sigterm() {
    let cli = Cli::new().await;
    let mut server = cli.serve(&[], true);
    let token = server
        .token
        .clone()
        .expect("the first start prints a storefront token");
    let query = serde_json::json!({ "query": "{ customer(customerAccessToken: \"x\") { id } }" });
    let response = post(&server.address, &token, &query);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains(r#"{"data":{"customer":null}"#),
        "{response}"
    );

    let status = server.terminate();
    assert!(status.success(), "a clean exit on SIGTERM: {status:?}");
}

#[tokio::test]
async fn a_message_committed_by_a_killed_server_is_delivered_by_the_next_one() {
    let cli = Cli::new().await;
    let port = free_port();
    let port_text = port.to_string();
    let env = [
        binary_env(&port_text).as_slice(),
        &[
            ("STOREFRONT_MAIL__INITIAL_BACKOFF_SECONDS", "1"),
            ("STOREFRONT_MAIL__MAX_BACKOFF_SECONDS", "1"),
            ("STOREFRONT_MAIL__POLL_INTERVAL_MS", "100"),
        ],
    ]
    .concat();
    let mut first = cli.serve(&env, true);
    let (address, token) = (
        first.address.clone(),
        first.token.clone().expect("the first start makes a token"),
    );
    let create = serde_json::json!({ "query": "mutation { customerCreate(input: {email: \"killed@example.com\", password: \"correct-horse-battery\"}) { customer { id } } }" });
    assert!(post(&address, &token, &create).contains("gid://shopify/Customer/"));
    let recover = serde_json::json!({ "query": "mutation { customerRecover(email: \"killed@example.com\") { customerUserErrors { code } } }" });
    assert!(
        post(&address, &token, &recover)
            .contains(r#"{"data":{"customerRecover":{"customerUserErrors":[]}}"#)
    );
    // The mail server is down; the process dies without a chance to clean up.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    first.kill();

    let smtp = SmtpServer::start_on(port);
    let _second = cli.serve(&env, false);
    let messages = smtp.wait_for(1).await;
    assert!(messages[0].contains("/account/reset/"));
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    assert_eq!(smtp.messages().len(), 1, "exactly once");
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
    assert!(link(&message, "activate").contains(&format!("/account/activate/{id}/")));
    assert!(message.contains("Hi Ivy,"));
    // Inviting an invalid address fails clearly.
    let bad = cli.run(&["customers", "invite", "not-an-email"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("Email is invalid"));
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
    assert!(stderr(&gone).contains("no customer"));
}

#[tokio::test]
async fn operators_see_and_retry_the_mail_outbox_and_run_doctor() {
    let cli = Cli::new().await;
    // A mail server that is down: the invitation stays in the outbox.
    let port = free_port();
    let port_text = port.to_string();
    let env = [
        binary_env(&port_text).as_slice(),
        &[("STOREFRONT_MAIL__MAX_ATTEMPTS", "1"), ("RUST_LOG", "off")],
    ]
    .concat();
    let run = |args: &[&str]| cli.run_with(args, &env);
    let invite = run(&["customers", "invite", "queued@example.com"]);
    assert!(invite.status.success());
    assert!(stderr(&invite).contains("invitation queued"));
    // With one attempt allowed, the message was given up.
    let failed: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["mail", "list", "--failed", "--json"]))).expect("json");
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
    assert!(stderr(&retry).contains("1 message(s)"));
    let pending: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["mail", "list", "--json"]))).expect("json");
    assert_eq!(pending.as_array().map(Vec::len), Some(1));

    let smtp = SmtpServer::start_on(port);
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
    // SQLite whatever the suite runs on: the sweep reads the database file itself.
    let cli = Cli::on_sqlite();
    let multipass_secret = "sweep-multipass-secret";
    let mut server = cli.serve_capturing_logs(
        &[
            ("STOREFRONT_MULTIPASS_SECRET", multipass_secret),
            ("STOREFRONT_MAIL__POLL_INTERVAL_MS", "50"),
            ("RUST_LOG", "trace"),
        ],
        true,
    );
    let storefront = server.token.clone().expect("token");
    let address = server.address.clone();
    let call = |query: String| {
        json_body(&post(
            &address,
            &storefront,
            &serde_json::json!({ "query": query }),
        ))
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
    let mail_dir = cli.data_dir().join("mail");
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
    let reset_url = link(&message, "reset");
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

    // An admin token made by the command line, used while the server runs.
    let admin = stdout(&cli.run(&["tokens", "create", "--admin", "--scopes", "write_customers"]))
        .trim()
        .to_owned();
    let tagged = json_body(&crate::support::socket::admin_post(
        &address,
        &admin,
        &serde_json::json!({ "query": "{ customers(first: 5, query: \"email:sweep@example.com\") { nodes { id email } } }" }),
    ));
    assert_eq!(
        tagged["data"]["customers"]["nodes"][0]["email"], "sweep@example.com",
        "{tagged}"
    );

    // Customers imported with other platforms' hashes (one of them unreadable), then signed in
    // with them: neither the import's output nor the server's log shows a hash.
    let bcrypt_hash = bcrypt::hash("sweep-bcrypt-password", 4).expect("a bcrypt hash");
    let phpass_hash = "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0";
    let broken_hash = "$2b$04$notquiteabcrypthashatallxx";
    let file = cli.dir.path().join("legacy.jsonl");
    std::fs::write(
        &file,
        [
            serde_json::json!({"email": "legacy-bcrypt@example.com", "password_hash": bcrypt_hash}),
            serde_json::json!({"email": "legacy-phpass@example.com", "password_hash": phpass_hash}),
            serde_json::json!({"email": "legacy-broken@example.com", "password_hash": broken_hash}),
        ]
        .map(|line| line.to_string())
        .join("\n"),
    )
    .expect("written");
    let imported = cli.run_with(
        &[
            "customers",
            "import",
            "--format",
            "jsonl",
            &file.display().to_string(),
        ],
        &[("RUST_LOG", "trace")],
    );
    assert_eq!(imported.status.code(), Some(1), "{}", stderr(&imported));
    for (email, password) in [
        ("legacy-bcrypt@example.com", "sweep-bcrypt-password"),
        ("legacy-phpass@example.com", "test12345"),
    ] {
        let signed_in = call(format!(
            "mutation {{ customerAccessTokenCreate(input: {{ email: \"{email}\", password: \"{password}\" }}) {{ customerAccessToken {{ accessToken }} }} }}"
        ));
        assert!(
            signed_in["data"]["customerAccessTokenCreate"]["customerAccessToken"]["accessToken"]
                .is_string(),
            "{signed_in}"
        );
    }
    let import_output = format!(
        "{}{}",
        String::from_utf8_lossy(&imported.stdout),
        stderr(&imported)
    );
    // Not even in the stored form, which SQL logging could show.
    assert!(
        !import_output.contains("$sfl1$"),
        "a stored hash in the import's output"
    );
    for hash in [bcrypt_hash.as_str(), phpass_hash, broken_hash] {
        assert!(
            !import_output.contains(hash),
            "a hash in the import's output"
        );
        // The part after the scheme's prefix (salt and value) either.
        assert!(
            !import_output.contains(&hash[7..]),
            "part of a hash in the import's output"
        );
    }

    let logs = server.logs();
    assert!(logs.len() > 1_000, "trace logging ran");
    for hash in [bcrypt_hash.as_str(), phpass_hash, broken_hash] {
        assert!(!logs.contains(&hash[7..]), "a hash is in the logs");
    }
    assert!(!logs.contains("$sfl1$"), "a stored hash is in the logs");
    // The sweep sees what is there: the (not secret) email is in the database and the logs
    // carry the request spans.
    let email = b"sweep@example.com";
    let db_file = cli.sqlite_file();
    let mut stored = std::fs::read(&db_file).unwrap_or_default();
    stored.extend(std::fs::read(format!("{}-wal", db_file.display())).unwrap_or_default());
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
        ("an admin token", admin),
        // The MD5 value of the phpass hash: imported wrapped, so never stored.
        (
            "a fast legacy digest",
            "9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0".to_owned(),
        ),
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

#[tokio::test]
async fn shops_are_created_listed_and_given_tokens_from_the_command_line() {
    let cli = Cli::new().await;
    let created = cli.run(&[
        "shops",
        "create",
        "--handle",
        "brand-b",
        "--name",
        "Brand B",
        "--domain",
        "brand-b.example.com",
    ]);
    assert_eq!(stdout(&created), "brand-b\n");
    // The same handle again: a clear refusal.
    let again = cli.run(&[
        "shops",
        "create",
        "--handle",
        "brand-b",
        "--name",
        "B",
        "--domain",
        "b.example",
    ]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("exists already"),
        "{}",
        stderr(&again)
    );

    // `tokens create --shop` prints only the new token, and it belongs to that shop.
    let token = stdout(&cli.run(&["tokens", "create", "--shop", "brand-b"]));
    let token = token.strip_suffix('\n').expect("one line");
    assert_eq!(token.len(), 32, "{token:?}");
    let in_b = stdout(&cli.run(&["tokens", "list", "--shop", "brand-b"]));
    let in_default = stdout(&cli.run(&["tokens", "list"]));
    assert!(in_b.contains(token) && !in_default.contains(token));

    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&cli.run(&["shops", "list", "--json"]))).expect("json");
    let handles: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|shop| shop["handle"].as_str())
        .collect();
    assert_eq!(handles, vec!["default", "brand-b"]);

    // Secrets come from the environment and are never shown.
    let updated = cli.run_with(
        &[
            "shops",
            "update",
            "brand-b",
            "--name",
            "Brand Bee",
            "--multipass-secret-env",
            "B_MULTIPASS",
        ],
        &[("B_MULTIPASS", "very-secret-multipass-b")],
    );
    stdout(&updated);
    let shown = stdout(&cli.run(&["shops", "show", "brand-b", "--json"]));
    let shown: serde_json::Value = serde_json::from_str(&shown).expect("json");
    assert_eq!(shown["name"], "Brand Bee");
    assert_eq!(shown["multipass"], true);
    assert!(!shown.to_string().contains("very-secret"));
    // The default shop is the configuration's.
    let refused = cli.run(&["shops", "update", "default", "--name", "Other"]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("[shop]"), "{}", stderr(&refused));
    // An unknown shop is a clear error for every command that takes one.
    for args in [
        &["tokens", "list", "--shop", "nope"][..],
        &["customers", "list", "--shop", "nope"],
        &["mail", "list", "--shop", "nope"],
    ] {
        let failed = cli.run(args);
        assert!(!failed.status.success());
        assert!(
            stderr(&failed).contains("no shop has the handle nope"),
            "{}",
            stderr(&failed)
        );
    }
}

#[tokio::test]
async fn a_shop_gets_its_shopify_webhook_secret_and_order_links_from_the_command_line() {
    let cli = Cli::new().await;
    // The default shop too: the configuration may leave these unset.
    let updated = cli.run(&[
        "shops",
        "update",
        "default",
        "--shopify-webhook-secret",
        "very-secret-shopify",
        "--order-url-template",
        "https://{domain}/orders/{number}?key={key}",
    ]);
    stdout(&updated);
    // Every later start syncs the default shop from the configuration; what it leaves unset stays.
    let shown = stdout(&cli.run(&["shops", "show", "default", "--json"]));
    let shown: serde_json::Value = serde_json::from_str(&shown).expect("json");
    assert_eq!(shown["shopify_webhooks"], true);
    assert_eq!(
        shown["order_url_template"],
        "https://{domain}/orders/{number}?key={key}"
    );
    assert!(!shown.to_string().contains("very-secret"));

    let bad = cli.run(&[
        "shops",
        "update",
        "default",
        "--order-url-template",
        "/orders/{id}",
    ]);
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("absolute http(s) URL"),
        "{}",
        stderr(&bad)
    );

    let off = cli.run(&[
        "shops",
        "update",
        "default",
        "--no-shopify-webhooks",
        "--no-order-url-template",
    ]);
    stdout(&off);
    let shown = stdout(&cli.run(&["shops", "show", "default", "--json"]));
    let shown: serde_json::Value = serde_json::from_str(&shown).expect("json");
    assert_eq!(shown["shopify_webhooks"], false);
    assert_eq!(
        shown["order_url_template"],
        "https://{domain}/account/orders/{id}?key={key}"
    );
}

#[tokio::test]
async fn the_banner_names_only_what_is_served() {
    let development = Cli::new().await;
    let server = development.serve(&[], true);
    assert!(server.graphiql.is_some());
    let production = Cli::new().await;
    let server = production.serve(
        &[
            ("STOREFRONT_ENVIRONMENT", "production"),
            (
                "STOREFRONT_SECRET_KEY",
                "a-production-secret-key-0123456789abcdef",
            ),
        ],
        true,
    );
    // Listening, then the token: no GraphiQL line, and no GraphiQL page.
    assert_eq!(server.graphiql, None);
    assert!(server.token.is_some());
    let page = crate::support::socket::get(&server.address, "/graphql");
    assert!(page.starts_with("HTTP/1.1 404"), "{page}");
}
