//! From the JSON as sent to the record, naming the field of every problem.

use super::raw::{self, Scalar};
use super::*;

type Result<T> = std::result::Result<T, OrderError>;

fn at(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

fn required<T>(value: Option<T>, path: &str, field: &str) -> Result<T> {
    value.ok_or_else(|| OrderError::Missing {
        field: at(path, field),
    })
}

/// Optional text; an empty or blank string is treated as absent (Shopify sends `""` for a
/// line item without a SKU).
fn text(value: Option<Scalar>) -> Option<String> {
    value.map(|s| s.0).filter(|s| !s.trim().is_empty())
}

fn required_text(value: Option<Scalar>, path: &str, field: &str) -> Result<String> {
    required(text(value), path, field)
}

fn id(value: Option<Scalar>, path: &str, field: &str) -> Result<Option<u64>> {
    let Some(value) = value else { return Ok(None) };
    match value.0.parse::<u64>() {
        Ok(0) => Err(OrderError::invalid(at(path, field), "0 is not an id")),
        Ok(id) => Ok(Some(id)),
        Err(_) => Err(OrderError::invalid(
            at(path, field),
            format!("{:?} is not a positive whole number", value.0),
        )),
    }
}

fn required_id(value: Option<Scalar>, path: &str, field: &str) -> Result<u64> {
    required(id(value, path, field)?, path, field)
}

/// Counts are served as GraphQL `Int`s (32-bit, signed): larger ones are refused here rather
/// than failing on every read.
fn count(value: Option<Scalar>, path: &str, field: &str) -> Result<Option<u32>> {
    let Some(value) = value else { return Ok(None) };
    value
        .0
        .parse::<u32>()
        .ok()
        .filter(|n| *n <= i32::MAX as u32)
        .map(Some)
        .ok_or_else(|| {
            OrderError::invalid(
                at(path, field),
                format!("{:?} is not a whole number from 0 to {}", value.0, i32::MAX),
            )
        })
}

fn index(value: Option<Scalar>, path: &str, field: &str) -> Result<usize> {
    let value = required(value, path, field)?;
    value.0.parse::<usize>().map_err(|_| {
        OrderError::invalid(
            at(path, field),
            format!("{:?} is not a list index", value.0),
        )
    })
}

fn timestamp(value: Option<Scalar>, path: &str, field: &str) -> Result<Option<OffsetDateTime>> {
    let Some(value) = text(value) else {
        return Ok(None);
    };
    OffsetDateTime::parse(&value, &Rfc3339)
        .map(Some)
        .map_err(|e| {
            OrderError::invalid(
                at(path, field),
                format!("{value:?} is not an RFC 3339 date-time ({e})"),
            )
        })
}

fn boolean(value: Option<Scalar>, path: &str, field: &str) -> Result<Option<bool>> {
    match value.as_ref().map(|s| s.0.as_str()) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => Err(OrderError::invalid(
            at(path, field),
            format!("{other:?} is not true or false"),
        )),
    }
}

fn decimal(value: Option<Scalar>, path: &str, field: &str) -> Result<Option<Decimal>> {
    let Some(value) = text(value) else {
        return Ok(None);
    };
    Decimal::parse(&value)
        .map(Some)
        .map_err(|e| OrderError::invalid(at(path, field), format!("{value:?} {e}")))
}

fn currency(value: Option<Scalar>, path: &str, field: &str) -> Result<Option<CurrencyCode>> {
    let Some(value) = text(value) else {
        return Ok(None);
    };
    CurrencyCode::parse(&value).map(Some).ok_or_else(|| {
        OrderError::invalid(
            at(path, field),
            format!("{value:?} is not a three-letter ISO 4217 code"),
        )
    })
}

