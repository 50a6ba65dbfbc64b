//! `storefront orders`: import a shop's past orders into the read model.
//!
//! Import streams: records are read and parsed on a thread of their own while the previous batch
//! is written, and only a few batches are in memory at once, whatever the file's size. A record
//! that cannot be imported is refused and reported with its position; it never stops the import.
//! Importing is idempotent (the service keeps the newest version of each order), so a run that
//! stopped can simply be run again.
//!
//! Exit status: 0 when every record was imported, 1 when some were refused (the others were
//! imported), 2 when the import could not run to its end (usage, unreadable input, database).

mod input;
mod json_array;

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use indicatif::ProgressBar;
use serde::Serialize;
use storefront::accounts::{AccountError, ImportOutcome};
use storefront::config::Config;
use storefront::domain::order::Order;

use input::{JsonLines, JsonOrders, Position, Record, Records, ShopifyCsv};

#[derive(Subcommand)]
pub enum OrdersCommand {
    /// Import orders from a file; safe to run again.
    ///
    /// The formats: Shopify's REST Order JSON (the `orders/create` webhook body), one order per
    /// line or as an array, and Shopify's orders CSV export. An order imported before is updated
    /// when the file's version is newer and otherwise left alone. Exit status: 0 when every
    /// order was imported, 1 when some were refused (the others were imported), 2 when the
    /// import could not run to its end.
    Import(ImportArgs),
}

#[derive(Args)]
pub struct ImportArgs {
    /// The file's format.
    #[arg(long, value_enum)]
    format: Format,
    /// The file to import; `-` reads standard input.
    file: PathBuf,
    /// Orders written per database transaction.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    batch_size: u64,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// A JSON array of orders, `{"orders": [...]}` (the REST list shape), or one order.
    #[value(alias = "shopify-json")]
    Json,
    /// One order per line (JSON Lines).
    Jsonl,
    /// Shopify's orders CSV export (Orders → Export): one row per line item.
    ShopifyCsv,
}

/// The most refusals listed in the summary; the rest are counted.
const LISTED_REFUSALS: usize = 100;

pub async fn run(
    config: Config,
    shop: Option<String>,
    command: OrdersCommand,
) -> anyhow::Result<()> {
    match command {
        OrdersCommand::Import(args) => match import(&config, shop.as_deref(), args).await {
            Ok(summary) if summary.refused == 0 => Ok(()),
            Ok(summary) => Err(anyhow::anyhow!(
                "{} of {} order(s) were refused; the others were imported",
                summary.refused,
                summary.read
            )),
            // Not the exit status 1 of refusals: the import did not run to its end.
            Err(error) => Err(super::ExitWith { code: 2, error }.into()),
        },
    }
}

/// What an import did, printed at its end (also when it stopped early).
#[derive(Debug, Default, Serialize)]
struct Summary {
    read: u64,
    created: u64,
    updated: u64,
    unchanged: u64,
    refused: u64,
    refusals: Vec<Refusal>,
    /// Refusals beyond the listed ones.
    refusals_not_listed: u64,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
struct Refusal {
    line: u64,
    /// The element of a JSON array, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<u64>,
    /// The order's `Name` in a CSV export.
    #[serde(skip_serializing_if = "Option::is_none")]
    order: Option<String>,
    reason: String,
    #[serde(skip)]
    position: String,
}

impl Summary {
    fn refuse(&mut self, position: Position, reason: String) {
        self.refused += 1;
        if self.refusals.len() >= LISTED_REFUSALS {
            self.refusals_not_listed += 1;
            return;
        }
        let (record, order) = match &position {
            Position::Element { index, .. } => (Some(*index), None),
            Position::Rows { name, .. } => (None, name.clone()),
            Position::Line(_) => (None, None),
        };
        self.refusals.push(Refusal {
            line: position.line(),
            record,
            order,
            reason,
            position: position.to_string(),
        });
    }

    fn count(&mut self, outcomes: &[ImportOutcome]) {
        for outcome in outcomes {
            match outcome {
                ImportOutcome::Created => self.created += 1,
                ImportOutcome::Updated => self.updated += 1,
                ImportOutcome::Unchanged => self.unchanged += 1,
            }
        }
    }

