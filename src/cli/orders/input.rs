//! The three input formats, read record by record into parsed orders or refusals.

use std::fmt;
use std::io::{self, BufRead, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, bail};
use storefront::domain::order::shopify_csv::{Converted, Converter};
use storefront::domain::order::{MAX_BODY_BYTES, Order, OrderError, parse_order};

use super::json_array::{Element, JsonArray};

/// Where a record is in the input, as a report names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// A JSONL line.
    Line(u64),
    /// An element of a JSON array (from 1) and the line it starts on.
    Element { index: u64, line: u64 },
    /// An order of a CSV export: the line its rows start on, and its `Name`.
    Rows { line: u64, name: Option<String> },
}

impl Position {
    pub fn line(&self) -> u64 {
        match self {
            Position::Line(line) | Position::Element { line, .. } | Position::Rows { line, .. } => {
                *line
            }
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Line(line) => write!(f, "line {line}"),
            Position::Element { index, line } => write!(f, "order {index} (line {line})"),
            Position::Rows {
                line,
                name: Some(name),
            } => write!(f, "line {line} (order {name})"),
            Position::Rows { line, name: None } => write!(f, "line {line}"),
        }
    }
}

/// One record read.
pub enum Record {
    Order(Position, Box<Order>),
    Refused(Position, String),
}

/// A source of records. `Ok(None)` is the end; an error means the rest cannot be read.
pub trait Records: Send {
    fn next_record(&mut self) -> anyhow::Result<Option<Record>>;
}

/// Why an order was refused, for the report: the parser's message, except that values quoted
/// in a JSON syntax or type error, and an address's invalid values, are left out, since they
/// may be personal data. (Other invalid values the parser quotes are ids, amounts, dates, codes
/// and statuses.)
pub fn reason(error: &OrderError) -> String {
    match error {
        OrderError::Malformed {
            line,
            column,
            message,
        } => {
            let at = if *line == 1 {
                format!("column {column}")
            } else {
                format!("line {line}, column {column} of the order")
            };
            format!(
                "not valid order JSON at {at}: {}",
                without_quoted_values(message)
            )
        }
        // An address's coordinates locate a person: the field is named, its value is not.
        OrderError::Invalid { field, .. } if field.contains("address") => {
            format!("`{field}` is invalid")
        }
        other => other.to_string(),
    }
}

/// `invalid type: string "Ada", expected …` → `invalid type: string "…", expected …`; the same
/// for the backquoted numbers of serde's messages.
fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '"' || c == '`' {
            let mut escaped = false;
            for inner in chars.by_ref() {
                if escaped {
                    escaped = false;
                } else if inner == '\\' {
                    escaped = true;
                } else if inner == c {
                    break;
                }
            }
            out.push('…');
            out.push(c);
        }
    }
    out
}

fn parsed(position: Position, body: &[u8]) -> Record {
    match parse_order(body) {
        Ok(order) => Record::Order(position, Box::new(order)),
        Err(error) => Record::Refused(position, reason(&error)),
    }
}

fn too_large(size: u64) -> String {
    // The parser's own words for an oversized body.
    OrderError::TooLarge {
        size: usize::try_from(size).unwrap_or(usize::MAX),
        max: MAX_BODY_BYTES,
    }
    .to_string()
}

// ---------------------------------------------------------------------------------------------

/// One order per line. Blank lines are skipped; a line longer than the limit is refused after
/// being read past, never held whole.
pub struct JsonLines<R> {
    reader: R,
    line: u64,
    buf: Vec<u8>,
    limit: usize,
}

impl<R: BufRead + Send> JsonLines<R> {
    pub fn new(reader: R) -> Self {
        Self::with_limit(reader, MAX_BODY_BYTES)
    }

    fn with_limit(reader: R, limit: usize) -> Self {
        Self {
            reader,
            line: 0,
            buf: Vec::new(),
            limit,
        }
    }

