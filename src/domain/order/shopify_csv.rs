//! Shopify's orders CSV export, turned into the canonical import format (REST Order JSON), row
//! by row, so that an export of any size converts in the memory of one order.
//!
//! The export has one row per line item. Rows of one order are consecutive and share its `Name`;
//! order-level columns are filled on the order's first row (a later row's value is used only
//! when the first row left the column empty). Unknown columns are ignored; `Name` and `Id` are
//! required, `Id` because a re-run must find the orders it imported before.
//!
//! What the export does not carry is left out rather than invented: no `updated_at`, no token or
//! status URL, no variant or product ids, no discount applications (only the code and amount).
//! Line items have no ids in the export; they get ids derived from the order's
//! ([`line_item_id`]), the same on every import of the same export.
//!
//! Refusal reasons name columns, never values: they are printed where values may be personal.

use std::collections::HashMap;

use serde_json::{Map, Value};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

use super::{MAX_LINE_ITEMS, OrderError};

/// Derived line-item ids are `order id × LINE_ITEM_ID_FACTOR + position` (position from 1), so
/// they are unique across orders too, and far from the range of Shopify's own line-item ids.
/// Fixed, not [`MAX_LINE_ITEMS`]: the ids must not change when that limit does.
pub const LINE_ITEM_ID_FACTOR: u64 = 10_000;

// A longer order would reuse the next order's ids.
const _: () = assert!(MAX_LINE_ITEMS as u64 <= LINE_ITEM_ID_FACTOR);

/// The id of the order's line item at `index` (its row within the order, from 0); `None` when
/// the order id is too large for the scheme.
pub fn line_item_id(order_id: u64, index: usize) -> Option<u64> {
    order_id
        .checked_mul(LINE_ITEM_ID_FACTOR)?
        .checked_add(u64::try_from(index).ok()?.checked_add(1)?)
}

/// The columns read; every other column is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Id,
    Email,
    Phone,
    FinancialStatus,
    FulfillmentStatus,
    Currency,
    Subtotal,
    Shipping,
    Taxes,
    Total,
    DiscountCode,
    DiscountAmount,
    ShippingMethod,
    CreatedAt,
    CancelledAt,
    Notes,
    NoteAttributes,
    Tags,
    BillingName,
    BillingStreet,
    BillingAddress1,
    BillingAddress2,
    BillingCompany,
    BillingCity,
    BillingZip,
    BillingProvince,
    BillingProvinceName,
    BillingCountry,
    BillingPhone,
    ShippingName,
    ShippingStreet,
    ShippingAddress1,
    ShippingAddress2,
    ShippingCompany,
    ShippingCity,
    ShippingZip,
    ShippingProvince,
    ShippingProvinceName,
    ShippingCountry,
    ShippingPhone,
    // Line-item columns: read on every row.
    LineitemQuantity,
    LineitemName,
    LineitemPrice,
    LineitemSku,
    LineitemFulfillmentStatus,
    LineitemDiscount,
    Vendor,
}

/// The headers, as Shopify writes them.
const COLUMNS: &[(Col, &str)] = &[
    (Col::Name, "Name"),
    (Col::Id, "Id"),
    (Col::Email, "Email"),
    (Col::Phone, "Phone"),
    (Col::FinancialStatus, "Financial Status"),
    (Col::FulfillmentStatus, "Fulfillment Status"),
    (Col::Currency, "Currency"),
    (Col::Subtotal, "Subtotal"),
    (Col::Shipping, "Shipping"),
    (Col::Taxes, "Taxes"),
    (Col::Total, "Total"),
    (Col::DiscountCode, "Discount Code"),
    (Col::DiscountAmount, "Discount Amount"),
    (Col::ShippingMethod, "Shipping Method"),
    (Col::CreatedAt, "Created at"),
    (Col::CancelledAt, "Cancelled at"),
    (Col::Notes, "Notes"),
    (Col::NoteAttributes, "Note Attributes"),
    (Col::Tags, "Tags"),
    (Col::BillingName, "Billing Name"),
    (Col::BillingStreet, "Billing Street"),
    (Col::BillingAddress1, "Billing Address1"),
    (Col::BillingAddress2, "Billing Address2"),
    (Col::BillingCompany, "Billing Company"),
    (Col::BillingCity, "Billing City"),
    (Col::BillingZip, "Billing Zip"),
    (Col::BillingProvince, "Billing Province"),
    (Col::BillingProvinceName, "Billing Province Name"),
    (Col::BillingCountry, "Billing Country"),
    (Col::BillingPhone, "Billing Phone"),
    (Col::ShippingName, "Shipping Name"),
    (Col::ShippingStreet, "Shipping Street"),
    (Col::ShippingAddress1, "Shipping Address1"),
    (Col::ShippingAddress2, "Shipping Address2"),
    (Col::ShippingCompany, "Shipping Company"),
    (Col::ShippingCity, "Shipping City"),
    (Col::ShippingZip, "Shipping Zip"),
    (Col::ShippingProvince, "Shipping Province"),
    (Col::ShippingProvinceName, "Shipping Province Name"),
    (Col::ShippingCountry, "Shipping Country"),
    (Col::ShippingPhone, "Shipping Phone"),
    (Col::LineitemQuantity, "Lineitem quantity"),
    (Col::LineitemName, "Lineitem name"),
    (Col::LineitemPrice, "Lineitem price"),
    (Col::LineitemSku, "Lineitem sku"),
    (
        Col::LineitemFulfillmentStatus,
        "Lineitem fulfillment status",
    ),
    (Col::LineitemDiscount, "Lineitem discount"),
    (Col::Vendor, "Vendor"),
];

