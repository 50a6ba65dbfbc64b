//! GraphQL: one folder per API schema (`storefront/` today, the admin schema beside it next),
//! and what every schema shares: the guards applied before anything runs (nesting, depth,
//! cost, `__typename` rules) and the repair of errored fields in answers.

pub mod errors;
mod int_range;
mod limits;
pub mod nesting;
mod null_fields;
pub mod storefront;
mod typename_rules;

use async_graphql::{ObjectType, SchemaBuilder, SubscriptionType};

pub use errors::TopLevelCode;
pub use limits::root_field_count;
pub use null_fields::restore_errored_fields;
pub use storefront::{
    API_VERSION, AddressLoader, CustomerLoader, RequestContext, StorefrontSchema, build_schema,
    buyer_token, sdl,
};

/// How much one request may ask for, and how much a schema tells strangers.
#[derive(Debug, Clone, Copy)]
pub struct SchemaSettings {
    pub max_depth: usize,
    pub max_cost: usize,
    /// Production: no introspection and no "did you mean" suggestions.
    pub production: bool,
}

/// A schema builder with the guards every API gets: depth and cost limits (with the cost
/// reported in `extensions.cost`), the `__typename` rules the validator skips, and limits on
/// what could exhaust the validator itself.
pub fn guarded<Q, M, S>(
    builder: SchemaBuilder<Q, M, S>,
    settings: SchemaSettings,
) -> SchemaBuilder<Q, M, S>
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    let builder = builder
        .extension(limits::QueryLimits {
            max_depth: settings.max_depth,
            max_cost: settings.max_cost,
        })
        .extension(typename_rules::TypenameRules)
        .limit_recursive_depth(64)
        .limit_directives(20);
    if settings.production {
        builder.disable_introspection().disable_suggestions()
    } else {
        builder
    }
}
