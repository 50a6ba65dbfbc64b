//! Shopify's `@accessRestricted` schema directive, declared as Shopify declares it so that the
//! schema matches Shopify's and generated clients know it. It marks fields and types in
//! Shopify's schema that need extra access; nothing this server serves carries it, and it
//! cannot be written in a query (it is not an executable directive).

use std::borrow::Cow;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::Directive;
use async_graphql::registry::{
    __DirectiveLocation, Deprecation, MetaDirective, MetaInputValue, Registry,
};
use async_graphql::{
    ContextDirective, CustomDirective, CustomDirectiveFactory, ServerResult, Value,
};

use super::in_context::NoEffect;

pub struct AccessRestricted;

impl CustomDirectiveFactory for AccessRestricted {
    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("accessRestricted")
    }

    fn register(&self, registry: &mut Registry) {
        let reason = MetaInputValue {
            name: "reason".to_owned(),
            description: Some("Explains the reason around this restriction".to_owned()),
            ty: "String".to_owned(),
            deprecation: Deprecation::NoDeprecated,
            default_value: Some(Value::Null.to_string()),
            visible: None,
            inaccessible: false,
            tags: Vec::new(),
            is_secret: false,
            directive_invocations: Vec::new(),
        };
        registry.add_directive(MetaDirective {
            name: "accessRestricted".to_owned(),
            description: Some(
                "Marks an element of a GraphQL schema as having restricted access.".to_owned(),
            ),
            locations: vec![
                __DirectiveLocation::FIELD_DEFINITION,
                __DirectiveLocation::OBJECT,
            ],
            args: IndexMap::from([("reason".to_owned(), reason)]),
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
        // Validation refuses it in documents (its locations are schema locations).
        Ok(Box::new(NoEffect))
    }
}
