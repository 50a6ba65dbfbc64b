//! `QueryRoot`: the customer behind an access token.

use async_graphql::{Context, Object, Result};

use super::access::{self, Scope};
use super::customer::Customer;

pub struct QueryRoot;

/// The schema’s entry-point for queries.
#[Object]
impl QueryRoot {
    /// Retrieves the Customer associated with the provided access token. Use the customerAccessTokenCreate mutation to obtain an access token using legacy customer account authentication (email and password).
    async fn customer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer access token.")] customer_access_token: String,
    ) -> Result<Option<Customer>> {
        let accounts = access::storefront(ctx, "customer", Scope::ReadCustomers)?;
        // Unknown, expired and revoked tokens all read as `null`, as on Shopify.
        accounts
            .customer_by_token(&customer_access_token)
            .await
            .map(|found| found.map(Customer))
            .map_err(|e| access::internal(ctx, e))
    }
}
