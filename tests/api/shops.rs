//! Several shops on one server and one database: each has its own customers, passwords, tokens,
//! throttles, mail and Multipass secret, the shop of a request comes from its storefront token,
//! and nothing of one shop works in another.

use futures::future::join_all;
use secrecy::SecretString;
use serde_json::{Value, json};
use storefront::domain::shop::ShopSettings;
use storefront::domain::storefront_token::TokenKind;

use crate::support::smtp::{SmtpServer, link};
use crate::support::{CREATE, LOGIN, PASSWORD, READ, RENEW, TestApp};

/// A second shop beside the default one, with a public storefront token of its own.
pub struct OtherShop {
    /// Its public storefront token: what its storefront sends.
    pub token: String,
}

pub async fn other_shop(app: &TestApp, handle: &str, multipass: Option<&str>) -> OtherShop {
    let shop = app
        .app
        .accounts
        .create_shop(
            handle,
            ShopSettings {
                name: Some(format!("Shop {handle}")),
                domain: Some(format!("{handle}.example.com")),
                multipass_secret: Some(multipass.map(SecretString::from)),
                ..ShopSettings::default()
            },
        )
        .await
        .expect("a second shop");
    let shop = app.app.accounts.in_shop(shop);
    let token = shop
        .storefront_tokens()
        .create_storefront_token(TokenKind::Public, "second storefront")
        .await
        .expect("a token");
    OtherShop { token }
}

fn access_token(login: &Value) -> Option<String> {
    login["data"]["customerAccessTokenCreate"]["customerAccessToken"]["accessToken"]
        .as_str()
        .map(str::to_owned)
}

async fn sign_up(app: &TestApp, storefront: &str, email: &str, password: &str) -> Value {
    app.graphql_as(
        storefront,
        CREATE,
        json!({ "input": { "email": email, "password": password, "firstName": "Twin" } }),
    )
    .await
}

async fn login(app: &TestApp, storefront: &str, email: &str, password: &str) -> Value {
    app.graphql_as(
        storefront,
        LOGIN,
        json!({ "input": { "email": email, "password": password } }),
    )
    .await
}

#[tokio::test]
async fn one_email_signs_up_in_two_shops_with_separate_passwords_and_sessions() {
    let app = TestApp::spawn().await;
    let b = other_shop(&app, "brand-b", None).await;
    let email = "twin@example.com";
    let a_password = "first-shop-password-1";
    let b_password = "second-shop-password-2";
    for (token, password) in [(&app.token, a_password), (&b.token, b_password)] {
        let created = sign_up(&app, token, email, password).await;
        assert_eq!(
            created["data"]["customerCreate"]["customerUserErrors"],
            json!([]),
            "{created}"
        );
    }
    let a_id = sign_up(&app, &app.token, email, a_password).await;
    assert_eq!(
        a_id["data"]["customerCreate"]["customerUserErrors"][0]["code"], "TAKEN",
        "taken within its shop"
    );

    // Each password works in its own shop only.
    let a_session =
        access_token(&login(&app, &app.token, email, a_password).await).expect("A's password in A");
    let b_session =
        access_token(&login(&app, &b.token, email, b_password).await).expect("B's password in B");
    assert_eq!(
        access_token(&login(&app, &b.token, email, a_password).await),
        None
    );
    assert_eq!(
        access_token(&login(&app, &app.token, email, b_password).await),
        None
    );

    // Each session reads its own shop's customer, and nothing in the other shop.
    let read = |storefront: String, session: String| {
        let app = &app;
        async move {
            app.graphql_as(&storefront, READ, json!({ "token": session }))
                .await["data"]["customer"]
                .clone()
        }
    };
    let a_customer = read(app.token.clone(), a_session.clone()).await;
    let b_customer = read(b.token.clone(), b_session.clone()).await;
    assert_eq!(a_customer["email"], email);
    assert_eq!(b_customer["email"], email);
    assert_ne!(a_customer["id"], b_customer["id"]);
    assert_eq!(read(b.token.clone(), a_session.clone()).await, Value::Null);
    assert_eq!(
        read(app.token.clone(), b_session.clone()).await,
        Value::Null
    );
}

