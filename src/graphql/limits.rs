//! Limits checked on the parsed document before anything runs: query depth and cost (measured
//! by `cost`). The cost of every request that runs is reported as Shopify does, in
//! `extensions.cost.requestedQueryCost`. (Root-field and alias caps are checked at the HTTP edge,
//! before variables are parsed.)

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationDefinition};
use async_graphql::{Response, ServerError, Value, Variables, value};

use super::TopLevelCode;
use super::cost;

#[derive(Debug, Clone, Copy)]
pub struct QueryLimits {
    pub max_depth: usize,
    pub max_cost: usize,
}

impl QueryLimits {
    /// The cost of the operation that would run, or Shopify's answer when it is over a limit.
    /// `None` when no operation fits the request (the execution reports that).
    pub fn check(
        &self,
        document: &ExecutableDocument,
        operation_name: Option<&str>,
        variables: &Variables,
    ) -> Result<Option<usize>, ServerError> {
        let Some(operation) = operation_to_run(document, operation_name) else {
            return Ok(None);
        };
        let measure = cost::measure(document, operation, variables);
        if measure.depth > self.max_depth {
            return Err(limit_error(
                format!(
                    "Query has depth of {}, which exceeds max depth of {}",
                    measure.depth, self.max_depth
                ),
                TopLevelCode::MaxDepthExceeded,
                vec![],
            ));
        }
        if measure.cost > self.max_cost {
            // Shopify's shape: {"message":"Complexity exceeded","extensions":{"code":..,"cost":..,"maxCost":..}}
            return Err(limit_error(
                "Complexity exceeded".to_owned(),
                TopLevelCode::MaxComplexityExceeded,
                vec![
                    ("cost", Value::from(measure.cost as u64)),
                    ("maxCost", Value::from(self.max_cost as u64)),
                ],
            ));
        }
        Ok(Some(measure.cost))
    }
}

/// The answer with its cost, when the operation ran: an answer that is only request errors
/// (a document that does not validate) did not run and has no cost, as before validation.
pub fn report_cost(response: Response, cost: Option<usize>) -> Response {
    let did_not_run = response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty());
    match cost {
        Some(cost) if !did_not_run => {
            response.extension("cost", value!({ "requestedQueryCost": cost }))
        }
        _ => response,
    }
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

/// The operation a request runs: the one named, or the document's only one. A document of
/// several operations and no name runs none; it is measured by its first.
fn operation_to_run<'d>(
    document: &'d ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<&'d OperationDefinition> {
    let operation = match &document.operations {
        DocumentOperations::Single(operation) => operation,
        DocumentOperations::Multiple(operations) => match operation_name {
            Some(name) => operations.get(name)?,
            None => operations.values().next()?,
        },
    };
    Some(&operation.node)
}

/// What the operation that would run is, for the pipeline: whether it is a mutation, and
/// whether it is a query of `customer` root fields only (besides `__typename`, without
/// fragments): the reads whose answers a node may remember (`store::read_cache`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OperationShape {
    pub mutation: bool,
    pub reads_only_customers: bool,
}

pub fn operation_shape(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
) -> OperationShape {
    use async_graphql::parser::types::{OperationType, Selection};

    let Some(operation) = operation_to_run(document, operation_name) else {
        return OperationShape::default();
    };
    let mut customers = 0;
    let mut only_customers = operation.ty == OperationType::Query;
    for selection in &operation.selection_set.node.items {
        match &selection.node {
            Selection::Field(field) => match field.node.name.node.as_str() {
                "customer" => customers += 1,
                "__typename" => {}
                _ => only_customers = false,
            },
            _ => only_customers = false,
        }
    }
    OperationShape {
        mutation: operation.ty == OperationType::Mutation,
        reads_only_customers: only_customers && customers > 0,
    }
}

/// How many root fields (aliases included, fragments expanded) the operation that would run
/// selects in `document`; `None` when no operation fits (validation reports that).
pub fn root_field_count(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<usize> {
    use async_graphql::parser::types::{Selection, SelectionSet};

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

    let operation = operation_to_run(document, operation_name)?;
    Some(count(&operation.selection_set.node, document, 0))
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

    #[test]
    fn only_queries_of_customer_fields_are_customer_reads() {
        let shape = |query: &str, name: Option<&str>| {
            let document = async_graphql::parser::parse_query(query).expect("parses");
            operation_shape(&document, name)
        };
        let read = OperationShape {
            mutation: false,
            reads_only_customers: true,
        };
        assert_eq!(
            shape("{ customer(customerAccessToken: \"t\") { id } }", None),
            read
        );
        assert_eq!(
            shape(
                "query Q($t: String!) { __typename a: customer(customerAccessToken: $t) { id } b: customer(customerAccessToken: \"u\") { email } }",
                None
            ),
            read
        );
        for other in [
            "{ __typename }",
            "{ customer(customerAccessToken: \"t\") { id } node(id: \"x\") { id } }",
            "{ ...F } fragment F on QueryRoot { customer(customerAccessToken: \"t\") { id } }",
        ] {
            assert!(!shape(other, None).reads_only_customers, "{other}");
        }
        let mutation = shape(
            "mutation { customerAccessTokenDelete(customerAccessToken: \"t\") { deletedAccessToken } }",
            None,
        );
        assert!(mutation.mutation && !mutation.reads_only_customers);
        let both = "query A { customer(customerAccessToken: \"t\") { id } } mutation B { x }";
        assert_eq!(shape(both, Some("A")), read);
        assert!(shape(both, Some("B")).mutation);
    }
}
