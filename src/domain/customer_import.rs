//! A customer record brought in from another platform, parsed and checked: Shopify's customer
//! CSV export and our JSONL rows. Every value goes through the rules the APIs apply (email,
//! phone, names, tags, note, addresses), and a password hash through its scheme's parser, so an
//! imported customer is one the APIs could have made.
//!
//! A refusal is a reason without the refused value (it may be personal data or a hash).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::email::Email;
use super::legacy_hash::firebase::{FirebaseHash, FirebaseParams};
use super::legacy_hash::{Imported, LegacyHash, auth0, native};
use super::mailing_address::{AddressDraft, AddressFields, apply};
use super::names::{NameKind, parse_name};
use super::note::parse_note;
use super::phone::parse_phone;
use super::problem::Problem;
use super::tags::{parse_tags, within_limit};

/// The longest external id kept (the column's size).
const MAX_EXTERNAL_ID: usize = 255;
/// Addresses kept per customer, as the storefront allows.
pub const MAX_ADDRESSES: usize = 100;

/// A customer ready to import.
#[derive(Debug)]
pub struct CustomerImportRecord {
    /// The customer's id on the platform it comes from (Shopify's `Customer ID`, JSONL `id`).
    pub external_id: Option<String>,
    pub email: Email,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub accepts_marketing: bool,
    pub tags: Vec<String>,
    pub note: Option<String>,
    /// The first is the default address.
    pub addresses: Vec<AddressFields>,
    pub password: Option<Imported>,
    /// The record as read, hashed: the same record imported again changes nothing.
    pub digest: String,
}

impl CustomerImportRecord {
    /// A fast or unsalted digest that is wrapped in argon2id at import.
    pub fn needs_wrapping(&self) -> bool {
        matches!(&self.password, Some(Imported::Legacy(hash)) if hash.is_fast())
    }

    pub fn legacy_hash(&self) -> Option<&LegacyHash> {
        match &self.password {
            Some(Imported::Legacy(hash)) => Some(hash),
            _ => None,
        }
    }
}

/// What the record's fields were, before checking.
#[derive(Debug, Default, Serialize)]
struct Fields {
    external_id: Option<String>,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    accepts_marketing: Option<bool>,
    tags: Vec<String>,
    note: Option<String>,
    addresses: Vec<RestAddress>,
    /// What identifies the password hash (its text, or the object's JSON), for the digest.
    password: Option<String>,
}

/// Shopify's REST address object (the fields an address book keeps).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct RestAddress {
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    company: Option<String>,
    #[serde(default)]
    address1: Option<String>,
    #[serde(default)]
    address2: Option<String>,
    #[serde(default)]
    city: Option<String>,
    #[serde(default)]
    province: Option<String>,
    #[serde(default)]
    province_code: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    country_code: Option<String>,
    #[serde(default)]
    zip: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default, rename = "default")]
    is_default: Option<bool>,
}

impl RestAddress {
    fn is_empty(&self) -> bool {
        [
            &self.company,
            &self.address1,
            &self.address2,
            &self.city,
            &self.province,
            &self.province_code,
            &self.country,
            &self.country_code,
            &self.zip,
            &self.phone,
        ]
        .iter()
        .all(|v| v.as_deref().is_none_or(|v| v.trim().is_empty()))
    }
}

fn reason(problem: &Problem) -> String {
    match problem.field {
        Some(field) => format!("{field}: {}", problem.message),
        None => problem.message.clone(),
    }
}

