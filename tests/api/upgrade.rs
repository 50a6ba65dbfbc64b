//! A database written before shops existed upgrades without loss: it is built with the
//! migrations of that release and the rows that release wrote (customers, an address, a customer
//! token, a storefront token, an outstanding reset link, pending mail, a throttle counter, a
//! Multipass replay record), then the server starts on it and every row works.

use migrations::{Migrator, MigratorTrait};
use secrecy::SecretString;
use serde_json::json;
use storefront::domain::account_tokens::{Purpose, TokenClaims, account_url, sign};
use storefront::domain::password::Password;
use storefront::domain::password_hash::{HashParams, PasswordHashing};

use crate::support::smtp::{SmtpServer, link};
use crate::support::{PASSWORD, READ, TestApp, now};

/// The migrations of the release before shops: everything up to the account lifecycle.
const MIGRATIONS_BEFORE_SHOPS: u32 = 5;
const SECRET_KEY: &str = "upgrade-test-signing-key-0123456789abcdef";

#[tokio::test]
async fn a_database_from_before_shops_upgrades_with_every_row_kept_and_working() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = match crate::support::app::fresh_database_url().await {
        Some(url) => url,
        None => format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display()),
    };
    let old = sea_orm::Database::connect(&url).await.expect("connect");
    Migrator::up(&old, Some(MIGRATIONS_BEFORE_SHOPS))
        .await
        .expect("the old migrations");
    assert_eq!(
        Migrator::get_pending_migrations(&old)
            .await
            .expect("pending")
            .len(),
        Migrator::migrations().len() - MIGRATIONS_BEFORE_SHOPS as usize
    );

    // What the old release wrote, as it wrote it (shop 1, the configured one).
    let storefront_token = storefront::domain::access_token::generate();
    let session = storefront::domain::access_token::generate();
    let digest = |token: &str| storefront::domain::access_token::digest(token).expect("digest");
    let hash = PasswordHashing::new(HashParams::danger_insecure_for_tests())
        .expect("hashing")
        .hash(&Password::candidate(PASSWORD))
        .expect("hash");
    let now = now();
    let customer_id: i64 = 7_300_000_000_000_001;
    let stamp = "old-release-stamp";
    let claims = TokenClaims::new(Purpose::Reset, customer_id, stamp, now, 3_600);
    let reset_token = sign(SECRET_KEY.as_bytes(), &claims).expect("signed");
    let reset_url = account_url("localhost:3000", Purpose::Reset, customer_id, &reset_token);
    for sql in [
        format!(
            "INSERT INTO storefront_tokens (id, shop_id, kind, title, token_digest, public_token, created_at, revoked_at) \
             VALUES (7300000000000100, 1, 'public', 'Default storefront', '{}', '{storefront_token}', {now}, NULL)",
            digest(&storefront_token)
        ),
        format!(
            "INSERT INTO customers (id, shop_id, email, email_key, phone, first_name, last_name, accepts_marketing, state, password_hash, tags, created_at, updated_at, default_address_id, security_stamp, reset_nonce_hash) \
             VALUES ({customer_id}, 1, 'Old@Example.com', 'old@example.com', NULL, 'Olga', 'Old', FALSE, 'enabled', '{hash}', '[]', {now}, {now}, 7300000000000200, '{stamp}', '{}')",
            claims.nonce_hash()
        ),
        format!(
            "INSERT INTO customers (id, shop_id, email, email_key, phone, first_name, last_name, accepts_marketing, state, password_hash, tags, created_at, updated_at) \
             VALUES (7300000000000002, 1, 'waiting@example.com', 'waiting@example.com', NULL, NULL, NULL, FALSE, 'enabled', '{hash}', '[]', {now}, {now})"
        ),
        format!(
            "INSERT INTO customer_addresses (id, customer_id, address1, city, country, country_code, zip, created_at, updated_at) \
             VALUES (7300000000000200, {customer_id}, '1 Old Road', 'Ottawa', 'Canada', 'CA', 'K1A 0A6', {now}, {now})"
        ),
        format!(
            "INSERT INTO customer_access_tokens (id, customer_id, token_digest, created_at, expires_at) \
             VALUES (7300000000000300, {customer_id}, '{}', {now}, {})",
            digest(&session),
            now + 3_600
        ),
        format!(
            "INSERT INTO mail_outbox (id, shop_id, kind, customer_id, recipient, payload, created_at, attempts, next_attempt_at, locked_until, sent_at, failed_at, last_error) \
             VALUES (7300000000000400, 1, 'recover', NULL, 'waiting@example.com', NULL, {now}, 0, {now}, NULL, NULL, NULL, NULL)"
        ),
        format!(
            "INSERT INTO throttle_counters (\"key\", window_start, count) VALUES ('signup:ip:192.0.2.1', {now}, 2)"
        ),
        format!(
            "INSERT INTO multipass_uses (fingerprint, expires_at) VALUES ('{}', {})",
            "f".repeat(64),
            now + 900
        ),
    ] {
        sea_orm::ConnectionTrait::execute_unprepared(&old, &sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    old.close().await.expect("close");

    // The new release starts on it: the remaining migrations run, and everything works.
    let smtp = SmtpServer::start();
    let port = smtp.port;
    let app = TestApp::open_existing(&storefront_token, |config| {
        config.database_url = Some(url.clone());
        config.secret_key = Some(SecretString::from(SECRET_KEY));
        config.mail.smtp = Some(crate::lifecycle::smtp_on(port));
        config.data_dir = dir.path().join("data");
    })
    .await;
    let read = app
        .graphql(
            "query($t: String!) { customer(customerAccessToken: $t) { email firstName defaultAddress { address1 } addresses(first: 5) { nodes { city } } } }",
            json!({ "t": session }),
        )
        .await;
    assert_eq!(
        read["data"]["customer"],
        json!({
            "email": "Old@Example.com", "firstName": "Olga",
            "defaultAddress": { "address1": "1 Old Road" },
            "addresses": { "nodes": [{ "city": "Ottawa" }] }
        }),
        "{read}"
    );
    assert!(
        app.login("old@example.com", PASSWORD).await["data"]["customerAccessTokenCreate"]
            ["customerAccessToken"]["accessToken"]
            .is_string()
    );
    let reset = app
        .graphql(
            "mutation($u: URL!) { customerResetByUrl(resetUrl: $u, password: \"after-the-upgrade-1\") { customer { email } } }",
            json!({ "u": reset_url }),
        )
        .await;
    assert_eq!(
        reset["data"]["customerResetByUrl"]["customer"]["email"], "Old@Example.com",
        "{reset}"
    );
    // Resetting ended the old session, as it always did.
    assert_eq!(
        app.graphql(READ, json!({ "token": session })).await["data"]["customer"],
        serde_json::Value::Null
    );

    // The pending mail goes out, with a reset link that works.
    app.app.spawn_background();
    // Two: the notice of the reset above, and the pending message's reset link.
    let messages = smtp.wait_for(2).await;
    let message = messages
        .iter()
        .find(|m| m.contains("/account/reset/"))
        .expect("the pending message");
    let url = link(message, "reset");
    let reset = app
        .graphql(
            "mutation($u: URL!) { customerResetByUrl(resetUrl: $u, password: \"after-the-upgrade-2\") { customer { email } } }",
            json!({ "u": url }),
        )
        .await;
    assert_eq!(
        reset["data"]["customerResetByUrl"]["customer"]["email"],
        "waiting@example.com"
    );

    // The rows without a shop took the customers' one.
    for table in [
        "customer_addresses",
        "throttle_counters",
        "multipass_uses",
        "storefront_tokens",
    ] {
        assert_eq!(
            crate::support::database::count(&app, &format!("{table} WHERE shop_id = 1")).await,
            1,
            "{table}"
        );
    }
    let shops = app.app.accounts.shops().await.expect("shops");
    assert_eq!(shops.len(), 1);
    assert_eq!((shops[0].id, shops[0].handle.as_str()), (1, "default"));
}
