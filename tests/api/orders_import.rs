//! `storefront orders import`, run as the built binary on an installation: the summary scripts
//! read, the exit status, refusals by line, idempotent re-runs, and the shop it imports into.

use std::path::PathBuf;
use std::process::Output;

use crate::support::process::{Installation, stderr};

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/orders")
        .join(name)
        .display()
        .to_string()
}

fn webhook_fixture() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/shopify-order-webhook.json")
        .display()
        .to_string()
}

fn out(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn import(cli: &Installation, args: &[&str]) -> Output {
    let mut all = vec!["orders", "import"];
    all.extend_from_slice(args);
    cli.run(&all)
}

/// No progress display, nor any of its control characters, where output is captured.
fn assert_no_progress(output: &Output) {
    let err = stderr(output);
    assert!(
        !err.contains("orders read") && !err.contains('\u{1b}') && !err.contains('\r'),
        "{err:?}"
    );
    assert!(!out(output).contains('\u{1b}'));
}

#[tokio::test]
async fn jsonl_imports_the_good_orders_reports_the_bad_by_line_and_reruns_unchanged() {
    let cli = Installation::new().await;
    let first = import(&cli, &["--format", "jsonl", &fixture("orders.jsonl")]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    let summary = out(&first);
    let mut lines = summary.lines();
    assert_eq!(
        lines.next(),
        Some("read 5, created 3, updated 0, unchanged 0, refused 2")
    );
    assert_eq!(lines.next(), Some("line 3: `total_price` is missing"));
    let malformed = lines.next().expect("the second refusal");
    assert!(
        malformed.starts_with("line 6: not valid order JSON at column "),
        "{malformed}"
    );
    assert!(
        stderr(&first).contains("2 of 5 order(s) were refused; the others were imported"),
        "{}",
        stderr(&first)
    );
    assert_no_progress(&first);
    // No personal data in what is printed: the refused orders' emails are not repeated.
    assert!(!summary.contains("@example.com"), "{summary}");

    let again = import(&cli, &["--format", "jsonl", &fixture("orders.jsonl")]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        out(&again).starts_with("read 5, created 0, updated 0, unchanged 3, refused 2\n"),
        "{}",
        out(&again)
    );

    // The webhook body alone, as `--format json`: the same order #1843, already there.
    let single = import(&cli, &["--format", "json", &webhook_fixture()]);
    assert_eq!(single.status.code(), Some(0), "{}", stderr(&single));
    assert_eq!(
        out(&single),
        "read 1, created 0, updated 0, unchanged 1, refused 0\n"
    );
}

#[tokio::test]
async fn the_shopify_csv_export_imports_with_a_json_summary_and_into_the_named_shop() {
    let cli = Installation::new().await;
    let csv = fixture("shopify-orders-export.csv");
    let first = import(&cli, &["--format", "shopify-csv", &csv, "--json"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_no_progress(&first);
    let summary: serde_json::Value = serde_json::from_str(&out(&first)).expect("json");
    assert_eq!(
        summary,
        serde_json::json!({
            "read": 3, "created": 3, "updated": 0, "unchanged": 0, "refused": 0,
            "refusals": [], "refusals_not_listed": 0
        })
    );
    let again = import(&cli, &["--format", "shopify-csv", &csv]);
    assert_eq!(
        out(&again),
        "read 3, created 0, updated 0, unchanged 3, refused 0\n"
    );

    // Another shop has orders of its own.
    cli.create_shop("brand-b");
    let other = import(
        &cli,
        &["--format", "shopify-csv", &csv, "--shop", "brand-b"],
    );
    assert_eq!(
        out(&other),
        "read 3, created 3, updated 0, unchanged 0, refused 0\n",
        "{}",
        stderr(&other)
    );
}

#[tokio::test]
async fn an_import_that_cannot_run_exits_2_and_imports_nothing() {
    let cli = Installation::new().await;
    let missing = import(&cli, &["--format", "jsonl", "no-such-file.jsonl"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot open no-such-file.jsonl"));
    assert_eq!(out(&missing), "");

    // Not the format said: refused before anything is stored.
    let wrong = import(&cli, &["--format", "shopify-csv", &fixture("orders.jsonl")]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("no `Name` column"),
        "{}",
        stderr(&wrong)
    );
    let wrong = import(&cli, &["--format", "json", &fixture("orders.jsonl")]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("more data after the end"),
        "{}",
        stderr(&wrong)
    );

    let unknown_shop = import(
        &cli,
        &[
            "--format",
            "jsonl",
            &fixture("orders.jsonl"),
            "--shop",
            "nope",
        ],
    );
    assert_eq!(unknown_shop.status.code(), Some(2));
    assert!(stderr(&unknown_shop).contains("no shop has the handle nope"));

    let usage = import(&cli, &["--format", "xml", &fixture("orders.jsonl")]);
    assert_eq!(usage.status.code(), Some(2));

    // Nothing was imported by any of these.
    let after = import(
        &cli,
        &[
            "--format",
            "shopify-csv",
            &fixture("shopify-orders-export.csv"),
        ],
    );
    assert_eq!(
        out(&after),
        "read 3, created 3, updated 0, unchanged 0, refused 0\n"
    );
}
