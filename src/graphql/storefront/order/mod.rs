//! Storefront's order types: `Order` and everything it reaches (line items, discounts,
//! fulfillments, money, and snapshot product variants), field for field as Shopify's 2026-04
//! schema declares them.
//!
//! Everything renders from the stored order alone (`Arc<StoredOrder>`), with no database access:
//! the values are the shop's, stored as sent and never recomputed. Where Shopify declares a
//! non-null value that the order record does not carry, the field's comment says which value
//! stands in for it.

mod currency_code;
mod discount;
mod enums;
mod fulfillment;
mod line_item;
mod money;
mod orders;
mod product;
#[cfg(test)]
mod tests;

use async_graphql::Result;

pub use orders::{Order, OrderConnection};

use super::address::PageInfo;
use crate::domain::pagination::{PageRequest, paginate};

/// The connection arguments every order list takes.
struct PageArgs {
    after: Option<String>,
    before: Option<String>,
    first: Option<i32>,
    last: Option<i32>,
    reverse: Option<bool>,
}

/// One page of a list an order holds, as positions in that list. The cursors name positions:
/// a stored order is replaced whole and Shopify keeps removed lines in the list (with a current
/// quantity of zero), so a position always names the same entry.
fn page_of_positions(len: usize, args: PageArgs) -> Result<(Vec<(String, usize)>, PageInfo)> {
    let request = PageRequest {
        first: args.first,
        after: args.after,
        last: args.last,
        before: args.before,
        reverse: args.reverse.unwrap_or(false),
    };
    let positions: Vec<usize> = (0..len).collect();
    let page = paginate(&positions, |&p| p as i64, &request).map_err(|e| {
        crate::graphql::errors::coded(e.to_string(), crate::graphql::TopLevelCode::BadRequest)
    })?;
    let page_info = PageInfo::of(&page.edges, page.has_next_page, page.has_previous_page);
    Ok((page.edges, page_info))
}

/// A count or number as GraphQL's `Int` (32-bit). The record allows larger values than Shopify
/// ever sends; such a value is an error on its field rather than a wrong number.
fn int(value: u64, what: &str) -> Result<i32> {
    i32::try_from(value).map_err(|_| {
        async_graphql::Error::new(format!(
            "The {what} {value} cannot be represented as a GraphQL Int."
        ))
    })
}

/// `first` of a plain (not paginated) list: `None` keeps the whole list.
fn truncation(first: Option<i32>) -> Result<Option<usize>> {
    match first {
        None => Ok(None),
        Some(n) => usize::try_from(n).map(Some).map_err(|_| {
            crate::graphql::errors::coded(
                "first must be a non-negative number",
                crate::graphql::TopLevelCode::BadRequest,
            )
        }),
    }
}
