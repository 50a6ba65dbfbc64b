//! `storefront customers import`: a shop's customers from Shopify's customer CSV export or from
//! JSONL (with password hashes from other platforms), upserted by external id or email.
//!
//! The file is read and parsed on a thread of its own while the previous batch is written, and
//! only a few batches are in memory at once, whatever the file's size (the duplicate check keeps
//! 16 bytes per customer). A record that cannot be imported is refused with its line and the
//! reason; it never stops the others. Importing the same file again changes nothing, so an
//! import that stopped resumes by being run again.
//!
//! Exit status: 0 when every record was imported, 1 when some were refused (the others were
//! imported), 2 when the import could not run to its end.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use indicatif::ProgressBar;
use serde::Serialize;
use storefront::accounts::{ImportOptions, InviteSchedule, RowOutcome, ShopAccounts};
use storefront::config::Config;
use storefront::domain::customer_import::{
    CustomerImportRecord, JsonlContext, JsonlLine, ShopifyCsvColumns,
};

#[derive(Args)]
pub struct ImportArgs {
    /// The file's format.
    #[arg(long, value_enum)]
    format: Format,
    /// The file to import; `-` reads standard input.
    file: PathBuf,
    /// Read and check everything, write nothing, and say what would happen (the time the
    /// password hashes would take to wrap included).
    #[arg(long)]
    dry_run: bool,
    /// Invite the customers left without a password by the shop's activation mail, queued at
    /// the shop's pace (`customers.import_invites_per_minute`).
    #[arg(long, value_enum, default_value_t = Invite::None)]
    invite: Invite,
    /// Customers written per database transaction.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=5_000))]
    batch_size: u64,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Shopify's customer CSV export (Customers → Export).
    ShopifyCsv,
    /// One customer per line: email, first_name, last_name, phone, accepts_marketing, tags,
    /// note, addresses, and password_hash or custom_password_hash.
    Jsonl,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Invite {
    None,
    Email,
}

/// The most refusals listed in the summary; the rest are counted.
const LISTED_REFUSALS: usize = 100;

#[derive(Debug, Default, Serialize)]
struct Summary {
    dry_run: bool,
    read: u64,
    created: u64,
    updated: u64,
    unchanged: u64,
    refused: u64,
    invited: u64,
    /// Fast password digests wrapped in argon2id (or, in a dry run, to wrap).
    hashes_wrapped: u64,
    /// A dry run's estimate of the time wrapping takes, in seconds, and the rate it used.
    #[serde(skip_serializing_if = "Option::is_none")]
    wrap_seconds_estimate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wrap_rate_per_second: Option<f64>,
    refusals: Vec<Refusal>,
    refusals_not_listed: u64,
}

#[derive(Debug, Serialize)]
struct Refusal {
    line: u64,
    reason: String,
}

impl Summary {
    fn refuse(&mut self, line: u64, reason: String) {
        self.refused += 1;
        if self.refusals.len() >= LISTED_REFUSALS {
            self.refusals_not_listed += 1;
        } else {
            self.refusals.push(Refusal { line, reason });
        }
    }

    fn print(&self, json: bool) -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        if json {
            writeln!(out, "{}", serde_json::to_string_pretty(self)?)?;
            return Ok(());
        }
        let would = if self.dry_run { "would be " } else { "" };
        writeln!(
            out,
            "read {}, {would}created {}, {would}updated {}, unchanged {}, refused {}, {would}invited {}",
            self.read, self.created, self.updated, self.unchanged, self.refused, self.invited
        )?;
        if self.hashes_wrapped > 0 {
            match (self.wrap_seconds_estimate, self.wrap_rate_per_second) {
                (Some(seconds), Some(rate)) => writeln!(
                    out,
                    "{} password hash(es) to wrap in argon2id: about {} at {rate:.0}/s measured here",
                    self.hashes_wrapped,
                    human_duration(seconds)
                )?,
                _ => writeln!(
                    out,
                    "{} password hash(es) wrapped in argon2id",
                    self.hashes_wrapped
                )?,
            }
        }
        for refusal in &self.refusals {
            writeln!(out, "line {}: {}", refusal.line, refusal.reason)?;
        }
        if self.refusals_not_listed > 0 {
            writeln!(out, "and {} more refused", self.refusals_not_listed)?;
        }
        Ok(())
    }
}

fn human_duration(seconds: f64) -> String {
    let seconds = seconds.round() as u64;
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} min {} s", seconds / 60, seconds % 60),
        _ => format!("{} h {} min", seconds / 3600, (seconds % 3600) / 60),
    }
}

pub async fn run(config: &Config, shop: Option<&str>, args: ImportArgs) -> anyhow::Result<()> {
    match import(config, shop, args).await {
        Ok(summary) if summary.refused == 0 => Ok(()),
        Ok(summary) => Err(anyhow::anyhow!(
            "{} of {} customer(s) were refused; the others were {}",
            summary.refused,
            summary.read,
            if summary.dry_run {
                "checked (dry run: nothing was written)"
            } else {
                "imported"
            }
        )),
        Err(error) => Err(crate::cli::ExitWith { code: 2, error }.into()),
    }
}