const COLUMN_COUNT: usize = Col::Vendor as usize + 1;

fn header(col: Col) -> &'static str {
    COLUMNS
        .iter()
        .find(|(c, _)| *c == col)
        .map_or("?", |(_, name)| name)
}

fn is_line_item_column(col: Col) -> bool {
    matches!(
        col,
        Col::LineitemQuantity
            | Col::LineitemName
            | Col::LineitemPrice
            | Col::LineitemSku
            | Col::LineitemFulfillmentStatus
            | Col::LineitemDiscount
            | Col::Vendor
    )
}

/// The export cannot be read as Shopify's orders export at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error(
        "the header has no `{0}` column: the file is not a Shopify orders export, or not comma-separated"
    )]
    MissingColumn(&'static str),
}

/// One order of the export: where its rows start and the order as REST Order JSON, or why it
/// was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    /// The line its first row starts on.
    pub line: u64,
    /// Its `Name` (`#1001`), when the rows have one: order names are not personal data, and
    /// name the order in a report better than a line does.
    pub name: Option<String>,
    pub order: Result<Value, String>,
    /// The line of each line item's row, to place a refusal of the JSON in the export.
    item_lines: Vec<u64>,
}

impl Converted {
    /// Why [`super::parse_order`] refused the converted order, in the export's terms: the
    /// column the field came from and, for a line item, the line of its row.
    pub fn explain(&self, error: &OrderError) -> String {
        let field = match error {
            OrderError::Missing { field } | OrderError::Invalid { field, .. } => field.as_str(),
            OrderError::TooManyItems { field, .. } => field,
            _ => return error.to_string(),
        };
        match self.locate(field) {
            Some(place) => format!("{error} ({place})"),
            None => error.to_string(),
        }
    }

    fn locate(&self, field: &str) -> Option<String> {
        if let Some(rest) = field.strip_prefix("line_items[") {
            let (index, rest) = rest.split_once(']')?;
            let index: usize = index.parse().ok()?;
            let line = self.item_lines.get(index)?;
            let col = match rest.strip_prefix('.')? {
                "title" => Col::LineitemName,
                "quantity" => Col::LineitemQuantity,
                "price" => Col::LineitemPrice,
                "total_discount" => Col::LineitemDiscount,
                _ => return Some(format!("the row on line {line}")),
            };
            return Some(format!("column `{}` on line {line}", header(col)));
        }
        let col = match field {
            "id" => Col::Id,
            "name" | "order_number" => Col::Name,
            "email" => Col::Email,
            "created_at" => Col::CreatedAt,
            "cancelled_at" => Col::CancelledAt,
            "financial_status" => Col::FinancialStatus,
            "fulfillment_status" => Col::FulfillmentStatus,
            "currency" => Col::Currency,
            "total_price" => Col::Total,
            "subtotal_price" => Col::Subtotal,
            "total_tax" => Col::Taxes,
            "total_discounts" | "discount_codes[0].amount" => Col::DiscountAmount,
            "discount_codes[0].code" => Col::DiscountCode,
            "shipping_lines[0].price" | "total_shipping_price_set.shop_money.amount" => {
                Col::Shipping
            }
            "note_attributes" => Col::NoteAttributes,
            _ if field.starts_with("note_attributes[") => Col::NoteAttributes,
            _ => return None,
        };
        Some(format!("column `{}`", header(col)))
    }
}

/// Converts the export's rows, given one by one, into orders.
pub struct Converter {
    /// Each column's position in the header.
    index: [Option<usize>; COLUMN_COUNT],
    current: Option<Group>,
    /// The first line of every order already converted, by `Name`, to tell an order whose rows
    /// are split from a new one.
    seen: HashMap<Vec<u8>, u64>,
}