    /// Reads the next line into the buffer, without its end, keeping at most `limit` + 2 bytes
    /// (room for a `\r\n`); returns the line's full length, or `None` at the end.
    fn read_line(&mut self) -> io::Result<Option<u64>> {
        self.buf.clear();
        let keep = self.limit.saturating_add(2);
        let mut size = 0u64;
        let mut any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok(any.then_some(size));
            }
            any = true;
            let (taken, done) = match available.iter().position(|&b| b == b'\n') {
                Some(end) => (end, true),
                None => (available.len(), false),
            };
            let room = keep.saturating_sub(self.buf.len()).min(taken);
            self.buf.extend_from_slice(&available[..room]);
            size += taken as u64;
            self.reader.consume(taken + usize::from(done));
            if done {
                return Ok(Some(size));
            }
        }
    }
}

impl<R: BufRead + Send> Records for JsonLines<R> {
    fn next_record(&mut self) -> anyhow::Result<Option<Record>> {
        loop {
            let Some(size) = self
                .read_line()
                .with_context(|| format!("reading line {}", self.line + 1))?
            else {
                return Ok(None);
            };
            self.line += 1;
            let position = Position::Line(self.line);
            if size > self.buf.len() as u64 {
                return Ok(Some(Record::Refused(position, too_large(size))));
            }
            let mut body = self.buf.trim_ascii();
            if self.line == 1 {
                body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
            }
            if body.is_empty() {
                continue;
            }
            if body.len() > self.limit {
                return Ok(Some(Record::Refused(
                    position,
                    too_large(body.len() as u64),
                )));
            }
            return Ok(Some(parsed(position, body)));
        }
    }
}

// ---------------------------------------------------------------------------------------------

/// A JSON array of orders (or `{"orders": [...]}`, or one order).
pub struct JsonOrders<R>(JsonArray<R>);

impl<R: BufRead + Send> JsonOrders<R> {
    /// Fails at once when the input does not start like one of the accepted shapes.
    pub fn new(reader: R) -> anyhow::Result<Self> {
        Ok(Self(JsonArray::new(reader, MAX_BODY_BYTES)?))
    }
}

impl<R: BufRead + Send> Records for JsonOrders<R> {
    fn next_record(&mut self) -> anyhow::Result<Option<Record>> {
        let Some((start, element)) = self.0.next_element()? else {
            return Ok(None);
        };
        let position = Position::Element {
            index: start.index,
            line: start.line,
        };
        Ok(Some(match element {
            Element::Body(body) => parsed(position, body),
            Element::TooLarge { size } => Record::Refused(position, too_large(size)),
        }))
    }
}

// ---------------------------------------------------------------------------------------------

/// The longest CSV row read: the CSV reader keeps a row whole, so a file that never ends its
/// row (a stray quote) must not grow it without bound. A real row is a few kB.
const MAX_ROW_BYTES: usize = MAX_BODY_BYTES;

/// Counts the bytes the CSV reader takes since the last row it returned, and fails past the
/// limit.
struct RowGuard<R> {
    inner: R,
    since_row: Arc<AtomicUsize>,
    limit: usize,
}

impl<R: Read> Read for RowGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let total = self.since_row.fetch_add(n, Ordering::Relaxed) + n;
        if total > self.limit {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a row is longer than {} bytes (an unclosed quote?)",
                    self.limit
                ),
            ));
        }
        Ok(n)
    }
}

/// Shopify's orders CSV export.
pub struct ShopifyCsv<R> {
    reader: csv::Reader<RowGuard<R>>,
    since_row: Arc<AtomicUsize>,
    converter: Option<Converter>,
    row: csv::ByteRecord,
}

impl<R: Read + Send> ShopifyCsv<R> {
    /// Reads the header; fails when it is not the export's.
    pub fn new(reader: R) -> anyhow::Result<Self> {
        Self::with_limit(reader, MAX_ROW_BYTES)
    }

