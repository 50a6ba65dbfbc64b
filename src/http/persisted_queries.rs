//! Automatic Persisted Queries, Apollo's protocol: a client sends
//! `extensions.persistedQuery = { version: 1, sha256Hash }`, first without the document; the
//! server answers `PersistedQueryNotFound` until the client has sent the document once with its
//! hash, and from then on the hash alone runs it. The parsed documents are kept in a bounded
//! LRU (async-graphql's), so a hit skips both sending and parsing the document.
//!
//! Resolved here, before the request's own checks (root fields, mutations over GET), rather
//! than by async-graphql's extension, which would run after them: a persisted document is
//! checked exactly like a sent one.

use async_graphql::Value;
use async_graphql::extensions::apollo_persisted_queries::{CacheStorage, LruCacheStorage};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct PersistedQueries(LruCacheStorage);

impl PersistedQueries {
    pub fn new(capacity: usize) -> Self {
        Self(LruCacheStorage::new(capacity.max(1)))
    }

    /// Fills in the document of an APQ request (as parsed, into `request`), or answers it:
    /// `PersistedQueryNotFound` for an unknown hash, an error for a hash that does not match the
    /// document sent with it. Requests without the extension pass untouched.
    #[allow(clippy::result_large_err)]
    pub async fn resolve(&self, request: &mut async_graphql::Request) -> Result<(), Response> {
        let Some(Value::Object(persisted)) = request.extensions.get("persistedQuery") else {
            return Ok(());
        };
        let version = persisted.get("version");
        let hash = match (version, persisted.get("sha256Hash")) {
            (Some(Value::Number(v)), Some(Value::String(hash))) if v.as_u64() == Some(1) => {
                hash.to_ascii_lowercase()
            }
            _ => {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    "Unsupported persisted query version or missing sha256Hash",
                    "PERSISTED_QUERY_NOT_SUPPORTED",
                ));
            }
        };
        if request.query.trim().is_empty() {
            return match self.0.get(hash).await {
                Some(document) => {
                    request.set_parsed_query(document);
                    Ok(())
                }
                // Apollo clients look for this message and code, then send the document.
                None => Err(error(
                    StatusCode::OK,
                    "PersistedQueryNotFound",
                    "PERSISTED_QUERY_NOT_FOUND",
                )),
            };
        }
        if hex::encode(Sha256::digest(request.query.as_bytes())) != hash {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "provided sha does not match query",
                "PERSISTED_QUERY_HASH_MISMATCH",
            ));
        }
        // Only documents that parse are kept; a syntax error is reported by the execution.
        if let Ok(document) = request.parsed_query() {
            let document = document.clone();
            self.0.set(hash, document).await;
        }
        Ok(())
    }
}

fn error(status: StatusCode, message: &str, code: &str) -> Response {
    let body =
        serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}