struct Group {
    name: Vec<u8>,
    line: u64,
    /// Order-level values: the first non-empty one of each column.
    fields: [Option<String>; COLUMN_COUNT],
    items: Vec<Item>,
    /// Set once the order is refused; its remaining rows are only skipped.
    refusal: Option<String>,
}

struct Item {
    line: u64,
    values: [Option<String>; 7],
}

const ITEM_COLUMNS: [Col; 7] = [
    Col::LineitemQuantity,
    Col::LineitemName,
    Col::LineitemPrice,
    Col::LineitemSku,
    Col::LineitemFulfillmentStatus,
    Col::LineitemDiscount,
    Col::Vendor,
];

impl Converter {
    /// Reads the header row. The byte-order mark a spreadsheet may write is ignored.
    pub fn new(header_row: &csv::ByteRecord) -> Result<Self, HeaderError> {
        let mut index = [None; COLUMN_COUNT];
        for (position, raw) in header_row.iter().enumerate() {
            let raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
            let Ok(name) = std::str::from_utf8(raw) else {
                continue;
            };
            let name = name.trim();
            if let Some((col, _)) = COLUMNS
                .iter()
                .find(|(_, header)| header.eq_ignore_ascii_case(name))
            {
                // The first of duplicated headers wins, as a spreadsheet shows it.
                index[*col as usize].get_or_insert(position);
            }
        }
        for required in [Col::Name, Col::Id] {
            if index[required as usize].is_none() {
                return Err(HeaderError::MissingColumn(header(required)));
            }
        }
        Ok(Self {
            index,
            current: None,
            seen: HashMap::new(),
        })
    }

    /// Takes the next row, which starts on `line`; returns the previous order once this row
    /// starts another.
    pub fn push(&mut self, line: u64, row: &csv::ByteRecord) -> Option<Converted> {
        let name = self.raw(row, Col::Name).unwrap_or_default().to_vec();
        let finished = match &self.current {
            Some(group) if group.name == name => None,
            _ => self.take(),
        };
        let group = self.current.get_or_insert_with(|| {
            let mut group = Group {
                name: name.clone(),
                line,
                fields: std::array::from_fn(|_| None),
                items: Vec::new(),
                refusal: None,
            };
            if name.is_empty() {
                group.refusal = Some("the row has no `Name`".to_owned());
            } else if let Some(first) = self.seen.get(&name) {
                group.refusal = Some(format!(
                    "rows of order {} are not together: its rows from line {first} were imported \
                     alone (Shopify's export keeps an order's rows together)",
                    String::from_utf8_lossy(&name)
                ));
            }
            group
        });
        if group.refusal.is_some() {
            return finished;
        }
        if let Err(refusal) = Self::add_row(&self.index, group, line, row) {
            group.refusal = Some(refusal);
            group.items = Vec::new();
        }
        finished
    }

    /// The last order, once every row was given.
    pub fn finish(mut self) -> Option<Converted> {
        self.take()
    }

    fn raw<'r>(&self, row: &'r csv::ByteRecord, col: Col) -> Option<&'r [u8]> {
        raw(&self.index, row, col)
    }

    fn add_row(
        index: &[Option<usize>; COLUMN_COUNT],
        group: &mut Group,
        line: u64,
        row: &csv::ByteRecord,
    ) -> Result<(), String> {
        for (col, _) in COLUMNS {
            if is_line_item_column(*col) || group.fields[*col as usize].is_some() {
                continue;
            }
            group.fields[*col as usize] = value(index, row, *col)?;
        }
        if let (Some(first), Some(this)) =
            (&group.fields[Col::Id as usize], value(index, row, Col::Id)?)
            && *first != this
        {
            return Err(format!(
                "rows of the order carry different `Id`s (line {line})"
            ));
        }
        if group.items.len() >= MAX_LINE_ITEMS {
            return Err(format!(
                "the order has more than {MAX_LINE_ITEMS} rows (line items)"
            ));
        }
        let mut values: [Option<String>; 7] = Default::default();
        for (slot, col) in values.iter_mut().zip(ITEM_COLUMNS) {
            *slot = value(index, row, col)?;
        }
        // A row without any line-item value (an export cut down to order columns) adds none.
        if values.iter().any(Option::is_some) {
            group.items.push(Item { line, values });
        }
        Ok(())
    }

    fn take(&mut self) -> Option<Converted> {
        let group = self.current.take()?;
        if !group.name.is_empty() {
            self.seen.entry(group.name.clone()).or_insert(group.line);
        }
        let name = String::from_utf8(group.name.clone()).ok();
        let item_lines = group.items.iter().map(|item| item.line).collect();
        let order = match group.refusal {
            Some(refusal) => Err(refusal),
            None => order_json(&group),
        };
        Some(Converted {
            line: group.line,
            name,
            order,
            item_lines,
        })
    }
}

