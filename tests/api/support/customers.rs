//! Customers brought in by the import service, in-process: JSONL lines parsed as the command
//! parses them and imported as one batch.

use storefront::accounts::{BatchOutcome, ImportOptions, InviteSchedule, RowOutcome};
use storefront::domain::customer_import::{JsonlContext, JsonlLine};

use super::app::TestApp;

/// Imports the customers of `jsonl` (one per line; a line that does not parse fails the test)
/// into the default shop, as one batch.
pub async fn import_jsonl(app: &TestApp, jsonl: &str, options: ImportOptions) -> BatchOutcome {
    let mut context = JsonlContext::default();
    let mut records = Vec::new();
    for (n, line) in jsonl.lines().enumerate() {
        match context.parse_line(line) {
            Ok(JsonlLine::Customer(record)) => records.push(*record),
            Ok(JsonlLine::Context | JsonlLine::Blank) => {}
            Err(reason) => panic!("line {}: {reason}", n + 1),
        }
    }
    app.app
        .shop()
        .customer_imports()
        .import_batch(records, options, &mut InviteSchedule::default())
        .await
        .expect("the batch is imported")
}

/// The outcomes of a batch that must have refused nothing.
pub fn all_imported(outcome: &BatchOutcome) -> &[RowOutcome] {
    assert!(
        !outcome
            .outcomes
            .iter()
            .any(|o| matches!(o, RowOutcome::Refused(_))),
        "{:?}",
        outcome.outcomes
    );
    &outcome.outcomes
}