    fn with_limit(reader: R, limit: usize) -> anyhow::Result<Self> {
        let since_row = Arc::new(AtomicUsize::new(0));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            // Rows are read by column name; a short or long row is the converter's concern.
            .flexible(true)
            .from_reader(RowGuard {
                inner: reader,
                since_row: Arc::clone(&since_row),
                limit,
            });
        let mut row = csv::ByteRecord::new();
        if !reader
            .read_byte_record(&mut row)
            .context("reading the CSV header")?
        {
            bail!("the file is empty: expected Shopify's orders CSV export");
        }
        since_row.store(0, Ordering::Relaxed);
        let converter = Converter::new(&row)?;
        Ok(Self {
            reader,
            since_row,
            converter: Some(converter),
            row,
        })
    }

    fn record(converted: Converted) -> anyhow::Result<Record> {
        let position = Position::Rows {
            line: converted.line,
            name: converted.name.clone(),
        };
        let order = match &converted.order {
            Ok(order) => order,
            Err(reason) => return Ok(Record::Refused(position, reason.clone())),
        };
        let body = serde_json::to_vec(order)?;
        Ok(match parse_order(&body) {
            Ok(order) => Record::Order(position, Box::new(order)),
            Err(error) => Record::Refused(position, converted.explain(&error)),
        })
    }
}

