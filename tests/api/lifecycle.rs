//! Activation, recovery and reset over real SMTP: the journeys end to end by reading the link out
//! of the delivered message, every way a token must fail, and mail that survives a mail server
//! that is down and a process that stops between commit and send.

use futures::future::join_all;
use serde_json::{Value, json};
use storefront::config::{SmtpConfig, SmtpTls};

use crate::support::smtp::{SmtpServer, free_port, link};
use crate::support::{PASSWORD, READ, TestApp, database};

pub fn smtp_on(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".to_owned(),
        port,
        tls: SmtpTls::None,
        username: None,
        password: None,
        timeout_seconds: 5,
    }
}

async fn app_with_smtp(server: &SmtpServer) -> TestApp {
    let port = server.port;
    TestApp::spawn_with(|config| {
        config.mail.smtp = Some(smtp_on(port));
        config.shop.domain = "shop.example.com".to_owned();
        config.shop.name = "Example Shop".to_owned();
    })
    .await
}

const ACTIVATE_BY_URL: &str = "mutation($url: URL!, $password: String!) {
  customerActivateByUrl(activationUrl: $url, password: $password) {
    customer { id email firstName displayName }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { field message code }
  }
}";

const ACTIVATE: &str = "mutation($id: ID!, $input: CustomerActivateInput!) {
  customerActivate(id: $id, input: $input) {
    customer { id email }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { field message code }
    userErrors { field message }
  }
}";

const RECOVER: &str = "mutation($email: String!) {
  customerRecover(email: $email) { customerUserErrors { field message code } userErrors { field message } }
}";

const RESET_BY_URL: &str = "mutation($url: URL!, $password: String!) {
  customerResetByUrl(resetUrl: $url, password: $password) {
    customer { id email }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { field message code }
    userErrors { field message }
  }
}";

const RESET: &str = "mutation($id: ID!, $input: CustomerResetInput!) {
  customerReset(id: $id, input: $input) {
    customer { id email }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { field message code }
    userErrors { field message }
  }
}";

/// `(gid, token)` of an `/account/{kind}/{id}/{token}` link.
fn parts(url: &str) -> (String, String) {
    let mut segments = url.rsplitn(3, '/');
    let token = segments.next().expect("token").to_owned();
    let id = segments.next().expect("id").to_owned();
    (format!("gid://shopify/Customer/{id}"), token)
}

/// `customerResetByUrl` with `url` and a new password: the whole answer.
async fn reset_by_url(app: &TestApp, url: &str, password: &str) -> Value {
    app.graphql(RESET_BY_URL, json!({ "url": url, "password": password }))
        .await
}

async fn recover(app: &TestApp, email: &str) -> Value {
    app.graphql(RECOVER, json!({ "email": email })).await
}

#[tokio::test]
async fn an_invited_customer_activates_by_url_from_the_email() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    let invited = app
        .app
        .shop()
        .lifecycle()
        .invite("guest@example.com", Some("Grace"), None)
        .await
        .expect("invite");
    let messages = smtp.wait_for(1).await;
    assert!(
        messages[0].contains("Subject: Activate your Example Shop account"),
        "{}",
        messages[0]
    );
    let url = link(&messages[0], "activate");
    assert!(
        url.starts_with(&format!(
            "https://shop.example.com/account/activate/{}/",
            invited.id
        )),
        "{url}"
    );

    // Invited customers cannot log in before activating.
    let login = app.login("guest@example.com", PASSWORD).await;
    assert_eq!(
        login["data"]["customerAccessTokenCreate"]["customerUserErrors"][0]["code"],
        "UNIDENTIFIED_CUSTOMER"
    );

    let response = app
        .graphql(ACTIVATE_BY_URL, json!({ "url": url, "password": PASSWORD }))
        .await;
    let payload = &response["data"]["customerActivateByUrl"];
    assert_eq!(payload["customerUserErrors"], json!([]), "{response}");
    assert_eq!(payload["customer"]["email"], "guest@example.com");
    assert_eq!(payload["customer"]["displayName"], "Grace");
    let token = payload["customerAccessToken"]["accessToken"]
        .as_str()
        .expect("token");
    let read = app.graphql(READ, json!({ "token": token })).await;
    assert_eq!(read["data"]["customer"]["email"], "guest@example.com");
    let login = app.login("guest@example.com", PASSWORD).await;
    assert!(login["data"]["customerAccessTokenCreate"]["customerAccessToken"].is_object());

    // The link works once; the customer is enabled now.
    let again = app
        .graphql(ACTIVATE_BY_URL, json!({ "url": url, "password": PASSWORD }))
        .await;
    assert_eq!(
        again["data"]["customerActivateByUrl"]["customerUserErrors"],
        json!([{ "field": null, "message": "Customer already enabled", "code": "ALREADY_ENABLED" }])
    );
}