fn raw<'r>(
    index: &[Option<usize>; COLUMN_COUNT],
    row: &'r csv::ByteRecord,
    col: Col,
) -> Option<&'r [u8]> {
    index[col as usize].and_then(|i| row.get(i))
}

/// A cell's text: trimmed, without the apostrophe a spreadsheet export puts before values it
/// must not read as numbers or formulas (`'75008`, `'+33 1 40 20 50 50`), and `None` when empty.
fn value(
    index: &[Option<usize>; COLUMN_COUNT],
    row: &csv::ByteRecord,
    col: Col,
) -> Result<Option<String>, String> {
    let Some(raw) = raw(index, row, col) else {
        return Ok(None);
    };
    let text = std::str::from_utf8(raw)
        .map_err(|_| format!("column `{}` is not UTF-8 text", header(col)))?;
    Ok(Some(strip_apostrophe(text.trim()).to_owned()).filter(|t| !t.is_empty()))
}

/// Only before a character a spreadsheet would otherwise interpret, so that a value that merely
/// starts with an apostrophe (`'Tis the season`) keeps it.
fn strip_apostrophe(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest)
            if rest
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || "+-=@".contains(c)) =>
        {
            rest
        }
        _ => text,
    }
}

/// `2026-11-30 10:00:00 -0500`, as the export writes dates.
const EXPORT_DATE: &[BorrowedFormatItem<'static>] = format_description!(
    "[year]-[month]-[day] [hour]:[minute]:[second] [offset_hour sign:mandatory][offset_minute]"
);

/// The export's date as RFC 3339; one already in RFC 3339 is kept.
fn date(text: &str, col: Col) -> Result<String, String> {
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;
    if OffsetDateTime::parse(text, &Rfc3339).is_ok() {
        return Ok(text.to_owned());
    }
    OffsetDateTime::parse(text, EXPORT_DATE)
        .ok()
        .and_then(|date| date.format(&Rfc3339).ok())
        .ok_or_else(|| {
            format!(
                "column `{}` is not a date-time such as 2026-11-30 10:00:00 -0500",
                header(col)
            )
        })
}

/// The order number within `Name`: its last run of digits (`#1001` → 1001, `WEB-2026-#77` →
/// 77), since a custom prefix may hold digits but the number comes after it.
fn order_number(name: &str) -> Result<u64, String> {
    let digits = name
        .rsplit(|c: char| !c.is_ascii_digit())
        .find(|run| !run.is_empty())
        .ok_or("column `Name` has no digits to take the order number from")?;
    digits
        .parse()
        .map_err(|_| "the number in column `Name` is too large".to_owned())
}

/// A status as REST writes it: lower case, words joined by `_` (`Partially Refunded` →
/// `partially_refunded`).
fn rest_status(text: &str) -> String {
    text.trim().to_lowercase().replace([' ', '-'], "_")
}

/// `key: value` lines; a line without a colon is a key without a value.
fn note_attributes(text: &str) -> Vec<Value> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (key, value) = match line.split_once(':') {
                Some((key, value)) => (key.trim(), Some(value.trim())),
                None => (line, None),
            };
            let mut attribute = Map::new();
            attribute.insert("name".into(), key.into());
            attribute.insert("value".into(), value.map_or(Value::Null, Value::from));
            Value::Object(attribute)
        })
        .collect()
}

