//! Outgoing webhooks: every write path emits exactly one event (with the topics of what it
//! changed), deliveries carry Shopify's and Standard Webhooks' headers and the REST bodies,
//! retries follow the configured schedule, `Retry-After` and `410` are honoured, secrets rotate,
//! and callback URLs on internal addresses are refused.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{Value, json};
use storefront::config::Config;
use storefront::domain::multipass::{MultipassKeys, encode};
use storefront::domain::webhook::{Topic, shopify_hmac, standard_signature};

use crate::support::receiver::{Received, Receiver};
use crate::support::smtp::{self, SmtpServer};
use crate::support::{PASSWORD, TestApp};

const MULTIPASS_SECRET: &str = "webhook-tests-multipass-secret";

const SUBSCRIBE: &str =
    "mutation($topic: WebhookSubscriptionTopic!, $input: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $input) {
    webhookSubscription { id topic uri includeFields name state }
    secret
    userErrors { field message code }
  }
}";

fn allow_loopback(config: &mut Config) {
    config.webhooks.allow_private_targets = true;
    config.webhooks.poll_interval_ms = 100;
}

/// Subscribes `url` to `topic`; the subscription's id and secret.
async fn subscribe(
    app: &TestApp,
    admin: &str,
    topic: Topic,
    url: &str,
    extra: Value,
) -> (String, String) {
    let mut input = json!({ "uri": url });
    if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
        input.extend(extra.clone());
    }
    let created = app
        .admin(
            admin,
            SUBSCRIBE,
            json!({ "topic": topic.enum_name(), "input": input }),
        )
        .await;
    let payload = &created["data"]["webhookSubscriptionCreate"];
    assert_eq!(payload["userErrors"], json!([]), "{created}");
    (
        payload["webhookSubscription"]["id"]
            .as_str()
            .expect("an id")
            .to_owned(),
        payload["secret"].as_str().expect("the secret").to_owned(),
    )
}

/// The table of write paths: what each delivered since the one before.
struct Table<'a> {
    receiver: &'a Receiver,
    seen: usize,
    paths: usize,
    events: Vec<String>,
}

impl<'a> Table<'a> {
    fn new(receiver: &'a Receiver) -> Self {
        Self {
            receiver,
            seen: receiver.received().len(),
            paths: 0,
            events: Vec::new(),
        }
    }

    /// The path just taken delivered one event with exactly these topics (none: no event).
    async fn expect(&mut self, path: &str, topics: &[Topic]) {
        let received = self
            .receiver
            .settle(Duration::from_millis(400), Duration::from_secs(10))
            .await
            .split_off(self.seen);
        self.seen += received.len();
        let events: BTreeSet<String> = received.iter().map(Received::event_id).collect();
        let got: BTreeSet<String> = received.iter().map(Received::topic).collect();
        let want: BTreeSet<String> = topics.iter().map(|t| t.as_str().to_owned()).collect();
        assert_eq!(got, want, "{path}: the topics of its event");
        assert_eq!(
            received.len(),
            topics.len(),
            "{path}: one delivery per topic"
        );
        assert_eq!(
            events.len(),
            usize::from(!topics.is_empty()),
            "{path}: one event, got {events:?}"
        );
        self.paths += 1;
        self.events.extend(events);
    }
}

fn multipass_token(email: &str) -> String {
    let created_at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .expect("a time");
    encode(
        &MultipassKeys::new(MULTIPASS_SECRET),
        &json!({ "email": email, "created_at": created_at }),
    )
}

