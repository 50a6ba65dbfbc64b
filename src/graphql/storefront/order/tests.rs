//! The order types against a real order body, through a small schema whose query returns it.

use std::sync::Arc;

use async_graphql::{EmptyMutation, EmptySubscription, Enum, ID, Object, Schema};
use serde_json::json;

use super::line_item::line_title;
use super::product::handle;
use super::{Order, OrderConnection};
use crate::domain::order::{
    self as domain, CurrencyCode, DiscountApplicationKind, OrderKey, PricingValue, StoredOrder,
};
use crate::graphql::storefront::address::PageInfo;

const FIXTURE: &[u8] = include_bytes!("../../../../tests/fixtures/shopify-order-webhook.json");
const KEY: &str = "25a879164603d3260f06990fc7a8d361";

fn record() -> domain::Order {
    domain::parse_order(FIXTURE).expect("the fixture parses")
}

fn stored(record: domain::Order) -> Arc<StoredOrder> {
    Arc::new(StoredOrder {
        record,
        key: OrderKey::parse(KEY).expect("a key"),
        customer_id: Some(1),
        status_url:
            "https://shop.example/account/orders/5983641207090?key=25a879164603d3260f06990fc7a8d361"
                .to_owned(),
        customer_url: "https://shop.example/account/orders/5983641207090".to_owned(),
    })
}

