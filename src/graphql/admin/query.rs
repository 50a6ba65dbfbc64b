//! The admin API's queries: a customer by id or identifier, the searchable list, the count, and
//! a customer's audit trail.

use async_graphql::{Context, ID, InputObject, Json, Object, Result};

use super::context::{SearchWarnings, shop_for};
use super::customer::{
    Count, CountPrecision, Customer, CustomerAuditEntry, CustomerConnection, CustomerEdge,
    CustomerSortKeys, internal_error,
};
use crate::accounts::{CustomerListError, CustomerListRequest};
use crate::domain::admin_token::Scope;
use crate::domain::ids::{gid, parse_gid};
use crate::graphql::errors::{TopLevelCode, coded};
use crate::graphql::storefront::address::PageInfo;
use crate::graphql::storefront::scalars::{DateTime, UnsignedInt64};
use crate::store::customer_search::CustomerSort;

/// The input fields to identify a customer.
#[derive(InputObject)]
pub struct CustomerIdentifierInput {
    /// The email address of the customer.
    pub email_address: Option<String>,
    /// The ID of the customer.
    pub id: Option<ID>,
    /// The phone number of the customer.
    pub phone_number: Option<String>,
}

#[derive(Default)]
pub struct CustomerQuery;

/// The schema's entry-point for queries. This acts as the public, top-level API from which all queries must start.
#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "QueryRoot")]
pub struct QueryRoot(
    CustomerQuery,
    super::metafield_definitions::DefinitionQuery,
    super::webhooks::WebhookQuery,
);

/// A list error as GraphQL: the caller's mistakes with their words, ours generically.
fn list_error(ctx: &Context<'_>, err: CustomerListError) -> async_graphql::Error {
    match err {
        CustomerListError::Page(err) => coded(err.to_string(), TopLevelCode::BadRequest),
        CustomerListError::Search(err) => coded(err.to_string(), TopLevelCode::BadRequest),
        CustomerListError::Account(err) => internal_error(ctx, &err),
    }
}

