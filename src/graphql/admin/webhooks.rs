//! The admin API's webhook subscriptions, as Shopify's Admin API names them:
//! `webhookSubscription(s)`, `webhookSubscriptionCreate` / `Update` / `Delete`; and extensions of
//! this server: the secret (shown once, by a create or `webhookSubscriptionRotateSecret`), the
//! subscription's health, `webhookDeliveries`, `webhookDeliveryRetry` and `webhookEventReplay`.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject, Union};

use super::context::shop_for;
use super::customer::internal_error;
use super::user_errors::{UserError, UserErrorCode};
use crate::accounts::{
    DeliveryRecord, DeliveryStatus, SubscriptionInput, SubscriptionRecord, WebhookError,
};
use crate::domain::admin_token::Scope;
use crate::domain::ids::{gid, parse_gid};
use crate::domain::pagination::{PageRequest, paginate};
use crate::domain::webhook::Topic;
use crate::graphql::errors::{TopLevelCode, coded};
use crate::graphql::storefront::address::PageInfo;
use crate::graphql::storefront::scalars::DateTime;

/// The supported topics for webhook subscriptions. `CUSTOMERS_DATA_REQUEST`, `CUSTOMERS_REDACT`, `CUSTOMERS_ACTIVATED` and `CUSTOMERS_PASSWORD_RESET` are extensions of this server.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum WebhookSubscriptionTopic {
    /// The webhook topic for `customers/create` events. Occurs whenever a customer account is created.
    CustomersCreate,
    /// The webhook topic for `customers/update` events. Occurs whenever a customer account is updated.
    CustomersUpdate,
    /// The webhook topic for `customers/delete` events. Occurs whenever a customer is deleted.
    CustomersDelete,
    /// The webhook topic for `customers/enable` events. Occurs whenever a customer account is enabled.
    CustomersEnable,
    /// The webhook topic for `customers/disable` events. Occurs whenever a customer account is disabled.
    CustomersDisable,
    /// The webhook topic for `customer.tags_added` events. Triggers when tags are added to a customer.
    CustomerTagsAdded,
    /// The webhook topic for `customer.tags_removed` events. Triggers when tags are removed from a customer.
    CustomerTagsRemoved,
    /// The webhook topic for `customers_email_marketing_consent/update` events. Occurs whenever a customer's email marketing consent is updated.
    CustomersEmailMarketingConsentUpdate,
    /// The webhook topic for `orders/create` events. Occurs whenever an order is created.
    OrdersCreate,
    /// The webhook topic for `orders/updated` events. Occurs whenever an order is updated.
    OrdersUpdated,
    /// `customers/data_request`: the merchant exported a customer's data. An extension (Shopify sends this compliance topic to apps).
    CustomersDataRequest,
    /// `customers/redact`: a customer's data was erased. An extension (Shopify sends this compliance topic to apps).
    CustomersRedact,
    /// `customers/activated`: a customer activated their account. An extension; never carries a token.
    CustomersActivated,
    /// `customers/password_reset`: a customer reset their password with a reset link. An extension; never carries a token.
    CustomersPasswordReset,
}

impl From<WebhookSubscriptionTopic> for Topic {
    fn from(topic: WebhookSubscriptionTopic) -> Self {
        use WebhookSubscriptionTopic as T;
        match topic {
            T::CustomersCreate => Topic::CustomersCreate,
            T::CustomersUpdate => Topic::CustomersUpdate,
            T::CustomersDelete => Topic::CustomersDelete,
            T::CustomersEnable => Topic::CustomersEnable,
            T::CustomersDisable => Topic::CustomersDisable,
            T::CustomerTagsAdded => Topic::CustomerTagsAdded,
            T::CustomerTagsRemoved => Topic::CustomerTagsRemoved,
            T::CustomersEmailMarketingConsentUpdate => Topic::CustomersEmailMarketingConsentUpdate,
            T::OrdersCreate => Topic::OrdersCreate,
            T::OrdersUpdated => Topic::OrdersUpdated,
            T::CustomersDataRequest => Topic::CustomersDataRequest,
            T::CustomersRedact => Topic::CustomersRedact,
            T::CustomersActivated => Topic::CustomersActivated,
            T::CustomersPasswordReset => Topic::CustomersPasswordReset,
        }
    }
}

