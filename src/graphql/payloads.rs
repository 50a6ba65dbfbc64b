//! Inputs and payloads of the customer mutations, as Shopify names and shapes them.

use async_graphql::{InputObject, SimpleObject};

use super::customer::{Customer, CustomerAccessToken};
use super::errors::{CustomerUserError, UserError, UserErrors};

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
