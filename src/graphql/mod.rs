//! The GraphQL schema: Shopify's customer surface, type for type. Resolvers are thin: they check
//! access, call one use case and map its outcome into the Shopify payload.

mod access;
mod address;
mod address_mutations;
pub mod codes;
mod context;
mod customer;
mod errors;
mod in_context;
mod lifecycle_mutations;
mod limits;
mod mutation;
pub mod nesting;
mod node;
mod null_fields;
mod payloads;
mod query;
mod scalars;
mod typename_rules;

use async_graphql::{EmptySubscription, SDLExportOptions, Schema};

pub use address::{AddressLoader, CustomerLoader};
pub use context::RequestContext;
pub use in_context::buyer_token;
pub use limits::root_field_count;
pub use mutation::Mutation;
pub use null_fields::restore_errored_fields;
pub use query::QueryRoot;

use crate::accounts::Accounts;

pub type StorefrontSchema = Schema<QueryRoot, Mutation, EmptySubscription>;

/// The Storefront API version this server speaks (paths name it; any version is served).
pub const API_VERSION: &str = "2026-04";

fn builder() -> async_graphql::SchemaBuilder<QueryRoot, Mutation, EmptySubscription> {
    Schema::build(QueryRoot, Mutation::default(), EmptySubscription)
        .register_output_type::<errors::DisplayableError>()
        .directive(in_context::InContext)
}

/// How much one request may ask for, and how much the schema tells strangers.
#[derive(Debug, Clone, Copy)]
pub struct SchemaSettings {
    pub max_depth: usize,
    pub max_cost: usize,
    /// Production: no introspection and no "did you mean" suggestions.
    pub production: bool,
}

/// The schema with what its resolvers need; built once at start-up.
pub fn build_schema(accounts: Accounts, settings: SchemaSettings) -> StorefrontSchema {
    let mut builder = builder()
        .data(accounts)
        .extension(limits::QueryLimits {
            max_depth: settings.max_depth,
            max_cost: settings.max_cost,
        })
        .extension(typename_rules::TypenameRules)
        // Guards against documents built to exhaust the validator itself.
        .limit_recursive_depth(64)
        .limit_directives(20);
    if settings.production {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}

/// The SDL of the schema, sorted so that `schema.graphql` diffs read well.
pub fn sdl() -> String {
    builder().finish().sdl_with_options(
        SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    )
}
