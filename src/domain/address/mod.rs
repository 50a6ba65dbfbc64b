//! Address rules: which countries and provinces exist and how they may be spelled, whether a
//! postal code fits its country, and how an address prints in its country's layout.

mod format;

pub use format::{AddressParts, formatted, formatted_area, full_name};

use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, OnceLock};

use regex::Regex;
use serde::Deserialize;

/// A country Shopify knows, with Google's postal rules for it.
#[derive(Deserialize)]
pub struct Country {
    #[serde(skip)]
    code: String,
    name: String,
    /// Only kept when it names this country alone (see the generator).
    google_name: Option<String>,
    fmt: String,
    zip: Option<String>,
    #[serde(skip)]
    zip_regex: OnceLock<Option<Regex>>,
    #[serde(default)]
    upper: String,
    state_uses_code: bool,
    subdivisions: Vec<Subdivision>,
    /// Lower-cased codes, names and aliases -> index into `subdivisions`.
    #[serde(skip)]
    province_index: HashMap<String, usize>,
}

#[derive(Deserialize)]
struct Subdivision {
    code: String,
    name: String,
    aliases: Vec<String>,
}

/// A province (state, prefecture...) as Shopify stores it: ISO 3166-2 style code and latin name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Province {
    pub code: String,
    pub name: String,
}

struct Data {
    /// Sorted by code (the JSON object is).
    countries: Vec<Country>,
    /// Lower-cased codes and names -> index into `countries`.
    index: HashMap<String, usize>,
}

// Google's libaddressinput data restricted to and named after Shopify's 245 country codes, made by
// `scripts/generate-address-data` and compiled in so that no request ever reads a file.
#[allow(
    clippy::expect_used,
    reason = "the data is compiled in: a unit test parses it, so this cannot fail at run time"
)]
static DATA: LazyLock<Data> = LazyLock::new(|| {
    let raw: BTreeMap<String, Country> =
        serde_json::from_str(include_str!("../../../assets/address/address-data.json"))
            .expect("assets/address/address-data.json is generated and compiled in, so it parses");
    let countries: Vec<Country> = raw
        .into_iter()
        .map(|(code, mut country)| {
            country.code = code;
            country.province_index = province_index(&country.subdivisions);
            country
        })
        .collect();
    let numbered = || countries.iter().enumerate();
    let google = numbered().filter_map(|(i, c)| Some((c.google_name.as_deref()?, i)));
    let names = numbered().map(|(i, c)| (c.name.as_str(), i));
    let codes = numbered().map(|(i, c)| (c.code.as_str(), i));
    // Later inserts win: Google's names never shadow Shopify's, nor any name a code.
    let index = google
        .chain(names)
        .chain(codes)
        .map(|(key, i)| (key.to_lowercase(), i))
        .collect();
    Data { countries, index }
});

fn province_index(subdivisions: &[Subdivision]) -> HashMap<String, usize> {
    let numbered = || subdivisions.iter().enumerate();
    let aliases = numbered().flat_map(|(i, s)| s.aliases.iter().map(move |a| (a, i)));
    let names = numbered().map(|(i, s)| (&s.name, i));
    let codes = numbered().map(|(i, s)| (&s.code, i));
    // Later inserts win: should spellings ever collide, codes beat names and names beat aliases.
    aliases
        .chain(names)
        .chain(codes)
        .map(|(key, i)| (key.to_lowercase(), i))
        .collect()
}

