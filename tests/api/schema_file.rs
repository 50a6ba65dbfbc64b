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

#[test]
fn every_type_and_field_we_serve_matches_shopify() {
    let ours = shape(&storefront::graphql::sdl());
    let reference = shape(REFERENCE);
    let built_in = ["Boolean", "Float", "ID", "Int", "String"];
    for (name, (description, members)) in &ours {
        if built_in.contains(&name.as_str()) {
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
