//! Conformance with live Shopify, scenario `storefront-customer-profile-address-order-lifecycle`
//! of `shopify-live-captures.md`: profile update, address book, default address, password change.
//! Values that differ by nature are masked; ids must keep Shopify's shape (without the access
//! token Shopify appends to address ids: a deliberate difference). The read document's `orders`
//! selection is left out (orders are not served); the email-change step runs with email changes
//! refused, as on the capture store.

use serde_json::{Value, json};

use crate::addresses::{ADDRESS_FIELDS, create_doc};
use crate::support::{PASSWORD, TestApp};

/// Masks ids, timestamps and tokens, and checks their shape on the way.
fn mask(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, v)| {
                    let masked = match (key.as_str(), v) {
                        ("id" | "deletedCustomerAddressId", Value::String(s))
                            if s.starts_with("gid://shopify/MailingAddress/") =>
                        {
                            assert!(s.ends_with("?model_name=CustomerAddress"), "{s}");
                            json!("<address-gid>")
                        }
                        ("id", Value::String(s)) if s.starts_with("gid://shopify/Customer/") => {
                            json!("<customer-gid>")
                        }
                        ("createdAt" | "updatedAt" | "expiresAt", Value::String(_)) => {
                            json!("<datetime>")
                        }
                        ("accessToken", Value::String(_)) => json!("<token>"),
                        ("startCursor" | "endCursor", Value::String(_)) => json!("<cursor>"),
                        _ => mask(v),
                    };
                    (key.clone(), masked)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(mask).collect()),
        other => other.clone(),
    }
}

fn captured(body: Value) -> Value {
    mask(&body)
}

const UPDATE: &str =
    "mutation StorefrontCustomerProfileUpdate($token: String!, $customer: CustomerUpdateInput!) {
  customerUpdate(customerAccessToken: $token, customer: $customer) {
    customer { id email firstName lastName displayName phone acceptsMarketing createdAt updatedAt }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { field message code }
    userErrors { field message }
  }
}";

fn read_doc() -> String {
    format!(
        "query StorefrontCustomerProfileAddressOrderRead($token: String!) {{
  customer(customerAccessToken: $token) {{
    id email firstName lastName displayName phone acceptsMarketing createdAt updatedAt
    defaultAddress {{ {ADDRESS_FIELDS} }}
    addresses(first: 10) {{ nodes {{ {ADDRESS_FIELDS} }} pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }}
  }}
}}"
    )
}

const DEFAULT_UPDATE: &str = "mutation StorefrontCustomerDefaultAddressUpdate($token: String!, $addressId: ID!) {
  customerDefaultAddressUpdate(customerAccessToken: $token, addressId: $addressId) {
    customer {
      id email firstName lastName displayName
      defaultAddress { id address1 city country }
      addresses(first: 5) { nodes { id address1 } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
    }
    customerUserErrors { field message code }
    userErrors { field message }
  }
}";

const ADDRESS_UPDATE: &str = "mutation StorefrontCustomerAddressUpdate($token: String!, $id: ID!, $address: MailingAddressInput!) {
  customerAddressUpdate(customerAccessToken: $token, id: $id, address: $address) {
    customerAddress { id firstName lastName address1 address2 city company province provinceCode country countryCode countryCodeV2 zip phone name formattedArea }
    customerUserErrors { field message code }
    userErrors { field message }
  }
}";

const ADDRESS_DELETE: &str = "mutation StorefrontCustomerAddressDelete($token: String!, $id: ID!) {
  customerAddressDelete(customerAccessToken: $token, id: $id) {
    deletedCustomerAddressId
    customerUserErrors { field message code }
    userErrors { field message }
  }
}";