impl From<Topic> for WebhookSubscriptionTopic {
    fn from(topic: Topic) -> Self {
        use WebhookSubscriptionTopic as T;
        match topic {
            Topic::CustomersCreate => T::CustomersCreate,
            Topic::CustomersUpdate => T::CustomersUpdate,
            Topic::CustomersDelete => T::CustomersDelete,
            Topic::CustomersEnable => T::CustomersEnable,
            Topic::CustomersDisable => T::CustomersDisable,
            Topic::CustomerTagsAdded => T::CustomerTagsAdded,
            Topic::CustomerTagsRemoved => T::CustomerTagsRemoved,
            Topic::CustomersEmailMarketingConsentUpdate => T::CustomersEmailMarketingConsentUpdate,
            Topic::OrdersCreate => T::OrdersCreate,
            Topic::OrdersUpdated => T::OrdersUpdated,
            Topic::CustomersDataRequest => T::CustomersDataRequest,
            Topic::CustomersRedact => T::CustomersRedact,
            Topic::CustomersActivated => T::CustomersActivated,
            Topic::CustomersPasswordReset => T::CustomersPasswordReset,
        }
    }
}

/// The supported formats for webhook subscriptions.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum WebhookSubscriptionFormat {
    Json,
}

/// Whether deliveries go out to a subscription. An extension of this server.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum WebhookSubscriptionState {
    /// Deliveries go out.
    Active,
    /// Deliveries wait: the endpoint answered 410 Gone or failed for too long. An update makes it active again.
    Disabled,
}

/// An HTTPS endpoint to which webhook subscriptions send POST requests.
#[derive(SimpleObject, Clone, Debug)]
pub struct WebhookHttpEndpoint {
    /// The URL to which the webhooks events are sent.
    pub callback_url: String,
}

/// An endpoint to which webhook subscriptions send webhooks events.
#[derive(Union, Clone, Debug)]
pub enum WebhookSubscriptionEndpoint {
    WebhookHttpEndpoint(WebhookHttpEndpoint),
}

/// A webhook subscription is a persisted data object created by an app using the REST Admin API or GraphQL Admin API. It describes the topic that the app wants to receive, and a destination where Shopify should send webhooks of the specified topic.
pub struct WebhookSubscription(pub SubscriptionRecord);

#[Object]
impl WebhookSubscription {
    /// A globally-unique ID.
    async fn id(&self) -> ID {
        ID(gid("WebhookSubscription", self.0.id))
    }
    /// The type of event that triggers the webhook.
    async fn topic(&self) -> Option<WebhookSubscriptionTopic> {
        Topic::parse(&self.0.topic).map(Into::into)
    }
    /// The URI to which the webhook subscription will send events.
    async fn uri(&self) -> &str {
        &self.0.callback_url
    }
    /// The destination URI to which the webhook subscription will send a message when an event occurs.
    #[graphql(deprecation = "Use `uri` instead.")]
    async fn callback_url(&self) -> &str {
        &self.0.callback_url
    }
    /// The endpoint to which the webhook subscription will send events.
    async fn endpoint(&self) -> WebhookSubscriptionEndpoint {
        WebhookSubscriptionEndpoint::WebhookHttpEndpoint(WebhookHttpEndpoint {
            callback_url: self.0.callback_url.clone(),
        })
    }
    /// The format in which the webhook subscription should send the data.
    async fn format(&self) -> WebhookSubscriptionFormat {
        WebhookSubscriptionFormat::Json
    }
    /// The list of fields to be included in the webhook subscription. Only the fields specified will be included in the webhook payload. If null, then all fields will be included.
    async fn include_fields(&self) -> &[String] {
        &self.0.include_fields
    }
    /// The name of the webhook subscription, sent as `X-Shopify-Name`.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }
    /// The date and time when the webhook subscription was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// The date and time when the webhook subscription was updated.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Whether deliveries go out. An extension of this server.
    async fn state(&self) -> WebhookSubscriptionState {
        if self.0.active {
            WebhookSubscriptionState::Active
        } else {
            WebhookSubscriptionState::Disabled
        }
    }
    /// Why deliveries stopped, when they did. An extension of this server.
    async fn disabled_reason(&self) -> Option<&str> {
        self.0.disabled_reason.as_deref()
    }
    /// Failed attempts since the last delivered one. An extension of this server.
    async fn consecutive_failures(&self) -> i32 {
        self.0.consecutive_failures
    }
    /// Since when every attempt has failed, if they do. An extension of this server.
    async fn failing_since(&self) -> Option<DateTime> {
        self.0.failing_since.map(|ms| DateTime(ms / 1_000))
    }
}

