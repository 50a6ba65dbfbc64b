//! A JSON array of orders, split into its elements as it is read, so that a file of any size is
//! imported in the memory of one order. Elements are only delimited here (strings, escapes and
//! nesting followed); each is parsed, and refused if it must be, on its own.
//!
//! Accepted: `[order, …]`, the REST list shape `{"orders": [order, …]}`, and a single order object
//! (a webhook body saved to a file).

use std::io::{self, BufRead};

use anyhow::{Context, bail};

/// One element of the array.
#[derive(Debug, PartialEq, Eq)]
pub enum Element<'a> {
    /// Its bytes, when within the size limit.
    Body(&'a [u8]),
    /// It was skipped without being kept: it has `size` bytes.
    TooLarge { size: u64 },
}

/// Where the next element starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    /// From 1.
    pub index: u64,
    /// From 1.
    pub line: u64,
}

enum State {
    InArray {
        first: bool,
        wrapped: bool,
    },
    /// A single order: its start was read into the buffer while looking for `orders`.
    Single,
    Done,
}

pub struct JsonArray<R> {
    reader: R,
    /// The line of the next byte.
    line: u64,
    state: State,
    index: u64,
    buf: Vec<u8>,
    limit: usize,
}

/// Follows strings, escapes and nesting to find where a value that starts with `{`, `[` or `"`
/// ends.
#[derive(Default)]
struct Scan {
    depth: u64,
    in_string: bool,
    escaped: bool,
}

impl Scan {
    /// The length of the prefix of `bytes` that completes the value, if it ends there.
    fn feed(&mut self, bytes: &[u8]) -> Option<usize> {
        for (i, &byte) in bytes.iter().enumerate() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if byte == b'\\' {
                    self.escaped = true;
                } else if byte == b'"' {
                    self.in_string = false;
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
            } else {
                match byte {
                    b'"' => self.in_string = true,
                    b'{' | b'[' => self.depth += 1,
                    b'}' | b']' => {
                        self.depth = self.depth.saturating_sub(1);
                        if self.depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
            }
        }
        None
    }
}

fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

impl<R: BufRead> JsonArray<R> {
    /// Reads up to the first element; fails when the input is not one of the accepted shapes.
    /// Elements over `limit` bytes are skipped, not kept.
    pub fn new(reader: R, limit: usize) -> anyhow::Result<Self> {
        let mut this = Self {
            reader,
            line: 1,
            state: State::Done,
            index: 0,
            buf: Vec::new(),
            limit,
        };
        if this.reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
            this.reader.consume(3);
        }
        this.skip_whitespace()?;
        match this.peek()? {
            Some(b'[') => {
                this.bump();
                this.state = State::InArray {
                    first: true,
                    wrapped: false,
                };
            }
            Some(b'{') => {
                this.bump();
                this.buf.push(b'{');
                this.skip_whitespace()?;
                if this.peek()? == Some(b'"') {
                    let mut scan = Scan::default();
                    this.capture(&mut scan)?;
                }
                if this.buf == b"{\"orders\"" {
                    this.buf.clear();
                    this.skip_whitespace()?;
                    this.expect(b':', "`:` after \"orders\"")?;
                    this.skip_whitespace()?;
                    this.expect(b'[', "the list of orders after \"orders\":")?;
                    this.state = State::InArray {
                        first: true,
                        wrapped: true,
                    };
                } else {
                    this.state = State::Single;
                }
            }
            None => bail!("the file is empty: expected a JSON array of orders"),
            Some(_) => bail!(
                "line {}: expected a JSON array of orders (`[`), the REST list shape \
                 (`{{\"orders\": [`) or one order object",
                this.line
            ),
        }
        Ok(this)
    }

