//! Shopify's search syntax for customers: the `query` argument of `customers(query:)` and
//! `customersCount(query:)` (<https://shopify.dev/docs/api/usage/search-syntax>), read into a
//! typed expression tree that the store turns into SQL. Pure: no I/O.
//!
//! The grammar, loosest binding first:
//!
//! ```text
//! query   := or?
//! or      := and ("OR" and)*
//! and     := unary ("AND"? unary)*          whitespace between terms is an implied AND
//! unary   := ("-" | "NOT")* primary         `-` is written against what it negates
//! primary := "(" or ")" | term
//! term    := field ":" comparator? value | value
//! ```
//!
//! Keywords are upper case only (`and`/`or` are plain words). A value is quoted with `"` or `'`
//! (a backslash escapes the quote or a backslash), or unquoted up to whitespace or `)`; an
//! unquoted value ending in `*` is a prefix match. A bare value searches the `default` field.
//! Unknown fields are left out of the tree with a warning, as Shopify ignores unknown filters.
//!
//! The parser never panics and never recurses deeper than [`MAX_NESTING`] groups, whatever the
//! input; every error names the 1-based character (not byte) column of the offending token.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use super::customer::CustomerState;
use super::ids::parse_gid;

/// Longer queries are refused (at position `MAX_QUERY_CHARS + 1`) before any parsing.
pub const MAX_QUERY_CHARS: usize = 1000;
/// Terms as written (unknown fields included); each becomes at least one SQL condition.
pub const MAX_TERMS: usize = 50;
/// Parenthesised groups inside one another; the parser recurses once per level.
pub const MAX_NESTING: usize = 10;

/// Shopify's message for a filter this server does not know (the term is ignored).
const UNKNOWN_FIELD: &str = "Invalid search field for this query.";
const SECONDS_PER_DAY: i64 = 86_400;

/// A searchable customer field. `tag_not` is [`Field::Tag`] under a [`Expr::Not`], and
/// `customer_date` is [`Field::CreatedAt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// A bare word: a prefix of the email, first or last name (the SQL layer decides how).
    Default,
    Email,
    FirstName,
    LastName,
    Phone,
    Country,
    Tag,
    State,
    AcceptsMarketing,
    CreatedAt,
    UpdatedAt,
    OrdersCount,
    Id,
}

