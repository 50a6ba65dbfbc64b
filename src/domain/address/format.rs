//! How a stored address prints: Shopify's `formatted`, `formattedArea` and `name`, laid out with
//! Google's per-country templates.

use super::{Country, country_by_code, find_country};

/// Without a (known) country there is no layout to follow, so print everything stored. Codes
/// Google lacks (AN...) have the data's own default instead.
const NO_COUNTRY_FMT: &str = "%N%n%O%n%A%n%C %S %Z";

/// The parts of an address as stored (already normalized).
#[derive(Debug, Clone, Default)]
pub struct AddressParts<'a> {
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub company: Option<&'a str>,
    pub address1: Option<&'a str>,
    pub address2: Option<&'a str>,
    pub city: Option<&'a str>,
    pub province: Option<&'a str>,
    pub province_code: Option<&'a str>,
    pub country: Option<&'a str>,
    pub country_code: Option<&'a str>,
    pub zip: Option<&'a str>,
}

impl<'a> AddressParts<'a> {
    fn country_data(&self) -> Option<&'static Country> {
        present(self.country_code)
            .and_then(country_by_code)
            .or_else(|| present(self.country).and_then(find_country))
    }

    fn country_name(&self) -> Option<&'a str> {
        present(self.country).or_else(|| Some(self.country_data()?.name()))
    }

    /// `%S`: the code where the post uses codes (US "NY"), else the name (JP "Tokyo"). Stored rows
    /// normally have both; a missing one is derived from the other through the data.
    fn province_text(&self, country: Option<&Country>) -> Option<String> {
        let (code, name) = (present(self.province_code), present(self.province));
        let known = || country?.find_province(code.or(name)?);
        if country.is_some_and(Country::state_uses_code) {
            code.map(str::to_owned)
                .or_else(|| known().map(|p| p.code))
                .or(name.map(str::to_owned))
        } else {
            name.map(str::to_owned)
                .or_else(|| known().map(|p| p.name))
                .or(code.map(str::to_owned))
        }
    }
}

/// Stored text that is only whitespace counts as missing.
fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// "First Last" (either part alone when the other is missing), None when both missing.
pub fn full_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    match (present(first), present(last)) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        (one, other) => one.or(other).map(str::to_owned),
    }
}

/// Lines of the address in the country's postal layout (Google fmt: %N name, %O company, %A
/// address1 then address2 as separate lines, %C city, %S province — its code when the country's
/// `state_uses_code`, else its name —, %Z zip, %n newline, %D/%X and unknown fields dropped,
/// literal text between fields kept), with the country name as the last line. Name only when
/// with_name, company only when with_company. Empty lines dropped, whitespace and stray
/// separators (", " left over from missing parts) trimmed.
pub fn formatted(parts: &AddressParts<'_>, with_name: bool, with_company: bool) -> Vec<String> {
    let country = parts.country_data();
    let fmt = country.map_or(NO_COUNTRY_FMT, |c| c.fmt.as_str());
    let name = with_name
        .then(|| full_name(parts.first_name, parts.last_name))
        .flatten();
    let company = with_company.then_some(parts.company).flatten();
    let province = parts.province_text(country);

    let mut lines = Vec::new();
    let mut line = Line::default();
    // Every `%` starts a one-letter field; the text up to the next `%` is literal.
    let mut segments = fmt.split('%');
    line.literal(segments.next().unwrap_or_default());
    for segment in segments {
        let mut chars = segment.chars();
        match chars.next() {
            Some('n') => line.finish(&mut lines),
            Some('N') => line.field(name.as_deref()),
            Some('O') => line.field(company),
            Some('A') => {
                line.field(parts.address1);
                if present(parts.address2).is_some() {
                    line.finish(&mut lines);
                    line.field(parts.address2);
                }
            }
            Some('C') => line.field(parts.city),
            Some('S') => line.field(province.as_deref()),
            Some('Z') => line.field(parts.zip),
            // %D (dependent locality), %X (sorting code) and anything unknown: not stored.
            _ => line.field(None),
        }
        line.literal(chars.as_str());
    }
    line.finish(&mut lines);
    lines.extend(parts.country_name().map(str::to_owned));
    lines
}

