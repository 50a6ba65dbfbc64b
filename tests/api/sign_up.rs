//! customerCreate: the customer record it returns and every validation rule.

use serde_json::{Value, json};

use crate::support::{CREATE, PASSWORD, TestApp, is_shopify_datetime};

async fn create(app: &TestApp, input: Value) -> Value {
    app.graphql(CREATE, json!({ "input": input })).await["data"]["customerCreate"].clone()
}

fn errors(payload: &Value) -> Vec<(Value, String, String)> {
    payload["customerUserErrors"]
        .as_array()
        .expect("customerUserErrors list")
        .iter()
        .map(|e| {
            (
                e["field"].clone(),
                e["code"].as_str().unwrap_or_default().to_owned(),
                e["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn customer_create_returns_an_enabled_customer_in_shopify_shape() {
    let app = TestApp::spawn().await;
    let payload = create(
        &app,
        json!({ "email": "storefront.auth@example.com", "password": PASSWORD, "firstName": "Storefront", "lastName": "Auth", "acceptsMarketing": true }),
    )
    .await;
    let customer = &payload["customer"];
    let id = customer["id"].as_str().expect("id");
    let numeric = id.strip_prefix("gid://shopify/Customer/").expect("gid");
    assert!(
        numeric.parse::<u64>().is_ok_and(|n| n > 0 && n < (1 << 53)),
        "{id}"
    );
    assert_eq!(customer["email"], "storefront.auth@example.com");
    assert_eq!(customer["displayName"], "Storefront Auth");
    assert_eq!(customer["acceptsMarketing"], true);
    assert_eq!(customer["numberOfOrders"], "0");
    assert_eq!(customer["tags"], json!([]));
    assert_eq!(customer["phone"], Value::Null);
    assert!(is_shopify_datetime(&customer["createdAt"]), "{customer}");
    assert_eq!(customer["createdAt"], customer["updatedAt"]);
    assert_eq!(payload["customerUserErrors"], json!([]));
    assert_eq!(payload["userErrors"], json!([]));
    // Enabled: the new customer can log in at once.
    let login = app.login("storefront.auth@example.com", PASSWORD).await;
    assert!(
        login["data"]["customerAccessTokenCreate"]["customerAccessToken"]["accessToken"]
            .is_string()
    );
}

#[tokio::test]
async fn accepts_marketing_defaults_to_false_and_display_name_falls_back_to_email() {
    let app = TestApp::spawn().await;
    let payload = create(
        &app,
        json!({ "email": "nameless@example.com", "password": PASSWORD }),
    )
    .await;
    assert_eq!(payload["customer"]["acceptsMarketing"], false);
    assert_eq!(payload["customer"]["displayName"], "nameless@example.com");
    assert_eq!(payload["customer"]["firstName"], Value::Null);
}

#[tokio::test]
async fn duplicate_email_is_taken_whatever_its_case() {
    let app = TestApp::spawn().await;
    app.create_customer("dup@example.com").await;
    let payload = create(
        &app,
        json!({ "email": "DUP@Example.COM", "password": PASSWORD }),
    )
    .await;
    assert_eq!(payload["customer"], Value::Null);
    assert_eq!(
        payload["customerUserErrors"],
        json!([{ "field": ["input", "email"], "message": "Email has already been taken", "code": "TAKEN" }])
    );
    assert_eq!(
        payload["userErrors"],
        json!([{ "field": ["input", "email"], "message": "Email has already been taken" }])
    );
}

#[tokio::test]
async fn every_invalid_field_is_reported_at_once() {
    let app = TestApp::spawn().await;
    let payload = create(
        &app,
        json!({
            "email": "not-an-email",
            "password": "short",
            "firstName": "<b>Bad</b>",
            "lastName": "see https://spam.example",
            "phone": "12345"
        }),
    )
    .await;
    assert_eq!(payload["customer"], Value::Null);
    let found = errors(&payload);
    let expected = [
        (
            json!(["input", "firstName"]),
            "CONTAINS_HTML_TAGS",
            "First name cannot contain HTML tags",
        ),
        (
            json!(["input", "lastName"]),
            "CONTAINS_URL",
            "Last name cannot contain a URL",
        ),
        (json!(["input", "email"]), "INVALID", "Email is invalid"),
        (json!(["input", "phone"]), "INVALID", "Phone is invalid"),
        (
            json!(["input", "password"]),
            "TOO_SHORT",
            "Password is too short (minimum is 8 characters)",
        ),
    ];
    assert_eq!(found.len(), expected.len(), "{payload}");
    for (field, code, message) in expected {
        assert!(
            found.contains(&(field.clone(), code.to_owned(), message.to_owned())),
            "missing {field} {code}: {payload}"
        );
    }
    assert_eq!(payload["userErrors"].as_array().map(Vec::len), Some(5));
}

#[tokio::test]
async fn password_rules_have_codes_and_messages() {
    let app = TestApp::spawn().await;
    let cases = [
        ("", "BLANK", "Password can't be blank".to_owned()),
        (
            "1234567",
            "TOO_SHORT",
            "Password is too short (minimum is 8 characters)".to_owned(),
        ),
        (
            &*"x".repeat(257),
            "TOO_LONG",
            "Password is too long (maximum is 256 characters)".to_owned(),
        ),
        (
            " padded-password",
            "PASSWORD_STARTS_OR_ENDS_WITH_WHITESPACE",
            "Password cannot start or end with whitespace".to_owned(),
        ),
    ];
    for (password, code, message) in cases {
        let payload = create(
            &app,
            json!({ "email": "rules@example.com", "password": password }),
        )
        .await;
        assert_eq!(
            errors(&payload),
            vec![(json!(["input", "password"]), code.to_owned(), message)],
            "{password:?}"
        );
    }
}

#[tokio::test]
async fn shopify_password_length_is_one_setting_away() {
    let app = TestApp::spawn_with(|config| {
        config.password.min_length = 5;
        config.password.max_length = 40;
    })
    .await;
    let short = create(
        &app,
        json!({ "email": "s@example.com", "password": "abcd" }),
    )
    .await;
    assert_eq!(
        short["customerUserErrors"][0]["message"],
        "Password is too short (minimum is 5 characters)"
    );
    let long = create(
        &app,
        json!({ "email": "s@example.com", "password": "a".repeat(41) }),
    )
    .await;
    assert_eq!(
        long["customerUserErrors"][0]["message"],
        "Password is too long (maximum is 40 characters)"
    );
    let ok = create(
        &app,
        json!({ "email": "s@example.com", "password": "abcde" }),
    )
    .await;
    assert_eq!(ok["customerUserErrors"], json!([]));
}

#[tokio::test]
async fn email_with_an_impossible_domain_is_bad_domain() {
    let app = TestApp::spawn().await;
    let payload = create(
        &app,
        json!({ "email": "someone@localhost", "password": PASSWORD }),
    )
    .await;
    assert_eq!(
        errors(&payload),
        vec![(
            json!(["input", "email"]),
            "BAD_DOMAIN".to_owned(),
            "Email contains an invalid domain name".to_owned()
        )]
    );
}

#[tokio::test]
async fn phone_is_stored_in_e164_and_unique() {
    let app = TestApp::spawn().await;
    let first = create(
        &app,
        json!({ "email": "p1@example.com", "password": PASSWORD, "phone": "+1 (613) 555-0074" }),
    )
    .await;
    assert_eq!(first["customer"]["phone"], "+16135550074");
    let second = create(
        &app,
        json!({ "email": "p2@example.com", "password": PASSWORD, "phone": "+16135550074" }),
    )
    .await;
    assert_eq!(
        errors(&second),
        vec![(
            json!(["input", "phone"]),
            "TAKEN".to_owned(),
            "Phone has already been taken".to_owned()
        )]
    );
}

#[tokio::test]
async fn email_and_phone_both_taken_are_both_reported() {
    let app = TestApp::spawn().await;
    create(
        &app,
        json!({ "email": "both@example.com", "password": PASSWORD, "phone": "+442079460958" }),
    )
    .await;
    let again = create(
        &app,
        json!({ "email": "both@example.com", "password": PASSWORD, "phone": "+44 20 7946 0958" }),
    )
    .await;
    let codes: Vec<_> = errors(&again)
        .into_iter()
        .map(|(field, code, _)| (field, code))
        .collect();
    assert_eq!(
        codes,
        vec![
            (json!(["input", "email"]), "TAKEN".to_owned()),
            (json!(["input", "phone"]), "TAKEN".to_owned())
        ]
    );
}

#[tokio::test]
async fn names_are_trimmed_and_blank_names_are_null() {
    let app = TestApp::spawn().await;
    let payload = create(
        &app,
        json!({ "email": "trim@example.com", "password": PASSWORD, "firstName": "  Grace ", "lastName": "   " }),
    )
    .await;
    assert_eq!(payload["customer"]["firstName"], "Grace");
    assert_eq!(payload["customer"]["lastName"], Value::Null);
    assert_eq!(payload["customer"]["displayName"], "Grace");
}

#[tokio::test]
async fn leaked_and_guessable_passwords_are_refused_with_a_reason() {
    let app = TestApp::spawn_with(|config| config.shop.name = "Blue Harbour".to_owned()).await;
    for (email, password, message) in [
        (
            "weak@example.com",
            "password123",
            "Password is too common: choose one that is harder to guess",
        ),
        (
            "grace.hopper@example.com",
            "GRACE.HOPPER-rules",
            "Password must not contain your email address",
        ),
        (
            "shopper@example.com",
            "blue harbour 2026",
            "Password must not contain the shop's name",
        ),
    ] {
        let payload = create(&app, json!({ "email": email, "password": password })).await;
        assert_eq!(
            errors(&payload),
            vec![(
                json!(["input", "password"]),
                "INVALID".to_owned(),
                message.to_owned()
            )],
            "{password}"
        );
    }
}

#[tokio::test]
async fn whitespace_around_the_email_does_not_skip_the_password_rules() {
    let app = TestApp::spawn().await;
    for email in [
        "wslead@example.com",
        " wslead@example.com",
        "\twslead@example.com",
        "wslead@example.com ",
    ] {
        let payload = create(
            &app,
            json!({ "email": email, "password": "Wslead-Secret-Pass-13" }),
        )
        .await;
        assert_eq!(payload["customer"], Value::Null, "{email:?}: {payload}");
        assert_eq!(
            errors(&payload),
            vec![(
                json!(["input", "password"]),
                "INVALID".to_owned(),
                "Password must not contain your email address".to_owned()
            )],
            "{email:?}"
        );
    }
}
