//! Use cases: one function per thing a customer or operator does. Each validates with `domain`,
//! runs at most one write transaction through `store`, and returns an outcome or an
//! `AccountError` whose expected failures are variants, not strings.
//!
//! `Accounts` is what the whole server shares (the database, the hasher, the settings); what a
//! customer does happens in a shop, through `ShopAccounts`, which `Accounts::in_shop` makes from
//! the shop a request's credential belongs to. Every store call of a `ShopAccounts` names its
//! shop, so nothing one shop has can be reached from another.

mod addresses;
mod admin_access;
mod back_office;
mod back_office_lifecycle;
mod clock;
mod customer_import;
mod error;
mod events;
mod hasher;
mod housekeeping;
mod lifecycle;
mod login_throttle;
mod mail_jobs;
mod metafield_definitions;
mod metafields;
mod multipass;
mod operator;
mod orders;
mod profile;
mod sessions;
mod shops;
mod sign_up;
mod storefront_access;
mod throttle;
mod webhook_jobs;
mod webhook_subscriptions;

use std::sync::Arc;

pub use crate::store::events::EventRecord;
pub use crate::store::webhook_deliveries::{DeliveryRecord, DeliveryStatus};
pub use crate::store::webhook_subscriptions::SubscriptionRecord;
pub use addresses::{AddressArgument, Owner};
pub use admin_access::AdminAccess;
pub use back_office::{
    Actor, CustomerChanges, CustomerListError, CustomerListRequest, CustomerPage, SetIdentifier,
};
pub use back_office_lifecycle::ErasureRequested;
pub use clock::{now, now_ms};
pub use customer_import::{BatchOutcome, ImportOptions, InviteSchedule, RowOutcome};
pub use error::AccountError;
pub(crate) use events::CustomerChange;
pub use hasher::Hasher;
pub use housekeeping::{Purged, Retention};
pub use lifecycle::TokenFailure;
pub use login_throttle::LoginThrottle;
pub use mail_jobs::{Delivery, MailContent, MailPurpose};
pub use metafield_definitions::{
    DefinitionError, DefinitionErrorCode, DefinitionInput, DefinitionProblem,
};
pub use metafields::{
    CheckedSet, CompareDigest, MetafieldsError, SetErrorCode, SetItem, SetProblem, Writer,
};
pub use operator::{CustomerExport, CustomerSummary};
pub use orders::{
    ImportOutcome, ListError, OrderListRequest, OrderPage, WebhookOutcome, WebhookRefusal,
};
pub use shops::{DefaultShop, ShopError};
pub use sign_up::SignUp;
pub use webhook_jobs::{Attempt, AttemptOutcome, DueDelivery};
pub use webhook_subscriptions::{SubscriptionInput, WebhookError};

pub use profile::{ProfileUpdate, ProfileUpdated};
pub use sessions::{DeletedToken, IssuedToken};
pub use storefront_access::StorefrontAccess;

use crate::domain::shop::Shop;
use crate::store::Database;

/// What the use cases need, shared by every request.
#[derive(Clone)]
pub struct Accounts {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    hasher: Hasher,
    token_ttl_seconds: i64,
    token_max_lifetime_seconds: i64,
    max_addresses_per_customer: u64,
    allow_email_change: bool,
    erasure_hold_seconds: i64,
    lifecycle: LifecycleSettings,
    outbox_signal: Arc<tokio::sync::Notify>,
    /// Woken when a change adds webhook deliveries (the sender waits a moment for the commit).
    webhook_signal: Arc<tokio::sync::Notify>,
    webhooks: WebhookSettings,
}

/// What managing webhook subscriptions needs.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    pub allow_private_targets: bool,
    /// How long the previous secret keeps signing after a rotation.
    pub rotation_grace_seconds: i64,
    /// Subscriptions per shop.
    pub max_subscriptions: u64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            allow_private_targets: false,
            rotation_grace_seconds: 24 * 60 * 60,
            max_subscriptions: 100,
        }
    }
}

/// The use cases of one shop: what its customers and its operator do. Cheap to make and to
/// clone, once per request.
#[derive(Clone)]
pub struct ShopAccounts {
    inner: Arc<Inner>,
    shop: Arc<Shop>,
}

/// Declares the services of a shop, each named for what it does and reached from
/// `ShopAccounts` (`shop.sessions().sign_in(…)`); each sees the shop's context (`Deref`).
macro_rules! shop_services {
    ($($(#[$doc:meta])* $name:ident => $method:ident,)*) => {$(
        $(#[$doc])*
        pub struct $name<'a>(&'a ShopAccounts);

        impl std::ops::Deref for $name<'_> {
            type Target = ShopAccounts;
            fn deref(&self) -> &ShopAccounts {
                self.0
            }
        }

        impl ShopAccounts {
            $(#[$doc])*
            pub fn $method(&self) -> $name<'_> {
                $name(self)
            }
        }
    )*};
}

