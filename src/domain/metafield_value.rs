//! Metafield values as Shopify's Admin `metafieldsSet` takes them. A value is always a string; its
//! meaning comes from the metafield's type ("number_integer", "list.date", ...) and from the
//! validations of the metafield's definition (min, max, regex, choices, ...). This module checks
//! a value against both and returns it normalised, which is what is stored: integers without
//! leading zeros, date-times in UTC, money and ratings re-serialised with their keys in a fixed
//! order, lists as compact JSON. It also checks a definition's validations when they are set, and
//! computes the `compareDigest` clients send back for compare-and-set writes.

use std::cmp::Ordering;

use regex::{Regex, RegexBuilder};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Biggest stored value, in bytes (Shopify's cap for text and json is 64 kB; applied to every type here).
pub const MAX_VALUE_BYTES: usize = 65_536;
/// Most items in a list value.
pub const MAX_LIST_ITEMS: usize = 128;

/// The largest integer a JavaScript client can hold exactly (2^53 - 1): Shopify's bound for
/// number_integer.
const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;
/// Shopify's limits for number_decimal.
const MAX_DECIMAL_INT_DIGITS: usize = 13;
const MAX_DECIMAL_FRAC_DIGITS: usize = 9;
/// Compiled regex validations may use this much memory: a definition's pattern is untrusted.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

const URL_SCHEMES: [&str; 5] = ["http://", "https://", "mailto:", "sms:", "tel:"];

/// The validation names, in the order [`Validations::to_pairs`] writes them.
const VALIDATION_NAMES: [&str; 9] = [
    "min",
    "max",
    "regex",
    "choices",
    "max_precision",
    "scale_min",
    "scale_max",
    "list.min",
    "list.max",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarType {
    SingleLineTextField,
    MultiLineTextField,
    NumberInteger,
    NumberDecimal,
    Boolean,
    Date,
    DateTime,
    Json,
    Url,
    Color,
    Money,
    Rating,
}

impl ScalarType {
    const ALL: [ScalarType; 12] = [
        ScalarType::SingleLineTextField,
        ScalarType::MultiLineTextField,
        ScalarType::NumberInteger,
        ScalarType::NumberDecimal,
        ScalarType::Boolean,
        ScalarType::Date,
        ScalarType::DateTime,
        ScalarType::Json,
        ScalarType::Url,
        ScalarType::Color,
        ScalarType::Money,
        ScalarType::Rating,
    ];

    /// The Shopify name, e.g. "number_integer".
    pub fn name(self) -> &'static str {
        match self {
            ScalarType::SingleLineTextField => "single_line_text_field",
            ScalarType::MultiLineTextField => "multi_line_text_field",
            ScalarType::NumberInteger => "number_integer",
            ScalarType::NumberDecimal => "number_decimal",
            ScalarType::Boolean => "boolean",
            ScalarType::Date => "date",
            ScalarType::DateTime => "date_time",
            ScalarType::Json => "json",
            ScalarType::Url => "url",
            ScalarType::Color => "color",
            ScalarType::Money => "money",
            ScalarType::Rating => "rating",
        }
    }

    /// Whether Shopify has a "list." type of this one.
    fn has_list(self) -> bool {
        !matches!(
            self,
            ScalarType::MultiLineTextField
                | ScalarType::Boolean
                | ScalarType::Json
                | ScalarType::Money
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MetafieldType {
    pub scalar: ScalarType,
    pub list: bool,
}

impl MetafieldType {
    /// Parses Shopify's type names: "single_line_text_field", "multi_line_text_field",
    /// "number_integer", "number_decimal", "boolean", "date", "date_time", "json", "url", "color",
    /// "money", "rating", and "list.<name>" for single_line_text_field, number_integer,
    /// number_decimal, date, date_time, url, color, rating (Shopify has no list of the others).
    /// Anything else: None.
    pub fn parse(name: &str) -> Option<Self> {
        let (list, scalar_name) = match name.strip_prefix("list.") {
            Some(rest) => (true, rest),
            None => (false, name),
        };
        let scalar = ScalarType::ALL
            .into_iter()
            .find(|scalar| scalar.name() == scalar_name)?;
        if list && !scalar.has_list() {
            return None;
        }
        Some(MetafieldType { scalar, list })
    }

    /// The Shopify name, e.g. "list.number_integer".
    pub fn name(&self) -> String {
        if self.list {
            format!("list.{}", self.scalar.name())
        } else {
            self.scalar.name().to_owned()
        }
    }
}

/// A definition's validation rules (Shopify: a list of {name, value} strings).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validations {
    /// Text: minimum character count; integer/decimal/rating: minimum value (as written); date/date_time: earliest.
    pub min: Option<String>,
    pub max: Option<String>,
    /// Text: the whole value must match (anchored: wrap as ^(?:…)$).
    pub regex: Option<String>,
    /// single_line_text_field: the allowed values.
    pub choices: Option<Vec<String>>,
    /// number_decimal: most digits after the point.
    pub max_precision: Option<u32>,
    /// rating: the scale (required for rating definitions).
    pub scale_min: Option<String>,
    pub scale_max: Option<String>,
    /// list types: min/max number of items.
    pub list_min: Option<usize>,
    pub list_max: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueErrorCode {
    InvalidValue,
    TooLong,
    TooShort,
    LessThanOrEqualTo,
    Inclusion,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValueError {
    pub code: ValueErrorCode,
    pub message: String,
}

impl ValueError {
    fn new(code: ValueErrorCode, message: impl Into<String>) -> Self {
        ValueError {
            code,
            message: message.into(),
        }
    }

    fn invalid(message: impl Into<String>) -> Self {
        ValueError::new(ValueErrorCode::InvalidValue, message)
    }

    /// The same problem, said of the list item at `index`.
    fn for_item(self, index: usize) -> Self {
        ValueError {
            code: self.code,
            message: format!("Item {index}: {}", self.message),
        }
    }
}

impl Validations {
    /// From Shopify's `validations: [{name, value}]` input: each name known and allowed for `ty`,
    /// each value sensible for `ty`, min not above max, and a rating's scale given. `Err` is the
    /// message naming the first problem.
    pub fn from_pairs(ty: MetafieldType, pairs: &[(String, String)]) -> Result<Self, String> {
        let mut rules = Validations::default();
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in pairs {
            let name = name.as_str();
            if !VALIDATION_NAMES.contains(&name) {
                return Err(format!(
                    "Validation '{name}' is not supported for type {}.",
                    ty.name()
                ));
            }
            if seen.contains(&name) {
                return Err(format!("Validation '{name}' is given more than once."));
            }
            seen.push(name);
            check_allowed(ty, name)?;
            rules.set(name, value)?;
        }
        // Parsing the rules checks every value against the type, and min against max.
        Checker::new(ty, &rules)?;
        if ty.scalar == ScalarType::Rating
            && (rules.scale_min.is_none() || rules.scale_max.is_none())
        {
            return Err(format!(
                "Validations 'scale_min' and 'scale_max' are required for type {}.",
                ty.name()
            ));
        }
        Ok(rules)
    }

    /// Sets the rule `name` (one of [`VALIDATION_NAMES`]) from its input text.
    fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        match name {
            "min" => self.min = Some(value.to_owned()),
            "max" => self.max = Some(value.to_owned()),
            "regex" => self.regex = Some(value.to_owned()),
            "choices" => self.choices = Some(parse_choices(value)?),
            "max_precision" => {
                self.max_precision = Some(value.parse().map_err(|_| precision_problem())?);
            }
            "scale_min" => self.scale_min = Some(value.to_owned()),
            "scale_max" => self.scale_max = Some(value.to_owned()),
            "list.min" => self.list_min = Some(parse_count(name, value)?),
            "list.max" => self.list_max = Some(parse_count(name, value)?),
            _ => return Err(format!("Validation '{name}' is not supported.")),
        }
        Ok(())
    }

    /// Back to {name, value} pairs in a stable order (min, max, regex, choices, max_precision,
    /// scale_min, scale_max, list.min, list.max), for the API and for storing as JSON.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let choices = self
            .choices
            .as_ref()
            .map(|choices| Value::from(choices.clone()).to_string());
        let values = [
            self.min.clone(),
            self.max.clone(),
            self.regex.clone(),
            choices,
            self.max_precision.map(|n| n.to_string()),
            self.scale_min.clone(),
            self.scale_max.clone(),
            self.list_min.map(|n| n.to_string()),
            self.list_max.map(|n| n.to_string()),
        ];
        VALIDATION_NAMES
            .into_iter()
            .zip(values)
            .filter_map(|(name, value)| Some((name.to_owned(), value?)))
            .collect()
    }

    /// The names of the rules that are set.
    fn set_names(&self) -> impl Iterator<Item = &'static str> {
        let set = [
            self.min.is_some(),
            self.max.is_some(),
            self.regex.is_some(),
            self.choices.is_some(),
            self.max_precision.is_some(),
            self.scale_min.is_some(),
            self.scale_max.is_some(),
            self.list_min.is_some(),
            self.list_max.is_some(),
        ];
        VALIDATION_NAMES
            .into_iter()
            .zip(set)
            .filter_map(|(name, set)| set.then_some(name))
    }
}

fn parse_choices(value: &str) -> Result<Vec<String>, String> {
    serde_json::from_str(value)
        .map_err(|_| "Validation 'choices' must be a JSON array of strings.".to_owned())
}

fn parse_count(name: &str, value: &str) -> Result<usize, String> {
    value
        .parse()
        .map_err(|_| format!("Validation '{name}' must be a non-negative integer."))
}

fn precision_problem() -> String {
    format!("Validation 'max_precision' must be an integer from 0 to {MAX_DECIMAL_FRAC_DIGITS}.")
}

/// Whether a validation named `name` may be set on a definition of type `ty`.
fn check_allowed(ty: MetafieldType, name: &str) -> Result<(), String> {
    use ScalarType::*;
    let allowed = match name {
        "min" | "max" => matches!(
            ty.scalar,
            SingleLineTextField
                | MultiLineTextField
                | NumberInteger
                | NumberDecimal
                | Date
                | DateTime
                | Rating
        ),
        "regex" => matches!(ty.scalar, SingleLineTextField | MultiLineTextField),
        "choices" => ty.scalar == SingleLineTextField,
        "max_precision" => ty.scalar == NumberDecimal,
        "scale_min" | "scale_max" => ty.scalar == Rating,
        "list.min" | "list.max" => ty.list,
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(format!(
            "Validation '{name}' is not allowed for type {}.",
            ty.name()
        ))
    }
}

/// Validates `value` for `ty` and `rules`; the normalised value to store, or the first problem.
pub fn validate(ty: MetafieldType, value: &str, rules: &Validations) -> Result<String, ValueError> {
    if value.len() > MAX_VALUE_BYTES {
        return Err(ValueError::new(
            ValueErrorCode::TooLong,
            format!("Value is too long (maximum is {MAX_VALUE_BYTES} bytes)."),
        ));
    }
    refuse_nul(value)?;
    // The rules may not have come through `from_pairs` (they are public fields), so a rule that
    // makes no sense for the type is this value's problem rather than a panic or a silent pass.
    let checker = Checker::new(ty, rules).map_err(ValueError::invalid)?;
    if ty.list {
        checker.list(value)
    } else {
        checker.scalar(value)
    }
}

/// Shopify's `compareDigest`: lowercase hex SHA-256 of the type name, a NUL byte, and the stored
/// value. The NUL keeps ("ab", "c") and ("a", "bc") apart; no type name contains one.
pub fn digest(ty_name: &str, value: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(ty_name.as_bytes());
    hasher.update([0u8]);
    hasher.update(value.as_bytes());
    hex::encode(hasher.finalize())
}

/// PostgreSQL text cannot hold NUL, so no value (or list item) may contain one.
fn refuse_nul(text: &str) -> Result<(), ValueError> {
    if text.contains('\0') {
        Err(ValueError::invalid(
            "Value must not contain NUL characters.",
        ))
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Exact decimal numbers, compared without floats (a float would call 0.1 + 0.2 and 0.3 different,
// and loses digits past the 16th).

/// A decimal number in a canonical form, so that equal numbers are equal values: the integer
/// digits without leading zeros, the fraction digits without trailing zeros, zero never negative.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    int: String,
    frac: String,
}

/// A decimal as written, split in its parts: `[+-]digits[.digits]`, with a digit before or after
/// the point and no exponent.
struct DecimalText<'a> {
    negative: bool,
    /// The text without a leading '+', for storing.
    unsigned_plus: &'a str,
    int: &'a str,
    frac: &'a str,
}

impl<'a> DecimalText<'a> {
    fn split(text: &'a str) -> Option<Self> {
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
            return None;
        }
        let unsigned_plus = text.strip_prefix('+').unwrap_or(text);
        Some(DecimalText {
            negative,
            unsigned_plus,
            int,
            frac,
        })
    }

    /// The number of integer digits that count (leading zeros do not).
    fn significant_int_digits(&self) -> usize {
        self.int.trim_start_matches('0').len()
    }

    fn value(&self) -> Decimal {
        let int = self.int.trim_start_matches('0').to_owned();
        let frac = self.frac.trim_end_matches('0').to_owned();
        let zero = int.is_empty() && frac.is_empty();
        Decimal {
            negative: self.negative && !zero,
            int,
            frac,
        }
    }
}

impl Decimal {
    fn parse(text: &str) -> Option<Self> {
        DecimalText::split(text).map(|parts| parts.value())
    }

    fn cmp_magnitude(&self, other: &Self) -> Ordering {
        // Without leading zeros, more integer digits is a bigger number; with the same count,
        // digit strings compare as numbers. Without trailing zeros, fraction digit strings compare
        // as numbers too ("05" < "5" < "51").
        self.int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(&other.int))
            .then_with(|| self.frac.cmp(&other.frac))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

// ---------------------------------------------------------------------------------------------
// Parsers shared by values and by the rules (a min is written like a value of its type).

enum IntegerProblem {
    NotAnInteger,
    OutOfRange,
}

impl IntegerProblem {
    fn error(self) -> ValueError {
        match self {
            IntegerProblem::NotAnInteger => ValueError::invalid("Value must be an integer."),
            IntegerProblem::OutOfRange => ValueError::invalid(format!(
                "Value must be between -{MAX_SAFE_INTEGER} and {MAX_SAFE_INTEGER}."
            )),
        }
    }
}

/// An integer: an optional '-', then digits (no '+', no spaces), within ±(2^53 - 1).
fn parse_integer(text: &str) -> Result<i64, IntegerProblem> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(IntegerProblem::NotAnInteger);
    }
    // Leading zeros are allowed and dropped; past 16 significant digits the number is out of
    // range, and i64 parsing would overflow on long enough input.
    let significant = digits.trim_start_matches('0');
    if significant.len() > 16 {
        return Err(IntegerProblem::OutOfRange);
    }
    let magnitude: i64 = if significant.is_empty() {
        0
    } else {
        significant
            .parse()
            .map_err(|_| IntegerProblem::OutOfRange)?
    };
    if magnitude > MAX_SAFE_INTEGER {
        return Err(IntegerProblem::OutOfRange);
    }
    Ok(if negative { -magnitude } else { magnitude })
}

/// A date: exactly YYYY-MM-DD, and a real one.
fn parse_date(text: &str) -> Option<Date> {
    // time's `[year]` would also take a sign or more digits; Shopify's format is exactly this.
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(index, byte)| match index {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    if !shape {
        return None;
    }
    Date::parse(text, format_description!("[year]-[month]-[day]")).ok()
}

/// A date and time in RFC 3339 / ISO 8601 form, with or without an offset (without: UTC), in UTC
/// and without sub-seconds (which is what is stored, so also what bounds compare against).
fn parse_date_time(text: &str) -> Option<OffsetDateTime> {
    let year_first = text.len() > 4
        && text.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && text.as_bytes()[4] == b'-';
    if !year_first {
        return None;
    }
    let without_offset = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    let parsed = OffsetDateTime::parse(text, &Rfc3339).ok().or_else(|| {
        PrimitiveDateTime::parse(text, without_offset)
            .ok()
            .map(PrimitiveDateTime::assume_utc)
    })?;
    // An offset can move the instant across a year boundary (0000-01-01T00:00:00+01:00 is in year
    // -1), and a stored date-time always has a four-digit year.
    let utc = parsed
        .checked_to_offset(UtcOffset::UTC)?
        .replace_nanosecond(0)
        .ok()?;
    (0..=9999).contains(&utc.year()).then_some(utc)
}

fn format_date_time(utc: OffsetDateTime) -> Result<String, ValueError> {
    utc.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .map_err(|_| ValueError::invalid(DATE_TIME_FORM))
}

const DATE_FORM: &str = "Value must be a date in the format YYYY-MM-DD.";
const DATE_TIME_FORM: &str =
    "Value must be a date and time in ISO 8601 format, such as 2024-01-02T03:04:05Z.";
const RATING_FORM: &str = "Value must be a JSON object with value, scale_min and scale_max.";
const MONEY_FORM: &str = "Value must be a JSON object with amount and currency_code.";

/// A value as a JSON string literal.
fn json_string(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

// ---------------------------------------------------------------------------------------------
// The rules of a definition, parsed and checked once for a type, then applied to the value or to
// each item of a list (so that a regex is compiled once, not once per item).

/// A value that min and max compare against: the kind depends on the type.
#[derive(Debug, PartialEq, PartialOrd)]
enum Ordered {
    Number(Decimal),
    Date(Date),
    DateTime(OffsetDateTime),
}

/// A min or max: its parsed value, and the text as written (for messages).
struct Bound<'a> {
    value: Ordered,
    written: &'a str,
}

struct Scale<'a> {
    min: Decimal,
    max: Decimal,
    min_written: &'a str,
    max_written: &'a str,
}

struct Checker<'a> {
    scalar: ScalarType,
    min_chars: Option<usize>,
    max_chars: Option<usize>,
    min: Option<Bound<'a>>,
    max: Option<Bound<'a>>,
    /// The anchored pattern, and the pattern as written.
    regex: Option<(Regex, &'a str)>,
    choices: Option<&'a [String]>,
    max_precision: Option<u32>,
    scale: Option<Scale<'a>>,
    list_min: Option<usize>,
    list_max: Option<usize>,
}

impl<'a> Checker<'a> {
    /// The rules parsed for `ty`; `Err` names the first rule that is not allowed for the type,
    /// does not parse, or contradicts another.
    fn new(ty: MetafieldType, rules: &'a Validations) -> Result<Self, String> {
        for name in rules.set_names() {
            check_allowed(ty, name)?;
        }
        let (min_chars, max_chars, min, max) = if is_text(ty.scalar) {
            let min_chars = rules
                .min
                .as_deref()
                .map(|m| parse_chars("min", m))
                .transpose()?;
            let max_chars = rules
                .max
                .as_deref()
                .map(|m| parse_chars("max", m))
                .transpose()?;
            if let (Some(min), Some(max)) = (min_chars, max_chars) {
                check_order("min", "max", min <= max)?;
            }
            (min_chars, max_chars, None, None)
        } else {
            let min = parse_bound(ty, "min", rules.min.as_deref())?;
            let max = parse_bound(ty, "max", rules.max.as_deref())?;
            if let (Some(min), Some(max)) = (&min, &max) {
                check_order("min", "max", min.value <= max.value)?;
            }
            (None, None, min, max)
        };
        let regex = match rules.regex.as_deref() {
            Some(pattern) => Some((compile_regex(pattern)?, pattern)),
            None => None,
        };
        let choices = rules.choices.as_deref();
        if choices.is_some_and(<[String]>::is_empty) {
            return Err("Validation 'choices' must list at least one choice.".to_owned());
        }
        if rules
            .max_precision
            .is_some_and(|precision| precision as usize > MAX_DECIMAL_FRAC_DIGITS)
        {
            return Err(precision_problem());
        }
        if let (Some(min), Some(max)) = (rules.list_min, rules.list_max) {
            check_order("list.min", "list.max", min <= max)?;
        }
        Ok(Checker {
            scalar: ty.scalar,
            min_chars,
            max_chars,
            min,
            max,
            regex,
            choices,
            max_precision: rules.max_precision,
            scale: parse_scale(rules)?,
            list_min: rules.list_min,
            list_max: rules.list_max,
        })
    }

    fn list(&self, text: &str) -> Result<String, ValueError> {
        let Ok(Value::Array(items)) = serde_json::from_str::<Value>(text) else {
            return Err(ValueError::invalid("Value must be a JSON array."));
        };
        self.check_item_count(items.len())?;
        let mut stored = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            stored.push(self.item(item).map_err(|error| error.for_item(index))?);
        }
        Ok(format!("[{}]", stored.join(",")))
    }

    fn check_item_count(&self, count: usize) -> Result<(), ValueError> {
        let too_many = |most: usize| {
            ValueError::new(
                ValueErrorCode::TooLong,
                format!("Value must have at most {most} items."),
            )
        };
        if count > MAX_LIST_ITEMS {
            return Err(too_many(MAX_LIST_ITEMS));
        }
        if let Some(least) = self.list_min
            && count < least
        {
            return Err(ValueError::new(
                ValueErrorCode::TooShort,
                format!("Value must have at least {least} items."),
            ));
        }
        match self.list_max {
            Some(most) if count > most => Err(too_many(most)),
            _ => Ok(()),
        }
    }

    /// One list item, validated as the list's scalar type; the JSON text to store for it.
    fn item(&self, item: &Value) -> Result<String, ValueError> {
        use ScalarType::*;
        match (self.scalar, item) {
            (Rating, Value::Object(fields)) => self.rating(fields),
            (Rating, _) => Err(ValueError::invalid(RATING_FORM)),
            (_, Value::String(text)) => self.scalar(text).map(|stored| json_string(&stored)),
            // Shopify's own examples write number lists with JSON numbers ([1, 2, 3]).
            (NumberInteger | NumberDecimal, Value::Number(number)) => self
                .scalar(&number.to_string())
                .map(|stored| json_string(&stored)),
            _ => Err(ValueError::invalid("Value must be a string.")),
        }
    }

    /// A single value (or a list item's text); the text to store.
    fn scalar(&self, text: &str) -> Result<String, ValueError> {
        use ScalarType::*;
        refuse_nul(text)?;
        match self.scalar {
            SingleLineTextField => self.text(text, true),
            MultiLineTextField => self.text(text, false),
            NumberInteger => self.integer(text),
            NumberDecimal => self.decimal(text),
            Boolean => boolean(text),
            Date => self.date(text),
            DateTime => self.date_time(text),
            Json => json(text),
            Url => url(text),
            Color => color(text),
            Money => money(text),
            Rating => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(fields)) => self.rating(&fields),
                _ => Err(ValueError::invalid(RATING_FORM)),
            },
        }
    }

    fn text(&self, text: &str, single_line: bool) -> Result<String, ValueError> {
        if single_line && text.contains(['\n', '\r']) {
            return Err(ValueError::invalid("Value must be a single line of text."));
        }
        let chars = text.chars().count();
        if let Some(least) = self.min_chars
            && chars < least
        {
            return Err(ValueError::new(
                ValueErrorCode::TooShort,
                format!("Value must be at least {least} characters."),
            ));
        }
        if let Some(most) = self.max_chars
            && chars > most
        {
            return Err(ValueError::new(
                ValueErrorCode::TooLong,
                format!("Value must be at most {most} characters."),
            ));
        }
        if let Some((regex, written)) = &self.regex
            && !regex.is_match(text)
        {
            return Err(ValueError::invalid(format!(
                "Value does not match the regular expression: {written}."
            )));
        }
        if let Some(choices) = self.choices
            && !choices.iter().any(|choice| choice == text)
        {
            return Err(ValueError::new(
                ValueErrorCode::Inclusion,
                format!("Value must be one of the choices: {}.", choices.join(", ")),
            ));
        }
        Ok(text.to_owned())
    }

    fn integer(&self, text: &str) -> Result<String, ValueError> {
        let stored = parse_integer(text)
            .map_err(IntegerProblem::error)?
            .to_string();
        let value = Decimal::parse(&stored).ok_or_else(|| IntegerProblem::NotAnInteger.error())?;
        self.check_bounds(&Ordered::Number(value))?;
        Ok(stored)
    }

    fn decimal(&self, text: &str) -> Result<String, ValueError> {
        let (stored, value, frac_digits) = decimal_value(text)?;
        if let Some(most) = self.max_precision
            && frac_digits > most as usize
        {
            return Err(ValueError::invalid(format!(
                "Value must have at most {most} decimal places."
            )));
        }
        self.check_bounds(&Ordered::Number(value))?;
        Ok(stored)
    }

    fn date(&self, text: &str) -> Result<String, ValueError> {
        let date = parse_date(text).ok_or_else(|| ValueError::invalid(DATE_FORM))?;
        self.check_bounds(&Ordered::Date(date))?;
        Ok(text.to_owned())
    }

    fn date_time(&self, text: &str) -> Result<String, ValueError> {
        let utc = parse_date_time(text).ok_or_else(|| ValueError::invalid(DATE_TIME_FORM))?;
        self.check_bounds(&Ordered::DateTime(utc))?;
        format_date_time(utc)
    }

    /// A rating object: {"value", "scale_min", "scale_max"}, each a decimal (string or number),
    /// the value within its scale, the scale the definition's; stored with those keys in order.
    fn rating(&self, fields: &Map<String, Value>) -> Result<String, ValueError> {
        let known = ["value", "scale_min", "scale_max"];
        if fields.len() != known.len() || !known.iter().all(|key| fields.contains_key(*key)) {
            return Err(ValueError::invalid(RATING_FORM));
        }
        let (value_text, value) = rating_field(fields, "value")?;
        let (min_text, scale_min) = rating_field(fields, "scale_min")?;
        let (max_text, scale_max) = rating_field(fields, "scale_max")?;
        if scale_min >= scale_max {
            return Err(ValueError::invalid(
                "Value's scale_min must be less than its scale_max.",
            ));
        }
        if let Some(scale) = &self.scale
            && (scale.min != scale_min || scale.max != scale_max)
        {
            return Err(ValueError::invalid(format!(
                "Value's scale must be from {} to {}.",
                scale.min_written, scale.max_written
            )));
        }
        if value < scale_min || value > scale_max {
            return Err(ValueError::invalid(format!(
                "Value must be between {min_text} and {max_text}."
            )));
        }
        self.check_bounds(&Ordered::Number(value))?;
        Ok(format!(
            r#"{{"value":{},"scale_min":{},"scale_max":{}}}"#,
            json_string(&value_text),
            json_string(&min_text),
            json_string(&max_text)
        ))
    }

    /// The min and max rules: below min is invalid, above max is Shopify's less-than-or-equal-to.
    fn check_bounds(&self, value: &Ordered) -> Result<(), ValueError> {
        if let Some(min) = &self.min
            && *value < min.value
        {
            return Err(ValueError::invalid(format!(
                "Value must be greater than or equal to {}.",
                min.written
            )));
        }
        if let Some(max) = &self.max
            && *value > max.value
        {
            return Err(ValueError::new(
                ValueErrorCode::LessThanOrEqualTo,
                format!("Value must be less than or equal to {}.", max.written),
            ));
        }
        Ok(())
    }
}

