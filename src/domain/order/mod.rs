//! An order as the account page's read model keeps it, parsed from Shopify's REST Order JSON (the
//! body of the `orders/create` and `orders/updated` webhooks, and the canonical import format).
//!
//! Orders are stored as sent, never recomputed: totals, taxes and discounts are the shop's numbers.
//! Money is an exact decimal (no floating point), printed the way Shopify's Storefront API prints
//! its `Decimal` scalar. Field names are those of Shopify's REST Order resource; fields the read
//! model does not need are ignored without being allocated.

mod convert;
pub mod listing;
mod money;
mod raw;
pub mod shopify_csv;
mod stored;
#[cfg(test)]
mod tests;

use std::fmt;

use serde::de::{self, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use money::*;
pub use stored::*;

/// The largest order body accepted. Shopify's own orders are a few kB per line item (a line item
/// with tax lines, allocations and `*_set` pairs is about 2 kB), so 5 MiB holds the largest order
/// the line-item limit allows with room to spare, while bounding what one request can make the
/// parser allocate.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

/// The most line items an order may have. Far above what a checkout produces; it bounds the work
/// (and rows) a single imported order can cause.
pub const MAX_LINE_ITEMS: usize = 10_000;

/// The most entries in each of the other top-level lists (discount applications and codes,
/// fulfillments, shipping lines, note attributes).
pub const MAX_OTHER_ITEMS: usize = 1_000;

// ---------------------------------------------------------------------------------------------
// The record
// ---------------------------------------------------------------------------------------------

/// REST `financial_status`, named as Storefront's `OrderFinancialStatus`.
#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq)]
pub enum FinancialStatus {
    Authorized,
    Paid,
    PartiallyPaid,
    PartiallyRefunded,
    Pending,
    Refunded,
    Voided,
}

/// REST `fulfillment_status` (`null`, `partial`, `fulfilled`, `restocked`), named as Storefront's
/// `OrderFulfillmentStatus`. REST `null` means nothing is fulfilled yet: `Unfulfilled`.
#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq)]
pub enum FulfillmentStatus {
    Fulfilled,
    PartiallyFulfilled,
    Restocked,
    Unfulfilled,
}

/// REST `cancel_reason`, named as Storefront's `OrderCancelReason`.
#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq)]
pub enum CancelReason {
    Customer,
    Declined,
    Fraud,
    Inventory,
    Other,
    Staff,
}

/// REST `discount_applications[].type`: which Storefront `DiscountApplication` implementer.
#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq)]
pub enum DiscountApplicationKind {
    Automatic,
    DiscountCode,
    Manual,
    Script,
}

#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq)]
pub enum AllocationMethod {
    Across,
    Each,
    One,
}

#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq)]
pub enum TargetSelection {
    All,
    Entitled,
    Explicit,
}

#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq)]
pub enum TargetType {
    LineItem,
    ShippingLine,
}

/// Storefront's `PricingValue`: REST `value` read according to `value_type`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum PricingValue {
    /// `percentage`: `10.0` means ten percent. Kept exact; the GraphQL `Float` is made at the edge.
    Percentage(Decimal),
    /// `fixed_amount`, in the order's currency.
    FixedAmount(Money),
}

/// REST fulfillment `status`.
#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq)]
pub enum FulfillmentState {
    Pending,
    Open,
    Success,
    Cancelled,
    Error,
    Failure,
}

/// Storefront's `Attribute`: REST `note_attributes[]` and line-item `properties[]` (`name` → `key`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Attribute {
    pub key: String,
    pub value: Option<String>,
}

/// The order's customer as the webhook names it; linking to an account is decided elsewhere.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OrderCustomer {
    pub id: u64,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// A REST order address: the fields Storefront's `MailingAddress` has.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct OrderAddress {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub name: Option<String>,
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
    /// Exact as sent: coordinates are only passed through.
    pub latitude: Option<Decimal>,
    pub longitude: Option<Decimal>,
}

