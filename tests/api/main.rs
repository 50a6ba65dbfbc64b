//! Black-box tests: the real router, built by `App::build`, over a fresh, really migrated database
//! per test. The same suite runs on SQLite (default) and on PostgreSQL when `TEST_POSTGRES_URL`
//! names a server (the test script starts one).

mod backend;
mod cli;
mod concurrency;
mod conformance;
mod customer_query;
mod schema_file;
mod sign_in;
mod sign_up;
mod storefront_access;
mod support;
mod tcp;
mod tokens;
mod transport;
