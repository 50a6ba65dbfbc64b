//! Access checks and the top-level errors Shopify answers with: `ACCESS_DENIED` for a missing
//! storefront token or an invalid customer token, and `INTERNAL_SERVER_ERROR` with a request id.

use async_graphql::{Context, Error, ErrorExtensions};

use super::context::RequestContext;
use crate::accounts::{Accounts, ShopAccounts};
use crate::graphql::TopLevelCode;

const DOCUMENTATION: &str = "https://shopify.dev/api/usage/access-scopes";
const CUSTOMER_TOKEN_REQUIRED: &str = "Requires valid customer access token.";

/// The access scope a customer field needs.
#[derive(Clone, Copy)]
pub enum Scope {
    ReadCustomers,
    WriteCustomers,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Scope::ReadCustomers => "unauthenticated_read_customers",
            Scope::WriteCustomers => "unauthenticated_write_customers",
        }
    }
}

/// The use cases of the request's shop, once the request has shown a valid storefront token:
/// the token decides the shop, nothing the client sends does.
pub fn storefront(ctx: &Context<'_>, field: &str, scope: Scope) -> Result<ShopAccounts, Error> {
    let Some(access) = ctx
        .data_opt::<RequestContext>()
        .and_then(|request| request.storefront.as_ref())
    else {
        return Err(access_denied(field, scope, false));
    };
    Ok(ctx.data::<Accounts>()?.in_shop(access.shop.clone()))
}

/// Shopify's shape: `Access denied for <field> field. Required access: ...`.
pub fn access_denied(field: &str, scope: Scope, customer_token: bool) -> Error {
    let mut required = format!("`{}` access scope.", scope.name());
    if customer_token {
        required.push_str(" Also: ");
        required.push_str(CUSTOMER_TOKEN_REQUIRED);
    }
    Error::new(format!(
        "Access denied for {field} field. Required access: {required}"
    ))
    .extend_with(|_, e| {
        e.set("code", TopLevelCode::AccessDenied.as_str());
        e.set("documentation", DOCUMENTATION);
        e.set("requiredAccess", required.clone());
    })
}

/// Logs the cause once, with the request id, and answers without revealing it.
pub fn internal(ctx: &Context<'_>, err: impl std::error::Error) -> Error {
    let request_id = ctx
        .data_opt::<RequestContext>()
        .map(|request| request.request_id.clone())
        .unwrap_or_default();
    tracing::error!(request_id = %request_id, error = %err, cause = ?std::error::Error::source(&err), "request failed");
    crate::graphql::errors::internal(&request_id)
}
