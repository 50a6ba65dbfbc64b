//! The admin API's mutations, one object per group.

use async_graphql::MergedObject;

use super::address_mutations::AddressMutation;
use super::customer_mutations::CustomerMutation;
use super::lifecycle_mutations::LifecycleMutation;
use super::metafield::MetafieldMutation;
use super::metafield_definitions::DefinitionMutation;
use super::webhooks::WebhookMutation;

#[derive(MergedObject, Default)]
pub struct Mutation(
    CustomerMutation,
    AddressMutation,
    LifecycleMutation,
    MetafieldMutation,
    DefinitionMutation,
    WebhookMutation,
);