#[tokio::test]
async fn a_reset_in_one_shop_leaves_the_same_email_in_another_untouched() {
    let smtp = SmtpServer::start();
    let port = smtp.port;
    let app = TestApp::spawn_with(|config| {
        config.mail.smtp = Some(crate::lifecycle::smtp_on(port));
    })
    .await;
    let b = other_shop(&app, "brand-b", None).await;
    let email = "reset-twin@example.com";
    sign_up(&app, &app.token, email, "first-shop-password-1").await;
    sign_up(&app, &b.token, email, "second-shop-password-2").await;
    app.graphql_as(&app.token,
        "mutation($email: String!) { customerRecover(email: $email) { customerUserErrors { code } } }",
        json!({ "email": email }),
    )
    .await;
    let message = &smtp.wait_for(1).await[0];
    assert!(
        message.contains("Subject: Reset your My Store password"),
        "{message}"
    );
    let url = link(message, "reset");
    let reset = "mutation($url: URL!, $password: String!) { customerResetByUrl(resetUrl: $url, password: $password) { customer { email } } }";
    // A's link in B: unknown there.
    let in_b = app
        .graphql_as(
            &b.token,
            reset,
            json!({ "url": url, "password": "reset-password-3" }),
        )
        .await;
    assert_eq!(
        in_b["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{in_b}"
    );
    let in_a = app
        .graphql_as(
            &app.token,
            reset,
            json!({ "url": url, "password": "reset-password-3" }),
        )
        .await;
    assert_eq!(
        in_a["data"]["customerResetByUrl"]["customer"]["email"],
        email
    );
    assert!(access_token(&login(&app, &app.token, email, "reset-password-3").await).is_some());
    assert!(
        access_token(&login(&app, &b.token, email, "second-shop-password-2").await).is_some(),
        "B's password is unchanged"
    );
}

#[tokio::test]
async fn a_throttled_email_in_one_shop_is_not_throttled_in_another() {
    let app = TestApp::spawn_with(|config| {
        config.throttle.login_free_failures = 2;
        config.throttle.login_backoff_base_seconds = 600;
    })
    .await;
    let b = other_shop(&app, "brand-b", None).await;
    let email = "throttled-twin@example.com";
    sign_up(&app, &app.token, email, PASSWORD).await;
    sign_up(&app, &b.token, email, PASSWORD).await;
    for _ in 0..3 {
        login(&app, &app.token, email, "wrong-password-0").await;
    }
    let refused = login(&app, &app.token, email, PASSWORD).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "THROTTLED",
        "{refused}"
    );
    assert!(access_token(&login(&app, &b.token, email, PASSWORD).await).is_some());
}

#[tokio::test]
async fn multipass_uses_the_shop_s_own_secret() {
    let app = TestApp::spawn_with(|config| {
        config.multipass_secret = Some(SecretString::from("secret-of-shop-a"));
    })
    .await;
    let b = other_shop(&app, "brand-b", Some("secret-of-shop-b")).await;
    let payload = |email: &str| json!({ "email": email, "created_at": time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).expect("time") });
    let sign_in = "mutation($t: String!) { customerAccessTokenCreateWithMultipass(multipassToken: $t) { customerAccessToken { accessToken } customerUserErrors { code } } }";
    let keys = |secret: &str| storefront::domain::multipass::MultipassKeys::new(secret);
    let for_a = storefront::domain::multipass::encode(
        &keys("secret-of-shop-a"),
        &payload("sso@example.com"),
    );
    let for_b = storefront::domain::multipass::encode(
        &keys("secret-of-shop-b"),
        &payload("sso@example.com"),
    );
    let token_of = |body: &Value| {
        body["data"]["customerAccessTokenCreateWithMultipass"]["customerAccessToken"]["accessToken"]
            .as_str()
            .map(str::to_owned)
    };
    // Each shop's token is refused by the other (before it could be used up there).
    assert_eq!(
        token_of(
            &app.graphql_as(&b.token, sign_in, json!({ "t": for_a }))
                .await
        ),
        None
    );
    assert_eq!(
        token_of(
            &app.graphql_as(&app.token, sign_in, json!({ "t": for_b }))
                .await
        ),
        None
    );
    assert!(
        token_of(
            &app.graphql_as(&app.token, sign_in, json!({ "t": for_a }))
                .await
        )
        .is_some()
    );
    assert!(
        token_of(
            &app.graphql_as(&b.token, sign_in, json!({ "t": for_b }))
                .await
        )
        .is_some()
    );
}

/// What shop A hands out, to try in shop B.
struct Material {
    emails: Vec<String>,
    customer_gids: Vec<String>,
    sessions: Vec<String>,
    address_gids: Vec<String>,
    reset_urls: Vec<String>,
    activation_urls: Vec<String>,
    multipass_tokens: Vec<String>,
}

const ATTEMPTS: usize = 10_000;

