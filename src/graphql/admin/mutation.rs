//! The admin API's mutations, one object per group.

use async_graphql::MergedObject;

use super::address_mutations::AddressMutation;
use super::customer_mutations::CustomerMutation;
use super::lifecycle_mutations::LifecycleMutation;

#[derive(MergedObject, Default)]
pub struct Mutation(CustomerMutation, AddressMutation, LifecycleMutation);