impl Field {
    /// The Shopify field name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Field::Default => "default",
            Field::Email => "email",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Phone => "phone",
            Field::Country => "country",
            Field::Tag => "tag",
            Field::State => "state",
            Field::AcceptsMarketing => "accepts_marketing",
            Field::CreatedAt => "created_at",
            Field::UpdatedAt => "updated_at",
            Field::OrdersCount => "orders_count",
            Field::Id => "id",
        }
    }

    fn is_text(self) -> bool {
        matches!(
            self,
            Field::Default
                | Field::Email
                | Field::FirstName
                | Field::LastName
                | Field::Phone
                | Field::Country
                | Field::Tag
        )
    }

    /// Fields with an order: `<`, `>`, `<=` and `>=` apply to these only.
    fn is_ordered(self) -> bool {
        matches!(
            self,
            Field::CreatedAt | Field::UpdatedAt | Field::OrdersCount | Field::Id
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparator {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Comparator {
    fn symbol(self) -> &'static str {
        match self {
            Comparator::Eq => "",
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
        }
    }
}

/// A term's value, typed by its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Kept in the case written, except for `email`, which is lower-cased because emails are
    /// stored lower-cased in the key column. The SQL layer compares text case-insensitively
    /// anyway, so this only saves it a `lower()` on the indexed side.
    Text(String),
    /// An unquoted value that ended in `*`, without the `*`; same case rule as `Text`. Always
    /// at least one character.
    Prefix(String),
    State(CustomerState),
    Boolean(bool),
    /// Unix seconds.
    Timestamp(i64),
    Integer(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub field: Field,
    /// Always `Eq` for text, state and boolean fields (and for `Prefix` values).
    pub comparator: Comparator,
    pub value: Value,
}

/// A search. `And` and `Or` always hold two or more parts, and never a part of their own kind
/// (`a (b c)` is `And[a, b, c]`); `Not` never holds a `Not` (a double negation is dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Term(Term),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

/// A term that was left out of the search; the query still runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchWarning {
    /// The field as written, lower-cased.
    pub field: String,
    pub message: String,
}

/// A query that cannot be read; nothing is searched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid search query at position {position}: {message}")]
pub struct SearchError {
    /// 1-based character column of the offending token; one past the last character when the
    /// query ended too early.
    pub position: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerSearch {
    /// `None`: every customer (an empty query, or one whose terms were all left out).
    pub filter: Option<Expr>,
    /// One per unknown field (a field named twice is named once), in the order first written.
    pub warnings: Vec<SearchWarning>,
}

/// Reads a `query` argument.
///
/// Unknown fields drop out of the tree: an `And`, `Or` or `Not` left with nothing disappears
/// too, and an `Or` that loses a side keeps the other (`foo:1 OR tag:vip` is `tag:vip`). That
/// reads the ignored filter as absent rather than as "matches everything", which would make the
/// whole `Or` match every customer: a client that misspells one alternative still gets the
/// narrower answer it asked for, and the warning tells it why.
pub fn parse(query: &str) -> Result<CustomerSearch, SearchError> {
    // Checked before collecting, so a huge query costs no more than its first characters.
    if query.chars().nth(MAX_QUERY_CHARS).is_some() {
        return Err(error(
            MAX_QUERY_CHARS + 1,
            format!("the query is too long (maximum is {MAX_QUERY_CHARS} characters)"),
        ));
    }
    let mut lexer = Lexer {
        chars: query.chars().collect(),
        at: 0,
        tokens: Vec::new(),
        terms: 0,
        warnings: Vec::new(),
    };
    lexer.run()?;
    let Lexer {
        chars,
        tokens,
        warnings,
        ..
    } = lexer;
    let mut parser = Parser {
        tokens,
        next: 0,
        end: chars.len() + 1,
    };
    let filter = parser.query()?;
    Ok(CustomerSearch { filter, warnings })
}

fn error(position: usize, message: impl Into<String>) -> SearchError {
    SearchError {
        position,
        message: message.into(),
    }
}

#[derive(Debug)]
enum Token {
    Open,
    Close,
    Minus,
    And,
    Or,
    Not,
    /// A term, already typed; `None` when its field is unknown and it is left out.
    Term(Option<Expr>),
}

#[derive(Debug)]
struct Spanned {
    token: Token,
    /// 1-based character column.
    position: usize,
}

/// A value as written, before its field gives it a type.
struct RawValue {
    text: String,
    /// Column of the first character (the opening quote of a quoted value).
    position: usize,
    /// Column of the trailing `*` of an unquoted prefix value.
    star: Option<usize>,
}

/// Splits the query into tokens and types each term, left to right. All of it runs before the
/// parser checks the structure, so a malformed term is reported before a misplaced operator or
/// parenthesis, even one to its left; among terms, the leftmost error is reported.
struct Lexer {
    chars: Vec<char>,
    /// Index into `chars`; its column is `at + 1`.
    at: usize,
    tokens: Vec<Spanned>,
    terms: usize,
    warnings: Vec<SearchWarning>,
}

/// Where an unquoted value ends.
fn ends_value(c: char) -> bool {
    c.is_whitespace() || c == ')'
}

/// Where a bare word or field name ends. `(` ends it too, so that `NOT(a)` is `NOT (a)`.
fn ends_word(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')' || c == ':'
}

fn is_quote(c: char) -> bool {
    c == '"' || c == '\''
}

impl Lexer {
    fn peek_at(&self, index: usize) -> Option<char> {
        self.chars.get(index).copied()
    }

    fn push(&mut self, token: Token, position: usize) {
        self.tokens.push(Spanned { token, position });
    }

    fn run(&mut self) -> Result<(), SearchError> {
        while let Some(c) = self.peek_at(self.at) {
            let position = self.at + 1;
            match c {
                c if c.is_whitespace() => self.at += 1,
                '(' => {
                    self.push(Token::Open, position);
                    self.at += 1;
                }
                ')' => {
                    self.push(Token::Close, position);
                    self.at += 1;
                }
                '-' => {
                    // `-` negates only what is written against it: `- a` is a stray `-`.
                    if self.peek_at(self.at + 1).is_none_or(ends_value) {
                        return Err(error(position, "expected a term right after `-`"));
                    }
                    self.push(Token::Minus, position);
                    self.at += 1;
                }
                c if is_quote(c) => {
                    self.count_term(position)?;
                    let value = self.quoted()?;
                    if value.text.trim().is_empty() {
                        return Err(error(position, "expected a phrase between the quotes"));
                    }
                    let term = text_term(Field::Default, value.text, None);
                    self.push(Token::Term(Some(term)), position);
                }
                _ => self.word(position)?,
            }
        }
        Ok(())
    }

    fn count_term(&mut self, position: usize) -> Result<(), SearchError> {
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(error(
                position,
                format!("too many terms (maximum is {MAX_TERMS})"),
            ));
        }
        Ok(())
    }

    /// A keyword, a bare word, or a `field:value` term, starting at `position`.
    fn word(&mut self, position: usize) -> Result<(), SearchError> {
        let start = self.at;
        let mut end = start;
        while self.peek_at(end).is_some_and(|c| !ends_word(c)) {
            end += 1;
        }
        let word: String = self.chars[start..end].iter().collect();
        if self.peek_at(end) == Some(':') {
            if word.is_empty() {
                return Err(error(position, "expected a field name before `:`"));
            }
            self.count_term(position)?;
            self.at = end + 1;
            let term = self.field_term(&word)?;
            self.push(Token::Term(term), position);
            return Ok(());
        }
        let keyword = match word.as_str() {
            "AND" => Some(Token::And),
            "OR" => Some(Token::Or),
            "NOT" => Some(Token::Not),
            _ => None,
        };
        if let Some(keyword) = keyword {
            self.at = end;
            self.push(keyword, position);
            return Ok(());
        }
        self.count_term(position)?;
        let value = self.unquoted(end)?;
        let term = text_term(Field::Default, value.text, value.star);
        self.push(Token::Term(Some(term)), position);
        Ok(())
    }

    /// The rest of a `field:` term; `self.at` is just past the colon.
    fn field_term(&mut self, written: &str) -> Result<Option<Expr>, SearchError> {
        let name = written.to_lowercase();
        let (comparator, comparator_position) = self.comparator();
        let shown = format!("{written}:{}", comparator.symbol());
        let value = match self.peek_at(self.at) {
            None => {
                return Err(error(
                    self.at + 1,
                    format!("expected a value after `{shown}`"),
                ));
            }
            Some(c) if ends_value(c) => {
                return Err(error(
                    self.at + 1,
                    format!("expected a value after `{shown}`"),
                ));
            }
            // `tag:(a OR b)` is not Shopify's syntax; read literally it would be a tag `(a`
            // and a stray `)`, so it is refused where it starts.
            Some('(') => {
                return Err(error(
                    self.at + 1,
                    format!(
                        "parentheses cannot follow `{shown}`; write each term in full, as in \
                         `tag:a OR tag:b`"
                    ),
                ));
            }
            Some(c) if is_quote(c) => {
                let value = self.quoted()?;
                if value.text.trim().is_empty() {
                    return Err(error(
                        value.position,
                        format!("expected a value after `{shown}`"),
                    ));
                }
                value
            }
            Some(_) => {
                let mut end = self.at;
                while self.peek_at(end).is_some_and(|c| !ends_value(c)) {
                    end += 1;
                }
                self.unquoted(end)?
            }
        };
        let (field, negated) = match name.as_str() {
            "default" => (Field::Default, false),
            "email" => (Field::Email, false),
            "first_name" => (Field::FirstName, false),
            "last_name" => (Field::LastName, false),
            "phone" => (Field::Phone, false),
            "country" => (Field::Country, false),
            "tag" => (Field::Tag, false),
            "tag_not" => (Field::Tag, true),
            "state" => (Field::State, false),
            "accepts_marketing" => (Field::AcceptsMarketing, false),
            "created_at" | "customer_date" => (Field::CreatedAt, false),
            "updated_at" => (Field::UpdatedAt, false),
            "orders_count" => (Field::OrdersCount, false),
            "id" => (Field::Id, false),
            _ => {
                // Checked after the value, so that a malformed value is still an error.
                if !self.warnings.iter().any(|w| w.field == name) {
                    self.warnings.push(SearchWarning {
                        field: name,
                        message: UNKNOWN_FIELD.to_owned(),
                    });
                }
                return Ok(None);
            }
        };
        let term = typed_term(field, &name, comparator, comparator_position, value)?;
        Ok(Some(if negated {
            Expr::Not(Box::new(term))
        } else {
            term
        }))
    }

    /// `<=`, `>=`, `<` or `>` at `self.at`, consumed, with its column; `Eq` when none.
    fn comparator(&mut self) -> (Comparator, usize) {
        let position = self.at + 1;
        let first = self.peek_at(self.at);
        let equals = self.peek_at(self.at + 1) == Some('=');
        let (comparator, length) = match (first, equals) {
            (Some('<'), true) => (Comparator::Le, 2),
            (Some('>'), true) => (Comparator::Ge, 2),
            (Some('<'), false) => (Comparator::Lt, 1),
            (Some('>'), false) => (Comparator::Gt, 1),
            _ => (Comparator::Eq, 0),
        };
        self.at += length;
        (comparator, position)
    }

    /// An unquoted value from `self.at` to `end` (not empty), consumed. A `*` may only end it.
    fn unquoted(&mut self, end: usize) -> Result<RawValue, SearchError> {
        let start = self.at;
        self.at = end;
        let mut text = String::new();
        let mut star = None;
        for index in start..end {
            let Some(c) = self.peek_at(index) else {
                break;
            };
            if c != '*' {
                text.push(c);
            } else if index + 1 != end {
                return Err(error(
                    index + 1,
                    "Wildcards are only supported at the end of a value",
                ));
            } else if index == start {
                return Err(error(index + 1, "expected a value before the wildcard `*`"));
            } else {
                star = Some(index + 1);
            }
        }
        Ok(RawValue {
            text,
            position: start + 1,
            star,
        })
    }

    /// A quoted value at `self.at`, consumed with its closing quote. Inside, a backslash
    /// escapes the quote or a backslash and is otherwise kept, so `"C:\temp"` reads as written.
    /// A `*` inside quotes is literal: quoting is how a value says "exactly this".
    fn quoted(&mut self) -> Result<RawValue, SearchError> {
        let start = self.at;
        let Some(quote) = self.peek_at(start) else {
            return Err(error(start + 1, "expected a quote"));
        };
        let mut text = String::new();
        let mut index = start + 1;
        loop {
            let Some(c) = self.peek_at(index) else {
                return Err(error(
                    start + 1,
                    format!("unterminated quote: add a closing {quote}"),
                ));
            };
            let next = self.peek_at(index + 1);
            if c == '\\' && (next == Some(quote) || next == Some('\\')) {
                text.push(next.unwrap_or(c));
                index += 2;
            } else if c == quote {
                index += 1;
                break;
            } else {
                text.push(c);
                index += 1;
            }
        }
        self.at = index;
        // `"ada"mae` would otherwise silently become two terms.
        match self.peek_at(index) {
            None => {}
            Some(c) if ends_value(c) => {}
            Some('*') => {
                return Err(error(
                    index + 1,
                    "Wildcards are only supported at the end of an unquoted value",
                ));
            }
            Some(_) => {
                return Err(error(
                    index + 1,
                    "expected a space or `)` after the closing quote",
                ));
            }
        }
        Ok(RawValue {
            text,
            position: start + 1,
            star: None,
        })
    }
}

fn term(field: Field, comparator: Comparator, value: Value) -> Expr {
    Expr::Term(Term {
        field,
        comparator,
        value,
    })
}

fn text_term(field: Field, text: String, star: Option<usize>) -> Expr {
    let text = if field == Field::Email {
        text.to_lowercase()
    } else {
        text
    };
    let value = if star.is_some() {
        Value::Prefix(text)
    } else {
        Value::Text(text)
    };
    term(field, Comparator::Eq, value)
}

/// Types a value for a known field. `name` is the field as written, lower-cased, for messages.
fn typed_term(
    field: Field,
    name: &str,
    comparator: Comparator,
    comparator_position: usize,
    value: RawValue,
) -> Result<Expr, SearchError> {
    if comparator != Comparator::Eq && !field.is_ordered() {
        return Err(error(
            comparator_position,
            format!(
                "`{}` cannot be used with `{name}`; comparisons work on created_at, updated_at, \
                 orders_count and id",
                comparator.symbol()
            ),
        ));
    }
    if field.is_text() {
        return Ok(text_term(field, value.text, value.star));
    }
    let bad = |message: String| Err(error(value.position, message));
    let typed = match field {
        Field::State => match value.text.to_ascii_lowercase().as_str() {
            "enabled" => Value::State(CustomerState::Enabled),
            "disabled" => Value::State(CustomerState::Disabled),
            "invited" => Value::State(CustomerState::Invited),
            "declined" => Value::State(CustomerState::Declined),
            _ => {
                return bad(format!(
                    "`{name}` must be one of enabled, disabled, invited, declined"
                ));
            }
        },
        Field::AcceptsMarketing => match value.text.to_ascii_lowercase().as_str() {
            "true" => Value::Boolean(true),
            "false" => Value::Boolean(false),
            _ => return bad(format!("`{name}` must be true or false")),
        },
        Field::CreatedAt | Field::UpdatedAt => match moment(&value.text) {
            Some(moment) => {
                // Checked before the typed value is used, so a wildcard is never ignored.
                refuse_star(name, value.star)?;
                if comparator == Comparator::Eq && moment.whole_day {
                    // `created_at:2024-01-31` means any time that day (UTC). With a
                    // comparator a bare date is its first second (`<=2024-01-31` stops at that
                    // midnight), as for orders' `processed_at`.
                    return Ok(Expr::And(vec![
                        term(field, Comparator::Ge, Value::Timestamp(moment.at)),
                        term(
                            field,
                            Comparator::Lt,
                            Value::Timestamp(moment.at + SECONDS_PER_DAY),
                        ),
                    ]));
                }
                Value::Timestamp(moment.at)
            }
            None => {
                return bad(format!(
                    "`{name}` needs a date such as 2024-01-31, 2024-01-31T10:00:00 (UTC) or \
                     2024-01-31T10:00:00+02:00"
                ));
            }
        },
        Field::OrdersCount => match whole_number(&value.text) {
            Some(count) => Value::Integer(count),
            None => return bad(format!("`{name}` must be a whole number, 0 or more")),
        },
        Field::Id => match whole_number(&value.text).or_else(|| parse_gid(&value.text, "Customer"))
        {
            Some(id) => Value::Integer(id),
            None => {
                return bad(format!(
                    "`{name}` must be a customer id: a number or gid://shopify/Customer/<number>"
                ));
            }
        },
        // Text fields returned above.
        _ => return Ok(text_term(field, value.text, value.star)),
    };
    refuse_star(name, value.star)?;
    Ok(term(field, comparator, typed))
}

fn refuse_star(name: &str, star: Option<usize>) -> Result<(), SearchError> {
    match star {
        Some(position) => Err(error(
            position,
            format!("wildcards only work on text fields, and `{name}` is not one"),
        )),
        None => Ok(()),
    }
}

/// Digits only: no sign, no spaces, no overflow.
fn whole_number(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

struct Moment {
    /// Unix seconds.
    at: i64,
    /// Written as a bare date (its first second, UTC, is `at`).
    whole_day: bool,
}

/// A date or date-time as Shopify's search accepts it: `2024-01-31`, `2024-01-31T10:00:00`
/// (UTC) or RFC 3339 with an offset (the rule of `order::listing`'s `processed_at`).
fn moment(value: &str) -> Option<Moment> {
    if let Ok(at) = OffsetDateTime::parse(value, &Rfc3339) {
        return Some(Moment {
            at: at.unix_timestamp(),
            whole_day: false,
        });
    }
    if let Ok(at) = PrimitiveDateTime::parse(
        value,
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    ) {
        return Some(Moment {
            at: at.assume_utc().unix_timestamp(),
            whole_day: false,
        });
    }
    let date = Date::parse(value, format_description!("[year]-[month]-[day]")).ok()?;
    Some(Moment {
        at: PrimitiveDateTime::new(date, Time::MIDNIGHT)
            .assume_utc()
            .unix_timestamp(),
        whole_day: true,
    })
}

/// `parts` joined by AND: nested ANDs merged, nothing left is `None`, one part is itself.
fn all_of(parts: Vec<Expr>) -> Option<Expr> {
    let mut flat = Vec::with_capacity(parts.len());
    for part in parts {
        match part {
            Expr::And(inner) => flat.extend(inner),
            other => flat.push(other),
        }
    }
    joined(flat, Expr::And)
}

/// `parts` joined by OR, as [`all_of`] joins by AND.
fn any_of(parts: Vec<Expr>) -> Option<Expr> {
    let mut flat = Vec::with_capacity(parts.len());
    for part in parts {
        match part {
            Expr::Or(inner) => flat.extend(inner),
            other => flat.push(other),
        }
    }
    joined(flat, Expr::Or)
}

fn joined(mut parts: Vec<Expr>, join: fn(Vec<Expr>) -> Expr) -> Option<Expr> {
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(join(parts)),
    }
}

/// `NOT NOT x` is `x` in SQL too (also when `x` is NULL), and dropping it keeps a long run of
/// `-` from building a deep tree.
fn negate(expr: Expr) -> Expr {
    match expr {
        Expr::Not(inner) => *inner,
        other => Expr::Not(Box::new(other)),
    }
}

/// Recursive descent over the tokens. Only groups recurse (at most [`MAX_NESTING`] deep);
/// runs of terms, `OR`s and negations are loops.
struct Parser {
    tokens: Vec<Spanned>,
    next: usize,
    /// The column just past the last character: where "ended too early" points.
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Spanned> {
        self.tokens.get(self.next)
    }

    /// Whether the next token can begin a term (a `unary`).
    fn at_term(&self) -> bool {
        matches!(
            self.peek().map(|t| &t.token),
            Some(Token::Term(_) | Token::Open | Token::Minus | Token::Not)
        )
    }

    fn query(&mut self) -> Result<Option<Expr>, SearchError> {
        if self.peek().is_none() {
            return Ok(None);
        }
        let filter = self.or(0)?;
        match self.peek() {
            None => Ok(filter),
            Some(token) => Err(error(token.position, "unmatched `)`")),
        }
    }

    /// Stops before a `)` or the end of the query.
    fn or(&mut self, depth: usize) -> Result<Option<Expr>, SearchError> {
        let mut parts = Vec::new();
        parts.extend(self.and(depth)?);
        while let Some(&Spanned {
            token: Token::Or,
            position,
        }) = self.peek()
        {
            self.next += 1;
            if !self.at_term() {
                return Err(error(position, "expected a term after `OR`"));
            }
            parts.extend(self.and(depth)?);
        }
        Ok(any_of(parts))
    }

    /// Stops before an `OR`, a `)` or the end of the query.
    fn and(&mut self, depth: usize) -> Result<Option<Expr>, SearchError> {
        match self.peek() {
            Some(Spanned {
                token: Token::And,
                position,
            }) => return Err(error(*position, "`AND` needs a term before it")),
            Some(Spanned {
                token: Token::Or,
                position,
            }) => return Err(error(*position, "`OR` needs a term before it")),
            _ => {}
        }
        let mut parts = Vec::new();
        loop {
            if let Some(&Spanned {
                token: Token::And,
                position,
            }) = self.peek()
            {
                self.next += 1;
                if !self.at_term() {
                    return Err(error(position, "expected a term after `AND`"));
                }
            } else if !self.at_term() {
                break;
            }
            parts.extend(self.unary(depth)?);
        }
        Ok(all_of(parts))
    }

    /// Negations, then a term or group. The caller has checked that one begins here.
    fn unary(&mut self, depth: usize) -> Result<Option<Expr>, SearchError> {
        let mut negated = false;
        while let Some(&Spanned {
            token: ref token @ (Token::Minus | Token::Not),
            position,
        }) = self.peek()
        {
            let written = if matches!(token, Token::Minus) {
                "-"
            } else {
                "NOT"
            };
            self.next += 1;
            if !self.at_term() {
                return Err(error(
                    position,
                    format!("expected a term after `{written}`"),
                ));
            }
            negated = !negated;
        }
        let expr = self.primary(depth)?;
        Ok(if negated { expr.map(negate) } else { expr })
    }

    fn primary(&mut self, depth: usize) -> Result<Option<Expr>, SearchError> {
        let Some(spanned) = self.tokens.get_mut(self.next) else {
            return Err(error(self.end, "expected a term"));
        };
        let position = spanned.position;
        match &mut spanned.token {
            Token::Term(expr) => {
                let expr = expr.take();
                self.next += 1;
                Ok(expr)
            }
            Token::Open => {
                if depth >= MAX_NESTING {
                    return Err(error(
                        position,
                        format!("parentheses are nested too deeply (maximum is {MAX_NESTING})"),
                    ));
                }
                self.next += 1;
                match self.peek().map(|t| &t.token) {
                    None => return Err(error(position, "unclosed `(`")),
                    Some(Token::Close) => return Err(error(position, "empty parentheses")),
                    _ => {}
                }
                let inner = self.or(depth + 1)?;
                match self.peek().map(|t| &t.token) {
                    Some(Token::Close) => {
                        self.next += 1;
                        Ok(inner)
                    }
                    _ => Err(error(position, "unclosed `(`")),
                }
            }
            _ => Err(error(position, "expected a term")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn filter(query: &str) -> Option<Expr> {
        match parse(query) {
            Ok(search) => {
                assert!(
                    search.warnings.is_empty(),
                    "{query}: unexpected warnings {:?}",
                    search.warnings
                );
                search.filter
            }
            Err(e) => panic!("{query}: {e}"),
        }
    }

    fn one(query: &str) -> Expr {
        filter(query).unwrap_or_else(|| panic!("{query}: no filter"))
    }

    /// The error's position and message.
    fn refused(query: &str) -> (usize, String) {
        match parse(query) {
            Ok(search) => panic!("{query}: accepted as {search:?}"),
            Err(e) => (e.position, e.message),
        }
    }

    fn position(query: &str) -> usize {
        refused(query).0
    }

    fn t(field: Field, comparator: Comparator, value: Value) -> Expr {
        term(field, comparator, value)
    }

    fn text(field: Field, value: &str) -> Expr {
        t(field, Comparator::Eq, Value::Text(value.to_owned()))
    }

    fn word(value: &str) -> Expr {
        text(Field::Default, value)
    }

    fn not(expr: Expr) -> Expr {
        Expr::Not(Box::new(expr))
    }

    /// 2024-01-01T00:00:00Z.
    const JAN_1: i64 = 1_704_067_200;

    #[test]
    fn an_empty_query_filters_nothing() {
        assert_eq!(filter(""), None);
        assert_eq!(filter("  \t\n "), None);
    }

    #[test]
    fn bare_words_and_phrases_search_the_default_field() {
        assert_eq!(one("Ada"), word("Ada"));
        assert_eq!(one(r#""Ada Mae""#), word("Ada Mae"));
        assert_eq!(one("'Ada Mae'"), word("Ada Mae"));
        assert_eq!(one("default:Ada"), word("Ada"));
        // A quote inside a word is a letter.
        assert_eq!(one("O'Brien"), word("O'Brien"));
        assert_eq!(one("last_name:O'Brien"), text(Field::LastName, "O'Brien"));
    }

    #[test]
    fn whitespace_is_and_and_and_binds_tighter_than_or() {
        assert_eq!(one("a b"), Expr::And(vec![word("a"), word("b")]));
        assert_eq!(one("a AND b"), Expr::And(vec![word("a"), word("b")]));
        assert_eq!(
            one("a OR b c"),
            Expr::Or(vec![word("a"), Expr::And(vec![word("b"), word("c")])])
        );
        assert_eq!(
            one("a b OR c"),
            Expr::Or(vec![Expr::And(vec![word("a"), word("b")]), word("c")])
        );
        assert_eq!(
            one("a AND b OR c AND d"),
            Expr::Or(vec![
                Expr::And(vec![word("a"), word("b")]),
                Expr::And(vec![word("c"), word("d")]),
            ])
        );
        assert_eq!(
            one("a OR b OR c"),
            Expr::Or(vec![word("a"), word("b"), word("c")])
        );
    }

    #[test]
    fn keywords_are_upper_case_only() {
        assert_eq!(
            one("a or b and c not d"),
            Expr::And(
                ["a", "or", "b", "and", "c", "not", "d"]
                    .into_iter()
                    .map(word)
                    .collect()
            )
        );
        // A field named like a keyword is a field (unknown here), not a keyword.
        let search = parse("OR:1 a").unwrap();
        assert_eq!(search.filter, Some(word("a")));
        assert_eq!(search.warnings[0].field, "or");
    }

    #[test]
    fn minus_and_not_negate() {
        let vip = text(Field::Tag, "vip");
        assert_eq!(one("-tag:vip"), not(vip.clone()));
        assert_eq!(one("NOT tag:vip"), not(vip.clone()));
        assert_eq!(
            one("a -tag:vip"),
            Expr::And(vec![word("a"), not(vip.clone())])
        );
        assert_eq!(one("-(a OR b)"), not(Expr::Or(vec![word("a"), word("b")])));
        assert_eq!(
            one("NOT (a OR b) c"),
            Expr::And(vec![not(Expr::Or(vec![word("a"), word("b")])), word("c")])
        );
        assert_eq!(one("NOT(a)"), not(word("a")));
        assert_eq!(one("-\"a b\""), not(word("a b")));
        // NOT applies to one term, not to an AND run.
        assert_eq!(one("NOT a b"), Expr::And(vec![not(word("a")), word("b")]));
        // Double negations cancel.
        assert_eq!(one("NOT NOT a"), word("a"));
        assert_eq!(one("--a"), word("a"));
        assert_eq!(one("-NOT a"), word("a"));
        // `-` only negates at the start of a term.
        assert_eq!(
            one("first_name:Mary-Jane"),
            text(Field::FirstName, "Mary-Jane")
        );
        assert_eq!(one("a-b"), word("a-b"));
    }

    #[test]
    fn parentheses_group() {
        assert_eq!(
            one("(a OR b) c"),
            Expr::And(vec![Expr::Or(vec![word("a"), word("b")]), word("c")])
        );
        assert_eq!(
            one("a (b OR (c d))"),
            Expr::And(vec![
                word("a"),
                Expr::Or(vec![word("b"), Expr::And(vec![word("c"), word("d")])]),
            ])
        );
        // Groups of the same kind merge; a group of one is its term.
        assert_eq!(
            one("a (b c)"),
            Expr::And(vec![word("a"), word("b"), word("c")])
        );
        assert_eq!(
            one("(a OR b) OR c"),
            Expr::Or(vec![word("a"), word("b"), word("c")])
        );
        assert_eq!(one("((a))"), word("a"));
    }

    #[test]
    fn quoted_values_keep_spaces_and_unescape_quotes() {
        assert_eq!(
            one(r#"first_name:"Ada Mae""#),
            text(Field::FirstName, "Ada Mae")
        );
        assert_eq!(one(r#"tag:"say \"hi\"""#), text(Field::Tag, r#"say "hi""#));
        assert_eq!(
            one(r"last_name:'O\'Brien'"),
            text(Field::LastName, "O'Brien")
        );
        // The other quote needs no escape; a backslash before anything else is kept.
        assert_eq!(one(r#"tag:'a "b" c'"#), text(Field::Tag, r#"a "b" c"#));
        assert_eq!(one(r#"tag:"C:\temp""#), text(Field::Tag, r"C:\temp"));
        assert_eq!(one(r#"tag:"a\\""#), text(Field::Tag, r"a\"));
        // Inside quotes `*`, `(`, `)` and keywords are text.
        assert_eq!(one(r#"tag:"a* (OR) b""#), text(Field::Tag, "a* (OR) b"));
        assert_eq!(one(r#"(tag:"a b")"#), text(Field::Tag, "a b"));
        assert_eq!(
            one("created_at:'2024-01-01T00:00:00'"),
            t(Field::CreatedAt, Comparator::Eq, Value::Timestamp(JAN_1))
        );
    }

    #[test]
    fn a_trailing_star_is_a_prefix_match() {
        assert_eq!(
            one("email:Ada*"),
            t(
                Field::Email,
                Comparator::Eq,
                Value::Prefix("ada".to_owned())
            )
        );
        assert_eq!(
            one("ada*"),
            t(
                Field::Default,
                Comparator::Eq,
                Value::Prefix("ada".to_owned())
            )
        );
        assert_eq!(
            one("tag_not:vi*"),
            not(t(
                Field::Tag,
                Comparator::Eq,
                Value::Prefix("vi".to_owned())
            ))
        );
        assert_eq!(
            refused("email:a*b"),
            (
                8,
                "Wildcards are only supported at the end of a value".to_owned()
            )
        );
        assert_eq!(position("a**"), 2);
        assert_eq!(position("*a"), 1);
        assert_eq!(position("email:*"), 7);
        assert_eq!(position("*"), 1);
        assert_eq!(position(r#"tag:"vip"*"#), 10);
        // On a typed field a wildcard is refused where it stands.
        assert_eq!(position("orders_count:5*"), 15);
        assert_eq!(position("state:enabled*"), 14);
        assert_eq!(position("created_at:2024-01-01*"), 22);
    }

    #[test]
    fn text_keeps_its_case_except_email() {
        assert_eq!(
            one("email:Ada@Example.COM"),
            text(Field::Email, "ada@example.com")
        );
        assert_eq!(one("first_name:ADA"), text(Field::FirstName, "ADA"));
        assert_eq!(one("phone:+15551234"), text(Field::Phone, "+15551234"));
        assert_eq!(one("country:Canada"), text(Field::Country, "Canada"));
        // Field names are case-insensitive.
        assert_eq!(one("EMAIL:x@y.z"), text(Field::Email, "x@y.z"));
        assert_eq!(one("Last_Name:Lovelace"), text(Field::LastName, "Lovelace"));
        // A value may hold colons.
        assert_eq!(one("tag:a:b"), text(Field::Tag, "a:b"));
    }

    #[test]
    fn tag_not_is_a_negated_tag() {
        assert_eq!(one("tag_not:vip"), not(text(Field::Tag, "vip")));
        assert_eq!(one("-tag_not:vip"), text(Field::Tag, "vip"));
    }

    #[test]
    fn comparators_work_on_dates_and_numbers() {
        assert_eq!(
            one("created_at:>=2024-01-01"),
            t(Field::CreatedAt, Comparator::Ge, Value::Timestamp(JAN_1))
        );
        assert_eq!(
            one("customer_date:<2024-01-01"),
            t(Field::CreatedAt, Comparator::Lt, Value::Timestamp(JAN_1))
        );
        assert_eq!(
            one("updated_at:>2024-01-01T10:00:00"),
            t(
                Field::UpdatedAt,
                Comparator::Gt,
                Value::Timestamp(JAN_1 + 36_000)
            )
        );
        assert_eq!(
            one("updated_at:<=2024-01-01T10:00:00+02:00"),
            t(
                Field::UpdatedAt,
                Comparator::Le,
                Value::Timestamp(JAN_1 + 28_800)
            )
        );
        assert_eq!(
            one("created_at:2024-01-01T00:00:00Z"),
            t(Field::CreatedAt, Comparator::Eq, Value::Timestamp(JAN_1))
        );
        assert_eq!(
            one("orders_count:>5"),
            t(Field::OrdersCount, Comparator::Gt, Value::Integer(5))
        );
        assert_eq!(
            one("orders_count:<=0"),
            t(Field::OrdersCount, Comparator::Le, Value::Integer(0))
        );
        assert_eq!(
            one("orders_count:3"),
            t(Field::OrdersCount, Comparator::Eq, Value::Integer(3))
        );
        assert_eq!(
            one("id:>=100"),
            t(Field::Id, Comparator::Ge, Value::Integer(100))
        );
    }

    #[test]
    fn a_bare_date_is_the_whole_utc_day() {
        let day = |field| {
            Expr::And(vec![
                t(field, Comparator::Ge, Value::Timestamp(JAN_1)),
                t(field, Comparator::Lt, Value::Timestamp(JAN_1 + 86_400)),
            ])
        };
        assert_eq!(one("created_at:2024-01-01"), day(Field::CreatedAt));
        assert_eq!(one("updated_at:'2024-01-01'"), day(Field::UpdatedAt));
        // Inside an AND the two bounds join it.
        assert_eq!(
            one("created_at:2024-01-01 tag:vip"),
            Expr::And(vec![
                t(Field::CreatedAt, Comparator::Ge, Value::Timestamp(JAN_1)),
                t(
                    Field::CreatedAt,
                    Comparator::Lt,
                    Value::Timestamp(JAN_1 + 86_400)
                ),
                text(Field::Tag, "vip"),
            ])
        );
        assert_eq!(one("-created_at:2024-01-01"), not(day(Field::CreatedAt)));
    }

    #[test]
    fn ids_are_numbers_or_customer_gids() {
        assert_eq!(
            one("id:123"),
            t(Field::Id, Comparator::Eq, Value::Integer(123))
        );
        assert_eq!(
            one("id:gid://shopify/Customer/123"),
            t(Field::Id, Comparator::Eq, Value::Integer(123))
        );
        assert_eq!(
            one("id:<\"gid://shopify/Customer/9\""),
            t(Field::Id, Comparator::Lt, Value::Integer(9))
        );
        assert_eq!(position("id:gid://shopify/Order/1"), 4);
        assert_eq!(position("id:abc"), 4);
        assert_eq!(position("id:-1"), 4);
        assert_eq!(position("id:99999999999999999999"), 4);
    }

    #[test]
    fn state_and_accepts_marketing_are_typed() {
        assert_eq!(
            one("state:ENABLED"),
            t(
                Field::State,
                Comparator::Eq,
                Value::State(CustomerState::Enabled)
            )
        );
        assert_eq!(
            one("state:declined"),
            t(
                Field::State,
                Comparator::Eq,
                Value::State(CustomerState::Declined)
            )
        );
        assert_eq!(
            refused("state:active"),
            (
                7,
                "`state` must be one of enabled, disabled, invited, declined".to_owned()
            )
        );
        assert_eq!(
            one("accepts_marketing:True"),
            t(
                Field::AcceptsMarketing,
                Comparator::Eq,
                Value::Boolean(true)
            )
        );
        assert_eq!(
            one("accepts_marketing:false"),
            t(
                Field::AcceptsMarketing,
                Comparator::Eq,
                Value::Boolean(false)
            )
        );
        assert_eq!(position("accepts_marketing:yes"), 19);
        assert_eq!(position("orders_count:-1"), 14);
        assert_eq!(position("orders_count:1.5"), 14);
    }

    #[test]
    fn unknown_fields_are_left_out_with_a_warning() {
        let warning = |field: &str| SearchWarning {
            field: field.to_owned(),
            message: "Invalid search field for this query.".to_owned(),
        };
        let search = parse("Foo:1").unwrap();
        assert_eq!(search.filter, None);
        assert_eq!(search.warnings, vec![warning("foo")]);

        let vip = text(Field::Tag, "vip");
        let search = parse("foo:1 tag:vip").unwrap();
        assert_eq!(search.filter, Some(vip.clone()));
        // An OR that loses a side keeps the other.
        let search = parse("foo:1 OR tag:vip").unwrap();
        assert_eq!(search.filter, Some(vip.clone()));
        let search = parse("(foo:1 bar:2) OR -(baz:3) OR tag:vip a").unwrap();
        assert_eq!(search.filter, Some(Expr::And(vec![vip.clone(), word("a")])));
        assert_eq!(
            search.warnings,
            vec![warning("foo"), warning("bar"), warning("baz")]
        );
        // Empty groups and negations disappear; each field is named once.
        let search = parse("-foo:1 NOT (foo:2 OR FOO:>3)").unwrap();
        assert_eq!(search.filter, None);
        assert_eq!(search.warnings, vec![warning("foo")]);
        // Its value is not typed, but must still be a value.
        assert_eq!(position("foo:"), 5);
        assert_eq!(position("foo:a*b"), 6);
    }

    #[test]
    fn errors_name_the_offending_column() {
        // Unbalanced parentheses.
        assert_eq!(refused("(a OR b"), (1, "unclosed `(`".to_owned()));
        assert_eq!(position("a (b (c)"), 3);
        assert_eq!(refused("a OR b)"), (7, "unmatched `)`".to_owned()));
        assert_eq!(position(")"), 1);
        assert_eq!(position("(a))"), 4);
        assert_eq!(refused("a ()"), (3, "empty parentheses".to_owned()));
        // Dangling operators.
        assert_eq!(
            refused("a AND"),
            (3, "expected a term after `AND`".to_owned())
        );
        assert_eq!(
            refused("a OR"),
            (3, "expected a term after `OR`".to_owned())
        );
        assert_eq!(
            refused("NOT"),
            (1, "expected a term after `NOT`".to_owned())
        );
        assert_eq!(position("a NOT )"), 3);
        assert_eq!(position("(a OR)"), 4);
        assert_eq!(position("a AND OR b"), 3);
        assert_eq!(position("a OR AND b"), 3);
        assert_eq!(position("a -AND b"), 3);
        assert_eq!(
            refused("a -"),
            (3, "expected a term right after `-`".to_owned())
        );
        assert_eq!(position("- a"), 1);
        assert_eq!(position("(-)"), 2);
        // Nothing before OR / AND.
        assert_eq!(
            refused("OR a"),
            (1, "`OR` needs a term before it".to_owned())
        );
        assert_eq!(position("AND a"), 1);
        assert_eq!(position("a (OR b)"), 4);
        // Quotes.
        assert_eq!(
            refused(r#"tag:vip first_name:"Ada"#),
            (20, "unterminated quote: add a closing \"".to_owned())
        );
        assert_eq!(position(r#"tag:"a\""#), 5);
        assert_eq!(position("'abc"), 1);
        assert_eq!(position(r#"tag:"a"b"#), 8);
        // Empty values and field names.
        assert_eq!(
            refused("email:"),
            (7, "expected a value after `email:`".to_owned())
        );
        assert_eq!(position("email: ada"), 7);
        assert_eq!(position("(email:)"), 8);
        assert_eq!(position("created_at:>"), 13);
        assert_eq!(position("tag:\"\""), 5);
        assert_eq!(position("tag:' '"), 5);
        assert_eq!(position("\"\""), 1);
        assert_eq!(
            refused("a :b"),
            (3, "expected a field name before `:`".to_owned())
        );
        assert_eq!(position("tag:(a OR b)"), 5);
        // Comparators on fields without an order.
        assert_eq!(
            refused("email:<a"),
            (
                7,
                "`<` cannot be used with `email`; comparisons work on created_at, updated_at, \
                 orders_count and id"
                    .to_owned()
            )
        );
        assert_eq!(position("tag:>=vip"), 5);
        assert_eq!(position("tag_not:>vip"), 9);
        assert_eq!(position("state:>enabled"), 7);
        assert_eq!(position("accepts_marketing:<=true"), 19);
        // Unreadable dates.
        assert_eq!(position("created_at:yesterday"), 12);
        assert_eq!(position("created_at:>=2024-13-01"), 14);
        assert_eq!(position("updated_at:now"), 12);
        assert_eq!(position("created_at:today"), 12);
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        // `"héllo" ` is 8 characters (9 bytes); `émail:` 6 more.
        let (at, message) = refused("\"héllo\" émail:");
        assert_eq!(at, 15);
        assert_eq!(message, "expected a value after `émail:`");
        assert_eq!(position("日本 OR"), 4);
        assert_eq!(position("ü (x"), 3);
        assert_eq!(one("tag:日本"), text(Field::Tag, "日本"));
    }

    #[test]
    fn errors_display_with_their_position() {
        let Err(e) = parse("email:") else {
            panic!("accepted");
        };
        assert_eq!(
            e.to_string(),
            "Invalid search query at position 7: expected a value after `email:`"
        );
    }

    #[test]
    fn field_names_are_shopifys() {
        assert_eq!(Field::CreatedAt.name(), "created_at");
        assert_eq!(Field::AcceptsMarketing.name(), "accepts_marketing");
        assert_eq!(Field::Default.name(), "default");
        for (name, field, value) in [
            ("email", Field::Email, "a@b.c"),
            ("first_name", Field::FirstName, "Ada"),
            ("last_name", Field::LastName, "Lovelace"),
            ("phone", Field::Phone, "+15551234"),
            ("country", Field::Country, "CA"),
            ("tag", Field::Tag, "vip"),
            ("state", Field::State, "invited"),
            ("orders_count", Field::OrdersCount, "1"),
            ("updated_at", Field::UpdatedAt, "2024-01-01T00:00:00"),
            ("id", Field::Id, "1"),
        ] {
            assert_eq!(field.name(), name);
            let query = format!("{name}:{value}");
            let parsed = one(&query);
            let Expr::Term(term) = parsed else {
                panic!("{query}: {parsed:?}");
            };
            assert_eq!(term.field, field);
        }
    }

    #[test]
    fn the_query_length_is_limited() {
        let longest = "a".repeat(MAX_QUERY_CHARS);
        assert_eq!(one(&longest), word(&longest));
        assert_eq!(
            refused(&format!("{longest}b")),
            (
                MAX_QUERY_CHARS + 1,
                "the query is too long (maximum is 1000 characters)".to_owned()
            )
        );
        // Characters, not bytes.
        assert!(parse(&"é".repeat(MAX_QUERY_CHARS)).is_ok());
        assert_eq!(position(&"é".repeat(MAX_QUERY_CHARS + 1)), 1001);
        assert_eq!(position(&"x".repeat(1_000_000)), 1001);
    }

    #[test]
    fn the_number_of_terms_is_limited() {
        let terms = |n: usize| vec!["tag:a"; n].join(" ");
        assert!(parse(&terms(MAX_TERMS)).is_ok());
        // The 51st term starts at column 50 * 6 + 1.
        assert_eq!(
            refused(&terms(MAX_TERMS + 1)),
            (301, "too many terms (maximum is 50)".to_owned())
        );
        // Unknown fields and bare words count; keywords do not.
        assert!(parse(&vec!["a"; MAX_TERMS].join(" OR ")).is_ok());
        assert_eq!(position(&format!("{} foo:1", terms(MAX_TERMS))), 301);
        assert_eq!(position(&format!("{} \"x\"", terms(MAX_TERMS))), 301);
    }

    #[test]
    fn the_nesting_is_limited_without_deep_recursion() {
        let nested = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(one(&nested(MAX_NESTING)), word("a"));
        assert_eq!(
            refused(&nested(MAX_NESTING + 1)),
            (
                11,
                "parentheses are nested too deeply (maximum is 10)".to_owned()
            )
        );
        assert_eq!(position(&"(".repeat(MAX_QUERY_CHARS)), 11);
        assert_eq!(position(&")".repeat(MAX_QUERY_CHARS)), 1);
        // Negations are a loop, and cancel out in pairs.
        assert_eq!(
            one(&format!("{}a", "-".repeat(MAX_QUERY_CHARS - 2))),
            word("a")
        );
        assert_eq!(
            one(&format!("{}a", "-".repeat(MAX_QUERY_CHARS - 1))),
            not(word("a"))
        );
        assert_eq!(one(&format!("{}a", "NOT ".repeat(249))), not(word("a")));
        let mixed = format!("{}a", "-(NOT ".repeat(9));
        assert_eq!(one(&format!("{mixed}{}", ")".repeat(9))), word("a"));
    }

    /// Strings made of the grammar's pieces, so the interesting paths are reached often.
    fn query_like() -> impl Strategy<Value = String> {
        const PIECES: &[&str] = &[
            "(",
            ")",
            ":",
            "\"",
            "'",
            "\\",
            "-",
            "*",
            " ",
            " ",
            "AND",
            "OR",
            "NOT",
            "email",
            "tag",
            "tag_not",
            "state",
            "id",
            "orders_count",
            "created_at",
            "2024-01-31",
            "T10:00:00",
            "gid://shopify/Customer/",
            "7",
            "<",
            ">",
            "=",
            "ada",
            "é",
            "日本",
            "🦀",
            "\u{0301}",
            "\n",
        ];
        prop::collection::vec(prop::sample::select(PIECES), 0..60)
            .prop_map(|pieces| pieces.concat())
    }

    /// Queries the grammar accepts: terms of every field, joined, negated and grouped at most
    /// three deep (so at most 27 terms).
    fn grammatical() -> impl Strategy<Value = String> {
        const TERMS: &[&str] = &[
            "ada",
            "ada*",
            "\"Ada Mae\"",
            "'O\\'Brien'",
            "email:Ada@Example.com",
            "first_name:\"Ada Mae\"",
            "last_name:Love*",
            "phone:+15551234",
            "country:CA",
            "tag:vip",
            "tag_not:'big spender'",
            "state:ENABLED",
            "accepts_marketing:true",
            "created_at:2024-01-31",
            "customer_date:>=2024-01-31T10:00:00",
            "updated_at:<2024-01-31T10:00:00+02:00",
            "orders_count:>3",
            "id:gid://shopify/Customer/7",
            "id:<=7",
            "unknown:value",
            "日本",
        ];
        let leaf = prop::sample::select(TERMS).prop_map(str::to_owned);
        leaf.prop_recursive(3, 27, 3, |inner| {
            (
                prop::collection::vec(inner, 1..=3),
                prop::sample::select(&[" ", " AND ", " OR "][..]),
                prop::sample::select(&["", "-", "NOT "][..]),
            )
                .prop_map(|(parts, join, negation)| format!("{negation}({})", parts.join(join)))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2_000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Anything: no panic, and an error points inside the query or just past its end.
        #[test]
        fn parse_never_panics(
            noise in any::<String>(),
            built in query_like(),
        ) {
            for query in [noise, built] {
                let chars = query.chars().count();
                match parse(&query) {
                    Ok(search) => {
                        if let Some(filter) = &search.filter {
                            prop_assert!(well_formed(filter), "{query:?}: {filter:?}");
                        }
                    }
                    Err(e) => {
                        prop_assert!(
                            (1..=chars + 1).contains(&e.position),
                            "{query:?}: {e}"
                        );
                        prop_assert!(!e.message.is_empty());
                    }
                }
            }
        }

        /// What the grammar accepts is read, into a tree of the promised shape.
        #[test]
        fn grammatical_queries_are_read(query in grammatical()) {
            match parse(&query) {
                Ok(search) => {
                    if let Some(filter) = &search.filter {
                        prop_assert!(well_formed(filter), "{query:?}: {filter:?}");
                    }
                }
                Err(e) => prop_assert!(false, "{query:?}: {e}"),
            }
        }
    }

    /// The shape promised on [`Expr`]: joins of two or more parts, none of their own kind, and
    /// no double negation.
    fn well_formed(expr: &Expr) -> bool {
        match expr {
            Expr::Term(_) => true,
            Expr::And(parts) => {
                parts.len() >= 2
                    && parts
                        .iter()
                        .all(|p| !matches!(p, Expr::And(_)) && well_formed(p))
            }
            Expr::Or(parts) => {
                parts.len() >= 2
                    && parts
                        .iter()
                        .all(|p| !matches!(p, Expr::Or(_)) && well_formed(p))
            }
            Expr::Not(inner) => !matches!(**inner, Expr::Not(_)) && well_formed(inner),
        }
    }
}
