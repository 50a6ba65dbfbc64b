//! `Fulfillment`, its line items and tracking.

use std::sync::Arc;

use async_graphql::{Object, Result, SimpleObject};

use super::line_item::OrderLineItem;
use super::{PageArgs, int, page_of_positions, truncation};
use crate::domain::order::{self as domain, StoredOrder};
use crate::graphql::storefront::address::PageInfo;
use crate::graphql::storefront::scalars::Url;

/// One fulfillment of a stored order.
#[derive(Clone)]
pub struct Fulfillment {
    order: Arc<StoredOrder>,
    /// Checked to be a position in the order's fulfillments when built; the order behind the
    /// `Arc` never changes.
    position: usize,
}

impl Fulfillment {
    /// The fulfillment at `position`; `None` if the order has no such fulfillment.
    pub fn new(order: Arc<StoredOrder>, position: usize) -> Option<Self> {
        (position < order.record.fulfillments.len()).then_some(Fulfillment { order, position })
    }

    fn fulfillment(&self) -> &domain::Fulfillment {
        &self.order.record.fulfillments[self.position]
    }
}

/// A shipment of one or more items in an order. Accessed through the Order object's successfulFulfillments field.
#[Object]
impl Fulfillment {
    /// List of the fulfillment's line items.
    async fn fulfillment_line_items(
        &self,
        #[graphql(desc = "Returns the elements that come after the specified cursor.")]
        after: Option<String>,
        #[graphql(desc = "Returns the elements that come before the specified cursor.")]
        before: Option<String>,
        #[graphql(desc = "Returns up to the first `n` elements from the list.")] first: Option<i32>,
        #[graphql(desc = "Returns up to the last `n` elements from the list.")] last: Option<i32>,
        #[graphql(
            desc = "Reverse the order of the underlying list.",
            default_with = "Some(false)"
        )]
        reverse: Option<bool>,
    ) -> Result<FulfillmentLineItemConnection> {
        let lines = &self.fulfillment().line_items;
        let (edges, page_info) = page_of_positions(
            lines.len(),
            PageArgs {
                after,
                before,
                first,
                last,
                reverse,
            },
        )?;
        // Ingest checks that each names a line of the order; one that does not is left out.
        let edges: Vec<FulfillmentLineItemEdge> = edges
            .into_iter()
            .filter_map(|(cursor, position)| {
                let fulfilled = lines.get(position)?;
                Some(FulfillmentLineItemEdge {
                    cursor,
                    node: FulfillmentLineItem {
                        line_item: OrderLineItem::by_id(&self.order, fulfilled.line_item_id)?,
                        quantity: fulfilled.quantity,
                    },
                })
            })
            .collect();
        Ok(FulfillmentLineItemConnection {
            nodes: edges.iter().map(|edge| edge.node.clone()).collect(),
            edges,
            page_info,
        })
    }

    /// The name of the tracking company.
    async fn tracking_company(&self) -> Option<&str> {
        self.fulfillment().tracking_company.as_deref()
    }

    /// Tracking information associated with the fulfillment, such as the tracking number and tracking URL.
    async fn tracking_info(
        &self,
        #[graphql(desc = "Truncate the array result to this size.")] first: Option<i32>,
    ) -> Result<Vec<FulfillmentTrackingInfo>> {
        // REST sends numbers and URLs as two lists, pairwise; a number without a URL (or the
        // reverse) is shown with the other `null`.
        let fulfillment = self.fulfillment();
        let numbers = &fulfillment.tracking_numbers;
        let urls = &fulfillment.tracking_urls;
        let count = numbers.len().max(urls.len());
        let count = truncation(first)?.map_or(count, |first| first.min(count));
        Ok((0..count)
            .map(|i| FulfillmentTrackingInfo {
                number: numbers.get(i).cloned(),
                url: urls.get(i).cloned().map(Url),
            })
            .collect())
    }
}

/// One line of a fulfillment, with the order line it names.
#[derive(Clone)]
pub struct FulfillmentLineItem {
    line_item: OrderLineItem,
    quantity: u32,
}

/// Records how many units of an OrderLineItem were included in a Fulfillment. Each order line item has at most one fulfillment line item per fulfillment.
#[Object]
impl FulfillmentLineItem {
    /// The associated order's line item.
    async fn line_item(&self) -> &OrderLineItem {
        &self.line_item
    }

    /// The amount fulfilled in this fulfillment.
    async fn quantity(&self) -> Result<i32> {
        int(u64::from(self.quantity), "quantity")
    }
}

/// An auto-generated type for paginating through multiple FulfillmentLineItems.
#[derive(SimpleObject)]
pub struct FulfillmentLineItemConnection {
    /// A list of edges.
    pub edges: Vec<FulfillmentLineItemEdge>,
    /// A list of the nodes contained in FulfillmentLineItemEdge.
    pub nodes: Vec<FulfillmentLineItem>,
    /// Information to aid in pagination.
    pub page_info: PageInfo,
}

/// An auto-generated type which holds one FulfillmentLineItem and a cursor during pagination.
#[derive(SimpleObject)]
pub struct FulfillmentLineItemEdge {
    /// A cursor for use in pagination.
    pub cursor: String,
    /// The item at the end of FulfillmentLineItemEdge.
    pub node: FulfillmentLineItem,
}

/// Tracking information associated with the fulfillment.
#[derive(SimpleObject, Clone, Debug)]
pub struct FulfillmentTrackingInfo {
    /// The tracking number of the fulfillment.
    pub number: Option<String>,
    /// The URL to track the fulfillment.
    pub url: Option<Url>,
}
