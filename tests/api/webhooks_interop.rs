//! Every delivery verifies with the libraries receivers use, unchanged: `@shopify/shopify-api`'s
//! `webhooks.validate` (given the subscription's secret) and the `standardwebhooks` package's
//! `Webhook.verify`; the same delivery with one byte changed fails both
//! (tests/js/webhooks/receiver.mjs, a receiver that checks each delivery as it comes).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use storefront::domain::webhook::Topic;

use crate::support::TestApp;
use crate::support::socket::exchange;

fn js_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js")
}

/// The node receiver; killed when dropped.
struct NodeReceiver {
    child: Child,
    port: u16,
    lines: mpsc::Receiver<String>,
}

impl NodeReceiver {
    fn start() -> Self {
        let dir = js_dir();
        for package in ["@shopify/shopify-api", "standardwebhooks"] {
            assert!(
                dir.join("node_modules").join(package).is_dir(),
                "{package} is not installed: run `npm ci --prefix tests/js`"
            );
        }
        let mut child = Command::new("node")
            .arg(dir.join("webhooks/receiver.mjs"))
            .current_dir(&dir)
            // Open: the receiver stops when its stdin closes.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs (is Node.js installed?)");
        let stdout = child.stdout.take().expect("stdout");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = send.send(line);
            }
        });
        let first = lines
            .recv_timeout(Duration::from_secs(30))
            .expect("the receiver starts");
        let port = first
            .strip_prefix("listening ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("not the listening line: {first}"));
        Self { child, port, lines }
    }

    fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/hooks/{name}", self.port)
    }

    fn set_secret(&self, name: &str, secret: &str) {
        let request = format!(
            "PUT /secrets/{name} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{secret}",
            secret.len()
        );
        let answer = exchange(&format!("127.0.0.1:{}", self.port), &request);
        assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
    }

    /// The checks of `count` deliveries, as the receiver printed them. Polls, so that the
    /// server keeps running on this test's runtime meanwhile.
    async fn checked(&self, count: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut checked = Vec::new();
        while checked.len() < count {
            match self.lines.try_recv() {
                Ok(line) => checked.push(serde_json::from_str(&line).expect("a JSON line")),
                Err(_) => {
                    assert!(
                        Instant::now() < deadline,
                        "{count} deliveries, got {}: {checked:?}",
                        checked.len()
                    );
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
        checked
    }
}

impl Drop for NodeReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn every_delivery_verifies_with_shopify_api_and_standardwebhooks() {
    let receiver = NodeReceiver::start();
    let app = TestApp::spawn_with(|config| {
        config.webhooks.allow_private_targets = true;
    })
    .await;
    let admin = app.admin_token("read_customers,write_customers").await;
    let topics = [
        ("create", Topic::CustomersCreate, json!({})),
        (
            "update",
            Topic::CustomersUpdate,
            json!({ "includeFields": ["id", "email", "first_name"] }),
        ),
        (
            "tags",
            Topic::CustomerTagsAdded,
            json!({ "name": "loyalty" }),
        ),
        ("delete", Topic::CustomersDelete, json!({})),
        ("redact", Topic::CustomersRedact, json!({})),
    ];
    let mut ids = Vec::new();
    for (name, topic, extra) in &topics {
        let mut input = json!({ "uri": receiver.url(name) });
        if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
            input.extend(extra.clone());
        }
        let created = app
            .admin(
                &admin,
                "mutation($topic: WebhookSubscriptionTopic!, $input: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: $input) { webhookSubscription { id } secret userErrors { message } } }",
                json!({ "topic": topic.enum_name(), "input": input }),
            )
            .await;
        let payload = &created["data"]["webhookSubscriptionCreate"];
        receiver.set_secret(
            name,
            payload["secret"]
                .as_str()
                .unwrap_or_else(|| panic!("{created}")),
        );
        ids.push(payload["webhookSubscription"]["id"].clone());
    }
    // A rotation: the update deliveries carry two signatures, the receiver knows the new secret.
    let rotated = app
        .admin(
            &admin,
            "mutation($id: ID!) { webhookSubscriptionRotateSecret(id: $id) { secret } }",
            json!({ "id": ids[1] }),
        )
        .await;
    receiver.set_secret(
        "update",
        rotated["data"]["webhookSubscriptionRotateSecret"]["secret"]
            .as_str()
            .expect("a secret"),
    );

    let created = app.create_customer("verified@example.com").await;
    let token = app
        .signed_in_customer_existing("verified@example.com")
        .await;
    app.graphql(
        "mutation($t: String!) { customerUpdate(customerAccessToken: $t, customer: { firstName: \"Zoë ✓\" }) { customerUserErrors { code } } }",
        json!({ "t": token }),
    )
    .await;
    app.admin(
        &admin,
        "mutation($id: ID!) { tagsAdd(id: $id, tags: [\"gold\", \"früh\"]) { userErrors { message } } }",
        json!({ "id": created["id"] }),
    )
    .await;
    // Delivered before the erasure, which drops what is still queued about the customer.
    let mut checked = receiver.checked(4).await;
    app.admin(
        &admin,
        "mutation($id: ID!) { customerRequestDataErasure(customerId: $id) { userErrors { message } } }",
        json!({ "id": created["id"] }),
    )
    .await;

    // create, update (profile), update + tags (tagsAdd), redact + delete (erasure).
    checked.extend(receiver.checked(2).await);
    let names: std::collections::BTreeMap<String, usize> =
        checked.iter().fold(Default::default(), |mut m, c| {
            *m.entry(c["name"].as_str().unwrap_or_default().to_owned())
                .or_default() += 1;
            m
        });
    assert_eq!(
        names,
        [
            ("create", 1),
            ("delete", 1),
            ("redact", 1),
            ("tags", 1),
            ("update", 2)
        ]
        .into_iter()
        .map(|(n, c)| (n.to_owned(), c))
        .collect()
    );
    for check in &checked {
        assert_eq!(
            check["shopify"], true,
            "@shopify/shopify-api accepts it: {check}"
        );
        assert_eq!(
            check["standard"], true,
            "standardwebhooks accepts it: {check}"
        );
        assert_eq!(
            check["tamperedShopify"], false,
            "a changed byte fails Shopify's check: {check}"
        );
        assert_eq!(
            check["tamperedStandard"], false,
            "a changed byte fails Standard Webhooks': {check}"
        );
        assert_eq!(check["standardId"], check["webhookId"]);
        let expected_signatures = if check["name"] == "update" { 2 } else { 1 };
        assert_eq!(check["signatures"], expected_signatures, "{check}");
    }
}