/// A money field: the plain REST string in the shop currency, else the `_set`'s `shop_money`.
fn money(
    plain: Option<Scalar>,
    set: Option<raw::MoneySet>,
    shop_currency: &CurrencyCode,
    path: &str,
    field: &str,
) -> Result<Option<Money>> {
    if let Some(amount) = decimal(plain, path, field)? {
        return Ok(Some(Money {
            amount,
            currency: shop_currency.clone(),
        }));
    }
    let set_field = at(path, &format!("{field}_set.shop_money"));
    let Some(shop_money) = set.and_then(|set| set.shop_money) else {
        return Ok(None);
    };
    let Some(amount) = decimal(shop_money.amount, &set_field, "amount")? else {
        return Ok(None);
    };
    let currency = currency(shop_money.currency_code, &set_field, "currency_code")?
        .unwrap_or_else(|| shop_currency.clone());
    Ok(Some(Money { amount, currency }))
}

/// A closed REST enum: an unknown value is refused, naming the values understood.
fn choice<T: Copy>(
    value: Option<Scalar>,
    path: &str,
    field: &str,
    options: &[(&str, T)],
) -> Result<Option<T>> {
    let Some(value) = text(value) else {
        return Ok(None);
    };
    options
        .iter()
        .find(|(name, _)| *name == value)
        .map(|(_, v)| Some(*v))
        .ok_or_else(|| {
            let known: Vec<&str> = options.iter().map(|(name, _)| *name).collect();
            OrderError::invalid(
                at(path, field),
                format!("{value:?} is not one of {}", known.join(", ")),
            )
        })
}

