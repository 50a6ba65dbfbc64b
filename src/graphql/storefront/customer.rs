//! The `Customer` object and `CustomerAccessToken`.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, ID, Object, Result, SimpleObject};

use super::access;
use super::address::{
    AddressLoader, MailingAddress, MailingAddressConnection, MailingAddressEdge, PageInfo,
};
use super::customer_orders::{self, OrderSortKeys};
use super::metafield::{self, HasMetafieldsIdentifier, Metafield};
use super::order::OrderConnection;
use super::scalars::{DateTime, UnsignedInt64};
use crate::accounts::IssuedToken;
use crate::accounts::OrderListRequest;
use crate::domain::customer::CustomerRecord;
use crate::domain::ids::gid;
use crate::domain::mailing_address::AddressRecord;
use crate::domain::pagination::{PageRequest, paginate};

pub struct Customer(pub CustomerRecord);

impl Customer {
    /// The customer's addresses, by creation order, batched with every other customer the
    /// request reads.
    async fn address_book(&self, ctx: &Context<'_>) -> Result<Vec<AddressRecord>> {
        let loader = ctx.data::<DataLoader<AddressLoader>>()?;
        Ok(loader
            .load_one(self.0.id)
            .await
            .map_err(|e| access::internal(ctx, e))?
            .unwrap_or_default())
    }
}

/// A customer account with the shop. Includes data such as contact information, addresses and marketing preferences for logged-in customers, so they don't have to provide these details at every checkout.
#[Object]
impl Customer {
    /// Indicates whether the customer has consented to be sent marketing material via email.
    async fn accepts_marketing(&self) -> bool {
        self.0.accepts_marketing
    }

