//! `Order` and its connection.

use std::sync::Arc;

use async_graphql::{ID, Object, Result, SimpleObject};

use super::currency_code::CurrencyCode;
use super::discount::{DiscountAllocation, DiscountApplicationConnection};
use super::enums::{OrderCancelReason, OrderFinancialStatus, OrderFulfillmentStatus};
use super::fulfillment::Fulfillment;
use super::line_item::{Attribute, OrderLineItemConnection};
use super::money::MoneyV2;
use super::{PageArgs, int, page_of_positions, truncation};
use crate::domain::order::{self as domain, StoredOrder};
use crate::graphql::storefront::address::{MailingAddress, OrderAddressRole, PageInfo};
use crate::graphql::storefront::metafield::{HasMetafieldsIdentifier, Metafield, none_for};
use crate::graphql::storefront::scalars::{DateTime, UnsignedInt64, Url};

/// A stored order, as the Storefront API shows it.
#[derive(Clone)]
pub struct Order(pub Arc<StoredOrder>);

impl Order {
    fn record(&self) -> &domain::Order {
        &self.0.record
    }

    fn money(&self, money: Option<&domain::Money>) -> Option<MoneyV2> {
        money.map(MoneyV2::from)
    }

    /// A non-null total: the first of `candidates` the order carries, else zero in the order's
    /// currency.
    fn money_or_zero(&self, candidates: &[Option<&domain::Money>]) -> MoneyV2 {
        candidates
            .iter()
            .flatten()
            .next()
            .map_or_else(|| MoneyV2::zero(&self.record().currency), |m| (*m).into())
    }

    fn address(
        &self,
        address: Option<&domain::OrderAddress>,
        role: OrderAddressRole,
    ) -> Option<MailingAddress> {
        MailingAddress::of_order(self.record().id, role, address?.to_fields())
    }

    /// `totalShippingPrice`: the record's total (REST `total_shipping_price_set`, or the
    /// shipping lines' sum), else zero: an order without shipping lines shipped for nothing.
    fn total_shipping(&self) -> MoneyV2 {
        self.money_or_zero(&[self.record().total_shipping_price.as_ref()])
    }

    /// `totalRefunded`: refunds are not kept in the read model, so nothing refunded, in the
    /// order's currency.
    fn nothing_refunded(&self) -> MoneyV2 {
        MoneyV2::zero(&self.record().currency)
    }
}

/// An order is a customer’s completed request to purchase one or more products from a shop. An order is created when a customer completes the checkout process, during which time they provides an email address, billing address and payment information.
#[Object]
impl Order {
    /// The address associated with the payment method.
    async fn billing_address(&self) -> Option<MailingAddress> {
        self.address(
            self.record().billing_address.as_ref(),
            OrderAddressRole::Billing,
        )
    }

    /// The reason for the order's cancellation. Returns `null` if the order wasn't canceled.
    async fn cancel_reason(&self) -> Option<OrderCancelReason> {
        self.record().cancel_reason.map(Into::into)
    }

    /// The date and time when the order was canceled. Returns null if the order wasn't canceled.
    async fn canceled_at(&self) -> Option<DateTime> {
        self.record()
            .cancelled_at
            .map(|at| DateTime(at.unix_timestamp()))
    }

    /// The code of the currency used for the payment.
    async fn currency_code(&self) -> CurrencyCode {
        CurrencyCode::from_code_or_unrecognized(self.record().currency.as_str())
    }

    /// The subtotal of line items and their discounts, excluding line items that have been removed. Does not contain order-level discounts, duties, shipping costs, or shipping discounts. Taxes aren't included unless the order is a taxes-included order.
    async fn current_subtotal_price(&self) -> MoneyV2 {
        // Orders from before order editing carry no `current_*` totals: nothing was removed,
        // so the subtotal as placed stands in, then the line items' total.
        let r = self.record();
        self.money_or_zero(&[
            r.current_subtotal_price.as_ref(),
            r.subtotal_price.as_ref(),
            r.total_line_items_price.as_ref(),
        ])
    }

    /// The total cost of duties for the order, including refunds.
    async fn current_total_duties(&self) -> Option<MoneyV2> {
        self.money(self.record().current_total_duties.as_ref())
    }

    /// The total amount of the order, including duties, taxes and discounts, minus amounts for line items that have been removed.
    async fn current_total_price(&self) -> MoneyV2 {
        let r = self.record();
        self.money_or_zero(&[r.current_total_price.as_ref(), Some(&r.total_price)])
    }

    /// The total cost of shipping, excluding shipping lines that have been refunded or removed. Taxes aren't included unless the order is a taxes-included order.
    async fn current_total_shipping_price(&self) -> MoneyV2 {
        // Refunds are not kept: the shipping as placed.
        self.total_shipping()
    }

