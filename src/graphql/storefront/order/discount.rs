//! `DiscountApplication` (an interface with four implementers, one per REST discount `type`),
//! its connection, `DiscountAllocation` and the `PricingValue` union.

use async_graphql::{Interface, SimpleObject, Union};

use super::enums::{
    DiscountApplicationAllocationMethod, DiscountApplicationTargetSelection,
    DiscountApplicationTargetType,
};
use super::money::MoneyV2;
use crate::domain::order as domain;
use crate::graphql::storefront::address::PageInfo;

/// Captures the intent of a discount at the time it was applied. Each implementation represents a different discount source, such as automatic discounts, discount codes, and manual discounts.
#[derive(Interface, Clone, Debug)]
#[graphql(
    field(
        name = "allocation_method",
        ty = "&DiscountApplicationAllocationMethod",
        desc = "The method by which the discount's value is allocated to its entitled items."
    ),
    field(
        name = "target_selection",
        ty = "&DiscountApplicationTargetSelection",
        desc = "Which lines of targetType that the discount is allocated over."
    ),
    field(
        name = "target_type",
        ty = "&DiscountApplicationTargetType",
        desc = "The type of line that the discount is applicable towards."
    ),
    field(
        name = "value",
        ty = "&PricingValue",
        desc = "The value of the discount application."
    )
)]
pub enum DiscountApplication {
    Automatic(AutomaticDiscountApplication),
    DiscountCode(DiscountCodeApplication),
    Manual(ManualDiscountApplication),
    Script(ScriptDiscountApplication),
}

/// An automatic discount applied to a cart or checkout without requiring a discount code. Implements the DiscountApplication interface.
#[derive(SimpleObject, Clone, Debug)]
pub struct AutomaticDiscountApplication {
    /// The method by which the discount's value is allocated to its entitled items.
    pub allocation_method: DiscountApplicationAllocationMethod,
    /// Which lines of targetType that the discount is allocated over.
    pub target_selection: DiscountApplicationTargetSelection,
    /// The type of line that the discount is applicable towards.
    pub target_type: DiscountApplicationTargetType,
    /// The title of the application.
    pub title: String,
    /// The value of the discount application.
    pub value: PricingValue,
}

/// Records the configuration and intent of a discount code when a customer applies it. This includes the code string, allocation method, target type, and discount value at the time of application. The applicable field indicates whether the code was successfully applied.
#[derive(SimpleObject, Clone, Debug)]
pub struct DiscountCodeApplication {
    /// The method by which the discount's value is allocated to its entitled items.
    pub allocation_method: DiscountApplicationAllocationMethod,
    /// Specifies whether the discount code was applied successfully.
    pub applicable: bool,
    /// The string identifying the discount code that was used at the time of application.
    pub code: String,
    /// Which lines of targetType that the discount is allocated over.
    pub target_selection: DiscountApplicationTargetSelection,
    /// The type of line that the discount is applicable towards.
    pub target_type: DiscountApplicationTargetType,
    /// The value of the discount application.
    pub value: PricingValue,
}

/// A discount created manually by a merchant, as opposed to automatic discounts or discount codes. Implements the DiscountApplication interface and includes a title, optional description, and the discount value as either a fixed amount or percentage.
#[derive(SimpleObject, Clone, Debug)]
pub struct ManualDiscountApplication {
    /// The method by which the discount's value is allocated to its entitled items.
    pub allocation_method: DiscountApplicationAllocationMethod,
    /// The description of the application.
    pub description: Option<String>,
    /// Which lines of targetType that the discount is allocated over.
    pub target_selection: DiscountApplicationTargetSelection,
    /// The type of line that the discount is applicable towards.
    pub target_type: DiscountApplicationTargetType,
    /// The title of the application.
    pub title: String,
    /// The value of the discount application.
    pub value: PricingValue,
}

/// A discount application created by a Shopify Script. Implements the DiscountApplication interface and captures the discount's value, allocation method, and targeting rules at the time the script applied it.
#[derive(SimpleObject, Clone, Debug)]
pub struct ScriptDiscountApplication {
    /// The method by which the discount's value is allocated to its entitled items.
    pub allocation_method: DiscountApplicationAllocationMethod,
    /// Which lines of targetType that the discount is allocated over.
    pub target_selection: DiscountApplicationTargetSelection,
    /// The type of line that the discount is applicable towards.
    pub target_type: DiscountApplicationTargetType,
    /// The title of the application as defined by the Script.
    pub title: String,
    /// The value of the discount application.
    pub value: PricingValue,
}