    /// A list of addresses for the customer.
    async fn addresses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Returns the elements that come after the specified cursor.")]
        after: Option<String>,
        #[graphql(desc = "Returns the elements that come before the specified cursor.")]
        before: Option<String>,
        #[graphql(desc = "Returns up to the first `n` elements from the list.")] first: Option<i32>,
        #[graphql(desc = "Returns up to the last `n` elements from the list.")] last: Option<i32>,
        #[graphql(
            desc = "Reverse the order of the underlying list.",
            default_with = "Some(false)"
        )]
        reverse: Option<bool>,
    ) -> Result<MailingAddressConnection> {
        let request = PageRequest {
            first,
            after,
            last,
            before,
            reverse: reverse.unwrap_or(false),
        };
        let addresses = self.address_book(ctx).await?;
        let page = paginate(&addresses, |a| a.id, &request).map_err(|e| {
            crate::graphql::errors::coded(e.to_string(), crate::graphql::TopLevelCode::BadRequest)
        })?;
        let page_info = PageInfo::of(&page.edges, page.has_next_page, page.has_previous_page);
        let nodes = page
            .edges
            .iter()
            .map(|(_, a)| MailingAddress(a.clone()))
            .collect();
        let edges = page
            .edges
            .into_iter()
            .map(|(cursor, a)| MailingAddressEdge {
                cursor,
                node: MailingAddress(a),
            })
            .collect();
        Ok(MailingAddressConnection {
            edges,
            nodes,
            page_info,
        })
    }

    /// The date and time when the customer was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// The customer’s default address.
    async fn default_address(&self, ctx: &Context<'_>) -> Result<Option<MailingAddress>> {
        let Some(default_id) = self.0.default_address_id else {
            return Ok(None);
        };
        Ok(self
            .address_book(ctx)
            .await?
            .into_iter()
            .find(|a| a.id == default_id)
            .map(MailingAddress))
    }

    /// The customer’s name, email or phone number.
    async fn display_name(&self) -> String {
        let name = [self.0.first_name.as_deref(), self.0.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        if !name.is_empty() {
            name
        } else if !self.0.email.is_empty() {
            self.0.email.clone()
        } else {
            self.0.phone.clone().unwrap_or_default()
        }
    }

    /// The customer’s email address.
    async fn email(&self) -> Option<&str> {
        Some(self.0.email.as_str())
    }

    /// The customer’s first name.
    async fn first_name(&self) -> Option<&str> {
        self.0.first_name.as_deref()
    }

    /// A unique ID for the customer.
    async fn id(&self) -> ID {
        ID(gid("Customer", self.0.id))
    }

    /// The customer’s last name.
    async fn last_name(&self) -> Option<&str> {
        self.0.last_name.as_deref()
    }

    /// A custom field, including its `namespace` and `key`, that's associated with a Shopify resource for the purposes of adding and storing additional information.
    pub async fn metafield(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The identifier for the metafield.")] key: String,
        #[graphql(
            desc = "The container the metafield belongs to. If omitted, the app-reserved namespace will be used."
        )]
        namespace: Option<String>,
    ) -> Result<Option<Metafield>> {
        metafield::metafield(ctx, self.0.id, namespace, key).await
    }

    /// A list of custom fields that a merchant associates with a Shopify resource.
    pub async fn metafields(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The list of metafields to retrieve by namespace and key. The input must not contain more than `250` values."
        )]
        identifiers: Vec<HasMetafieldsIdentifier>,
    ) -> Result<Vec<Option<Metafield>>> {
        metafield::metafields(ctx, self.0.id, identifiers).await
    }

    /// The number of orders that the customer has made at the store in their lifetime.
    async fn number_of_orders(&self, ctx: &Context<'_>) -> Result<UnsignedInt64> {
        Ok(UnsignedInt64(
            customer_orders::number_of_orders(ctx, self.0.id).await?,
        ))
    }

    /// The orders associated with the customer.
    #[allow(clippy::too_many_arguments)]
    async fn orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Returns the elements that come after the specified cursor.")]
        after: Option<String>,
        #[graphql(desc = "Returns the elements that come before the specified cursor.")]
        before: Option<String>,
        #[graphql(desc = "Returns up to the first `n` elements from the list.")] first: Option<i32>,
        #[graphql(desc = "Returns up to the last `n` elements from the list.")] last: Option<i32>,
        #[graphql(
            desc = "Apply one or multiple filters to the query.\n| name | description | acceptable_values | default_value | example_use |\n| ---- | ---- | ---- | ---- | ---- |\n| processed_at |\nRefer to the detailed [search syntax](https://shopify.dev/api/usage/search-syntax) for more information about using filters.\n"
        )]
        query: Option<String>,
        #[graphql(
            desc = "Reverse the order of the underlying list.",
            default_with = "Some(false)"
        )]
        reverse: Option<bool>,
        #[graphql(
            desc = "Sort the underlying list by the given key.",
            default_with = "Some(OrderSortKeys::Id)"
        )]
        sort_key: Option<OrderSortKeys>,
    ) -> Result<OrderConnection> {
        customer_orders::orders(
            ctx,
            self.0.id,
            OrderListRequest {
                first,
                last,
                after,
                before,
                reverse: reverse.unwrap_or(false),
                sort: sort_key.map(Into::into),
                query,
            },
        )
        .await
    }

    /// The URL of the customer's avatar image.
    async fn avatar_url(&self) -> Option<String> {
        // No avatar images are kept: always null, as for a Shopify customer without one.
        None
    }

    /// The social login provider associated with the customer.
    async fn social_login_provider(&self) -> Option<SocialLoginProvider> {
        // Customers here log in with a password or Multipass, never a social provider.
        None
    }

    /// The customer’s phone number.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }

    /// A comma separated list of tags that have been added to the customer. Additional access scope required: unauthenticated_read_customer_tags.
    async fn tags(&self) -> &[String] {
        &self.0.tags
    }

    /// The date and time when the customer information was updated.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// A unique authentication token that identifies a logged-in customer and authorizes modifications to the Customer object. The token is required for customer-specific operations like updating profile information or managing addresses.
#[derive(SimpleObject)]
pub struct CustomerAccessToken {
    /// The customer’s access token.
    pub access_token: String,
    /// The date and time when the customer access token expires.
    pub expires_at: DateTime,
}

impl From<IssuedToken> for CustomerAccessToken {
    fn from(issued: IssuedToken) -> Self {
        Self {
            access_token: issued.token,
            expires_at: DateTime(issued.expires_at),
        }
    }
}

/// A social login provider for customer accounts.
#[derive(SimpleObject)]
pub struct SocialLoginProvider {
    /// The handle of the social login provider.
    pub handle: String,
}
