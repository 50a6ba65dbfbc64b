//! `schema.graphql` is generated from the code and must not drift; what we serve must match
//! Shopify's schema (`tests/fixtures/shopify-customer.graphql`, the 2026-04 extract) type for
//! type, field for field.

use std::collections::BTreeMap;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

const REFERENCE: &str = include_str!("../fixtures/shopify-customer.graphql");

#[test]
fn schema_graphql_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == storefront::graphql::sdl(),
        "schema.graphql is out of date: regenerate it with `cargo run -- schema > schema.graphql`"
    );
}

#[test]
fn admin_schema_graphql_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("admin.schema.graphql");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == storefront::graphql::admin::sdl(),
        "admin.schema.graphql is out of date: regenerate it with `cargo run -- schema --admin > admin.schema.graphql`"
    );
}

/// For each type: its description, and per field (or enum value) the type with arguments,
/// and the description.
type Shape = BTreeMap<String, (Option<String>, BTreeMap<String, (String, Option<String>)>)>;

fn shape(sdl: &str) -> Shape {
    let document = parse_schema(sdl).expect("valid SDL");
    let mut types = Shape::new();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let ty = ty.node;
        let describe =
            |d: &Option<async_graphql::Positioned<String>>| d.as_ref().map(|d| d.node.clone());
        let mut members = BTreeMap::new();
        match &ty.kind {
            TypeKind::Object(object) => {
                for field in &object.fields {
                    let f = &field.node;
                    let args: Vec<String> = f
                        .arguments
                        .iter()
                        .map(|a| format!("{}: {}", a.node.name.node, a.node.ty.node))
                        .collect();
                    members.insert(
                        f.name.node.to_string(),
                        (
                            format!("({}) {}", args.join(", "), f.ty.node),
                            describe(&f.description),
                        ),
                    );
                }
            }
            TypeKind::Interface(interface) => {
                for field in &interface.fields {
                    let f = &field.node;
                    members.insert(
                        f.name.node.to_string(),
                        (f.ty.node.to_string(), describe(&f.description)),
                    );
                }
            }
            TypeKind::InputObject(input) => {
                for field in &input.fields {
                    let f = &field.node;
                    members.insert(
                        f.name.node.to_string(),
                        (f.ty.node.to_string(), describe(&f.description)),
                    );
                }
            }
            TypeKind::Enum(values) => {
                for value in &values.values {
                    members.insert(value.node.value.node.to_string(), (String::new(), None));
                }
            }
            _ => {}
        }
        types.insert(
            ty.name.node.to_string(),
            (describe(&ty.description), members),
        );
    }
    types
}

/// What is served beyond Shopify's schema: types and fields, each explained in the README.
const EXTENSIONS: [(&str, &str); 6] = [
    (
        "Mutation.customerMetafieldsSet",
        "customers set their own metafields whose definition says READ_WRITE",
    ),
    (
        "Metafield.compareDigest",
        "the digest `customerMetafieldsSet` compares (as in the Customer Account API)",
    ),
    (
        "CustomerMetafieldsSetInput",
        "`customerMetafieldsSet`'s input",
    ),
    (
        "CustomerMetafieldsSetPayload",
        "`customerMetafieldsSet`'s payload",
    ),
    (
        "MetafieldsSetUserError",
        "`customerMetafieldsSet`'s errors (Shopify's cart type of that name, not in the extract)",
    ),
    (
        "MetafieldsSetUserErrorCode",
        "their codes: Shopify's cart codes plus ACCESS_DENIED, INVALID and STALE_OBJECT",
    ),
];

fn is_extension(key: &str) -> bool {
    EXTENSIONS.iter().any(|(k, _)| *k == key)
}

#[test]
fn every_extension_is_served() {
    let ours = shape(&storefront::graphql::sdl());
    for (key, _) in EXTENSIONS {
        let served = match key.split_once('.') {
            Some((ty, field)) => ours.get(ty).is_some_and(|t| t.1.contains_key(field)),
            None => ours.contains_key(key),
        };
        assert!(served, "{key} is listed as an extension but not served");
    }
}

#[test]
fn every_type_and_field_we_serve_matches_shopify() {
    let ours = shape(&storefront::graphql::sdl());
    let reference = shape(REFERENCE);
    let built_in = ["Boolean", "Float", "ID", "Int", "String"];
    for (name, (description, members)) in &ours {
        if built_in.contains(&name.as_str()) || is_extension(name) {
            continue;
        }
        let (ref_description, ref_members) = reference
            .get(name)
            .unwrap_or_else(|| panic!("{name} is not a Shopify type"));
        // The roots' reference descriptions carry a note about the extract.
        if name != "QueryRoot" && name != "Mutation" {
            assert_eq!(description, ref_description, "description of {name}");
        }
        for (member, (signature, member_description)) in members {
            if is_extension(&format!("{name}.{member}")) {
                continue;
            }
            let (ref_signature, ref_member_description) = ref_members
                .get(member)
                .unwrap_or_else(|| panic!("{name}.{member} is not in Shopify's schema"));
            assert_eq!(signature, ref_signature, "{name}.{member}");
            if ref_member_description.is_some() {
                assert_eq!(
                    member_description, ref_member_description,
                    "description of {name}.{member}"
                );
            }
        }
    }
}