fn cad(amount: &str) -> domain::Money {
    domain::Money {
        amount: domain::Decimal::parse(amount).expect("a decimal"),
        currency: CurrencyCode::parse("CAD").expect("a currency"),
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
enum OrderSortKeys {
    Id,
    ProcessedAt,
    Relevance,
    TotalPrice,
}

/// Stands in for `Customer` and its `orders` field: the same page cost, every page the same
/// order repeated (enough to run real clients' documents and weigh them).
struct TestCustomer(Arc<StoredOrder>);

#[Object]
impl TestCustomer {
    async fn id(&self) -> ID {
        ID("gid://shopify/Customer/1".to_owned())
    }

    #[allow(clippy::too_many_arguments)]
    async fn orders(
        &self,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
        query: Option<String>,
        #[graphql(default_with = "Some(false)")] reverse: Option<bool>,
        #[graphql(default_with = "Some(OrderSortKeys::Id)")] sort_key: Option<OrderSortKeys>,
    ) -> OrderConnection {
        let _ = (after, before, query, reverse, sort_key);
        let count = first.or(last).unwrap_or(1).max(0) as usize;
        let edges = (0..count)
            .map(|i| (format!("cursor-{i}"), Arc::clone(&self.0)))
            .collect();
        OrderConnection::new(
            edges,
            PageInfo {
                end_cursor: None,
                has_next_page: false,
                has_previous_page: false,
                start_cursor: None,
            },
            count as u64,
        )
    }
}

struct Query(Arc<StoredOrder>);

#[Object]
impl Query {
    async fn order(&self) -> Order {
        Order(Arc::clone(&self.0))
    }

    async fn customer(&self, customer_access_token: String) -> TestCustomer {
        let _ = customer_access_token;
        TestCustomer(Arc::clone(&self.0))
    }
}

type TestSchema = Schema<Query, EmptyMutation, EmptySubscription>;

fn schema(record: domain::Order) -> TestSchema {
    Schema::build(Query(stored(record)), EmptyMutation, EmptySubscription).finish()
}

async fn run(schema: &TestSchema, query: &str) -> serde_json::Value {
    let response = schema.execute(query).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    response.data.into_json().expect("JSON data")
}

async fn order(record: domain::Order, selection: &str) -> serde_json::Value {
    let data = run(&schema(record), &format!("{{ order {{ {selection} }} }}")).await;
    data["order"].clone()
}

#[tokio::test]
async fn order_fields_and_money_read_as_shopify_prints_them() {
    let order = order(
        record(),
        "id name orderNumber email phone customerLocale edited
         processedAt canceledAt cancelReason financialStatus fulfillmentStatus currencyCode
         statusUrl customerUrl
         totalPrice { amount currencyCode } totalPriceV2 { amount }
         subtotalPrice { amount } subtotalPriceV2 { amount }
         totalTax { amount } totalTaxV2 { amount }
         totalShippingPrice { amount } totalShippingPriceV2 { amount }
         currentTotalShippingPrice { amount }
         totalRefunded { amount currencyCode } totalRefundedV2 { amount }
         currentTotalPrice { amount } currentSubtotalPrice { amount } currentTotalTax { amount }
         originalTotalPrice { amount } currentTotalDuties { amount } originalTotalDuties { amount }
         customAttributes { key value } shippingDiscountAllocations { allocatedAmount { amount } }",
    )
    .await;
    assert_eq!(
        order,
        json!({
            "id": "gid://shopify/Order/5983641207090?key=25a879164603d3260f06990fc7a8d361",
            "name": "#1843",
            "orderNumber": 1843,
            "email": "ada.lovelace@example.com",
            "phone": "+14165550074",
            "customerLocale": "en-CA",
            "edited": false,
            "processedAt": "2026-01-02T08:04:05Z",
            "canceledAt": null,
            "cancelReason": null,
            "financialStatus": "PAID",
            "fulfillmentStatus": "PARTIALLY_FULFILLED",
            "currencyCode": "CAD",
            "statusUrl": "https://shop.example/account/orders/5983641207090?key=25a879164603d3260f06990fc7a8d361",
            "customerUrl": "https://shop.example/account/orders/5983641207090",
            "totalPrice": { "amount": "83.9", "currencyCode": "CAD" },
            "totalPriceV2": { "amount": "83.9" },
            "subtotalPrice": { "amount": "69.25" },
            "subtotalPriceV2": { "amount": "69.25" },
            "totalTax": { "amount": "9.65" },
            "totalTaxV2": { "amount": "9.65" },
            "totalShippingPrice": { "amount": "5.0" },
            "totalShippingPriceV2": { "amount": "5.0" },
            "currentTotalShippingPrice": { "amount": "5.0" },
            "totalRefunded": { "amount": "0.0", "currencyCode": "CAD" },
            "totalRefundedV2": { "amount": "0.0" },
            "currentTotalPrice": { "amount": "83.9" },
            "currentSubtotalPrice": { "amount": "69.25" },
            "currentTotalTax": { "amount": "9.65" },
            "originalTotalPrice": { "amount": "83.9" },
            "currentTotalDuties": null,
            "originalTotalDuties": null,
            "customAttributes": [
                { "key": "gift_wrap", "value": "no" },
                { "key": "delivery_window", "value": "weekday mornings" }
            ],
            "shippingDiscountAllocations": []
        })
    );
}

#[tokio::test]
async fn totals_the_record_lacks_fall_back() {
    let mut record = record();
    record.current_total_price = None;
    record.current_subtotal_price = None;
    record.current_total_tax = None;
    record.total_shipping_price = None;
    let order = order(
        record.clone(),
        "currentTotalPrice { amount } currentSubtotalPrice { amount } currentTotalTax { amount }
         totalShippingPrice { amount currencyCode } currentTotalShippingPrice { amount }",
    )
    .await;
    assert_eq!(
        order,
        json!({
            "currentTotalPrice": { "amount": "83.9" },
            "currentSubtotalPrice": { "amount": "69.25" },
            "currentTotalTax": { "amount": "9.65" },
            "totalShippingPrice": { "amount": "0.0", "currencyCode": "CAD" },
            "currentTotalShippingPrice": { "amount": "0.0" }
        })
    );

    record.subtotal_price = None;
    record.total_tax = None;
    let order = self::order(
        record.clone(),
        "currentSubtotalPrice { amount } currentTotalTax { amount } totalTax { amount }",
    )
    .await;
    assert_eq!(
        order,
        json!({
            "currentSubtotalPrice": { "amount": "76.95" },
            "currentTotalTax": { "amount": "0.0" },
            "totalTax": null
        })
    );

    record.total_line_items_price = None;
    let order = self::order(record, "currentSubtotalPrice { amount }").await;
    assert_eq!(
        order,
        json!({ "currentSubtotalPrice": { "amount": "0.0" } })
    );
}

#[tokio::test]
async fn discount_applications_are_typed_with_their_value_union() {
    let mut record = record();
    let base = record.discount_applications[0].clone();
    record.discount_applications.extend([
        domain::DiscountApplication {
            kind: DiscountApplicationKind::Automatic,
            value: PricingValue::FixedAmount(cad("5.00")),
            allocation_method: domain::AllocationMethod::Each,
            target_selection: Some(domain::TargetSelection::Entitled),
            target_type: domain::TargetType::LineItem,
            code: None,
            title: Some("Spring sale".to_owned()),
            description: None,
        },
        domain::DiscountApplication {
            kind: DiscountApplicationKind::Manual,
            value: PricingValue::FixedAmount(cad("2.5")),
            allocation_method: domain::AllocationMethod::One,
            target_selection: None,
            target_type: domain::TargetType::ShippingLine,
            code: None,
            title: Some("Goodwill".to_owned()),
            description: Some("Late delivery".to_owned()),
        },
        domain::DiscountApplication {
            kind: DiscountApplicationKind::Script,
            title: None,
            code: None,
            ..base.clone()
        },
        domain::DiscountApplication {
            kind: DiscountApplicationKind::DiscountCode,
            code: None,
            title: Some("Titled code".to_owned()),
            ..base
        },
    ]);
    let order = order(
        record,
        "discountApplications(first: 10) {
           nodes {
             __typename allocationMethod targetSelection targetType
             value {
               __typename
               ... on MoneyV2 { amount currencyCode }
               ... on PricingPercentageValue { percentage }
             }
             ... on AutomaticDiscountApplication { title }
             ... on DiscountCodeApplication { applicable code }
             ... on ManualDiscountApplication { title description }
             ... on ScriptDiscountApplication { title }
           }
         }",
    )
    .await;
    assert_eq!(
        order["discountApplications"]["nodes"],
        json!([
            {
                "__typename": "DiscountCodeApplication",
                "allocationMethod": "ACROSS",
                "targetSelection": "ALL",
                "targetType": "LINE_ITEM",
                "value": { "__typename": "PricingPercentageValue", "percentage": 10.0 },
                "applicable": true,
                "code": "WELCOME10"
            },
            {
                "__typename": "AutomaticDiscountApplication",
                "allocationMethod": "EACH",
                "targetSelection": "ENTITLED",
                "targetType": "LINE_ITEM",
                "value": { "__typename": "MoneyV2", "amount": "5.0", "currencyCode": "CAD" },
                "title": "Spring sale"
            },
            {
                "__typename": "ManualDiscountApplication",
                "allocationMethod": "ONE",
                // Absent in the record: ALL.
                "targetSelection": "ALL",
                "targetType": "SHIPPING_LINE",
                "value": { "__typename": "MoneyV2", "amount": "2.5", "currencyCode": "CAD" },
                "title": "Goodwill",
                "description": "Late delivery"
            },
            {
                "__typename": "ScriptDiscountApplication",
                "allocationMethod": "ACROSS",
                "targetSelection": "ALL",
                "targetType": "LINE_ITEM",
                "value": { "__typename": "PricingPercentageValue", "percentage": 10.0 },
                "title": ""
            },
            {
                "__typename": "DiscountCodeApplication",
                "allocationMethod": "ACROSS",
                "targetSelection": "ALL",
                "targetType": "LINE_ITEM",
                "value": { "__typename": "PricingPercentageValue", "percentage": 10.0 },
                "applicable": true,
                "code": "Titled code"
            }
        ])
    );
}

#[tokio::test]
async fn line_items_with_titles_totals_discounts_and_variant_snapshots() {
    let order = order(
        record(),
        "lineItems(first: 10) {
           nodes {
             title quantity currentQuantity
             originalTotalPrice { amount currencyCode }
             discountedTotalPrice { amount }
             discountAllocations {
               allocatedAmount { amount currencyCode }
               discountApplication {
                 __typename
                 value { ... on PricingPercentageValue { percentage } }
               }
             }
             customAttributes { key value }
             variant {
               id title sku
               price { amount currencyCode } priceV2 { amount }
               compareAtPrice { amount } compareAtPriceV2 { amount }
               image { url(transform: {crop: CENTER, maxHeight: 96, maxWidth: 96, scale: 2}) altText width height id }
               selectedOptions { name value }
               product { id handle title }
             }
           }
         }",
    )
    .await;
    assert_eq!(
        order["lineItems"]["nodes"],
        json!([
            {
                "title": "Aeropress Coffee Maker - Black",
                "quantity": 1,
                "currentQuantity": 1,
                "originalTotalPrice": { "amount": "39.95", "currencyCode": "CAD" },
                "discountedTotalPrice": { "amount": "35.95" },
                "discountAllocations": [{
                    "allocatedAmount": { "amount": "4.0", "currencyCode": "CAD" },
                    "discountApplication": {
                        "__typename": "DiscountCodeApplication",
                        "value": { "percentage": 10.0 }
                    }
                }],
                "customAttributes": [],
                "variant": {
                    "id": "gid://shopify/ProductVariant/44123456789010",
                    "title": "Black",
                    "sku": "AERO-BLK",
                    "price": { "amount": "39.95", "currencyCode": "CAD" },
                    "priceV2": { "amount": "39.95" },
                    "compareAtPrice": null,
                    "compareAtPriceV2": null,
                    "image": null,
                    "selectedOptions": [],
                    "product": {
                        "id": "gid://shopify/Product/8123456789010",
                        "handle": "aeropress-coffee-maker",
                        "title": "Aeropress Coffee Maker"
                    }
                }
            },
            {
                "title": "Ethiopia Yirgacheffe Beans - 250 g / Whole bean",
                "quantity": 2,
                "currentQuantity": 2,
                "originalTotalPrice": { "amount": "37.0", "currencyCode": "CAD" },
                "discountedTotalPrice": { "amount": "33.3" },
                "discountAllocations": [{
                    "allocatedAmount": { "amount": "3.7", "currencyCode": "CAD" },
                    "discountApplication": {
                        "__typename": "DiscountCodeApplication",
                        "value": { "percentage": 10.0 }
                    }
                }],
                "customAttributes": [
                    { "key": "Gift message", "value": "Happy birthday, Charles!" },
                    { "key": "_roast_batch", "value": "2611" }
                ],
                "variant": {
                    "id": "gid://shopify/ProductVariant/44123456789027",
                    "title": "250 g / Whole bean",
                    "sku": "ETH-YIRG-250-WB",
                    "price": { "amount": "18.5", "currencyCode": "CAD" },
                    "priceV2": { "amount": "18.5" },
                    "compareAtPrice": null,
                    "compareAtPriceV2": null,
                    "image": null,
                    "selectedOptions": [],
                    "product": {
                        "id": "gid://shopify/Product/8123456789027",
                        "handle": "ethiopia-yirgacheffe-beans",
                        "title": "Ethiopia Yirgacheffe Beans"
                    }
                }
            }
        ])
    );
}

