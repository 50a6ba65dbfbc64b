use super::*;
use proptest::prelude::*;
use serde_json::{Value, json};
use time::macros::datetime;

const FIXTURE: &str = include_str!("../../../tests/fixtures/shopify-order-webhook.json");

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).expect("the fixture is JSON")
}

fn parse_value(value: &Value) -> Result<Order, OrderError> {
    parse_order(&serde_json::to_vec(value).expect("serializable"))
}

fn dec(text: &str) -> Decimal {
    Decimal::parse(text).expect("a decimal")
}

fn cad(text: &str) -> Money {
    Money {
        amount: dec(text),
        currency: CurrencyCode::parse("CAD").expect("a currency"),
    }
}

fn minimal() -> Value {
    json!({
        "id": 1,
        "name": "#1001",
        "order_number": 1001,
        "created_at": "2026-01-02T03:04:05Z",
        "currency": "USD",
        "total_price": "0.00"
    })
}

/// `field` set to `value` in the fixture (a `/`-separated JSON pointer).
fn fixture_with(pointer: &str, value: Value) -> Value {
    let mut order = fixture();
    *order.pointer_mut(pointer).expect("the pointer exists") = value;
    order
}

fn invalid_field(result: Result<Order, OrderError>) -> String {
    match result {
        Err(OrderError::Invalid { field, .. }) => field,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn missing_field(result: Result<Order, OrderError>) -> String {
    match result {
        Err(OrderError::Missing { field }) => field,
        other => panic!("expected Missing, got {other:?}"),
    }
}

// -- Decimal formatting --------------------------------------------------------------------

#[test]
fn amounts_print_as_shopify_prints_them() {
    // Captured: live Storefront `amount` for 19.90 CAD; the Admin docs' zero; the Storefront
    // schema's `Decimal` description example.
    assert_eq!(dec("19.90").to_shopify_string(), "19.9");
    assert_eq!(dec("19.9").to_shopify_string(), "19.9");
    assert_eq!(dec("0.00").to_shopify_string(), "0.0");
    assert_eq!(dec("0").to_shopify_string(), "0.0");
    assert_eq!(dec("29.99").to_shopify_string(), "29.99");
    // The same rule (trailing zeros trimmed, at least one fractional digit) on more values.
    let table = [
        ("100.00", "100.0"),
        ("100", "100.0"),
        ("5.25", "5.25"),
        ("5.250", "5.25"),
        ("83.90", "83.9"),
        ("0.10", "0.1"),
        ("0.05", "0.05"),
        ("0.005", "0.005"),
        ("1000000.50", "1000000.5"),
        ("007.50", "7.5"),
        ("-5.00", "-5.0"),
        ("-0.00", "0.0"),
        ("-0.5", "-0.5"),
        ("1234.5678", "1234.5678"),
        (
            "999999999999999999.999999999999999999",
            "999999999999999999.999999999999999999",
        ),
    ];
    for (input, expected) in table {
        assert_eq!(dec(input).to_shopify_string(), expected, "{input}");
        assert_eq!(dec(input).to_string(), expected, "Display of {input}");
    }
}

#[test]
fn decimals_refuse_what_shopify_never_sends() {
    use DecimalError::*;
    let cases = [
        ("", Empty),
        ("abc", NotANumber),
        ("1.", NotANumber),
        (".5", NotANumber),
        ("+1", NotANumber),
        ("-", NotANumber),
        ("--1", NotANumber),
        ("1e3", NotANumber),
        (" 1", NotANumber),
        ("1,00", NotANumber),
        ("1.2.3", NotANumber),
        ("١٢", NotANumber),
        ("1234567890123456789", TooManyIntegerDigits),
        ("0.1234567890123456789", TooManyFractionalDigits),
    ];
    for (input, expected) in cases {
        assert_eq!(Decimal::parse(input), Err(expected), "{input:?}");
    }
    assert_eq!(Decimal::parse(&"0".repeat(65)), Err(TooLong));
    // Trailing fractional zeros beyond the scale limit are only zeros.
    assert_eq!(Decimal::parse("1.50000000000000000000"), Ok(dec("1.5")));
}

#[test]
fn decimals_compare_add_and_convert_exactly() {
    assert_eq!(dec("19.90"), dec("19.9"));
    assert!(dec("19.9") < dec("19.91"));
    assert!(dec("-1") < dec("0.0001"));
    assert_eq!(dec("0.1").checked_add(dec("0.2")), Some(dec("0.3")));
    assert_eq!(dec("69.25").checked_add(dec("-69.25")), Some(Decimal::ZERO));
    assert_eq!(
        dec("999999999999999999").checked_add(dec("1")),
        None,
        "19 integer digits"
    );
    assert_eq!(dec("19.9").to_minor_units(2), Some(1990));
    assert_eq!(dec("500").to_minor_units(0), Some(500));
    assert_eq!(dec("0.005").to_minor_units(2), None);
    assert!(dec("-0.01").is_negative() && !dec("0").is_negative() && dec("0.00").is_zero());
}

// -- The fixture ---------------------------------------------------------------------------

#[test]
fn parses_a_full_orders_create_body() {
    let order = parse_order(FIXTURE.as_bytes()).expect("the fixture parses");
    assert_eq!(order.id, 5_983_641_207_090);
    assert_eq!(order.name, "#1843");
    assert_eq!(order.order_number, 1843);
    assert_eq!(order.number, Some(843));
    assert_eq!(order.email.as_deref(), Some("ada.lovelace@example.com"));
    assert_eq!(order.phone.as_deref(), Some("+14165550074"));
    let customer = order.customer.as_ref().expect("a customer");
    assert_eq!(customer.id, 10_993_061_626_162);
    assert_eq!(customer.email.as_deref(), Some("ada.lovelace@example.com"));
    assert_eq!(customer.phone, None);
    assert_eq!(order.created_at, datetime!(2026-01-02 03:04:05 -05:00));
    assert_eq!(order.processed_at, datetime!(2026-01-02 08:04:05 UTC));
    assert_eq!(
        order.updated_at,
        Some(datetime!(2026-01-03 10:15:00 -05:00))
    );
    assert_eq!(order.cancelled_at, None);
    assert_eq!(order.cancel_reason, None);
    assert_eq!(order.financial_status, Some(FinancialStatus::Paid));
    assert_eq!(
        order.fulfillment_status,
        FulfillmentStatus::PartiallyFulfilled
    );
    assert_eq!(order.currency.as_str(), "CAD");
    assert_eq!(order.total_price, cad("83.90"));
    assert_eq!(order.total_price.amount.to_shopify_string(), "83.9");
    assert_eq!(order.subtotal_price, Some(cad("69.25")));
    assert_eq!(order.total_tax, Some(cad("9.65")));
    assert_eq!(order.total_discounts, Some(cad("7.70")));
    assert_eq!(order.total_line_items_price, Some(cad("76.95")));
    assert_eq!(order.total_shipping_price, Some(cad("5")));
    assert_eq!(order.current_total_price, Some(cad("83.9")));
    assert_eq!(order.current_total_duties, None);
    assert_eq!(order.customer_locale.as_deref(), Some("en-CA"));
    assert!(!order.test);

    assert_eq!(order.line_items.len(), 2);
    let first = &order.line_items[0];
    assert_eq!(first.id, 14_873_262_751_794);
    assert_eq!(first.title, "Aeropress Coffee Maker");
    assert_eq!(first.variant_title.as_deref(), Some("Black"));
    assert_eq!((first.quantity, first.current_quantity), (1, Some(1)));
    assert_eq!(first.price, cad("39.95"));
    assert_eq!(first.sku.as_deref(), Some("AERO-BLK"));
    assert_eq!(first.variant_id, Some(44_123_456_789_010));
    assert_eq!(first.product_id, Some(8_123_456_789_010));
    assert_eq!(
        first.discount_allocations,
        vec![DiscountAllocation {
            amount: cad("4.00"),
            discount_application_index: 0
        }]
    );
    assert!(first.attributes.is_empty());
    let second = &order.line_items[1];
    assert_eq!((second.quantity, second.fulfillable_quantity), (2, Some(2)));
    assert_eq!(second.fulfillment_status, None);
    assert_eq!(
        second.attributes,
        vec![
            Attribute {
                key: "Gift message".into(),
                value: Some("Happy birthday, Charles!".into())
            },
            // A number is kept as its text.
            Attribute {
                key: "_roast_batch".into(),
                value: Some("2611".into())
            },
        ]
    );

    assert_eq!(
        order.discount_applications,
        vec![DiscountApplication {
            kind: DiscountApplicationKind::DiscountCode,
            value: PricingValue::Percentage(dec("10")),
            allocation_method: AllocationMethod::Across,
            target_selection: Some(TargetSelection::All),
            target_type: TargetType::LineItem,
            code: Some("WELCOME10".into()),
            title: None,
            description: None,
        }]
    );
    assert_eq!(order.discount_codes[0].code, "WELCOME10");
    assert_eq!(order.discount_codes[0].amount, Some(cad("7.7")));

    let shipping = order.shipping_address.as_ref().expect("a shipping address");
    assert_eq!(shipping.address1.as_deref(), Some("22 Lakeshore Road"));
    assert_eq!(shipping.address2, None);
    assert_eq!(shipping.province_code.as_deref(), Some("ON"));
    assert_eq!(shipping.latitude, Some(dec("45.4215296")));
    assert_eq!(shipping.longitude, Some(dec("-75.6971931")));
    let billing = order.billing_address.as_ref().expect("a billing address");
    assert_eq!(billing.company.as_deref(), Some("Analytical Engines Ltd."));

    assert_eq!(
        order.fulfillments,
        vec![Fulfillment {
            id: 4_750_263_189_554,
            status: Some(FulfillmentState::Success),
            created_at: Some(datetime!(2026-01-03 10:15:00 -05:00)),
            tracking_company: Some("Canada Post".into()),
            tracking_numbers: vec!["7023210039414604".into()],
            tracking_urls: vec![
                "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=7023210039414604"
                    .into()
            ],
            line_items: vec![FulfillmentLineItem {
                line_item_id: 14_873_262_751_794,
                quantity: 1
            }],
        }]
    );
    assert!(
        order
            .order_status_url
            .as_deref()
            .is_some_and(|url| url.ends_with("?key=25a879164603d3260f06990fc7a8d361"))
    );
    assert_eq!(
        order.note.as_deref(),
        Some("Please leave the parcel with the concierge.")
    );
    assert_eq!(order.note_attributes.len(), 2);
    assert_eq!(order.note_attributes[1].key, "delivery_window");
}

#[test]
fn a_minimal_order_has_every_optional_field_empty() {
    let order = parse_value(&minimal()).expect("parses");
    assert_eq!(
        order.processed_at, order.created_at,
        "falls back to created_at"
    );
    assert_eq!(order.fulfillment_status, FulfillmentStatus::Unfulfilled);
    assert_eq!(order.total_price.amount.to_shopify_string(), "0.0");
    assert!(order.line_items.is_empty() && order.fulfillments.is_empty());
    assert_eq!(order.customer, None);
    assert_eq!(order.email, None);
    assert_eq!(order.financial_status, None);
    assert_eq!(order.subtotal_price, None);
    assert_eq!(order.total_shipping_price, None);
    assert_eq!(order.shipping_address, None);
    assert_eq!(order.order_status_url, None);
}

#[test]
fn nulls_are_absent_and_unknown_fields_are_ignored() {
    let mut order = minimal();
    order["email"] = Value::Null;
    order["customer"] = Value::Null;
    order["line_items"] = Value::Null;
    order["fulfillment_status"] = Value::Null;
    order["some_future_field"] = json!({"deeply": [{"nested": true}]});
    let order = parse_value(&order).expect("parses");
    assert_eq!(order.email, None);
    assert_eq!(order.customer, None);
    assert_eq!(order.fulfillment_status, FulfillmentStatus::Unfulfilled);
}

#[test]
fn money_may_come_from_the_set_or_as_a_number() {
    let mut order = minimal();
    order.as_object_mut().expect("object").remove("total_price");
    order["total_price_set"] = json!({
        "shop_money": {"amount": "12.50", "currency_code": "USD"},
        "presentment_money": {"amount": "17.00", "currency_code": "CAD"}
    });
    order["total_tax"] = json!(1.3);
    order["shipping_lines"] = json!([{"price": "4.00"}, {"price": "1.99"}]);
    let order = parse_value(&order).expect("parses");
    assert_eq!(order.total_price.amount, dec("12.5"));
    assert_eq!(order.total_price.currency.as_str(), "USD");
    assert_eq!(order.total_tax.map(|m| m.amount), Some(dec("1.3")));
    assert_eq!(
        order.total_shipping_price.map(|m| m.amount),
        Some(dec("5.99"))
    );
}

#[test]
fn ids_may_be_strings_and_single_tracking_values_are_lists() {
    let mut order = fixture();
    order["id"] = json!("5983641207090");
    let fulfillment = &mut order["fulfillments"][0];
    fulfillment["tracking_numbers"] = json!([]);
    fulfillment["tracking_urls"] = Value::Null;
    fulfillment["tracking_url"] = json!("https://t.example/1");
    let order = parse_value(&order).expect("parses");
    assert_eq!(order.id, 5_983_641_207_090);
    assert_eq!(
        order.fulfillments[0].tracking_numbers,
        vec!["7023210039414604"]
    );
    assert_eq!(
        order.fulfillments[0].tracking_urls,
        vec!["https://t.example/1"]
    );
}

#[test]
fn fixed_amount_discounts_are_money() {
    let order = fixture_with(
        "/discount_applications/0",
        json!({"type": "manual", "value": "5.00", "value_type": "fixed_amount",
               "allocation_method": "each", "target_selection": "explicit",
               "target_type": "line_item", "title": "Sorry", "description": "Late parcel"}),
    );
    let order = parse_value(&order).expect("parses");
    let discount = &order.discount_applications[0];
    assert_eq!(discount.value, PricingValue::FixedAmount(cad("5")));
    assert_eq!(discount.kind, DiscountApplicationKind::Manual);
    assert_eq!(discount.description.as_deref(), Some("Late parcel"));
}

// -- Errors --------------------------------------------------------------------------------

#[test]
fn an_oversized_body_is_refused_before_parsing() {
    let body = vec![b' '; MAX_BODY_BYTES + 1];
    assert_eq!(
        parse_order(&body),
        Err(OrderError::TooLarge {
            size: MAX_BODY_BYTES + 1,
            max: MAX_BODY_BYTES
        })
    );
}

#[test]
fn too_many_line_items_are_refused_by_count() {
    let mut order = minimal();
    order["line_items"] = Value::Array(vec![json!({}); MAX_LINE_ITEMS + 1]);
    assert_eq!(
        parse_value(&order),
        Err(OrderError::TooManyItems {
            field: "line_items",
            count: MAX_LINE_ITEMS + 1,
            max: MAX_LINE_ITEMS
        })
    );
    let mut order = minimal();
    order["fulfillments"] = Value::Array(vec![json!(0); MAX_OTHER_ITEMS + 1]);
    assert!(matches!(
        parse_value(&order),
        Err(OrderError::TooManyItems {
            field: "fulfillments",
            ..
        })
    ));
}

#[test]
fn malformed_json_reports_its_position() {
    for body in [
        &b"not json"[..],
        b"[1, 2]",
        b"{\"id\": 1",
        b"",
        b"{\"line_items\": {}}",
    ] {
        assert!(
            matches!(parse_order(body), Err(OrderError::Malformed { .. })),
            "{:?}",
            String::from_utf8_lossy(body)
        );
    }
    let Err(OrderError::Malformed {
        line,
        column,
        message,
    }) = parse_order(b"{\n  \"line_items\": [{\"id\": 1, \"properties\": 7}]\n}")
    else {
        panic!("expected Malformed");
    };
    assert_eq!(line, 2);
    assert!(column > 1);
    assert!(message.contains("invalid type"), "{message}");
    assert!(
        !message.contains(" at line "),
        "the position is in its own fields"
    );
}

#[test]
fn each_required_field_is_named_when_missing() {
    for field in [
        "id",
        "name",
        "order_number",
        "created_at",
        "currency",
        "total_price",
    ] {
        let mut order = minimal();
        order.as_object_mut().expect("object").remove(field);
        assert_eq!(missing_field(parse_value(&order)), field);
    }
    let mut order = minimal();
    order["name"] = json!("   ");
    assert_eq!(
        missing_field(parse_value(&order)),
        "name",
        "blank is absent"
    );

    let mut order = fixture();
    order["line_items"][1]
        .as_object_mut()
        .expect("object")
        .remove("price");
    order["line_items"][1]
        .as_object_mut()
        .expect("object")
        .remove("price_set");
    assert_eq!(missing_field(parse_value(&order)), "line_items[1].price");
    for (pointer, field) in [
        ("/line_items/0/title", "line_items[0].title"),
        ("/line_items/0/quantity", "line_items[0].quantity"),
        (
            "/discount_applications/0/value_type",
            "discount_applications[0].value_type",
        ),
        ("/fulfillments/0/id", "fulfillments[0].id"),
        ("/note_attributes/0/name", "note_attributes[0].name"),
    ] {
        assert_eq!(
            missing_field(parse_value(&fixture_with(pointer, Value::Null))),
            field
        );
    }
}

#[test]
fn each_bad_value_is_named_with_its_path() {
    let cases = [
        ("/id", json!("abc"), "id"),
        ("/id", json!(0), "id"),
        ("/id", json!(-4), "id"),
        ("/id", json!(1.5), "id"),
        ("/order_number", json!("#1843"), "order_number"),
        ("/created_at", json!("2026-01-02 03:04:05"), "created_at"),
        ("/processed_at", json!("yesterday"), "processed_at"),
        ("/currency", json!("cad"), "currency"),
        ("/currency", json!("CADX"), "currency"),
        ("/total_price", json!("83,90"), "total_price"),
        ("/total_tax", json!(true), "total_tax"),
        (
            "/financial_status",
            json!("mostly_paid"),
            "financial_status",
        ),
        (
            "/fulfillment_status",
            json!("shipped"),
            "fulfillment_status",
        ),
        ("/cancel_reason", json!("boredom"), "cancel_reason"),
        ("/test", json!("yes"), "test"),
        (
            "/line_items/1/quantity",
            json!(-1),
            "line_items[1].quantity",
        ),
        (
            "/line_items/1/quantity",
            json!(5_000_000_000u64),
            "line_items[1].quantity",
        ),
        (
            "/line_items/1/price",
            json!("18.5.0"),
            "line_items[1].price",
        ),
        (
            "/line_items/0/variant_id",
            json!("v1"),
            "line_items[0].variant_id",
        ),
        (
            "/line_items/0/discount_allocations/0/discount_application_index",
            json!(1),
            "line_items[0].discount_allocations[0].discount_application_index",
        ),
        (
            "/line_items/0/discount_allocations/0/discount_application_index",
            json!("first"),
            "line_items[0].discount_allocations[0].discount_application_index",
        ),
        (
            "/discount_applications/0/value_type",
            json!("bogo"),
            "discount_applications[0].value_type",
        ),
        (
            "/discount_applications/0/type",
            json!("coupon"),
            "discount_applications[0].type",
        ),
        (
            "/discount_applications/0/value",
            json!("ten"),
            "discount_applications[0].value",
        ),
        (
            "/fulfillments/0/status",
            json!("shipped"),
            "fulfillments[0].status",
        ),
        (
            "/fulfillments/0/line_items/0/id",
            json!(42),
            "fulfillments[0].line_items[0].id",
        ),
        (
            "/shipping_address/latitude",
            json!("north"),
            "shipping_address.latitude",
        ),
    ];
    for (pointer, value, field) in cases {
        let order = fixture_with(pointer, value.clone());
        assert_eq!(
            invalid_field(parse_value(&order)),
            field,
            "{pointer} = {value}"
        );
    }

    // The `_set` is read only when the plain string is absent.
    let mut order = fixture_with(
        "/subtotal_price_set/shop_money/currency_code",
        json!("dollars"),
    );
    order
        .as_object_mut()
        .expect("object")
        .remove("subtotal_price");
    assert_eq!(
        invalid_field(parse_value(&order)),
        "subtotal_price_set.shop_money.currency_code"
    );

    // Shipping lines in two currencies have no total.
    let mut order = minimal();
    order["shipping_lines"] = json!([
        {"price": "4.00"},
        {"price_set": {"shop_money": {"amount": "3.00", "currency_code": "EUR"}}}
    ]);
    assert_eq!(invalid_field(parse_value(&order)), "shipping_lines");
}

#[test]
fn errors_read_as_sentences() {
    let error =
        parse_value(&fixture_with("/line_items/1/price", json!("18.5.0"))).expect_err("invalid");
    assert_eq!(
        error.to_string(),
        "`line_items[1].price` is invalid: \"18.5.0\" is not a plain decimal number \
         (digits, at most one '.', an optional leading '-')"
    );
    let error = parse_value(&fixture_with("/currency", Value::Null)).expect_err("missing");
    assert_eq!(error.to_string(), "`currency` is missing");
}

// -- Properties ----------------------------------------------------------------------------

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        "-?[0-9]{1,20}(\\.[0-9]{0,20})?".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop_oneof![
            Just("id".to_owned()),
            Just("line_items".to_owned()),
            Just("price".to_owned()),
            Just("total_price".to_owned()),
            Just("discount_allocations".to_owned()),
            Just("fulfillments".to_owned()),
            Just("created_at".to_owned()),
            "[a-z_]{1,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_order(&body);
    }

    #[test]
    fn arbitrary_json_never_panics(value in any_json()) {
        let _ = parse_value(&value);
    }

    #[test]
    fn any_fixture_field_replaced_never_panics(index in any::<prop::sample::Index>(), value in any_json()) {
        // Replace one value somewhere in the realistic order with something random.
        let mut order = fixture();
        let mut pointers = Vec::new();
        collect_pointers(&order, String::new(), &mut pointers);
        let pointer = index.get(&pointers).clone();
        if let Some(slot) = order.pointer_mut(&pointer) {
            *slot = value;
        }
        let _ = parse_value(&order);
    }

    #[test]
    fn decimals_round_trip_through_their_text(units in -999_999_999_999_999_999i64..=999_999_999_999_999_999, scale in 0u32..=18) {
        let text = {
            let digits = units.unsigned_abs().to_string();
            let padded = format!("{digits:0>width$}", width = scale as usize + 1);
            let (integer, fraction) = padded.split_at(padded.len() - scale as usize);
            let sign = if units < 0 { "-" } else { "" };
            if scale == 0 { format!("{sign}{integer}") } else { format!("{sign}{integer}.{fraction}") }
        };
        let parsed = Decimal::parse(&text).expect("a decimal");
        let printed = parsed.to_shopify_string();
        prop_assert_eq!(Decimal::parse(&printed), Ok(parsed));
        prop_assert!(printed.contains('.'));
        prop_assert!(!printed.ends_with("0") || printed.ends_with(".0"));
    }
}

fn collect_pointers(value: &Value, prefix: String, out: &mut Vec<String>) {
    out.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                collect_pointers(child, format!("{prefix}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect_pointers(child, format!("{prefix}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn numbers_served_as_graphql_ints_must_fit_them() {
    assert_eq!(
        invalid_field(parse_value(&fixture_with(
            "/order_number",
            json!(2_147_483_648u64)
        ))),
        "order_number"
    );
    assert!(parse_value(&fixture_with("/order_number", json!(2_147_483_647u64))).is_ok());
    assert_eq!(
        invalid_field(parse_value(&fixture_with(
            "/line_items/0/quantity",
            json!(2_147_483_648u64)
        ))),
        "line_items[0].quantity"
    );
}