#[Object]
impl CustomerQuery {
    /// Returns a Customer resource by ID.
    async fn customer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the Customer to return.")] id: ID,
    ) -> Result<Option<Customer>> {
        let (shop, _) = shop_for(ctx, Scope::ReadCustomers, "customer")?;
        let Some(id) = parse_gid(&id, "Customer") else {
            return Ok(None);
        };
        let found = shop
            .back_office()
            .customer(id)
            .await
            .map_err(|err| internal_error(ctx, &err))?;
        Ok(found.map(Customer))
    }

    /// Returns a customer by its identifier: its id, email address or phone number.
    async fn customer_by_identifier(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The identifier of the customer.")] identifier: CustomerIdentifierInput,
    ) -> Result<Option<Customer>> {
        let (shop, _) = shop_for(ctx, Scope::ReadCustomers, "customerByIdentifier")?;
        let office = shop.back_office();
        let found = match (
            identifier.id,
            identifier.email_address,
            identifier.phone_number,
        ) {
            (Some(id), None, None) => match parse_gid(&id, "Customer") {
                Some(id) => office.customer(id).await,
                None => return Ok(None),
            },
            (None, Some(email), None) => office.customer_by_email(&email).await,
            (None, None, Some(phone)) => office.customer_by_phone(&phone).await,
            _ => {
                return Err(coded(
                    "Exactly one of id, emailAddress or phoneNumber must be given",
                    TopLevelCode::BadRequest,
                ));
            }
        };
        Ok(found
            .map_err(|err| internal_error(ctx, &err))?
            .map(Customer))
    }

    /// Returns a list of customers, filtered with Shopify's search syntax (`query`).
    #[allow(clippy::too_many_arguments)]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The elements that come after the specified cursor.")] after: Option<
            String,
        >,
        #[graphql(desc = "The elements that come before the specified cursor.")] before: Option<
            String,
        >,
        #[graphql(desc = "The first `n` elements from the paginated list.")] first: Option<i32>,
        #[graphql(desc = "The last `n` elements from the paginated list.")] last: Option<i32>,
        #[graphql(
            desc = "A filter made up of terms, connectives, modifiers, and comparators. Supported fields: `email`, `first_name`, `last_name`, `phone`, `state`, `tag`, `tag_not`, `accepts_marketing`, `country`, `created_at` (or `customer_date`), `updated_at`, `orders_count`, `id`, and bare words (a prefix of the email, first or last name)."
        )]
        query: Option<String>,
        #[graphql(
            desc = "Reverse the order of the underlying list.",
            default_with = "Some(false)"
        )]
        reverse: Option<bool>,
        #[graphql(
            desc = "Sort the underlying list by the given key.",
            default_with = "Some(CustomerSortKeys::Id)"
        )]
        sort_key: Option<CustomerSortKeys>,
    ) -> Result<CustomerConnection> {
        let (shop, _) = shop_for(ctx, Scope::ReadCustomers, "customers")?;
        let sort = match sort_key.unwrap_or(CustomerSortKeys::Id) {
            CustomerSortKeys::Id | CustomerSortKeys::Relevance => CustomerSort::Id,
            CustomerSortKeys::CreatedAt => CustomerSort::CreatedAt,
            CustomerSortKeys::UpdatedAt => CustomerSort::UpdatedAt,
            CustomerSortKeys::Name => CustomerSort::Name,
        };
        let page = shop
            .back_office()
            .customers(CustomerListRequest {
                first,
                after,
                last,
                before,
                reverse: reverse.unwrap_or(false),
                sort: Some(sort),
                query: query.clone(),
            })
            .await
            .map_err(|err| list_error(ctx, err))?;
        SearchWarnings::record(
            ctx,
            "customers",
            query.as_deref().unwrap_or_default(),
            page.warnings,
        );
        let page_info = PageInfo::of(&page.edges, page.has_next_page, page.has_previous_page);
        let mut edges = Vec::with_capacity(page.edges.len());
        let mut nodes = Vec::with_capacity(page.edges.len());
        for (cursor, record) in page.edges {
            nodes.push(Customer(record.clone()));
            edges.push(CustomerEdge {
                cursor,
                node: Customer(record),
            });
        }
        Ok(CustomerConnection {
            edges,
            nodes,
            page_info,
        })
    }

    /// The number of customers that match the search (exact).
    async fn customers_count(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A filter in Shopify's search syntax, as for `customers`.")] query: Option<
            String,
        >,
        #[graphql(
            desc = "The upper bound on count value before returning a result. Use `null` to have no limit."
        )]
        limit: Option<i32>,
    ) -> Result<Option<Count>> {
        let (shop, _) = shop_for(ctx, Scope::ReadCustomers, "customersCount")?;
        let (count, warnings) = shop
            .back_office()
            .count_customers(query.as_deref())
            .await
            .map_err(|err| list_error(ctx, err))?;
        SearchWarnings::record(
            ctx,
            "customersCount",
            query.as_deref().unwrap_or_default(),
            warnings,
        );
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        Ok(Some(match limit.filter(|limit| *limit >= 0) {
            Some(limit) if count > i64::from(limit) => Count {
                count: i64::from(limit),
                precision: CountPrecision::AtLeast,
            },
            _ => Count {
                count,
                precision: CountPrecision::Exact,
            },
        }))
    }

    /// Everything stored about a customer, as one JSON document: the profile with its marketing consent and email proof, the note, addresses, orders as stored, sessions (when each began and ends, never a token) and mail not sent yet. What a merchant hands over for a data-access request. An extension of this server.
    async fn customer_data_export(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the customer.")] customer_id: ID,
    ) -> Result<Option<Json<serde_json::Value>>> {
        let (shop, _) = shop_for(ctx, Scope::ReadCustomers, "customerDataExport")?;
        let Some(id) = parse_gid(&customer_id, "Customer") else {
            return Ok(None);
        };
        let export = shop
            .customer_admin()
            .export_customer(&id.to_string())
            .await
            .map_err(|err| internal_error(ctx, &err))?;
        export
            .map(|export| serde_json::to_value(export).map(Json))
            .transpose()
            .map_err(|err| {
                internal_error(ctx, &crate::accounts::AccountError::Internal(Box::new(err)))
            })
    }

    /// The admin actions on a customer, newest first. An extension of this server.
    async fn customer_audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the customer.")] customer_id: ID,
        #[graphql(desc = "At most this many entries (up to 250).", default = 50)] first: i32,
    ) -> Result<Vec<CustomerAuditEntry>> {
        let (shop, _) = shop_for(ctx, Scope::ReadCustomers, "customerAuditLog")?;
        let Some(id) = parse_gid(&customer_id, "Customer") else {
            return Ok(Vec::new());
        };
        let entries = shop
            .back_office()
            .audit_log(id, first.clamp(0, 250) as u64)
            .await
            .map_err(|err| internal_error(ctx, &err))?;
        Ok(entries
            .into_iter()
            .map(|entry| CustomerAuditEntry {
                action: entry.action,
                admin_token_id: entry
                    .admin_token_id
                    .map(|id| ID(gid("AdminAccessToken", id))),
                at: DateTime(entry.at),
                version_before: entry
                    .version_before
                    .map(|v| UnsignedInt64(v.unsigned_abs())),
                version_after: entry.version_after.map(|v| UnsignedInt64(v.unsigned_abs())),
            })
            .collect())
    }
}