#[tokio::test]
async fn customer_activate_with_id_and_token_and_its_errors() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    app.app
        .shop()
        .lifecycle()
        .invite("activate@example.com", None, None)
        .await
        .expect("invite");
    let url = link(&smtp.wait_for(1).await[0], "activate");
    let (id, token) = parts(&url);

    let bad = app
        .graphql(ACTIVATE, json!({ "id": id, "input": { "activationToken": "not-a-token", "password": PASSWORD } }))
        .await;
    assert_eq!(
        bad["data"]["customerActivate"],
        json!({
            "customer": null, "customerAccessToken": null,
            "customerUserErrors": [{ "field": ["input"], "message": "Invalid activation token", "code": "TOKEN_INVALID" }],
            "userErrors": [{ "field": null, "message": "Invalid activation token" }]
        })
    );
    let weak = app
        .graphql(
            ACTIVATE,
            json!({ "id": id, "input": { "activationToken": token, "password": "short" } }),
        )
        .await;
    assert_eq!(
        weak["data"]["customerActivate"]["customerUserErrors"][0]["field"],
        json!(["input", "password"])
    );
    assert_eq!(
        weak["data"]["customerActivate"]["customerUserErrors"][0]["code"],
        "TOO_SHORT"
    );

    let ok = app
        .graphql(
            ACTIVATE,
            json!({ "id": id, "input": { "activationToken": token, "password": PASSWORD } }),
        )
        .await;
    assert_eq!(
        ok["data"]["customerActivate"]["customer"]["email"],
        "activate@example.com"
    );
    assert!(ok["data"]["customerActivate"]["customerAccessToken"]["accessToken"].is_string());
    let again = app
        .graphql(
            ACTIVATE,
            json!({ "id": id, "input": { "activationToken": token, "password": PASSWORD } }),
        )
        .await;
    assert_eq!(
        again["data"]["customerActivate"]["customerUserErrors"][0]["code"],
        "ALREADY_ENABLED"
    );
}