/// Shopify's formattedArea: "<city> <provinceCode>, <country>", e.g. "Ottawa ON, Canada"; missing
/// parts are skipped ("Ottawa, Canada", "Canada"); None when city, province and country are all
/// missing.
pub fn formatted_area(parts: &AddressParts<'_>) -> Option<String> {
    let province = present(parts.province_code).or(present(parts.province));
    let local = [present(parts.city), province].into_iter().flatten();
    let local = Some(local.collect::<Vec<_>>().join(" ")).filter(|l| !l.is_empty());
    let area = [local.as_deref(), parts.country_name()]
        .into_iter()
        .flatten();
    Some(area.collect::<Vec<_>>().join(", ")).filter(|a| !a.is_empty())
}

/// One output line being built. A literal is kept only where it joins two printed fields (or
/// prefixes the first field, like "CH-" before a zip), so a missing part takes its separator
/// with it: "%C, %S %Z" without a city prints "NY 10001", without a state "New York, 10001".
#[derive(Default)]
struct Line<'f> {
    text: String,
    /// The first literal since the last printed field (or the line start).
    pending: Option<&'f str>,
    saw_field: bool,
}

impl<'f> Line<'f> {
    fn literal(&mut self, text: &'f str) {
        if !text.is_empty() && self.pending.is_none() {
            self.pending = Some(text);
        }
    }

    fn field(&mut self, value: Option<&str>) {
        if let Some(value) = present(value) {
            if !self.text.is_empty() || !self.saw_field {
                self.text.push_str(self.pending.unwrap_or_default());
            }
            self.text.push_str(value);
            self.pending = None;
        }
        self.saw_field = true;
    }

