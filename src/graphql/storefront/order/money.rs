//! `MoneyV2` and the `Decimal` scalar, and the exact arithmetic a line item's totals need on top
//! of the domain's decimals (a unit price times a quantity, minus discounts).

use async_graphql::{
    Description, InputValueError, InputValueResult, Scalar, ScalarType, SimpleObject, Value,
};

use super::currency_code::CurrencyCode;
use crate::domain::order as domain;

/// A signed decimal number, which supports arbitrary precision and is serialized as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Description)]
pub struct Decimal(pub domain::Decimal);

/// Printed as Shopify prints it: trailing zeros trimmed, at least one fractional digit
/// (`"19.9"`, `"0.0"`).
#[Scalar(name = "Decimal", use_type_description)]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => domain::Decimal::parse(text)
                .map(Decimal)
                .map_err(|e| InputValueError::custom(format!("the decimal {e}"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_shopify_string())
    }
}

/// A precise monetary value with its associated currency. Combines a decimal amount with a three-letter CurrencyCode to express prices, costs, and other financial values. For example, 12.99 USD.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct MoneyV2 {
    /// Decimal money amount.
    pub amount: Decimal,
    /// Currency of the money.
    pub currency_code: CurrencyCode,
}

impl MoneyV2 {
    pub fn new(amount: domain::Decimal, currency: &domain::CurrencyCode) -> Self {
        MoneyV2 {
            amount: Decimal(amount),
            currency_code: CurrencyCode::from_code_or_unrecognized(currency.as_str()),
        }
    }

    /// Nothing, in `currency`: what a total the order does not carry adds up to.
    pub fn zero(currency: &domain::CurrencyCode) -> Self {
        Self::new(domain::Decimal::ZERO, currency)
    }
}

impl From<&domain::Money> for MoneyV2 {
    fn from(money: &domain::Money) -> Self {
        Self::new(money.amount, &money.currency)
    }
}

/// A decimal as an integer and a scale (`19.9` → `(199, 1)`), read from its exact text.
fn to_units(value: domain::Decimal) -> Option<(i128, usize)> {
    let text = value.to_shopify_string();
    let (integer, fraction) = text.split_once('.')?;
    let digits = format!("{integer}{fraction}");
    Some((digits.parse().ok()?, fraction.len()))
}

/// The decimal `units / 10^scale`; `None` when it has more digits than a decimal may.
fn from_units(units: i128, scale: usize) -> Option<domain::Decimal> {
    let sign = if units < 0 { "-" } else { "" };
    let digits = units.unsigned_abs().to_string();
    // At least one integer digit: 5 at scale 2 is "0.05".
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (integer, fraction) = padded.split_at(padded.len() - scale);
    let text = if fraction.is_empty() {
        format!("{sign}{integer}")
    } else {
        format!("{sign}{integer}.{fraction}")
    };
    domain::Decimal::parse(&text).ok()
}

/// `value × factor`, exactly; `None` when the product has more integer digits than a decimal
/// may (far beyond any price).
pub fn checked_mul(value: domain::Decimal, factor: u32) -> Option<domain::Decimal> {
    let (units, scale) = to_units(value)?;
    from_units(units.checked_mul(i128::from(factor))?, scale)
}

/// `left − right`, exactly; `None` when the result has more integer digits than a decimal may.
pub fn checked_sub(left: domain::Decimal, right: domain::Decimal) -> Option<domain::Decimal> {
    let (units, scale) = to_units(right)?;
    left.checked_add(from_units(units.checked_neg()?, scale)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> domain::Decimal {
        domain::Decimal::parse(text).expect("a decimal")
    }

    fn text(value: Option<domain::Decimal>) -> Option<String> {
        value.map(domain::Decimal::to_shopify_string)
    }

    #[test]
    fn multiplies_exactly() {
        assert_eq!(text(checked_mul(dec("18.50"), 2)), Some("37.0".to_owned()));
        assert_eq!(text(checked_mul(dec("19.9"), 3)), Some("59.7".to_owned()));
        assert_eq!(text(checked_mul(dec("0.1"), 3)), Some("0.3".to_owned()));
        assert_eq!(
            text(checked_mul(dec("0.005"), 1000)),
            Some("5.0".to_owned())
        );
        assert_eq!(text(checked_mul(dec("39.95"), 0)), Some("0.0".to_owned()));
        assert_eq!(text(checked_mul(dec("-2.25"), 4)), Some("-9.0".to_owned()));
        assert_eq!(text(checked_mul(dec("7"), 1)), Some("7.0".to_owned()));
        assert_eq!(
            text(checked_mul(dec("0.000000000000000001"), u32::MAX)),
            Some("0.000000004294967295".to_owned())
        );
        assert_eq!(
            text(checked_mul(dec("99999999999999999.99"), 10)),
            Some("999999999999999999.9".to_owned())
        );
        // 19 integer digits: more than a decimal may have.
        assert_eq!(checked_mul(dec("999999999999999999"), 10), None);
        assert_eq!(
            checked_mul(dec("999999999999999999.999999999999999999"), u32::MAX),
            None
        );
    }

    #[test]
    fn subtracts_exactly() {
        assert_eq!(
            text(checked_sub(dec("39.95"), dec("4.00"))),
            Some("35.95".to_owned())
        );
        assert_eq!(
            text(checked_sub(dec("37.00"), dec("3.70"))),
            Some("33.3".to_owned())
        );
        assert_eq!(
            text(checked_sub(dec("1"), dec("1.00"))),
            Some("0.0".to_owned())
        );
        // Stored as sent: a discount larger than the price goes below zero.
        assert_eq!(
            text(checked_sub(dec("1"), dec("2.5"))),
            Some("-1.5".to_owned())
        );
        assert_eq!(
            text(checked_sub(dec("1"), dec("-2.5"))),
            Some("3.5".to_owned())
        );
    }

    #[test]
    fn decimal_prints_as_shopify_does() {
        for (stored, shown) in [
            ("19.90", "19.9"),
            ("0.00", "0.0"),
            ("29.99", "29.99"),
            ("5", "5.0"),
        ] {
            assert_eq!(
                Decimal(dec(stored)).to_value(),
                Value::String(shown.to_owned()),
                "{stored}"
            );
        }
        assert_eq!(
            Decimal::parse(Value::String("19.90".to_owned())).ok(),
            Some(Decimal(dec("19.9")))
        );
        assert!(Decimal::parse(Value::Number(1.into())).is_err());
    }
}