fn is_text(scalar: ScalarType) -> bool {
    matches!(
        scalar,
        ScalarType::SingleLineTextField | ScalarType::MultiLineTextField
    )
}

fn parse_chars(name: &str, written: &str) -> Result<usize, String> {
    written
        .parse()
        .map_err(|_| format!("Validation '{name}' must be a non-negative integer."))
}

fn check_order(low: &str, high: &str, in_order: bool) -> Result<(), String> {
    if in_order {
        Ok(())
    } else {
        Err(format!(
            "Validation '{low}' must not be greater than '{high}'."
        ))
    }
}

/// A min or max of an ordered type, parsed as a value of that type.
fn parse_bound<'a>(
    ty: MetafieldType,
    name: &str,
    written: Option<&'a str>,
) -> Result<Option<Bound<'a>>, String> {
    let Some(written) = written else {
        return Ok(None);
    };
    let (value, form) = match ty.scalar {
        ScalarType::NumberInteger => (
            parse_integer(written)
                .ok()
                .and_then(|n| Decimal::parse(&n.to_string()))
                .map(Ordered::Number),
            "an integer",
        ),
        ScalarType::NumberDecimal | ScalarType::Rating => (
            Decimal::parse(written.trim()).map(Ordered::Number),
            "a decimal number",
        ),
        ScalarType::Date => (
            parse_date(written).map(Ordered::Date),
            "a date (YYYY-MM-DD)",
        ),
        ScalarType::DateTime => (
            parse_date_time(written).map(Ordered::DateTime),
            "a date and time in ISO 8601 format",
        ),
        _ => return check_allowed(ty, name).map(|()| None),
    };
    match value {
        Some(value) => Ok(Some(Bound { value, written })),
        None => Err(format!("Validation '{name}' must be {form}.")),
    }
}