pub fn order(raw: raw::Order) -> Result<Order> {
    // Read before the locals below shadow the helpers' names.
    let number = id(raw.number, "", "number")?;
    let presentment_currency = currency(raw.presentment_currency, "", "presentment_currency")?;
    let id = required_id(raw.id, "", "id")?;
    let name = required_text(raw.name, "", "name")?;
    let order_number = required_id(raw.order_number, "", "order_number")?;
    // Served as a GraphQL `Int` (`orderNumber: Int!`).
    if order_number > i32::MAX as u64 {
        return Err(OrderError::invalid(
            "order_number",
            format!("{order_number} is larger than {}", i32::MAX),
        ));
    }
    let created_at = required(
        timestamp(raw.created_at, "", "created_at")?,
        "",
        "created_at",
    )?;
    let processed_at = timestamp(raw.processed_at, "", "processed_at")?.unwrap_or(created_at);
    let currency = required(currency(raw.currency, "", "currency")?, "", "currency")?;
    let shop = &currency;
    let total_price = required(
        money(
            raw.total_price,
            raw.total_price_set,
            shop,
            "",
            "total_price",
        )?,
        "",
        "total_price",
    )?;

    let discount_applications = raw
        .discount_applications
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, d)| discount_application(d, shop, &format!("discount_applications[{i}]")))
        .collect::<Result<Vec<_>>>()?;
    let line_items = raw
        .line_items
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            line_item(
                l,
                shop,
                discount_applications.len(),
                &format!("line_items[{i}]"),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let shipping_lines = raw
        .shipping_lines
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, s)| shipping_line(s, shop, &format!("shipping_lines[{i}]")))
        .collect::<Result<Vec<_>>>()?;
    let fulfillments = raw
        .fulfillments
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, f)| fulfillment(f, &line_items, &format!("fulfillments[{i}]")))
        .collect::<Result<Vec<_>>>()?;
    let discount_codes = raw
        .discount_codes
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let path = format!("discount_codes[{i}]");
            Ok(DiscountCode {
                code: required_text(c.code, &path, "code")?,
                amount: money(c.amount, None, shop, &path, "amount")?,
                kind: text(c.kind),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let note_attributes = attributes(raw.note_attributes, "note_attributes")?;

    let total_shipping_price = match money(
        None,
        raw.total_shipping_price_set,
        shop,
        "",
        "total_shipping_price",
    )? {
        Some(total) => Some(total),
        None => sum_shipping(&shipping_lines, shop)?,
    };

    let customer = match raw.customer {
        // Shopify sends `"customer": {}`-like stubs for some guest orders: no id, no customer.
        Some(c) if c.id.is_some() => Some(OrderCustomer {
            id: required_id(c.id, "customer", "id")?,
            email: text(c.email),
            phone: text(c.phone),
            first_name: text(c.first_name),
            last_name: text(c.last_name),
        }),
        _ => None,
    };

    Ok(Order {
        id,
        admin_graphql_api_id: text(raw.admin_graphql_api_id),
        name,
        number,
        order_number,
        email: text(raw.email),
        phone: text(raw.phone),
        customer,
        customer_locale: text(raw.customer_locale),
        created_at,
        processed_at,
        updated_at: timestamp(raw.updated_at, "", "updated_at")?,
        cancelled_at: timestamp(raw.cancelled_at, "", "cancelled_at")?,
        closed_at: timestamp(raw.closed_at, "", "closed_at")?,
        cancel_reason: choice(
            raw.cancel_reason,
            "",
            "cancel_reason",
            &[
                ("customer", CancelReason::Customer),
                ("declined", CancelReason::Declined),
                ("fraud", CancelReason::Fraud),
                ("inventory", CancelReason::Inventory),
                ("other", CancelReason::Other),
                ("staff", CancelReason::Staff),
            ],
        )?,
        financial_status: choice(
            raw.financial_status,
            "",
            "financial_status",
            &[
                ("authorized", FinancialStatus::Authorized),
                ("paid", FinancialStatus::Paid),
                ("partially_paid", FinancialStatus::PartiallyPaid),
                ("partially_refunded", FinancialStatus::PartiallyRefunded),
                ("pending", FinancialStatus::Pending),
                ("refunded", FinancialStatus::Refunded),
                ("voided", FinancialStatus::Voided),
            ],
        )?,
        fulfillment_status: choice(
            raw.fulfillment_status,
            "",
            "fulfillment_status",
            &[
                ("fulfilled", FulfillmentStatus::Fulfilled),
                ("partial", FulfillmentStatus::PartiallyFulfilled),
                ("restocked", FulfillmentStatus::Restocked),
                ("unfulfilled", FulfillmentStatus::Unfulfilled),
            ],
        )?
        .unwrap_or(FulfillmentStatus::Unfulfilled),
        presentment_currency,
        subtotal_price: money(
            raw.subtotal_price,
            raw.subtotal_price_set,
            shop,
            "",
            "subtotal_price",
        )?,
        total_tax: money(raw.total_tax, raw.total_tax_set, shop, "", "total_tax")?,
        total_discounts: money(
            raw.total_discounts,
            raw.total_discounts_set,
            shop,
            "",
            "total_discounts",
        )?,
        total_line_items_price: money(
            raw.total_line_items_price,
            raw.total_line_items_price_set,
            shop,
            "",
            "total_line_items_price",
        )?,
        total_shipping_price,
        current_total_price: money(
            raw.current_total_price,
            raw.current_total_price_set,
            shop,
            "",
            "current_total_price",
        )?,
        current_subtotal_price: money(
            raw.current_subtotal_price,
            raw.current_subtotal_price_set,
            shop,
            "",
            "current_subtotal_price",
        )?,
        current_total_tax: money(
            raw.current_total_tax,
            raw.current_total_tax_set,
            shop,
            "",
            "current_total_tax",
        )?,
        current_total_discounts: money(
            raw.current_total_discounts,
            raw.current_total_discounts_set,
            shop,
            "",
            "current_total_discounts",
        )?,
        current_total_duties: money(
            None,
            raw.current_total_duties_set,
            shop,
            "",
            "current_total_duties",
        )?,
        original_total_duties: money(
            None,
            raw.original_total_duties_set,
            shop,
            "",
            "original_total_duties",
        )?,
        total_price,
        line_items,
        shipping_lines,
        discount_applications,
        discount_codes,
        shipping_address: raw
            .shipping_address
            .map(|a| address(a, "shipping_address"))
            .transpose()?,
        billing_address: raw
            .billing_address
            .map(|a| address(a, "billing_address"))
            .transpose()?,
        fulfillments,
        order_status_url: text(raw.order_status_url),
        token: text(raw.token),
        note: text(raw.note),
        note_attributes,
        tags: text(raw.tags),
        test: boolean(raw.test, "", "test")?.unwrap_or(false),
        currency,
    })
}

fn sum_shipping(lines: &[ShippingLine], shop: &CurrencyCode) -> Result<Option<Money>> {
    let prices: Vec<&Money> = lines.iter().filter_map(|l| l.price.as_ref()).collect();
    if prices.is_empty() {
        return Ok(None);
    }
    let mut total = Decimal::ZERO;
    for price in prices {
        if &price.currency != shop {
            return Err(OrderError::invalid(
                "shipping_lines",
                "prices in another currency than the order's cannot be totalled",
            ));
        }
        total = total.checked_add(price.amount).ok_or_else(|| {
            OrderError::invalid("shipping_lines", "the prices' total is too large")
        })?;
    }
    Ok(Some(Money {
        amount: total,
        currency: shop.clone(),
    }))
}

fn attributes(list: Option<Vec<raw::NameValue>>, path: &str) -> Result<Vec<Attribute>> {
    list.unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let path = format!("{path}[{i}]");
            Ok(Attribute {
                key: required(a.name.map(|s| s.0), &path, "name")?,
                // Values are kept verbatim (an empty value is a value, unlike a blank field).
                value: a.value.map(|s| s.0),
            })
        })
        .collect()
}

