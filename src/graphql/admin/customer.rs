//! The admin API's `Customer`, as Shopify's Admin API names its fields, with two extensions:
//! `version` (optimistic concurrency) and `emailVerifiedBy` (how the email was proven).

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};

use super::context::{request_id, shop_for};
use crate::accounts::AccountError;
use crate::domain::admin_token::Scope;
use crate::domain::customer::{CustomerRecord, CustomerState as State, EmailProof};
use crate::domain::ids::gid;
use crate::domain::mailing_address::AddressRecord;
use crate::graphql::errors::internal;
use crate::graphql::storefront::address::{AddressLoader, MailingAddress, PageInfo};
use crate::graphql::storefront::scalars::{DateTime, UnsignedInt64};

/// The state of a customer's account with a shop.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "CustomerState")]
pub enum CustomerState {
    /// The customer declined the email invite to create an account.
    Declined,
    /// The customer doesn't have an active account. Customer accounts can be disabled from the Shopify admin at any time.
    Disabled,
    /// The customer has created an account.
    Enabled,
    /// The customer has received an email invite to create an account.
    Invited,
}

impl From<State> for CustomerState {
    fn from(state: State) -> Self {
        match state {
            State::Declined => Self::Declined,
            State::Disabled => Self::Disabled,
            State::Enabled => Self::Enabled,
            State::Invited => Self::Invited,
        }
    }
}

/// The possible email marketing states for a customer.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum CustomerEmailMarketingState {
    /// The customer isn't subscribed to email marketing.
    NotSubscribed,
    /// The customer is in the process of subscribing to email marketing.
    Pending,
    /// The customer is subscribed to email marketing.
    Subscribed,
    /// The customer isn't currently subscribed to email marketing but was previously subscribed.
    Unsubscribed,
    /// The customer's personal data is erased. This value is internally-set and read-only.
    Redacted,
    /// The customer’s email address marketing state is invalid.
    Invalid,
}

/// How a customer proved that the email address is theirs (an extension of this server).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum EmailVerificationMethod {
    /// By using an account activation link mailed to the address.
    Activation,
    /// By using a password reset link mailed to the address.
    Reset,
    /// By signing in through the shop's Multipass (the shop vouches for the address).
    Multipass,
    /// By the shop's word: `verifiedEmail: true` in the admin API's `CustomerInput`.
    Admin,
}

impl From<EmailProof> for EmailVerificationMethod {
    fn from(proof: EmailProof) -> Self {
        match proof {
            EmailProof::Activation => Self::Activation,
            EmailProof::Reset => Self::Reset,
            EmailProof::Multipass => Self::Multipass,
            EmailProof::Admin => Self::Admin,
        }
    }
}

/// An email address associated with a customer.
#[derive(SimpleObject)]
pub struct CustomerEmailAddress {
    /// The customer's default email address.
    pub email_address: String,
    /// The current email marketing state for the customer.
    pub marketing_state: CustomerEmailMarketingState,
}

/// A phone number associated with a customer.
#[derive(SimpleObject)]
pub struct CustomerPhoneNumber {
    /// The customer's default phone number.
    pub phone_number: String,
}

/// Represents information about a customer of the shop, such as the customer's contact details, their order history, and whether they've agreed to receive marketing material by email.
pub struct Customer(pub CustomerRecord);

impl Customer {
    /// The customer's addresses, through the request's loader: a page of customers reads all
    /// their addresses in one query (the storefront's loader, `AdminApi::prepare`).
    async fn address_records(&self, ctx: &Context<'_>, field: &str) -> Result<Vec<AddressRecord>> {
        shop_for(ctx, Scope::ReadCustomers, field)?;
        let loader = ctx.data::<DataLoader<AddressLoader>>()?;
        Ok(loader
            .load_one(self.0.id)
            .await
            .map_err(|err| internal_error(ctx, &err))?
            .unwrap_or_default())
    }
}

#[Object]
impl Customer {
    /// A globally-unique ID.
    pub async fn id(&self) -> ID {
        ID(gid("Customer", self.0.id))
    }

    /// The ID of the corresponding resource in the REST Admin API.
    async fn legacy_resource_id(&self) -> UnsignedInt64 {
        UnsignedInt64(self.0.id.unsigned_abs())
    }

    /// The customer's first name.
    async fn first_name(&self) -> Option<&str> {
        self.0.first_name.as_deref()
    }