    fn imported(&self) -> u64 {
        self.created + self.updated + self.unchanged
    }

    fn print(&self, json: bool) -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        if json {
            writeln!(out, "{}", serde_json::to_string_pretty(self)?)?;
            return Ok(());
        }
        writeln!(
            out,
            "read {}, created {}, updated {}, unchanged {}, refused {}",
            self.read, self.created, self.updated, self.unchanged, self.refused
        )?;
        for refusal in &self.refusals {
            writeln!(out, "{}: {}", refusal.position, refusal.reason)?;
        }
        if self.refusals_not_listed > 0 {
            writeln!(out, "and {} more refused", self.refusals_not_listed)?;
        }
        Ok(())
    }
}

async fn import(config: &Config, shop: Option<&str>, args: ImportArgs) -> anyhow::Result<Summary> {
    // The input is opened and its start checked before the database: a wrong file or format
    // fails at once.
    let input = super::file_import::open_input(&args.file)?;
    let records: Box<dyn Records> = match args.format {
        Format::Jsonl => Box::new(JsonLines::new(input)),
        Format::Json => Box::new(JsonOrders::new(input)?),
        Format::ShopifyCsv => Box::new(ShopifyCsv::new(input)?),
    };
    let accounts = super::open_shop(config, shop).await?;
    let orders = accounts.orders();
    let batch_size = usize::try_from(args.batch_size).unwrap_or(500);

    let progress = super::file_import::progress_bar("orders");
    let result = pump(records, batch_size, &progress, |batch| {
        orders.import_batch(batch)
    })
    .await;
    progress.finish_and_clear();
    let (summary, failure) = match result {
        Ok(summary) => (summary, None),
        Err((summary, failure)) => (summary, Some(failure)),
    };
    summary.print(args.json)?;
    match failure {
        None => Ok(summary),
        Some(failure) => Err(failure),
    }
}

