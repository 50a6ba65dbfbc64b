//! What a customer sends for an address, checked and normalized: country and province to
//! Shopify's codes and names, text fields trimmed and bounded, postal codes in the country's form.

use super::address::find_country;
use super::names::{NameKind, contains_html_tag, parse_name};
use super::problem::{ErrorCode, Problem};

const MAX_LEN: usize = 255;

/// An address as stored: already validated and normalized.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AddressRecord {
    pub id: i64,
    pub customer_id: i64,
    pub fields: AddressFields,
}

/// The values of an address, as stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AddressFields {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub city: Option<String>,
    pub province: Option<String>,
    pub province_code: Option<String>,
    pub country: Option<String>,
    pub country_code: Option<String>,
    pub zip: Option<String>,
    pub phone: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// `MailingAddressInput`: `None` means the field was not sent (it keeps its value); an empty
/// string clears it.
#[derive(Debug, Clone, Default)]
pub struct AddressDraft {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub city: Option<String>,
    pub province: Option<String>,
    pub country: Option<String>,
    pub zip: Option<String>,
    pub phone: Option<String>,
}

/// The draft applied over `base` (the stored address for an update; for a new address, the
/// customer's names), validated. Every problem is reported.
pub fn apply(draft: &AddressDraft, base: &AddressFields) -> Result<AddressFields, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut result = base.clone();
    let mut check =
        |value: &Option<String>, field: &'static str, label: &str| -> Option<Option<String>> {
            let value = value.as_ref()?;
            match text(value, field, label) {
                Ok(text) => Some(text),
                Err(problem) => {
                    problems.push(problem);
                    None
                }
            }
        };
    if let Some(value) = check(&draft.company, "company", "Company") {
        result.company = value;
    }
    if let Some(value) = check(&draft.address1, "address1", "Address1") {
        result.address1 = value;
    }
    if let Some(value) = check(&draft.address2, "address2", "Address2") {
        result.address2 = value;
    }
    if let Some(value) = check(&draft.city, "city", "City") {
        result.city = value;
    }
    if let Some(value) = check(&draft.phone, "phone", "Phone") {
        result.phone = value;
    }
    if let Some(value) = check(&draft.zip, "zip", "Zip") {
        result.zip = value;
    }
    for (value, kind, target) in [
        (&draft.first_name, NameKind::First, &mut result.first_name),
        (&draft.last_name, NameKind::Last, &mut result.last_name),
    ] {
        if let Some(value) = value {
            match parse_name(value, kind) {
                Ok(name) => *target = name,
                Err(problem) => problems.push(problem),
            }
        }
    }

    let country_changed = draft.country.is_some();
    if let Some(raw) = &draft.country {
        let raw = raw.trim();
        if raw.is_empty() {
            result.country = None;
            result.country_code = None;
        } else if let Some(country) = find_country(raw) {
            result.country = Some(country.name().to_owned());
            result.country_code = Some(country.code().to_owned());
        } else {
            problems.push(Problem::new(
                "country",
                ErrorCode::Invalid,
                "Country is invalid",
            ));
        }
    }
    let country = result.country_code.as_deref().and_then(find_country);

    // The province is checked against the final country: a new province, or the old one when
    // the country changed (kept only if the new country has a province of that name).
    let province_input = match &draft.province {
        Some(raw) => Some(raw.trim().to_owned()),
        None if country_changed && country.is_some_and(|c| c.has_provinces()) => {
            base.province.clone()
        }
        None if country_changed => {
            result.province = None;
            result.province_code = None;
            None
        }
        None => None,
    };
    if let Some(raw) = province_input {
        match country.filter(|c| c.has_provinces()) {
            _ if raw.is_empty() => {
                result.province = None;
                result.province_code = None;
            }
            Some(country) => match country.find_province(&raw) {
                Some(province) => {
                    result.province = Some(province.name);
                    result.province_code = Some(province.code);
                }
                None if draft.province.is_some() => problems.push(Problem::new(
                    "province",
                    ErrorCode::Invalid,
                    format!("Province is not valid for {}", country.name()),
                )),
                None => {
                    // The old province does not exist in the new country.
                    result.province = None;
                    result.province_code = None;
                }
            },
            None => match text(&raw, "province", "Province") {
                Ok(value) => {
                    result.province = value;
                    result.province_code = None;
                }
                Err(problem) => problems.push(problem),
            },
        }
    }

    if (country_changed || draft.zip.is_some())
        && let (Some(country), Some(zip)) = (country, result.zip.as_deref())
        && !country.zip_is_valid(zip)
    {
        problems.push(Problem::new(
            "zip",
            ErrorCode::Invalid,
            format!("Zip is not valid for {}", country.name()),
        ));
    }

    if problems.is_empty() {
        Ok(result)
    } else {
        Err(problems)
    }
}