fn address(raw: raw::Address, path: &str) -> Result<OrderAddress> {
    Ok(OrderAddress {
        first_name: text(raw.first_name),
        last_name: text(raw.last_name),
        name: text(raw.name),
        company: text(raw.company),
        address1: text(raw.address1),
        address2: text(raw.address2),
        city: text(raw.city),
        province: text(raw.province),
        province_code: text(raw.province_code),
        country: text(raw.country),
        country_code: text(raw.country_code),
        zip: text(raw.zip),
        phone: text(raw.phone),
        latitude: decimal(raw.latitude, path, "latitude")?,
        longitude: decimal(raw.longitude, path, "longitude")?,
    })
}

fn discount_application(
    raw: raw::DiscountApplication,
    shop: &CurrencyCode,
    path: &str,
) -> Result<DiscountApplication> {
    let kind = required(
        choice(
            raw.kind,
            path,
            "type",
            &[
                ("automatic", DiscountApplicationKind::Automatic),
                ("discount_code", DiscountApplicationKind::DiscountCode),
                ("manual", DiscountApplicationKind::Manual),
                ("script", DiscountApplicationKind::Script),
            ],
        )?,
        path,
        "type",
    )?;
    let amount = required(decimal(raw.value, path, "value")?, path, "value")?;
    #[derive(Clone, Copy)]
    enum ValueType {
        Percentage,
        FixedAmount,
    }
    let value_type = required(
        choice(
            raw.value_type,
            path,
            "value_type",
            &[
                ("percentage", ValueType::Percentage),
                ("fixed_amount", ValueType::FixedAmount),
            ],
        )?,
        path,
        "value_type",
    )?;
    let value = match value_type {
        ValueType::Percentage => PricingValue::Percentage(amount),
        ValueType::FixedAmount => PricingValue::FixedAmount(Money {
            amount,
            currency: shop.clone(),
        }),
    };
    Ok(DiscountApplication {
        kind,
        value,
        allocation_method: required(
            choice(
                raw.allocation_method,
                path,
                "allocation_method",
                &[
                    ("across", AllocationMethod::Across),
                    ("each", AllocationMethod::Each),
                    ("one", AllocationMethod::One),
                ],
            )?,
            path,
            "allocation_method",
        )?,
        target_selection: choice(
            raw.target_selection,
            path,
            "target_selection",
            &[
                ("all", TargetSelection::All),
                ("entitled", TargetSelection::Entitled),
                ("explicit", TargetSelection::Explicit),
            ],
        )?,
        target_type: required(
            choice(
                raw.target_type,
                path,
                "target_type",
                &[
                    ("line_item", TargetType::LineItem),
                    ("shipping_line", TargetType::ShippingLine),
                ],
            )?,
            path,
            "target_type",
        )?,
        code: text(raw.code),
        title: text(raw.title),
        description: text(raw.description),
    })
}