/// Where a delivery is. An extension of this server.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum WebhookDeliveryStatus {
    /// Not delivered yet: due, in flight, or waiting for its next attempt.
    Pending,
    /// A 2xx answer was received.
    Delivered,
    /// Every attempt of the schedule failed; `webhookDeliveryRetry` sends it again.
    Failed,
}

impl From<DeliveryStatus> for WebhookDeliveryStatus {
    fn from(status: DeliveryStatus) -> Self {
        match status {
            DeliveryStatus::Pending => Self::Pending,
            DeliveryStatus::Delivered => Self::Delivered,
            DeliveryStatus::Failed => Self::Failed,
        }
    }
}

impl From<WebhookDeliveryStatus> for DeliveryStatus {
    fn from(status: WebhookDeliveryStatus) -> Self {
        match status {
            WebhookDeliveryStatus::Pending => Self::Pending,
            WebhookDeliveryStatus::Delivered => Self::Delivered,
            WebhookDeliveryStatus::Failed => Self::Failed,
        }
    }
}

/// One event sent to one subscription: its id is `X-Shopify-Webhook-Id` and `webhook-id`. An extension of this server.
pub struct WebhookDelivery(pub DeliveryRecord);

#[Object]
impl WebhookDelivery {
    /// The delivery's id (`X-Shopify-Webhook-Id`, `webhook-id`: the same across retries).
    async fn id(&self) -> ID {
        ID(gid("WebhookDelivery", self.0.id))
    }
    /// The event's id (`X-Shopify-Event-Id`: shared by every delivery of one change).
    async fn event_id(&self) -> ID {
        ID(gid("Event", self.0.event_id))
    }
    /// The subscription it goes to.
    async fn subscription_id(&self) -> ID {
        ID(gid("WebhookSubscription", self.0.subscription_id))
    }
    /// The topic (`X-Shopify-Topic`).
    async fn topic(&self) -> Option<WebhookSubscriptionTopic> {
        Topic::parse(&self.0.topic).map(Into::into)
    }
    async fn status(&self) -> WebhookDeliveryStatus {
        self.0.status.into()
    }
    /// Attempts made so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// When the next attempt is due (while pending).
    async fn next_attempt_at(&self) -> Option<DateTime> {
        (self.0.status == DeliveryStatus::Pending)
            .then_some(DateTime(self.0.next_attempt_at / 1_000))
    }
    async fn delivered_at(&self) -> Option<DateTime> {
        self.0.delivered_at.map(|ms| DateTime(ms / 1_000))
    }
    async fn failed_at(&self) -> Option<DateTime> {
        self.0.failed_at.map(|ms| DateTime(ms / 1_000))
    }
    /// The HTTP status of the last answer, if there was one.
    async fn last_status(&self) -> Option<i32> {
        self.0.last_status
    }
    /// Why the last attempt failed.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at / 1_000)
    }
}

