//! `OrderLineItem`, its connection, and `Attribute`.

use std::sync::Arc;

use async_graphql::{Object, Result, SimpleObject};

use super::discount::DiscountAllocation;
use super::int;
use super::money::{MoneyV2, checked_mul, checked_sub};
use super::product::ProductVariant;
use crate::domain::order::{self as domain, StoredOrder};
use crate::graphql::storefront::address::PageInfo;

/// One line of a stored order.
#[derive(Clone)]
pub struct OrderLineItem {
    order: Arc<StoredOrder>,
    /// Checked to be a position in the order's line items when built; the order behind the `Arc`
    /// never changes.
    position: usize,
}

impl OrderLineItem {
    /// The line at `position`; `None` if the order has no such line.
    pub fn new(order: Arc<StoredOrder>, position: usize) -> Option<Self> {
        (position < order.record.line_items.len()).then_some(OrderLineItem { order, position })
    }

    /// The line whose REST id is `id` (fulfillments name lines by id).
    pub fn by_id(order: &Arc<StoredOrder>, id: u64) -> Option<Self> {
        let position = order
            .record
            .line_items
            .iter()
            .position(|line| line.id == id)?;
        Self::new(Arc::clone(order), position)
    }

    fn line(&self) -> &domain::LineItem {
        &self.order.record.line_items[self.position]
    }

    /// The unit price times the quantity, exactly.
    fn original_total(&self) -> Result<domain::Decimal> {
        let line = self.line();
        checked_mul(line.price.amount, line.quantity).ok_or_else(|| out_of_range(line.id))
    }
}

fn out_of_range(line_id: u64) -> async_graphql::Error {
    async_graphql::Error::new(format!(
        "The total of line item {line_id} is too large to be represented."
    ))
}

/// Shopify's line title, "the title of the product combined with title of the variant": REST's
/// `name` is exactly that; without it, the title and the variant title joined as `name` joins
/// them.
pub fn line_title(line: &domain::LineItem) -> String {
    if let Some(name) = line.name.as_deref().filter(|name| !name.is_empty()) {
        return name.to_owned();
    }
    match line.variant_title.as_deref().filter(|v| !v.is_empty()) {
        Some(variant) => format!("{} - {variant}", line.title),
        None => line.title.clone(),
    }
}

/// Represents a single line in an order. There is one line item for each distinct product variant.
#[Object]
impl OrderLineItem {
    /// The number of entries associated to the line item minus the items that have been removed.
    async fn current_quantity(&self) -> Result<i32> {
        let line = self.line();
        // Older payloads lack `current_quantity`: nothing was removed then.
        int(
            u64::from(line.current_quantity.unwrap_or(line.quantity)),
            "quantity",
        )
    }

    /// List of custom attributes associated to the line item.
    async fn custom_attributes(&self) -> Vec<Attribute> {
        self.line().attributes.iter().map(Attribute::from).collect()
    }

    /// The discounts that have been allocated onto the order line item by discount applications.
    async fn discount_allocations(&self) -> Vec<DiscountAllocation> {
        self.line()
            .discount_allocations
            .iter()
            .filter_map(|allocation| {
                DiscountAllocation::from_record(allocation, &self.order.record)
            })
            .collect()
    }

    /// The total price of the line item, including discounts, and displayed in the presentment currency.
    async fn discounted_total_price(&self) -> Result<MoneyV2> {
        // The original total minus what the line's allocations took off, as the shop sent
        // them (not clamped at zero).
        let line = self.line();
        let mut total = self.original_total()?;
        for allocation in &line.discount_allocations {
            total = checked_sub(total, allocation.amount.amount)
                .ok_or_else(|| out_of_range(line.id))?;
        }
        Ok(MoneyV2::new(total, &line.price.currency))
    }

    /// The total price of the line item, not including any discounts. The total price is calculated using the original unit price multiplied by the quantity, and it's displayed in the presentment currency.
    async fn original_total_price(&self) -> Result<MoneyV2> {
        Ok(MoneyV2::new(
            self.original_total()?,
            &self.line().price.currency,
        ))
    }

    /// The number of products variants associated to the line item.
    async fn quantity(&self) -> Result<i32> {
        int(u64::from(self.line().quantity), "quantity")
    }

    /// The title of the product combined with title of the variant.
    async fn title(&self) -> String {
        line_title(self.line())
    }

    /// The product variant object associated to the line item.
    async fn variant(&self) -> Option<ProductVariant> {
        ProductVariant::of_line(self.line())
    }
}

/// A custom key-value pair for storing additional information on carts, cart lines, orders, and order line items. Common uses include gift wrapping requests, customer notes, and tracking whether a customer is a first-time buyer.
#[derive(SimpleObject, Clone, Debug)]
pub struct Attribute {
    /// The key or name of the attribute. For example, `"customersFirstOrder"`.
    pub key: String,
    /// The value of the attribute. For example, `"true"`.
    pub value: Option<String>,
}

impl From<&domain::Attribute> for Attribute {
    fn from(attribute: &domain::Attribute) -> Self {
        Attribute {
            key: attribute.key.clone(),
            value: attribute.value.clone(),
        }
    }
}

/// An auto-generated type for paginating through multiple OrderLineItems.
#[derive(SimpleObject)]
pub struct OrderLineItemConnection {
    /// A list of edges.
    pub edges: Vec<OrderLineItemEdge>,
    /// A list of the nodes contained in OrderLineItemEdge.
    pub nodes: Vec<OrderLineItem>,
    /// Information to aid in pagination.
    pub page_info: PageInfo,
}

/// An auto-generated type which holds one OrderLineItem and a cursor during pagination.
#[derive(SimpleObject)]
pub struct OrderLineItemEdge {
    /// A cursor for use in pagination.
    pub cursor: String,
    /// The item at the end of OrderLineItemEdge.
    pub node: OrderLineItem,
}

impl OrderLineItemConnection {
    /// A page of the order's lines (`edges` are positions in the record's list).
    pub fn new(order: &Arc<StoredOrder>, edges: Vec<(String, usize)>, page_info: PageInfo) -> Self {
        let edges: Vec<OrderLineItemEdge> = edges
            .into_iter()
            .filter_map(|(cursor, position)| {
                Some(OrderLineItemEdge {
                    cursor,
                    node: OrderLineItem::new(Arc::clone(order), position)?,
                })
            })
            .collect();
        OrderLineItemConnection {
            nodes: edges.iter().map(|edge| edge.node.clone()).collect(),
            edges,
            page_info,
        }
    }
}
