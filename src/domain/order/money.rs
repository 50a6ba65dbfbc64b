//! Exact decimals and money, printed the way Shopify's Storefront API prints its `Decimal`.

use std::cmp::Ordering;
use std::fmt;

/// Integer and fractional digits a [`Decimal`] may have: 18 + 18 digits keeps every rescaling for
/// comparison or addition inside an `i128` (which holds 38 digits), and is far beyond any price.
const MAX_INTEGER_DIGITS: usize = 18;
const MAX_SCALE: u32 = 18;
/// Longer decimal strings are refused before any digit is looked at (leading zeros included).
const MAX_DECIMAL_TEXT: usize = 64;

/// An exact decimal number: `units / 10^scale`. Always normalized (no trailing fractional zero,
/// no negative zero), so equal values are equal structs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    units: i128,
    scale: u32,
}

/// Why a decimal string was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("is empty")]
    Empty,
    #[error("is longer than {MAX_DECIMAL_TEXT} characters")]
    TooLong,
    #[error("is not a plain decimal number (digits, at most one '.', an optional leading '-')")]
    NotANumber,
    #[error("has more than {MAX_INTEGER_DIGITS} integer digits")]
    TooManyIntegerDigits,
    #[error("has more than {MAX_SCALE} fractional digits")]
    TooManyFractionalDigits,
}

fn pow10(exponent: u32) -> i128 {
    // Exponents stay at or below 2 * MAX_SCALE = 36 < 38, so this never saturates in practice;
    // saturating keeps it panic-free regardless.
    10i128.saturating_pow(exponent)
}

impl Decimal {
    pub const ZERO: Decimal = Decimal { units: 0, scale: 0 };

    /// Parses the decimal strings Shopify's REST API sends (`"19.90"`, `"0.00"`, `"-5.0"`, `"3"`).
    /// Exponents, a leading `+`, whitespace, thousands separators and a bare `.` are refused:
    /// Shopify never sends them, and accepting them would only hide a broken producer.
    pub fn parse(text: &str) -> Result<Self, DecimalError> {
        if text.is_empty() {
            return Err(DecimalError::Empty);
        }
        if text.len() > MAX_DECIMAL_TEXT {
            return Err(DecimalError::TooLong);
        }
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (integer, fraction) = match unsigned.split_once('.') {
            Some((integer, fraction)) => (integer, fraction),
            None => (unsigned, ""),
        };
        let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if integer.is_empty()
            || !all_digits(integer)
            || !all_digits(fraction)
            || (unsigned.contains('.') && fraction.is_empty())
        {
            return Err(DecimalError::NotANumber);
        }
        let integer = integer.trim_start_matches('0');
        let fraction = fraction.trim_end_matches('0');
        if integer.len() > MAX_INTEGER_DIGITS {
            return Err(DecimalError::TooManyIntegerDigits);
        }
        if fraction.len() > MAX_SCALE as usize {
            return Err(DecimalError::TooManyFractionalDigits);
        }
        let mut units: i128 = 0;
        for byte in integer.bytes().chain(fraction.bytes()) {
            // At most 36 digits: never overflows an i128.
            units = units * 10 + i128::from(byte - b'0');
        }
        if negative {
            units = -units;
        }
        Ok(Self::normalized(units, fraction.len() as u32))
    }

    fn normalized(mut units: i128, mut scale: u32) -> Self {
        while scale > 0 && units % 10 == 0 {
            units /= 10;
            scale -= 1;
        }
        Decimal { units, scale }
    }

    /// The value in a larger scale; `None` if it would not fit.
    fn rescaled(self, scale: u32) -> Option<i128> {
        self.units
            .checked_mul(pow10(scale.checked_sub(self.scale)?))
    }

    fn integer_digits(self) -> usize {
        let integer = self.units.unsigned_abs() / pow10(self.scale).unsigned_abs();
        if integer == 0 {
            0
        } else {
            integer.ilog10() as usize + 1
        }
    }

    /// The exact sum, or `None` if it has more integer digits than a decimal may have.
    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        let sum = self.rescaled(scale)?.checked_add(other.rescaled(scale)?)?;
        let result = Self::normalized(sum, scale);
        (result.integer_digits() <= MAX_INTEGER_DIGITS).then_some(result)
    }

    pub fn is_zero(self) -> bool {
        self.units == 0
    }

    pub fn is_negative(self) -> bool {
        self.units < 0
    }

    /// The value in integer minor units of a currency with `exponent` decimal places (2 for CAD,
    /// 0 for JPY), when it is exact in them: `19.9` is `1990` cents, `0.005` has no cent value.
    pub fn to_minor_units(self, exponent: u32) -> Option<i128> {
        if self.scale > exponent {
            return None;
        }
        self.rescaled(exponent)
    }

    /// Shopify's Storefront `Decimal` text: trailing fractional zeros removed, but always at least
    /// one fractional digit — `19.90` → `"19.9"`, `0` → `"0.0"`, `29.99` → `"29.99"`.
    pub fn to_shopify_string(self) -> String {
        let digits = self.units.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let sign = if self.units < 0 { "-" } else { "" };
        if scale == 0 {
            return format!("{sign}{digits}.0");
        }
        // Left-pad so there is at least one integer digit ("5" at scale 2 is "0.05").
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (integer, fraction) = padded.split_at(padded.len() - scale);
        format!("{sign}{integer}.{fraction}")
    }
}

impl Decimal {
    /// The nearest `f64`, for GraphQL `Float` fields (a percentage) only: never for money.
    pub fn to_f64(self) -> f64 {
        self.to_shopify_string().parse().unwrap_or(0.0)
    }

    /// The value in millionths, saturating: a sort key that orders every price correctly (prices
    /// have at most a few fractional digits and far fewer than 12 integer digits).
    pub fn sort_key(self) -> i64 {
        let micros = if self.scale <= 6 {
            self.units.saturating_mul(pow10(6 - self.scale))
        } else {
            self.units / pow10(self.scale - 6)
        };
        i64::try_from(micros).unwrap_or(if micros < 0 { i64::MIN } else { i64::MAX })
    }
}

/// Stored as its Shopify text, which parses back to the same value.
impl serde::Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_shopify_string())
    }
}

impl<'de> serde::Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Decimal::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_shopify_string())
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale.max(other.scale);
        // Both fit: at most 18 integer digits rescaled to at most 18 fractional ones.
        let left = self.units.saturating_mul(pow10(scale - self.scale));
        let right = other.units.saturating_mul(pow10(scale - other.scale));
        left.cmp(&right)
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// An ISO 4217 currency code as Shopify writes it (three capital letters, `CAD`). Membership in
/// Shopify's `CurrencyCode` enum is the GraphQL layer's concern.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CurrencyCode(String);

impl TryFrom<String> for CurrencyCode {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        CurrencyCode::parse(&text).ok_or_else(|| format!("{text:?} is not a currency code"))
    }
}

impl From<CurrencyCode> for String {
    fn from(code: CurrencyCode) -> String {
        code.0
    }
}

impl CurrencyCode {
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == 3 && text.bytes().all(|b| b.is_ascii_uppercase()))
            .then(|| CurrencyCode(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `MoneyV2`: an exact amount in a currency.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: CurrencyCode,
}

// ---------------------------------------------------------------------------------------------