impl Country {
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Shopify's English name, which the API prints as `MailingAddress.country`.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn has_provinces(&self) -> bool {
        !self.subdivisions.is_empty()
    }

    /// The provinces in the data's order.
    pub fn provinces(&self) -> impl Iterator<Item = Province> + '_ {
        self.subdivisions.iter().map(Subdivision::province)
    }

    /// Whether printed addresses show the province code ("NY") rather than its name.
    pub fn state_uses_code(&self) -> bool {
        self.state_uses_code
    }

    /// Google's `upper`: fields the postal service wants in capitals (letters as in the layout).
    /// Not applied when formatting: Shopify prints what the customer typed.
    pub fn uppercase_fields(&self) -> &str {
        &self.upper
    }

    /// Matches a province given as a code ("ON", "on", "CA-ON", "JP-13", "13" for JP), a name
    /// ("Ontario", "ontario"), or a local/latin alias ("東京都", "Tokyo"). Whitespace-trimmed,
    /// case-insensitive.
    pub fn find_province(&self, input: &str) -> Option<Province> {
        let key = input.trim().to_lowercase();
        let prefix = format!("{}-", self.code.to_lowercase());
        let found = self.province_index.get(&key).or_else(|| {
            // "CA-ON": the full ISO 3166-2 form of a code stored without the country prefix.
            let suffix = key.strip_prefix(&prefix)?;
            self.province_index.get(suffix)
        })?;
        Some(self.subdivisions[*found].province())
    }

    /// True when the country has no postal-code pattern, or the zip fully matches it
    /// (case-insensitive).
    pub fn zip_is_valid(&self, zip: &str) -> bool {
        match self.zip_regex() {
            Some(pattern) => pattern.is_match(zip.trim()),
            None => true,
        }
    }

    /// Compiled on first use: most countries never see an address. `-u` keeps `\d` to ASCII
    /// digits, as postal codes are. A pattern that failed to compile (a test guards against it)
    /// would check nothing rather than reject every address.
    fn zip_regex(&self) -> Option<&Regex> {
        self.zip_regex
            .get_or_init(|| {
                let pattern = self.zip.as_deref()?;
                Regex::new(&format!("(?i-u)^(?:{pattern})$")).ok()
            })
            .as_ref()
    }
}

impl Subdivision {
    fn province(&self) -> Province {
        Province {
            code: self.code.clone(),
            name: self.name.clone(),
        }
    }
}

/// By two-letter code, Shopify name or Google's name, trimmed and case-insensitive ("CA", "ca",
/// "Canada", "CANADA"). Only the 245 Shopify codes exist.
pub fn find_country(input: &str) -> Option<&'static Country> {
    let data = &*DATA;
    data.index
        .get(&input.trim().to_lowercase())
        .map(|&i| &data.countries[i])
}

/// By two-letter code only (any case), as stored in `country_code`.
pub fn country_by_code(code: &str) -> Option<&'static Country> {
    let code = code.trim().to_ascii_uppercase();
    let countries = &DATA.countries;
    countries
        .binary_search_by(|c| c.code.as_str().cmp(&code))
        .ok()
        .map(|i| &countries[i])
}