fn blank_to_none(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// Phones and zips in a spreadsheet export may start with `'`, which keeps a spreadsheet from
/// reading them as numbers.
fn strip_guard(value: &str) -> &str {
    let value = value.trim();
    value.strip_prefix('\'').unwrap_or(value)
}

impl Fields {
    fn check(self, password: Option<Imported>) -> Result<CustomerImportRecord, String> {
        let digest = hex::encode(Sha256::digest(
            serde_json::to_vec(&self).map_err(|e| e.to_string())?,
        ));
        let external_id = blank_to_none(self.external_id).map(|id| id.trim().to_owned());
        if external_id
            .as_deref()
            .is_some_and(|id| id.chars().count() > MAX_EXTERNAL_ID)
        {
            return Err(format!(
                "id: is too long (maximum is {MAX_EXTERNAL_ID} characters)"
            ));
        }
        let email = match self.email.as_deref().map(str::trim) {
            None | Some("") => {
                return Err("email: is missing; a customer signs in with it".to_owned());
            }
            Some(email) => Email::parse(email).map_err(|p| reason(&p))?,
        };
        let first_name = match &self.first_name {
            Some(name) => parse_name(name, NameKind::First).map_err(|p| reason(&p))?,
            None => None,
        };
        let last_name = match &self.last_name {
            Some(name) => parse_name(name, NameKind::Last).map_err(|p| reason(&p))?,
            None => None,
        };
        let phone = match &self.phone {
            Some(phone) => parse_phone(strip_guard(phone)).map_err(|p| reason(&p))?,
            None => None,
        };
        let tags = parse_tags(&self.tags, "tags")
            .and_then(|tags| within_limit(tags, "tags"))
            .map_err(|p| reason(&p))?;
        let note = parse_note(self.note).map_err(|p| reason(&p))?;
        if self.addresses.len() > MAX_ADDRESSES {
            return Err(format!("addresses: more than {MAX_ADDRESSES} addresses"));
        }
        let default = self
            .addresses
            .iter()
            .position(|a| a.is_default == Some(true))
            .unwrap_or(0);
        let mut addresses = Vec::with_capacity(self.addresses.len());
        for (index, address) in self.addresses.into_iter().enumerate() {
            if address.is_empty() {
                continue;
            }
            let base = AddressFields {
                first_name: blank_to_none(address.first_name.clone()).or(first_name.clone()),
                last_name: blank_to_none(address.last_name.clone()).or(last_name.clone()),
                ..AddressFields::default()
            };
            let draft = AddressDraft {
                first_name: None,
                last_name: None,
                company: address.company,
                address1: address.address1,
                address2: address.address2,
                city: address.city,
                province: address
                    .province_code
                    .filter(|c| !c.trim().is_empty())
                    .or(address.province),
                country: address
                    .country_code
                    .filter(|c| !c.trim().is_empty())
                    .or(address.country),
                zip: address.zip.as_deref().map(|z| strip_guard(z).to_owned()),
                phone: address.phone.as_deref().map(|p| strip_guard(p).to_owned()),
            };
            let fields = apply(&draft, &base).map_err(|problems| {
                let reasons: Vec<String> = problems.iter().map(reason).collect();
                format!("address {}: {}", index + 1, reasons.join("; "))
            })?;
            if index == default {
                addresses.insert(0, fields);
            } else {
                addresses.push(fields);
            }
        }
        Ok(CustomerImportRecord {
            external_id,
            email,
            first_name,
            last_name,
            phone,
            accepts_marketing: self.accepts_marketing.unwrap_or(false),
            tags,
            note,
            addresses,
            password,
            digest,
        })
    }
}

/// What a JSONL file says beside its customers: Firebase's scrypt parameters, on a line of
/// their own (`{"firebase_scrypt": {...}}`, Firebase's `hash_config` names), apply to the rows
/// after it.
#[derive(Default)]
pub struct JsonlContext {
    firebase: Option<FirebaseParams>,
    /// How the parameters read, for the digest of the rows they apply to.
    firebase_text: Option<String>,
}

/// One JSONL line: a customer, or a line that sets the file's context.
pub enum JsonlLine {
    Customer(Box<CustomerImportRecord>),
    Context,
    Blank,
}

#[derive(Deserialize)]
struct JsonlRow {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    email: Option<String>,
    // Auth0's export names: one of its lines imports as it is.
    #[serde(default, alias = "given_name")]
    first_name: Option<String>,
    #[serde(default, alias = "family_name")]
    last_name: Option<String>,
    #[serde(default, alias = "phone_number")]
    phone: Option<String>,
    #[serde(default)]
    accepts_marketing: Option<bool>,
    #[serde(default)]
    tags: Option<Tags>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    addresses: Vec<RestAddress>,
    #[serde(default)]
    password_hash: Option<String>,
    /// Firebase's per-user salt, beside its `password_hash`.
    #[serde(default)]
    salt: Option<String>,
    #[serde(default)]
    custom_password_hash: Option<serde_json::Value>,
    #[serde(default)]
    firebase_scrypt: Option<serde_json::Value>,
}

/// Tags as an array (the contract) or as Shopify's REST comma-separated string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Tags {
    List(Vec<String>),
    Text(String),
}