    /// The total of all taxes applied to the order, excluding taxes for returned line items.
    async fn current_total_tax(&self) -> MoneyV2 {
        // Without `current_total_tax`, the tax as placed; without that either, none.
        let r = self.record();
        self.money_or_zero(&[r.current_total_tax.as_ref(), r.total_tax.as_ref()])
    }

    /// A list of the custom attributes added to the order. For example, whether an order is a customer's first.
    async fn custom_attributes(&self) -> Vec<Attribute> {
        self.record()
            .note_attributes
            .iter()
            .map(Attribute::from)
            .collect()
    }

    /// The locale code in which this specific order happened.
    async fn customer_locale(&self) -> Option<&str> {
        self.record().customer_locale.as_deref()
    }

    /// The unique URL that the customer can use to access the order.
    async fn customer_url(&self) -> Option<Url> {
        Some(&self.0.customer_url)
            .filter(|url| !url.is_empty())
            .map(|url| Url(url.clone()))
    }

    /// Discounts that have been applied on the order.
    async fn discount_applications(
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
    ) -> Result<DiscountApplicationConnection> {
        let (edges, page_info) = page_of_positions(
            self.record().discount_applications.len(),
            PageArgs {
                after,
                before,
                first,
                last,
                reverse,
            },
        )?;
        Ok(DiscountApplicationConnection::new(
            self.record(),
            edges,
            page_info,
        ))
    }

    /// Whether the order has had any edits applied or not.
    async fn edited(&self) -> bool {
        // Order edits are not kept: an edited order arrives as its latest version.
        false
    }

    /// The customer's email address.
    async fn email(&self) -> Option<&str> {
        self.record().email.as_deref()
    }

    /// The financial status of the order.
    async fn financial_status(&self) -> Option<OrderFinancialStatus> {
        self.record().financial_status.map(Into::into)
    }

    /// The fulfillment status for the order.
    async fn fulfillment_status(&self) -> OrderFulfillmentStatus {
        self.record().fulfillment_status.into()
    }

    /// A globally-unique ID.
    pub async fn id(&self) -> ID {
        ID(self.0.gid())
    }

    /// List of the order’s line items.
    async fn line_items(
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
    ) -> Result<OrderLineItemConnection> {
        let (edges, page_info) = page_of_positions(
            self.record().line_items.len(),
            PageArgs {
                after,
                before,
                first,
                last,
                reverse,
            },
        )?;
        Ok(OrderLineItemConnection::new(&self.0, edges, page_info))
    }

