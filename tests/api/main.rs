//! Black-box tests: the real router, built by `App::build`, over a fresh, really migrated database
//! per test. The same suite runs on SQLite (default) and on PostgreSQL when `TEST_POSTGRES_URL`
//! names a server (the test script starts one).

// A test states what must hold: expecting and panicking is how it fails (the code it tests may
// do neither, see Cargo.toml).
#![allow(clippy::expect_used, clippy::panic)]

mod addresses;
mod admin_api;
mod backend;
mod browser;
mod cli;
mod client_docs;
mod concurrency;
mod conformance;
mod conformance_profile;
mod customer_query;
mod customer_read_cache;
mod customers_import;
mod database_file;
mod housekeeping;
mod ids;
mod lifecycle;
mod limits;
mod login_throttle;
mod metafields;
mod multipass;
mod multipass_interop;
mod nesting;
mod node;
mod observability;
mod orders;
mod orders_import;
mod orders_webhook;
mod pagination;
mod persisted_queries;
mod profile;
mod real_clients;
mod scale_out;
mod schema_file;
mod security;
mod shops;
mod sign_in;
mod sign_up;
mod slow_clients;
mod storefront_access;
mod support;
mod tcp;
mod tokens;
mod transport;
mod upgrade;
mod webhooks;
mod webhooks_crash;
mod webhooks_interop;