#[tokio::test]
async fn a_forgotten_password_is_reset_from_the_email_and_old_sessions_end() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    let old_session = app.signed_in_customer("forgetful@example.com").await;
    let response = recover(&app, "Forgetful@Example.com").await;
    assert_eq!(
        response["data"]["customerRecover"],
        json!({ "customerUserErrors": [], "userErrors": [] })
    );
    let message = &smtp.wait_for(1).await[0];
    assert!(message.contains("Subject: Reset your Example Shop password"));
    let url = link(message, "reset");

    let reset = reset_by_url(&app, &url, "a-new-password-1").await;
    let payload = &reset["data"]["customerResetByUrl"];
    assert_eq!(payload["customerUserErrors"], json!([]), "{reset}");
    assert_eq!(payload["customer"]["email"], "forgetful@example.com");
    let new_token = payload["customerAccessToken"]["accessToken"]
        .as_str()
        .expect("token");
    assert_eq!(
        app.graphql(READ, json!({ "token": old_session })).await["data"]["customer"],
        Value::Null
    );
    assert_eq!(
        app.graphql(READ, json!({ "token": new_token })).await["data"]["customer"]["email"],
        "forgetful@example.com"
    );
    let login = app.login("forgetful@example.com", "a-new-password-1").await;
    assert!(login["data"]["customerAccessTokenCreate"]["customerAccessToken"].is_object());

    // Used once: the same URL is now unknown, with Shopify's top-level NOT_FOUND.
    let reuse = reset_by_url(&app, &url, "a-new-password-2").await;
    assert_eq!(reuse["data"], json!({ "customerResetByUrl": null }));
    assert_eq!(reuse["errors"][0]["message"], "Unidentified customer");
    assert_eq!(reuse["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert_eq!(reuse["errors"][0]["path"], json!(["customerResetByUrl"]));
}

#[tokio::test]
async fn customer_reset_with_id_and_token_and_its_errors() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    app.signed_in_customer("reset@example.com").await;
    recover(&app, "reset@example.com").await;
    let (id, token) = parts(&link(&smtp.wait_for(1).await[0], "reset"));
    let invalid = json!({
        "customer": null, "customerAccessToken": null,
        "customerUserErrors": [{ "field": ["input"], "message": "Invalid reset token", "code": "TOKEN_INVALID" }],
        "userErrors": [{ "field": null, "message": "Invalid reset token" }]
    });
    let bad = app
        .graphql(
            RESET,
            json!({ "id": id, "input": { "resetToken": "nope", "password": PASSWORD } }),
        )
        .await;
    assert_eq!(bad["data"]["customerReset"], invalid);
    // Another customer's id with this token.
    let other = app.create_customer("other-reset@example.com").await;
    let wrong_customer = app
        .graphql(
            RESET,
            json!({ "id": other["id"], "input": { "resetToken": token, "password": PASSWORD } }),
        )
        .await;
    assert_eq!(wrong_customer["data"]["customerReset"], invalid);
    let ok = app
        .graphql(
            RESET,
            json!({ "id": id, "input": { "resetToken": token, "password": "brand-new-password" } }),
        )
        .await;
    assert_eq!(
        ok["data"]["customerReset"]["customer"]["email"],
        "reset@example.com"
    );
    let reuse = app
        .graphql(
            RESET,
            json!({ "id": id, "input": { "resetToken": token, "password": "brand-new-password" } }),
        )
        .await;
    assert_eq!(reuse["data"]["customerReset"], invalid);
}

#[tokio::test]
async fn recover_answers_the_same_for_unknown_and_disabled_emails_and_sends_nothing() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    app.create_customer("known@example.com").await;
    app.app
        .shop()
        .lifecycle()
        .invite("invited@example.com", None, None)
        .await
        .expect("invite");
    smtp.wait_for(1).await; // the invitation
    let known = recover(&app, "known@example.com").await;
    let unknown = recover(&app, "nobody@example.com").await;
    let invited = recover(&app, "invited@example.com").await;
    let garbage = recover(&app, "not an email").await;
    for response in [&unknown, &invited, &garbage] {
        assert_eq!(response, &known);
    }
    smtp.wait_for(2).await;
    // Give the sender time to work off the rest: nothing more arrives.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let messages = smtp.messages();
    assert_eq!(messages.len(), 2, "the invitation and one reset");
    assert!(messages[1].contains("known@example.com"));
    assert_eq!(app.app.accounts.pending_mail().await.ok(), Some(0));
}

#[tokio::test]
async fn shopify_s_revealing_answer_is_one_setting_away() {
    let app =
        TestApp::spawn_with(|config| config.customers.reveal_unknown_email_on_recover = true).await;
    app.create_customer("present@example.com").await;
    assert_eq!(
        recover(&app, "present@example.com").await["data"]["customerRecover"]["customerUserErrors"],
        json!([])
    );
    assert_eq!(
        recover(&app, "missing@example.com").await["data"]["customerRecover"],
        json!({
            "customerUserErrors": [{ "field": ["email"], "message": "Could not find customer", "code": "UNIDENTIFIED_CUSTOMER" }],
            "userErrors": [{ "field": ["email"], "message": "Could not find customer" }]
        })
    );
}