fn order_json(group: &Group) -> Result<Value, String> {
    let get = |col: Col| group.fields[col as usize].as_deref();
    let name = std::str::from_utf8(&group.name)
        .map_err(|_| "column `Name` is not UTF-8 text".to_owned())?;
    let id: u64 = match get(Col::Id) {
        None => {
            return Err(
                "column `Id` is empty: without the order's id a second import would duplicate it"
                    .to_owned(),
            );
        }
        Some(id) => id
            .parse()
            .ok()
            .filter(|id| *id > 0)
            .ok_or("column `Id` is not a positive whole number")?,
    };

    let mut order = Map::new();
    let mut put = |key: &str, value: Option<&str>| {
        if let Some(value) = value {
            order.insert(key.to_owned(), Value::from(value));
        }
    };
    put("name", Some(name));
    put("email", get(Col::Email));
    put("phone", get(Col::Phone));
    put("currency", get(Col::Currency));
    put("subtotal_price", get(Col::Subtotal));
    put("total_tax", get(Col::Taxes));
    put("total_price", get(Col::Total));
    put("total_discounts", get(Col::DiscountAmount));
    put("note", get(Col::Notes));
    put("tags", get(Col::Tags));
    put(
        "financial_status",
        get(Col::FinancialStatus).map(rest_status).as_deref(),
    );
    let fulfillment =
        get(Col::FulfillmentStatus).map(|status| match rest_status(status).as_str() {
            "pending" | "unfulfilled" => "unfulfilled".to_owned(),
            "partially_fulfilled" => "partial".to_owned(),
            other => other.to_owned(),
        });
    put("fulfillment_status", fulfillment.as_deref());
    for (key, col) in [
        ("created_at", Col::CreatedAt),
        ("cancelled_at", Col::CancelledAt),
    ] {
        if let Some(text) = get(col) {
            put(key, Some(&date(text, col)?));
        }
    }
    order.insert("id".into(), id.into());
    order.insert("order_number".into(), order_number(name)?.into());

    if let Some(shipping) = get(Col::Shipping) {
        let mut money = Map::new();
        money.insert("amount".into(), shipping.into());
        if let Some(currency) = get(Col::Currency) {
            money.insert("currency_code".into(), currency.into());
        }
        let mut set = Map::new();
        set.insert("shop_money".into(), Value::Object(money));
        order.insert("total_shipping_price_set".into(), Value::Object(set));
    }
    if let Some(method) = get(Col::ShippingMethod) {
        let mut line = Map::new();
        line.insert("title".into(), method.into());
        line.insert("code".into(), method.into());
        if let Some(shipping) = get(Col::Shipping) {
            line.insert("price".into(), shipping.into());
        }
        order.insert(
            "shipping_lines".into(),
            Value::Array(vec![Value::Object(line)]),
        );
    }
    if let Some(code) = get(Col::DiscountCode) {
        let mut discount = Map::new();
        discount.insert("code".into(), code.into());
        if let Some(amount) = get(Col::DiscountAmount) {
            discount.insert("amount".into(), amount.into());
        }
        order.insert(
            "discount_codes".into(),
            Value::Array(vec![Value::Object(discount)]),
        );
    }
    if let Some(text) = get(Col::NoteAttributes) {
        order.insert(
            "note_attributes".into(),
            Value::Array(note_attributes(text)),
        );
    }
    for (key, cols) in [("billing_address", BILLING), ("shipping_address", SHIPPING)] {
        if let Some(address) = address(&get, &cols) {
            order.insert(key.into(), address);
        }
    }

    let mut items = Vec::with_capacity(group.items.len());
    for (index, item) in group.items.iter().enumerate() {
        let id = line_item_id(id, index)
            .ok_or("column `Id` is too large to derive line item ids from")?;
        let [quantity, title, price, sku, status, discount, vendor] =
            item.values.each_ref().map(Option::as_deref);
        let mut line = Map::new();
        line.insert("id".into(), id.into());
        let mut put = |key: &str, value: Option<&str>| {
            if let Some(value) = value {
                line.insert(key.to_owned(), Value::from(value));
            }
        };
        put("title", title);
        put("name", title);
        put("quantity", quantity);
        put("price", price);
        put("sku", sku);
        put("total_discount", discount);
        put("vendor", vendor);
        // The export writes `pending` for a line not yet fulfilled, which REST leaves null.
        let status = status
            .map(rest_status)
            .filter(|s| s != "pending" && s != "unfulfilled");
        put("fulfillment_status", status.as_deref());
        items.push(Value::Object(line));
    }
    order.insert("line_items".into(), Value::Array(items));
    Ok(Value::Object(order))
}

/// The address columns of one side: name, street, address1, address2, company, city, zip,
/// province code, province name, country code, phone.
struct AddressColumns([Col; 11]);

const BILLING: AddressColumns = AddressColumns([
    Col::BillingName,
    Col::BillingStreet,
    Col::BillingAddress1,
    Col::BillingAddress2,
    Col::BillingCompany,
    Col::BillingCity,
    Col::BillingZip,
    Col::BillingProvince,
    Col::BillingProvinceName,
    Col::BillingCountry,
    Col::BillingPhone,
]);

const SHIPPING: AddressColumns = AddressColumns([
    Col::ShippingName,
    Col::ShippingStreet,
    Col::ShippingAddress1,
    Col::ShippingAddress2,
    Col::ShippingCompany,
    Col::ShippingCity,
    Col::ShippingZip,
    Col::ShippingProvince,
    Col::ShippingProvinceName,
    Col::ShippingCountry,
    Col::ShippingPhone,
]);