fn parse_scale(rules: &Validations) -> Result<Option<Scale<'_>>, String> {
    let parse = |name: &str, written: &str| {
        Decimal::parse(written.trim())
            .ok_or_else(|| format!("Validation '{name}' must be a decimal number."))
    };
    let (Some(min_written), Some(max_written)) =
        (rules.scale_min.as_deref(), rules.scale_max.as_deref())
    else {
        // One end alone cannot be checked against; `from_pairs` requires both for a rating.
        return match (&rules.scale_min, &rules.scale_max) {
            (None, None) => Ok(None),
            _ => Err("Validations 'scale_min' and 'scale_max' must be given together.".to_owned()),
        };
    };
    let min = parse("scale_min", min_written)?;
    let max = parse("scale_max", max_written)?;
    if min >= max {
        return Err("Validation 'scale_min' must be less than 'scale_max'.".to_owned());
    }
    Ok(Some(Scale {
        min,
        max,
        min_written,
        max_written,
    }))
}

/// A definition's regex, anchored so that the whole value must match.
fn compile_regex(pattern: &str) -> Result<Regex, String> {
    let problem = || "Validation 'regex' is not a valid regular expression.".to_owned();
    let build = |source: &str| {
        RegexBuilder::new(source)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|_| problem())
    };
    // The pattern must compile on its own first: then its groups are balanced and wrapping it
    // anchors all of it ("a)|(b" would otherwise wrap into "^(?:a)|(b)$", half unanchored).
    build(pattern)?;
    build(&format!("^(?:{pattern})$"))
}

