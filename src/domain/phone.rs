//! Customer phone numbers, normalized to E.164 so that uniqueness means the same number.

use phonenumber::Mode;

use super::problem::{ErrorCode, Problem};

const FIELD: &str = "phone";

/// Parses an optional phone number in international form; blank becomes `None`.
pub fn parse_phone(raw: &str) -> Result<Option<String>, Problem> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let invalid = || Problem::new(FIELD, ErrorCode::Invalid, "Phone is invalid");
    let number = phonenumber::parse(None, value).map_err(|_| invalid())?;
    if !phonenumber::is_valid(&number) {
        return Err(invalid());
    }
    Ok(Some(number.format().mode(Mode::E164).to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_to_e164() {
        assert_eq!(
            parse_phone("+16135550074"),
            Ok(Some("+16135550074".to_owned()))
        );
        assert_eq!(
            parse_phone("+1 (613) 555-0199"),
            Ok(Some("+16135550199".to_owned()))
        );
        assert_eq!(
            parse_phone("+44 20 7946 0958"),
            Ok(Some("+442079460958".to_owned()))
        );
        assert_eq!(parse_phone("  "), Ok(None));
    }

    #[test]
    fn rejects_numbers_that_cannot_be_dialled() {
        for raw in ["12345", "not a phone", "+1 555", "+999 1234567"] {
            let problem = parse_phone(raw).expect_err(raw);
            assert_eq!(problem.code, ErrorCode::Invalid);
            assert_eq!(problem.field, Some("phone"));
        }
    }
}
