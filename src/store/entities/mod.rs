//! sea-orm entities, one per table. Only `store` uses them; the rest of the app sees records.

pub mod admin_token;
pub mod customer;
pub mod customer_access_token;
pub mod customer_address;
pub mod customer_audit;
pub mod customer_import;
pub mod customer_metafield;
pub mod customer_tag;
pub mod event;
pub mod id_node;
pub mod mail_outbox;
pub mod metafield_definition;
pub mod multipass_use;
pub mod order;
pub mod shop;
pub mod shopify_webhook_event;
pub mod storefront_token;
pub mod throttle_counter;
pub mod webhook_delivery;
pub mod webhook_subscription;