    /// The next element and where it starts, or `None` after the last.
    pub fn next_element(&mut self) -> anyhow::Result<Option<(Start, Element<'_>)>> {
        match self.state {
            State::Done => Ok(None),
            State::Single => {
                self.state = State::Done;
                let start = Start { index: 1, line: 1 };
                let mut scan = Scan {
                    depth: 1,
                    ..Scan::default()
                };
                let size = self.capture(&mut scan)?;
                self.end_of_input()?;
                Ok(Some((start, self.element(size))))
            }
            State::InArray { first, wrapped } => {
                self.skip_whitespace()?;
                if first {
                    if self.peek()? == Some(b']') {
                        self.bump();
                        self.after_array(wrapped)?;
                        return Ok(None);
                    }
                } else {
                    match self.peek()? {
                        Some(b',') => {
                            self.bump();
                            self.skip_whitespace()?;
                        }
                        Some(b']') => {
                            self.bump();
                            self.after_array(wrapped)?;
                            return Ok(None);
                        }
                        None => bail!("the file ends before the array of orders is closed"),
                        Some(_) => bail!(
                            "line {}: expected `,` or `]` after order {}",
                            self.line,
                            self.index
                        ),
                    }
                }
                self.state = State::InArray {
                    first: false,
                    wrapped,
                };
                self.index += 1;
                let start = Start {
                    index: self.index,
                    line: self.line,
                };
                let size = self.value()?;
                Ok(Some((start, self.element(size))))
            }
        }
    }