    /// The customer's last name.
    async fn last_name(&self) -> Option<&str> {
        self.0.last_name.as_deref()
    }

    /// The full name of the customer, based on the values for first_name and last_name. If the first_name and last_name are not available, then this falls back to the customer's email address, and if that is not available, the customer's phone number.
    async fn display_name(&self) -> String {
        let name = [self.0.first_name.as_deref(), self.0.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            self.0.email.clone()
        } else {
            name
        }
    }

    /// The customer's email address.
    #[graphql(deprecation = "Use `defaultEmailAddress.emailAddress` instead.")]
    async fn email(&self) -> Option<&str> {
        Some(self.0.email.as_str())
    }

    /// The customer's phone number.
    #[graphql(deprecation = "Use `defaultPhoneNumber.phoneNumber` instead.")]
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }

    /// The customer's default email address.
    async fn default_email_address(&self) -> Option<CustomerEmailAddress> {
        Some(CustomerEmailAddress {
            email_address: self.0.email.clone(),
            marketing_state: if self.0.accepts_marketing {
                CustomerEmailMarketingState::Subscribed
            } else {
                CustomerEmailMarketingState::NotSubscribed
            },
        })
    }

    /// The customer's default phone number.
    async fn default_phone_number(&self) -> Option<CustomerPhoneNumber> {
        self.0
            .phone
            .clone()
            .map(|phone_number| CustomerPhoneNumber { phone_number })
    }

    /// The state of the customer's account with the shop.
    async fn state(&self) -> CustomerState {
        self.0.state.into()
    }

    /// A [custom field](https://shopify.dev/docs/apps/build/custom-data), including its `namespace` and `key`, that's associated with a Shopify resource for the purposes of adding and storing additional information.
    async fn metafield(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key for the metafield.")] key: String,
        #[graphql(
            desc = "The container the metafield belongs to. If omitted, the app-reserved namespace will be used."
        )]
        namespace: Option<String>,
    ) -> Result<Option<super::metafield::Metafield>> {
        super::metafield::one(ctx, self.0.id, namespace, key).await
    }

    /// A list of [custom fields](https://shopify.dev/docs/apps/build/custom-data) that a merchant associates with a Shopify resource.
    #[allow(clippy::too_many_arguments)]
    async fn metafields(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The metafield namespace to filter by. If omitted, all metafields are returned."
        )]
        namespace: Option<String>,
        #[graphql(
            desc = "List of keys of metafields in the format `namespace.key`, will be returned in the same format."
        )]
        keys: Option<Vec<String>>,
        #[graphql(desc = "The elements that come after the specified cursor.")] after: Option<
            String,
        >,
        #[graphql(desc = "The elements that come before the specified cursor.")] before: Option<
            String,
        >,
        #[graphql(desc = "The first `n` elements from the paginated list.")] first: Option<i32>,
        #[graphql(desc = "The last `n` elements from the paginated list.")] last: Option<i32>,
        #[graphql(desc = "Reverse the order of the underlying list.", default = false)]
        reverse: bool,
    ) -> Result<super::metafield::MetafieldConnection> {
        let request = crate::domain::pagination::PageRequest {
            first,
            after,
            last,
            before,
            reverse,
        };
        super::metafield::page(ctx, self.0.id, namespace, keys, request).await
    }

    /// A comma separated list of tags that have been added to the customer.
    async fn tags(&self) -> &[String] {
        &self.0.tags
    }

    /// A note about the customer.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The date and time when the customer was added to the store.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// The date and time when the customer was last updated.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }

    /// Whether the customer has verified their email address. Defaults to `true` if the customer is created through the Shopify admin or API.
    async fn verified_email(&self) -> bool {
        self.0.email_proof.is_some()
    }

    /// Whether the email address is formatted correctly.
    async fn valid_email_address(&self) -> bool {
        true
    }

    /// How the customer proved that the email address is theirs; null until then, and again after it changes. An extension of this server.
    async fn email_verified_by(&self) -> Option<EmailVerificationMethod> {
        self.0.email_proof.map(|(_, how)| how.into())
    }

    /// The customer's version: one more with every change to the customer, its addresses included. Pass it as `expectedVersion` to change the customer only if nobody changed it since. An extension of this server (commercetools' optimistic concurrency).
    async fn version(&self) -> UnsignedInt64 {
        UnsignedInt64(self.0.version.unsigned_abs())
    }

    /// When a requested erasure of the customer's data happens (null when none is pending). An extension of this server.
    async fn erasure_due_at(&self) -> Option<DateTime> {
        self.0.erasure_due_at.map(DateTime)
    }

    /// A unique identifier for the customer that's used with Multipass login.
    async fn multipass_identifier(&self) -> Option<&str> {
        self.0.multipass_identifier()
    }

    /// Whether the merchant can delete the customer from their store.
    async fn can_delete(&self) -> bool {
        true
    }

    /// The number of orders that the customer has made at the store in their lifetime.
    async fn number_of_orders(&self, ctx: &Context<'_>) -> Result<UnsignedInt64> {
        let (shop, _) = shop_for(ctx, Scope::ReadCustomers, "numberOfOrders")?;
        let count = shop
            .orders()
            .count(self.0.id, None)
            .await
            .map_err(|err| internal_error(ctx, &err))?;
        Ok(UnsignedInt64(count))
    }

    /// A list of addresses associated with the customer.
    async fn addresses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Truncate the array result to this size.")] first: Option<i32>,
    ) -> Result<Vec<MailingAddress>> {
        let mut addresses = self.address_records(ctx, "addresses").await?;
        if let Some(first) = first {
            addresses.truncate(first.clamp(0, 250) as usize);
        }
        Ok(addresses.into_iter().map(MailingAddress).collect())
    }

    /// The default address associated with the customer.
    async fn default_address(&self, ctx: &Context<'_>) -> Result<Option<MailingAddress>> {
        let Some(default) = self.0.default_address_id else {
            return Ok(None);
        };
        let addresses = self.address_records(ctx, "defaultAddress").await?;
        Ok(addresses
            .into_iter()
            .find(|address| address.id == default)
            .map(MailingAddress))
    }
}