impl DiscountApplication {
    /// The implementer for the record's REST `type`. Shopify sends a `code` for discount-code
    /// applications and a `title` for the others; when the one a type shows is missing, the other
    /// stands in, and failing both the empty string (the fields are non-null).
    pub fn from_record(application: &domain::DiscountApplication) -> Self {
        let allocation_method = application.allocation_method.into();
        let target_selection =
            DiscountApplicationTargetSelection::from_record(application.target_selection);
        let target_type = application.target_type.into();
        let value = PricingValue::from(&application.value);
        let title = || {
            application
                .title
                .clone()
                .or_else(|| application.code.clone())
                .unwrap_or_default()
        };
        match application.kind {
            domain::DiscountApplicationKind::Automatic => {
                Self::Automatic(AutomaticDiscountApplication {
                    allocation_method,
                    target_selection,
                    target_type,
                    title: title(),
                    value,
                })
            }
            domain::DiscountApplicationKind::DiscountCode => {
                Self::DiscountCode(DiscountCodeApplication {
                    allocation_method,
                    // Only the codes that took effect are on an order.
                    applicable: true,
                    code: application
                        .code
                        .clone()
                        .or_else(|| application.title.clone())
                        .unwrap_or_default(),
                    target_selection,
                    target_type,
                    value,
                })
            }
            domain::DiscountApplicationKind::Manual => Self::Manual(ManualDiscountApplication {
                allocation_method,
                description: application.description.clone(),
                target_selection,
                target_type,
                title: title(),
                value,
            }),
            domain::DiscountApplicationKind::Script => Self::Script(ScriptDiscountApplication {
                allocation_method,
                target_selection,
                target_type,
                title: title(),
                value,
            }),
        }
    }
}

/// The price value (fixed or percentage) for a discount application.
#[derive(Union, Clone, Debug)]
pub enum PricingValue {
    MoneyV2(MoneyV2),
    PricingPercentageValue(PricingPercentageValue),
}

impl From<&domain::PricingValue> for PricingValue {
    fn from(value: &domain::PricingValue) -> Self {
        match value {
            domain::PricingValue::Percentage(percentage) => {
                Self::PricingPercentageValue(PricingPercentageValue {
                    percentage: percentage.to_f64(),
                })
            }
            domain::PricingValue::FixedAmount(money) => Self::MoneyV2(money.into()),
        }
    }
}

/// A percentage discount value applied to cart items or orders. Returned as part of the PricingValue union on discount applications, where it represents discounts calculated as a percentage off rather than a fixed amount.
#[derive(SimpleObject, Clone, Debug)]
pub struct PricingPercentageValue {
    /// The percentage value of the object.
    pub percentage: f64,
}

/// The calculated discount amount applied to a line item or shipping line. While a DiscountApplication captures the discount's rules and intentions, the allocation shows how much was actually deducted.
#[derive(SimpleObject, Clone, Debug)]
pub struct DiscountAllocation {
    /// Amount of discount allocated.
    pub allocated_amount: MoneyV2,
    /// The discount this allocated amount originated from.
    pub discount_application: DiscountApplication,
}

impl DiscountAllocation {
    /// The allocation with the application it names; `None` if the order has no application at
    /// that index (ingest checks the index, so only a damaged record lacks it).
    pub fn from_record(
        allocation: &domain::DiscountAllocation,
        order: &domain::Order,
    ) -> Option<Self> {
        let application = order
            .discount_applications
            .get(allocation.discount_application_index)?;
        Some(DiscountAllocation {
            allocated_amount: (&allocation.amount).into(),
            discount_application: DiscountApplication::from_record(application),
        })
    }
}

/// An auto-generated type for paginating through multiple DiscountApplications.
#[derive(SimpleObject)]
pub struct DiscountApplicationConnection {
    /// A list of edges.
    pub edges: Vec<DiscountApplicationEdge>,
    /// A list of the nodes contained in DiscountApplicationEdge.
    pub nodes: Vec<DiscountApplication>,
    /// Information to aid in pagination.
    pub page_info: PageInfo,
}

/// An auto-generated type which holds one DiscountApplication and a cursor during pagination.
#[derive(SimpleObject)]
pub struct DiscountApplicationEdge {
    /// A cursor for use in pagination.
    pub cursor: String,
    /// The item at the end of DiscountApplicationEdge.
    pub node: DiscountApplication,
}

impl DiscountApplicationConnection {
    /// A page of the order's applications (`edges` are positions in the record's list).
    pub fn new(order: &domain::Order, edges: Vec<(String, usize)>, page_info: PageInfo) -> Self {
        let edges: Vec<DiscountApplicationEdge> = edges
            .into_iter()
            .filter_map(|(cursor, position)| {
                let application = order.discount_applications.get(position)?;
                Some(DiscountApplicationEdge {
                    cursor,
                    node: DiscountApplication::from_record(application),
                })
            })
            .collect();
        DiscountApplicationConnection {
            nodes: edges.iter().map(|edge| edge.node.clone()).collect(),
            edges,
            page_info,
        }
    }
}