// ---------------------------------------------------------------------------------------------
// Types without rules.

/// A decimal value: its text to store (trimmed, without a leading '+'), its value, and how many
/// fraction digits were written.
fn decimal_value(text: &str) -> Result<(String, Decimal, usize), ValueError> {
    let parts = DecimalText::split(text.trim())
        .ok_or_else(|| ValueError::invalid("Value must be a decimal number."))?;
    if parts.significant_int_digits() > MAX_DECIMAL_INT_DIGITS
        || parts.frac.len() > MAX_DECIMAL_FRAC_DIGITS
    {
        return Err(ValueError::invalid(format!(
            "Value must have at most {MAX_DECIMAL_INT_DIGITS} digits before the decimal point and \
             {MAX_DECIMAL_FRAC_DIGITS} after it."
        )));
    }
    Ok((
        parts.unsigned_plus.to_owned(),
        parts.value(),
        parts.frac.len(),
    ))
}

fn boolean(text: &str) -> Result<String, ValueError> {
    match text {
        "true" | "false" => Ok(text.to_owned()),
        _ => Err(ValueError::invalid("Value must be true or false.")),
    }
}

fn json(text: &str) -> Result<String, ValueError> {
    // serde_json limits nesting depth, so a hostile value cannot exhaust the stack.
    serde_json::from_str::<Value>(text)
        .map(|_| text.to_owned())
        .map_err(|_| ValueError::invalid("Value must be valid JSON."))
}