#[test]
fn inputs_and_enums_are_complete() {
    let ours = shape(&storefront::graphql::sdl());
    let reference = shape(REFERENCE);
    for name in [
        "CustomerCreateInput",
        "CustomerAccessTokenCreateInput",
        "CustomerErrorCode",
        "CountryCode",
        "LanguageCode",
        "BuyerInput",
        "VisitorConsent",
        "CustomerAccessToken",
        "CustomerUserError",
        "UserError",
        "CustomerAccessTokenCreatePayload",
        "CustomerAccessTokenDeletePayload",
        "CustomerAccessTokenRenewPayload",
        "CustomerCreatePayload",
    ] {
        let our_members: Vec<_> = ours[name].1.keys().collect();
        let ref_members: Vec<_> = reference[name].1.keys().collect();
        assert_eq!(our_members, ref_members, "{name}");
    }
}

#[test]
fn in_context_directive_is_declared_as_shopify_declares_it() {
    let sdl = storefront::graphql::sdl();
    assert!(sdl.contains(
        "directive @inContext(buyer: BuyerInput, country: CountryCode, language: LanguageCode, preferredLocationId: ID, visitorConsent: VisitorConsent) on MUTATION | QUERY"
    ));
}

/// Where a served field behaves differently from Shopify, the README says why; the table says so.
const DIFFERS: [(&str, &str); 12] = [
    ("MailingAddress.id", "no access token appended to the id"),
    ("MailingAddress.latitude", "always null: no geocoding"),
    ("MailingAddress.longitude", "always null: no geocoding"),
    (
        "Customer.avatarUrl",
        "always null: no avatar images are kept",
    ),
    (
        "Customer.socialLoginProvider",
        "always null: no social login",
    ),
    ("Order.totalRefunded", "always zero: refunds are not kept"),
    (
        "Order.shippingDiscountAllocations",
        "always empty: shipping-line allocations are not kept",
    ),
    ("ProductVariant.image", "always null: no product catalogue"),
    (
        "Product.handle",
        "made from the line's title: no product catalogue",
    ),
    (
        "Mutation.customerRecover",
        "same answer for unknown emails (setting restores Shopify's)",
    ),
    (
        "Mutation.customerActivate",
        "tokens are signed JWTs in the same place",
    ),
    (
        "Mutation.customerReset",
        "tokens are signed JWTs in the same place",
    ),
];

/// `docs/compatibility.md`: every type and field of Shopify's customer surface, served or not.
fn compatibility_table() -> String {
    let ours = shape(&storefront::graphql::sdl());
    let reference = shape(REFERENCE);
    let mut out = String::from(
        "# Compatibility with the Shopify Storefront API (2026-04, customer surface)\n\n\
         Generated by the test `schema_file::compatibility_table_is_up_to_date` from Shopify's schema \
         extract and the schema this server serves (`UPDATE_DOCS=1 cargo test --test api compatibility` \
         rewrites it). \"differs\" points at a deliberate difference explained in the README.\n\n\
         | type | field or value | status |\n|---|---|---|\n",
    );
    for (name, (_, members)) in &reference {
        let served = ours.get(name);
        if served.is_none() {
            out.push_str(&format!("| `{name}` | (the whole type) | not served |\n"));
            continue;
        }
        if members.len() > 20
            && members
                .keys()
                .all(|m| served.is_some_and(|s| s.1.contains_key(m)))
        {
            out.push_str(&format!(
                "| `{name}` | all {} values | supported |\n",
                members.len()
            ));
            continue;
        }
        for member in members.keys() {
            let key = format!("{name}.{member}");
            let status = match (
                served.is_some_and(|s| s.1.contains_key(member)),
                DIFFERS.iter().find(|(k, _)| *k == key),
            ) {
                (true, Some((_, why))) => format!("differs: {why}"),
                (true, None) => "supported".to_owned(),
                (false, _) => "not served".to_owned(),
            };
            out.push_str(&format!("| `{name}` | `{member}` | {status} |\n"));
        }
    }
    out.push_str(
        "\n## Extensions\n\nServed beyond Shopify's schema (the README explains each):\n\n\
         | type or field | what |\n|---|---|\n",
    );
    for (key, what) in EXTENSIONS {
        out.push_str(&format!("| `{key}` | {what} |\n"));
    }
    out
}

#[test]
fn compatibility_table_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/compatibility.md");
    let table = compatibility_table();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &table).expect("write docs/compatibility.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == table,
        "docs/compatibility.md is out of date: run `UPDATE_DOCS=1 cargo test --test api compatibility`"
    );
}

/// Every configuration key appears in the README's configuration table.
#[test]
fn every_setting_is_documented_in_the_readme() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .expect("README.md");
    let table: Vec<&str> = readme.lines().filter(|l| l.starts_with("| `")).collect();
    let mut config = storefront::config::Config::default();
    config.mail.smtp = Some(storefront::config::SmtpConfig {
        host: String::new(),
        port: 25,
        tls: storefront::config::SmtpTls::None,
        username: None,
        password: None,
        timeout_seconds: 30,
    });
    let mut keys = Vec::new();
    fn walk(prefix: &str, value: &serde_json::Value, keys: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) if !map.is_empty() => {
                for (key, child) in map {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&path, child, keys);
                }
            }
            _ => keys.push(prefix.to_owned()),
        }
    }
    walk(
        "",
        &serde_json::to_value(&config).expect("serializes"),
        &mut keys,
    );
    // Secrets are never serialized; they are settings all the same.
    keys.extend(["secret_key", "multipass_secret", "mail.smtp.password"].map(str::to_owned));
    for key in keys {
        let (first, last) = (
            key.split('.').next().unwrap_or_default(),
            key.rsplit('.').next().unwrap_or_default(),
        );
        let documented = table.iter().any(|line| {
            line.contains(&format!("`{key}`"))
                || (line.starts_with(&format!("| `{first}.")) && line.contains(last))
        });
        assert!(
            documented,
            "`{key}` is missing from the README's configuration table"
        );
    }
}