fn address(first: &str, last: &str, address1: &str, city: &str, zip: &str, phone: Value) -> Value {
    json!({
        "id": "<address-gid>", "firstName": first, "lastName": last, "address1": address1, "address2": null,
        "city": city, "company": null, "province": if city == "Ottawa" || city == "Toronto" { "Ontario" } else { "Quebec" },
        "provinceCode": if city == "Ottawa" || city == "Toronto" { "ON" } else { "QC" },
        "country": "Canada", "countryCode": "CA", "countryCodeV2": "CA", "zip": zip, "phone": phone,
        "name": format!("{first} {last}"),
        "formattedArea": format!("{city} {}, Canada", if city == "Ottawa" || city == "Toronto" { "ON" } else { "QC" })
    })
}

#[tokio::test]
async fn storefront_customer_profile_address_lifecycle_matches_the_live_captures() {
    let app = TestApp::spawn_with(|config| config.customers.allow_email_change = false).await;
    let email = "hermes-storefront-profile@example.com";
    app.graphql(
        crate::support::CREATE,
        json!({ "input": { "email": email, "password": PASSWORD, "firstName": "Storefront", "lastName": "Profile", "acceptsMarketing": false } }),
    )
    .await;
    let token = app.signed_in_customer_existing(email).await;

    // 3. profileEmailUpdateDenied
    let response = app
        .graphql(UPDATE, json!({ "token": token, "customer": { "email": "hermes-storefront-updated@example.com", "firstName": "Denied", "acceptsMarketing": true } }))
        .await;
    assert_eq!(
        mask(&response),
        captured(
            json!({"data":{"customerUpdate":{"customer":null,"customerAccessToken":null,"customerUserErrors":[{"field":["customer","email"],"message":"CustomerUpdate access denied","code":"INVALID"}],"userErrors":[{"field":["customer","email"],"message":"CustomerUpdate access denied"}]}}})
        )
    );

    // 4. profileUpdate
    let response = app
        .graphql(UPDATE, json!({ "token": token, "customer": { "firstName": "Updated", "lastName": "Profile", "phone": "+16135550074", "acceptsMarketing": true } }))
        .await;
    assert_eq!(
        mask(&response),
        captured(
            json!({"data":{"customerUpdate":{"customer":{"id":"gid://shopify/Customer/10993061626162","email":email,"firstName":"Updated","lastName":"Profile","displayName":"Updated Profile","phone":"+16135550074","acceptsMarketing":true,"createdAt":"2026-07-19T12:33:16Z","updatedAt":"2026-07-19T12:33:17Z"},"customerAccessToken":null,"customerUserErrors":[],"userErrors":[]}}})
        )
    );

    // 5. addressCreateOne: names default to the customer's.
    let response = app
        .graphql(&create_doc(), json!({ "token": token, "address": { "address1": "1 Storefront Main St", "city": "Ottawa", "province": "Ontario", "country": "Canada", "zip": "K1A 0B1", "phone": "+1 (613) 555-0199" } }))
        .await;
    assert_eq!(
        mask(&response),
        json!({"data":{"customerAddressCreate":{"customerAddress": address("Updated", "Profile", "1 Storefront Main St", "Ottawa", "K1A 0B1", json!("+1 (613) 555-0199")),"customerUserErrors":[],"userErrors":[]}}})
    );
    let first_id = response["data"]["customerAddressCreate"]["customerAddress"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // 6. addressCreateTwo
    let response = app
        .graphql(&create_doc(), json!({ "token": token, "address": { "firstName": "Second", "lastName": "Address", "address1": "2 Storefront Side St", "city": "Toronto", "province": "Ontario", "country": "Canada", "zip": "M5V 2T6" } }))
        .await;
    assert_eq!(
        mask(&response),
        json!({"data":{"customerAddressCreate":{"customerAddress": address("Second", "Address", "2 Storefront Side St", "Toronto", "M5V 2T6", Value::Null),"customerUserErrors":[],"userErrors":[]}}})
    );
    let second_id = response["data"]["customerAddressCreate"]["customerAddress"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // 7. defaultAddressUpdate
    let response = app
        .graphql(
            DEFAULT_UPDATE,
            json!({ "token": token, "addressId": second_id }),
        )
        .await;
    assert_eq!(
        mask(&response),
        json!({"data":{"customerDefaultAddressUpdate":{"customer":{"id":"<customer-gid>","email":email,"firstName":"Updated","lastName":"Profile","displayName":"Updated Profile",
            "defaultAddress":{"id":"<address-gid>","address1":"2 Storefront Side St","city":"Toronto","country":"Canada"},
            "addresses":{"nodes":[{"id":"<address-gid>","address1":"1 Storefront Main St"},{"id":"<address-gid>","address1":"2 Storefront Side St"}],
                "pageInfo":{"hasNextPage":false,"hasPreviousPage":false,"startCursor":"<cursor>","endCursor":"<cursor>"}}},
            "customerUserErrors":[],"userErrors":[]}}})
    );
    let customer = &response["data"]["customerDefaultAddressUpdate"]["customer"];
    assert_eq!(
        customer["defaultAddress"]["id"],
        customer["addresses"]["nodes"][1]["id"]
    );
    assert_eq!(customer["defaultAddress"]["id"], second_id.as_str());

    // 8. addressUpdate
    let response = app
        .graphql(ADDRESS_UPDATE, json!({ "token": token, "id": first_id, "address": { "address1": "10 Storefront Main St", "city": "Gatineau", "province": "Quebec", "country": "Canada", "zip": "J8X 2X1" } }))
        .await;
    assert_eq!(
        mask(&response),
        json!({"data":{"customerAddressUpdate":{"customerAddress": address("Updated", "Profile", "10 Storefront Main St", "Gatineau", "J8X 2X1", json!("+1 (613) 555-0199")),"customerUserErrors":[],"userErrors":[]}}})
    );

    // 9. addressDelete (the default): the remaining address becomes the default.
    let response = app
        .graphql(ADDRESS_DELETE, json!({ "token": token, "id": second_id }))
        .await;
    assert_eq!(
        mask(&response),
        json!({"data":{"customerAddressDelete":{"deletedCustomerAddressId":"<address-gid>","customerUserErrors":[],"userErrors":[]}}})
    );
    assert_eq!(
        response["data"]["customerAddressDelete"]["deletedCustomerAddressId"],
        second_id.as_str()
    );
    let read = app.graphql(&read_doc(), json!({ "token": token })).await;
    let remaining = address(
        "Updated",
        "Profile",
        "10 Storefront Main St",
        "Gatineau",
        "J8X 2X1",
        json!("+1 (613) 555-0199"),
    );
    assert_eq!(mask(&read["data"]["customer"]["defaultAddress"]), remaining);
    assert_eq!(
        mask(&read["data"]["customer"]["addresses"]["nodes"]),
        json!([remaining])
    );

    // 17. passwordUpdate: a new token, expiring 42 days from now.
    let response = app
        .graphql(
            UPDATE,
            json!({ "token": token, "customer": { "password": "another-good-password" } }),
        )
        .await;
    assert_eq!(
        mask(&response),
        captured(
            json!({"data":{"customerUpdate":{"customer":{"id":"gid://shopify/Customer/10993061626162","email":email,"firstName":"Updated","lastName":"Profile","displayName":"Updated Profile","phone":"+16135550074","acceptsMarketing":true,"createdAt":"2026-07-19T12:33:16Z","updatedAt":"2026-07-19T12:33:19Z"},"customerAccessToken":{"accessToken":"<redacted>","expiresAt":"2026-08-30T12:33:19Z"},"customerUserErrors":[],"userErrors":[]}}})
        )
    );
    let rotated = response["data"]["customerUpdate"]["customerAccessToken"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();

    // 18. readWithOldTokenAfterPassword
    let old = app.graphql(&read_doc(), json!({ "token": token })).await;
    assert_eq!(old, json!({ "data": { "customer": null } }));
    // 19. readWithRotatedToken
    let new = app.graphql(&read_doc(), json!({ "token": rotated })).await;
    assert_eq!(new["data"]["customer"]["email"], email);
    assert_eq!(
        mask(&new["data"]["customer"]["addresses"]["nodes"]),
        json!([remaining])
    );
}