/// Every country, sorted by code.
pub fn all_countries() -> &'static [Country] {
    &DATA.countries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str) -> &'static Country {
        country_by_code(code).expect("a known code")
    }

    fn code_of(input: &str) -> Option<&'static str> {
        find_country(input).map(Country::code)
    }

    fn province(code: &str, input: &str) -> Option<String> {
        country(code).find_province(input).map(|p| p.code)
    }

    #[test]
    fn every_shopify_code_resolves_with_shopify_name() {
        let list = include_str!("../../../assets/address/shopify-country-codes.tsv");
        let mut count = 0;
        for line in list.lines().filter(|l| !l.starts_with('#')) {
            let (code, name) = line.split_once('\t').expect("CODE<TAB>Name");
            assert_eq!((country(code).code(), country(code).name()), (code, name));
            assert_eq!(code_of(&code.to_lowercase()), Some(code));
            assert_eq!(code_of(&name.to_uppercase()), Some(code));
            count += 1;
        }
        assert_eq!(count, 245);
        assert_eq!(all_countries().len(), 245);
    }

    #[test]
    fn find_country_takes_codes_and_names_in_any_case() {
        for input in ["CA", "ca", " Canada ", "CANADA"] {
            assert_eq!(code_of(input), Some("CA"));
        }
        assert_eq!(code_of("United States"), Some("US"));
        // Google's name, when it is not Shopify's.
        assert_eq!(code_of("Russian Federation"), Some("RU"));
        assert_eq!(code_of("Türkiye"), Some("TR"));
        // Google calls Åland "FINLAND" and both GG and JE "CHANNEL ISLANDS": not used.
        assert_eq!(code_of("Finland"), Some("FI"));
        assert!(find_country("Channel Islands").is_none());
        // US territories are US states for Shopify, Antarctica is not a country code at all.
        for input in ["", "XX", "PR", "AQ", "Atlantis"] {
            assert!(find_country(input).is_none(), "{input}");
        }
    }

    #[test]
    fn country_by_code_takes_only_codes() {
        assert_eq!(country_by_code("jp").map(Country::name), Some("Japan"));
        assert!(country_by_code("Japan").is_none());
    }

    #[test]
    fn canada_provinces_match_by_code_name_and_french_name() {
        for input in ["ON", "on", "CA-ON", " Ontario ", "ONTARIO"] {
            assert_eq!(province("CA", input).as_deref(), Some("ON"), "{input}");
        }
        assert_eq!(province("CA", "Québec").as_deref(), Some("QC"));
        let quebec = country("CA").find_province("qc").map(|p| p.name);
        assert_eq!(quebec.as_deref(), Some("Quebec"));
        assert_eq!(province("CA", "Texas"), None);
        assert_eq!(province("CA", ""), None);
    }

    #[test]
    fn us_states_match_by_code_and_name() {
        assert_eq!(province("US", "new york").as_deref(), Some("NY"));
        assert_eq!(province("US", "US-NY").as_deref(), Some("NY"));
        // Territories and military "states" have no ISO id in Google's data: their key is the code.
        assert_eq!(province("US", "Puerto Rico").as_deref(), Some("PR"));
        assert_eq!(province("US", "AE").as_deref(), Some("AE"));
        assert_eq!(province("US", "Ontario"), None);
    }

    #[test]
    fn japan_prefectures_match_by_number_kanji_and_latin_name() {
        for input in ["JP-13", "jp-13", "13", "東京都", "Tokyo", "tokyo"] {
            assert_eq!(province("JP", input).as_deref(), Some("JP-13"), "{input}");
        }
        let tokyo = country("JP").find_province("13");
        let expected = Province {
            code: "JP-13".into(),
            name: "Tokyo".into(),
        };
        assert_eq!(tokyo, Some(expected));
    }

    #[test]
    fn countries_without_subdivisions_have_no_provinces() {
        let germany = country("DE");
        assert!(!germany.has_provinces());
        assert_eq!(germany.find_province("Bayern"), None);
        assert_eq!(germany.find_province("BY"), None);
        assert!(country("CA").has_provinces());
        assert_eq!(country("CA").provinces().count(), 13);
    }

    #[test]
    fn zip_must_match_the_whole_pattern_in_any_case() {
        let canada = country("CA");
        assert!(canada.zip_is_valid("K1A 0B1"));
        assert!(canada.zip_is_valid("k1a0b1"));
        assert!(!canada.zip_is_valid("12345"));
        assert!(!canada.zip_is_valid("K1A 0B1 extra"));
        let us = country("US");
        assert!(us.zip_is_valid("10001") && us.zip_is_valid("10001-1234"));
        assert!(!us.zip_is_valid("1000") && !us.zip_is_valid("x10001"));
        // Arabic-Indic digits are not postal-code digits.
        assert!(!us.zip_is_valid("١٠٠٠١"));
        // Hong Kong has no postal codes: anything goes.
        assert!(country("HK").zip_is_valid("whatever"));
    }

    #[test]
    fn every_zip_pattern_compiles() {
        for c in all_countries() {
            assert_eq!(c.zip_regex().is_some(), c.zip.is_some(), "{}", c.code);
        }
    }

    #[test]
    fn data_flags_match_google() {
        let uses_code: Vec<&str> = all_countries()
            .iter()
            .filter(|c| c.state_uses_code())
            .map(Country::code)
            .collect();
        assert_eq!(uses_code, ["AU", "BR", "CA", "IT", "US"]);
        assert_eq!(country("CA").uppercase_fields(), "ACNOSZ");
    }
}
