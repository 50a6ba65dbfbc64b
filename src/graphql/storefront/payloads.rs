//! Inputs and payloads of the customer mutations, as Shopify names and shapes them.

use async_graphql::{InputObject, MaybeUndefined, SimpleObject};

use super::address::MailingAddress;
use super::customer::{Customer, CustomerAccessToken};
use super::errors::{CustomerUserError, UserError, UserErrors};
use crate::accounts::ProfileUpdate;
use crate::domain::mailing_address::AddressDraft;

/// The input fields for creating a new Customer account. Used by the customerCreate mutation. For legacy customer accounts only and requires an email address and password.
#[derive(InputObject)]
pub struct CustomerCreateInput {
    /// Indicates whether the customer has consented to be sent marketing material via email.
    pub accepts_marketing: Option<bool>,
    /// The customer’s email.
    pub email: String,
    /// The customer’s first name.
    pub first_name: Option<String>,
    /// The customer’s last name.
    pub last_name: Option<String>,
    /// The login password used by the customer.
    pub password: String,
    /// A unique phone number for the customer. Formatted using E.164 standard. For example, _+16135551111_.
    pub phone: Option<String>,
}

/// The input fields for authenticating a customer with email and password. Used by the customerAccessTokenCreate mutation to generate a CustomerAccessToken, which is required to read or modify customer data.
#[derive(InputObject)]
pub struct CustomerAccessTokenCreateInput {
    /// The email associated to the customer.
    pub email: String,
    /// The login password to be used by the customer.
    pub password: String,
}

/// Return type for `customerCreate` mutation.
#[derive(SimpleObject)]
pub struct CustomerCreatePayload {
    /// The created customer object.
    pub customer: Option<Customer>,
    /// The list of errors that occurred from executing the mutation.
    pub customer_user_errors: Vec<CustomerUserError>,
    /// The list of errors that occurred from executing the mutation.
    #[graphql(deprecation = "Use `customerUserErrors` instead.")]
    pub user_errors: Vec<UserError>,
}

impl CustomerCreatePayload {
    pub fn new(customer: Option<Customer>, errors: UserErrors) -> Self {
        Self {
            customer,
            customer_user_errors: errors.customer_user_errors,
            user_errors: errors.user_errors,
        }
    }
}

/// Return type for `customerAccessTokenCreate` mutation.
#[derive(SimpleObject)]
pub struct CustomerAccessTokenCreatePayload {
    /// The newly created customer access token object.
    pub customer_access_token: Option<CustomerAccessToken>,
    /// The list of errors that occurred from executing the mutation.
    pub customer_user_errors: Vec<CustomerUserError>,
    /// The list of errors that occurred from executing the mutation.
    #[graphql(deprecation = "Use `customerUserErrors` instead.")]
    pub user_errors: Vec<UserError>,
}

impl CustomerAccessTokenCreatePayload {
    pub fn new(token: Option<CustomerAccessToken>, errors: UserErrors) -> Self {
        Self {
            customer_access_token: token,
            customer_user_errors: errors.customer_user_errors,
            user_errors: errors.user_errors,
        }
    }
}

