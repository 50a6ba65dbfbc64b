//! The validation rules async-graphql's validator skips on `__typename`: it never visits that
//! field, so `__typename @anything` and `__typename(x: 1)` were accepted while the same on any
//! other field is refused. Checked on the parsed document before the schema runs it, with the
//! validator's own messages; the range of `Int` arguments (`int_range`) is checked at the same
//! point.

use async_graphql::Pos;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::registry::Registry;

/// The first `__typename` with an argument or a directive it may not carry, with the
/// validator's message.
pub fn first_problem(document: &ExecutableDocument, registry: &Registry) -> Option<(String, Pos)> {
    let fragments = document
        .fragments
        .values()
        .map(|fragment| &fragment.node.selection_set.node);
    let operations = document
        .operations
        .iter()
        .map(|(_, operation)| &operation.node.selection_set.node);
    operations
        .chain(fragments)
        .find_map(|set| problem_in(set, registry))
}

fn problem_in(set: &SelectionSet, registry: &Registry) -> Option<(String, Pos)> {
    set.items
        .iter()
        .find_map(|selection| match &selection.node {
            Selection::Field(field) if field.node.name.node == "__typename" => {
                if let Some(argument) = field.node.arguments.first() {
                    return Some((
                        format!(
                            "Unknown argument \"{}\" on field \"__typename\"",
                            argument.0.node
                        ),
                        argument.0.pos,
                    ));
                }
                field.node.directives.iter().find_map(|directive| {
                    let name = directive.node.name.node.as_str();
                    match registry.directives.get(name) {
                        None => Some((format!("Unknown directive \"{name}\""), directive.pos)),
                        // The location type is not exported; its Debug name is the SDL's.
                        Some(known)
                            if !known
                                .locations
                                .iter()
                                .any(|location| format!("{location:?}") == "FIELD") =>
                        {
                            Some((
                                format!("Directive \"{name}\" may not be used on \"FIELD\""),
                                directive.pos,
                            ))
                        }
                        Some(_) => None,
                    }
                })
            }
            Selection::Field(field) => problem_in(&field.node.selection_set.node, registry),
            Selection::InlineFragment(fragment) => {
                problem_in(&fragment.node.selection_set.node, registry)
            }
            Selection::FragmentSpread(_) => None,
        })
}