/// Logs an infrastructure failure with its cause and answers generically.
pub fn internal_error(ctx: &Context<'_>, err: &AccountError) -> async_graphql::Error {
    let request_id = request_id(ctx);
    tracing::error!(request_id = %request_id, error = %err, "admin API request failed");
    internal(request_id)
}

/// An auto-generated type for paginating through multiple Customers.
#[derive(SimpleObject)]
pub struct CustomerConnection {
    /// The connection between the node and its parent. Each edge contains a minimum of a cursor and a node.
    pub edges: Vec<CustomerEdge>,
    /// A list of nodes that are contained in CustomerEdge. You can fetch data about an individual node, or you can follow the edges to fetch data about a collection of related nodes. At each node, you specify the fields that you want to retrieve.
    pub nodes: Vec<Customer>,
    /// An object that’s used to retrieve cursor information about the current page.
    pub page_info: PageInfo,
}

/// An auto-generated type which holds one Customer and a cursor during pagination.
#[derive(SimpleObject)]
pub struct CustomerEdge {
    /// The position of each node in an array, used in pagination.
    pub cursor: String,
    /// The item at the end of CustomerEdge.
    pub node: Customer,
}

/// The set of valid sort keys for the Customer query.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum CustomerSortKeys {
    /// Sort by the `created_at` value.
    CreatedAt,
    /// Sort by the `id` value.
    Id,
    /// Sort by the `name` value.
    Name,
    /// Sort by relevance to the search terms when the `query` parameter is specified on the connection. Don't use this sort key when no search query is specified.
    Relevance,
    /// Sort by the `updated_at` value.
    UpdatedAt,
}

/// The precision of the value returned by a count field.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum CountPrecision {
    /// The count is at least the value. A limit was reached.
    AtLeast,
    /// The count is exactly the value.
    Exact,
}

/// Details for count of elements.
#[derive(SimpleObject)]
pub struct Count {
    /// The count of elements.
    pub count: i64,
    /// The count's precision, or the exactness of the value.
    pub precision: CountPrecision,
}

/// One admin action on a customer: who (the admin token), what, when, and the customer's version before and after. An extension of this server.
#[derive(SimpleObject)]
pub struct CustomerAuditEntry {
    /// What was done (`customer_create`, `customer_update`, `tags_add`, `tags_remove`, `customer_delete`, `customer_revoke_access_tokens`).
    pub action: String,
    /// The id of the admin token that acted.
    pub admin_token_id: Option<ID>,
    /// When.
    pub at: DateTime,
    /// The customer's version before the action (null when it created the customer).
    pub version_before: Option<UnsignedInt64>,
    /// The customer's version after the action (null when it deleted the customer).
    pub version_after: Option<UnsignedInt64>,
}