fn line_item(
    raw: raw::LineItem,
    shop: &CurrencyCode,
    applications: usize,
    path: &str,
) -> Result<LineItem> {
    let discount_allocations = raw
        .discount_allocations
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let path = format!("{path}.discount_allocations[{i}]");
            let index = index(
                a.discount_application_index,
                &path,
                "discount_application_index",
            )?;
            if index >= applications {
                return Err(OrderError::invalid(
                    at(&path, "discount_application_index"),
                    format!(
                        "{index} is not an index of discount_applications ({applications} entries)"
                    ),
                ));
            }
            Ok(DiscountAllocation {
                amount: required(
                    money(a.amount, a.amount_set, shop, &path, "amount")?,
                    &path,
                    "amount",
                )?,
                discount_application_index: index,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(LineItem {
        id: required_id(raw.id, path, "id")?,
        title: required_text(raw.title, path, "title")?,
        variant_title: text(raw.variant_title),
        name: text(raw.name),
        quantity: required(count(raw.quantity, path, "quantity")?, path, "quantity")?,
        current_quantity: count(raw.current_quantity, path, "current_quantity")?,
        fulfillable_quantity: count(raw.fulfillable_quantity, path, "fulfillable_quantity")?,
        fulfillment_status: text(raw.fulfillment_status),
        price: required(
            money(raw.price, raw.price_set, shop, path, "price")?,
            path,
            "price",
        )?,
        total_discount: money(
            raw.total_discount,
            raw.total_discount_set,
            shop,
            path,
            "total_discount",
        )?,
        sku: text(raw.sku),
        vendor: text(raw.vendor),
        variant_id: id(raw.variant_id, path, "variant_id")?,
        product_id: id(raw.product_id, path, "product_id")?,
        discount_allocations,
        attributes: attributes(raw.properties, &format!("{path}.properties"))?,
    })
}

fn shipping_line(raw: raw::ShippingLine, shop: &CurrencyCode, path: &str) -> Result<ShippingLine> {
    Ok(ShippingLine {
        id: id(raw.id, path, "id")?,
        title: text(raw.title),
        code: text(raw.code),
        price: money(raw.price, raw.price_set, shop, path, "price")?,
        discounted_price: money(
            raw.discounted_price,
            raw.discounted_price_set,
            shop,
            path,
            "discounted_price",
        )?,
    })
}

fn text_list(list: Option<Vec<Option<Scalar>>>, single: Option<Scalar>) -> Vec<String> {
    let list: Vec<String> = list
        .unwrap_or_default()
        .into_iter()
        .filter_map(text)
        .collect();
    if list.is_empty() {
        text(single).into_iter().collect()
    } else {
        list
    }
}

fn fulfillment(raw: raw::Fulfillment, line_items: &[LineItem], path: &str) -> Result<Fulfillment> {
    let lines = raw
        .line_items
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let path = format!("{path}.line_items[{i}]");
            let line_item_id = required_id(l.id, &path, "id")?;
            if !line_items.iter().any(|item| item.id == line_item_id) {
                return Err(OrderError::invalid(
                    at(&path, "id"),
                    format!("{line_item_id} is not the id of one of the order's line items"),
                ));
            }
            Ok(FulfillmentLineItem {
                line_item_id,
                quantity: required(count(l.quantity, &path, "quantity")?, &path, "quantity")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Fulfillment {
        id: required_id(raw.id, path, "id")?,
        status: choice(
            raw.status,
            path,
            "status",
            &[
                ("pending", FulfillmentState::Pending),
                ("open", FulfillmentState::Open),
                ("success", FulfillmentState::Success),
                ("cancelled", FulfillmentState::Cancelled),
                ("error", FulfillmentState::Error),
                ("failure", FulfillmentState::Failure),
            ],
        )?,
        created_at: timestamp(raw.created_at, path, "created_at")?,
        tracking_company: text(raw.tracking_company),
        tracking_numbers: text_list(raw.tracking_numbers, raw.tracking_number),
        tracking_urls: text_list(raw.tracking_urls, raw.tracking_url),
        line_items: lines,
    })
}