/// The table the issue asks for: each write path, by whichever surface it comes in, emits one
/// event (one `X-Shopify-Event-Id`) with exactly the topics of what it changed. Reading and
/// asking for a reset link emit nothing.
#[tokio::test]
async fn every_write_path_emits_exactly_one_event() {
    let mail = SmtpServer::start();
    let port = mail.port;
    let app = TestApp::spawn_with(|config| {
        allow_loopback(config);
        config.multipass_secret = Some(MULTIPASS_SECRET.to_owned().into());
        config.mail.smtp = Some(storefront::config::SmtpConfig {
            host: "127.0.0.1".to_owned(),
            port,
            tls: storefront::config::SmtpTls::None,
            username: None,
            password: None,
            timeout_seconds: 5,
        });
    })
    .await;
    let admin = app
        .admin_token("read_customers,write_customers,read_orders,write_orders")
        .await;
    let receiver = Receiver::start().await;
    for topic in Topic::ALL {
        subscribe(
            &app,
            &admin,
            topic,
            &receiver.url(&format!("/{}", topic.as_str())),
            json!({}),
        )
        .await;
    }
    let shop = app.app.shop();
    let mut table = Table::new(&receiver);

    // The storefront.
    let created = app.create_customer("webhooks@example.com").await;
    let customer_id = created["id"].as_str().expect("a customer id").to_owned();
    table
        .expect("storefront customerCreate", &[Topic::CustomersCreate])
        .await;

    let token = app
        .signed_in_customer_existing("webhooks@example.com")
        .await;
    table.expect("storefront login (no change)", &[]).await;

    app.graphql(
        "mutation($t: String!) { customerUpdate(customerAccessToken: $t, customer: { firstName: \"Grace\", acceptsMarketing: true }) { customerUserErrors { code } } }",
        json!({ "t": token }),
    )
    .await;
    table
        .expect(
            "storefront customerUpdate",
            &[
                Topic::CustomersUpdate,
                Topic::CustomersEmailMarketingConsentUpdate,
            ],
        )
        .await;

    let address = app
        .graphql(
            "mutation($t: String!) { customerAddressCreate(customerAccessToken: $t, address: { address1: \"1 Main St\", city: \"Ottawa\", country: \"Canada\" }) { customerUserErrors { code } } }",
            json!({ "t": token }),
        )
        .await;
    assert_eq!(
        address["data"]["customerAddressCreate"]["customerUserErrors"],
        json!([]),
        "{address}"
    );
    table
        .expect(
            "storefront customerAddressCreate",
            &[Topic::CustomersUpdate],
        )
        .await;

    app.graphql(
        "mutation($t: String!) { customerUpdate(customerAccessToken: $t, customer: { email: \"webhooks.new@example.com\" }) { customerUserErrors { code } } }",
        json!({ "t": token }),
    )
    .await;
    table
        .expect("storefront email change", &[Topic::CustomersUpdate])
        .await;

    // Recovery asks for a link (no change); the reset with it is one.
    let mails = mail.messages().len();
    app.graphql(
        "mutation { customerRecover(email: \"webhooks.new@example.com\") { customerUserErrors { code } } }",
        json!({}),
    )
    .await;
    let messages = mail.wait_for(mails + 1).await;
    table
        .expect("storefront customerRecover (no change)", &[])
        .await;
    let url = smtp::link(&messages[mails], "reset");
    let reset = app
        .graphql(
            "mutation($url: URL!, $p: String!) { customerResetByUrl(resetUrl: $url, password: $p) { customerUserErrors { code } } }",
            json!({ "url": url, "p": PASSWORD }),
        )
        .await;
    assert_eq!(
        reset["data"]["customerResetByUrl"]["customerUserErrors"],
        json!([]),
        "{reset}"
    );
    table
        .expect(
            "storefront customerResetByUrl",
            &[Topic::CustomersPasswordReset, Topic::CustomersUpdate],
        )
        .await;

    let multipass = app
        .graphql(
            "mutation($m: String!) { customerAccessTokenCreateWithMultipass(multipassToken: $m) { customerUserErrors { code } } }",
            json!({ "m": multipass_token("multipass@example.com") }),
        )
        .await;
    assert_eq!(
        multipass["data"]["customerAccessTokenCreateWithMultipass"]["customerUserErrors"],
        json!([]),
        "{multipass}"
    );
    table
        .expect("Multipass sign-in that creates", &[Topic::CustomersCreate])
        .await;

    // The admin API.
    let admin_created = app
        .admin(
            &admin,
            "mutation { customerCreate(input: { email: \"back.office@example.com\", tags: [\"vip\"] }) { customer { id } userErrors { message } } }",
            json!({}),
        )
        .await;
    let admin_customer = admin_created["data"]["customerCreate"]["customer"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{admin_created}"))
        .to_owned();
    table
        .expect(
            "admin customerCreate",
            &[Topic::CustomersCreate, Topic::CustomerTagsAdded],
        )
        .await;

    app.admin(
        &admin,
        "mutation($id: ID!) { customerUpdate(input: { id: $id, note: \"called\" }) { userErrors { message } } }",
        json!({ "id": admin_customer }),
    )
    .await;
    table
        .expect("admin customerUpdate", &[Topic::CustomersUpdate])
        .await;

    app.admin(
        &admin,
        "mutation($id: ID!) { tagsRemove(id: $id, tags: [\"vip\"]) { userErrors { message } } }",
        json!({ "id": admin_customer }),
    )
    .await;
    table
        .expect(
            "admin tagsRemove",
            &[Topic::CustomersUpdate, Topic::CustomerTagsRemoved],
        )
        .await;

    app.admin(
        &admin,
        "mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { userErrors { message } } }",
        json!({ "m": [{ "ownerId": admin_customer, "namespace": "custom", "key": "size", "type": "single_line_text_field", "value": "M" }] }),
    )
    .await;
    table
        .expect("admin metafieldsSet", &[Topic::CustomersUpdate])
        .await;

    app.admin(
        &admin,
        "mutation { customerSet(identifier: { email: \"synced@example.com\" }, input: { email: \"synced@example.com\" }) { userErrors { message } } }",
        json!({}),
    )
    .await;
    table
        .expect("admin customerSet (creates)", &[Topic::CustomersCreate])
        .await;

    // Activation of the customer the back office made, with the URL it generated.
    let activation = app
        .admin(
            &admin,
            "mutation($id: ID!) { customerGenerateAccountActivationUrl(customerId: $id) { accountActivationUrl } }",
            json!({ "id": admin_customer }),
        )
        .await;
    let activation_url =
        activation["data"]["customerGenerateAccountActivationUrl"]["accountActivationUrl"]
            .as_str()
            .unwrap_or_else(|| panic!("{activation}"))
            .to_owned();
    table.expect("admin activation URL (no change)", &[]).await;
    let activated = app
        .graphql(
            "mutation($url: URL!, $p: String!) { customerActivateByUrl(activationUrl: $url, password: $p) { customerUserErrors { code } } }",
            json!({ "url": activation_url, "p": PASSWORD }),
        )
        .await;
    assert_eq!(
        activated["data"]["customerActivateByUrl"]["customerUserErrors"],
        json!([]),
        "{activated}"
    );
    table
        .expect(
            "storefront customerActivateByUrl",
            &[
                Topic::CustomersActivated,
                Topic::CustomersUpdate,
                Topic::CustomersEnable,
            ],
        )
        .await;

    // What the operator's command line runs.
    assert!(
        shop.customer_admin()
            .set_customer_enabled("back.office@example.com", false)
            .await
            .expect("disabled")
    );
    table
        .expect(
            "operator disable",
            &[Topic::CustomersUpdate, Topic::CustomersDisable],
        )
        .await;

    shop.customer_admin()
        .export_customer("back.office@example.com")
        .await
        .expect("exported")
        .expect("the customer");
    table
        .expect("operator export", &[Topic::CustomersDataRequest])
        .await;

    // Order ingest.
    let order = crate::support::orders::order(5_551_001, 1001, "webhooks.new@example.com");
    crate::support::orders::import(&app, std::slice::from_ref(&order)).await;
    table
        .expect("order import (new)", &[Topic::OrdersCreate])
        .await;
    let mut changed = order.clone();
    changed["note"] = json!("gift wrap");
    changed["updated_at"] = json!("2030-01-01T00:00:00-05:00");
    crate::support::orders::import(&app, &[changed]).await;
    table
        .expect("order import (changed)", &[Topic::OrdersUpdated])
        .await;

    // Customer import: a new record, the same record again, and a changed one.
    let imported =
        r#"{"id": "legacy-41", "email": "webhooks.imported@example.com", "first_name": "Ida"}"#;
    let options = storefront::accounts::ImportOptions::default();
    crate::support::customers::import_jsonl(&app, imported, options).await;
    table
        .expect("customer import (new)", &[Topic::CustomersCreate])
        .await;
    crate::support::customers::import_jsonl(&app, imported, options).await;
    table
        .expect("customer import (the same record again)", &[])
        .await;
    let renamed = imported.replace("Ida", "Ada");
    crate::support::customers::import_jsonl(&app, &renamed, options).await;
    table
        .expect("customer import (changed)", &[Topic::CustomersUpdate])
        .await;

    // Deletion and erasure.
    app.admin(
        &admin,
        "mutation($id: ID!) { customerDelete(input: { id: $id }) { deletedCustomerId } }",
        json!({ "id": admin_customer }),
    )
    .await;
    table
        .expect("admin customerDelete", &[Topic::CustomersDelete])
        .await;

    app.admin(
        &admin,
        "mutation($id: ID!) { customerRequestDataErasure(customerId: $id) { userErrors { message } } }",
        json!({ "id": customer_id }),
    )
    .await;
    table
        .expect(
            "admin customerRequestDataErasure",
            &[Topic::CustomersRedact, Topic::CustomersDelete],
        )
        .await;

    // Every event id is its own: no two paths share one.
    let distinct: BTreeSet<&String> = table.events.iter().collect();
    assert_eq!(distinct.len(), table.events.len());
    assert_eq!(table.paths, 24);
}

/// A delivery's headers name the topic, shop, version, delivery and event, and both signatures
/// verify over the raw body; the body is the REST resource at the 2025-01 shape; `includeFields`
/// narrows it; `X-Shopify-Name` carries the subscription's name.
#[tokio::test]
async fn deliveries_carry_both_signatures_and_the_rest_body() {
    let app = TestApp::spawn_with(allow_loopback).await;
    let admin = app.admin_token("read_customers,write_customers").await;
    let receiver = Receiver::start().await;
    let (_, secret) = subscribe(
        &app,
        &admin,
        Topic::CustomersCreate,
        &receiver.url("/full"),
        json!({ "name": "crm-sync" }),
    )
    .await;
    let (_, narrow_secret) = subscribe(
        &app,
        &admin,
        Topic::CustomersCreate,
        &receiver.url("/narrow"),
        json!({ "includeFields": ["id", "email", "addresses.city"] }),
    )
    .await;
    let created = app.create_customer("signed@example.com").await;
    let received = receiver.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 2, "one delivery per subscription");
    let full = received
        .iter()
        .find(|r| r.path == "/full")
        .expect("the full delivery");
    let narrow = received
        .iter()
        .find(|r| r.path == "/narrow")
        .expect("the narrow delivery");

    for (delivery, secret) in [(full, &secret), (narrow, &narrow_secret)] {
        assert_eq!(delivery.topic(), "customers/create");
        assert_eq!(delivery.header("content-type"), "application/json");
        assert_eq!(
            delivery.header("x-shopify-shop-domain"),
            app.config.shop.domain
        );
        assert_eq!(delivery.header("x-shopify-api-version"), "2025-01");
        assert!(!delivery.header("x-shopify-triggered-at").is_empty());
        assert_eq!(delivery.header("webhook-id"), delivery.delivery_id());
        assert_eq!(
            delivery.header("x-shopify-hmac-sha256"),
            shopify_hmac(secret, &delivery.body)
        );
        let timestamp: i64 = delivery
            .header("webhook-timestamp")
            .parse()
            .expect("seconds");
        assert!((timestamp - crate::support::now()).abs() < 60);
        assert_eq!(
            delivery.header("webhook-signature"),
            standard_signature(
                &[secret.as_str()],
                &delivery.delivery_id(),
                timestamp,
                &delivery.body
            )
        );
    }
    assert_eq!(
        full.event_id(),
        narrow.event_id(),
        "one event, two deliveries"
    );
    assert_ne!(full.delivery_id(), narrow.delivery_id());
    assert_eq!(full.header("x-shopify-name"), "crm-sync");
    assert_eq!(narrow.header("x-shopify-name"), "");

    let body = full.json();
    let number = created["id"]
        .as_str()
        .expect("id")
        .rsplit('/')
        .next()
        .expect("number")
        .to_owned();
    assert_eq!(body["id"].to_string(), number);
    assert_eq!(body["email"], "signed@example.com");
    assert_eq!(body["state"], "enabled");
    assert_eq!(body["admin_graphql_api_id"], created["id"]);
    assert!(body["addresses"].is_array());
    for dropped in [
        "tags",
        "email_marketing_consent",
        "sms_marketing_consent",
        "orders_count",
    ] {
        assert!(
            body.get(dropped).is_none(),
            "{dropped} left customer bodies in 2025-01"
        );
    }
    // The attempts are counted per subscription and outcome.
    let metrics = app.get("/metrics").await.body;
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("storefront_webhook_attempts_total{")
                && l.contains("outcome=\"delivered\"")),
        "{metrics}"
    );
    let narrow_body = narrow.json();
    let keys: BTreeSet<&str> = narrow_body
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, BTreeSet::from(["addresses", "email", "id"]));
}