#[tokio::test]
async fn a_line_without_variant_or_product_has_no_variant() {
    let mut record = record();
    record.line_items[0].variant_id = None;
    record.line_items[1].product_id = None;
    record.line_items[1].current_quantity = None;
    record.line_items[1].quantity = 3;
    let order = order(
        record,
        "lineItems(first: 2) { nodes { variant { id } quantity currentQuantity } }",
    )
    .await;
    assert_eq!(
        order["lineItems"]["nodes"],
        json!([
            { "variant": null, "quantity": 1, "currentQuantity": 1 },
            { "variant": null, "quantity": 3, "currentQuantity": 3 }
        ])
    );
}

#[tokio::test]
async fn line_items_paginate_by_position() {
    let schema = schema(record());
    let page = |arguments: &str| {
        format!(
            "{{ order {{ lineItems({arguments}) {{
                 edges {{ cursor node {{ title }} }}
                 pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
               }} }} }}"
        )
    };
    let first = run(&schema, &page("first: 1")).await;
    let connection = &first["order"]["lineItems"];
    assert_eq!(
        connection["edges"][0]["node"]["title"],
        "Aeropress Coffee Maker - Black"
    );
    assert_eq!(connection["pageInfo"]["hasNextPage"], true);
    assert_eq!(connection["pageInfo"]["hasPreviousPage"], false);
    let cursor = connection["pageInfo"]["endCursor"]
        .as_str()
        .expect("a cursor")
        .to_owned();
    assert_eq!(connection["edges"][0]["cursor"], cursor.as_str());

    let second = run(&schema, &page(&format!("first: 1, after: \"{cursor}\""))).await;
    let connection = &second["order"]["lineItems"];
    assert_eq!(
        connection["edges"][0]["node"]["title"],
        "Ethiopia Yirgacheffe Beans - 250 g / Whole bean"
    );
    assert_eq!(connection["pageInfo"]["hasNextPage"], false);
    assert_eq!(connection["pageInfo"]["hasPreviousPage"], true);

    let reversed = run(&schema, &page("first: 1, reverse: true")).await;
    assert_eq!(
        reversed["order"]["lineItems"]["edges"][0]["node"]["title"],
        "Ethiopia Yirgacheffe Beans - 250 g / Whole bean"
    );
    let last = run(&schema, &page("last: 1")).await;
    assert_eq!(
        last["order"]["lineItems"]["edges"][0]["node"]["title"],
        "Ethiopia Yirgacheffe Beans - 250 g / Whole bean"
    );

    let response = schema
        .execute("{ order { lineItems(first: 251) { nodes { title } } } }")
        .await;
    assert_eq!(response.errors.len(), 1, "{:?}", response.errors);
    let response = schema
        .execute("{ order { lineItems { nodes { title } } } }")
        .await;
    assert_eq!(response.errors.len(), 1, "{:?}", response.errors);
}

