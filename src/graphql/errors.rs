//! Error-to-response, for every API: the codes of top-level errors (as Shopify names them) and
//! the one internal-error answer, which the HTTP layer shares. The codes of user errors, which
//! are data in a payload, are `domain::problem::ErrorCode`; each schema maps them into its own
//! payload types (`storefront::errors`).

use async_graphql::ErrorExtensions;

pub use crate::domain::problem::ErrorCode as UserErrorCode;

/// `extensions.code` of a top-level error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopLevelCode {
    /// No storefront token, or no valid customer token where one is required.
    AccessDenied,
    /// Too many requests of this kind; `retryAfterSeconds` says when to try again.
    Throttled,
    /// An unknown or spent reset URL (Shopify's answer).
    NotFound,
    /// A malformed argument (a cursor, a page size).
    BadRequest,
    /// More ids in one `nodes` call than allowed.
    MaxInputSizeExceeded,
    MaxDepthExceeded,
    MaxComplexityExceeded,
    MaxRootFieldsExceeded,
    /// The request (its body included) took longer than allowed.
    Timeout,
    /// Our failure: logged with its cause and the request id, answered generically.
    InternalServerError,
}

impl TopLevelCode {
    pub fn as_str(self) -> &'static str {
        match self {
            TopLevelCode::AccessDenied => "ACCESS_DENIED",
            TopLevelCode::Throttled => "THROTTLED",
            TopLevelCode::NotFound => "NOT_FOUND",
            TopLevelCode::BadRequest => "BAD_REQUEST",
            TopLevelCode::MaxInputSizeExceeded => "MAX_INPUT_SIZE_EXCEEDED",
            TopLevelCode::MaxDepthExceeded => "MAX_DEPTH_EXCEEDED",
            TopLevelCode::MaxComplexityExceeded => "MAX_COMPLEXITY_EXCEEDED",
            TopLevelCode::MaxRootFieldsExceeded => "MAX_ROOT_FIELDS_EXCEEDED",
            TopLevelCode::Timeout => "TIMEOUT",
            TopLevelCode::InternalServerError => "INTERNAL_SERVER_ERROR",
        }
    }
}

/// A top-level error with its code.
pub fn coded(message: impl Into<String>, code: TopLevelCode) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| e.set("code", code.as_str()))
}

/// Shopify's words for an internal failure, with the id that ties the answer to the log line.
pub fn internal_message(request_id: &str) -> String {
    format!(
        "Internal error. Looks like something went wrong on our end.\nRequest ID: {request_id} (include this in support requests)."
    )
}

/// The internal failure as a GraphQL error: generic message, code and request id.
pub fn internal(request_id: &str) -> async_graphql::Error {
    let request_id = request_id.to_owned();
    async_graphql::Error::new(internal_message(&request_id)).extend_with(move |_, e| {
        e.set("code", TopLevelCode::InternalServerError.as_str());
        e.set("requestId", request_id.clone());
    })
}
