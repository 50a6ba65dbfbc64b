//! What a document asks for, read from the parsed document alone, before anything runs: its cost
//! (reported on every answer as Shopify reports it, and capped by `graphql.max_cost`) and its
//! depth (capped by `graphql.max_depth`).
//!
//! The cost model: every field costs 1 plus what it selects; a page (a field taking `first` or
//! `last`) costs 1 plus its size (1 to 250; 1 when neither is given) times what one item
//! selects; `nodes(ids:)` costs 1 plus the number of ids (at most 250) times what one node
//! selects. `__typename` costs nothing and adds no depth. Fragments count where they are spread,
//! every time; `@skip` and `@include` do not lower the cost.
//!
//! Measured here rather than by the GraphQL library's validator because reading its figures
//! needs a schema extension, and any extension puts every resolved field through the extension
//! chain (bench/README.md, "The GraphQL extensions").

use std::collections::HashMap;

use async_graphql::parser::types::{
    ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Value, Variables};

/// The largest page a field may ask for, and so the most one page can cost per item.
const MAX_PAGE: usize = 250;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Measure {
    pub cost: usize,
    pub depth: usize,
}

/// The cost and depth of `operation` in `document`, with the request's variables.
pub fn measure(
    document: &ExecutableDocument,
    operation: &OperationDefinition,
    variables: &Variables,
) -> Measure {
    let mut walker = Walker {
        document,
        operation,
        variables,
        fragments: HashMap::new(),
    };
    walker.selection_set(&operation.selection_set.node)
}

/// A fragment's measure, once known; `None` while it is being measured (a cycle, which
/// validation refuses, counts nothing).
type Memo<'a> = HashMap<&'a Name, Option<Measure>>;

struct Walker<'a> {
    document: &'a ExecutableDocument,
    operation: &'a OperationDefinition,
    variables: &'a Variables,
    /// Each fragment is measured once, however often it is spread: a chain of fragments that
    /// each spread the next twice must not cost exponential time to weigh.
    fragments: Memo<'a>,
}

impl<'a> Walker<'a> {
    fn selection_set(&mut self, set: &'a SelectionSet) -> Measure {
        let mut total = Measure::default();
        for selection in &set.items {
            let measure = match &selection.node {
                Selection::Field(field) if field.node.name.node == "__typename" => {
                    Measure::default()
                }
                Selection::Field(field) => self.field(&field.node),
                Selection::InlineFragment(fragment) => {
                    self.selection_set(&fragment.node.selection_set.node)
                }
                Selection::FragmentSpread(spread) => self.fragment(&spread.node.fragment_name.node),
            };
            total.cost = total.cost.saturating_add(measure.cost);
            total.depth = total.depth.max(measure.depth);
        }
        total
    }

    fn field(&mut self, field: &'a Field) -> Measure {
        let children = self.selection_set(&field.selection_set.node);
        let items = if let Some(ids) = self
            .argument(field, "ids")
            .filter(|_| field.name.node == "nodes")
        {
            match ids {
                Value::List(ids) => ids.len().min(MAX_PAGE),
                Value::Null => 0,
                _ => 1,
            }
        } else {
            let size = self
                .argument(field, "first")
                .and_then(as_int)
                .or_else(|| self.argument(field, "last").and_then(as_int));
            match size {
                Some(size) => size.clamp(1, MAX_PAGE as i64) as usize,
                None => 1,
            }
        };
        Measure {
            cost: items.saturating_mul(children.cost).saturating_add(1),
            depth: children.depth + 1,
        }
    }

    fn fragment(&mut self, name: &'a Name) -> Measure {
        if let Some(known) = self.fragments.get(name) {
            return known.unwrap_or_default();
        }
        let Some(fragment) = self.document.fragments.get(name) else {
            return Measure::default();
        };
        self.fragments.insert(name, None);
        let measure = self.selection_set(&fragment.node.selection_set.node);
        self.fragments.insert(name, Some(measure));
        measure
    }