/// A receiver that is down gets the attempts at the configured times (±10 %), everything
/// arrives once it is back, per customer in commit order; a delivery given up is sent again by
/// `webhookDeliveryRetry` with the same delivery id.
#[tokio::test]
async fn retries_follow_the_schedule_and_nothing_is_lost_while_the_receiver_is_down() {
    let app = TestApp::spawn_with(|config| {
        allow_loopback(config);
        config.webhooks.retry_schedule = "2s, 3s, 3s".to_owned();
    })
    .await;
    let admin = app.admin_token("read_customers,write_customers").await;
    let receiver = Receiver::start().await;
    subscribe(
        &app,
        &admin,
        Topic::CustomersUpdate,
        &receiver.url("/hook"),
        json!({}),
    )
    .await;
    receiver.answer(503, None);
    let token = app.signed_in_customer("down@example.com").await;
    for name in ["One", "Two", "Three"] {
        app.graphql(
            "mutation($t: String!, $n: String!) { customerUpdate(customerAccessToken: $t, customer: { firstName: $n }) { customerUserErrors { code } } }",
            json!({ "t": token, "n": name }),
        )
        .await;
    }
    // First attempt at once, then after 2 s and 3 s: three failures of the first update (the
    // later ones wait behind it: one customer's events go in commit order).
    let failed = receiver.wait_for(3, Duration::from_secs(10)).await;
    receiver.answer(200, None);
    // The fourth attempt of the first (3 s later) succeeds; the two others follow at once.
    let all = receiver.wait_for(6, Duration::from_secs(10)).await;
    assert_eq!(all.len(), 6, "three failures, then three deliveries");
    assert!(
        failed
            .iter()
            .all(|r| r.delivery_id() == failed[0].delivery_id()),
        "the first delivery is retried alone"
    );
    for (index, expected) in [(1, 2.0_f64), (2, 3.0)] {
        let gap = failed[index]
            .at
            .duration_since(failed[index - 1].at)
            .as_secs_f64();
        assert!(
            (gap - expected).abs() <= expected * 0.1,
            "attempt {index} came {gap:.3} s after the previous one, not {expected} s ±10 %"
        );
    }
    // Once back: the retried one, then the two others, in order; each delivery id once among
    // the successful ones.
    let delivered: Vec<&Received> = all[3..].iter().collect();
    let names: Vec<String> = delivered
        .iter()
        .map(|r| {
            r.json()["first_name"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(names, ["One", "Two", "Three"], "commit order");
    let ids: BTreeSet<String> = delivered.iter().map(|r| r.delivery_id()).collect();
    assert_eq!(ids.len(), 3);

    // A receiver gone for the whole schedule: given up, then retried by hand.
    receiver.answer(500, None);
    app.graphql(
        "mutation($t: String!) { customerUpdate(customerAccessToken: $t, customer: { lastName: \"Given-up\" }) { customerUserErrors { code } } }",
        json!({ "t": token }),
    )
    .await;
    let before = receiver.received().len();
    let tries = receiver.wait_for(before + 4, Duration::from_secs(15)).await;
    let last = tries.last().expect("attempts").delivery_id();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        receiver.received().len(),
        before + 4,
        "1 attempt and 3 retries, then given up"
    );
    let listed = app
        .admin(
            &admin,
            "{ webhookDeliveries(status: FAILED) { id status attempts lastStatus } }",
            json!({}),
        )
        .await;
    let failed = &listed["data"]["webhookDeliveries"];
    assert_eq!(failed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(failed[0]["attempts"], 4);
    assert_eq!(failed[0]["lastStatus"], 500);
    assert_eq!(
        failed[0]["id"],
        format!("gid://shopify/WebhookDelivery/{last}")
    );
    receiver.answer(200, None);
    let retried = app
        .admin(
            &admin,
            "mutation($id: ID!) { webhookDeliveryRetry(id: $id) { delivery { status } userErrors { message } } }",
            json!({ "id": failed[0]["id"] }),
        )
        .await;
    assert_eq!(
        retried["data"]["webhookDeliveryRetry"]["userErrors"],
        json!([]),
        "{retried}"
    );
    let again = receiver.wait_for(before + 5, Duration::from_secs(10)).await;
    assert_eq!(
        again[before + 4].delivery_id(),
        last,
        "the same delivery id"
    );
}

/// `Retry-After` pushes the next attempt back; `410 Gone` disables the subscription, whose
/// pending deliveries then wait until it is updated.
#[tokio::test]
async fn retry_after_is_honoured_and_gone_disables_the_subscription() {
    let app = TestApp::spawn_with(|config| {
        allow_loopback(config);
        config.webhooks.retry_schedule = "1s, 1s, 1s".to_owned();
    })
    .await;
    let admin = app.admin_token("read_customers,write_customers").await;
    let receiver = Receiver::start().await;
    let (id, _) = subscribe(
        &app,
        &admin,
        Topic::CustomersCreate,
        &receiver.url("/hook"),
        json!({}),
    )
    .await;
    receiver.answer(429, Some("3"));
    app.create_customer("throttled@example.com").await;
    let first_two = receiver.wait_for(2, Duration::from_secs(10)).await;
    let gap = first_two[1]
        .at
        .duration_since(first_two[0].at)
        .as_secs_f64();
    assert!(
        (2.7..=3.5).contains(&gap),
        "Retry-After: 3 honoured, came after {gap:.3} s"
    );

    receiver.answer(410, None);
    let gone = receiver.wait_for(3, Duration::from_secs(10)).await.len();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    app.create_customer("after.gone@example.com").await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(
        receiver.received().len(),
        gone,
        "nothing goes to a gone endpoint"
    );
    let read = app
        .admin(&admin, "query($id: ID!) { webhookSubscription(id: $id) { state disabledReason consecutiveFailures } }", json!({ "id": id }))
        .await;
    assert_eq!(
        read["data"]["webhookSubscription"]["state"], "DISABLED",
        "{read}"
    );
    assert_eq!(
        read["data"]["webhookSubscription"]["disabledReason"],
        "the endpoint answered 410 Gone"
    );

    // Fixed: the update makes it active; what was pending goes out (a change made while it was
    // disabled made no delivery for it, as a deleted subscription would get none).
    receiver.answer(200, None);
    let updated = app
        .admin(
            &admin,
            "mutation($id: ID!, $url: String!) { webhookSubscriptionUpdate(id: $id, webhookSubscription: { uri: $url }) { webhookSubscription { state } userErrors { message } } }",
            json!({ "id": id, "url": receiver.url("/hook") }),
        )
        .await;
    assert_eq!(
        updated["data"]["webhookSubscriptionUpdate"]["webhookSubscription"]["state"],
        "ACTIVE"
    );
    let all = receiver
        .settle(Duration::from_millis(800), Duration::from_secs(10))
        .await;
    let emails: Vec<String> = all[gone..]
        .iter()
        .map(|r| r.json()["email"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(emails, ["throttled@example.com"]);
}

/// A subscription that fails for longer than the configured time is disabled.
#[tokio::test]
async fn a_subscription_failing_for_too_long_is_disabled() {
    let app = TestApp::spawn_with(|config| {
        allow_loopback(config);
        config.webhooks.retry_schedule = "1s, 1s, 1s, 1s, 1s".to_owned();
        config.webhooks.disable_after_failing_seconds = 2;
    })
    .await;
    let admin = app.admin_token("read_customers,write_customers").await;
    let receiver = Receiver::start().await;
    let (id, _) = subscribe(
        &app,
        &admin,
        Topic::CustomersCreate,
        &receiver.url("/hook"),
        json!({}),
    )
    .await;
    receiver.answer(500, None);
    app.create_customer("failing@example.com").await;
    let attempts = receiver
        .settle(Duration::from_millis(2_500), Duration::from_secs(15))
        .await
        .len();
    assert!(
        (3..=4).contains(&attempts),
        "attempts until 2 s of failure: {attempts}"
    );
    let read = app
        .admin(
            &admin,
            "query($id: ID!) { webhookSubscription(id: $id) { state disabledReason } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        read["data"]["webhookSubscription"]["state"], "DISABLED",
        "{read}"
    );
}

/// A rotated secret signs beside the previous one during the grace period (two
/// `webhook-signature` entries); Shopify's header uses the new one.
#[tokio::test]
async fn a_rotated_secret_signs_beside_the_previous_one() {
    let app = TestApp::spawn_with(allow_loopback).await;
    let admin = app.admin_token("read_customers,write_customers").await;
    let receiver = Receiver::start().await;
    let (id, old) = subscribe(
        &app,
        &admin,
        Topic::CustomersCreate,
        &receiver.url("/hook"),
        json!({}),
    )
    .await;
    let rotated = app
        .admin(
            &admin,
            "mutation($id: ID!) { webhookSubscriptionRotateSecret(id: $id) { secret userErrors { message } } }",
            json!({ "id": id }),
        )
        .await;
    let new = rotated["data"]["webhookSubscriptionRotateSecret"]["secret"]
        .as_str()
        .unwrap_or_else(|| panic!("{rotated}"))
        .to_owned();
    assert_ne!(new, old);
    assert!(new.starts_with("whsec_"));
    app.create_customer("rotated@example.com").await;
    let delivery = receiver
        .wait_for(1, Duration::from_secs(10))
        .await
        .remove(0);
    let timestamp: i64 = delivery
        .header("webhook-timestamp")
        .parse()
        .expect("seconds");
    assert_eq!(
        delivery.header("webhook-signature"),
        standard_signature(
            &[new.as_str(), old.as_str()],
            &delivery.delivery_id(),
            timestamp,
            &delivery.body
        )
    );
    assert_eq!(
        delivery.header("x-shopify-hmac-sha256"),
        shopify_hmac(&new, &delivery.body)
    );
    // The secret is shown only by the create and the rotation.
    let listed = app
        .admin(
            &admin,
            "{ webhookSubscriptions(first: 5) { nodes { id uri } } }",
            json!({}),
        )
        .await;
    assert!(!listed.to_string().contains("whsec_"));
}

/// Callback URLs on loopback, private and link-local addresses (and plain http) are refused
/// unless the setting allows them; the check runs again before each attempt.
#[tokio::test]
async fn internal_callback_urls_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token("read_customers,write_customers").await;
    for url in [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://localhost/hook",
        "http://hooks.example.com/plain-http",
        "https://user:secret@hooks.example.com/",
        "not a url",
    ] {
        let created = app
            .admin(
                &admin,
                SUBSCRIBE,
                json!({ "topic": "CUSTOMERS_CREATE", "input": { "uri": url } }),
            )
            .await;
        let payload = &created["data"]["webhookSubscriptionCreate"];
        assert_eq!(
            payload["webhookSubscription"],
            Value::Null,
            "{url}: {created}"
        );
        assert_eq!(payload["secret"], Value::Null);
        assert_eq!(
            payload["userErrors"][0]["field"],
            json!(["webhookSubscription", "uri"]),
            "{url}"
        );
        assert!(
            !created.to_string().contains("secret@"),
            "the URL's password is not echoed"
        );
    }
    let fine = app
        .admin(&admin, SUBSCRIBE, json!({ "topic": "CUSTOMERS_CREATE", "input": { "uri": "https://hooks.example.com/in" } }))
        .await;
    assert_eq!(
        fine["data"]["webhookSubscriptionCreate"]["userErrors"],
        json!([]),
        "{fine}"
    );

    // Allowed while the subscription was made, refused at the attempt once the setting is off.
    let receiver = Receiver::start().await;
    // Without background tasks: only the restarted app's sender may send.
    let mut app = TestApp::spawn_quiet_with(allow_loopback).await;
    let admin = app.admin_token("read_customers,write_customers").await;
    subscribe(
        &app,
        &admin,
        Topic::CustomersCreate,
        &receiver.url("/hook"),
        json!({}),
    )
    .await;
    app.restart_with(|config| config.webhooks.allow_private_targets = false)
        .await;
    app.create_customer("ssrf@example.com").await;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    assert!(
        receiver.received().is_empty(),
        "nothing reached the loopback receiver"
    );
    let listed = app
        .admin(
            &admin,
            "{ webhookDeliveries { status attempts lastError } }",
            json!({}),
        )
        .await;
    let delivery = &listed["data"]["webhookDeliveries"][0];
    assert_eq!(delivery["status"], "PENDING", "{listed}");
    assert!(
        delivery["lastError"]
            .as_str()
            .unwrap_or_default()
            .starts_with("callback URL refused"),
        "{listed}"
    );
}

/// `storefront webhooks`-style management through the use cases: replay makes new deliveries
/// of an old event (same event id, new delivery id).
#[tokio::test]
async fn an_event_is_replayed_with_its_id() {
    let app = TestApp::spawn_with(allow_loopback).await;
    let admin = app.admin_token("read_customers,write_customers").await;
    let receiver = Receiver::start().await;
    subscribe(
        &app,
        &admin,
        Topic::CustomersCreate,
        &receiver.url("/hook"),
        json!({}),
    )
    .await;
    app.create_customer("replayed@example.com").await;
    let first = receiver
        .wait_for(1, Duration::from_secs(10))
        .await
        .remove(0);
    let replay = app
        .admin(
            &admin,
            "mutation($e: ID!) { webhookEventReplay(eventId: $e) { deliveries { id eventId } userErrors { message } } }",
            json!({ "e": format!("gid://shopify/Event/{}", first.event_id()) }),
        )
        .await;
    assert_eq!(
        replay["data"]["webhookEventReplay"]["userErrors"],
        json!([]),
        "{replay}"
    );
    let again = receiver
        .wait_for(2, Duration::from_secs(10))
        .await
        .remove(1);
    assert_eq!(again.event_id(), first.event_id());
    assert_ne!(again.delivery_id(), first.delivery_id());
    assert_eq!(again.body, first.body, "the original body");
    let counts: BTreeMap<String, usize> =
        receiver
            .received()
            .iter()
            .fold(BTreeMap::new(), |mut m, r| {
                *m.entry(r.event_id()).or_default() += 1;
                m
            });
    assert_eq!(counts.len(), 1);
}
