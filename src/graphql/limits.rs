//! Limits checked after validation and before anything runs: query depth and cost. The cost of
//! every accepted request is reported as Shopify does, in `extensions.cost.requestedQueryCost`.
//! (Root-field and alias caps are checked earlier, at the HTTP edge, before parsing variables.)

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextRequest, NextValidation,
};
use async_graphql::{Response, ServerError, ValidationResult, Value, value};

use super::TopLevelCode;

#[derive(Debug, Clone, Copy)]
pub struct QueryLimits {
    pub max_depth: usize,
    pub max_cost: usize,
}

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsExtension {
            limits: *self,
            cost: AtomicUsize::new(usize::MAX),
        })
    }
}

struct LimitsExtension {
    limits: QueryLimits,
    /// The validated cost of this request (`usize::MAX` until validation ran).
    cost: AtomicUsize,
}

fn limit_error(message: String, code: TopLevelCode, extra: Vec<(&str, Value)>) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code.as_str());
    for (key, value) in extra {
        extensions.set(key, value);
    }
    error.extensions = Some(extensions);
    error
}

#[async_graphql::async_trait::async_trait]
impl Extension for LimitsExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = next.run(ctx).await;
        match self.cost.load(Ordering::Relaxed) {
            usize::MAX => response,
            cost => response.extension("cost", value!({ "requestedQueryCost": cost })),
        }
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if result.depth > self.limits.max_depth {
            return Err(vec![limit_error(
                format!(
                    "Query has depth of {}, which exceeds max depth of {}",
                    result.depth, self.limits.max_depth
                ),
                TopLevelCode::MaxDepthExceeded,
                vec![],
            )]);
        }
        if result.complexity > self.limits.max_cost {
            // Shopify's shape: {"message":"Complexity exceeded","extensions":{"code":..,"cost":..,"maxCost":..}}
            return Err(vec![limit_error(
                "Complexity exceeded".to_owned(),
                TopLevelCode::MaxComplexityExceeded,
                vec![
                    ("cost", Value::from(result.complexity as u64)),
                    ("maxCost", Value::from(self.limits.max_cost as u64)),
                ],
            )]);
        }
        self.cost.store(result.complexity, Ordering::Relaxed);
        Ok(result)
    }
}

/// How many root fields (aliases included, fragments expanded) the operation that would run
/// selects in `document`; `None` when no operation fits (validation reports that).
pub fn root_field_count(
    document: &async_graphql::parser::types::ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<usize> {
    use async_graphql::parser::types::{
        DocumentOperations, ExecutableDocument, Selection, SelectionSet,
    };

    fn count(set: &SelectionSet, document: &ExecutableDocument, depth: usize) -> usize {
        // Fragments that spread each other are refused by validation; stop counting anyway.
        if depth > 16 {
            return 0;
        }
        set.items
            .iter()
            .map(|selection| match &selection.node {
                Selection::Field(_) => 1,
                Selection::InlineFragment(fragment) => {
                    count(&fragment.node.selection_set.node, document, depth + 1)
                }
                Selection::FragmentSpread(spread) => document
                    .fragments
                    .get(&spread.node.fragment_name.node)
                    .map_or(0, |fragment| {
                        count(&fragment.node.selection_set.node, document, depth + 1)
                    }),
            })
            .sum()
    }

    let operation = match &document.operations {
        DocumentOperations::Single(operation) => operation,
        DocumentOperations::Multiple(operations) => match operation_name {
            Some(name) => operations.get(name)?,
            None => operations.values().next()?,
        },
    };
    Some(count(&operation.node.selection_set.node, document, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_fields_count_aliases_and_fragments() {
        let count = |query: &str| {
            async_graphql::parser::parse_query(query)
                .ok()
                .and_then(|document| root_field_count(&document, None))
        };
        assert_eq!(count("{ a: __typename b: __typename }"), Some(2));
        assert_eq!(
            count(
                "query { ...F ... on QueryRoot { x: __typename } } fragment F on QueryRoot { y: __typename z: __typename }"
            ),
            Some(3)
        );
        assert_eq!(count("not graphql"), None);
    }
}