shop_services! {
    /// Signing up (`sign_up`).
    SignUps => sign_ups,
    /// Logging in, the customer behind a token, renewing and logging out, login throttling
    /// (`sessions`, `login_throttle`).
    Sessions => sessions,
    /// Invitations, recovery, activation and reset over email (`lifecycle`).
    AccountLifecycle => lifecycle,
    /// The customer's own profile and password (`profile`).
    Profiles => profiles,
    /// The customer's addresses (`addresses`).
    AddressBook => address_book,
    /// Multipass sign-in (`multipass`).
    MultipassSignIn => multipass,
    /// What the operator does with customers and their mail (`operator`).
    CustomerAdmin => customer_admin,
    /// The shop's storefront API tokens (`storefront_access`).
    StorefrontTokens => storefront_tokens,
    /// The order read model: ingest, linking to accounts, the account page (`orders`).
    Orders => orders,
    /// The shop's admin API tokens (`admin_access`).
    AdminTokens => admin_tokens,
    /// What the admin API does with customers (`back_office`).
    BackOffice => back_office,
    /// Customers brought in from another platform (`customer_import`).
    CustomerImports => customer_imports,
    /// Customers' metafield values: batched reads, atomic sets, deletes (`metafields`).
    Metafields => metafields,
    /// The shop's metafield definitions (`metafield_definitions`).
    MetafieldDefinitions => metafield_definitions,
    /// The shop's webhook subscriptions, their deliveries, retries and replays
    /// (`webhook_subscriptions`).
    Webhooks => webhooks,
}

impl ShopAccounts {
    pub fn shop(&self) -> &Arc<Shop> {
        &self.shop
    }

    /// What every shop shares (the mail sender works for all of them).
    pub fn accounts(&self) -> Accounts {
        Accounts {
            inner: Arc::clone(&self.inner),
        }
    }

    pub fn database(&self) -> &Database {
        &self.inner.db
    }

    /// What a new password of this customer must not be built on.
    pub(crate) fn password_context<'a>(
        &'a self,
        email: &'a str,
    ) -> crate::domain::password::PasswordContext<'a> {
        crate::domain::password::PasswordContext {
            email: Some(email),
            shop_name: Some(&self.shop.name),
        }
    }
}

/// What activation, recovery and reset need.
pub struct LifecycleSettings {
    /// Signs activation and reset tokens.
    pub signing_key: Vec<u8>,
    pub activation_ttl_seconds: i64,
    pub reset_ttl_seconds: i64,
    pub reveal_unknown_email_on_recover: bool,
    pub uniform_sign_up: bool,
    /// Mail the customer when their password changes (reset, activation, customerUpdate).
    pub notify_password_changed: bool,
    pub recover_per_ip: u32,
    pub recover_per_email: u32,
    pub recover_window_seconds: i64,
    pub signup_per_ip: u32,
    pub signup_per_email: u32,
    pub signup_window_seconds: i64,
    pub login: LoginThrottle,
}

pub struct AccountsSettings {
    pub token_ttl_seconds: i64,
    /// How long renewals can keep a session alive, from the login that started it.
    pub token_max_lifetime_seconds: i64,
    pub max_addresses_per_customer: u64,
    pub allow_email_change: bool,
    /// How long a requested erasure waits before it is carried out.
    pub erasure_hold_seconds: i64,
    pub lifecycle: LifecycleSettings,
    pub webhooks: WebhookSettings,
}

impl Accounts {
    pub fn new(db: Database, hasher: Hasher, settings: AccountsSettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                hasher,
                token_ttl_seconds: settings.token_ttl_seconds,
                token_max_lifetime_seconds: settings.token_max_lifetime_seconds,
                max_addresses_per_customer: settings.max_addresses_per_customer,
                allow_email_change: settings.allow_email_change,
                erasure_hold_seconds: settings.erasure_hold_seconds,
                lifecycle: settings.lifecycle,
                outbox_signal: Arc::new(tokio::sync::Notify::new()),
                webhook_signal: Arc::new(tokio::sync::Notify::new()),
                webhooks: settings.webhooks,
            }),
        }
    }

    pub fn database(&self) -> &Database {
        &self.inner.db
    }

    /// The use cases of `shop`.
    pub fn in_shop(&self, shop: Arc<Shop>) -> ShopAccounts {
        ShopAccounts {
            inner: Arc::clone(&self.inner),
            shop,
        }
    }
}