/// Ten thousand attempts to use shop A's material in shop B: not one of them works, and each
/// gets the answer an unknown value gets.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_attempts_with_one_shop_s_material_in_another_all_fail() {
    let smtp = SmtpServer::start();
    let port = smtp.port;
    let app = TestApp::spawn_with(|config| {
        config.mail.smtp = Some(crate::lifecycle::smtp_on(port));
        config.multipass_secret = Some(SecretString::from("secret-of-shop-a"));
        // The attempts come from one address; the throttles are not what is tested here.
        config.throttle.login_failures_per_ip = i32::MAX;
        config.throttle.login_free_failures = i32::MAX;
        config.throttle.recover_per_ip = u32::MAX;
    })
    .await;
    let b = other_shop(&app, "brand-b", Some("secret-of-shop-b")).await;

    // Shop A's material: customers with sessions, addresses, reset and activation links and
    // Multipass tokens (signed with A's secret, never used).
    let mut material = Material {
        emails: Vec::new(),
        customer_gids: Vec::new(),
        sessions: Vec::new(),
        address_gids: Vec::new(),
        reset_urls: Vec::new(),
        activation_urls: Vec::new(),
        multipass_tokens: Vec::new(),
    };
    for i in 0..10 {
        let email = format!("material-{i}@example.com");
        let customer = app.create_customer(&email).await;
        material
            .customer_gids
            .push(customer["id"].as_str().expect("id").to_owned());
        let session = app.signed_in_customer_existing(&email).await;
        let address = app
            .graphql(
                "mutation($t: String!) { customerAddressCreate(customerAccessToken: $t, address: {address1: \"1 Main St\", city: \"Ottawa\", country: \"Canada\", province: \"ON\", zip: \"K1A 0A6\"}) { customerAddress { id } customerUserErrors { code } } }",
                json!({ "t": session }),
            )
            .await;
        material.address_gids.push(
            address["data"]["customerAddressCreate"]["customerAddress"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{address}"))
                .to_owned(),
        );
        material.sessions.push(session);
        app.graphql(
            "mutation($e: String!) { customerRecover(email: $e) { customerUserErrors { code } } }",
            json!({ "e": email }),
        )
        .await;
        material.emails.push(email);
    }
    for i in 0..5 {
        app.app
            .shop()
            .lifecycle()
            .invite(&format!("invited-{i}@example.com"), None, None)
            .await
            .expect("invite");
    }
    let messages = smtp.wait_for(15).await;
    for message in &messages {
        if message.contains("/account/reset/") {
            material.reset_urls.push(link(message, "reset"));
        } else if message.contains("/account/activate/") {
            material.activation_urls.push(link(message, "activate"));
        }
    }
    assert_eq!(
        (material.reset_urls.len(), material.activation_urls.len()),
        (10, 5)
    );
    let keys = storefront::domain::multipass::MultipassKeys::new("secret-of-shop-a");
    for email in &material.emails {
        material.multipass_tokens.push(storefront::domain::multipass::encode(
            &keys,
            &json!({ "email": email, "created_at": time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).expect("time") }),
        ));
    }

    // The attempts, in B, concurrently in chunks.
    let attempt = |i: usize| {
        let app = &app;
        let material = &material;
        let b_token = b.token.clone();
        async move {
            let pick = |list: &Vec<String>| list[i / 10 % list.len()].clone();
            let (kind, body) = match i % 10 {
                0 => ("customer token", app.graphql_as(&b_token, READ, json!({ "token": pick(&material.sessions) })).await),
                1 => ("renew", app.graphql_as(&b_token, RENEW, json!({ "token": pick(&material.sessions) })).await),
                2 => ("address", app.graphql_as(&b_token,
                    "mutation($t: String!, $id: ID!) { customerAddressDelete(customerAccessToken: $t, id: $id) { deletedCustomerAddressId customerUserErrors { code } } }",
                    json!({ "t": pick(&material.sessions), "id": pick(&material.address_gids) })).await),
                3 => ("node", app.graphql_as(&b_token,
                    "query($id: ID!, $t: String!) @inContext(buyer: {customerAccessToken: $t}) { node(id: $id) { id } }",
                    json!({ "id": pick(&material.address_gids), "t": pick(&material.sessions) })).await),
                4 => ("reset url", app.graphql_as(&b_token,
                    "mutation($u: URL!) { customerResetByUrl(resetUrl: $u, password: \"cross-shop-pass-1\") { customer { id } customerAccessToken { accessToken } } }",
                    json!({ "u": pick(&material.reset_urls) })).await),
                5 => {
                    let url = pick(&material.reset_urls);
                    let token = url.rsplit('/').next().unwrap_or_default().to_owned();
                    ("reset id and token", app.graphql_as(&b_token,
                        "mutation($id: ID!, $token: String!) { customerReset(id: $id, input: {resetToken: $token, password: \"cross-shop-pass-1\"}) { customer { id } customerAccessToken { accessToken } } }",
                        json!({ "id": pick(&material.customer_gids), "token": token })).await)
                }
                6 => ("activation url", app.graphql_as(&b_token,
                    "mutation($u: URL!) { customerActivateByUrl(activationUrl: $u, password: \"cross-shop-pass-1\") { customer { id } customerAccessToken { accessToken } } }",
                    json!({ "u": pick(&material.activation_urls) })).await),
                7 => ("multipass", app.graphql_as(&b_token,
                    "mutation($t: String!) { customerAccessTokenCreateWithMultipass(multipassToken: $t) { customerAccessToken { accessToken } } }",
                    json!({ "t": pick(&material.multipass_tokens) })).await),
                8 => ("email and password", login(app, &b_token, &pick(&material.emails), PASSWORD).await),
                _ => ("customer update", app.graphql_as(&b_token,
                    "mutation($t: String!) { customerUpdate(customerAccessToken: $t, customer: {firstName: \"Mallory\"}) { customer { id } } }",
                    json!({ "t": pick(&material.sessions) })).await),
            };
            (kind, body)
        }
    };
    let mut hits = Vec::new();
    let mut answered = 0;
    for chunk in (0..ATTEMPTS).collect::<Vec<_>>().chunks(100) {
        for (kind, body) in join_all(chunk.iter().map(|i| attempt(*i))).await {
            answered += 1;
            if worked(&body) {
                hits.push(format!("{kind}: {body}"));
            }
        }
    }
    assert_eq!(answered, ATTEMPTS);
    assert!(
        hits.is_empty(),
        "{} of {ATTEMPTS} worked: {:?}",
        hits.len(),
        &hits[..hits.len().min(3)]
    );

    // The material was real: in A, it all still works.
    let read = app
        .graphql(READ, json!({ "token": material.sessions[0] }))
        .await;
    assert_eq!(read["data"]["customer"]["email"], material.emails[0]);
    let reset = app
        .graphql(
            "mutation($u: URL!) { customerResetByUrl(resetUrl: $u, password: \"back-home-pass-1\") { customerAccessToken { accessToken } } }",
            json!({ "u": material.reset_urls[0] }),
        )
        .await;
    assert!(
        reset["data"]["customerResetByUrl"]["customerAccessToken"]["accessToken"].is_string(),
        "{reset}"
    );
    let activated = app
        .graphql(
            "mutation($u: URL!) { customerActivateByUrl(activationUrl: $u, password: \"back-home-pass-1\") { customerAccessToken { accessToken } } }",
            json!({ "u": material.activation_urls[0] }),
        )
        .await;
    assert!(
        activated["data"]["customerActivateByUrl"]["customerAccessToken"]["accessToken"]
            .is_string(),
        "{activated}"
    );
    let multipass = app
        .graphql(
            "mutation($t: String!) { customerAccessTokenCreateWithMultipass(multipassToken: $t) { customerAccessToken { accessToken } } }",
            json!({ "t": material.multipass_tokens[0] }),
        )
        .await;
    assert!(multipass["data"]["customerAccessTokenCreateWithMultipass"]["customerAccessToken"]["accessToken"].is_string(), "{multipass}");
    let address = app
        .graphql(
            "mutation($t: String!, $id: ID!) { customerAddressDelete(customerAccessToken: $t, id: $id) { deletedCustomerAddressId } }",
            json!({ "t": material.sessions[1], "id": material.address_gids[1] }),
        )
        .await;
    assert!(
        address["data"]["customerAddressDelete"]["deletedCustomerAddressId"].is_string(),
        "{address}"
    );
}

/// Whether an answer shows that something worked: a customer, a token, a node or a deletion.
fn worked(body: &Value) -> bool {
    fn any_success(value: &Value) -> bool {
        match value {
            Value::Object(map) => map.iter().any(|(key, value)| {
                let success_key = matches!(
                    key.as_str(),
                    "customer" | "accessToken" | "node" | "deletedCustomerAddressId"
                );
                (success_key && !value.is_null()) || any_success(value)
            }),
            Value::Array(items) => items.iter().any(any_success),
            _ => false,
        }
    }
    any_success(&body["data"])
}
