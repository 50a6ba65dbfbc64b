//! Serde mirrors of the REST resource. Every field is optional and every scalar is read as
//! text ([`Scalar`]), so that a missing or mistyped field is reported by name when converted,
//! not as a bare serde position.

use super::*;

/// Any JSON scalar, kept as its text: Shopify sends money as strings but some producers send
/// numbers (`"total_tax"` is typed `string | number` in Shopify's own client), and ids as
/// numbers but JavaScript producers may send strings.
#[derive(Debug, Clone)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl Visitor<'_> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            // JSON numbers with a fraction arrive as f64. Rust prints the shortest text that
            // reads back to the same f64, which is the sent literal for every amount of up to
            // 15 significant digits ("9.65" stays "9.65"); longer ones should be strings.
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// Counts a list's entries without keeping them.
#[derive(Default)]
pub struct Count(pub usize);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CountVisitor;
        impl<'de> Visitor<'de> for CountVisitor {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Count, E> {
                Ok(Count(0))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Count, A::Error> {
                let mut count = 0usize;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    count += 1;
                }
                Ok(Count(count))
            }
        }
        deserializer.deserialize_any(CountVisitor)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListCounts {
    line_items: Count,
    discount_applications: Count,
    discount_codes: Count,
    fulfillments: Count,
    shipping_lines: Count,
    note_attributes: Count,
}

