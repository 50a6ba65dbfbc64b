//! The one place for test helpers, so that every test starts, calls and inspects the server the
//! same way and a fix to a helper reaches every test:
//!
//! - `admin`: admin tokens and requests to the admin API;
//! - `app`: the application built in-process (`TestApp`), its configuration, the common GraphQL
//!   documents;
//! - `process`: the real binary, its commands and `storefront serve` processes, killed when the
//!   test ends;
//! - `socket`: raw HTTP over a real socket, and the app served on a loopback port;
//! - `receiver`: a webhook receiver on loopback that keeps what it gets and answers as told;
//! - `smtp`: an SMTP server on loopback that keeps the messages it receives;
//! - `database`: a look into the database for what no answer shows;
//! - `customers`: customers imported in-process, as `customers import` imports them;
//! - `orders`: Shopify order bodies and their delivery.

pub mod admin;
pub mod app;
pub mod customers;
pub mod database;
pub mod orders;
pub mod process;
pub mod receiver;
pub mod smtp;
pub mod socket;

// The items most tests use, at `crate::support::X`.
pub use app::{
    API_PATH, CREATE, DELETE, LOGIN, PASSWORD, READ, RENEW, RawResponse, TestApp, epoch_seconds,
    is_shopify_datetime, now,
};