/// The address, or `None` when all its columns are empty.
fn address<'g>(get: &impl Fn(Col) -> Option<&'g str>, cols: &AddressColumns) -> Option<Value> {
    let [
        name,
        street,
        address1,
        address2,
        company,
        city,
        zip,
        province_code,
        province,
        country_code,
        phone,
    ] = cols.0.map(get);
    let mut address = Map::new();
    let mut put = |key: &str, value: Option<&str>| {
        if let Some(value) = value {
            address.insert(key.to_owned(), Value::from(value));
        }
    };
    // The export has only the full name. Split at the first space, so that first and last name
    // put together give it back (which part a middle name belongs to cannot be known).
    if let Some(name) = name {
        let (first, last) = match name.split_once(' ') {
            Some((first, last)) => (Some(first), Some(last.trim())),
            None => (None, Some(name)),
        };
        put("name", Some(name));
        put("first_name", first);
        put("last_name", last);
    }
    // `Street` is address1 and address2 together: only for exports without the split columns.
    put(
        "address1",
        address1.or(if address2.is_none() { street } else { None }),
    );
    put("address2", address2);
    put("company", company);
    put("city", city);
    put("zip", zip);
    put("province_code", province_code);
    put("province", province.or(province_code));
    put("country_code", country_code);
    put("phone", phone);
    (!address.is_empty()).then_some(Value::Object(address))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const HEADER: &str = "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,\
Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,\
Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,\
Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,\
Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,\
Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,\
Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,\
Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,\
Note Attributes,Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,\
Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,\
Tax 1 Name,Tax 1 Value,Phone,Receipt Number,Duties,Billing Province Name,\
Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References";

    const SAMPLE: &str = include_str!("../../../tests/fixtures/orders/shopify-orders-export.csv");

    /// The orders of an export, the way the command reads one (rows of any length).
    fn convert(text: &str) -> Result<Vec<Converted>, HeaderError> {
        convert_bytes(text.as_bytes())
    }

    fn convert_bytes(bytes: &[u8]) -> Result<Vec<Converted>, HeaderError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut record = csv::ByteRecord::new();
        assert!(reader.read_byte_record(&mut record).expect("csv"));
        let mut converter = Converter::new(&record)?;
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).expect("csv") {
            let line = record.position().expect("a position").line();
            out.extend(converter.push(line, &record));
        }
        out.extend(converter.finish());
        Ok(out)
    }

    /// A row of the full header with the given columns set.
    fn row(values: &[(&str, &str)]) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let cells: Vec<&str> = HEADER
            .split(',')
            .map(|column| {
                values
                    .iter()
                    .find(|(name, _)| *name == column)
                    .map_or("", |(_, value)| *value)
            })
            .collect();
        writer.write_record(cells).expect("write");
        String::from_utf8(writer.into_inner().expect("flush")).expect("utf-8")
    }

    fn export(rows: &[Vec<(&str, &str)>]) -> String {
        let mut text = format!("{HEADER}\n");
        for values in rows {
            text.push_str(&row(values));
        }
        text
    }

    fn order_row<'a>(name: &'a str, id: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("Name", name),
            ("Id", id),
            ("Currency", "EUR"),
            ("Total", "10.00"),
            ("Created at", "2026-11-30 10:00:00 -0500"),
            ("Lineitem quantity", "1"),
            ("Lineitem name", "Mug"),
            ("Lineitem price", "10.00"),
        ]
    }

    fn ok(converted: &Converted) -> &Value {
        converted
            .order
            .as_ref()
            .unwrap_or_else(|reason| panic!("refused: {reason}"))
    }

    #[test]
    fn the_sample_export_converts_to_orders_that_parse() {
        let orders = convert(SAMPLE).expect("the header");
        assert_eq!(orders.len(), 3, "{orders:#?}");
        let names: Vec<_> = orders
            .iter()
            .map(|o| o.name.clone().expect("a name"))
            .collect();
        assert_eq!(names, ["#1001", "#1002", "#1003"]);
        for converted in &orders {
            let bytes = serde_json::to_vec(ok(converted)).expect("json");
            let order = super::super::parse_order(&bytes).expect("parses");
            assert_eq!(Some(order.name.as_str()), converted.name.as_deref());
        }

        // The multi-line-item order: order-level fields from its first row, one line item per row.
        let first = ok(&orders[0]);
        assert_eq!(first["id"], 5_001_001_001_u64);
        assert_eq!(first["order_number"], 1001);
        assert_eq!(first["created_at"], "2026-11-30T10:00:00-05:00");
        assert_eq!(first["financial_status"], "paid");
        assert_eq!(first["fulfillment_status"], "partial");
        assert_eq!(
            first["total_shipping_price_set"]["shop_money"]["amount"],
            "5.00"
        );
        assert_eq!(
            first["discount_codes"],
            json!([{"code": "WELCOME10", "amount": "3.50"}])
        );
        let items = first["line_items"].as_array().expect("line items");
        assert_eq!(items.len(), 3);
        let ids: Vec<u64> = items
            .iter()
            .map(|i| i["id"].as_u64().expect("id"))
            .collect();
        assert_eq!(
            ids,
            [50_010_010_010_001, 50_010_010_010_002, 50_010_010_010_003]
        );
        assert_eq!(items[1]["quantity"], "2");
        assert_eq!(items[0]["fulfillment_status"], "fulfilled");
        assert_eq!(
            items[1].get("fulfillment_status"),
            None,
            "pending is REST's null"
        );
        // The quoted note with a comma and a line break is one value.
        assert_eq!(
            first["note"],
            "Leave it with the concierge, please.\nRing twice."
        );
        assert_eq!(
            first["note_attributes"],
            json!([{"name": "gift_wrap", "value": "yes"}, {"name": "delivery", "value": "mornings, weekdays"}])
        );

        // The apostrophe Shopify writes before a zip code is not part of it.
        let second = ok(&orders[1]);
        assert_eq!(second["shipping_address"]["zip"], "75008");
        assert_eq!(second["shipping_address"]["country_code"], "FR");
        assert_eq!(second["shipping_address"]["first_name"], "Jean");
        assert_eq!(second["shipping_address"]["last_name"], "Dupont");
        assert_eq!(second["fulfillment_status"], "unfulfilled");
        assert_eq!(second["cancelled_at"], "2026-12-02T09:30:00+01:00");
        // The line numbers are the rows' first lines, past the multi-line note.
        assert_eq!(orders[0].line, 2);
        assert!(orders[1].line > 5, "{}", orders[1].line);
    }

    #[test]
    fn name_and_id_columns_are_required_and_unknown_columns_ignored() {
        assert_eq!(
            convert("Email,Id\nx,1\n").err(),
            Some(HeaderError::MissingColumn("Name"))
        );
        assert_eq!(
            convert("\u{feff}Name,Total\n#1,1\n").err(),
            Some(HeaderError::MissingColumn("Id"))
        );
        let orders = convert(
            "\u{feff}Name,Id,Something New,Currency,Total,Created at\n#7,7,whatever,USD,1.00,2026-01-01 00:00:00 +0000\n",
        )
        .expect("converts");
        assert_eq!(ok(&orders[0])["order_number"], 7);
        assert_eq!(ok(&orders[0])["line_items"], json!([]));
    }

    #[test]
    fn an_order_without_id_or_number_or_with_a_bad_date_is_refused_naming_the_column() {
        let mut no_id = order_row("#1", "");
        no_id.retain(|(name, _)| *name != "Id");
        let mut no_digits = order_row("#A", "2");
        no_digits[0] = ("Name", "#ABC");
        let mut bad_date = order_row("#3", "3");
        bad_date[4] = ("Created at", "30/11/2026");
        let orders = convert(&export(&[no_id, no_digits, bad_date])).expect("converts");
        let reasons: Vec<String> = orders
            .iter()
            .map(|o| o.order.clone().expect_err("refused"))
            .collect();
        assert!(reasons[0].contains("`Id` is empty"), "{}", reasons[0]);
        assert!(
            reasons[1].contains("`Name` has no digits"),
            "{}",
            reasons[1]
        );
        assert!(reasons[2].contains("`Created at`"), "{}", reasons[2]);
        assert!(!reasons[2].contains("30/11"), "values are not repeated");
    }

    #[test]
    fn an_order_whose_rows_are_split_is_refused_the_second_time() {
        let orders = convert(&export(&[
            order_row("#1", "1"),
            order_row("#2", "2"),
            order_row("#1", "1"),
        ]))
        .expect("converts");
        assert_eq!(orders.len(), 3);
        assert!(orders[0].order.is_ok() && orders[1].order.is_ok());
        let reason = orders[2].order.clone().expect_err("refused");
        assert!(
            reason.contains("rows of order #1 are not together") && reason.contains("line 2"),
            "{reason}"
        );
        assert_eq!(orders[2].line, 4);
    }

    #[test]
    fn rows_of_one_order_with_different_ids_are_refused() {
        let orders =
            convert(&export(&[order_row("#1", "1"), order_row("#1", "9")])).expect("converts");
        assert_eq!(orders.len(), 1);
        let reason = orders[0].order.clone().expect_err("refused");
        assert!(reason.contains("different `Id`s"), "{reason}");
    }

    #[test]
    fn a_row_without_name_is_refused() {
        let mut nameless = order_row("", "5");
        nameless[0] = ("Name", "");
        let orders = convert(&export(&[nameless])).expect("converts");
        assert_eq!(orders[0].order, Err("the row has no `Name`".to_owned()));
    }

    #[test]
    fn a_value_that_is_not_utf8_refuses_its_order_only() {
        let mut bytes = export(&[order_row("#1", "1")]).into_bytes();
        bytes.extend_from_slice(b"#2,,,,,,,EUR,,,,\xff\n");
        bytes.extend_from_slice(row(&order_row("#3", "3")).as_bytes());
        let orders = convert_bytes(&bytes).expect("converts");
        assert_eq!(orders.len(), 3);
        let reason = orders[1].order.clone().expect_err("refused");
        assert_eq!(reason, "column `Total` is not UTF-8 text");
        assert!(orders[2].order.is_ok());
    }

    #[test]
    fn apostrophes_are_stripped_only_before_what_a_spreadsheet_would_interpret() {
        assert_eq!(strip_apostrophe("'75008"), "75008");
        assert_eq!(strip_apostrophe("'+33 1 40 20 50 50"), "+33 1 40 20 50 50");
        assert_eq!(strip_apostrophe("'Tis the season"), "'Tis the season");
        assert_eq!(strip_apostrophe("'"), "'");
        assert_eq!(strip_apostrophe("75008"), "75008");
    }

    #[test]
    fn order_numbers_are_the_last_digits_of_the_name() {
        assert_eq!(order_number("#1001"), Ok(1001));
        assert_eq!(order_number("WEB-2026-#77-A"), Ok(77));
        assert_eq!(order_number("1002"), Ok(1002));
        assert!(order_number("#ABC").is_err());
        assert!(order_number("#99999999999999999999999").is_err());
    }

    #[test]
    fn dates_become_rfc_3339() {
        assert_eq!(
            date("2026-11-30 10:00:00 -0500", Col::CreatedAt),
            Ok("2026-11-30T10:00:00-05:00".to_owned())
        );
        assert_eq!(
            date("2026-11-30 10:00:00 +0000", Col::CreatedAt),
            Ok("2026-11-30T10:00:00Z".to_owned())
        );
        assert_eq!(
            date("2026-11-30T10:00:00+01:00", Col::CreatedAt),
            Ok("2026-11-30T10:00:00+01:00".to_owned())
        );
        assert!(date("2026-11-30", Col::CreatedAt).is_err());
    }

    #[test]
    fn statuses_are_rest_values() {
        assert_eq!(rest_status("Partially Refunded"), "partially_refunded");
        assert_eq!(rest_status("paid"), "paid");
        let mut pending = order_row("#1", "1");
        pending.push(("Fulfillment Status", "pending"));
        pending.push(("Financial Status", "Partially Paid"));
        let orders = convert(&export(&[pending])).expect("converts");
        assert_eq!(ok(&orders[0])["fulfillment_status"], "unfulfilled");
        assert_eq!(ok(&orders[0])["financial_status"], "partially_paid");
    }

    #[test]
    fn line_item_ids_are_stable_and_unique_across_orders() {
        assert_eq!(line_item_id(7, 0), Some(70_001));
        assert_eq!(line_item_id(7, MAX_LINE_ITEMS - 1), Some(80_000));
        assert_eq!(line_item_id(8, 0), Some(80_001));
        assert_eq!(line_item_id(u64::MAX / 2, 0), None);
    }

    #[test]
    fn too_many_rows_refuse_the_order() {
        let mut text = format!("{HEADER}\n");
        let line = row(&order_row("#1", "1"));
        for _ in 0..=MAX_LINE_ITEMS {
            text.push_str(&line);
        }
        text.push_str(&row(&order_row("#2", "2")));
        let orders = convert(&text).expect("converts");
        assert_eq!(orders.len(), 2);
        let reason = orders[0].order.clone().expect_err("refused");
        assert!(reason.contains("more than 10000 rows"), "{reason}");
        assert!(orders[1].order.is_ok());
    }

    #[test]
    fn a_refusal_of_the_json_is_placed_in_the_export() {
        let mut second = order_row("#1", "1");
        second[5] = ("Lineitem quantity", "lots");
        let orders = convert(&export(&[order_row("#1", "1"), second])).expect("converts");
        let converted = &orders[0];
        let bytes = serde_json::to_vec(ok(converted)).expect("json");
        let error = super::super::parse_order(&bytes).expect_err("refused");
        assert_eq!(
            converted.explain(&error),
            format!("{error} (column `Lineitem quantity` on line 3)")
        );
        let missing = OrderError::Missing {
            field: "total_price".into(),
        };
        assert_eq!(
            converted.explain(&missing),
            "`total_price` is missing (column `Total`)"
        );
    }
}
