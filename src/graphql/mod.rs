//! GraphQL: one folder per API schema (`storefront/` today, the admin schema beside it next),
//! and what every schema shares: the guards applied before anything runs (nesting, depth,
//! cost, `__typename` rules) and the repair of errored fields in answers.

pub mod admin;
mod cost;
pub mod errors;
mod int_range;
mod limits;
pub mod nesting;
mod null_fields;
pub mod storefront;
mod typename_rules;

use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{
    ObjectType, Response, SchemaBuilder, SchemaEnv, ServerError, SubscriptionType, Variables,
};

pub use errors::TopLevelCode;
pub use limits::{OperationShape, operation_shape, root_field_count};
pub use null_fields::restore_errored_fields;
pub use storefront::{
    API_VERSION, AddressLoader, CustomerLoader, MetafieldLoader, RequestContext, RequestCustomers,
    StorefrontSchema, build_schema, buyer_token, sdl,
};

/// How much one request may ask for, and how much a schema tells strangers.
#[derive(Debug, Clone, Copy)]
pub struct SchemaSettings {
    pub max_depth: usize,
    pub max_cost: usize,
    /// Production: no introspection and no "did you mean" suggestions.
    pub production: bool,
}

/// A schema builder with the limits every API gets on what could exhaust the validator itself,
/// and what production hides from strangers. The other guards ([`DocumentGuards`]) run before
/// the schema does: a schema extension, even one that only watches validation, puts every
/// resolved field through the extension chain, which cost a fifth of a customer read.
pub fn guarded<Q, M, S>(
    builder: SchemaBuilder<Q, M, S>,
    settings: SchemaSettings,
) -> SchemaBuilder<Q, M, S>
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    let builder = builder.limit_recursive_depth(64).limit_directives(20);
    if settings.production {
        builder.disable_introspection().disable_suggestions()
    } else {
        builder
    }
}

/// What every API checks in a parsed document before its schema runs it: the `__typename`
/// rules and `Int` ranges the validator skips, then depth and cost (Shopify's answers when over).
#[derive(Clone)]
pub struct DocumentGuards {
    /// The schema's types (for argument types and directive locations).
    schema_env: SchemaEnv,
    limits: limits::QueryLimits,
}

impl DocumentGuards {
    /// The guards of the schema `builder` makes (built here once, to read its types).
    pub async fn of<Q, M, S>(
        builder: SchemaBuilder<Q, M, S>,
        settings: SchemaSettings,
    ) -> Result<Self, String>
    where
        Q: ObjectType + 'static,
        M: ObjectType + 'static,
        S: SubscriptionType + 'static,
    {
        let captured = Arc::new(OnceLock::new());
        let schema = builder
            .extension(CaptureSchemaEnv(Arc::clone(&captured)))
            .finish();
        schema.execute("{ __typename }").await;
        let schema_env = captured
            .get()
            .cloned()
            .ok_or("its types could not be read")?;
        Ok(DocumentGuards {
            schema_env,
            limits: limits::QueryLimits {
                max_depth: settings.max_depth,
                max_cost: settings.max_cost,
            },
        })
    }

    /// The cost of the operation that would run (`None` when no operation fits, which the
    /// execution reports), or the error the request is answered with instead.
    pub fn check(
        &self,
        document: &ExecutableDocument,
        operation_name: Option<&str>,
        variables: &Variables,
    ) -> Result<Option<usize>, ServerError> {
        let registry = &self.schema_env.registry;
        let problem = typename_rules::first_problem(document, registry)
            .or_else(|| int_range::first_problem(document, registry, variables));
        if let Some((message, pos)) = problem {
            return Err(ServerError::new(message, Some(pos)));
        }
        self.limits.check(document, operation_name, variables)
    }

    /// The answer with `extensions.cost`, when the operation ran.
    pub fn report_cost(response: Response, cost: Option<usize>) -> Response {
        limits::report_cost(response, cost)
    }
}

/// Reads a schema's environment from its first request (it is not otherwise public).
struct CaptureSchemaEnv(Arc<OnceLock<SchemaEnv>>);

impl ExtensionFactory for CaptureSchemaEnv {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CaptureSchemaEnv(Arc::clone(&self.0)))
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for CaptureSchemaEnv {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let _ = self.0.set(ctx.schema_env.clone());
        next.run(ctx).await
    }
}
