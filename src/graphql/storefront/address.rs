//! `MailingAddress`, its connection, and the data loader that reads the addresses of every
//! customer in a request with one query.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{ID, InputType, Name, Object, SimpleObject, Value};

use super::country_language_codes::CountryCode;
use crate::accounts::{AccountError, ShopAccounts};
use crate::domain::address::{AddressParts, formatted, formatted_area, full_name};
use crate::domain::customer::CustomerRecord;
use crate::domain::ids::gid;
use crate::domain::mailing_address::{AddressFields, AddressRecord};

pub struct MailingAddress(pub AddressRecord);

/// Which of an order's two addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAddressRole {
    Shipping,
    Billing,
}

impl MailingAddress {
    /// Shopify's id without the access token it appends (ids end up in URLs and logs).
    pub fn global_id(id: i64) -> String {
        format!("{}?model_name=CustomerAddress", gid("MailingAddress", id))
    }

    /// An order's shipping or billing address.
    ///
    /// Shopify keeps these as rows of their own, `gid://shopify/MailingAddress/<n>?model_name=Address`,
    /// whose number order webhooks do not carry. Here the number is derived from the order's id:
    /// twice the id for the shipping address, plus one for the billing address. So it is stable
    /// across reads and re-imports of the order, differs between the two addresses of one order
    /// (client caches key objects by id), and cannot be mistaken for a customer's address, whose
    /// ids say `model_name=CustomerAddress`.
    ///
    /// The record's id is that number negated: customer addresses are rows with positive ids,
    /// and this keeps one `MailingAddress` type (a GraphQL type name belongs to one Rust type)
    /// without changing how customer addresses are built. `None` for an order id too large for
    /// the number (Shopify's ids stay below 2^53).
    pub fn of_order(order_id: u64, role: OrderAddressRole, fields: AddressFields) -> Option<Self> {
        let number = i64::try_from(order_id)
            .ok()?
            .checked_mul(2)?
            .checked_add(match role {
                OrderAddressRole::Shipping => 0,
                OrderAddressRole::Billing => 1,
            })?;
        Some(MailingAddress(AddressRecord {
            id: -number,
            customer_id: 0,
            fields,
        }))
    }

    fn parts(&self) -> AddressParts<'_> {
        let f = &self.0.fields;
        AddressParts {
            first_name: f.first_name.as_deref(),
            last_name: f.last_name.as_deref(),
            company: f.company.as_deref(),
            address1: f.address1.as_deref(),
            address2: f.address2.as_deref(),
            city: f.city.as_deref(),
            province: f.province.as_deref(),
            province_code: f.province_code.as_deref(),
            country: f.country.as_deref(),
            country_code: f.country_code.as_deref(),
            zip: f.zip.as_deref(),
        }
    }
}

/// A physical mailing address associated with a Customer or Order. Stores standard address components including street address, city, province, country, and postal code, along with customer name and company information.
#[Object]
impl MailingAddress {
    /// The first line of the address. Typically the street address or PO Box number.
    async fn address1(&self) -> Option<&str> {
        self.0.fields.address1.as_deref()
    }

    /// The second line of the address. Typically the number of the apartment, suite, or unit.
    async fn address2(&self) -> Option<&str> {
        self.0.fields.address2.as_deref()
    }

    /// The name of the city, district, village, or town.
    async fn city(&self) -> Option<&str> {
        self.0.fields.city.as_deref()
    }

    /// The name of the customer's company or organization.
    async fn company(&self) -> Option<&str> {
        self.0.fields.company.as_deref()
    }

    /// The name of the country.
    async fn country(&self) -> Option<&str> {
        self.0.fields.country.as_deref()
    }

    /// The two-letter code for the country of the address. For example, US.
    #[graphql(deprecation = "Use `countryCodeV2` instead.")]
    async fn country_code(&self) -> Option<&str> {
        self.0.fields.country_code.as_deref()
    }

    /// The two-letter code for the country of the address. For example, US.
    #[graphql(name = "countryCodeV2")]
    async fn country_code_v2(&self) -> Option<CountryCode> {
        let code = self.0.fields.country_code.as_deref()?;
        CountryCode::parse(Some(Value::Enum(Name::new(code)))).ok()
    }

    /// The first name of the customer.
    async fn first_name(&self) -> Option<&str> {
        self.0.fields.first_name.as_deref()
    }

