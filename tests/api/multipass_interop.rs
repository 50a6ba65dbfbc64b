//! Multipass tokens made by multipassify, an independent implementation (tests/js), are accepted
//! by our decoder: it proves we follow Shopify's algorithm, not merely agree with ourselves.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use storefront::domain::multipass::{
    DEFAULT_SKEW_SECONDS, MultipassAddress, MultipassCustomer, MultipassError, MultipassKeys,
    decode, token_fingerprint,
};

const SECRET: &str = "5d7e1b0f9a3c4e2d8b6a1f0e3c5d7b9a";

fn js_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js")
}

/// Fails, rather than skips, without the npm install: a skipped interop test proves nothing.
fn node_command() -> Command {
    let dir = js_dir();
    assert!(
        dir.join("node_modules/multipassify").is_dir(),
        "multipassify is not installed: run `npm ci --prefix tests/js`"
    );
    let mut command = Command::new("node");
    command.arg(dir.join("make-multipass.js"));
    command
}

fn finish(output: std::io::Result<std::process::Output>) -> String {
    let output = output.expect("node runs (is Node.js installed?)");
    assert!(
        output.status.success(),
        "make-multipass.js failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("token is UTF-8")
}

/// A token for `customer`, made by multipassify from input given on the command line.
pub fn multipassify(secret: &str, customer: &Value) -> String {
    let input = json!({ "secret": secret, "customer": customer }).to_string();
    finish(node_command().arg(input).output())
}

/// The same, with the input on standard input.
fn multipassify_via_stdin(secret: &str, customer: &Value) -> String {
    let input = json!({ "secret": secret, "customer": customer }).to_string();
    let mut child = node_command()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs (is Node.js installed?)");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    finish(child.wait_with_output())
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn accept(token: &str) -> MultipassCustomer {
    let keys = MultipassKeys::new(SECRET);
    let customer = decode(&keys, token, now(), DEFAULT_SKEW_SECONDS)
        .expect("a multipassify token is accepted");
    // multipassify stamps created_at itself, with the current time.
    assert!((now() - customer.created_at).abs() <= 60, "{customer:?}");
    customer
}

#[test]
fn minimal_customer_is_accepted() {
    let customer = accept(&multipassify(
        SECRET,
        &json!({ "email": "ada@example.com" }),
    ));
    assert_eq!(customer.email, "ada@example.com");
    assert_eq!(customer.first_name, None);
    assert_eq!(customer.tags, None);
    assert_eq!(customer.addresses, vec![]);
}

#[test]
fn full_customer_is_accepted_with_every_field() {
    let token = multipassify(
        SECRET,
        &json!({
            "email": "grace@example.com",
            "identifier": "crm-1906",
            "first_name": "Grace",
            "last_name": "Hopper",
            "tag_string": "navy, compilers,,  cobol ",
            "remote_ip": "198.51.100.23",
            "return_to": "https://shop.example.com/collections/all",
            "addresses": [
                {
                    "address1": "1 Harvard Yard", "address2": "Mark I room", "city": "Cambridge",
                    "company": "Harvard", "country": "United States", "country_code": "US",
                    "first_name": "Grace", "last_name": "Hopper", "phone": "+1 617 555 0100",
                    "province": "Massachusetts", "province_code": "MA", "zip": "02138",
                    "default": true,
                },
                { "city": "Arlington", "country_code": "US", "default": false },
            ],
        }),
    );
    let customer = accept(&token);
    assert_eq!(customer.email, "grace@example.com");
    assert_eq!(customer.identifier.as_deref(), Some("crm-1906"));
    assert_eq!(customer.first_name.as_deref(), Some("Grace"));
    assert_eq!(customer.last_name.as_deref(), Some("Hopper"));
    assert_eq!(
        customer.tags,
        Some(vec!["navy".into(), "compilers".into(), "cobol".into()])
    );
    assert_eq!(customer.remote_ip.as_deref(), Some("198.51.100.23"));
    assert_eq!(
        customer.return_to.as_deref(),
        Some("https://shop.example.com/collections/all")
    );
    assert_eq!(
        customer.addresses,
        vec![
            MultipassAddress {
                address1: Some("1 Harvard Yard".into()),
                address2: Some("Mark I room".into()),
                city: Some("Cambridge".into()),
                company: Some("Harvard".into()),
                country: Some("United States".into()),
                country_code: Some("US".into()),
                first_name: Some("Grace".into()),
                last_name: Some("Hopper".into()),
                phone: Some("+1 617 555 0100".into()),
                province: Some("Massachusetts".into()),
                province_code: Some("MA".into()),
                zip: Some("02138".into()),
                default: true,
            },
            MultipassAddress {
                city: Some("Arlington".into()),
                country_code: Some("US".into()),
                ..MultipassAddress::default()
            },
        ]
    );
}

#[test]
fn non_ascii_names_survive_via_stdin() {
    let token = multipassify_via_stdin(
        SECRET,
        &json!({
            "email": "zoe@example.com",
            "first_name": "Zoë",
            "last_name": "渡辺",
            "tag_string": "",
        }),
    );
    let customer = accept(&token);
    assert_eq!(customer.first_name.as_deref(), Some("Zoë"));
    assert_eq!(customer.last_name.as_deref(), Some("渡辺"));
    assert_eq!(customer.tags, Some(vec![]));
}

#[test]
fn padding_and_alphabet_do_not_matter_and_share_a_fingerprint() {
    // Token bytes are 48 + 16 × cipher blocks: names one block apart give every length mod 3,
    // hence tokens with no, one and two `=`.
    let mut paddings = Vec::new();
    for name in [1, 17, 33].map(|len| "n".repeat(len)) {
        let name = name.as_str();
        let token = multipassify(
            SECRET,
            &json!({ "email": "a@example.com", "first_name": name }),
        );
        paddings.push(token.len() - token.trim_end_matches('=').len());
        assert!(!token.contains(['+', '/']), "URL-safe alphabet: {token}");
        let unpadded = token.trim_end_matches('=');
        let standard = token.replace('-', "+").replace('_', "/");
        for spelling in [token.as_str(), unpadded, standard.as_str()] {
            assert_eq!(accept(spelling).first_name.as_deref(), Some(name));
            assert_eq!(token_fingerprint(spelling), token_fingerprint(&token));
        }
        assert!(token_fingerprint(&token).is_some());
    }
    paddings.sort();
    assert_eq!(paddings, [0, 1, 2]);
}

#[test]
fn another_shops_secret_is_refused() {
    let token = multipassify(
        "another shop's secret",
        &json!({ "email": "a@example.com" }),
    );
    let keys = MultipassKeys::new(SECRET);
    assert_eq!(
        decode(&keys, &token, now(), DEFAULT_SKEW_SECONDS),
        Err(MultipassError::BadSignature)
    );
}

#[test]
fn multipassify_tokens_expire_after_fifteen_minutes() {
    let token = multipassify(SECRET, &json!({ "email": "a@example.com" }));
    let keys = MultipassKeys::new(SECRET);
    assert_eq!(
        decode(&keys, &token, now() + 16 * 60, DEFAULT_SKEW_SECONDS),
        Err(MultipassError::Expired)
    );
}