    /// An argument's value, a variable read from the request or its definition's default.
    fn argument(&self, field: &'a Field, name: &str) -> Option<Value> {
        let (_, value) = field
            .arguments
            .iter()
            .find(|(argument, _)| argument.node == name)?;
        value
            .node
            .clone()
            .into_const_with(|variable| {
                self.variables
                    .get(&variable)
                    .cloned()
                    .or_else(|| {
                        self.operation
                            .variable_definitions
                            .iter()
                            .find(|definition| definition.node.name.node == variable)
                            .and_then(|definition| definition.node.default_value().cloned())
                    })
                    .ok_or(())
            })
            .ok()
    }
}

fn as_int(value: Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;
    use async_graphql::parser::types::DocumentOperations;

    fn measure_of(query: &str, variables: serde_json::Value) -> (usize, usize) {
        let document = parse_query(query).expect("a document");
        let operation = match &document.operations {
            DocumentOperations::Single(operation) => operation.node.clone(),
            DocumentOperations::Multiple(operations) => operations
                .values()
                .next()
                .expect("an operation")
                .node
                .clone(),
        };
        let measure = measure(&document, &operation, &Variables::from_json(variables));
        (measure.cost, measure.depth)
    }

    #[test]
    fn every_field_costs_one_and_typename_nothing() {
        assert_eq!(measure_of("{ __typename }", serde_json::json!({})), (0, 0));
        assert_eq!(
            measure_of(
                "{ customer(customerAccessToken: \"t\") { id email __typename } }",
                serde_json::json!({})
            ),
            (3, 2)
        );
    }

    #[test]
    fn a_page_costs_its_size_times_an_item() {
        let page = "query($n: Int) { customer(customerAccessToken: \"t\") { addresses(first: $n) { nodes { id city } } } }";
        // customer 1 + page (1 + n × (nodes 1 + id 1 + city 1))
        assert_eq!(
            measure_of(page, serde_json::json!({ "n": 10 })),
            (1 + 1 + 10 * 3, 4)
        );
        assert_eq!(
            measure_of(page, serde_json::json!({ "n": 100_000 })),
            (1 + 1 + 250 * 3, 4)
        );
        assert_eq!(
            measure_of(page, serde_json::json!({ "n": -5 })),
            (1 + 1 + 3, 4)
        );
        // Neither `first` nor `last`: one item.
        assert_eq!(measure_of(page, serde_json::json!({})), (1 + 1 + 3, 4));
        let defaulted = "query($n: Int = 7) { customer(customerAccessToken: \"t\") { orders(last: $n) { nodes { id } } } }";
        assert_eq!(
            measure_of(defaulted, serde_json::json!({})),
            (1 + 1 + 7 * 2, 4)
        );
    }

    #[test]
    fn nodes_cost_their_ids() {
        let query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }";
        let ids: Vec<String> = (0..300)
            .map(|i| format!("gid://shopify/Order/{i}"))
            .collect();
        assert_eq!(
            measure_of(query, serde_json::json!({ "ids": ["a", "b", "c"] })),
            (1 + 3, 2)
        );
        assert_eq!(
            measure_of(query, serde_json::json!({ "ids": ids })),
            (1 + 250, 2)
        );
    }

    #[test]
    fn fragments_count_where_they_are_spread() {
        let query = "{ customer(customerAccessToken: \"t\") { ...F ... on Customer { email } addresses(first: 2) { nodes { ...A } } } }
                     fragment F on Customer { id firstName }
                     fragment A on MailingAddress { id city zip }";
        // customer 1 + F 2 + email 1 + page (1 + 2 × (nodes 1 + 3))
        assert_eq!(
            measure_of(query, serde_json::json!({})),
            (1 + 2 + 1 + 1 + 2 * 4, 4)
        );
    }

    #[test]
    fn fragment_cycles_and_chains_are_weighed_quickly() {
        let cycle = "{ customer(customerAccessToken: \"t\") { ...A } } fragment A on Customer { id ...B } fragment B on Customer { email ...A }";
        assert_eq!(measure_of(cycle, serde_json::json!({})), (3, 2));
        // 40 fragments, each spreading the next twice: 2^40 fields if expanded one by one.
        let mut chain = String::from("{ customer(customerAccessToken: \"t\") { ...F0 } }");
        for i in 0..40 {
            chain.push_str(&format!(
                " fragment F{i} on Customer {{ ...F{} ...F{} }}",
                i + 1,
                i + 1
            ));
        }
        chain.push_str(" fragment F40 on Customer { id }");
        let (cost, depth) = measure_of(&chain, serde_json::json!({}));
        assert_eq!(cost, 1 + (1 << 40));
        assert_eq!(depth, 2);
    }

    /// Every operation of the real client code bases (`tests/fixtures/client-docs/`), weighed
    /// without variables, against the figures the GraphQL library's validator gave for the same
    /// document when the cost model was written as field annotations
    /// (`tests/fixtures/golden/client-operation-costs.json`: each operation alone with the
    /// fragments it spreads; the five that do not validate against this schema are not in it).
    #[test]
    fn real_client_operations_cost_what_the_validator_measured() {
        const FILES: [(&str, &str); 9] = [
            (
                "hydrogen-demo-store-2023",
                include_str!("../../tests/fixtures/client-docs/hydrogen-demo-store-2023.graphql"),
            ),
            (
                "hydrogen-legacy-customer-account-flow",
                include_str!(
                    "../../tests/fixtures/client-docs/hydrogen-legacy-customer-account-flow.graphql"
                ),
            ),
            (
                "hydrogen-multipass-recipe",
                include_str!("../../tests/fixtures/client-docs/hydrogen-multipass-recipe.graphql"),
            ),
            (
                "hydrogen-v1-demo-store",
                include_str!("../../tests/fixtures/client-docs/hydrogen-v1-demo-store.graphql"),
            ),
            (
                "js-buy-sdk-pr813",
                include_str!("../../tests/fixtures/client-docs/js-buy-sdk-pr813.graphql"),
            ),
            (
                "shopify-draft-proxy-parity",
                include_str!("../../tests/fixtures/client-docs/shopify-draft-proxy-parity.graphql"),
            ),
            (
                "storefront-api-learning-kit",
                include_str!(
                    "../../tests/fixtures/client-docs/storefront-api-learning-kit.graphql"
                ),
            ),
            (
                "vercel-commerce-shopify-provider",
                include_str!(
                    "../../tests/fixtures/client-docs/vercel-commerce-shopify-provider.graphql"
                ),
            ),
            (
                "vuestorefront-shopify",
                include_str!("../../tests/fixtures/client-docs/vuestorefront-shopify.graphql"),
            ),
        ];
        let golden: std::collections::BTreeMap<String, (usize, usize)> = serde_json::from_str(
            include_str!("../../tests/fixtures/golden/client-operation-costs.json"),
        )
        .expect("the golden costs");
        let mut compared = 0;
        for (file, text) in FILES {
            // One document per `# ==== ` chunk, as the client-document tests read them.
            for (chunk, body) in text.split("\n# ==== ").skip(1).enumerate() {
                let body: Vec<&str> = body
                    .lines()
                    .skip(1)
                    .filter(|line| !line.trim_start().starts_with('#'))
                    .collect();
                let document = parse_query(body.join("\n")).expect("a client document parses");
                let operations: Vec<(String, &OperationDefinition)> = match &document.operations {
                    DocumentOperations::Single(operation) => vec![(String::new(), &operation.node)],
                    DocumentOperations::Multiple(operations) => operations
                        .iter()
                        .map(|(name, operation)| (name.to_string(), &operation.node))
                        .collect(),
                };
                for (name, operation) in operations {
                    let key = format!("{file}#{chunk:03}#{name}");
                    let Some(&expected) = golden.get(&key) else {
                        continue;
                    };
                    let measure = measure(&document, operation, &Variables::default());
                    assert_eq!((measure.cost, measure.depth), expected, "{key}");
                    compared += 1;
                }
            }
        }
        assert_eq!(compared, golden.len(), "every golden operation was found");
    }
}