impl JsonlContext {
    /// Parses one line of a JSONL file. `Err` is the reason the line is refused.
    pub fn parse_line(&mut self, line: &str) -> Result<JsonlLine, String> {
        if line.trim().is_empty() {
            return Ok(JsonlLine::Blank);
        }
        let row: JsonlRow = serde_json::from_str(line).map_err(|e| {
            // serde's message may quote a value: only its category and column are kept.
            format!(
                "not a valid customer object ({:?} error at column {})",
                e.classify(),
                e.column()
            )
        })?;
        if let Some(params) = row.firebase_scrypt {
            let parsed: FirebaseParams = serde_json::from_value(params.clone())
                .map_err(|_| "firebase_scrypt: expects base64_signer_key, base64_salt_separator, rounds and mem_cost".to_owned())?;
            self.firebase = Some(parsed);
            self.firebase_text = Some(params.to_string());
            return Ok(JsonlLine::Context);
        }
        let (password, password_text) = self.password(&row)?;
        let fields = Fields {
            external_id: match row.id {
                None | Some(serde_json::Value::Null) => None,
                Some(serde_json::Value::String(id)) => Some(id),
                Some(serde_json::Value::Number(id)) => Some(id.to_string()),
                Some(_) => return Err("id: must be a string or a number".to_owned()),
            },
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            phone: row.phone,
            accepts_marketing: row.accepts_marketing,
            tags: match row.tags {
                None => Vec::new(),
                Some(Tags::List(tags)) => tags,
                Some(Tags::Text(text)) => vec![text],
            },
            note: row.note,
            addresses: row.addresses,
            password: password_text,
        };
        fields
            .check(password)
            .map(|record| JsonlLine::Customer(Box::new(record)))
    }

    fn password(&self, row: &JsonlRow) -> Result<(Option<Imported>, Option<String>), String> {
        match (&row.password_hash, &row.custom_password_hash) {
            (Some(_), Some(_)) => {
                Err("password_hash and custom_password_hash: give one, not both".to_owned())
            }
            (None, None) => Ok((None, None)),
            (None, Some(object)) => {
                let imported =
                    auth0::parse(object).map_err(|e| format!("custom_password_hash: {e}"))?;
                Ok((Some(imported), Some(object.to_string())))
            }
            (Some(hash), None) if hash.trim().is_empty() => Ok((None, None)),
            (Some(hash), None) => match (&row.salt, &self.firebase) {
                (Some(salt), Some(params)) => {
                    let firebase = FirebaseHash::new(params, hash, salt)
                        .map_err(|e| format!("password_hash: {e}"))?;
                    let text = format!(
                        "{hash}${salt}${}",
                        self.firebase_text.as_deref().unwrap_or_default()
                    );
                    Ok((
                        Some(Imported::Legacy(LegacyHash::Firebase(firebase))),
                        Some(text),
                    ))
                }
                (Some(_), None) => Err(
                    "salt: a salt beside password_hash is Firebase's: the file sets no firebase_scrypt parameters before this line"
                        .to_owned(),
                ),
                (None, _) => {
                    let imported =
                        native::parse(hash.trim()).map_err(|e| format!("password_hash: {e}"))?;
                    Ok((Some(imported), Some(hash.trim().to_owned())))
                }
            },
        }
    }
}

/// The columns of Shopify's customer CSV export this import reads, found by header name.
/// `Total Spent`, `Total Orders`, `Tax Exempt` and the SMS/WhatsApp consent columns are not
/// read: Shopify computes the first two, and there is nowhere to keep the others.
pub struct ShopifyCsvColumns {
    customer_id: Option<usize>,
    first_name: Option<usize>,
    last_name: Option<usize>,
    email: usize,
    accepts_email_marketing: Option<usize>,
    company: Option<usize>,
    address1: Option<usize>,
    address2: Option<usize>,
    city: Option<usize>,
    province_code: Option<usize>,
    country_code: Option<usize>,
    zip: Option<usize>,
    address_phone: Option<usize>,
    phone: Option<usize>,
    note: Option<usize>,
    tags: Option<usize>,
}