    /// Lines of literal text only (Gibraltar's "GIBRALTAR") are dropped: the country line follows.
    fn finish(&mut self, lines: &mut Vec<String>) {
        let line = std::mem::take(self);
        let text = line.text.trim();
        if !text.is_empty() {
            lines.push(text.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ottawa() -> AddressParts<'static> {
        AddressParts {
            first_name: Some("Ada"),
            last_name: Some("Lovelace"),
            company: Some("Analytical Engines"),
            address1: Some("1 Storefront Main St"),
            city: Some("Ottawa"),
            province: Some("Ontario"),
            province_code: Some("ON"),
            country: Some("Canada"),
            country_code: Some("CA"),
            zip: Some("K1A 0B1"),
            ..AddressParts::default()
        }
    }

    #[test]
    fn full_name_joins_what_is_there() {
        assert_eq!(
            full_name(Some("Ada"), Some("Lovelace")).as_deref(),
            Some("Ada Lovelace")
        );
        assert_eq!(full_name(Some("Ada"), None).as_deref(), Some("Ada"));
        assert_eq!(
            full_name(Some(" "), Some("Lovelace")).as_deref(),
            Some("Lovelace")
        );
        assert_eq!(full_name(None, None), None);
    }

    #[test]
    fn formatted_canada_with_and_without_name_and_company() {
        assert_eq!(
            formatted(&ottawa(), false, false),
            ["1 Storefront Main St", "Ottawa ON K1A 0B1", "Canada"]
        );
        assert_eq!(
            formatted(&ottawa(), true, true),
            [
                "Ada Lovelace",
                "Analytical Engines",
                "1 Storefront Main St",
                "Ottawa ON K1A 0B1",
                "Canada"
            ]
        );
        assert_eq!(formatted(&ottawa(), true, false)[0], "Ada Lovelace");
        assert_eq!(formatted(&ottawa(), false, true)[0], "Analytical Engines");
    }

    #[test]
    fn formatted_us_prints_both_address_lines_and_the_state_code() {
        let parts = AddressParts {
            address1: Some("1 Main St"),
            address2: Some("Apt 2"),
            city: Some("New York"),
            province: Some("New York"),
            country_code: Some("US"),
            zip: Some("10001"),
            ..AddressParts::default()
        };
        // No stored code: derived from the name, and the country name from the code.
        assert_eq!(
            formatted(&parts, true, true),
            ["1 Main St", "Apt 2", "New York, NY 10001", "United States"]
        );
    }

    #[test]
    fn formatted_drops_the_separators_of_missing_parts() {
        let us = |city, state| AddressParts {
            address1: Some("1 Main St"),
            city,
            province_code: state,
            country: Some("United States"),
            zip: Some("10001"),
            ..AddressParts::default()
        };
        assert_eq!(
            formatted(&us(None, Some("NY")), false, false)[1],
            "NY 10001"
        );
        assert_eq!(
            formatted(&us(Some("New York"), None), false, false)[1],
            "New York, 10001"
        );
        // Switzerland's "CH-%Z %C": the prefix goes with the zip.
        let zurich = |zip| AddressParts {
            city: Some("Zürich"),
            country_code: Some("CH"),
            zip,
            ..AddressParts::default()
        };
        assert_eq!(
            formatted(&zurich(Some("8001")), false, false),
            ["CH-8001 Zürich", "Switzerland"]
        );
        assert_eq!(
            formatted(&zurich(None), false, false),
            ["Zürich", "Switzerland"]
        );
        // The Philippines' "%D, %C": the district is never stored, so its comma goes.
        let makati = AddressParts {
            city: Some("Makati"),
            country_code: Some("PH"),
            ..AddressParts::default()
        };
        assert_eq!(formatted(&makati, false, false), ["Makati", "Philippines"]);
    }

    #[test]
    fn formatted_japan_uses_the_latin_layout_and_prefecture_name() {
        let parts = AddressParts {
            last_name: Some("Yamada"),
            address1: Some("1-1 Chiyoda"),
            city: Some("Chiyoda-ku"),
            province_code: Some("JP-13"),
            country_code: Some("JP"),
            zip: Some("100-0001"),
            ..AddressParts::default()
        };
        // "%N%n%O%n%A, %S%n%Z" (the city has no place in Google's latin layout).
        assert_eq!(
            formatted(&parts, true, true),
            ["Yamada", "1-1 Chiyoda, Tokyo", "100-0001", "Japan"]
        );
    }

    #[test]
    fn formatted_germany_puts_the_zip_before_the_city() {
        let parts = AddressParts {
            company: Some("Beispiel GmbH"),
            address1: Some("Unter den Linden 1"),
            city: Some("Berlin"),
            country_code: Some("DE"),
            country: Some("Germany"),
            zip: Some("10117"),
            ..AddressParts::default()
        };
        assert_eq!(
            formatted(&parts, true, true),
            [
                "Beispiel GmbH",
                "Unter den Linden 1",
                "10117 Berlin",
                "Germany"
            ]
        );
    }

    #[test]
    fn formatted_uses_the_default_layout_where_google_has_none() {
        let parts = AddressParts {
            first_name: Some("Ada"),
            address1: Some("Kaya Grandi 1"),
            city: Some("Kralendijk"),
            province: Some("Bonaire"),
            country_code: Some("AN"),
            zip: Some("0000"),
            ..AddressParts::default()
        };
        assert_eq!(
            formatted(&parts, true, false),
            ["Ada", "Kaya Grandi 1", "Kralendijk", "Netherlands Antilles"]
        );
        let nowhere = AddressParts {
            country_code: None,
            country: None,
            ..parts
        };
        assert_eq!(
            formatted(&nowhere, true, false),
            ["Ada", "Kaya Grandi 1", "Kralendijk Bonaire 0000"]
        );
        assert_eq!(
            formatted(&AddressParts::default(), true, true),
            Vec::<String>::new()
        );
    }

    #[test]
    fn formatted_area_skips_missing_parts() {
        assert_eq!(
            formatted_area(&ottawa()).as_deref(),
            Some("Ottawa ON, Canada")
        );
        let no_province = AddressParts {
            province: None,
            province_code: None,
            ..ottawa()
        };
        assert_eq!(
            formatted_area(&no_province).as_deref(),
            Some("Ottawa, Canada")
        );
        let only_country = AddressParts {
            country: None,
            country_code: Some("CA"),
            ..AddressParts::default()
        };
        assert_eq!(formatted_area(&only_country).as_deref(), Some("Canada"));
        let no_country = AddressParts {
            country: None,
            country_code: None,
            ..ottawa()
        };
        assert_eq!(formatted_area(&no_country).as_deref(), Some("Ottawa ON"));
        let nothing = AddressParts {
            address1: Some("1 Main St"),
            ..AddressParts::default()
        };
        assert_eq!(formatted_area(&nothing), None);
    }
}
