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
            self.reuse_parsed(request).await;
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

impl PersistedQueries {
    /// A document sent in full is parsed once per node too: the same LRU keeps it under the
    /// SHA-256 of its text, as if it had been persisted (storefronts send a handful of
    /// documents, over and over). Parsing was 8 % of a customer read's CPU (bench/README.md).
    /// Documents longer than [`MAX_REUSED_DOCUMENT`] are parsed every time, so that the cache
    /// stays small whatever clients send.
    async fn reuse_parsed(&self, request: &mut async_graphql::Request) {
        if request.query.len() > MAX_REUSED_DOCUMENT || request.query.trim().is_empty() {
            return;
        }
        let hash = hex::encode(Sha256::digest(request.query.as_bytes()));
        if let Some(document) = self.0.get(hash.clone()).await {
            request.set_parsed_query(document);
            return;
        }
        if let Ok(document) = request.parsed_query() {
            let document = document.clone();
            self.0.set(hash, document).await;
        }
    }
}

/// Bytes of the longest sent document kept parsed (the heaviest real client operation is
/// about 4 KB).
const MAX_REUSED_DOCUMENT: usize = 16 * 1024;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_document_sent_in_full_is_parsed_once() {
        let queries = PersistedQueries::new(10);
        let text = "query($t: String!) { customer(customerAccessToken: $t) { id } }";
        let hash = hex::encode(Sha256::digest(text.as_bytes()));
        let mut first = async_graphql::Request::new(text);
        queries.resolve(&mut first).await.expect("plain request");
        assert!(queries.0.get(hash.clone()).await.is_some(), "kept parsed");

        // Too long, or not a document: nothing is kept.
        let long = format!("{{ {} }}", "__typename ".repeat(MAX_REUSED_DOCUMENT / 10));
        let mut request = async_graphql::Request::new(long.as_str());
        queries.resolve(&mut request).await.expect("plain request");
        let long_hash = hex::encode(Sha256::digest(long.as_bytes()));
        assert!(queries.0.get(long_hash).await.is_none());
        let mut broken = async_graphql::Request::new("{ not graphql");
        queries.resolve(&mut broken).await.expect("plain request");
        let broken_hash = hex::encode(Sha256::digest(b"{ not graphql"));
        assert!(queries.0.get(broken_hash).await.is_none());
    }
}