#[tokio::test]
async fn a_newer_token_a_password_change_and_time_each_end_a_reset_link() {
    let smtp = SmtpServer::start();
    let port = smtp.port;
    let app = TestApp::spawn_with(|config| {
        config.mail.smtp = Some(smtp_on(port));
        config.customers.reset_ttl_seconds = 2;
    })
    .await;
    let session = app.signed_in_customer("links@example.com").await;

    recover(&app, "links@example.com").await;
    let first = link(&smtp.wait_for(1).await[0], "reset");
    recover(&app, "links@example.com").await;
    let second = link(&smtp.wait_for(2).await[1], "reset");
    assert_ne!(first, second);
    let superseded = reset_by_url(&app, &first, "newer-password-1").await;
    assert_eq!(
        superseded["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "a newer link replaced it"
    );

    // A password change (customerUpdate) ends the outstanding link.
    app.graphql(
        "mutation($t: String!) { customerUpdate(customerAccessToken: $t, customer: {password: \"changed-password-1\"}) { customerAccessToken { accessToken } } }",
        json!({ "t": session }),
    )
    .await;
    let after_change = reset_by_url(&app, &second, "newer-password-2").await;
    assert_eq!(after_change["errors"][0]["extensions"]["code"], "NOT_FOUND");

    // Expiry.
    recover(&app, "links@example.com").await;
    // The password change was announced too: four messages, the third link among them.
    let third = smtp
        .wait_for(4)
        .await
        .iter()
        .filter(|m| m.contains("/account/reset/"))
        .map(|m| link(m, "reset"))
        .find(|url| *url != first && *url != second)
        .expect("a third reset link");
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    let expired = reset_by_url(&app, &third, "newer-password-3").await;
    assert_eq!(expired["errors"][0]["extensions"]["code"], "NOT_FOUND");
    let login = app.login("links@example.com", "changed-password-1").await;
    assert!(login["data"]["customerAccessTokenCreate"]["customerAccessToken"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_resets_with_one_token_succeed_once() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    app.signed_in_customer("race-reset@example.com").await;
    recover(&app, "race-reset@example.com").await;
    let url = link(&smtp.wait_for(1).await[0], "reset");
    let attempts = (0..20).map(|i| {
        app.graphql(
            RESET_BY_URL,
            json!({ "url": url, "password": format!("racing-password-{i}") }),
        )
    });
    let results = join_all(attempts).await;
    let winners: Vec<&Value> = results
        .iter()
        .filter(|r| r["data"]["customerResetByUrl"]["customerAccessToken"].is_object())
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    for loser in results
        .iter()
        .filter(|r| r["data"]["customerResetByUrl"].is_null())
    {
        assert_eq!(loser["errors"][0]["extensions"]["code"], "NOT_FOUND");
    }
}

#[tokio::test]
async fn mail_waits_for_a_mail_server_that_is_down_and_arrives_once_it_is_up() {
    let port = free_port();
    let app = TestApp::spawn_with(|config| config.mail.smtp = Some(smtp_on(port))).await;
    app.signed_in_customer("patient@example.com").await;
    recover(&app, "patient@example.com").await;
    app.app
        .shop()
        .lifecycle()
        .invite("invitee@example.com", None, None)
        .await
        .expect("invite");
    // Down: attempts fail and are retried.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    assert_eq!(app.app.accounts.pending_mail().await.ok(), Some(2));
    let smtp = SmtpServer::start_on(port);
    let messages = smtp.wait_for(2).await;
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    assert_eq!(smtp.messages().len(), 2, "each message exactly once");
    assert!(messages.iter().any(|m| m.contains("/account/reset/")));
    assert!(messages.iter().any(|m| m.contains("/account/activate/")));
    assert_eq!(app.app.accounts.pending_mail().await.ok(), Some(0));
}

#[tokio::test]
async fn mail_committed_before_a_stop_is_sent_after_the_restart() {
    let smtp = SmtpServer::start();
    let port = smtp.port;
    // A process that commits the request and stops before its sender runs.
    let mut app = TestApp::spawn_quiet_with(|config| config.mail.smtp = Some(smtp_on(port))).await;
    app.create_customer("crash@example.com").await;
    recover(&app, "crash@example.com").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(smtp.messages().is_empty());
    // Started again on the same database: the sender finds the message and delivers it.
    app.restart_with(|_| {}).await;
    let url = link(&smtp.wait_for(1).await[0], "reset");
    let reset = reset_by_url(&app, &url, "survived-a-restart-1").await;
    assert!(
        reset["data"]["customerResetByUrl"]["customerAccessToken"].is_object(),
        "{reset}"
    );
}

#[tokio::test]
async fn without_smtp_messages_are_written_as_eml_files() {
    let app = TestApp::spawn().await;
    app.create_customer("files@example.com").await;
    recover(&app, "files@example.com").await;
    let dir = app.config.mail_dir();
    let mut found = Vec::new();
    for _ in 0..100 {
        found = std::fs::read_dir(&dir)
            .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].extension().and_then(|e| e.to_str()), Some("eml"));
    let message = std::fs::read_to_string(&found[0]).expect("read");
    let url = link(&message, "reset");
    let reset = reset_by_url(&app, &url, "from-a-file-1").await;
    assert!(reset["data"]["customerResetByUrl"]["customerAccessToken"].is_object());
}

#[tokio::test]
async fn recover_is_throttled_per_client_ip() {
    use axum::body::Body;
    use axum::http::Request;

    let app = TestApp::spawn_with(|config| config.throttle.recover_per_ip = 3).await;
    let private = app.private_token().await;
    let send = |header: (&'static str, String), ip: &'static str| {
        let body = json!({ "query": RECOVER, "variables": { "email": "someone@example.com" } })
            .to_string();
        app.request(
            Request::post(crate::support::API_PATH)
                .header("content-type", "application/json")
                .header(header.0, header.1)
                .header("Shopify-Storefront-Buyer-IP", ip)
                .body(Body::from(body))
                .expect("request"),
        )
    };
    let public = ("X-Shopify-Storefront-Access-Token", app.token.clone());
    let private = ("Shopify-Storefront-Private-Token", private);
    for _ in 0..3 {
        assert!(send(private.clone(), "203.0.113.1").await.json()["errors"].is_null());
    }
    let throttled = send(private.clone(), "203.0.113.1").await;
    assert_eq!(
        throttled.status,
        axum::http::StatusCode::OK,
        "HTTP 200, as Shopify clients expect"
    );
    let body = throttled.json();
    assert_eq!(body["errors"][0]["message"], "Throttled");
    assert_eq!(body["errors"][0]["extensions"]["code"], "THROTTLED");
    assert!(
        body["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_i64()
            .is_some_and(|s| s > 0)
    );
    // Another buyer behind the same shop server is not affected.
    assert!(send(private.clone(), "203.0.113.2").await.json()["errors"].is_null());
    // With a public token the header is not believed: the requests count against the socket's
    // address, whatever IP they claim.
    for ip in ["198.51.100.1", "198.51.100.2", "198.51.100.3"] {
        assert!(send(public.clone(), ip).await.json()["errors"].is_null());
    }
    assert_eq!(
        send(public, "198.51.100.4").await.json()["errors"][0]["extensions"]["code"],
        "THROTTLED"
    );
}

#[tokio::test]
async fn the_database_never_holds_a_usable_reset_link() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    app.create_customer("stored@example.com").await;
    recover(&app, "stored@example.com").await;
    let url = link(&smtp.wait_for(1).await[0], "reset");
    let (_, token) = parts(&url);
    for sql in [
        "SELECT COALESCE(payload, '') || ' ' || COALESCE(last_error, '') AS v FROM mail_outbox",
        "SELECT COALESCE(reset_nonce_hash, '') || ' ' || COALESCE(activation_nonce_hash, '') || ' ' || COALESCE(security_stamp, '') AS v FROM customers",
    ] {
        for value in database::texts(&app, sql).await {
            assert!(!value.contains(&token), "{sql}");
            assert!(!value.contains(&url));
        }
    }
}

/// The strict sign-up mode: a taken email gets the same shape of answer as a free one, nothing is
/// stored or changed, and the owner is emailed a reset link instead.
#[tokio::test]
async fn strict_sign_up_answers_a_taken_email_like_a_free_one_and_emails_the_owner() {
    let smtp = SmtpServer::start();
    let port = smtp.port;
    let app = TestApp::spawn_with(|config| {
        config.mail.smtp = Some(smtp_on(port));
        config.shop.domain = "shop.example.com".to_owned();
        config.shop.name = "Example Shop".to_owned();
        config.customers.uniform_sign_up = true;
    })
    .await;
    let owner_token = app.signed_in_customer("owner@example.com").await;
    let sign_up = |email: &'static str| {
        app.graphql(
            crate::support::CREATE,
            json!({ "input": { "email": email, "password": "an-attacker-password", "firstName": "Eve" } }),
        )
    };
    let taken = sign_up("Owner@Example.com").await;
    let free = sign_up("newcomer@example.com").await;
    let shape = |response: &Value| {
        let payload = &response["data"]["customerCreate"];
        (
            payload["customerUserErrors"].clone(),
            payload["userErrors"].clone(),
            payload["customer"]["firstName"].clone(),
            payload["customer"]["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("gid://shopify/Customer/")),
        )
    };
    assert_eq!(shape(&taken), shape(&free), "{taken} vs {free}");
    assert_eq!(
        shape(&taken),
        (json!([]), json!([]), json!("Eve"), true),
        "{taken}"
    );
    // Nothing changed for the owner: same session, same name, the old password still works.
    let owner = app.graphql(READ, json!({ "token": owner_token })).await;
    assert_eq!(owner["data"]["customer"]["firstName"], "Ada", "{owner}");
    assert!(
        app.login("owner@example.com", PASSWORD).await["data"]["customerAccessTokenCreate"]
            ["customerAccessToken"]
            .is_object()
    );
    assert!(
        app.login("owner@example.com", "an-attacker-password").await["data"]
            ["customerAccessTokenCreate"]["customerAccessToken"]
            .is_null()
    );
    // The owner is told, with a working reset link; the newcomer got no mail.
    let messages = smtp.wait_for(1).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let message = &messages[0];
    assert!(
        message.contains("Subject: You already have a Example Shop account"),
        "{message}"
    );
    assert!(message.contains("owner@example.com"), "{message}");
    let url = link(message, "reset");
    let reset = reset_by_url(&app, &url, "a-brand-new-secret-9").await;
    assert_eq!(
        reset["data"]["customerResetByUrl"]["customer"]["email"], "owner@example.com",
        "{reset}"
    );
}

#[tokio::test]
async fn by_default_a_taken_email_is_shopify_s_taken() {
    let app = TestApp::spawn().await;
    app.create_customer("taken@example.com").await;
    let again = app
        .graphql(
            crate::support::CREATE,
            json!({ "input": { "email": "taken@example.com", "password": "another-password-1" } }),
        )
        .await;
    assert_eq!(
        again["data"]["customerCreate"]["customerUserErrors"],
        json!([{ "field": ["input", "email"], "message": "Email has already been taken", "code": "TAKEN" }])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_activations_with_one_link_succeed_once() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    app.app
        .shop()
        .lifecycle()
        .invite("race-activate@example.com", None, None)
        .await
        .expect("invite");
    let url = link(&smtp.wait_for(1).await[0], "activate");
    let attempts = (0..20).map(|i| {
        app.graphql(
            ACTIVATE_BY_URL,
            json!({ "url": url, "password": format!("racing-password-{i}") }),
        )
    });
    let results = join_all(attempts).await;
    let winners: Vec<&Value> = results
        .iter()
        .filter(|r| r["data"]["customerActivateByUrl"]["customerAccessToken"].is_object())
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    // Exactly the winner's password is the customer's now.
    let winner_password = (0..20)
        .find(|i| results[*i]["data"]["customerActivateByUrl"]["customerAccessToken"].is_object())
        .map(|i| format!("racing-password-{i}"))
        .expect("a winner");
    let login = app
        .login("race-activate@example.com", &winner_password)
        .await;
    assert!(
        login["data"]["customerAccessTokenCreate"]["customerAccessToken"].is_object(),
        "{login}"
    );
}

const UPDATE_PASSWORD: &str = "mutation($token: String!, $password: String!) {
  customerUpdate(customerAccessToken: $token, customer: { password: $password }) {
    customerAccessToken { accessToken }
    customerUserErrors { field message code }
  }
}";

/// The messages with this subject.
fn with_subject<'a>(messages: &'a [String], subject: &str) -> Vec<&'a String> {
    let header = format!("Subject: {subject}");
    messages.iter().filter(|m| m.contains(&header)).collect()
}

/// A password notice: it says what happened and carries nothing that logs in or resets.
fn assert_is_a_harmless_notice(message: &str) {
    assert!(
        message.contains("https://shop.example.com/account/login"),
        "{message}"
    );
    for one_time in ["/account/reset/", "/account/activate/"] {
        assert!(!message.contains(one_time), "{message}");
    }
}

#[tokio::test]
async fn a_password_changed_by_reset_by_update_or_by_activation_is_announced_by_mail() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    let notice = "Your Example Shop password was changed";

    // customerUpdate with a password.
    let token = app.signed_in_customer("notice@example.com").await;
    let update = app
        .graphql(
            UPDATE_PASSWORD,
            json!({ "token": token, "password": "a-changed-password-1" }),
        )
        .await;
    assert_eq!(
        update["data"]["customerUpdate"]["customerUserErrors"],
        json!([]),
        "{update}"
    );
    let messages = smtp.wait_for(1).await;
    let notices = with_subject(&messages, notice);
    assert_eq!(notices.len(), 1, "{messages:?}");
    assert!(
        notices[0].contains("To: notice@example.com"),
        "{}",
        notices[0]
    );
    assert_is_a_harmless_notice(notices[0]);

    // A reset.
    recover(&app, "notice@example.com").await;
    let messages = smtp.wait_for(2).await;
    let url = link(
        with_subject(&messages, "Reset your Example Shop password")[0],
        "reset",
    );
    let reset = reset_by_url(&app, &url, "a-changed-password-2").await;
    assert!(reset["data"]["customerResetByUrl"]["customerAccessToken"].is_object());
    let messages = smtp.wait_for(3).await;
    assert_eq!(with_subject(&messages, notice).len(), 2);

    // An activation sets the first password.
    app.app
        .shop()
        .lifecycle()
        .invite("activated@example.com", None, None)
        .await
        .expect("invite");
    let messages = smtp.wait_for(4).await;
    let url = link(
        with_subject(&messages, "Activate your Example Shop account")[0],
        "activate",
    );
    let activated = app
        .graphql(ACTIVATE_BY_URL, json!({ "url": url, "password": PASSWORD }))
        .await;
    assert!(activated["data"]["customerActivateByUrl"]["customerAccessToken"].is_object());
    let messages = smtp.wait_for(5).await;
    let notices = with_subject(&messages, notice);
    assert_eq!(notices.len(), 3);
    assert!(
        notices
            .iter()
            .any(|m| m.contains("To: activated@example.com"))
    );
    notices.iter().for_each(|m| assert_is_a_harmless_notice(m));

    // A profile change without a password is no password change.
    let token = app.signed_in_customer("quiet@example.com").await;
    app.graphql(
        "mutation($token: String!) { customerUpdate(customerAccessToken: $token, customer: { firstName: \"Q\" }) { customerUserErrors { code } } }",
        json!({ "token": token }),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 5);
}