#[tokio::test]
async fn fulfillments_with_tracking_and_their_lines() {
    let order = order(
        record(),
        "successfulFulfillments(first: 5) {
           trackingCompany
           trackingInfo(first: 5) { number url }
           fulfillmentLineItems(first: 5) {
             nodes { quantity lineItem { title } }
             pageInfo { hasNextPage }
           }
         }",
    )
    .await;
    assert_eq!(
        order["successfulFulfillments"],
        json!([{
            "trackingCompany": "Canada Post",
            "trackingInfo": [{
                "number": "7023210039414604",
                "url": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=7023210039414604"
            }],
            "fulfillmentLineItems": {
                "nodes": [{ "quantity": 1, "lineItem": { "title": "Aeropress Coffee Maker - Black" } }],
                "pageInfo": { "hasNextPage": false }
            }
        }])
    );
}

#[tokio::test]
async fn only_successful_fulfillments_and_tracking_zipped() {
    let mut record = record();
    let shipped = record.fulfillments[0].clone();
    record.fulfillments = vec![
        domain::Fulfillment {
            status: Some(domain::FulfillmentState::Cancelled),
            ..shipped.clone()
        },
        domain::Fulfillment {
            status: None,
            tracking_company: None,
            tracking_numbers: vec!["A1".to_owned(), "B2".to_owned()],
            tracking_urls: vec!["https://t.example/A1".to_owned()],
            ..shipped.clone()
        },
        domain::Fulfillment {
            tracking_company: Some("Third".to_owned()),
            ..shipped
        },
    ];
    let order = order(
        record,
        "all: successfulFulfillments { trackingCompany trackingInfo { number url } }
         one: successfulFulfillments(first: 1) { trackingInfo(first: 1) { number } }",
    )
    .await;
    assert_eq!(
        order["all"],
        json!([
            {
                "trackingCompany": null,
                "trackingInfo": [
                    { "number": "A1", "url": "https://t.example/A1" },
                    { "number": "B2", "url": null }
                ]
            },
            {
                "trackingCompany": "Third",
                "trackingInfo": [{
                    "number": "7023210039414604",
                    "url": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=7023210039414604"
                }]
            }
        ])
    );
    assert_eq!(
        order["one"],
        json!([{ "trackingInfo": [{ "number": "A1" }] }])
    );
}

