//! What the HTTP layer tells resolvers about the request.

use crate::accounts::StorefrontAccess;

pub struct RequestContext {
    /// The storefront token the request carried, when it is valid.
    pub storefront: Option<StorefrontAccess>,
    /// The id that ties the request's log lines and error answers together.
    pub request_id: String,
    /// `@inContext(buyer: {customerAccessToken: ...})` of the operation, if any.
    pub buyer_token: Option<String>,
    /// The buyer's IP: `Shopify-Storefront-Buyer-IP` on requests with a private token, the
    /// socket's peer otherwise.
    pub client_ip: Option<std::net::IpAddr>,
}
