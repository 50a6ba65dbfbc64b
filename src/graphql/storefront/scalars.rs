//! Shopify's scalars: `DateTime` (ISO 8601, to the second, UTC with `Z`) and `UnsignedInt64`
//! (a string of digits, so that JavaScript never rounds it).

use async_graphql::{Description, InputValueError, InputValueResult, Scalar, ScalarType, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// Represents an ISO 8601-encoded date and time string. For example, 3:50 pm on September 7, 2019 in the time zone of UTC (Coordinated Universal Time) is represented as `"2019-09-07T15:50:00Z`".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Description)]
pub struct DateTime(pub i64);

#[Scalar(name = "DateTime", use_type_description)]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => OffsetDateTime::parse(text, &Rfc3339)
                .map(|t| DateTime(t.unix_timestamp()))
                .map_err(|_| InputValueError::custom("expected an ISO 8601 date and time")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
        let text = OffsetDateTime::from_unix_timestamp(self.0)
            .ok()
            .and_then(|t| t.format(&format).ok())
            .unwrap_or_default();
        Value::String(text)
    }
}

/// An unsigned 64-bit integer. Represents whole numeric values between 0 and 2^64 - 1 encoded as a string of base-10 digits. Example value: `"50"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Description)]
pub struct UnsignedInt64(pub u64);

#[Scalar(name = "UnsignedInt64", use_type_description)]
impl ScalarType for UnsignedInt64 {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => text
                .parse()
                .map(UnsignedInt64)
                .map_err(|_| InputValueError::custom("expected a string of base-10 digits")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// Represents an RFC 3986 and RFC 3987-compliant URI string. For example, `"https://example.myshopify.com"` is a valid URL. It includes a scheme (`https`) and a host (`example.myshopify.com`).
#[derive(Debug, Clone, PartialEq, Eq, Description)]
pub struct Url(pub String);

#[Scalar(name = "URL", use_type_description)]
impl ScalarType for Url {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(text) => Ok(Url(text)),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_is_second_precision_utc_with_z() {
        assert_eq!(
            DateTime(1_784_156_275).to_value(),
            Value::String("2026-07-15T22:57:55Z".to_owned())
        );
        assert_eq!(
            DateTime::parse(Value::String("2026-07-15T18:57:55-04:00".to_owned())).ok(),
            Some(DateTime(1_784_156_275))
        );
    }

    #[test]
    fn unsigned_int64_is_a_string() {
        assert_eq!(UnsignedInt64(0).to_value(), Value::String("0".to_owned()));
        assert!(UnsignedInt64::parse(Value::String("-1".to_owned())).is_err());
    }
}