#[tokio::test]
async fn addresses_have_stable_ids_of_their_own() {
    let order = order(
        record(),
        "shippingAddress { id address1 city countryCodeV2 provinceCode name latitude }
         billingAddress { id company }",
    )
    .await;
    assert_eq!(
        order,
        json!({
            "shippingAddress": {
                "id": "gid://shopify/MailingAddress/11967282414180?model_name=Address",
                "address1": "22 Lakeshore Road",
                "city": "Ottawa",
                "countryCodeV2": "CA",
                "provinceCode": "ON",
                "name": "Ada Lovelace",
                "latitude": 45.4215296
            },
            "billingAddress": {
                "id": "gid://shopify/MailingAddress/11967282414181?model_name=Address",
                "company": "Analytical Engines Ltd."
            }
        })
    );
}

#[tokio::test]
async fn statuses_and_cancellation() {
    let mut record = record();
    record.financial_status = None;
    record.fulfillment_status = domain::FulfillmentStatus::Unfulfilled;
    record.cancel_reason = Some(domain::CancelReason::Customer);
    record.cancelled_at = Some(time::macros::datetime!(2026-11-30 10:00 -05:00));
    let order = order(
        record,
        "financialStatus fulfillmentStatus cancelReason canceledAt",
    )
    .await;
    assert_eq!(
        order,
        json!({
            "financialStatus": null,
            "fulfillmentStatus": "UNFULFILLED",
            "cancelReason": "CUSTOMER",
            "canceledAt": "2026-11-30T15:00:00Z"
        })
    );
}