fn url(text: &str) -> Result<String, ValueError> {
    let scheme_ok = URL_SCHEMES.iter().any(|scheme| {
        text.get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
            && text.len() > scheme.len()
    });
    let clean = !text.chars().any(|c| c.is_whitespace() || c.is_control());
    if scheme_ok && clean {
        Ok(text.to_owned())
    } else {
        Err(ValueError::invalid(
            "Value must be a URL with the scheme http, https, mailto, sms or tel.",
        ))
    }
}

fn color(text: &str) -> Result<String, ValueError> {
    match text.strip_prefix('#') {
        Some(hex) if hex.len() == 6 && hex.bytes().all(|byte| byte.is_ascii_hexdigit()) => {
            Ok(text.to_ascii_lowercase())
        }
        _ => Err(ValueError::invalid(
            "Value must be a color in the format #RRGGBB.",
        )),
    }
}

/// Money: {"amount": decimal (string or number), "currency_code": three uppercase letters},
/// stored with those keys in that order and the amount as a string.
fn money(text: &str) -> Result<String, ValueError> {
    let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(text) else {
        return Err(ValueError::invalid(MONEY_FORM));
    };
    if fields.len() != 2 {
        return Err(ValueError::invalid(MONEY_FORM));
    }
    let amount = match fields.get("amount") {
        Some(Value::String(amount)) => amount.clone(),
        Some(Value::Number(amount)) => amount.to_string(),
        _ => return Err(ValueError::invalid(MONEY_FORM)),
    };
    let (amount, _, _) = decimal_value(&amount)
        .map_err(|_| ValueError::invalid("Value's amount must be a decimal number."))?;
    let currency = match fields.get("currency_code") {
        Some(Value::String(code))
            if code.len() == 3 && code.bytes().all(|byte| byte.is_ascii_uppercase()) =>
        {
            code
        }
        _ => {
            return Err(ValueError::invalid(
                "Value's currency_code must be three uppercase letters.",
            ));
        }
    };
    Ok(format!(
        r#"{{"amount":{},"currency_code":{}}}"#,
        json_string(&amount),
        json_string(currency)
    ))
}