impl ListCounts {
    pub fn check(&self) -> Result<(), OrderError> {
        let lists = [
            ("line_items", &self.line_items, MAX_LINE_ITEMS),
            (
                "discount_applications",
                &self.discount_applications,
                MAX_OTHER_ITEMS,
            ),
            ("discount_codes", &self.discount_codes, MAX_OTHER_ITEMS),
            ("fulfillments", &self.fulfillments, MAX_OTHER_ITEMS),
            ("shipping_lines", &self.shipping_lines, MAX_OTHER_ITEMS),
            ("note_attributes", &self.note_attributes, MAX_OTHER_ITEMS),
        ];
        for (field, count, max) in lists {
            if count.0 > max {
                return Err(OrderError::TooManyItems {
                    field,
                    count: count.0,
                    max,
                });
            }
        }
        Ok(())
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MoneyAmount {
    pub amount: Option<Scalar>,
    pub currency_code: Option<Scalar>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MoneySet {
    pub shop_money: Option<MoneyAmount>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Order {
    pub id: Option<Scalar>,
    pub admin_graphql_api_id: Option<Scalar>,
    pub name: Option<Scalar>,
    pub number: Option<Scalar>,
    pub order_number: Option<Scalar>,
    pub email: Option<Scalar>,
    pub phone: Option<Scalar>,
    pub customer: Option<Customer>,
    pub customer_locale: Option<Scalar>,
    pub created_at: Option<Scalar>,
    pub processed_at: Option<Scalar>,
    pub updated_at: Option<Scalar>,
    pub cancelled_at: Option<Scalar>,
    pub closed_at: Option<Scalar>,
    pub cancel_reason: Option<Scalar>,
    pub financial_status: Option<Scalar>,
    pub fulfillment_status: Option<Scalar>,
    pub currency: Option<Scalar>,
    pub presentment_currency: Option<Scalar>,
    pub total_price: Option<Scalar>,
    pub total_price_set: Option<MoneySet>,
    pub subtotal_price: Option<Scalar>,
    pub subtotal_price_set: Option<MoneySet>,
    pub total_tax: Option<Scalar>,
    pub total_tax_set: Option<MoneySet>,
    pub total_discounts: Option<Scalar>,
    pub total_discounts_set: Option<MoneySet>,
    pub total_line_items_price: Option<Scalar>,
    pub total_line_items_price_set: Option<MoneySet>,
    pub total_shipping_price_set: Option<MoneySet>,
    pub current_total_price: Option<Scalar>,
    pub current_total_price_set: Option<MoneySet>,
    pub current_subtotal_price: Option<Scalar>,
    pub current_subtotal_price_set: Option<MoneySet>,
    pub current_total_tax: Option<Scalar>,
    pub current_total_tax_set: Option<MoneySet>,
    pub current_total_discounts: Option<Scalar>,
    pub current_total_discounts_set: Option<MoneySet>,
    pub current_total_duties_set: Option<MoneySet>,
    pub original_total_duties_set: Option<MoneySet>,
    pub line_items: Option<Vec<LineItem>>,
    pub shipping_lines: Option<Vec<ShippingLine>>,
    pub discount_applications: Option<Vec<DiscountApplication>>,
    pub discount_codes: Option<Vec<DiscountCode>>,
    pub shipping_address: Option<Address>,
    pub billing_address: Option<Address>,
    pub fulfillments: Option<Vec<Fulfillment>>,
    pub order_status_url: Option<Scalar>,
    pub token: Option<Scalar>,
    pub note: Option<Scalar>,
    pub note_attributes: Option<Vec<NameValue>>,
    pub tags: Option<Scalar>,
    pub test: Option<Scalar>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Customer {
    pub id: Option<Scalar>,
    pub email: Option<Scalar>,
    pub phone: Option<Scalar>,
    pub first_name: Option<Scalar>,
    pub last_name: Option<Scalar>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Address {
    pub first_name: Option<Scalar>,
    pub last_name: Option<Scalar>,
    pub name: Option<Scalar>,
    pub company: Option<Scalar>,
    pub address1: Option<Scalar>,
    pub address2: Option<Scalar>,
    pub city: Option<Scalar>,
    pub province: Option<Scalar>,
    pub province_code: Option<Scalar>,
    pub country: Option<Scalar>,
    pub country_code: Option<Scalar>,
    pub zip: Option<Scalar>,
    pub phone: Option<Scalar>,
    pub latitude: Option<Scalar>,
    pub longitude: Option<Scalar>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NameValue {
    pub name: Option<Scalar>,
    pub value: Option<Scalar>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Allocation {
    pub amount: Option<Scalar>,
    pub amount_set: Option<MoneySet>,
    pub discount_application_index: Option<Scalar>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LineItem {
    pub id: Option<Scalar>,
    pub title: Option<Scalar>,
    pub variant_title: Option<Scalar>,
    pub name: Option<Scalar>,
    pub quantity: Option<Scalar>,
    pub current_quantity: Option<Scalar>,
    pub fulfillable_quantity: Option<Scalar>,
    pub fulfillment_status: Option<Scalar>,
    pub price: Option<Scalar>,
    pub price_set: Option<MoneySet>,
    pub total_discount: Option<Scalar>,
    pub total_discount_set: Option<MoneySet>,
    pub sku: Option<Scalar>,
    pub vendor: Option<Scalar>,
    pub variant_id: Option<Scalar>,
    pub product_id: Option<Scalar>,
    pub discount_allocations: Option<Vec<Allocation>>,
    pub properties: Option<Vec<NameValue>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShippingLine {
    pub id: Option<Scalar>,
    pub title: Option<Scalar>,
    pub code: Option<Scalar>,
    pub price: Option<Scalar>,
    pub price_set: Option<MoneySet>,
    pub discounted_price: Option<Scalar>,
    pub discounted_price_set: Option<MoneySet>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DiscountApplication {
    #[serde(rename = "type")]
    pub kind: Option<Scalar>,
    pub value: Option<Scalar>,
    pub value_type: Option<Scalar>,
    pub allocation_method: Option<Scalar>,
    pub target_selection: Option<Scalar>,
    pub target_type: Option<Scalar>,
    pub code: Option<Scalar>,
    pub title: Option<Scalar>,
    pub description: Option<Scalar>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DiscountCode {
    pub code: Option<Scalar>,
    pub amount: Option<Scalar>,
    #[serde(rename = "type")]
    pub kind: Option<Scalar>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FulfillmentLine {
    pub id: Option<Scalar>,
    pub quantity: Option<Scalar>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Fulfillment {
    pub id: Option<Scalar>,
    pub status: Option<Scalar>,
    pub created_at: Option<Scalar>,
    pub tracking_company: Option<Scalar>,
    pub tracking_number: Option<Scalar>,
    pub tracking_numbers: Option<Vec<Option<Scalar>>>,
    pub tracking_url: Option<Scalar>,
    pub tracking_urls: Option<Vec<Option<Scalar>>>,
    pub line_items: Option<Vec<FulfillmentLine>>,
}