#[tokio::test]
async fn a_currency_the_enum_lacks_reads_as_unrecognized() {
    let mut record = record();
    let unknown = CurrencyCode::parse("ZZZ").expect("three capitals");
    record.currency = unknown.clone();
    record.total_price.currency = unknown;
    let order = order(
        record,
        "currencyCode totalPrice { amount currencyCode } totalRefunded { currencyCode }
         subtotalPrice { currencyCode }",
    )
    .await;
    assert_eq!(
        order,
        json!({
            "currencyCode": "XXX",
            "totalPrice": { "amount": "83.9", "currencyCode": "XXX" },
            "totalRefunded": { "currencyCode": "XXX" },
            "subtotalPrice": { "currencyCode": "CAD" }
        })
    );
}

#[tokio::test]
async fn numbers_beyond_graphql_int_are_field_errors() {
    let mut record = record();
    record.order_number = u64::from(u32::MAX);
    let response = schema(record)
        .execute("{ order { name orderNumber } }")
        .await;
    assert_eq!(response.errors.len(), 1, "{:?}", response.errors);
    assert_eq!(
        response.errors[0].message,
        "The order number 4294967295 cannot be represented as a GraphQL Int."
    );
}

#[test]
fn titles_combine_product_and_variant() {
    let mut line = record().line_items[0].clone();
    assert_eq!(line_title(&line), "Aeropress Coffee Maker - Black");
    line.name = None;
    assert_eq!(line_title(&line), "Aeropress Coffee Maker - Black");
    line.variant_title = None;
    assert_eq!(line_title(&line), "Aeropress Coffee Maker");
    line.variant_title = Some(String::new());
    line.name = Some(String::new());
    assert_eq!(line_title(&line), "Aeropress Coffee Maker");
}