async fn import(config: &Config, shop: Option<&str>, args: ImportArgs) -> anyhow::Result<Summary> {
    // The input is opened and its start checked before the database: a wrong file or format
    // fails at once.
    let input = super::super::file_import::open_input(&args.file)?;
    let records: Box<dyn Records> = match args.format {
        Format::Jsonl => Box::new(JsonlRecords::new(input)),
        Format::ShopifyCsv => Box::new(CsvRecords::new(input)?),
    };
    let accounts = &crate::cli::open_shop(config, shop).await?;
    let options = ImportOptions {
        dry_run: args.dry_run,
        invite: args.invite == Invite::Email,
        refuse_fast_hashes: config.customers.import_refuse_fast_hashes,
        invites_per_minute: config.customers.import_invites_per_minute,
    };
    let batch_size = usize::try_from(args.batch_size).unwrap_or(200);
    let progress = super::super::file_import::progress_bar("customers");
    let result = pump(records, batch_size, &progress, accounts, options).await;
    progress.finish_and_clear();
    let (mut summary, failure) = match result {
        Ok(summary) => (summary, None),
        Err((summary, failure)) => (summary, Some(failure)),
    };
    summary.dry_run = args.dry_run;
    if args.dry_run && summary.hashes_wrapped > 0 {
        // Measured on this machine with the configured parameters, on every hashing thread.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let rate = accounts.customer_imports().wrap_rate(threads * 8).await?;
        summary.wrap_rate_per_second = Some(rate);
        summary.wrap_seconds_estimate = Some(summary.hashes_wrapped as f64 / rate);
    }
    summary.print(args.json)?;
    match failure {
        None => {
            if options.invite && summary.invited > 0 && !args.dry_run {
                eprintln!(
                    "{} invitation(s) queued; the server sends them at {} a minute",
                    summary.invited, options.invites_per_minute
                );
            }
            Ok(summary)
        }
        Some(failure) => Err(failure),
    }
}

/// One record read: a customer to import or a refusal, with its line.
enum Record {
    Customer(u64, Box<CustomerImportRecord>),
    Refused(u64, String),
}

/// A source of records. `Ok(None)` is the end; an error means the rest cannot be read.
trait Records: Send {
    fn next_record(&mut self) -> anyhow::Result<Option<Record>>;
}

struct JsonlRecords {
    input: Box<dyn BufRead + Send>,
    line: u64,
    buffer: String,
    context: JsonlContext,
}

impl JsonlRecords {
    fn new(input: Box<dyn BufRead + Send>) -> Self {
        Self {
            input,
            line: 0,
            buffer: String::new(),
            context: JsonlContext::default(),
        }
    }
}

impl Records for JsonlRecords {
    fn next_record(&mut self) -> anyhow::Result<Option<Record>> {
        loop {
            self.buffer.clear();
            let read = self
                .input
                .read_line(&mut self.buffer)
                .with_context(|| format!("reading line {}", self.line + 1))?;
            if read == 0 {
                return Ok(None);
            }
            self.line += 1;
            match self.context.parse_line(&self.buffer) {
                Ok(JsonlLine::Customer(record)) => {
                    return Ok(Some(Record::Customer(self.line, record)));
                }
                Ok(JsonlLine::Context | JsonlLine::Blank) => {}
                Err(reason) => return Ok(Some(Record::Refused(self.line, reason))),
            }
        }
    }
}

struct CsvRecords {
    reader: csv::Reader<Box<dyn BufRead + Send>>,
    columns: ShopifyCsvColumns,
    row: csv::StringRecord,
}

impl CsvRecords {
    fn new(input: Box<dyn BufRead + Send>) -> anyhow::Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(input);
        let header = reader.headers().context("reading the CSV header")?.clone();
        let columns = ShopifyCsvColumns::from_header(header.iter()).map_err(anyhow::Error::msg)?;
        Ok(Self {
            reader,
            columns,
            row: csv::StringRecord::new(),
        })
    }
}

impl Records for CsvRecords {
    fn next_record(&mut self) -> anyhow::Result<Option<Record>> {
        match self.reader.read_record(&mut self.row) {
            Ok(false) => Ok(None),
            Ok(true) => {
                let line = self.row.position().map_or(0, |p| p.line());
                let row = &self.row;
                Ok(Some(match self.columns.parse_row(|i| row.get(i)) {
                    Ok(record) => Record::Customer(line, Box::new(record)),
                    Err(reason) => Record::Refused(line, reason),
                }))
            }
            // A row that is not UTF-8 is refused; the ones after it are still read.
            Err(error) if matches!(error.kind(), csv::ErrorKind::Utf8 { .. }) => {
                let line = error.position().map_or(0, |p| p.line());
                Ok(Some(Record::Refused(line, "not UTF-8 text".to_owned())))
            }
            Err(error) => Err(anyhow::Error::new(error).context("reading the CSV")),
        }
    }
}

