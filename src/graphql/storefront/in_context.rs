//! The `@inContext` operation directive. Hydrogen puts it on customer queries and mutations
//! (`@inContext(country: $country, language: $language)`), so it must validate; it changes
//! nothing about customer data. async-graphql's `#[Directive]` macro only knows field
//! directives, hence the hand-written registration for QUERY and MUTATION.

use std::borrow::Cow;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::Directive;
use async_graphql::registry::{
    __DirectiveLocation, Deprecation, MetaDirective, MetaInputValue, Registry,
};
use async_graphql::{
    ContextDirective, CustomDirective, CustomDirectiveFactory, ID, InputObject, InputType,
    ServerResult,
};

use super::country_language_codes::{CountryCode, LanguageCode};

/// Identifies a B2B buyer for the @inContext directive. Pass this input to contextualize Storefront API queries with data like B2B-specific pricing, quantity rules, and quantity price breaks.
#[derive(InputObject)]
pub struct BuyerInput {
    /// The identifier of the company location.
    pub company_location_id: Option<ID>,
    /// The customer access token retrieved from the Customer Accounts API.
    pub customer_access_token: String,
}

/// The visitor's consent to data processing purposes for the shop. true means accepting the purposes, false means declining them, and null means that the visitor didn't express a preference.
#[derive(InputObject)]
pub struct VisitorConsent {
    /// The visitor accepts or rejects the analytics data processing purpose.
    pub analytics: Option<bool>,
    /// The visitor accepts or rejects the first and third party marketing data processing purposes.
    pub marketing: Option<bool>,
    /// The visitor accepts or rejects the preferences data processing purpose.
    pub preferences: Option<bool>,
    /// The visitor accepts or rejects the sale or sharing of their data with third parties.
    pub sale_of_data: Option<bool>,
}

pub struct InContext;

/// A directive that changes nothing where it is written.
pub(super) struct NoEffect;

impl CustomDirective for NoEffect {}

fn argument(name: &str, description: &str, ty: String) -> (String, MetaInputValue) {
    (
        name.to_owned(),
        MetaInputValue {
            name: name.to_owned(),
            description: Some(description.to_owned()),
            ty,
            deprecation: Deprecation::NoDeprecated,
            default_value: None,
            visible: None,
            inaccessible: false,
            tags: Vec::new(),
            is_secret: false,
            directive_invocations: Vec::new(),
        },
    )
}

impl CustomDirectiveFactory for InContext {
    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("inContext")
    }

    fn register(&self, registry: &mut Registry) {
        let args: IndexMap<String, MetaInputValue> = [
            argument(
                "buyer",
                "The buyer's identity.",
                Option::<BuyerInput>::create_type_info(registry),
            ),
            argument(
                "country",
                "The country code for context. For example, `CA`.",
                Option::<CountryCode>::create_type_info(registry),
            ),
            argument(
                "language",
                "The language code for context. For example, `EN`.",
                Option::<LanguageCode>::create_type_info(registry),
            ),
            argument(
                "preferredLocationId",
                "The identifier of the customer's preferred location.",
                Option::<ID>::create_type_info(registry),
            ),
            argument(
                "visitorConsent",
                "The visitor's consent preferences for data processing purposes.",
                Option::<VisitorConsent>::create_type_info(registry),
            ),
        ]
        .into_iter()
        .collect();
        registry.add_directive(MetaDirective {
            name: "inContext".to_owned(),
            description: Some("Contextualizes data based on the additional information provided by the directive. For example, you can use the `@inContext(country: CA)` directive to query a product's price in a storefront within the context of Canada.".to_owned()),
            locations: vec![__DirectiveLocation::MUTATION, __DirectiveLocation::QUERY],
            args,
            is_repeatable: false,
            visible: None,
            composable: None,
        });
    }

    fn create(
        &self,
        _ctx: &ContextDirective<'_>,
        _directive: &Directive,
    ) -> ServerResult<Box<dyn CustomDirective>> {
        Ok(Box::new(NoEffect))
    }
}

/// The `buyer.customerAccessToken` of the operation's `@inContext`, given literally or through
/// variables. `node(id:)` serves a customer's addresses only to that customer.
pub fn buyer_token(
    document: &async_graphql::parser::types::ExecutableDocument,
    operation_name: Option<&str>,
    variables: &async_graphql::Variables,
) -> Option<String> {
    use async_graphql::Value;
    use async_graphql::parser::types::DocumentOperations;

    let operation = match &document.operations {
        DocumentOperations::Single(operation) => operation,
        DocumentOperations::Multiple(operations) => match operation_name {
            Some(name) => operations.get(name)?,
            // One named operation and no operationName: that one runs.
            None if operations.len() == 1 => operations.values().next()?,
            None => return None,
        },
    };
    let directive = operation
        .node
        .directives
        .iter()
        .find(|d| d.node.name.node == "inContext")?;
    let buyer = directive
        .node
        .get_argument("buyer")?
        .node
        .clone()
        .into_const_with(|name| variables.get(&name).cloned().ok_or(()))
        .ok()?;
    match buyer {
        Value::Object(mut fields) => match fields.swap_remove("customerAccessToken")? {
            Value::String(token) => Some(token),
            _ => None,
        },
        _ => None,
    }
}
