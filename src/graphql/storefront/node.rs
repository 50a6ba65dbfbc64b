//! The `Node` interface and `node(id:)` / `nodes(ids:)`. Two nodes are served:
//! - a `MailingAddress`, only to its owner: the customer whose access token the operation's
//!   `@inContext(buyer:)` names, or a Shopify-style id carries (`customer_access_token=`);
//! - an `Order`, to whoever holds its id with the order's key
//!   (`gid://shopify/Order/<n>?key=<32 hex>`, the order-status link), or to its owner named by
//!   `@inContext(buyer:)`.
//!
//! - a customer's `Metafield` whose definition says `PUBLIC_READ`, only to its owner named by
//!   `@inContext(buyer:)` (a customer is not a node on the storefront; its values are not
//!   either, to anyone else).
//!
//! Anyone else gets `null`, which reveals nothing about whether the address or order exists.

use async_graphql::{Context, ID, Interface, Result};

use super::access::{self, Scope};
use super::address::MailingAddress;
use super::context::RequestContext;
use super::metafield::Metafield;
use super::order::Order;
use crate::store::metafields::Visibility;

/// Enables global object identification following the Relay specification. Any type implementing this interface has a globally-unique `id` field and can be fetched directly using the node or nodes queries.
// An address is held by value and an order by `Arc`: the size difference is one short-lived
// value per node answered.
#[allow(clippy::large_enum_variant)]
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "A globally-unique ID."))]
pub enum Node {
    MailingAddress(MailingAddress),
    Metafield(Metafield),
    Order(Order),
}

/// Shopify's input-list limit.
pub const MAX_IDS: usize = 250;

/// The access token a Shopify id carries in its query string, if any.
fn token_in_id(id: &str) -> Option<String> {
    let (_, query) = id.split_once('?')?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("customer_access_token="))
        .map(str::to_owned)
}

pub async fn resolve(ctx: &Context<'_>, field: &str, id: &str) -> Result<Option<Node>> {
    let accounts = access::storefront(ctx, field, Scope::ReadCustomers)?;
    let buyer = ctx
        .data_opt::<RequestContext>()
        .and_then(|request| request.buyer_token.clone());
    if id.starts_with("gid://shopify/Order/") {
        let owner = match &buyer {
            Some(token) => accounts
                .sessions()
                .customer_by_token(token)
                .await
                .map_err(|e| access::internal(ctx, e))?
                .map(|customer| customer.id),
            None => None,
        };
        let found = accounts
            .orders()
            .by_id(id, owner)
            .await
            .map_err(|e| access::internal(ctx, e))?;
        return Ok(found.map(|order| Node::Order(Order(order))));
    }
    if let Some(number) = id.strip_prefix("gid://shopify/Metafield/") {
        let (Some(token), Ok(number)) = (buyer, number.parse::<i64>()) else {
            return Ok(None);
        };
        let Some(owner) = accounts
            .sessions()
            .customer_by_token(&token)
            .await
            .map_err(|e| access::internal(ctx, e))?
        else {
            return Ok(None);
        };
        let found = accounts
            .metafields()
            .by_id(number, Visibility::Storefront)
            .await
            .map_err(|e| access::internal(ctx, e))?;
        return Ok(found
            .filter(|m| m.customer_id == owner.id)
            .map(|m| Node::Metafield(Metafield(m))));
    }
    // An order's address (`model_name=Address`) is read through its order, never as a node.
    if id.contains("model_name=Address") && !id.contains("model_name=CustomerAddress") {
        return Ok(None);
    }
    let Some(token) = buyer.or_else(|| token_in_id(id)) else {
        return Ok(None);
    };
    let found = accounts
        .address_book()
        .address_for_token(&token, id)
        .await
        .map_err(|e| access::internal(ctx, e))?;
    Ok(found.map(|record| Node::MailingAddress(MailingAddress(record))))
}

pub fn too_many_ids(count: usize) -> async_graphql::Error {
    crate::graphql::errors::coded(
        format!(
            "The input array size of {count} is greater than the maximum allowed of {MAX_IDS}."
        ),
        crate::graphql::TopLevelCode::MaxInputSizeExceeded,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_token_shopify_puts_in_address_ids() {
        assert_eq!(
            token_in_id(
                "gid://shopify/MailingAddress/1?model_name=CustomerAddress&customer_access_token=abc"
            ),
            Some("abc".to_owned())
        );
        assert_eq!(
            token_in_id("gid://shopify/MailingAddress/1?model_name=CustomerAddress"),
            None
        );
        assert_eq!(token_in_id("gid://shopify/MailingAddress/1"), None);
    }
}