/// The input fields for a webhook subscription.
#[derive(InputObject, Clone, Debug, Default)]
pub struct WebhookSubscriptionInput {
    /// URL where the webhook subscription should send the POST request when the event occurs.
    #[graphql(deprecation = "Use `uri` instead.")]
    pub callback_url: Option<String>,
    /// The URI where the webhook subscription should send events.
    pub uri: Option<String>,
    /// The format in which the webhook subscription should send the data.
    pub format: Option<WebhookSubscriptionFormat>,
    /// The list of fields to be included in the webhook subscription.
    pub include_fields: Option<Vec<String>>,
    /// The name of the webhook subscription (`X-Shopify-Name`). An extension of this server's input (Shopify takes it from app configuration).
    pub name: Option<String>,
}

impl WebhookSubscriptionInput {
    fn into_input(self) -> SubscriptionInput {
        SubscriptionInput {
            callback_url: self.uri.or(self.callback_url),
            include_fields: self.include_fields,
            name: self.name.map(|n| Some(n).filter(|n| !n.is_empty())),
        }
    }
}

/// Return type for `webhookSubscriptionCreate` mutation.
#[derive(SimpleObject)]
pub struct WebhookSubscriptionCreatePayload {
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
    /// The webhook subscription that was created.
    pub webhook_subscription: Option<WebhookSubscription>,
    /// The secret that signs its deliveries (`whsec_…`): shown this once. An extension of this server.
    pub secret: Option<String>,
}

/// Return type for `webhookSubscriptionUpdate` mutation.
#[derive(SimpleObject)]
pub struct WebhookSubscriptionUpdatePayload {
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
    /// The webhook subscription that was updated.
    pub webhook_subscription: Option<WebhookSubscription>,
}

