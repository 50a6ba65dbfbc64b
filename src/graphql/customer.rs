//! The `Customer` object and `CustomerAccessToken`.

use async_graphql::{ID, Object, SimpleObject};

use super::scalars::{DateTime, UnsignedInt64};
use crate::accounts::IssuedToken;
use crate::domain::ids::gid;
use crate::store::customers::CustomerRecord;

pub struct Customer(pub CustomerRecord);

/// A customer account with the shop. Includes data such as contact information, addresses and marketing preferences for logged-in customers, so they don't have to provide these details at every checkout.
#[Object]
impl Customer {
    /// Indicates whether the customer has consented to be sent marketing material via email.
    async fn accepts_marketing(&self) -> bool {
        self.0.accepts_marketing
    }

    /// The date and time when the customer was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// The customer’s name, email or phone number.
    async fn display_name(&self) -> String {
        let name = [self.0.first_name.as_deref(), self.0.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        if !name.is_empty() {
            name
        } else if !self.0.email.is_empty() {
            self.0.email.clone()
        } else {
            self.0.phone.clone().unwrap_or_default()
        }
    }

    /// The customer’s email address.
    async fn email(&self) -> Option<&str> {
        Some(self.0.email.as_str())
    }

    /// The customer’s first name.
    async fn first_name(&self) -> Option<&str> {
        self.0.first_name.as_deref()
    }

    /// A unique ID for the customer.
    async fn id(&self) -> ID {
        ID(gid("Customer", self.0.id))
    }

    /// The customer’s last name.
    async fn last_name(&self) -> Option<&str> {
        self.0.last_name.as_deref()
    }

    /// The number of orders that the customer has made at the store in their lifetime.
    async fn number_of_orders(&self) -> UnsignedInt64 {
        // Orders are not served: no customer has any.
        UnsignedInt64(0)
    }

    /// The customer’s phone number.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }

    /// A comma separated list of tags that have been added to the customer. Additional access scope required: unauthenticated_read_customer_tags.
    async fn tags(&self) -> &[String] {
        &self.0.tags
    }

    /// The date and time when the customer information was updated.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// A unique authentication token that identifies a logged-in customer and authorizes modifications to the Customer object. The token is required for customer-specific operations like updating profile information or managing addresses.
#[derive(SimpleObject)]
pub struct CustomerAccessToken {
    /// The customer’s access token.
    pub access_token: String,
    /// The date and time when the customer access token expires.
    pub expires_at: DateTime,
}

impl From<IssuedToken> for CustomerAccessToken {
    fn from(issued: IssuedToken) -> Self {
        Self {
            access_token: issued.token,
            expires_at: DateTime(issued.expires_at),
        }
    }
}