/// A trimmed, bounded free-text field without markup; blank becomes `None`.
fn text(raw: &str, field: &'static str, label: &str) -> Result<Option<String>, Problem> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > MAX_LEN {
        return Err(Problem::new(
            field,
            ErrorCode::TooLong,
            format!("{label} is too long (maximum is {MAX_LEN} characters)"),
        ));
    }
    if contains_html_tag(value) {
        return Err(Problem::new(
            field,
            ErrorCode::ContainsHtmlTags,
            format!("{label} cannot contain HTML tags"),
        ));
    }
    Ok(Some(value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> AddressDraft {
        AddressDraft {
            address1: Some("1 Storefront Main St".to_owned()),
            city: Some("Ottawa".to_owned()),
            province: Some("Ontario".to_owned()),
            country: Some("Canada".to_owned()),
            zip: Some("K1A 0B1".to_owned()),
            phone: Some("+1 (613) 555-0199".to_owned()),
            ..AddressDraft::default()
        }
    }

    fn codes(problems: &[Problem]) -> Vec<(Option<&str>, ErrorCode)> {
        problems.iter().map(|p| (p.field, p.code)).collect()
    }

    #[test]
    fn normalizes_country_and_province_names_to_codes() {
        let fields = apply(&draft(), &AddressFields::default()).expect("valid");
        assert_eq!(fields.country.as_deref(), Some("Canada"));
        assert_eq!(fields.country_code.as_deref(), Some("CA"));
        assert_eq!(fields.province.as_deref(), Some("Ontario"));
        assert_eq!(fields.province_code.as_deref(), Some("ON"));
        // Address phones are kept as given, as Shopify does.
        assert_eq!(fields.phone.as_deref(), Some("+1 (613) 555-0199"));
        let by_code = AddressDraft {
            country: Some("ca".to_owned()),
            province: Some("on".to_owned()),
            ..draft()
        };
        assert_eq!(apply(&by_code, &AddressFields::default()), Ok(fields));
    }

    #[test]
    fn names_default_to_the_base_and_can_be_replaced() {
        let base = AddressFields {
            first_name: Some("Updated".to_owned()),
            last_name: Some("Profile".to_owned()),
            ..AddressFields::default()
        };
        let fields = apply(&draft(), &base).expect("valid");
        assert_eq!(fields.first_name.as_deref(), Some("Updated"));
        let named = AddressDraft {
            first_name: Some("Second".to_owned()),
            ..draft()
        };
        assert_eq!(
            apply(&named, &base).expect("valid").first_name.as_deref(),
            Some("Second")
        );
    }

    #[test]
    fn reports_every_invalid_field() {
        let bad = AddressDraft {
            first_name: Some("<b>x</b>".to_owned()),
            city: Some("c".repeat(256)),
            country: Some("Atlantis".to_owned()),
            ..draft()
        };
        let problems = apply(&bad, &AddressFields::default()).expect_err("invalid");
        assert_eq!(
            codes(&problems),
            vec![
                (Some("city"), ErrorCode::TooLong),
                (Some("firstName"), ErrorCode::ContainsHtmlTags),
                (Some("country"), ErrorCode::Invalid),
            ]
        );
    }

    #[test]
    fn unknown_province_and_bad_zip_are_invalid() {
        let bad = AddressDraft {
            province: Some("Narnia".to_owned()),
            zip: Some("12345".to_owned()),
            ..draft()
        };
        let problems = apply(&bad, &AddressFields::default()).expect_err("invalid");
        assert_eq!(
            codes(&problems),
            vec![
                (Some("province"), ErrorCode::Invalid),
                (Some("zip"), ErrorCode::Invalid)
            ]
        );
        assert_eq!(problems[0].message, "Province is not valid for Canada");
    }

    #[test]
    fn an_update_keeps_what_it_does_not_mention_and_clears_blanks() {
        let stored = apply(&draft(), &AddressFields::default()).expect("valid");
        let change = AddressDraft {
            address2: Some("Suite 200".to_owned()),
            phone: Some(String::new()),
            ..AddressDraft::default()
        };
        let updated = apply(&change, &stored).expect("valid");
        assert_eq!(updated.address2.as_deref(), Some("Suite 200"));
        assert_eq!(updated.phone, None);
        assert_eq!(updated.city, stored.city);
        assert_eq!(updated.province_code, stored.province_code);
    }

    #[test]
    fn changing_the_country_drops_a_province_that_does_not_exist_there() {
        let stored = apply(&draft(), &AddressFields::default()).expect("valid");
        let moved = AddressDraft {
            country: Some("France".to_owned()),
            zip: Some("75001".to_owned()),
            ..AddressDraft::default()
        };
        let updated = apply(&moved, &stored).expect("valid");
        assert_eq!(updated.country_code.as_deref(), Some("FR"));
        assert_eq!(updated.province, None);
        assert_eq!(updated.province_code, None);
    }

    #[test]
    fn a_province_in_a_country_without_subdivisions_is_kept_as_text() {
        let fields = apply(
            &AddressDraft {
                country: Some("Germany".to_owned()),
                province: Some("Somewhere".to_owned()),
                zip: Some("10115".to_owned()),
                ..AddressDraft::default()
            },
            &AddressFields::default(),
        );
        let fields = fields.expect("valid");
        assert_eq!(fields.province.as_deref(), Some("Somewhere"));
        assert_eq!(fields.province_code, None);
    }
}