    fn element(&self, size: u64) -> Element<'_> {
        if self.buf.len() as u64 == size {
            Element::Body(&self.buf)
        } else {
            Element::TooLarge { size }
        }
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(self.reader.fill_buf()?.first().copied())
    }

    /// Consumes the byte `peek` returned.
    fn bump(&mut self) {
        if let Ok([b'\n', ..]) = self.reader.fill_buf() {
            self.line += 1;
        }
        self.reader.consume(1);
    }

    fn expect(&mut self, byte: u8, what: &str) -> anyhow::Result<()> {
        if self.peek()? != Some(byte) {
            bail!("line {}: expected {what}", self.line);
        }
        self.bump();
        Ok(())
    }

    fn skip_whitespace(&mut self) -> io::Result<()> {
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                return Ok(());
            }
            let blank = available
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .unwrap_or(available.len());
            self.line += newlines(&available[..blank]);
            let done = blank < available.len();
            self.reader.consume(blank);
            if done {
                return Ok(());
            }
        }
    }

    /// Reads a value into the (cleared) buffer; returns its size.
    fn value(&mut self) -> anyhow::Result<u64> {
        self.buf.clear();
        match self.peek()? {
            Some(b'{' | b'[' | b'"') => self.capture(&mut Scan::default()),
            // A number or literal: never an order, but its parse says so.
            Some(byte) if !matches!(byte, b',' | b']' | b'}') => {
                let mut size = 0u64;
                loop {
                    let available = self.reader.fill_buf()?;
                    let end = available
                        .iter()
                        .position(|b| {
                            matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n')
                        })
                        .unwrap_or(available.len());
                    if end == 0 {
                        return Ok(size);
                    }
                    let room = self.limit.saturating_sub(self.buf.len()).min(end);
                    self.buf.extend_from_slice(&available[..room]);
                    size += end as u64;
                    self.reader.consume(end);
                }
            }
            None => bail!("the file ends where order {} should start", self.index),
            Some(_) => bail!("line {}: expected order {}", self.line, self.index),
        }
    }

    /// Reads bytes into the buffer (up to the limit) until `scan` says the value is complete;
    /// returns the size of the whole value, buffer included.
    fn capture(&mut self, scan: &mut Scan) -> anyhow::Result<u64> {
        let mut size = self.buf.len() as u64;
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                bail!("the file ends inside order {}", self.index.max(1));
            }
            let (taken, done) = match scan.feed(available) {
                Some(end) => (end, true),
                None => (available.len(), false),
            };
            // Past the limit the value is only measured.
            let room = self.limit.saturating_sub(self.buf.len()).min(taken);
            self.buf.extend_from_slice(&available[..room]);
            size += taken as u64;
            self.line += newlines(&available[..taken]);
            self.reader.consume(taken);
            if done {
                return Ok(size);
            }
        }
    }

    /// The rest of `{"orders": [...] ...}` (other keys skipped), then the end of the input.
    fn after_array(&mut self, wrapped: bool) -> anyhow::Result<()> {
        self.state = State::Done;
        if wrapped {
            loop {
                self.skip_whitespace()?;
                match self.peek()? {
                    Some(b'}') => {
                        self.bump();
                        break;
                    }
                    Some(b',') => {
                        self.bump();
                        self.skip_whitespace()?;
                        self.skip_value().context("a key")?;
                        self.skip_whitespace()?;
                        self.expect(b':', "`:`")?;
                        self.skip_whitespace()?;
                        self.skip_value()?;
                    }
                    _ => bail!("line {}: expected `,` or `}}`", self.line),
                }
            }
        }
        self.end_of_input()
    }

    fn skip_value(&mut self) -> anyhow::Result<()> {
        let limit = std::mem::replace(&mut self.limit, 0);
        let result = self.value();
        self.limit = limit;
        result.map(drop)
    }

    fn end_of_input(&mut self) -> anyhow::Result<()> {
        self.skip_whitespace()?;
        if self.peek()?.is_some() {
            bail!(
                "line {}: more data after the end of the orders (one JSON value per file; \
                 use --format jsonl for one order per line)",
                self.line
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every element as text (or its size when too large) with its index and line.
    fn split(input: &str, limit: usize) -> anyhow::Result<Vec<(u64, u64, String)>> {
        // A tiny buffer, so that values span many reads.
        let reader = io::BufReader::with_capacity(3, input.as_bytes());
        let mut array = JsonArray::new(reader, limit)?;
        let mut out = Vec::new();
        while let Some((start, element)) = array.next_element()? {
            let text = match element {
                Element::Body(bytes) => String::from_utf8(bytes.to_vec()).expect("utf-8"),
                Element::TooLarge { size } => format!("<{size} bytes>"),
            };
            out.push((start.index, start.line, text));
        }
        Ok(out)
    }

    #[test]
    fn splits_an_array_with_strings_escapes_and_nesting() {
        let input = "\u{feff} [\n {\"id\": 1, \"note\": \"a ] } , \\\" [ {\"},\n\n  {\"id\":2,\"l\":[[1],{\"a\":[]}]} ,\n[] , 7, \"x\"\n]\n";
        let elements = split(input, 1000).expect("splits");
        assert_eq!(
            elements,
            vec![
                (
                    1,
                    2,
                    "{\"id\": 1, \"note\": \"a ] } , \\\" [ {\"}".to_owned()
                ),
                (2, 4, "{\"id\":2,\"l\":[[1],{\"a\":[]}]}".to_owned()),
                (3, 5, "[]".to_owned()),
                (4, 5, "7".to_owned()),
                (5, 5, "\"x\"".to_owned()),
            ]
        );
        assert_eq!(split("[]", 10).expect("empty"), vec![]);
        assert_eq!(split(" [ \n ] \n", 10).expect("empty"), vec![]);
    }

    #[test]
    fn accepts_the_rest_list_shape_and_a_single_order() {
        let wrapped = split(
            "{ \"orders\" : [{\"id\":1},{\"id\":2}], \"next\": {\"a\": [1]} }",
            100,
        )
        .expect("splits");
        assert_eq!(
            wrapped.iter().map(|e| e.2.as_str()).collect::<Vec<_>>(),
            ["{\"id\":1}", "{\"id\":2}"]
        );
        let single =
            split("{\n \"id\": 5, \"orders_count\": 3, \"x\": [1]\n}\n", 100).expect("splits");
        assert_eq!(
            single,
            vec![(
                1,
                1,
                "{\"id\": 5, \"orders_count\": 3, \"x\": [1]\n}".to_owned()
            )]
        );
        assert_eq!(
            split("{}", 100).expect("splits"),
            vec![(1, 1, "{}".to_owned())]
        );
    }

    #[test]
    fn an_element_over_the_limit_is_skipped_and_the_next_one_read() {
        let input = "[{\"id\":1,\"pad\":\"xxxxxxxxxxxxxxxxxxxx\"}, {\"id\":2}]";
        let elements = split(input, 12).expect("splits");
        assert_eq!(elements[0].2, "<37 bytes>");
        assert_eq!(elements[1].2, "{\"id\":2}");
    }

    #[test]
    fn structural_errors_stop_with_a_line() {
        let error = |input: &str| split(input, 100).expect_err("refused").to_string();
        assert!(error("").contains("empty"));
        assert!(error("\n\n7").contains("line 3: expected a JSON array"));
        assert!(error("[{\"id\":1} {\"id\":2}]").contains("expected `,` or `]` after order 1"));
        assert!(error("[{\"id\":1},\n{\"id\":").contains("ends inside order 2"));
        assert!(error("[{\"id\":1}").contains("before the array of orders is closed"));
        assert!(error("[{\"id\":1},]").contains("expected order 2"));
        assert!(error("[{\"id\":1}]\n[]").contains("line 2: more data after the end"));
        assert!(error("{\"orders\": 5}").contains("the list of orders"));
    }
}