/// Reads `records` on a blocking thread and hands batches to `import` as they fill. Returns
/// the summary, or the summary so far and why the import stopped.
async fn pump<F, Fut>(
    mut records: Box<dyn Records>,
    batch_size: usize,
    progress: &ProgressBar,
    mut import: F,
) -> Result<Summary, (Summary, anyhow::Error)>
where
    F: FnMut(Vec<Order>) -> Fut,
    Fut: Future<Output = Result<Vec<ImportOutcome>, AccountError>>,
{
    let reader_progress = progress.clone();
    let (mut receive, reader) =
        super::file_import::read_in_batches(batch_size, Summary::default(), move |summary| {
            let Some(record) = records.next_record()? else {
                return Ok(None);
            };
            summary.read += 1;
            reader_progress.inc(1);
            Ok(Some(match record {
                Record::Refused(position, reason) => {
                    summary.refuse(position, reason);
                    None
                }
                Record::Order(position, order) => Some((position, *order)),
            }))
        });

    let mut outcomes = Summary::default();
    let mut failure = None;
    while let Some(batch) = receive.recv().await {
        let (Some(first), Some(last)) = (
            batch.first().map(|(p, _)| p.clone()),
            batch.last().map(|(p, _)| p.clone()),
        ) else {
            continue;
        };
        let orders: Vec<Order> = batch.into_iter().map(|(_, order)| order).collect();
        let size = orders.len();
        match import(orders).await {
            Ok(done) if done.len() == size => {
                outcomes.count(&done);
                progress.set_message(format!(
                    "created {}, updated {}, unchanged {}",
                    outcomes.created, outcomes.updated, outcomes.unchanged
                ));
            }
            Ok(done) => {
                failure = Some(anyhow::anyhow!(
                    "importing the orders from {} to {}: {} outcomes for {size} orders",
                    first,
                    last,
                    done.len()
                ));
                break;
            }
            Err(error) => {
                failure = Some(anyhow::Error::new(error).context(format!(
                    "importing the orders from {} to {} failed; none of them was stored",
                    first, last
                )));
                break;
            }
        }
    }
    // Stops the reader at its next batch.
    drop(receive);
    let (mut summary, read) = reader.await.map_err(|e| {
        (
            Summary::default(),
            anyhow::anyhow!("the reader failed: {e}"),
        )
    })?;
    summary.created = outcomes.created;
    summary.updated = outcomes.updated;
    summary.unchanged = outcomes.unchanged;
    let failure = match (failure, read) {
        (Some(failure), _) => Some(failure),
        (None, Err(error)) => Some(error.context(format!(
            "the input could not be read to its end after {} order(s)",
            summary.read
        ))),
        (None, Ok(())) => None,
    };
    match failure {
        None => Ok(summary),
        Some(failure) => {
            let imported = summary.imported();
            Err((
                summary,
                failure.context(format!(
                    "the import stopped: {imported} order(s) were stored before; running the \
                     same import again is safe"
                )),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSONL: &str = include_str!("../../../tests/fixtures/orders/orders.jsonl");

    fn records(text: &'static str) -> Box<dyn Records> {
        Box::new(JsonLines::new(text.as_bytes()))
    }

    #[tokio::test]
    async fn imports_in_batches_and_counts_outcomes_and_refusals() {
        let mut batches = Vec::new();
        let summary = pump(
            records(JSONL),
            2,
            &ProgressBar::hidden(),
            |batch: Vec<Order>| {
                batches.push(batch.iter().map(|o| o.name.clone()).collect::<Vec<_>>());
                let outcomes = batch
                    .iter()
                    .map(|o| {
                        if o.name == "#2001" {
                            ImportOutcome::Unchanged
                        } else {
                            ImportOutcome::Created
                        }
                    })
                    .collect();
                async move { Ok(outcomes) }
            },
        )
        .await
        .expect("imported");
        assert_eq!(batches, [vec!["#1843", "#2001"], vec!["#2003"]]);
        assert_eq!(
            (
                summary.read,
                summary.created,
                summary.unchanged,
                summary.refused
            ),
            (5, 2, 1, 2)
        );
        let lines: Vec<u64> = summary.refusals.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 6]);
    }

    #[tokio::test]
    async fn a_failing_batch_stops_the_import_and_says_what_was_stored() {
        let mut calls = 0;
        let (summary, error) = pump(records(JSONL), 1, &ProgressBar::hidden(), |batch| {
            calls += 1;
            let result = if calls == 2 {
                Err(AccountError::Internal("database is locked".into()))
            } else {
                Ok(vec![ImportOutcome::Created; batch.len()])
            };
            async move { result }
        })
        .await
        .expect_err("stopped");
        assert_eq!(calls, 2, "nothing is written after a failure");
        assert_eq!(summary.created, 1);
        let message = format!("{error:#}");
        assert!(
            message.contains("1 order(s) were stored before")
                && message.contains("from line 2 to line 2")
                && message.contains("database is locked"),
            "{message}"
        );
    }

    #[tokio::test]
    async fn an_unreadable_input_still_imports_what_came_before() {
        let text = "[{\"id\": 1}, {\"id\": 2, \"name\": \"#2\", \"order_number\": 2, \
                    \"created_at\": \"2026-01-01T00:00:00Z\", \"currency\": \"USD\", \
                    \"total_price\": \"1.00\"},\n {\"id\": ";
        let records = Box::new(JsonOrders::new(text.as_bytes()).expect("an array"));
        let (summary, error) = pump(records, 10, &ProgressBar::hidden(), |batch| {
            let outcomes = vec![ImportOutcome::Created; batch.len()];
            async move { Ok(outcomes) }
        })
        .await
        .expect_err("stopped");
        assert_eq!((summary.read, summary.created, summary.refused), (2, 1, 1));
        let message = format!("{error:#}");
        assert!(message.contains("ends inside order 3"), "{message}");
    }

    #[test]
    fn the_listing_of_refusals_is_capped() {
        let mut summary = Summary::default();
        for line in 1..=(LISTED_REFUSALS as u64 + 5) {
            summary.read += 1;
            summary.refuse(Position::Line(line), "`id` is missing".into());
        }
        assert_eq!(summary.refusals.len(), LISTED_REFUSALS);
        assert_eq!(summary.refusals_not_listed, 5);
        let json = serde_json::to_value(&summary).expect("json");
        assert_eq!(json["refused"], 105);
        assert_eq!(
            json["refusals"][0],
            serde_json::json!({"line": 1, "reason": "`id` is missing"})
        );
    }
}