#[tokio::test]
async fn the_password_notice_is_one_setting_away_from_off() {
    let smtp = SmtpServer::start();
    let port = smtp.port;
    let app = TestApp::spawn_with(|config| {
        config.mail.smtp = Some(smtp_on(port));
        config.mail.notify_password_changed = false;
    })
    .await;
    let token = app.signed_in_customer("no-notice@example.com").await;
    let update = app
        .graphql(
            UPDATE_PASSWORD,
            json!({ "token": token, "password": "a-changed-password-1" }),
        )
        .await;
    assert_eq!(
        update["data"]["customerUpdate"]["customerUserErrors"],
        json!([])
    );
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert!(smtp.messages().is_empty());
    assert_eq!(app.app.accounts.pending_mail().await.ok(), Some(0));
}

/// Every text column of the outbox and the customers, as one string per row.
async fn outbox_and_customer_text(app: &TestApp) -> Vec<String> {
    let mut found = Vec::new();
    for sql in [
        "SELECT COALESCE(kind, '') || ' ' || COALESCE(recipient, '') || ' ' || COALESCE(payload, '') || ' ' || COALESCE(last_error, '') AS v FROM mail_outbox",
        "SELECT COALESCE(reset_nonce_hash, '') || ' ' || COALESCE(activation_nonce_hash, '') || ' ' || COALESCE(security_stamp, '') AS v FROM customers",
    ] {
        found.extend(database::texts(app, sql).await);
    }
    found
}

