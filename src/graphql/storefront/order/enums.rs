//! The order enums of the Storefront API 2026-04, and how the record's values map onto them.

use async_graphql::Enum;

use crate::domain::order as domain;

/// Represents the order's current financial status.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum OrderFinancialStatus {
    /// Displayed as **Authorized**.
    Authorized,
    /// Displayed as **Paid**.
    Paid,
    /// Displayed as **Partially paid**.
    PartiallyPaid,
    /// Displayed as **Partially refunded**.
    PartiallyRefunded,
    /// Displayed as **Pending**.
    Pending,
    /// Displayed as **Refunded**.
    Refunded,
    /// Displayed as **Voided**.
    Voided,
}

impl From<domain::FinancialStatus> for OrderFinancialStatus {
    fn from(status: domain::FinancialStatus) -> Self {
        use domain::FinancialStatus as F;
        match status {
            F::Authorized => Self::Authorized,
            F::Paid => Self::Paid,
            F::PartiallyPaid => Self::PartiallyPaid,
            F::PartiallyRefunded => Self::PartiallyRefunded,
            F::Pending => Self::Pending,
            F::Refunded => Self::Refunded,
            F::Voided => Self::Voided,
        }
    }
}

/// The aggregated fulfillment status of an Order, summarizing the state of all line items. Used for display purposes.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum OrderFulfillmentStatus {
    /// Displayed as **Fulfilled**. All of the items in the order have been fulfilled.
    Fulfilled,
    /// Displayed as **In progress**. Some of the items in the order have been fulfilled, or a request for fulfillment has been sent to the fulfillment service.
    InProgress,
    /// Displayed as **On hold**. All of the unfulfilled items in this order are on hold.
    OnHold,
    /// Displayed as **Open**. None of the items in the order have been fulfilled. Replaced by "UNFULFILLED" status.
    Open,
    /// Displayed as **Partially fulfilled**. Some of the items in the order have been fulfilled.
    PartiallyFulfilled,
    /// Displayed as **Pending fulfillment**. A request for fulfillment of some items awaits a response from the fulfillment service. Replaced by "IN_PROGRESS" status.
    PendingFulfillment,
    /// Displayed as **Restocked**. All of the items in the order have been restocked. Replaced by "UNFULFILLED" status.
    Restocked,
    /// Displayed as **Scheduled**. All of the unfulfilled items in this order are scheduled for fulfillment at later time.
    Scheduled,
    /// Displayed as **Unfulfilled**. None of the items in the order have been fulfilled.
    Unfulfilled,
}

/// REST's `fulfillment_status` has four values (`null` is "nothing fulfilled yet"); the other
/// values of the enum come from Shopify's fulfillment orders, which order webhooks don't carry.
impl From<domain::FulfillmentStatus> for OrderFulfillmentStatus {
    fn from(status: domain::FulfillmentStatus) -> Self {
        use domain::FulfillmentStatus as F;
        match status {
            F::Fulfilled => Self::Fulfilled,
            F::PartiallyFulfilled => Self::PartiallyFulfilled,
            F::Restocked => Self::Restocked,
            F::Unfulfilled => Self::Unfulfilled,
        }
    }
}

/// Represents the reason for the order's cancellation.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum OrderCancelReason {
    /// The customer wanted to cancel the order.
    Customer,
    /// Payment was declined.
    Declined,
    /// The order was fraudulent.
    Fraud,
    /// There was insufficient inventory.
    Inventory,
    /// The order was canceled for an unlisted reason.
    Other,
    /// Staff made an error.
    Staff,
}

impl From<domain::CancelReason> for OrderCancelReason {
    fn from(reason: domain::CancelReason) -> Self {
        use domain::CancelReason as R;
        match reason {
            R::Customer => Self::Customer,
            R::Declined => Self::Declined,
            R::Fraud => Self::Fraud,
            R::Inventory => Self::Inventory,
            R::Other => Self::Other,
            R::Staff => Self::Staff,
        }
    }
}

/// Controls how a discount's value is distributed across entitled lines. A discount can either spread its value across all entitled lines or apply the full value to each line individually.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum DiscountApplicationAllocationMethod {
    /// The value is spread across all entitled lines.
    Across,
    /// The value is applied onto every entitled line.
    Each,
    /// The value is specifically applied onto a particular line.
    #[graphql(deprecation = "Use ACROSS instead.")]
    One,
}

impl From<domain::AllocationMethod> for DiscountApplicationAllocationMethod {
    fn from(method: domain::AllocationMethod) -> Self {
        use domain::AllocationMethod as M;
        match method {
            M::Across => Self::Across,
            M::Each => Self::Each,
            // Still sent by older orders; shown as sent, deprecated value and all.
            M::One => Self::One,
        }
    }
}

/// The lines on the order to which the discount is applied, of the type defined by the discount application's `targetType`. For example, the value `ENTITLED`, combined with a `targetType` of `LINE_ITEM`, applies the discount on all line items that are entitled to the discount. The value `ALL`, combined with a `targetType` of `SHIPPING_LINE`, applies the discount on all shipping lines.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum DiscountApplicationTargetSelection {
    /// The discount is allocated onto all the lines.
    All,
    /// The discount is allocated onto only the lines that it's entitled for.
    Entitled,
    /// The discount is allocated onto explicitly chosen lines.
    Explicit,
}

impl DiscountApplicationTargetSelection {
    /// REST orders written before `target_selection` existed lack it; `ALL` is what such a
    /// discount did (it applied to every line of its target type), and the field is non-null.
    pub fn from_record(selection: Option<domain::TargetSelection>) -> Self {
        use domain::TargetSelection as S;
        match selection {
            None | Some(S::All) => Self::All,
            Some(S::Entitled) => Self::Entitled,
            Some(S::Explicit) => Self::Explicit,
        }
    }
}

/// The type of line (i.e. line item or shipping line) on an order that the discount is applicable towards.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum DiscountApplicationTargetType {
    /// The discount applies onto line items.
    LineItem,
    /// The discount applies onto shipping lines.
    ShippingLine,
}

impl From<domain::TargetType> for DiscountApplicationTargetType {
    fn from(target: domain::TargetType) -> Self {
        match target {
            domain::TargetType::LineItem => Self::LineItem,
            domain::TargetType::ShippingLine => Self::ShippingLine,
        }
    }
}