/// Return type for `webhookSubscriptionDelete` mutation.
#[derive(SimpleObject)]
pub struct WebhookSubscriptionDeletePayload {
    /// The ID of the deleted webhook subscription.
    pub deleted_webhook_subscription_id: Option<ID>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// Return type for `webhookSubscriptionRotateSecret`. An extension of this server.
#[derive(SimpleObject)]
pub struct WebhookSubscriptionRotateSecretPayload {
    pub user_errors: Vec<UserError>,
    pub webhook_subscription: Option<WebhookSubscription>,
    /// The new secret, shown this once; the previous one keeps signing beside it for the grace period.
    pub secret: Option<String>,
}

/// Return type for `webhookDeliveryRetry`. An extension of this server.
#[derive(SimpleObject)]
pub struct WebhookDeliveryRetryPayload {
    pub user_errors: Vec<UserError>,
    pub delivery: Option<WebhookDelivery>,
}

/// Return type for `webhookEventReplay`. An extension of this server.
#[derive(SimpleObject)]
pub struct WebhookEventReplayPayload {
    pub user_errors: Vec<UserError>,
    /// The new deliveries (new delivery ids, the event's id).
    pub deliveries: Vec<WebhookDelivery>,
}

/// An auto-generated type which holds one WebhookSubscription and a cursor during pagination.
#[derive(SimpleObject)]
pub struct WebhookSubscriptionEdge {
    /// The position of each node in an array, used in pagination.
    pub cursor: String,
    /// The item at the end of WebhookSubscriptionEdge.
    pub node: WebhookSubscription,
}

/// An auto-generated type for paginating through multiple WebhookSubscriptions.
#[derive(SimpleObject)]
pub struct WebhookSubscriptionConnection {
    /// The connection between the node and its parent. Each edge contains a minimum of the edge's cursor and the node.
    pub edges: Vec<WebhookSubscriptionEdge>,
    /// A list of nodes that are contained in WebhookSubscriptionEdge. You can fetch data about an individual node, or you can follow the edges to fetch data about a collection of related nodes. At each item in the list, you can choose to go through the edges to fetch data about a collection of related nodes.
    pub nodes: Vec<WebhookSubscription>,
    /// An object that’s used to retrieve [cursor information](https://shopify.dev/api/usage/pagination-graphql) about the current page.
    pub page_info: PageInfo,
}

fn user_error(field: &str, message: impl Into<String>, code: UserErrorCode) -> UserError {
    UserError {
        field: Some(vec![field.to_owned()]),
        message: message.into(),
        code: Some(code),
    }
}

fn not_found(field: &str) -> UserError {
    user_error(
        field,
        "Webhook subscription does not exist",
        UserErrorCode::NotFound,
    )
}

/// A use case's refusal as user errors; `Err` only for our failures.
fn refusal(ctx: &Context<'_>, err: WebhookError, id_field: &str) -> Result<Vec<UserError>> {
    match err {
        WebhookError::Invalid { field, message } => {
            // Shopify words a refused callback URL "Address …".
            let (path, message) = match field {
                "callbackUrl" => ("webhookSubscription.uri", format!("Address {message}")),
                "includeFields" => ("webhookSubscription.includeFields", message),
                "name" => ("webhookSubscription.name", message),
                other => (other, message),
            };
            Ok(vec![UserError {
                field: Some(path.split('.').map(str::to_owned).collect()),
                message,
                code: Some(UserErrorCode::Invalid),
            }])
        }
        WebhookError::NotFound => Ok(vec![not_found(id_field)]),
        WebhookError::Account(err) => Err(internal_error(ctx, &err)),
    }
}

#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// Returns a webhook subscription by ID.
    async fn webhook_subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the WebhookSubscription to return.")] id: ID,
    ) -> Result<Option<WebhookSubscription>> {
        let (shop, _) = shop_for(ctx, Scope::ReadCustomers, "webhookSubscription")?;
        let Some(id) = parse_gid(&id, "WebhookSubscription") else {
            return Ok(None);
        };
        Ok(shop
            .webhooks()
            .find(id)
            .await
            .map_err(|err| internal_error(ctx, &err))?
            .map(WebhookSubscription))
    }

    /// Returns a list of webhook subscriptions, in the order they were created.
    #[allow(clippy::too_many_arguments)]
    async fn webhook_subscriptions(
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
        #[graphql(desc = "Reverse the order of the underlying list.", default = false)]
        reverse: bool,
        #[graphql(desc = "Topics to filter for.")] topics: Option<Vec<WebhookSubscriptionTopic>>,
    ) -> Result<WebhookSubscriptionConnection> {
        let (shop, _) = shop_for(ctx, Scope::ReadCustomers, "webhookSubscriptions")?;
        let topics: Vec<Topic> = topics
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let all = shop
            .webhooks()
            .list(&topics, 1_000)
            .await
            .map_err(|err| internal_error(ctx, &err))?;
        let request = PageRequest {
            first,
            after,
            last,
            before,
            reverse,
        };
        let page = paginate(&all, |s| s.id, &request)
            .map_err(|e| coded(e.to_string(), TopLevelCode::BadRequest))?;
        let page_info = PageInfo::of(&page.edges, page.has_next_page, page.has_previous_page);
        let nodes = page
            .edges
            .iter()
            .map(|(_, s)| WebhookSubscription(s.clone()))
            .collect();
        let edges = page
            .edges
            .into_iter()
            .map(|(cursor, s)| WebhookSubscriptionEdge {
                cursor,
                node: WebhookSubscription(s),
            })
            .collect();
        Ok(WebhookSubscriptionConnection {
            edges,
            nodes,
            page_info,
        })
    }

    /// The shop's webhook deliveries, newest first. An extension of this server.
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        subscription_id: Option<ID>,
        status: Option<WebhookDeliveryStatus>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 250))] first: i32,
    ) -> Result<Vec<WebhookDelivery>> {
        let (shop, _) = shop_for(ctx, Scope::ReadCustomers, "webhookDeliveries")?;
        let subscription = match subscription_id {
            None => None,
            Some(id) => match parse_gid(&id, "WebhookSubscription") {
                Some(id) => Some(id),
                None => return Ok(Vec::new()),
            },
        };
        Ok(shop
            .webhooks()
            .deliveries(
                subscription,
                status.map(Into::into),
                u64::try_from(first).unwrap_or(50),
            )
            .await
            .map_err(|err| internal_error(ctx, &err))?
            .into_iter()
            .map(WebhookDelivery)
            .collect())
    }
}