/// One decimal field of a rating object: its text to store and its value.
fn rating_field(fields: &Map<String, Value>, key: &str) -> Result<(String, Decimal), ValueError> {
    let text = match fields.get(key) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        _ => return Err(ValueError::invalid(RATING_FORM)),
    };
    let (stored, value, _) = decimal_value(&text)
        .map_err(|_| ValueError::invalid(format!("Value's {key} must be a decimal number.")))?;
    Ok((stored, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(name: &str) -> MetafieldType {
        MetafieldType::parse(name).expect("a known type")
    }

    fn check(name: &str, value: &str) -> Result<String, ValueError> {
        validate(ty(name), value, &Validations::default())
    }

    fn check_with(name: &str, value: &str, rules: &Validations) -> Result<String, ValueError> {
        validate(ty(name), value, rules)
    }

    fn code(result: Result<String, ValueError>) -> ValueErrorCode {
        result.expect_err("a refused value").code
    }

    fn message(result: Result<String, ValueError>) -> String {
        result.expect_err("a refused value").message
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    fn rules(name: &str, list: &[(&str, &str)]) -> Validations {
        Validations::from_pairs(ty(name), &pairs(list)).expect("valid validations")
    }

    fn decimal(text: &str) -> Decimal {
        Decimal::parse(text).expect("a decimal")
    }

    // --- types

    #[test]
    fn every_type_name_round_trips() {
        let names = [
            "single_line_text_field",
            "multi_line_text_field",
            "number_integer",
            "number_decimal",
            "boolean",
            "date",
            "date_time",
            "json",
            "url",
            "color",
            "money",
            "rating",
            "list.single_line_text_field",
            "list.number_integer",
            "list.number_decimal",
            "list.date",
            "list.date_time",
            "list.url",
            "list.color",
            "list.rating",
        ];
        for name in names {
            assert_eq!(ty(name).name(), name);
        }
        assert_eq!(
            ty("list.date"),
            MetafieldType {
                scalar: ScalarType::Date,
                list: true
            }
        );
    }

    #[test]
    fn unknown_type_names_are_refused() {
        for name in [
            "list.boolean",
            "list.json",
            "list.money",
            "list.multi_line_text_field",
            "list.list.date",
            "string",
            "product_reference",
            "Boolean",
            "",
            "list.",
        ] {
            assert_eq!(MetafieldType::parse(name), None, "{name}");
        }
    }

    // --- every value

    #[test]
    fn values_over_64_kb_are_too_long() {
        let at_cap = "a".repeat(MAX_VALUE_BYTES);
        assert_eq!(check("multi_line_text_field", &at_cap), Ok(at_cap.clone()));
        let over = format!("{at_cap}a");
        let error = check("multi_line_text_field", &over).expect_err("too long");
        assert_eq!(error.code, ValueErrorCode::TooLong);
        assert_eq!(error.message, "Value is too long (maximum is 65536 bytes).");
        assert_eq!(
            code(check("json", &format!("\"{over}\""))),
            ValueErrorCode::TooLong
        );
    }

    #[test]
    fn nul_is_refused_everywhere() {
        assert_eq!(
            code(check("multi_line_text_field", "a\0b")),
            ValueErrorCode::InvalidValue
        );
        // Also once a JSON escape decodes into one.
        assert!(
            message(check("list.single_line_text_field", r#"["a\u0000"]"#)).starts_with("Item 0: ")
        );
    }

    // --- text

    #[test]
    fn text_is_stored_as_given() {
        assert_eq!(
            check("single_line_text_field", "  hi  "),
            Ok("  hi  ".to_owned())
        );
        assert_eq!(
            check("multi_line_text_field", "a\nb\r\n"),
            Ok("a\nb\r\n".to_owned())
        );
        assert_eq!(
            message(check("single_line_text_field", "a\nb")),
            "Value must be a single line of text."
        );
        assert_eq!(
            code(check("single_line_text_field", "a\rb")),
            ValueErrorCode::InvalidValue
        );
    }

    #[test]
    fn text_min_and_max_count_characters() {
        let rules = rules("single_line_text_field", &[("min", "2"), ("max", "3")]);
        assert_eq!(
            check_with("single_line_text_field", "éé", &rules),
            Ok("éé".to_owned())
        );
        let short = check_with("single_line_text_field", "é", &rules).expect_err("short");
        assert_eq!(short.code, ValueErrorCode::TooShort);
        assert_eq!(short.message, "Value must be at least 2 characters.");
        let long = check_with("single_line_text_field", "abcd", &rules).expect_err("long");
        assert_eq!(long.code, ValueErrorCode::TooLong);
        assert_eq!(long.message, "Value must be at most 3 characters.");
    }

    #[test]
    fn text_regex_matches_the_whole_value() {
        let rules = rules("multi_line_text_field", &[("regex", "[a-z]+")]);
        assert!(check_with("multi_line_text_field", "abc", &rules).is_ok());
        let error = check_with("multi_line_text_field", "abc1", &rules).expect_err("mismatch");
        assert_eq!(error.code, ValueErrorCode::InvalidValue);
        assert_eq!(
            error.message,
            "Value does not match the regular expression: [a-z]+."
        );
        // An alternation stays anchored on both sides.
        let rules = rules_for_regex("a|b");
        assert!(check_with("single_line_text_field", "b", &rules).is_ok());
        assert!(check_with("single_line_text_field", "ab", &rules).is_err());
    }

    fn rules_for_regex(pattern: &str) -> Validations {
        rules("single_line_text_field", &[("regex", pattern)])
    }

    #[test]
    fn text_choices() {
        let rules = rules("single_line_text_field", &[("choices", r#"["a","b"]"#)]);
        assert!(check_with("single_line_text_field", "b", &rules).is_ok());
        let error = check_with("single_line_text_field", "c", &rules).expect_err("not a choice");
        assert_eq!(error.code, ValueErrorCode::Inclusion);
        assert_eq!(error.message, "Value must be one of the choices: a, b.");
    }

    // --- numbers

    #[test]
    fn integers_are_normalised_and_bounded() {
        assert_eq!(check("number_integer", "007"), Ok("7".to_owned()));
        assert_eq!(check("number_integer", "-0"), Ok("0".to_owned()));
        assert_eq!(
            check("number_integer", "-9007199254740991"),
            Ok("-9007199254740991".to_owned())
        );
        for bad in ["+1", "1.0", "", "-", " 1", "1e3", "١"] {
            assert_eq!(
                message(check("number_integer", bad)),
                "Value must be an integer.",
                "{bad}"
            );
        }
        for big in [
            "9007199254740992",
            "-9007199254740992",
            "99999999999999999999999",
        ] {
            assert_eq!(
                message(check("number_integer", big)),
                "Value must be between -9007199254740991 and 9007199254740991.",
                "{big}"
            );
        }
    }

    #[test]
    fn integer_min_and_max() {
        let rules = rules("number_integer", &[("min", "-5"), ("max", "10")]);
        assert_eq!(
            check_with("number_integer", "010", &rules),
            Ok("10".to_owned())
        );
        let low = check_with("number_integer", "-6", &rules).expect_err("below");
        assert_eq!(low.code, ValueErrorCode::InvalidValue);
        assert_eq!(low.message, "Value must be greater than or equal to -5.");
        let high = check_with("number_integer", "11", &rules).expect_err("above");
        assert_eq!(high.code, ValueErrorCode::LessThanOrEqualTo);
        assert_eq!(high.message, "Value must be less than or equal to 10.");
    }

    #[test]
    fn decimals_follow_shopifys_format() {
        assert_eq!(check("number_decimal", "+1.50"), Ok("1.50".to_owned()));
        assert_eq!(check("number_decimal", "-.5"), Ok("-.5".to_owned()));
        assert_eq!(check("number_decimal", "5."), Ok("5.".to_owned()));
        assert_eq!(check("number_decimal", " 2.5 "), Ok("2.5".to_owned()));
        assert_eq!(
            check("number_decimal", "1234567890123.123456789"),
            Ok("1234567890123.123456789".to_owned())
        );
        for bad in [
            ".",
            "-",
            "1e5",
            "1.2.3",
            "abc",
            "",
            "+-1",
            "12345678901234",
            "0.1234567890",
        ] {
            assert_eq!(
                code(check("number_decimal", bad)),
                ValueErrorCode::InvalidValue,
                "{bad}"
            );
        }
    }

    #[test]
    fn decimal_max_precision_and_bounds() {
        let rules = rules(
            "number_decimal",
            &[("min", "-0.5"), ("max", "9.99"), ("max_precision", "2")],
        );
        assert!(check_with("number_decimal", "9.99", &rules).is_ok());
        assert!(check_with("number_decimal", "-0.50", &rules).is_ok());
        assert_eq!(
            message(check_with("number_decimal", "1.234", &rules)),
            "Value must have at most 2 decimal places."
        );
        assert_eq!(
            message(check_with("number_decimal", "-0.51", &rules)),
            "Value must be greater than or equal to -0.5."
        );
        assert_eq!(
            code(check_with("number_decimal", "10", &rules)),
            ValueErrorCode::LessThanOrEqualTo
        );
    }

    #[test]
    fn decimal_comparison_edge_cases() {
        assert!(decimal("-0.5") < decimal("0"));
        assert!(decimal("10") > decimal("9.99"));
        assert_eq!(decimal("1.50"), decimal("1.5"));
        assert_eq!(decimal("-0"), decimal("0.000"));
        assert_eq!(decimal("007"), decimal("7."));
        assert!(decimal("-10") < decimal("-9.99"));
        assert!(decimal("0.05") < decimal("0.5"));
        assert!(decimal("0.5") < decimal("0.51"));
        assert!(decimal("123456789012345678901") > decimal("123456789012345678900.9"));
    }

    // --- other scalars

    #[test]
    fn booleans() {
        assert_eq!(check("boolean", "false"), Ok("false".to_owned()));
        assert_eq!(
            message(check("boolean", "True")),
            "Value must be true or false."
        );
        assert!(check("boolean", "1").is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(check("date", "2024-02-29"), Ok("2024-02-29".to_owned()));
        for bad in [
            "2023-02-29",
            "2024-2-01",
            "+2024-02-01",
            "2024-02-01T00:00:00Z",
            "20240201",
        ] {
            assert_eq!(
                message(check("date", bad)),
                "Value must be a date in the format YYYY-MM-DD.",
                "{bad}"
            );
        }
        let rules = rules("date", &[("min", "2024-01-01"), ("max", "2024-12-31")]);
        assert!(check_with("date", "2024-06-01", &rules).is_ok());
        assert_eq!(
            message(check_with("date", "2023-12-31", &rules)),
            "Value must be greater than or equal to 2024-01-01."
        );
        assert_eq!(
            code(check_with("date", "2025-01-01", &rules)),
            ValueErrorCode::LessThanOrEqualTo
        );
    }

    #[test]
    fn date_times_are_stored_in_utc_without_subseconds() {
        let cases = [
            ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z"),
            ("2024-01-02T03:04:05+02:00", "2024-01-02T01:04:05Z"),
            ("2024-01-01T01:00:00+02:00", "2023-12-31T23:00:00Z"),
            ("2024-01-02T03:04:05", "2024-01-02T03:04:05Z"),
            ("2024-01-02T03:04:05.678-01:30", "2024-01-02T04:34:05Z"),
            ("2024-01-02T03:04:05.5", "2024-01-02T03:04:05Z"),
            // RFC 3339 allows a space for the T (time parses it so).
            ("2024-01-02 03:04:05Z", "2024-01-02T03:04:05Z"),
        ];
        for (given, stored) in cases {
            assert_eq!(check("date_time", given), Ok(stored.to_owned()), "{given}");
        }
        for bad in [
            "2024-01-02",
            "2024-13-02T03:04:05Z",
            "0000-01-01T00:00:00+01:00",
            "2024-01-02 03:04:05",
            "noon",
        ] {
            assert_eq!(
                code(check("date_time", bad)),
                ValueErrorCode::InvalidValue,
                "{bad}"
            );
        }
    }

    #[test]
    fn date_time_bounds_compare_instants() {
        let rules = rules("date_time", &[("min", "2024-01-01T00:00:00Z")]);
        // 2024-01-01T00:30:00+01:00 is 2023-12-31T23:30:00Z: before the min.
        assert!(check_with("date_time", "2024-01-01T00:30:00+01:00", &rules).is_err());
        assert!(check_with("date_time", "2024-01-01T00:30:00-01:00", &rules).is_ok());
    }

    #[test]
    fn json_is_stored_as_given() {
        assert_eq!(
            check("json", r#"{"a": [1, 2]}"#),
            Ok(r#"{"a": [1, 2]}"#.to_owned())
        );
        assert_eq!(
            message(check("json", "{a: 1}")),
            "Value must be valid JSON."
        );
    }

    #[test]
    fn urls() {
        for good in [
            "https://example.com/a?b=c",
            "HTTP://x",
            "mailto:a@b.c",
            "sms:+1555",
            "tel:+1555",
        ] {
            assert_eq!(check("url", good), Ok(good.to_owned()), "{good}");
        }
        for bad in [
            "ftp://x",
            "https://",
            "https://a b",
            "example.com",
            "javascript:alert(1)",
            "tel:1\t2",
        ] {
            assert_eq!(
                message(check("url", bad)),
                "Value must be a URL with the scheme http, https, mailto, sms or tel.",
                "{bad}"
            );
        }
    }

    #[test]
    fn colors_are_lowercased() {
        assert_eq!(check("color", "#FFF123"), Ok("#fff123".to_owned()));
        for bad in ["#fff", "fff123", "#ggg123", "#fff1234"] {
            assert_eq!(
                code(check("color", bad)),
                ValueErrorCode::InvalidValue,
                "{bad}"
            );
        }
    }

    #[test]
    fn money_is_re_serialised() {
        let stored = r#"{"amount":"5.99","currency_code":"CAD"}"#;
        assert_eq!(
            check("money", r#"{ "currency_code": "CAD", "amount": "5.99" }"#),
            Ok(stored.to_owned())
        );
        assert_eq!(
            check("money", r#"{"amount": 5.99, "currency_code": "CAD"}"#),
            Ok(stored.to_owned())
        );
        for bad in [
            r#"{"amount": "5.99", "currency_code": "cad"}"#,
            r#"{"amount": "five", "currency_code": "CAD"}"#,
            r#"{"amount": "5.99"}"#,
            r#"{"amount": "5.99", "currency_code": "CAD", "x": 1}"#,
            r#"["5.99", "CAD"]"#,
        ] {
            assert_eq!(
                code(check("money", bad)),
                ValueErrorCode::InvalidValue,
                "{bad}"
            );
        }
    }

    #[test]
    fn ratings_are_re_serialised_and_checked_against_the_scale() {
        let rules = rules(
            "rating",
            &[("scale_min", "0"), ("scale_max", "5"), ("min", "1")],
        );
        assert_eq!(
            check_with(
                "rating",
                r#"{"scale_max": 5, "value": "4.5", "scale_min": "0.0"}"#,
                &rules
            ),
            Ok(r#"{"value":"4.5","scale_min":"0.0","scale_max":"5"}"#.to_owned())
        );
        assert_eq!(
            message(check_with(
                "rating",
                r#"{"value": "6", "scale_min": "0", "scale_max": "5"}"#,
                &rules
            )),
            "Value must be between 0 and 5."
        );
        assert_eq!(
            message(check_with(
                "rating",
                r#"{"value": "3", "scale_min": "0", "scale_max": "10"}"#,
                &rules
            )),
            "Value's scale must be from 0 to 5."
        );
        assert_eq!(
            message(check_with(
                "rating",
                r#"{"value": "0.5", "scale_min": "0", "scale_max": "5"}"#,
                &rules
            )),
            "Value must be greater than or equal to 1."
        );
        assert_eq!(
            code(check_with("rating", r#"{"value": "3"}"#, &rules)),
            ValueErrorCode::InvalidValue
        );
    }

    // --- lists

    #[test]
    fn lists_store_normalised_items_as_compact_json() {
        assert_eq!(
            check("list.number_integer", r#"[ "007", 8, "-0" ]"#),
            Ok(r#"["7","8","0"]"#.to_owned())
        );
        assert_eq!(
            check("list.color", r##"["#ABCDEF"]"##),
            Ok(r##"["#abcdef"]"##.to_owned())
        );
        assert_eq!(check("list.date", "[]"), Ok("[]".to_owned()));
        assert_eq!(
            check(
                "list.rating",
                r#"[{"value": 1, "scale_min": 0, "scale_max": 5}]"#
            ),
            Ok(r#"[{"value":"1","scale_min":"0","scale_max":"5"}]"#.to_owned())
        );
        assert_eq!(
            message(check("list.date", r#""2024-01-01""#)),
            "Value must be a JSON array."
        );
    }

    #[test]
    fn list_errors_name_the_item() {
        let error = check("list.date", r#"["2024-01-01", "2024-02-30"]"#).expect_err("bad item");
        assert_eq!(error.code, ValueErrorCode::InvalidValue);
        assert_eq!(
            error.message,
            "Item 1: Value must be a date in the format YYYY-MM-DD."
        );
        assert_eq!(
            message(check("list.url", "[1]")),
            "Item 0: Value must be a string."
        );
        let rules = rules("list.number_integer", &[("max", "10")]);
        let error = check_with("list.number_integer", "[1, 11]", &rules).expect_err("above");
        assert_eq!(error.code, ValueErrorCode::LessThanOrEqualTo);
        assert_eq!(
            error.message,
            "Item 1: Value must be less than or equal to 10."
        );
    }

    #[test]
    fn list_item_counts() {
        let rules = rules(
            "list.single_line_text_field",
            &[("list.min", "2"), ("list.max", "3")],
        );
        assert!(check_with("list.single_line_text_field", r#"["a","b"]"#, &rules).is_ok());
        let short = check_with("list.single_line_text_field", r#"["a"]"#, &rules).expect_err("few");
        assert_eq!(short.code, ValueErrorCode::TooShort);
        assert_eq!(short.message, "Value must have at least 2 items.");
        let long = check_with(
            "list.single_line_text_field",
            r#"["a","b","c","d"]"#,
            &rules,
        )
        .expect_err("many");
        assert_eq!(long.code, ValueErrorCode::TooLong);
        assert_eq!(long.message, "Value must have at most 3 items.");
        let cap = format!("[{}]", vec!["\"a\""; MAX_LIST_ITEMS + 1].join(","));
        assert_eq!(
            code(check("list.single_line_text_field", &cap)),
            ValueErrorCode::TooLong
        );
    }

    // --- validations

    #[test]
    fn from_pairs_round_trips_through_to_pairs() {
        let given = pairs(&[
            ("list.max", "5"),
            ("choices", r#"["a","b"]"#),
            ("regex", "[ab]"),
            ("max", "3"),
            ("min", "1"),
            ("list.min", "1"),
        ]);
        let parsed =
            Validations::from_pairs(ty("list.single_line_text_field"), &given).expect("valid");
        assert_eq!(parsed.choices, Some(vec!["a".to_owned(), "b".to_owned()]));
        let written = parsed.to_pairs();
        let names: Vec<&str> = written.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            ["min", "max", "regex", "choices", "list.min", "list.max"]
        );
        assert_eq!(
            Validations::from_pairs(ty("list.single_line_text_field"), &written),
            Ok(parsed)
        );
    }

    #[test]
    fn from_pairs_refuses_bad_validations() {
        let refused = |name: &str, list: &[(&str, &str)]| {
            Validations::from_pairs(ty(name), &pairs(list)).expect_err("refused")
        };
        assert_eq!(
            refused("single_line_text_field", &[("regex", "(")]),
            "Validation 'regex' is not a valid regular expression."
        );
        assert_eq!(
            refused("single_line_text_field", &[("regex", "a)|(b")]),
            "Validation 'regex' is not a valid regular expression."
        );
        assert_eq!(
            refused("number_integer", &[("choices", r#"["1"]"#)]),
            "Validation 'choices' is not allowed for type number_integer."
        );
        assert_eq!(
            refused("number_integer", &[("min", "5"), ("max", "4")]),
            "Validation 'min' must not be greater than 'max'."
        );
        assert_eq!(
            refused("single_line_text_field", &[("min", "5"), ("max", "4")]),
            "Validation 'min' must not be greater than 'max'."
        );
        assert_eq!(
            refused("rating", &[("min", "1")]),
            "Validations 'scale_min' and 'scale_max' are required for type rating."
        );
        assert_eq!(
            refused("boolean", &[("x", "1")]),
            "Validation 'x' is not supported for type boolean."
        );
        assert_eq!(
            refused("number_integer", &[("min", "1.5")]),
            "Validation 'min' must be an integer."
        );
        assert_eq!(
            refused("date", &[("max", "tomorrow")]),
            "Validation 'max' must be a date (YYYY-MM-DD)."
        );
        assert_eq!(
            refused("single_line_text_field", &[("min", "-1")]),
            "Validation 'min' must be a non-negative integer."
        );
        assert_eq!(
            refused("number_decimal", &[("max_precision", "10")]),
            "Validation 'max_precision' must be an integer from 0 to 9."
        );
        assert_eq!(
            refused("number_integer", &[("list.min", "1")]),
            "Validation 'list.min' is not allowed for type number_integer."
        );
        assert_eq!(
            refused("list.date", &[("list.min", "3"), ("list.max", "2")]),
            "Validation 'list.min' must not be greater than 'list.max'."
        );
        assert_eq!(
            refused("rating", &[("scale_min", "5"), ("scale_max", "5")]),
            "Validation 'scale_min' must be less than 'scale_max'."
        );
        assert_eq!(
            refused("number_integer", &[("min", "1"), ("min", "2")]),
            "Validation 'min' is given more than once."
        );
    }

    #[test]
    fn rules_set_directly_are_still_checked() {
        let rules = Validations {
            choices: Some(vec!["a".to_owned()]),
            ..Validations::default()
        };
        assert_eq!(
            message(check_with("number_integer", "1", &rules)),
            "Validation 'choices' is not allowed for type number_integer."
        );
    }

    // --- digest

    #[test]
    fn digest_is_stable_and_covers_type_and_value() {
        let one = digest("number_integer", "7");
        assert_eq!(one.len(), 64);
        assert!(
            one.bytes()
                .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
        );
        assert_eq!(one, digest("number_integer", "7"));
        assert_ne!(one, digest("number_decimal", "7"));
        assert_ne!(one, digest("number_integer", "8"));
        // The NUL separator: moving a character across the boundary changes the digest.
        assert_ne!(digest("ab", "c"), digest("a", "bc"));
        // SHA-256 of "a\0b".
        assert_eq!(digest("a", "b"), hex::encode(Sha256::digest(b"a\0b")));
    }
}