/// Return type for `customerAccessTokenDelete` mutation.
#[derive(SimpleObject)]
pub struct CustomerAccessTokenDeletePayload {
    /// The destroyed access token.
    pub deleted_access_token: Option<String>,
    /// ID of the destroyed customer access token.
    pub deleted_customer_access_token_id: Option<String>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerAccessTokenRenew` mutation.
#[derive(SimpleObject)]
pub struct CustomerAccessTokenRenewPayload {
    /// The renewed customer access token object.
    pub customer_access_token: Option<CustomerAccessToken>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// The input fields for creating or updating a MailingAddress. Accepts standard address components including street address, city, province, country, and postal code, along with customer name and contact information.
#[derive(InputObject)]
pub struct MailingAddressInput {
    /// The first line of the address. Typically the street address or PO Box number.
    pub address1: Option<String>,
    /// The second line of the address. Typically the number of the apartment, suite, or unit.
    pub address2: Option<String>,
    /// The name of the city, district, village, or town.
    pub city: Option<String>,
    /// The name of the customer's company or organization.
    pub company: Option<String>,
    /// The name of the country.
    pub country: Option<String>,
    /// The first name of the customer.
    pub first_name: Option<String>,
    /// The last name of the customer.
    pub last_name: Option<String>,
    /// A unique phone number for the customer. Formatted using E.164 standard. For example, _+16135551111_.
    pub phone: Option<String>,
    /// The region of the address, such as the province, state, or district.
    pub province: Option<String>,
    /// The zip or postal code of the address.
    pub zip: Option<String>,
}

impl From<MailingAddressInput> for AddressDraft {
    fn from(input: MailingAddressInput) -> Self {
        Self {
            first_name: input.first_name,
            last_name: input.last_name,
            company: input.company,
            address1: input.address1,
            address2: input.address2,
            city: input.city,
            province: input.province,
            country: input.country,
            zip: input.zip,
            phone: input.phone,
        }
    }
}

/// The input fields for updating a Customer. Used by the customerUpdate mutation.
#[derive(InputObject)]
pub struct CustomerUpdateInput {
    /// Indicates whether the customer has consented to be sent marketing material via email.
    pub accepts_marketing: Option<bool>,
    /// The customer’s email.
    pub email: Option<String>,
    /// The customer’s first name.
    pub first_name: MaybeUndefined<String>,
    /// The customer’s last name.
    pub last_name: MaybeUndefined<String>,
    /// The login password used by the customer.
    pub password: Option<String>,
    /// A unique phone number for the customer. Formatted using E.164 standard. For example, _+16135551111_. To remove the phone number, specify `null`.
    pub phone: MaybeUndefined<String>,
}

fn change(value: MaybeUndefined<String>) -> Option<Option<String>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

impl From<CustomerUpdateInput> for ProfileUpdate {
    fn from(input: CustomerUpdateInput) -> Self {
        Self {
            first_name: change(input.first_name),
            last_name: change(input.last_name),
            email: input.email,
            phone: change(input.phone),
            accepts_marketing: input.accepts_marketing,
            password: input.password,
        }
    }
}

/// Return type for `customerAddressCreate` mutation.
#[derive(SimpleObject)]
pub struct CustomerAddressCreatePayload {
    /// The new customer address object.
    pub customer_address: Option<MailingAddress>,
    /// The list of errors that occurred from executing the mutation.
    pub customer_user_errors: Vec<CustomerUserError>,
    /// The list of errors that occurred from executing the mutation.
    #[graphql(deprecation = "Use `customerUserErrors` instead.")]
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerAddressUpdate` mutation.
#[derive(SimpleObject)]
pub struct CustomerAddressUpdatePayload {
    /// The customer’s updated mailing address.
    pub customer_address: Option<MailingAddress>,
    /// The list of errors that occurred from executing the mutation.
    pub customer_user_errors: Vec<CustomerUserError>,
    /// The list of errors that occurred from executing the mutation.
    #[graphql(deprecation = "Use `customerUserErrors` instead.")]
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerAddressDelete` mutation.
#[derive(SimpleObject)]
pub struct CustomerAddressDeletePayload {
    /// The list of errors that occurred from executing the mutation.
    pub customer_user_errors: Vec<CustomerUserError>,
    /// ID of the deleted customer address.
    pub deleted_customer_address_id: Option<String>,
    /// The list of errors that occurred from executing the mutation.
    #[graphql(deprecation = "Use `customerUserErrors` instead.")]
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerDefaultAddressUpdate` mutation.
#[derive(SimpleObject)]
pub struct CustomerDefaultAddressUpdatePayload {
    /// The updated customer object.
    pub customer: Option<Customer>,
    /// The list of errors that occurred from executing the mutation.
    pub customer_user_errors: Vec<CustomerUserError>,
    /// The list of errors that occurred from executing the mutation.
    #[graphql(deprecation = "Use `customerUserErrors` instead.")]
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerUpdate` mutation.
#[derive(SimpleObject)]
pub struct CustomerUpdatePayload {
    /// The updated customer object.
    pub customer: Option<Customer>,
    /// The newly created customer access token. If the customer's password is updated, all previous access tokens (including the one used to perform this mutation) become invalid, and a new token is generated.
    pub customer_access_token: Option<CustomerAccessToken>,
    /// The list of errors that occurred from executing the mutation.
    pub customer_user_errors: Vec<CustomerUserError>,
    /// The list of errors that occurred from executing the mutation.
    #[graphql(deprecation = "Use `customerUserErrors` instead.")]
    pub user_errors: Vec<UserError>,
}