    /// A custom field, including its `namespace` and `key`, that's associated with a Shopify resource for the purposes of adding and storing additional information.
    pub async fn metafield(
        &self,
        #[graphql(desc = "The identifier for the metafield.")] key: String,
        #[graphql(
            desc = "The container the metafield belongs to. If omitted, the app-reserved namespace will be used."
        )]
        namespace: Option<String>,
    ) -> Option<Metafield> {
        // Order metafields are not kept yet (definitions are for customers only): none to show.
        let _ = (key, namespace);
        None
    }

    /// A list of custom fields that a merchant associates with a Shopify resource.
    pub async fn metafields(
        &self,
        #[graphql(
            desc = "The list of metafields to retrieve by namespace and key. The input must not contain more than `250` values."
        )]
        identifiers: Vec<HasMetafieldsIdentifier>,
    ) -> Result<Vec<Option<Metafield>>> {
        none_for(&identifiers)
    }

    /// Unique identifier for the order that appears on the order. For example, _#1000_ or _Store1001.
    async fn name(&self) -> &str {
        &self.record().name
    }

    /// A unique numeric identifier for the order for use by shop owner and customer.
    async fn order_number(&self) -> Result<i32> {
        int(self.record().order_number, "order number")
    }

    /// The total cost of duties charged at checkout.
    async fn original_total_duties(&self) -> Option<MoneyV2> {
        self.money(self.record().original_total_duties.as_ref())
    }

    /// The total price of the order before any applied edits.
    async fn original_total_price(&self) -> MoneyV2 {
        // REST's `total_price` is the total as placed; edits change the `current_*` totals.
        (&self.record().total_price).into()
    }

    /// The customer's phone number for receiving SMS notifications.
    async fn phone(&self) -> Option<&str> {
        self.record().phone.as_deref()
    }

    /// The date and time when the order was imported. This value can be set to dates in the past when importing from other systems. If no value is provided, it will be auto-generated based on current date and time.
    async fn processed_at(&self) -> DateTime {
        DateTime(self.record().processed_at.unix_timestamp())
    }

    /// The address to where the order will be shipped.
    async fn shipping_address(&self) -> Option<MailingAddress> {
        self.address(
            self.record().shipping_address.as_ref(),
            OrderAddressRole::Shipping,
        )
    }

    /// The discounts that have been allocated onto the shipping line by discount applications.
    async fn shipping_discount_allocations(&self) -> Vec<DiscountAllocation> {
        // The record keeps the allocations of line items only; shipping discounts show as
        // applications with a `SHIPPING_LINE` target type, but what each took off a shipping
        // line is not recorded, and it is not recomputed.
        Vec::new()
    }

    /// The unique URL for the order's status page.
    async fn status_url(&self) -> Url {
        Url(self.0.status_url.clone())
    }

    /// Price of the order before shipping and taxes.
    async fn subtotal_price(&self) -> Option<MoneyV2> {
        self.money(self.record().subtotal_price.as_ref())
    }

    /// Price of the order before duties, shipping and taxes.
    #[graphql(name = "subtotalPriceV2", deprecation = "Use `subtotalPrice` instead.")]
    async fn subtotal_price_v2(&self) -> Option<MoneyV2> {
        self.money(self.record().subtotal_price.as_ref())
    }

    /// List of the order’s successful fulfillments.
    async fn successful_fulfillments(
        &self,
        #[graphql(desc = "Truncate the array result to this size.")] first: Option<i32>,
    ) -> Result<Option<Vec<Fulfillment>>> {
        // In the order REST lists them (oldest first). A fulfillment without a status is one
        // from a payload that predates the field; only fulfillments that shipped were sent then.
        let limit = truncation(first)?.unwrap_or(usize::MAX);
        Ok(Some(
            self.record()
                .fulfillments
                .iter()
                .enumerate()
                .filter(|(_, f)| matches!(f.status, None | Some(domain::FulfillmentState::Success)))
                .filter_map(|(position, _)| Fulfillment::new(Arc::clone(&self.0), position))
                .take(limit)
                .collect(),
        ))
    }

    /// The sum of all the prices of all the items in the order, duties, taxes and discounts included (must be positive).
    async fn total_price(&self) -> MoneyV2 {
        (&self.record().total_price).into()
    }

    /// The sum of all the prices of all the items in the order, duties, taxes and discounts included (must be positive).
    #[graphql(name = "totalPriceV2", deprecation = "Use `totalPrice` instead.")]
    async fn total_price_v2(&self) -> MoneyV2 {
        (&self.record().total_price).into()
    }

    /// The total amount that has been refunded.
    async fn total_refunded(&self) -> MoneyV2 {
        self.nothing_refunded()
    }

    /// The total amount that has been refunded.
    #[graphql(name = "totalRefundedV2", deprecation = "Use `totalRefunded` instead.")]
    async fn total_refunded_v2(&self) -> MoneyV2 {
        self.nothing_refunded()
    }

    /// The total cost of shipping.
    async fn total_shipping_price(&self) -> MoneyV2 {
        self.total_shipping()
    }

    /// The total cost of shipping.
    #[graphql(
        name = "totalShippingPriceV2",
        deprecation = "Use `totalShippingPrice` instead."
    )]
    async fn total_shipping_price_v2(&self) -> MoneyV2 {
        self.total_shipping()
    }

    /// The total cost of taxes.
    async fn total_tax(&self) -> Option<MoneyV2> {
        self.money(self.record().total_tax.as_ref())
    }

    /// The total cost of taxes.
    #[graphql(name = "totalTaxV2", deprecation = "Use `totalTax` instead.")]
    async fn total_tax_v2(&self) -> Option<MoneyV2> {
        self.money(self.record().total_tax.as_ref())
    }
}

/// An auto-generated type for paginating through multiple Orders.
#[derive(SimpleObject)]
pub struct OrderConnection {
    /// A list of edges.
    pub edges: Vec<OrderEdge>,
    /// A list of the nodes contained in OrderEdge.
    pub nodes: Vec<Order>,
    /// Information to aid in pagination.
    pub page_info: PageInfo,
    /// The total count of Orders.
    pub total_count: UnsignedInt64,
}

/// An auto-generated type which holds one Order and a cursor during pagination.
#[derive(SimpleObject)]
pub struct OrderEdge {
    /// A cursor for use in pagination.
    pub cursor: String,
    /// The item at the end of OrderEdge.
    pub node: Order,
}

impl OrderConnection {
    /// A page of orders with their cursors, in page order; `total_count` counts every order the
    /// connection ranges over, not just this page.
    pub fn new(
        edges: Vec<(String, Arc<StoredOrder>)>,
        page_info: PageInfo,
        total_count: u64,
    ) -> Self {
        let edges: Vec<OrderEdge> = edges
            .into_iter()
            .map(|(cursor, order)| OrderEdge {
                cursor,
                node: Order(order),
            })
            .collect();
        OrderConnection {
            nodes: edges.iter().map(|edge| edge.node.clone()).collect(),
            edges,
            page_info,
            total_count: UnsignedInt64(total_count),
        }
    }
}
