//! The Storefront API schema: Shopify's customer surface, type for type. Resolvers are thin:
//! they check access, call one use case in the request's shop and map its outcome into the
//! Shopify payload.

mod access;
mod access_restricted;
pub(crate) mod address;
mod address_mutations;
mod context;
pub mod country_language_codes;
mod customer;
mod customer_orders;
mod errors;
mod in_context;
mod lifecycle_mutations;
mod metafield;
pub(crate) mod metafield_mutations;
mod mutation;
mod node;
mod order;
pub(crate) mod payloads;
mod profile_mutations;
mod query;
pub(crate) mod scalars;
mod sign_up_mutation;

use async_graphql::{EmptySubscription, SDLExportOptions, Schema};

pub use address::{AddressLoader, CustomerLoader};
pub use context::RequestContext;
pub use in_context::buyer_token;
pub use metafield::{MetafieldLoader, RequestCustomers};
pub use mutation::Mutation;
pub use query::QueryRoot;

use super::{DocumentGuards, SchemaSettings};
use crate::accounts::Accounts;

pub type StorefrontSchema = Schema<QueryRoot, Mutation, EmptySubscription>;

/// The Storefront API version this server speaks (paths name it; any version is served).
pub const API_VERSION: &str = "2026-04";

fn builder() -> async_graphql::SchemaBuilder<QueryRoot, Mutation, EmptySubscription> {
    Schema::build(QueryRoot, Mutation::default(), EmptySubscription)
        .register_output_type::<errors::DisplayableError>()
        .register_output_type::<metafield::HasMetafields>()
        .directive(in_context::InContext)
        .directive(access_restricted::AccessRestricted)
}

/// The schema with what its resolvers need, and the guards run before it; built once at
/// start-up.
pub async fn build_schema(
    accounts: Accounts,
    settings: SchemaSettings,
) -> Result<(StorefrontSchema, DocumentGuards), String> {
    let guards = DocumentGuards::of(super::guarded(builder(), settings), settings).await?;
    let schema = super::guarded(builder().data(accounts), settings).finish();
    Ok((schema, guards))
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
