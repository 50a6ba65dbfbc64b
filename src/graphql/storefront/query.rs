//! `QueryRoot`: the customer behind an access token.

use async_graphql::{Context, ID, Object, Result};

use async_graphql::dataloader::DataLoader;

use super::access::{self, Scope};
use super::address::CustomerLoader;
use super::customer::Customer;
use super::node::{self, MAX_IDS, Node};

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
        access::storefront(ctx, "customer", Scope::ReadCustomers)?;
        // Unknown, expired and revoked tokens all read as `null`, as on Shopify. The look-ups
        // of every `customer` field of the request go to the database together.
        ctx.data::<DataLoader<CustomerLoader>>()?
            .load_one(customer_access_token)
            .await
            .map(|found| found.map(Customer))
            .map_err(|e| access::internal(ctx, e))
    }

    /// Retrieves any object that implements the Node interface by its globally-unique ID. Use inline fragments to access type-specific fields on the returned object.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the Node to return.")] id: ID,
    ) -> Result<Option<Node>> {
        node::resolve(ctx, "node", &id).await
    }

    /// Retrieves multiple objects by their global IDs in a single request. Any object that implements the Node interface can be fetched, including products, collections, and pages.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The IDs of the Nodes to return. The input must not contain more than `250` values."
        )]
        ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_IDS {
            return Err(node::too_many_ids(ids.len()));
        }
        let mut found = Vec::with_capacity(ids.len());
        for id in &ids {
            found.push(node::resolve(ctx, "nodes", id).await?);
        }
        Ok(found)
    }
}
