//! Orders for the benchmark: the template the `account` scenario's seeded orders are copied from,
//! and `generate-orders`, which writes an import file of many orders in Shopify's REST Order JSON,
//! one per line, each a renumbered copy of the same real webhook body
//! (tests/fixtures/shopify-order-webhook.json). The file is the same for the same arguments.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use serde_json::Value;
use sha2::Digest;
use storefront::domain::order::{Order, parse_order};

/// A real `orders/create` webhook body: two line items, a discount, a fulfillment.
const WEBHOOK: &[u8] = include_bytes!("../../tests/fixtures/shopify-order-webhook.json");

/// The first generated order id (Shopify's order ids are 13 digits; these are above the
/// fixture's and below the ids the seeding gives).
const FIRST_ORDER_ID: u64 = 8_000_000_000_000;
/// The first generated customer id.
const FIRST_CUSTOMER_ID: u64 = 8_000_000_000_000;

#[derive(Subcommand)]
pub enum Command {
    /// Writes an import file: `--orders` orders in Shopify's REST Order JSON, one per line
    /// (JSON Lines, for `storefront orders import --format jsonl`), made from a real webhook
    /// body, renumbered, with `--line-items` lines each, spread over `--customers` customers.
    GenerateOrders {
        /// Where to write (`-` for standard output).
        file: PathBuf,
        #[arg(long, default_value_t = 100_000)]
        orders: u64,
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=1000))]
        line_items: u16,
        /// Distinct customers (and emails) the orders belong to.
        #[arg(long, default_value_t = 10_000)]
        customers: u64,
    },
}

/// The parsed webhook body, which the seeded orders copy.
pub fn template() -> anyhow::Result<Order> {
    parse_order(WEBHOOK).context("the order fixture does not parse")
}

pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::GenerateOrders {
            file,
            orders,
            line_items,
            customers,
        } => {
            let started = std::time::Instant::now();
            let out: Box<dyn Write> = if file.as_os_str() == "-" {
                Box::new(std::io::stdout().lock())
            } else {
                Box::new(
                    std::fs::File::create(&file)
                        .with_context(|| format!("creating {}", file.display()))?,
                )
            };
            let mut out = std::io::BufWriter::with_capacity(1 << 20, out);
            let template: Value = serde_json::from_slice(WEBHOOK)?;
            let mut bytes = 0u64;
            let mut line = Vec::new();
            for n in 0..orders {
                let order = generated_order(&template, n, usize::from(line_items), customers)?;
                line.clear();
                serde_json::to_writer(&mut line, &order)?;
                line.push(b'\n');
                out.write_all(&line)?;
                bytes += line.len() as u64;
            }
            out.flush()?;
            eprintln!(
                "wrote {orders} orders, {} line items, {:.0} MiB, in {:.1} s",
                orders * u64::from(line_items),
                bytes as f64 / 1_048_576.0,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}

/// 32 hex digits that depend only on `seed`: the generated orders' keys and tokens.
fn hex32(seed: &str) -> String {
    let digest = sha2::Sha256::digest(seed.as_bytes());
    hex::encode(&digest[..16])
}

fn rfc3339(unix: i64) -> anyhow::Result<String> {
    Ok(time::OffsetDateTime::from_unix_timestamp(unix)?
        .format(&time::format_description::well_known::Rfc3339)?)
}

/// The `n`th order of the file: the webhook body with its ids, number, customer, dates, key and
/// lines made its own. Totals are the fixture's (an import stores them as sent).
fn generated_order(
    template: &Value,
    n: u64,
    line_items: usize,
    customers: u64,
) -> anyhow::Result<Value> {
    let mut order = template.clone();
    let id = FIRST_ORDER_ID + n;
    let number = n + 1;
    // One order every five minutes from 2024-01-01T00:00:00Z; updated a day later.
    let at = 1_704_067_200 + 300 * i64::try_from(n)?;
    let customer = n % customers.max(1);
    let customer_id = FIRST_CUSTOMER_ID + customer;
    let email = format!("import-customer-{customer}@example.com");
    let key = hex32(&format!("key-{n}"));
    let token = hex32(&format!("token-{n}"));
    order["id"] = id.into();
    order["admin_graphql_api_id"] = format!("gid://shopify/Order/{id}").into();
    order["name"] = format!("#{}", number + 1000).into();
    order["number"] = number.into();
    order["order_number"] = (number + 1000).into();
    order["confirmation_number"] = hex32(&format!("confirmation-{n}"))[..9]
        .to_ascii_uppercase()
        .into();
    order["created_at"] = rfc3339(at)?.into();
    order["processed_at"] = rfc3339(at)?.into();
    order["updated_at"] = rfc3339(at + 86_400)?.into();
    order["email"] = email.clone().into();
    order["contact_email"] = email.clone().into();
    order["token"] = token.clone().into();
    order["order_status_url"] = format!(
        "https://northwind-coffee.myshopify.com/73459876098/orders/{token}/authenticate?key={key}"
    )
    .into();
    let person = &mut order["customer"];
    person["id"] = customer_id.into();
    person["admin_graphql_api_id"] = format!("gid://shopify/Customer/{customer_id}").into();
    person["email"] = email.into();
    person["default_address"]["customer_id"] = customer_id.into();

    let lines = template["line_items"]
        .as_array()
        .context("the fixture has no line items")?;
    let mut made = Vec::with_capacity(line_items);
    for j in 0..line_items {
        let mut line = lines
            .get(j % lines.len().max(1))
            .cloned()
            .context("the fixture has no line items")?;
        let j64 = j as u64;
        let line_id = id * 1_000 + j64;
        line["id"] = line_id.into();
        line["admin_graphql_api_id"] = format!("gid://shopify/LineItem/{line_id}").into();
        for field in ["title", "name"] {
            if let Some(text) = line[field].as_str() {
                line[field] = format!("{text} {}", j + 1).into();
            }
        }
        if let Some(sku) = line["sku"].as_str() {
            line["sku"] = format!("{sku}-{}", j + 1).into();
        }
        for field in ["variant_id", "product_id"] {
            if let Some(value) = line[field].as_u64() {
                line[field] = (value + j64).into();
            }
        }
        made.push(line);
    }
    let first_line = id * 1_000;
    order["line_items"] = Value::Array(made);
    if let Some(fulfillments) = order["fulfillments"].as_array_mut() {
        for (f, fulfillment) in fulfillments.iter_mut().enumerate() {
            let fulfillment_id = id * 1_000 + f as u64;
            fulfillment["id"] = fulfillment_id.into();
            fulfillment["admin_graphql_api_id"] =
                format!("gid://shopify/Fulfillment/{fulfillment_id}").into();
            fulfillment["order_id"] = id.into();
            fulfillment["name"] = format!("#{}.{}", number + 1000, f + 1).into();
            if let Some(items) = fulfillment["line_items"].as_array_mut() {
                for item in items {
                    item["id"] = first_line.into();
                    item["admin_graphql_api_id"] =
                        format!("gid://shopify/LineItem/{first_line}").into();
                }
            }
        }
    }
    if let Some(shipping) = order["shipping_lines"].as_array_mut() {
        for (s, line) in shipping.iter_mut().enumerate() {
            line["id"] = (id * 1_000 + s as u64).into();
        }
    }
    Ok(order)
}