#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Creates a new webhook subscription. Its payload carries the signing secret, once.
    async fn webhook_subscription_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The type of event that triggers the webhook.")]
        topic: WebhookSubscriptionTopic,
        #[graphql(desc = "Specifies the input fields for a webhook subscription.")]
        webhook_subscription: WebhookSubscriptionInput,
    ) -> Result<Option<WebhookSubscriptionCreatePayload>> {
        let (shop, _) = shop_for(ctx, Scope::WriteCustomers, "webhookSubscriptionCreate")?;
        Ok(Some(
            match shop
                .webhooks()
                .create(topic.into(), webhook_subscription.into_input())
                .await
            {
                Ok((record, secret)) => WebhookSubscriptionCreatePayload {
                    user_errors: Vec::new(),
                    webhook_subscription: Some(WebhookSubscription(record)),
                    secret: Some(secret),
                },
                Err(err) => WebhookSubscriptionCreatePayload {
                    user_errors: refusal(ctx, err, "topic")?,
                    webhook_subscription: None,
                    secret: None,
                },
            },
        ))
    }

    /// Updates a webhook subscription; a disabled one becomes active again.
    async fn webhook_subscription_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the webhook subscription to update.")] id: ID,
        #[graphql(desc = "Specifies the input fields for a webhook subscription.")]
        webhook_subscription: WebhookSubscriptionInput,
    ) -> Result<Option<WebhookSubscriptionUpdatePayload>> {
        let (shop, _) = shop_for(ctx, Scope::WriteCustomers, "webhookSubscriptionUpdate")?;
        let Some(number) = parse_gid(&id, "WebhookSubscription") else {
            return Ok(Some(WebhookSubscriptionUpdatePayload {
                user_errors: vec![not_found("id")],
                webhook_subscription: None,
            }));
        };
        Ok(Some(
            match shop
                .webhooks()
                .update(number, webhook_subscription.into_input())
                .await
            {
                Ok(record) => WebhookSubscriptionUpdatePayload {
                    user_errors: Vec::new(),
                    webhook_subscription: Some(WebhookSubscription(record)),
                },
                Err(err) => WebhookSubscriptionUpdatePayload {
                    user_errors: refusal(ctx, err, "id")?,
                    webhook_subscription: None,
                },
            },
        ))
    }

    /// Deletes a webhook subscription.
    async fn webhook_subscription_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the webhook subscription to delete.")] id: ID,
    ) -> Result<Option<WebhookSubscriptionDeletePayload>> {
        let (shop, _) = shop_for(ctx, Scope::WriteCustomers, "webhookSubscriptionDelete")?;
        let Some(number) = parse_gid(&id, "WebhookSubscription") else {
            return Ok(Some(WebhookSubscriptionDeletePayload {
                deleted_webhook_subscription_id: None,
                user_errors: vec![not_found("id")],
            }));
        };
        Ok(Some(match shop.webhooks().delete(number).await {
            Ok(()) => WebhookSubscriptionDeletePayload {
                deleted_webhook_subscription_id: Some(ID(gid("WebhookSubscription", number))),
                user_errors: Vec::new(),
            },
            Err(err) => WebhookSubscriptionDeletePayload {
                deleted_webhook_subscription_id: None,
                user_errors: refusal(ctx, err, "id")?,
            },
        }))
    }

    /// A new signing secret for a subscription, shown once; the previous one keeps signing beside it (a second `webhook-signature`) for the grace period. An extension of this server.
    async fn webhook_subscription_rotate_secret(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<WebhookSubscriptionRotateSecretPayload>> {
        let (shop, _) = shop_for(
            ctx,
            Scope::WriteCustomers,
            "webhookSubscriptionRotateSecret",
        )?;
        let result = match parse_gid(&id, "WebhookSubscription") {
            Some(number) => shop.webhooks().rotate_secret(number).await,
            None => Err(WebhookError::NotFound),
        };
        Ok(Some(match result {
            Ok((record, secret)) => WebhookSubscriptionRotateSecretPayload {
                user_errors: Vec::new(),
                webhook_subscription: Some(WebhookSubscription(record)),
                secret: Some(secret),
            },
            Err(err) => WebhookSubscriptionRotateSecretPayload {
                user_errors: refusal(ctx, err, "id")?,
                webhook_subscription: None,
                secret: None,
            },
        }))
    }

    /// Sends a given-up delivery again (a new round of attempts, the same delivery id). An extension of this server.
    async fn webhook_delivery_retry(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<WebhookDeliveryRetryPayload>> {
        let (shop, _) = shop_for(ctx, Scope::WriteCustomers, "webhookDeliveryRetry")?;
        let missing = || WebhookDeliveryRetryPayload {
            user_errors: vec![user_error(
                "id",
                "Webhook delivery does not exist or was not given up",
                UserErrorCode::NotFound,
            )],
            delivery: None,
        };
        let Some(number) = parse_gid(&id, "WebhookDelivery") else {
            return Ok(Some(missing()));
        };
        let webhooks = shop.webhooks();
        let retried = webhooks
            .retry(Some(number), None)
            .await
            .map_err(|err| internal_error(ctx, &err))?;
        if retried == 0 {
            return Ok(Some(missing()));
        }
        let delivery = webhooks
            .delivery(number)
            .await
            .map_err(|err| internal_error(ctx, &err))?;
        Ok(Some(WebhookDeliveryRetryPayload {
            user_errors: Vec::new(),
            delivery: delivery.map(WebhookDelivery),
        }))
    }

    /// Sends an event again: new deliveries (new delivery ids, the same `X-Shopify-Event-Id`) to one subscription or to every active one of its topics. An extension of this server.
    async fn webhook_event_replay(
        &self,
        ctx: &Context<'_>,
        event_id: ID,
        subscription_id: Option<ID>,
    ) -> Result<Option<WebhookEventReplayPayload>> {
        let (shop, _) = shop_for(ctx, Scope::WriteCustomers, "webhookEventReplay")?;
        let Some(event) = parse_gid(&event_id, "Event") else {
            return Ok(Some(WebhookEventReplayPayload {
                user_errors: vec![user_error(
                    "eventId",
                    "Event does not exist",
                    UserErrorCode::NotFound,
                )],
                deliveries: Vec::new(),
            }));
        };
        let subscription = subscription_id
            .as_ref()
            .map(|id| parse_gid(id, "WebhookSubscription").unwrap_or(0));
        Ok(Some(
            match shop.webhooks().replay(event, subscription).await {
                Ok(deliveries) => WebhookEventReplayPayload {
                    user_errors: Vec::new(),
                    deliveries: deliveries.into_iter().map(WebhookDelivery).collect(),
                },
                Err(WebhookError::NotFound) => WebhookEventReplayPayload {
                    user_errors: vec![user_error(
                        "eventId",
                        "Event does not exist",
                        UserErrorCode::NotFound,
                    )],
                    deliveries: Vec::new(),
                },
                Err(err) => WebhookEventReplayPayload {
                    user_errors: refusal(ctx, err, "eventId")?,
                    deliveries: Vec::new(),
                },
            },
        ))
    }
}
