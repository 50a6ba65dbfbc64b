//! GraphQL's `Int` is a 32-bit signed integer, but async-graphql's validator only checks that an
//! `Int` argument is a whole number: the range is checked when the argument is read, so an
//! argument of a field that is never resolved (under a `null` customer, say) went unchecked and
//! the request was answered as valid. Checked right after parsing instead, for literals and
//! variables, in arguments and in input objects, with Shopify's (graphql-ruby's) message.

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::{Name, Pos, Value, Variables};

type Problem = (String, Pos);

/// The first `Int` argument value outside -2^31 .. 2^31 - 1, if any.
pub fn first_problem(
    document: &ExecutableDocument,
    registry: &Registry,
    variables: &Variables,
) -> Option<Problem> {
    let walker = Walker {
        registry,
        variables,
    };
    let operations = document.operations.iter().filter_map(|(_, operation)| {
        let root = match operation.node.ty {
            OperationType::Query => Some(registry.query_type.as_str()),
            OperationType::Mutation => registry.mutation_type.as_deref(),
            OperationType::Subscription => None,
        }?;
        Some((root, &operation.node.selection_set.node))
    });
    let fragments = document.fragments.values().map(|fragment| {
        (
            fragment.node.type_condition.node.on.node.as_str(),
            &fragment.node.selection_set.node,
        )
    });
    operations
        .chain(fragments)
        .find_map(|(ty, set)| walker.selection_set(set, ty))
}

struct Walker<'a> {
    registry: &'a Registry,
    variables: &'a Variables,
}

impl Walker<'_> {
    fn selection_set(&self, set: &SelectionSet, ty: &str) -> Option<Problem> {
        set.items
            .iter()
            .find_map(|selection| match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let meta = self
                        .registry
                        .types
                        .get(ty)
                        .and_then(|t| t.field_by_name(&field.name.node))?;
                    field
                        .arguments
                        .iter()
                        .find_map(|(name, value)| {
                            let argument = meta.args.get(name.node.as_str())?;
                            // Variables replaced by their values; one missing is the validator's.
                            let constant = value
                                .node
                                .clone()
                                .into_const_with(|name| {
                                    self.variables.get(&name).cloned().ok_or(())
                                })
                                .ok()?;
                            self.value(
                                &constant,
                                MetaTypeName::concrete_typename(&argument.ty),
                                &name.node,
                                &field.name.node,
                                value.pos,
                            )
                        })
                        .or_else(|| {
                            self.selection_set(
                                &field.selection_set.node,
                                MetaTypeName::concrete_typename(&meta.ty),
                            )
                        })
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let ty = fragment
                        .type_condition
                        .as_ref()
                        .map_or(ty, |condition| condition.node.on.node.as_str());
                    self.selection_set(&fragment.selection_set.node, ty)
                }
                // Fragment definitions are walked on their own, from their type condition.
                Selection::FragmentSpread(_) => None,
            })
    }

    /// `ty` is the value's concrete type (lists only repeat it).
    fn value(
        &self,
        value: &Value,
        ty: &str,
        argument: &Name,
        field: &Name,
        pos: Pos,
    ) -> Option<Problem> {
        let out_of_range = |number: &serde_json::Number| {
            number
                .as_i64()
                .is_none_or(|n| i32::try_from(n).is_err())
                .then(|| {
                    (
                        format!(
                            "Argument '{argument}' on Field '{field}' has an invalid value ({number}). Expected type 'Int'."
                        ),
                        pos,
                    )
                })
        };
        match value {
            Value::Number(n) if ty == "Int" => out_of_range(n),
            Value::List(items) => items
                .iter()
                .find_map(|item| self.value(item, ty, argument, field, pos)),
            Value::Object(entries) => {
                let fields = self.input_fields(ty)?;
                entries.iter().find_map(|(name, item)| {
                    let input = fields.get(name.as_str())?;
                    self.value(
                        item,
                        MetaTypeName::concrete_typename(&input.ty),
                        name,
                        field,
                        pos,
                    )
                })
            }
            _ => None,
        }
    }

    fn input_fields(
        &self,
        ty: &str,
    ) -> Option<&async_graphql::indexmap::IndexMap<String, async_graphql::registry::MetaInputValue>>
    {
        match self.registry.types.get(ty)? {
            MetaType::InputObject { input_fields, .. } => Some(input_fields),
            _ => None,
        }
    }
}
