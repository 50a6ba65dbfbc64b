//! What the HTTP layer tells the admin resolvers, and the access check every field makes.

use std::sync::{Arc, Mutex};

use async_graphql::{Context, ErrorExtensions};

use crate::accounts::{Accounts, Actor, AdminAccess, ShopAccounts};
use crate::domain::admin_token::Scope;
use crate::domain::customer_search::SearchWarning;
use crate::graphql::errors::{TopLevelCode, coded};

pub struct AdminRequest {
    /// The admin token the request carried (the pipeline refuses a request without one).
    pub access: Option<AdminAccess>,
    /// The id that ties the request's log lines and error answers together.
    pub request_id: String,
}

/// The terms one field's search left out: the field, its query, the warnings.
pub type FieldWarnings = (String, String, Vec<SearchWarning>);

/// The search terms a request's `customers` and `customersCount` left out, answered in
/// `extensions.search` as Shopify does.
#[derive(Clone, Default)]
pub struct SearchWarnings(pub Arc<Mutex<Vec<FieldWarnings>>>);

impl SearchWarnings {
    pub fn record(ctx: &Context<'_>, field: &str, query: &str, warnings: Vec<SearchWarning>) {
        if warnings.is_empty() {
            return;
        }
        if let Some(this) = ctx.data_opt::<SearchWarnings>()
            && let Ok(mut all) = this.0.lock()
        {
            all.push((field.to_owned(), query.to_owned(), warnings));
        }
    }
}

/// The shop's use cases and who acts, when the token grants `scope`; otherwise Shopify's
/// `ACCESS_DENIED` naming the scope required.
pub fn shop_for(
    ctx: &Context<'_>,
    scope: Scope,
    field: &str,
) -> async_graphql::Result<(ShopAccounts, Actor)> {
    let request = ctx.data::<AdminRequest>()?;
    let access = request
        .access
        .as_ref()
        .filter(|access| access.grants(scope))
        .ok_or_else(|| {
            let scope_name = scope.as_str();
            coded(
                format!(
                    "Access denied for {field} field. Required access: `{scope_name}` access scope."
                ),
                TopLevelCode::AccessDenied,
            )
            .extend_with(|_, e| e.set("requiredAccess", format!("`{scope_name}` access scope.")))
        })?;
    let accounts = ctx.data::<Accounts>()?;
    Ok((
        accounts.in_shop(access.shop.clone()),
        Actor {
            admin_token_id: access.token_id,
        },
    ))
}

/// The request id, for an internal failure's answer.
pub fn request_id<'a>(ctx: &'a Context<'_>) -> &'a str {
    ctx.data_opt::<AdminRequest>()
        .map_or("", |request| request.request_id.as_str())
}