/// Refuses a second record with the email or external id of an earlier one: both would write
/// the same customer, and the file would not import the same way twice.
struct Duplicates {
    seen: HashMap<u64, u64>,
    hasher: RandomState,
}

impl Duplicates {
    fn new() -> Self {
        Self {
            seen: HashMap::new(),
            hasher: RandomState::new(),
        }
    }

    fn check(&mut self, line: u64, record: &CustomerImportRecord) -> Result<(), String> {
        let email = self.hasher.hash_one(("email", record.email.key()));
        let id = record
            .external_id
            .as_deref()
            .map(|id| self.hasher.hash_one(("id", id)));
        for (key, what) in [(Some(email), "email"), (id, "id")] {
            if let Some(key) = key
                && let Some(first) = self.seen.get(&key)
            {
                return Err(format!("{what}: the same as line {first}'s"));
            }
        }
        self.seen.insert(email, line);
        if let Some(id) = id {
            self.seen.insert(id, line);
        }
        Ok(())
    }
}

/// Reads `records` on a blocking thread and imports batches as they fill. Returns the summary,
/// or the summary so far and why the import stopped.
async fn pump(
    mut records: Box<dyn Records>,
    batch_size: usize,
    progress: &ProgressBar,
    accounts: &ShopAccounts,
    options: ImportOptions,
) -> Result<Summary, (Summary, anyhow::Error)> {
    let reader_progress = progress.clone();
    let mut duplicates = Duplicates::new();
    let (mut receive, reader) = super::super::file_import::read_in_batches(
        batch_size,
        Summary::default(),
        move |summary| {
            let Some(record) = records.next_record()? else {
                return Ok(None);
            };
            summary.read += 1;
            reader_progress.inc(1);
            Ok(match record {
                Record::Refused(line, reason) => {
                    summary.refuse(line, reason);
                    Some(None)
                }
                Record::Customer(line, record) => match duplicates.check(line, &record) {
                    Err(reason) => {
                        summary.refuse(line, reason);
                        Some(None)
                    }
                    Ok(()) => Some(Some((line, *record))),
                },
            })
        },
    );

    let mut done = Summary::default();
    let mut schedule = InviteSchedule::default();
    let mut failure = None;
    while let Some(batch) = receive.recv().await {
        let first = batch.first().map_or(0, |(line, _)| *line);
        let last = batch.last().map_or(0, |(line, _)| *line);
        let size = batch.len();
        let (lines, records): (Vec<u64>, Vec<CustomerImportRecord>) = batch.into_iter().unzip();
        let imported = accounts
            .customer_imports()
            .import_batch(records, options, &mut schedule)
            .await;
        match imported {
            Ok(outcome) if outcome.outcomes.len() == size => {
                done.hashes_wrapped += outcome.wrapped;
                for (line, outcome) in lines.iter().zip(outcome.outcomes) {
                    match outcome {
                        RowOutcome::Created { invited } => {
                            done.created += 1;
                            done.invited += u64::from(invited);
                        }
                        RowOutcome::Updated { invited } => {
                            done.updated += 1;
                            done.invited += u64::from(invited);
                        }
                        RowOutcome::Unchanged => done.unchanged += 1,
                        RowOutcome::Refused(reason) => done.refuse(*line, reason),
                    }
                }
                progress.set_message(format!(
                    "created {}, updated {}, unchanged {}",
                    done.created, done.updated, done.unchanged
                ));
            }
            Ok(outcome) => {
                failure = Some(anyhow::anyhow!(
                    "importing lines {first} to {last}: {} outcomes for {size} customers",
                    outcome.outcomes.len()
                ));
                break;
            }
            Err(error) => {
                failure = Some(anyhow::Error::new(error).context(format!(
                    "importing the customers of lines {first} to {last} failed; none of them was stored"
                )));
                break;
            }
        }
    }
    // Stops the reader at its next batch.
    drop(receive);
    let (mut summary, read) = match reader.await {
        Ok(read) => read,
        Err(error) => {
            return Err((done, anyhow::anyhow!("the reader failed: {error}")));
        }
    };
    summary.created = done.created;
    summary.updated = done.updated;
    summary.unchanged = done.unchanged;
    summary.invited = done.invited;
    summary.hashes_wrapped = done.hashes_wrapped;
    summary.refused += done.refused;
    summary.refusals.extend(done.refusals);
    summary.refusals.sort_by_key(|r| r.line);
    summary.refusals.truncate(LISTED_REFUSALS);
    summary.refusals_not_listed = summary.refused - summary.refusals.len() as u64;
    let failure = match (failure, read) {
        (Some(failure), _) => Some(failure),
        (None, Err(error)) => Some(error.context(format!(
            "the input could not be read to its end after {} customer(s)",
            summary.read
        ))),
        (None, Ok(())) => None,
    };
    match failure {
        None => Ok(summary),
        Some(failure) => {
            let stored = summary.created + summary.updated;
            Err((
                summary,
                failure.context(format!(
                    "the import stopped: {stored} customer(s) were stored before; running the \
                     same import again resumes it"
                )),
            ))
        }
    }
}