#[test]
fn handles_are_made_from_titles() {
    for (title, expected) in [
        ("Black Sunglasses", "black-sunglasses"),
        ("Ethiopia Yirgacheffe Beans", "ethiopia-yirgacheffe-beans"),
        ("Men's T-Shirt (XL)!!", "mens-t-shirt-xl"),
        ("  --Hello__World--  ", "hello-world"),
        ("100% Cotton & More", "100-cotton-more"),
        ("Café Crème", "caf-cr-me"),
        ("!!!", ""),
    ] {
        assert_eq!(handle(title), expected, "{title}");
    }
}

/// The cost and depth the limits compare with `max_cost` and `max_depth` (and the document
/// runs without error against the order types).
async fn cost(schema: &TestSchema, query: &str) -> (u64, u64) {
    let response = schema.execute(query).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let document = async_graphql::parser::parse_query(query).expect("a document");
    let async_graphql::parser::types::DocumentOperations::Single(operation) = &document.operations
    else {
        panic!("one operation");
    };
    let measure = crate::graphql::cost::measure(
        &document,
        &operation.node,
        &async_graphql::Variables::default(),
    );
    (measure.cost as u64, measure.depth as u64)
}

/// Real clients' order queries (hydrogen's account page and Vue Storefront's order list) and
/// the bare shapes that dominate them, weighed as the default limit weighs them.
#[tokio::test]
async fn real_client_order_queries_are_weighed() {
    let schema = Schema::build(Query(stored(record())), EmptyMutation, EmptySubscription).finish();
    let hydrogen_bare = cost(
        &schema,
        "{ customer(customerAccessToken: \"t\") { orders(first: 250) { edges { node {
             lineItems(first: 2) { edges { node { title variant { image { url } } } } } } } } } }",
    )
    .await;
    let hydrogen = cost(
        &schema,
        "{ customer(customerAccessToken: \"t\") {
             orders(first: 250, sortKey: PROCESSED_AT, reverse: true) { edges { node {
               id orderNumber processedAt financialStatus fulfillmentStatus
               currentTotalPrice { amount currencyCode }
               lineItems(first: 2) { edges { node {
                 variant { image { url altText height width } }
                 title
               } } }
             } } }
           } }",
    )
    .await;
    let vue_bare = cost(
        &schema,
        "{ customer(customerAccessToken: \"t\") { orders(first: 10) { edges { node {
             lineItems(first: 100) { edges { node { title } } } } } } } }",
    )
    .await;
    let vue = cost(
        &schema,
        "{ customer(customerAccessToken: \"t\") {
             id
             orders(first: 10) {
               pageInfo { hasNextPage hasPreviousPage }
               edges { cursor node {
                 id name orderNumber processedAt financialStatus fulfillmentStatus
                 currentTotalPrice { amount currencyCode }
                 currentTotalTax { amount currencyCode }
                 currentSubtotalPrice { amount currencyCode }
                 lineItems(first: 100) {
                   pageInfo { hasNextPage hasPreviousPage }
                   edges { cursor node {
                     title quantity currentQuantity
                     originalTotalPrice { amount currencyCode }
                     variant { id sku title product { id handle } }
                   } }
                 }
               } }
             }
           } }",
    )
    .await;
    // The default limits are a cost of 10 000 and a depth of 15: Vue Storefront's order list
    // (10 orders × 100 lines, 19 fields a line) weighs almost twice the cost.
    assert_eq!(hydrogen_bare, (3752, 10));
    assert_eq!(hydrogen, (7252, 10));
    assert_eq!(vue_bare, (3032, 8));
    assert_eq!(vue, (19223, 10));
}