impl<R: Read + Send> Records for ShopifyCsv<R> {
    fn next_record(&mut self) -> anyhow::Result<Option<Record>> {
        loop {
            let Some(converter) = self.converter.as_mut() else {
                return Ok(None);
            };
            let more = self.reader.read_byte_record(&mut self.row).map_err(|e| {
                let line = e.position().map_or(0, csv::Position::line);
                anyhow::anyhow!("the CSV cannot be read past line {line}: {e}")
            })?;
            self.since_row.store(0, Ordering::Relaxed);
            let converted = if more {
                let line = self.row.position().map_or(0, csv::Position::line);
                converter.push(line, &self.row)
            } else {
                self.converter.take().and_then(Converter::finish)
            };
            if let Some(converted) = converted {
                return Self::record(converted).map(Some);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEBHOOK: &str = include_str!("../../../tests/fixtures/shopify-order-webhook.json");
    const JSONL: &str = include_str!("../../../tests/fixtures/orders/orders.jsonl");
    const CSV: &str = include_str!("../../../tests/fixtures/orders/shopify-orders-export.csv");

    /// Each record as `position: order name` or `position: refused: reason`.
    fn all(mut records: impl Records) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(record) = records.next_record().expect("readable") {
            out.push(match record {
                Record::Order(position, order) => format!("{position}: {}", order.name),
                Record::Refused(position, reason) => format!("{position}: refused: {reason}"),
            });
        }
        out
    }

    fn one_line(json: &str) -> String {
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(json).expect("json"))
            .expect("json")
    }

    #[test]
    fn jsonl_reads_lines_skips_blank_ones_and_refuses_bad_ones_by_line() {
        let records = all(JsonLines::new(JSONL.as_bytes()));
        assert_eq!(
            records,
            [
                "line 1: #1843",
                "line 2: #2001",
                "line 3: refused: `total_price` is missing",
                "line 5: #2003",
                "line 6: refused: not valid order JSON at column 37: EOF while parsing an object",
            ]
        );
    }

    #[test]
    fn jsonl_handles_crlf_a_byte_order_mark_and_a_last_line_without_newline() {
        let order = one_line(WEBHOOK);
        let input = format!("\u{feff}{order}\r\n\r\n{order}");
        assert_eq!(
            all(JsonLines::new(input.as_bytes())),
            ["line 1: #1843", "line 3: #1843"]
        );
    }

    #[test]
    fn jsonl_refuses_a_line_over_the_limit_without_keeping_it_and_reads_on() {
        let order = one_line(WEBHOOK);
        let long = format!("{{\"pad\":\"{}\"}}", "x".repeat(10_000));
        let input = format!("{long}\n{order}\n");
        let reader = io::BufReader::with_capacity(64, input.as_bytes());
        let mut lines = JsonLines::with_limit(reader, order.len());
        let first = lines.next_record().expect("read").expect("a record");
        assert!(
            lines.buf.capacity() < 2 * order.len() + 64,
            "the long line was not kept"
        );
        match first {
            Record::Refused(position, reason) => {
                assert_eq!(position, Position::Line(1));
                assert!(reason.contains("10010 bytes, over the limit"), "{reason}");
            }
            Record::Order(..) => panic!("not refused"),
        }
        assert_eq!(all(lines), ["line 2: #1843"]);
    }

    #[test]
    fn json_reads_an_array_the_list_shape_and_one_order() {
        let order = one_line(WEBHOOK);
        let array = format!("[\n{order},\n{{\"id\": 1}},\n  {WEBHOOK}\n]\n");
        assert_eq!(
            all(JsonOrders::new(array.as_bytes()).expect("an array")),
            [
                "order 1 (line 2): #1843",
                "order 2 (line 3): refused: `name` is missing",
                "order 3 (line 4): #1843",
            ]
        );
        let wrapped = format!("{{\"orders\": [{order}]}}");
        assert_eq!(
            all(JsonOrders::new(wrapped.as_bytes()).expect("the list shape")),
            ["order 1 (line 1): #1843"]
        );
        assert_eq!(
            all(JsonOrders::new(WEBHOOK.as_bytes()).expect("one order")),
            ["order 1 (line 1): #1843"]
        );
    }

    #[test]
    fn csv_reads_the_export_by_order() {
        assert_eq!(
            all(ShopifyCsv::new(CSV.as_bytes()).expect("the export")),
            [
                "line 2 (order #1001): #1001",
                "line 7 (order #1002): #1002",
                "line 8 (order #1003): #1003",
            ]
        );
    }

    #[test]
    fn csv_refuses_a_bad_header_and_stops_at_an_endless_row() {
        let error = ShopifyCsv::new("Order,Total\n".as_bytes())
            .err()
            .expect("refused")
            .to_string();
        assert!(error.contains("no `Name` column"), "{error}");
        assert!(ShopifyCsv::new(&b""[..]).is_err());

        let mut input = String::from("Name,Id,Currency,Total,Created at\n");
        input.push_str("#1,1,USD,1.00,2026-01-01 00:00:00 +0000\n");
        input.push_str("#2,2,USD,\"1.00");
        input.push_str(&"x".repeat(100_000));
        let mut csv = ShopifyCsv::with_limit(input.as_bytes(), 50_000).expect("header");
        let error = loop {
            match csv.next_record() {
                Ok(Some(_)) => {}
                Ok(None) => panic!("read to the end"),
                Err(error) => break error.to_string(),
            }
        };
        assert!(error.contains("longer than 50000 bytes"), "{error}");
    }

    #[test]
    fn reasons_leave_quoted_values_out() {
        let error = parse_order(br#"{"id": 1, "billing_address": "100 Queen Street"}"#)
            .expect_err("refused");
        let text = reason(&error);
        assert!(!text.contains("Queen"), "{text}");
        assert!(text.starts_with("not valid order JSON at column"), "{text}");
        assert_eq!(
            without_quoted_values(r#"invalid type: string "a \" b", expected x"#),
            r#"invalid type: string "…", expected x"#
        );
        let error = parse_order(
            br##"{"id": 1, "name": "#1", "order_number": 1, "created_at": "2026-01-01T00:00:00Z",
                "currency": "USD", "total_price": "1", "shipping_address": {"latitude": "45.42 N"}}"##,
        )
        .expect_err("refused");
        assert_eq!(reason(&error), "`shipping_address.latitude` is invalid");
        assert_eq!(
            without_quoted_values("invalid type: integer `4165550074`, expected a list"),
            "invalid type: integer `…`, expected a list"
        );
    }
}
