//! The GraphiQL playground, served with its assets by the server itself (no CDN): the page at
//! `GET /graphql` and the files under `/graphiql/`. In development the storefront token header
//! is filled in. `#query=...` in the page's URL preloads a document.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::storefront_api::StorefrontApi;
use crate::graphql::API_VERSION;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: [Asset; 4] = [
    Asset {
        name: "graphiql.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/graphiql.min.js"),
    },
    Asset {
        name: "graphiql.min.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/graphiql.min.css"),
    },
    Asset {
        name: "react.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/react.production.min.js"),
    },
    Asset {
        name: "react-dom.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    },
];

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>storefront · GraphiQL</title>
<style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
<link rel="stylesheet" href="/graphiql/graphiql.min.css">
</head>
<body>
<div id="graphiql">Loading…</div>
<script id="config" type="application/json">__CONFIG__</script>
<script src="/graphiql/react.production.min.js"></script>
<script src="/graphiql/react-dom.production.min.js"></script>
<script src="/graphiql/graphiql.min.js"></script>
<script>
  const config = JSON.parse(document.getElementById("config").textContent);
  const preset = new URLSearchParams(location.hash.slice(1)).get("query");
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: config.endpoint }),
      defaultHeaders: config.headers,
      defaultQuery: preset || config.defaultQuery,
      shouldPersistHeaders: false,
    })
  );
</script>
</body>
</html>
"#;

const DEFAULT_QUERY: &str = "# Welcome to storefront. Sign a customer up, then log in:\n\
mutation SignUp {\n  customerCreate(input: {email: \"ada@example.com\", password: \"correct-horse-battery\", firstName: \"Ada\"}) {\n    customer { id email displayName }\n    customerUserErrors { field code message }\n  }\n}\n";

pub async fn page(state: &StorefrontApi) -> Response {
    let token = if state.prefill_graphiql_token {
        state
            .accounts
            .in_shop(state.default_shop.clone())
            .storefront_tokens()
            .first_public_token()
            .await
            .unwrap_or_else(|err| {
                tracing::warn!(error = %err, "could not read a storefront token for GraphiQL");
                None
            })
    } else {
        None
    };
    let headers = match token {
        Some(token) => {
            serde_json::json!({ "X-Shopify-Storefront-Access-Token": token }).to_string()
        }
        None => "{\n  \"X-Shopify-Storefront-Access-Token\": \"\"\n}".to_owned(),
    };
    let config = serde_json::json!({
        "endpoint": format!("/api/{API_VERSION}/graphql.json"),
        "headers": headers,
        "defaultQuery": DEFAULT_QUERY,
    });
    // Inside <script>, "</" would end the element: escape it.
    let config = config.to_string().replace("</", "<\\/");
    Html(PAGE.replace("__CONFIG__", &config)).into_response()
}

const ADMIN_DEFAULT_QUERY: &str = "# The admin API: paste an admin token (`storefront tokens create --admin --scopes read_customers,write_customers`)\n\
# into the X-Shopify-Access-Token header below.\n\
query Customers {\n  customers(first: 10, query: \"state:enabled\", sortKey: UPDATED_AT, reverse: true) {\n    nodes { id displayName tags version updatedAt }\n  }\n  customersCount { count precision }\n}\n";

/// The admin API's GraphiQL page (`GET /admin/graphql`): never with a token filled in, as
/// admin tokens are shown once and stored only as digests.
pub fn admin_page() -> Response {
    let config = serde_json::json!({
        "endpoint": format!("/admin/api/{API_VERSION}/graphql.json"),
        "headers": "{\n  \"X-Shopify-Access-Token\": \"\"\n}",
        "defaultQuery": ADMIN_DEFAULT_QUERY,
    });
    let config = config.to_string().replace("</", "<\\/");
    Html(PAGE.replace("__CONFIG__", &config)).into_response()
}

pub async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|asset| asset.name == name) {
        Some(asset) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            asset.bytes,
        )
            .into_response(),
        None => super::problem_response::not_found().await,
    }
}
