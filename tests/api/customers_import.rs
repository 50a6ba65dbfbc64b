//! `storefront customers import`: Shopify's customer CSV export and JSONL with other platforms'
//! password hashes. The built binary on an installation (summary, exit status, refusals by
//! line, re-runs that change nothing, dry runs that write nothing) and, in-process, what an
//! imported hash does at login: it verifies by its scheme and is replaced by argon2id.

use std::path::PathBuf;
use std::process::Output;

use serde_json::{Value, json};
use storefront::accounts::{ImportOptions, RowOutcome};

use crate::support::TestApp;
use crate::support::customers::{all_imported, import_jsonl};
use crate::support::database::texts;
use crate::support::process::{Installation, stderr};

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/customers")
        .join(name)
        .display()
        .to_string()
}

fn out(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn import(cli: &Installation, args: &[&str]) -> Output {
    let mut all = vec!["customers", "import"];
    all.extend_from_slice(args);
    cli.run(&all)
}

fn export(cli: &Installation, email: &str) -> Value {
    let output = cli.run(&["customers", "export", email]);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_str(&out(&output)).expect("the export is JSON")
}

fn customer_count(cli: &Installation) -> usize {
    let output = cli.run(&["customers", "list", "--json", "--limit", "1000"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let list: Vec<Value> = serde_json::from_str(&out(&output)).expect("a JSON list");
    list.len()
}

/// The CSV export: mapped fields, refusals by line without the refused values, the same file
/// again changes nothing, and another shop gets its own customers.
#[tokio::test]
async fn the_shopify_csv_export_maps_its_columns_refuses_by_line_and_reruns_unchanged() {
    let cli = Installation::new().await;
    let csv = fixture("shopify_customers.csv");
    let first = import(&cli, &["--format", "shopify-csv", &csv]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    assert_eq!(
        out(&first),
        "read 5, created 2, updated 0, unchanged 0, refused 3, invited 0\n\
         line 4: email: Email is invalid\n\
         line 5: email: the same as line 2's\n\
         line 6: address 1: province: Province is not valid for United States\n"
    );
    assert!(
        stderr(&first).contains("3 of 5 customer(s) were refused; the others were imported"),
        "{}",
        stderr(&first)
    );
    // Nothing personal is repeated in the report.
    assert!(!out(&first).contains("not-an-email") && !out(&first).contains("ADA@"));

    let ada = export(&cli, "ada@example.com");
    let customer = &ada["customer"];
    assert_eq!(customer["first_name"], "Ada");
    assert_eq!(customer["last_name"], "Lovelace");
    assert_eq!(
        customer["phone"], "+442079460958",
        "the `'` guard is dropped"
    );
    assert_eq!(customer["accepts_marketing"], true);
    assert_eq!(customer["tags"], json!(["vip", "newsletter"]));
    assert_eq!(customer["state"], "disabled", "no password: invited later");
    assert_eq!(ada["note"], "Prefers email, not calls");
    let addresses = ada["addresses"].as_array().expect("addresses");
    assert_eq!(addresses.len(), 1);
    assert_eq!(addresses[0]["company"], "Analytical Engines");
    assert_eq!(addresses[0]["zip"], "SW1Y 4JH");
    assert_eq!(addresses[0]["country_code"], "GB");
    assert_eq!(addresses[0]["first_name"], "Ada");
    assert_eq!(ada["default_address_id"], addresses[0]["id"]);
    let grace = export(&cli, "grace@example.com");
    assert_eq!(grace["customer"]["accepts_marketing"], false);
    assert_eq!(grace["addresses"][0]["zip"], "22202");
    assert_eq!(grace["addresses"][0]["province_code"], "VA");

    let again = import(&cli, &["--format", "shopify-csv", &csv, "--json"]);
    assert_eq!(again.status.code(), Some(1));
    let summary: Value = serde_json::from_str(&out(&again)).expect("json");
    assert_eq!(
        (
            &summary["created"],
            &summary["updated"],
            &summary["unchanged"],
            &summary["refused"]
        ),
        (&json!(0), &json!(0), &json!(2), &json!(3))
    );
    assert_eq!(
        summary["refusals"][0],
        json!({"line": 4, "reason": "email: Email is invalid"})
    );
    assert_eq!(
        export(&cli, "ada@example.com"),
        ada,
        "the re-run changed nothing"
    );

    cli.create_shop("brand-b");
    let other = import(
        &cli,
        &["--format", "shopify-csv", &csv, "--shop", "brand-b"],
    );
    assert!(
        out(&other).starts_with("read 5, created 2, updated 0, unchanged 0, refused 3"),
        "{}",
        out(&other)
    );
}

/// A changed row updates its customer (found by the old platform's id even when the email
/// changed); a dry run says what would happen and writes nothing.
#[tokio::test]
async fn a_changed_export_updates_and_a_dry_run_writes_nothing() {
    let cli = Installation::new().await;
    let dry = import(
        &cli,
        &[
            "--format",
            "shopify-csv",
            &fixture("shopify_customers.csv"),
            "--dry-run",
        ],
    );
    assert_eq!(dry.status.code(), Some(1));
    assert!(
        out(&dry).starts_with(
            "read 5, would be created 2, would be updated 0, unchanged 0, refused 3, would be invited 0\n"
        ),
        "{}",
        out(&dry)
    );
    assert!(
        stderr(&dry).contains("dry run: nothing was written"),
        "{}",
        stderr(&dry)
    );
    assert_eq!(customer_count(&cli), 0);

    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("written");
        path.display().to_string()
    };
    let header = "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Phone,Tags\n";
    let before = write(
        "before.csv",
        &format!("{header}'9001,Mary,Jackson,mary@example.com,no,,\n"),
    );
    let after = write(
        "after.csv",
        &format!("{header}'9001,Mary,Jackson,mary.jackson@example.com,yes,,engineer\n"),
    );
    assert_eq!(
        import(&cli, &["--format", "shopify-csv", &before])
            .status
            .code(),
        Some(0)
    );
    let dry = import(&cli, &["--format", "shopify-csv", &after, "--dry-run"]);
    assert!(out(&dry).contains("would be updated 1"), "{}", out(&dry));
    assert_eq!(
        export(&cli, "mary@example.com")["customer"]["accepts_marketing"],
        false
    );

    let updated = import(&cli, &["--format", "shopify-csv", &after]);
    assert_eq!(
        out(&updated),
        "read 1, created 0, updated 1, unchanged 0, refused 0, invited 0\n",
        "{}",
        stderr(&updated)
    );
    let mary = export(&cli, "mary.jackson@example.com");
    assert_eq!(mary["customer"]["accepts_marketing"], true);
    assert_eq!(mary["customer"]["tags"], json!(["engineer"]));
    assert_eq!(
        customer_count(&cli),
        1,
        "the same customer, by its Customer ID"
    );
    let again = import(&cli, &["--format", "shopify-csv", &after]);
    assert_eq!(
        out(&again),
        "read 1, created 0, updated 0, unchanged 1, refused 0, invited 0\n"
    );
}

/// JSONL with hashes of other platforms: an unknown format is refused with its line and
/// without its value, a dry run counts the hashes to wrap and states the time up front, and
/// invitations go to the customers left without a password, once.
#[tokio::test]
async fn jsonl_hashes_are_checked_wrapped_and_invitations_queued_once() {
    let cli = Installation::new().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let bcrypt = bcrypt::hash("bcrypt-password-1", 4).expect("a bcrypt hash");
    let unknown = "xx-5f4dcc3b5aa765d61d8327deb882cf99";
    let lines = [
        json!({"email": "bcrypt@example.com", "password_hash": bcrypt}).to_string(),
        // phpass's own test vector: "test12345".
        json!({"email": "phpass@example.com", "password_hash": "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0", "tags": ["wp"]}).to_string(),
        json!({"email": "unknown@example.com", "password_hash": unknown}).to_string(),
        json!({"email": "nopassword@example.com", "first_name": "Nina", "addresses": [{"address1": "1 Rue de Rivoli", "city": "Paris", "country_code": "FR", "zip": "75001", "default": true}]}).to_string(),
        "{not json".to_owned(),
    ];
    let path = dir.path().join("customers.jsonl");
    std::fs::write(&path, lines.join("\n")).expect("written");
    let path = path.display().to_string();

    let dry = import(
        &cli,
        &[
            "--format",
            "jsonl",
            &path,
            "--dry-run",
            "--invite",
            "email",
            "--json",
        ],
    );
    assert_eq!(dry.status.code(), Some(1), "{}", stderr(&dry));
    let summary: Value = serde_json::from_str(&out(&dry)).expect("json");
    assert_eq!(summary["dry_run"], true);
    assert_eq!(summary["created"], 3);
    assert_eq!(summary["invited"], 1);
    assert_eq!(summary["hashes_wrapped"], 1, "phpass is MD5: wrapped");
    assert!(
        summary["wrap_seconds_estimate"]
            .as_f64()
            .is_some_and(|s| s > 0.0),
        "{summary}"
    );
    assert!(
        summary["wrap_rate_per_second"]
            .as_f64()
            .is_some_and(|r| r > 0.0),
        "{summary}"
    );
    let reasons: Vec<(u64, String)> = summary["refusals"]
        .as_array()
        .expect("refusals")
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().expect("a line"),
                r["reason"].as_str().expect("a reason").to_owned(),
            )
        })
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert_eq!(reasons[0].0, 3);
    assert!(
        reasons[0]
            .1
            .starts_with("password_hash: unknown password hash format"),
        "{reasons:?}"
    );
    assert_eq!(reasons[1].0, 5);
    assert!(
        reasons[1].1.starts_with("not a valid customer object"),
        "{reasons:?}"
    );
    assert_eq!(customer_count(&cli), 0, "a dry run writes nothing");

    let first = import(&cli, &["--format", "jsonl", &path, "--invite", "email"]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    assert!(
        out(&first).starts_with("read 5, created 3, updated 0, unchanged 0, refused 2, invited 1\n1 password hash(es) wrapped in argon2id\n"),
        "{}",
        out(&first)
    );
    let nina = export(&cli, "nopassword@example.com");
    assert_eq!(nina["customer"]["state"], "invited");
    assert_eq!(nina["addresses"][0]["country_code"], "FR");
    assert_eq!(
        export(&cli, "phpass@example.com")["customer"]["state"],
        "enabled"
    );
    let mail = cli.run(&["mail", "list", "--json"]);
    let queued: Vec<Value> = serde_json::from_str(&out(&mail)).expect("json");
    assert_eq!(queued.len(), 1, "{queued:?}");

    let again = import(&cli, &["--format", "jsonl", &path, "--invite", "email"]);
    assert!(
        out(&again)
            .starts_with("read 5, created 0, updated 0, unchanged 3, refused 2, invited 0\n"),
        "{}",
        out(&again)
    );
    let mail = cli.run(&["mail", "list", "--json"]);
    let queued: Vec<Value> = serde_json::from_str(&out(&mail)).expect("json");
    assert_eq!(queued.len(), 1, "no second invitation");

    // No hash, and no part of one, in anything printed.
    for output in [&dry, &first, &again] {
        let printed = format!("{}{}", out(output), stderr(output));
        for secret in [
            bcrypt.as_str(),
            "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0",
            unknown,
            "5f4dcc3b",
        ] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(!printed.contains("9IQRaTwm") && !printed.contains(&bcrypt[7..29]));
    }
}

const BCRYPT_PASSWORD: &str = "bcrypt-password-1";
const PHPASS_PASSWORD: &str = "test12345";

fn legacy_lines() -> String {
    let bcrypt = bcrypt::hash(BCRYPT_PASSWORD, 4).expect("a bcrypt hash");
    [
        json!({"email": "bcrypt@example.com", "password_hash": bcrypt}),
        json!({"email": "phpass@example.com", "password_hash": "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"}),
    ]
    .iter()
    .map(Value::to_string)
    .collect::<Vec<_>>()
    .join("\n")
}

async fn stored_hash(app: &TestApp, email: &str) -> String {
    texts(
        app,
        &format!("SELECT password_hash FROM customers WHERE email_key = '{email}'"),
    )
    .await
    .pop()
    .expect("the customer")
}

/// A login with an imported hash verifies it by its scheme and leaves argon2id behind; a wrong
/// password changes nothing; the count of hashes left per scheme goes down.
#[tokio::test]
async fn a_legacy_hash_is_replaced_by_argon2id_at_the_first_login_and_only_then() {
    let app = TestApp::spawn().await;
    let outcome = import_jsonl(&app, &legacy_lines(), ImportOptions::default()).await;
    assert_eq!(
        all_imported(&outcome),
        [
            RowOutcome::Created { invited: false },
            RowOutcome::Created { invited: false }
        ]
    );
    assert_eq!(outcome.wrapped, 1);
    let remaining = || async {
        app.app
            .accounts
            .legacy_hashes_remaining()
            .await
            .expect("counted")
    };
    assert_eq!(
        remaining().await.into_iter().collect::<Vec<_>>(),
        [("bcrypt".to_owned(), 1), ("phpass".to_owned(), 1)]
    );

    for (email, password) in [
        ("bcrypt@example.com", BCRYPT_PASSWORD),
        ("phpass@example.com", PHPASS_PASSWORD),
    ] {
        let imported = stored_hash(&app, email).await;
        assert!(imported.starts_with("$sfl1$"), "{imported}");
        if email.starts_with("phpass") {
            assert!(
                imported.contains("$w$") && imported.contains("$argon2id$"),
                "wrapped: {imported}"
            );
            assert!(
                !imported.contains("9IQRaTwmfeRo7ud9Fh4E2PdI0S3r"),
                "the MD5 value is not stored"
            );
        }
        let refused = app.login(email, "not-the-password").await;
        assert!(
            refused["data"]["customerAccessTokenCreate"]["customerAccessToken"].is_null(),
            "{refused}"
        );
        assert_eq!(
            stored_hash(&app, email).await,
            imported,
            "a failed login changes nothing"
        );

        let signed_in = app.login(email, password).await;
        assert!(
            signed_in["data"]["customerAccessTokenCreate"]["customerAccessToken"]["accessToken"]
                .is_string(),
            "{email}: {signed_in}"
        );
        let replaced = stored_hash(&app, email).await;
        assert!(replaced.starts_with("$argon2id$v=19$"), "{replaced}");
        // And it keeps working, now as the server's own hash.
        let again = app.login(email, password).await;
        assert!(
            again["data"]["customerAccessTokenCreate"]["customerAccessToken"]["accessToken"]
                .is_string()
        );
        assert_eq!(stored_hash(&app, email).await, replaced);
    }
    assert!(remaining().await.is_empty());

    // A re-import of the same file leaves the customers' own hashes alone.
    let before = stored_hash(&app, "bcrypt@example.com").await;
    let changed = legacy_lines().replace(
        "bcrypt@example.com\"",
        "bcrypt@example.com\",\"first_name\":\"Bea\"",
    );
    let outcome = import_jsonl(&app, &changed, ImportOptions::default()).await;
    assert_eq!(outcome.outcomes[0], RowOutcome::Updated { invited: false });
    assert_eq!(stored_hash(&app, "bcrypt@example.com").await, before);
}

/// Invitations are spread at the shop's pace: one a second at 60 a minute.
#[tokio::test]
async fn invitations_are_queued_at_the_configured_pace() {
    let app = TestApp::spawn_with(|config| config.customers.import_invites_per_minute = 60).await;
    let lines: Vec<String> = (1..=3)
        .map(|n| json!({"email": format!("invitee{n}@example.com")}).to_string())
        .collect();
    let options = ImportOptions {
        invite: true,
        invites_per_minute: 60,
        ..ImportOptions::default()
    };
    let outcome = import_jsonl(&app, &lines.join("\n"), options).await;
    assert_eq!(
        all_imported(&outcome),
        vec![RowOutcome::Created { invited: true }; 3]
    );
    let mut times: Vec<i64> = texts(
        &app,
        "SELECT CAST(next_attempt_at AS TEXT) FROM mail_outbox WHERE kind = 'activation' ORDER BY next_attempt_at",
    )
    .await
    .iter()
    .map(|t| t.parse().expect("a time"))
    .collect();
    times.dedup();
    assert_eq!(times.len(), 3, "{times:?}");
    assert_eq!(times[2] - times[0], 2, "{times:?}");
    // Each link lives for the activation lifetime from the moment its mail is due. (The first
    // is due at once and may be sent already, which drops its payload: the queued ones are
    // read.)
    let ttl = storefront::config::CustomersConfig::default().activation_ttl_seconds;
    let queued = texts(
        &app,
        "SELECT CAST(next_attempt_at AS TEXT) || ' ' || payload FROM mail_outbox WHERE kind = 'activation' AND payload IS NOT NULL",
    )
    .await;
    assert!(queued.len() >= 2, "{queued:?}");
    for row in queued {
        let (due, payload) = row.split_once(' ').expect("two values");
        let claims: Value = serde_json::from_str(payload).expect("the claims");
        let due: i64 = due.parse().expect("a time");
        assert_eq!(claims["iat"], due, "{row}");
        assert_eq!(claims["exp"], due + ttl, "{row}");
    }
}

/// The setting that refuses fast digests refuses their customers, by reason.
#[tokio::test]
async fn fast_digests_can_be_refused_instead_of_wrapped() {
    let app = TestApp::spawn().await;
    let options = ImportOptions {
        refuse_fast_hashes: true,
        ..ImportOptions::default()
    };
    let outcome = import_jsonl(&app, &legacy_lines(), options).await;
    assert_eq!(outcome.outcomes[0], RowOutcome::Created { invited: false });
    assert_eq!(
        outcome.outcomes[1],
        RowOutcome::Refused(
            "password_hash: a fast hash (phpass) is refused by this server's settings".to_owned()
        )
    );
    assert_eq!(outcome.wrapped, 0);
}

/// Auth0's sample export, as it is, and Firebase's documented parameters and hash: every
/// customer signs in with the password of the vector and is left with argon2id.
#[tokio::test]
async fn auth0_and_firebase_exports_sign_in_and_are_rehashed() {
    let app = TestApp::spawn().await;
    let auth0: Vec<Value> =
        serde_json::from_str(include_str!("../fixtures/auth0/bulk-import-users.json"))
            .expect("Auth0's sample file");
    let mut lines: Vec<String> = auth0.iter().map(Value::to_string).collect();
    // github.com/firebase/scrypt's README: the project's parameters, then one user.
    lines.push(json!({"firebase_scrypt": {
        "base64_signer_key": "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==",
        "base64_salt_separator": "Bw==", "rounds": 8, "mem_cost": 14}}).to_string());
    lines.push(json!({"email": "firebase@example.com",
        "password_hash": "lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==",
        "salt": "42xEC+ixf3L2lw=="}).to_string());
    let outcome = import_jsonl(&app, &lines.join("\n"), ImportOptions::default()).await;
    assert_eq!(all_imported(&outcome).len(), 9);
    assert_eq!(
        outcome.wrapped, 4,
        "md4, salted sha256, ldap and hmac are wrapped"
    );
    let velma = texts(
        &app,
        "SELECT first_name FROM customers WHERE email_key = 'velma@contoso.com'",
    )
    .await;
    assert_eq!(velma, ["Velma"], "Auth0's given_name");

    let mut accounts: Vec<(String, &str)> = auth0
        .iter()
        .map(|user| {
            let email = user["email"].as_str().expect("an email").to_owned();
            // The sample's passwords: "shh", and "test" for the HMAC user (keyed with "shh").
            let password = if email.starts_with("peter") {
                "test"
            } else {
                "shh"
            };
            (email, password)
        })
        .collect();
    accounts.push(("firebase@example.com".to_owned(), "user1password"));
    for (email, password) in &accounts {
        let refused = app.login(email, "not-it").await;
        assert!(
            refused["data"]["customerAccessTokenCreate"]["customerAccessToken"].is_null(),
            "{email}"
        );
        let signed_in = app.login(email, password).await;
        assert!(
            signed_in["data"]["customerAccessTokenCreate"]["customerAccessToken"]["accessToken"]
                .is_string(),
            "{email}: {signed_in}"
        );
        let stored = stored_hash(&app, email).await;
        assert!(
            stored.starts_with("$argon2id$v=19$m=8,t=1,p=1$"),
            "{email}: {stored}"
        );
    }
    assert!(
        app.app
            .accounts
            .legacy_hashes_remaining()
            .await
            .expect("counted")
            .is_empty()
    );
}

/// Housekeeping counts the imported hashes still waiting for their login, per scheme, for
/// `/metrics`.
#[tokio::test]
async fn the_hashes_left_to_replace_are_a_metric_per_scheme() {
    let app = TestApp::spawn().await;
    let django = "pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=";
    let line = json!({"email": "django@example.com", "password_hash": django}).to_string();
    all_imported(&import_jsonl(&app, &line, ImportOptions::default()).await);
    let housekeeping = app.app.spawn_housekeeping();
    let mut text = String::new();
    for _ in 0..100 {
        text = app.get("/metrics").await.body;
        if text.contains(
            "storefront_legacy_password_hashes_remaining{scheme=\"django-pbkdf2-sha256\"}",
        ) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    housekeeping.abort();
    assert!(
        text.contains(
            "storefront_legacy_password_hashes_remaining{scheme=\"django-pbkdf2-sha256\"}"
        ),
        "{text}"
    );
}

/// An import killed part-way resumes by being run again: what it stored is left alone (and not
/// hashed again), the rest is imported.
#[tokio::test]
async fn an_interrupted_import_resumes_by_running_it_again() {
    let cli = Installation::new().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let rows = 3_000;
    let lines: Vec<String> = (0..rows)
        .map(|n| {
            json!({"id": n, "email": format!("resume{n}@example.com"),
                   "password_hash": "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"})
            .to_string()
        })
        .collect();
    let path = dir.path().join("customers.jsonl");
    std::fs::write(&path, lines.join("\n")).expect("written");
    let path = path.display().to_string();

    // One customer per transaction: slow enough to be killed part-way.
    let running = cli.start(&[
        "customers",
        "import",
        "--format",
        "jsonl",
        &path,
        "--batch-size",
        "1",
    ]);
    // Killed (SIGKILL: no chance to finish a batch) once some batches are in.
    let started = std::time::Instant::now();
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if customer_count_quick(&cli) >= 50 || started.elapsed().as_secs() > 60 {
            break;
        }
    }
    let status = running.kill();
    let stored = customer_count_quick(&cli);
    assert!(
        !status.success() && stored < rows,
        "the import ran to its end before the kill ({stored})"
    );

    let resumed = import(&cli, &["--format", "jsonl", &path, "--json"]);
    assert_eq!(resumed.status.code(), Some(0), "{}", stderr(&resumed));
    let summary: Value = serde_json::from_str(&out(&resumed)).expect("json");
    assert_eq!(summary["created"], rows - stored);
    assert_eq!(summary["unchanged"], stored);
    assert_eq!(
        summary["hashes_wrapped"],
        rows - stored,
        "what was stored is not hashed again"
    );
    assert_eq!(customer_count_quick(&cli), rows);
}

/// How many customers the default shop has, counted by the command line.
fn customer_count_quick(cli: &Installation) -> usize {
    let output = cli.run(&["customers", "list", "--json", "--limit", "100000"]);
    serde_json::from_str::<Vec<Value>>(&out(&output)).map_or(0, |list| list.len())
}
