//! The admin API schema: Shopify's Admin API customer surface, for a shop's back office, CRM
//! and scripts, at `/admin/api/{version}/graphql.json`. Resolvers check the admin token's scope,
//! call one back-office use case in the token's shop, and map its outcome into Shopify's
//! payloads. What differs from Shopify is documented in the README.

mod address_mutations;
mod context;
mod customer;
mod customer_mutations;
mod lifecycle_mutations;
mod metafield;
mod metafield_definitions;
mod mutation;
mod query;
mod user_errors;
mod webhooks;

use async_graphql::{EmptySubscription, SDLExportOptions, Schema};

pub use context::{AdminRequest, SearchWarnings};
pub use metafield::AdminMetafieldLoader;
pub use mutation::Mutation;
pub use query::QueryRoot;

use super::{DocumentGuards, SchemaSettings};
use crate::accounts::Accounts;

pub type AdminSchema = Schema<QueryRoot, Mutation, EmptySubscription>;

fn builder() -> async_graphql::SchemaBuilder<QueryRoot, Mutation, EmptySubscription> {
    Schema::build(QueryRoot::default(), Mutation::default(), EmptySubscription)
}

/// The schema with what its resolvers need, and the guards run before it.
pub async fn build_schema(
    accounts: Accounts,
    settings: SchemaSettings,
) -> Result<(AdminSchema, DocumentGuards), String> {
    let guards = DocumentGuards::of(super::guarded(builder(), settings), settings).await?;
    let schema = super::guarded(builder().data(accounts), settings).finish();
    Ok((schema, guards))
}

/// The SDL of the schema, sorted so that `admin.schema.graphql` diffs read well.
pub fn sdl() -> String {
    builder().finish().sdl_with_options(
        SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    )
}