impl OrderAddress {
    /// The address as Storefront's `MailingAddress` shows it (coordinates as floats there).
    pub fn to_fields(&self) -> crate::domain::mailing_address::AddressFields {
        crate::domain::mailing_address::AddressFields {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            company: self.company.clone(),
            address1: self.address1.clone(),
            address2: self.address2.clone(),
            city: self.city.clone(),
            province: self.province.clone(),
            province_code: self.province_code.clone(),
            country: self.country.clone(),
            country_code: self.country_code.clone(),
            zip: self.zip.clone(),
            phone: self.phone.clone(),
            latitude: self.latitude.map(Decimal::to_f64),
            longitude: self.longitude.map(Decimal::to_f64),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DiscountApplication {
    pub kind: DiscountApplicationKind,
    pub value: PricingValue,
    pub allocation_method: AllocationMethod,
    pub target_selection: Option<TargetSelection>,
    pub target_type: TargetType,
    pub code: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
}

/// REST `discount_codes[]`: the codes entered at checkout.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DiscountCode {
    pub code: String,
    pub amount: Option<Money>,
    /// `percentage`, `fixed_amount` or `shipping`, as sent.
    pub kind: Option<String>,
}

/// Part of a discount application's amount given to one line item.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DiscountAllocation {
    pub amount: Money,
    /// Index into [`Order::discount_applications`]; checked to be in range.
    pub discount_application_index: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LineItem {
    pub id: u64,
    pub title: String,
    pub variant_title: Option<String>,
    pub name: Option<String>,
    pub quantity: u32,
    /// Quantity after removals (order edits, refunds); absent in older payloads.
    pub current_quantity: Option<u32>,
    pub fulfillable_quantity: Option<u32>,
    /// Per-line REST status (`fulfilled`, `partial`, `not_eligible` or absent), as sent.
    pub fulfillment_status: Option<String>,
    /// Unit price.
    pub price: Money,
    pub total_discount: Option<Money>,
    pub sku: Option<String>,
    pub vendor: Option<String>,
    pub variant_id: Option<u64>,
    pub product_id: Option<u64>,
    pub discount_allocations: Vec<DiscountAllocation>,
    /// REST `properties`: Storefront's `customAttributes`.
    pub attributes: Vec<Attribute>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ShippingLine {
    pub id: Option<u64>,
    pub title: Option<String>,
    pub code: Option<String>,
    pub price: Option<Money>,
    pub discounted_price: Option<Money>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FulfillmentLineItem {
    /// The order line item's id; checked to be one of the order's.
    pub line_item_id: u64,
    pub quantity: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Fulfillment {
    pub id: u64,
    pub status: Option<FulfillmentState>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub created_at: Option<OffsetDateTime>,
    pub tracking_company: Option<String>,
    /// `tracking_numbers`, or the single `tracking_number` when only that is sent.
    pub tracking_numbers: Vec<String>,
    /// `tracking_urls`, or the single `tracking_url` when only that is sent.
    pub tracking_urls: Vec<String>,
    pub line_items: Vec<FulfillmentLineItem>,
}

/// An order as the read model keeps it. Money totals are in the shop currency ([`Order::currency`]),
/// taken from the plain REST string (`total_price`) or, when only the pair is sent, from its
/// `shop_money` (`total_price_set`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Order {
    pub id: u64,
    pub admin_graphql_api_id: Option<String>,
    /// `#1843`, or a custom name such as `WEB-2026-#77-A`.
    pub name: String,
    pub number: Option<u64>,
    pub order_number: u64,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub customer: Option<OrderCustomer>,
    pub customer_locale: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Falls back to `created_at` when absent: Shopify sets it to the creation time unless the
    /// order was imported with an earlier date, and Storefront's `processedAt` is non-null.
    #[serde(with = "time::serde::rfc3339")]
    pub processed_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub cancelled_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    pub cancel_reason: Option<CancelReason>,
    pub financial_status: Option<FinancialStatus>,
    pub fulfillment_status: FulfillmentStatus,
    pub currency: CurrencyCode,
    pub presentment_currency: Option<CurrencyCode>,
    pub total_price: Money,
    pub subtotal_price: Option<Money>,
    pub total_tax: Option<Money>,
    pub total_discounts: Option<Money>,
    pub total_line_items_price: Option<Money>,
    /// `total_shipping_price_set.shop_money`, or the sum of the shipping lines' prices.
    pub total_shipping_price: Option<Money>,
    pub current_total_price: Option<Money>,
    pub current_subtotal_price: Option<Money>,
    pub current_total_tax: Option<Money>,
    pub current_total_discounts: Option<Money>,
    pub current_total_duties: Option<Money>,
    pub original_total_duties: Option<Money>,
    pub line_items: Vec<LineItem>,
    pub shipping_lines: Vec<ShippingLine>,
    pub discount_applications: Vec<DiscountApplication>,
    pub discount_codes: Vec<DiscountCode>,
    pub shipping_address: Option<OrderAddress>,
    pub billing_address: Option<OrderAddress>,
    pub fulfillments: Vec<Fulfillment>,
    pub order_status_url: Option<String>,
    pub token: Option<String>,
    pub note: Option<String>,
    pub note_attributes: Vec<Attribute>,
    pub tags: Option<String>,
    pub test: bool,
}

/// Why an order body was refused. `field` is a path into the JSON (`line_items[1].price`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    #[error("the order body is {size} bytes, over the limit of {max} bytes")]
    TooLarge { size: usize, max: usize },
    #[error("`{field}` has {count} entries, over the limit of {max}")]
    TooManyItems {
        field: &'static str,
        count: usize,
        max: usize,
    },
    /// Not JSON, not an object, or a value of the wrong JSON type (an object where a list
    /// belongs); the position points at the offending value.
    #[error("the order is not valid Shopify order JSON at line {line}, column {column}: {message}")]
    Malformed {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("`{field}` is missing")]
    Missing { field: String },
    #[error("`{field}` is invalid: {reason}")]
    Invalid { field: String, reason: String },
}

impl OrderError {
    fn malformed(error: &serde_json::Error) -> Self {
        // serde_json's message ends with the position, which has its own fields here.
        let text = error.to_string();
        let message = match text.rfind(" at line ") {
            Some(end) => text[..end].to_owned(),
            None => text,
        };
        OrderError::Malformed {
            line: error.line(),
            column: error.column(),
            message,
        }
    }

    fn invalid(field: impl Into<String>, reason: impl fmt::Display) -> Self {
        OrderError::Invalid {
            field: field.into(),
            reason: reason.to_string(),
        }
    }
}

/// Parses one order in Shopify's REST Order JSON (the webhook body, not the `{"order": …}`
/// envelope of the REST API's responses).
pub fn parse_order(body: &[u8]) -> Result<Order, OrderError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(OrderError::TooLarge {
            size: body.len(),
            max: MAX_BODY_BYTES,
        });
    }
    // A first pass only counts the lists, allocating nothing for their entries, so an order with
    // a million line items is refused before a million line items are built.
    let counts: raw::ListCounts =
        serde_json::from_slice(body).map_err(|e| OrderError::malformed(&e))?;
    counts.check()?;
    let order: raw::Order = serde_json::from_slice(body).map_err(|e| OrderError::malformed(&e))?;
    convert::order(order)
}

// ---------------------------------------------------------------------------------------------
