//! Pure rules of the customer-account domain: parsing and validating what users send, token and
//! id formats, password hashing. Nothing here does I/O or awaits, so every rule is unit-testable.

pub mod access_token;
pub mod account_tokens;
pub mod address;
pub mod admin_token;
pub mod customer;
pub mod customer_import;
pub mod customer_search;
pub mod email;
pub mod ids;
pub mod legacy_hash;
pub mod mailing_address;
pub mod metafield;
pub mod metafield_value;
pub mod multipass;
pub mod names;
pub mod note;
pub mod order;
pub mod outbox;
pub mod pagination;
pub mod password;
pub mod password_hash;
pub mod phone;
pub mod problem;
pub mod shop;
pub mod shopify_webhook;
pub mod storefront_token;
pub mod tags;
pub mod webhook;
pub mod webhook_payload;

#[cfg(test)]
mod untrusted_input_properties;