    /// A formatted version of the address, customized by the provided arguments.
    async fn formatted(
        &self,
        #[graphql(
            desc = "Whether to include the customer's company in the formatted address.",
            default_with = "Some(true)"
        )]
        with_company: Option<bool>,
        #[graphql(
            desc = "Whether to include the customer's name in the formatted address.",
            default_with = "Some(false)"
        )]
        with_name: Option<bool>,
    ) -> Vec<String> {
        formatted(
            &self.parts(),
            with_name.unwrap_or(false),
            with_company.unwrap_or(true),
        )
    }

    /// A comma-separated list of the values for city, province, and country.
    async fn formatted_area(&self) -> Option<String> {
        formatted_area(&self.parts())
    }

    /// A globally-unique ID.
    pub async fn id(&self) -> ID {
        if self.0.id < 0 {
            // An order's address (see `of_order`).
            ID(format!(
                "gid://shopify/MailingAddress/{}?model_name=Address",
                self.0.id.unsigned_abs()
            ))
        } else {
            ID(Self::global_id(self.0.id))
        }
    }

    /// The last name of the customer.
    async fn last_name(&self) -> Option<&str> {
        self.0.fields.last_name.as_deref()
    }

    /// The latitude coordinate of the customer address.
    async fn latitude(&self) -> Option<f64> {
        self.0.fields.latitude
    }

    /// The longitude coordinate of the customer address.
    async fn longitude(&self) -> Option<f64> {
        self.0.fields.longitude
    }

    /// The full name of the customer, based on firstName and lastName.
    async fn name(&self) -> Option<String> {
        full_name(
            self.0.fields.first_name.as_deref(),
            self.0.fields.last_name.as_deref(),
        )
    }

    /// A unique phone number for the customer. Formatted using E.164 standard. For example, _+16135551111_.
    async fn phone(&self) -> Option<&str> {
        self.0.fields.phone.as_deref()
    }

    /// The region of the address, such as the province, state, or district.
    async fn province(&self) -> Option<&str> {
        self.0.fields.province.as_deref()
    }

    /// The alphanumeric code for the region. For example, ON.
    async fn province_code(&self) -> Option<&str> {
        self.0.fields.province_code.as_deref()
    }

    /// The zip or postal code of the address.
    async fn zip(&self) -> Option<&str> {
        self.0.fields.zip.as_deref()
    }
}

/// An auto-generated type for paginating through multiple MailingAddresses.
#[derive(SimpleObject)]
pub struct MailingAddressConnection {
    /// A list of edges.
    pub edges: Vec<MailingAddressEdge>,
    /// A list of the nodes contained in MailingAddressEdge.
    pub nodes: Vec<MailingAddress>,
    /// Information to aid in pagination.
    pub page_info: PageInfo,
}

/// An auto-generated type which holds one MailingAddress and a cursor during pagination.
#[derive(SimpleObject)]
pub struct MailingAddressEdge {
    /// A cursor for use in pagination.
    pub cursor: String,
    /// The item at the end of MailingAddressEdge.
    pub node: MailingAddress,
}

/// Returns information about pagination in a connection, in accordance with the Relay specification. For more information, please read our GraphQL Pagination Usage Guide.
#[derive(SimpleObject)]
pub struct PageInfo {
    /// The cursor corresponding to the last node in edges.
    pub end_cursor: Option<String>,
    /// Whether there are more pages to fetch following the current page.
    pub has_next_page: bool,
    /// Whether there are any pages prior to the current page.
    pub has_previous_page: bool,
    /// The cursor corresponding to the first node in edges.
    pub start_cursor: Option<String>,
}

impl PageInfo {
    /// The page info of a page's `(cursor, item)` edges.
    pub fn of<T>(edges: &[(String, T)], has_next_page: bool, has_previous_page: bool) -> Self {
        PageInfo {
            start_cursor: edges.first().map(|(cursor, _)| cursor.clone()),
            end_cursor: edges.last().map(|(cursor, _)| cursor.clone()),
            has_next_page,
            has_previous_page,
        }
    }
}

/// Loads the customers behind all the access tokens a request reads, in one query, and notes
/// them for the request's other loaders (`RequestCustomers`).
pub struct CustomerLoader(
    pub ShopAccounts,
    pub Arc<super::metafield::RequestCustomers>,
);

impl Loader<String> for CustomerLoader {
    type Value = CustomerRecord;
    type Error = Arc<AccountError>;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Self::Value>, Self::Error> {
        let found = self
            .0
            .sessions()
            .customers_by_tokens(keys)
            .await
            .map_err(Arc::new)?;
        self.1.note(
            found
                .values()
                .map(|(customer, expires_at)| (customer.id, *expires_at)),
        );
        Ok(found
            .into_iter()
            .map(|(token, (customer, _))| (token, customer))
            .collect())
    }
}

/// Loads the addresses of all the customers a request reads, in one query.
pub struct AddressLoader(pub ShopAccounts);

impl Loader<i64> for AddressLoader {
    type Value = Vec<AddressRecord>;
    type Error = Arc<AccountError>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        self.0
            .address_book()
            .addresses_of(keys)
            .await
            .map_err(Arc::new)
    }
}
