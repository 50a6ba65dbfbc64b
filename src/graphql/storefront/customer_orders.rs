//! `Customer.orders` and `Customer.numberOfOrders`: a customer's orders from the read model,
//! paged by keyset over the sort order Shopify offers.

use async_graphql::{Context, Enum, Result};

use super::access::{self, Scope};
use super::address::PageInfo;
use super::order::OrderConnection;
use crate::accounts::{ListError, OrderListRequest};
use crate::domain::order::listing::OrderSort;
use crate::graphql::TopLevelCode;
use crate::graphql::errors::coded;

/// The set of valid sort keys for the Order query.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum OrderSortKeys {
    /// Sort by the `id` value.
    Id,
    /// Sort by the `processed_at` value.
    ProcessedAt,
    /// Sort by relevance to the search terms when the `query` parameter is specified on the connection. Don't use this sort key when no search query is specified.
    Relevance,
    /// Sort by the `total_price` value.
    TotalPrice,
}

impl From<OrderSortKeys> for OrderSort {
    fn from(key: OrderSortKeys) -> Self {
        match key {
            // Every supported filter is exact, so every match is equally relevant.
            OrderSortKeys::Id | OrderSortKeys::Relevance => OrderSort::Id,
            OrderSortKeys::ProcessedAt => OrderSort::ProcessedAt,
            OrderSortKeys::TotalPrice => OrderSort::TotalPrice,
        }
    }
}

/// One page of the customer's orders; the total is counted only when it is selected.
pub async fn orders(
    ctx: &Context<'_>,
    customer_id: i64,
    request: OrderListRequest,
) -> Result<OrderConnection> {
    let accounts = access::storefront(ctx, "orders", Scope::ReadCustomers)?;
    let orders = accounts.orders();
    let query = request.query.clone();
    let page = orders
        .list(customer_id, request)
        .await
        .map_err(|err| match err {
            ListError::Page(e) => coded(e.to_string(), TopLevelCode::BadRequest),
            ListError::Account(e) => access::internal(ctx, e),
        })?;
    let total_count = if ctx.look_ahead().field("totalCount").exists() {
        orders
            .count(customer_id, query.as_deref())
            .await
            .map_err(|e| access::internal(ctx, e))?
    } else {
        0
    };
    let page_info = PageInfo::of(&page.edges, page.has_next_page, page.has_previous_page);
    Ok(OrderConnection::new(page.edges, page_info, total_count))
}

/// How many orders the customer has.
pub async fn number_of_orders(ctx: &Context<'_>, customer_id: i64) -> Result<u64> {
    let accounts = access::storefront(ctx, "numberOfOrders", Scope::ReadCustomers)?;
    accounts
        .orders()
        .count(customer_id, None)
        .await
        .map_err(|e| access::internal(ctx, e))
}
