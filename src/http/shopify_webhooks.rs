//! The receiver of Shopify's order webhooks: `POST /webhooks/shopify/{shop handle}/orders`.
//! A merchant who keeps Shopify's checkout points the order topics (`orders/create`, `updated`,
//! `paid`, `cancelled`, `fulfilled`, `partially_fulfilled`, `delete`) here, and the account
//! page shows the orders.
//!
//! Nothing is read before the signature is checked against the shop's Shopify webhook secret;
//! every failed check is the same 401 (an unknown shop, a shop without a secret, a wrong
//! signature), so the endpoint tells a forger nothing. Shopify retries what is not 2xx, so only
//! our own failures answer 5xx; a body that will never be accepted is a 400.

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use serde_json::json;

use super::AppState;
use super::problem_response::{graphql_error, internal_error};
use crate::accounts::{ImportOutcome, WebhookOutcome, WebhookRefusal};
use crate::domain::order::MAX_BODY_BYTES;
use crate::domain::shopify_webhook::{self, parse_headers, verify_signature};

fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn unauthorized() -> Response {
    graphql_error(
        StatusCode::UNAUTHORIZED,
        "The webhook signature is missing or does not match the shop's Shopify webhook secret",
    )
}

pub async fn receive_orders(
    State(state): State<AppState>,
    Path(handle): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let request_id = request_id(&parts.headers);
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return graphql_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The order body is larger than the limit of {MAX_BODY_BYTES} bytes"),
        );
    };
    let shop = match state.accounts.shop_by_handle(&handle).await {
        Ok(Some(shop)) => shop,
        // Not a handle at all, or no such shop: the same answer as a wrong signature.
        Ok(None) | Err(crate::accounts::ShopError::Invalid(_)) => {
            tracing::warn!(shop = %handle.chars().take(64).collect::<String>(), "Shopify webhook for an unknown shop refused");
            return unauthorized();
        }
        Err(err) => {
            tracing::error!(request_id = %request_id, error = %err, "shop lookup failed");
            return internal_error(&request_id);
        }
    };
    let Some(secret) = shop.shopify_webhook_secret.as_ref() else {
        tracing::warn!(shop = %shop.handle, "Shopify webhook refused: the shop has no Shopify webhook secret");
        return unauthorized();
    };
    let signature = parts
        .headers
        .get("x-shopify-hmac-sha256")
        .or_else(|| parts.headers.get("shopify-hmac-sha256"))
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if let Err(err) = verify_signature(signature, &body, secret.expose_secret().as_bytes()) {
        tracing::warn!(shop = %shop.handle, reason = %err, "Shopify webhook refused");
        return unauthorized();
    }
    let headers = match parse_headers(&parts.headers) {
        Ok(headers) => headers,
        Err(err) => return graphql_error(StatusCode::BAD_REQUEST, err.to_string()),
    };
    let Some(topic) = headers.order_topic() else {
        return graphql_error(
            StatusCode::BAD_REQUEST,
            format!(
                "The topic {} is not an order topic this endpoint accepts ({})",
                headers.topic,
                shopify_webhook::ORDER_TOPICS.join(", ")
            ),
        );
    };
    // Shopify's key for duplicates; the webhook id when an older sender has no event id.
    let event = headers.event_id.as_deref().unwrap_or(&headers.webhook_id);
    let outcome = state
        .accounts
        .in_shop(shop.clone())
        .orders()
        .receive_webhook(topic, event, &body)
        .await;
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(WebhookRefusal::Account(err)) => {
            tracing::error!(request_id = %request_id, shop = %shop.handle, error = %err, "Shopify webhook not applied");
            return internal_error(&request_id);
        }
        Err(refusal) => {
            tracing::warn!(shop = %shop.handle, topic = topic.as_str(), reason = %refusal, "Shopify webhook body refused");
            return graphql_error(StatusCode::BAD_REQUEST, refusal.to_string());
        }
    };
    let word = match outcome {
        WebhookOutcome::Stored(ImportOutcome::Created) => "created",
        WebhookOutcome::Stored(ImportOutcome::Updated) => "updated",
        WebhookOutcome::Stored(ImportOutcome::Unchanged) => "unchanged",
        WebhookOutcome::Deleted => "deleted",
        WebhookOutcome::Duplicate => "duplicate",
    };
    tracing::info!(shop = %shop.handle, topic = topic.as_str(), outcome = word, "Shopify order webhook applied");
    // As after a mutation: this node's remembered customer reads have the order before the
    // answer leaves (store::read_cache).
    if let Some(cache) = state.accounts.database().customer_read_cache() {
        cache.settle().await;
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        json!({ "outcome": word }).to_string(),
    )
        .into_response()
}