impl ShopifyCsvColumns {
    /// Finds the columns in the header row; `Err` when it is not a customer export.
    pub fn from_header<'a>(header: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let names: Vec<String> = header
            .into_iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
            .collect();
        let find = |name: &str| names.iter().position(|n| n == name);
        let email = find("email").ok_or_else(|| {
            "not Shopify's customer CSV export: the header has no `Email` column".to_owned()
        })?;
        Ok(Self {
            customer_id: find("customer id"),
            first_name: find("first name"),
            last_name: find("last name"),
            email,
            accepts_email_marketing: find("accepts email marketing")
                .or_else(|| find("accepts marketing")),
            company: find("default address company").or_else(|| find("company")),
            address1: find("default address address1").or_else(|| find("address1")),
            address2: find("default address address2").or_else(|| find("address2")),
            city: find("default address city").or_else(|| find("city")),
            province_code: find("default address province code").or_else(|| find("province code")),
            country_code: find("default address country code").or_else(|| find("country code")),
            zip: find("default address zip").or_else(|| find("zip")),
            address_phone: find("default address phone"),
            phone: find("phone"),
            note: find("note"),
            tags: find("tags"),
        })
    }

    /// One row of the export, by column index.
    pub fn parse_row<'a>(
        &self,
        cell: impl Fn(usize) -> Option<&'a str>,
    ) -> Result<CustomerImportRecord, String> {
        let get = |column: Option<usize>| {
            column
                .and_then(&cell)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let accepts_marketing = match get(self.accepts_email_marketing).as_deref() {
            None => None,
            Some(value) => Some(match value.to_lowercase().as_str() {
                "yes" | "true" | "1" => true,
                "no" | "false" | "0" => false,
                _ => return Err("Accepts Email Marketing: expects yes or no".to_owned()),
            }),
        };
        let address = RestAddress {
            company: get(self.company),
            address1: get(self.address1),
            address2: get(self.address2),
            city: get(self.city),
            province_code: get(self.province_code),
            country_code: get(self.country_code),
            zip: get(self.zip),
            phone: get(self.address_phone),
            ..RestAddress::default()
        };
        let fields = Fields {
            // Shopify writes the id as a spreadsheet-guarded number (`'123`).
            external_id: get(self.customer_id).map(|id| strip_guard(&id).to_owned()),
            email: get(Some(self.email)),
            first_name: get(self.first_name),
            last_name: get(self.last_name),
            phone: get(self.phone),
            accepts_marketing,
            tags: get(self.tags).into_iter().collect(),
            note: get(self.note),
            addresses: if address.is_empty() {
                Vec::new()
            } else {
                vec![address]
            },
            password: None,
        };
        fields.check(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,Tags";

    fn csv_row(row: &str) -> Result<CustomerImportRecord, String> {
        let columns =
            ShopifyCsvColumns::from_header(HEADER.split(',')).expect("the export's header");
        let cells: Vec<&str> = row.split(',').collect();
        columns.parse_row(|i| cells.get(i).copied())
    }

    fn jsonl(line: &str) -> Result<CustomerImportRecord, String> {
        match JsonlContext::default().parse_line(line)? {
            JsonlLine::Customer(record) => Ok(*record),
            _ => panic!("not a customer line"),
        }
    }

    #[test]
    fn a_csv_row_maps_shopify_s_columns_and_drops_spreadsheet_guards() {
        let record = csv_row("'123,Ada,Lovelace,Ada@Example.com,yes,,1 Main St,,Ottawa,ON,CA,'K1A 0B1,,'+16135550074,yes,99.00,4,a note,no,vip")
            .expect("imported");
        assert_eq!(record.external_id.as_deref(), Some("123"));
        assert_eq!(record.email.key(), "ada@example.com");
        assert_eq!(record.phone.as_deref(), Some("+16135550074"));
        assert!(record.accepts_marketing);
        assert_eq!(record.tags, ["vip"]);
        assert_eq!(record.note.as_deref(), Some("a note"));
        let address = &record.addresses[0];
        assert_eq!(address.zip.as_deref(), Some("K1A 0B1"));
        assert_eq!(address.province_code.as_deref(), Some("ON"));
        assert_eq!(address.country.as_deref(), Some("Canada"));
        assert_eq!(address.first_name.as_deref(), Some("Ada"));
        assert!(record.password.is_none());
    }

    #[test]
    fn a_header_without_email_is_not_a_customer_export() {
        assert!(ShopifyCsvColumns::from_header(["Name", "Total"]).is_err());
        // A byte-order mark and other case still find the column.
        assert!(ShopifyCsvColumns::from_header(["\u{feff}EMAIL"]).is_ok());
    }

    #[test]
    fn refusals_name_the_field_but_never_the_value() {
        let bad_email =
            csv_row("1,Ada,L,secret-value-not-an-email,no,,,,,,,,,,,,,,,").expect_err("refused");
        assert_eq!(bad_email, "email: Email is invalid");
        let bad_bool =
            csv_row("1,Ada,L,ada@example.com,perhaps,,,,,,,,,,,,,,,").expect_err("refused");
        assert!(!bad_bool.contains("perhaps"), "{bad_bool}");
        let missing = csv_row("1,Ada,L,,no,,,,,,,,,,,,,,,").expect_err("refused");
        assert!(missing.starts_with("email: is missing"), "{missing}");
        let malformed = jsonl(r#"{"email": "x@example.com", "tags": 5, "secret": "s3cr3t"}"#)
            .expect_err("refused");
        assert!(
            !malformed.contains("s3cr3t") && !malformed.contains('5'),
            "{malformed}"
        );
        let hash = jsonl(r#"{"email": "x@example.com", "password_hash": "zz-top-secret-hash"}"#)
            .expect_err("refused");
        assert!(hash.starts_with("password_hash: "), "{hash}");
        assert!(!hash.contains("top-secret"), "{hash}");
    }

    #[test]
    fn jsonl_takes_tags_as_an_array_or_a_string_and_numeric_ids() {
        let record = jsonl(r#"{"id": 42, "email": "a@example.com", "tags": ["a", "b, c"], "accepts_marketing": true}"#).expect("imported");
        assert_eq!(record.external_id.as_deref(), Some("42"));
        assert_eq!(record.tags, ["a", "b", "c"]);
        assert!(record.accepts_marketing);
        let record = jsonl(r#"{"email": "a@example.com", "tags": "x, y"}"#).expect("imported");
        assert_eq!(record.tags, ["x", "y"]);
    }

    #[test]
    fn the_default_address_comes_first() {
        let record = jsonl(r#"{"email": "a@example.com", "addresses": [
            {"address1": "1 First St", "city": "Ottawa", "country": "Canada", "province": "Ontario"},
            {"address1": "2 Second St", "city": "Paris", "country_code": "FR", "zip": "75001", "default": true}]}"#)
        .expect("imported");
        assert_eq!(record.addresses.len(), 2);
        assert_eq!(record.addresses[0].city.as_deref(), Some("Paris"));
        assert_eq!(record.addresses[1].province_code.as_deref(), Some("ON"));
    }

    #[test]
    fn the_digest_changes_with_the_record_and_only_with_it() {
        let a = jsonl(r#"{"email": "a@example.com", "first_name": "Ada"}"#).expect("imported");
        let same = jsonl(r#"{"first_name": "Ada", "email": "a@example.com"}"#).expect("imported");
        let other = jsonl(r#"{"email": "a@example.com", "first_name": "Ida"}"#).expect("imported");
        assert_eq!(a.digest, same.digest, "key order does not matter");
        assert_ne!(a.digest, other.digest);
    }

    #[test]
    fn one_password_field_at_a_time_and_a_firebase_salt_needs_the_file_s_parameters() {
        let both = jsonl(r#"{"email": "a@example.com", "password_hash": "$2b$04$abc", "custom_password_hash": {"algorithm": "md5"}}"#)
            .expect_err("refused");
        assert!(both.contains("give one, not both"), "{both}");
        let salted =
            jsonl(r#"{"email": "a@example.com", "password_hash": "aGFzaA==", "salt": "c2FsdA=="}"#)
                .expect_err("refused");
        assert!(salted.contains("firebase_scrypt"), "{salted}");
        let mut context = JsonlContext::default();
        let directive = context
            .parse_line(r#"{"firebase_scrypt": {"rounds": 8}}"#)
            .err()
            .expect("incomplete parameters are refused");
        assert!(
            directive.starts_with("firebase_scrypt: expects"),
            "{directive}"
        );
    }
}