/// The claims' nonce of a signed reset token (its middle, base64url JSON part).
fn nonce_of(token: &str) -> String {
    use base64::Engine;
    let claims = token.split('.').nth(1).expect("a signed token");
    let json: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(claims)
            .expect("base64url"),
    )
    .expect("claims");
    json["non"].as_str().expect("a nonce").to_owned()
}

#[tokio::test]
async fn a_delivered_message_keeps_its_metadata_and_nothing_a_link_could_be_rebuilt_from() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    app.create_customer("forgotten@example.com").await;
    recover(&app, "forgotten@example.com").await;
    let message = smtp.wait_for(1).await[0].clone();
    let (_, token) = parts(&link(&message, "reset"));
    let nonce = nonce_of(&token);
    // The row is marked sent after the server acknowledged it.
    for _ in 0..50 {
        if app.app.accounts.pending_mail().await.ok() == Some(0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let rows = outbox_and_customer_text(&app).await;
    assert!(
        rows.iter()
            .any(|r| r.starts_with("reset forgotten@example.com")),
        "the metadata stays: {rows:?}"
    );
    for row in &rows {
        assert!(!row.contains(&token) && !row.contains(&nonce), "{row}");
    }
    // Every message names itself, the same on every attempt.
    let message_id = message
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID: "))
        .expect("a Message-ID header");
    assert!(
        message_id.starts_with("<outbox-") && message_id.ends_with("@localhost>"),
        "{message_id}"
    );
}

#[tokio::test]
async fn a_given_up_message_drops_its_link_and_a_retry_sends_a_new_one_that_works() {
    let port = free_port();
    let app = TestApp::spawn_with(|config| {
        config.mail.smtp = Some(smtp_on(port));
        config.mail.max_attempts = 1;
    })
    .await;
    app.create_customer("given-up@example.com").await;
    recover(&app, "given-up@example.com").await;
    // The mail server is down: the one attempt fails and the message is given up.
    let mut failed = Vec::new();
    for _ in 0..100 {
        failed = app
            .app
            .shop()
            .customer_admin()
            .outbox(storefront::domain::outbox::OutboxFilter::Failed, 10)
            .await
            .expect("outbox");
        if !failed.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(failed.len(), 1);
    for row in outbox_and_customer_text(&app).await {
        assert!(!row.contains("\"non\""), "{row}");
    }
    // Up again, and the operator retries: a fresh link, which works.
    let smtp = SmtpServer::start_on(port);
    assert_eq!(
        app.app.shop().customer_admin().retry_mail(None).await.ok(),
        Some(1)
    );
    let url = link(&smtp.wait_for(1).await[0], "reset");
    let reset = reset_by_url(&app, &url, "after-a-retry-1").await;
    assert!(
        reset["data"]["customerResetByUrl"]["customerAccessToken"].is_object(),
        "{reset}"
    );
}
