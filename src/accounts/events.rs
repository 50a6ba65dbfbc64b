//! Domain events: every write path announces its change here, inside its own transaction, so
//! the change, its event and the event's webhook deliveries commit together or not at all. One
//! event per logical change (a stable id, `X-Shopify-Event-Id`), producing one or more topics: a
//! `customerUpdate` that adds a tag and subscribes to marketing is one event with the topics
//! `customers/update`, `customer.tags_added` and `customers_email_marketing_consent/update`.
//!
//! The bodies are snapshots taken at commit time (Shopify's retries carry the original body),
//! built only for topics someone subscribes to: a shop without subscriptions pays one indexed
//! read and one insert per change.

use serde_json::{Map, Value};

use super::{AccountError, ShopAccounts, now_ms};
use crate::domain::customer::{CustomerRecord, CustomerState};
use crate::domain::ids::new_id;
use crate::domain::order::Order;
use crate::domain::webhook::Topic;
use crate::domain::webhook_payload as body;
use crate::store::{ConnectionTrait, addresses, customers, events};

/// The currency REST customer bodies name: the read model keeps no shop currency.
const SHOP_CURRENCY: &str = "USD";

/// A logical change of a customer, as its write path names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerChange {
    Created,
    Updated,
    /// The account was activated (invitation accepted, activation link used).
    Activated,
    /// The password was reset with a reset link.
    PasswordReset,
}

impl CustomerChange {
    fn action(self) -> &'static str {
        match self {
            Self::Created => "customer.created",
            Self::Updated => "customer.updated",
            Self::Activated => "customer.activated",
            Self::PasswordReset => "customer.password_reset",
        }
    }
}

impl ShopAccounts {
    /// Records the event of a change to a customer, in the change's transaction. `before`: the
    /// customer as it was (tags, marketing consent and state changes become their own topics);
    /// `None` for a creation, or when the write path changed none of those.
    pub(crate) async fn customer_changed(
        &self,
        txn: &impl ConnectionTrait,
        change: CustomerChange,
        customer_id: i64,
        before: Option<&CustomerRecord>,
    ) -> Result<(), AccountError> {
        // The customer as it is now decides the extra topics (tags, consent, state) when there is
        // a version to compare with; otherwise it is read only for a body someone wants.
        let mut after = if before.is_some() || change == CustomerChange::Created {
            customers::find_by_id(txn, self.shop.id, customer_id).await?
        } else {
            None
        };
        let topics = customer_topics(change, before, after.as_ref());
        let mut bodies = Bodies::new(self, txn, &topics).await?;
        if bodies.wanted() {
            if after.is_none() {
                after = customers::find_by_id(txn, self.shop.id, customer_id).await?;
            }
            let addresses = match &after {
                Some(customer) if bodies.wants_customer() => {
                    addresses::list_for_customers(txn, self.shop.id, &[customer.id]).await?
                }
                _ => Vec::new(),
            };
            for topic in &topics {
                if !bodies.wants(*topic) {
                    continue;
                }
                let body = match (topic, &after) {
                    (Topic::CustomerTagsAdded | Topic::CustomerTagsRemoved, Some(after)) => {
                        let (added, removed) = tag_changes(before, after);
                        let tags = if *topic == Topic::CustomerTagsAdded {
                            added
                        } else {
                            removed
                        };
                        body::tags_body(customer_id, &tags, after.updated_at)
                    }
                    (Topic::CustomersEmailMarketingConsentUpdate, Some(after)) => {
                        body::email_consent_body(
                            customer_id,
                            &after.email,
                            after.accepts_marketing,
                            after.updated_at,
                        )
                    }
                    (Topic::CustomersActivated | Topic::CustomersPasswordReset, Some(after)) => {
                        body::account_event_body(after, after.updated_at)
                    }
                    (_, Some(after)) => body::customer_body(after, &addresses, SHOP_CURRENCY),
                    (_, None) => body::customer_deleted_body(customer_id),
                };
                bodies.put(*topic, body);
            }
        }
        bodies
            .record(txn, change.action(), Some(customer_id), &topics)
            .await
    }

    /// A merchant's export of a customer's data (`customers/data_request`).
    pub(crate) async fn customer_data_requested(
        &self,
        txn: &impl ConnectionTrait,
        customer: &CustomerRecord,
        order_ids: &[u64],
    ) -> Result<i64, AccountError> {
        let topics = [Topic::CustomersDataRequest];
        let mut bodies = Bodies::new(self, txn, &topics).await?;
        let event_id = bodies.event_id;
        if bodies.wanted() {
            bodies.put(
                Topic::CustomersDataRequest,
                body::data_request_body(
                    self.shop.id,
                    &self.shop.domain,
                    customer,
                    order_ids,
                    event_id,
                ),
            );
        }
        bodies
            .record(txn, "customer.data_requested", Some(customer.id), &topics)
            .await?;
        Ok(event_id)
    }

    /// A customer deleted (`customers/delete`), or erased on request (`customers/redact` too),
    /// recorded before the customer's rows go: `customer` is the last copy. The customer's
    /// earlier events go (their bodies hold the data being erased); this one stays until
    /// delivered.
    pub(crate) async fn customer_removed(
        &self,
        txn: &impl ConnectionTrait,
        customer: &CustomerRecord,
        erasure: bool,
    ) -> Result<(), AccountError> {
        let topics: &[Topic] = if erasure {
            &[Topic::CustomersRedact, Topic::CustomersDelete]
        } else {
            &[Topic::CustomersDelete]
        };
        let mut bodies = Bodies::new(self, txn, topics).await?;
        let event_id = bodies.event_id;
        if bodies.wants(Topic::CustomersRedact) {
            let order_ids: Vec<u64> =
                crate::store::orders::of_customer(txn, self.shop.id, customer.id)
                    .await?
                    .into_iter()
                    .filter_map(|(id, _)| u64::try_from(id).ok())
                    .collect();
            bodies.put(
                Topic::CustomersRedact,
                body::redact_body(self.shop.id, &self.shop.domain, customer, &order_ids),
            );
        }
        if bodies.wants(Topic::CustomersDelete) {
            bodies.put(
                Topic::CustomersDelete,
                body::customer_deleted_body(customer.id),
            );
        }
        events::delete_for_customer(txn, self.shop.id, customer.id, event_id).await?;
        let action = if erasure {
            "customer.erased"
        } else {
            "customer.deleted"
        };
        bodies.record(txn, action, Some(customer.id), topics).await
    }

    /// An order that entered (`created`) or changed in the read model.
    pub(crate) async fn order_changed(
        &self,
        txn: &impl ConnectionTrait,
        order: &Order,
        created: bool,
        customer_id: Option<i64>,
    ) -> Result<(), AccountError> {
        let (topic, action) = if created {
            (Topic::OrdersCreate, "order.created")
        } else {
            (Topic::OrdersUpdated, "order.updated")
        };
        let topics = [topic];
        let mut bodies = Bodies::new(self, txn, &topics).await?;
        if bodies.wanted() {
            bodies.put(topic, body::order_body(order));
        }
        bodies.record(txn, action, customer_id, &topics).await
    }
}

/// The topics of a customer change.
fn customer_topics(
    change: CustomerChange,
    before: Option<&CustomerRecord>,
    after: Option<&CustomerRecord>,
) -> Vec<Topic> {
    let mut topics = match change {
        CustomerChange::Created => vec![Topic::CustomersCreate],
        CustomerChange::Updated => vec![Topic::CustomersUpdate],
        CustomerChange::Activated => vec![Topic::CustomersActivated, Topic::CustomersUpdate],
        CustomerChange::PasswordReset => {
            vec![Topic::CustomersPasswordReset, Topic::CustomersUpdate]
        }
    };
    let Some(after) = after else {
        return topics;
    };
    // Without the customer as it was, the write path changed no tag, consent or state.
    if before.is_none() && change != CustomerChange::Created {
        return topics;
    }
    let (added, removed) = tag_changes(before, after);
    if !added.is_empty() {
        topics.push(Topic::CustomerTagsAdded);
    }
    if !removed.is_empty() {
        topics.push(Topic::CustomerTagsRemoved);
    }
    let marketing_before = before.map(|b| b.accepts_marketing);
    if change != CustomerChange::Created
        && marketing_before.is_some_and(|m| m != after.accepts_marketing)
        || change == CustomerChange::Created && after.accepts_marketing
    {
        topics.push(Topic::CustomersEmailMarketingConsentUpdate);
    }
    if let Some(before) = before
        && before.state != after.state
    {
        match after.state {
            CustomerState::Enabled => topics.push(Topic::CustomersEnable),
            CustomerState::Disabled => topics.push(Topic::CustomersDisable),
            CustomerState::Invited | CustomerState::Declined => {}
        }
    }
    topics
}

/// Tags added and removed between two versions of a customer (all of them for a new one).
fn tag_changes(
    before: Option<&CustomerRecord>,
    after: &CustomerRecord,
) -> (Vec<String>, Vec<String>) {
    let empty = Vec::new();
    let old = before.map_or(&empty, |b| &b.tags);
    let added = after
        .tags
        .iter()
        .filter(|t| !old.contains(t))
        .cloned()
        .collect();
    let removed = old
        .iter()
        .filter(|t| !after.tags.contains(t))
        .cloned()
        .collect();
    (added, removed)
}

/// The event being recorded: its id, the topics someone subscribes to, and their bodies.
struct Bodies {
    signal: std::sync::Arc<tokio::sync::Notify>,
    event_id: i64,
    shop_id: i64,
    subscribers: Vec<(i64, String)>,
    bodies: Map<String, Value>,
}

impl Bodies {
    async fn new(
        shop: &ShopAccounts,
        txn: &impl ConnectionTrait,
        topics: &[Topic],
    ) -> Result<Self, AccountError> {
        let names: Vec<&str> = topics.iter().map(|t| t.as_str()).collect();
        Ok(Self {
            signal: std::sync::Arc::clone(&shop.inner.webhook_signal),
            event_id: new_id(),
            shop_id: shop.shop.id,
            subscribers: events::subscribers(txn, shop.shop.id, &names).await?,
            bodies: Map::new(),
        })
    }

    fn wanted(&self) -> bool {
        !self.subscribers.is_empty()
    }

    fn wants(&self, topic: Topic) -> bool {
        self.subscribers.iter().any(|(_, t)| t == topic.as_str())
    }

    /// Whether a body needs the customer's addresses.
    fn wants_customer(&self) -> bool {
        self.subscribers.iter().any(|(_, t)| {
            matches!(
                Topic::parse(t),
                Some(
                    Topic::CustomersCreate
                        | Topic::CustomersUpdate
                        | Topic::CustomersEnable
                        | Topic::CustomersDisable
                )
            )
        })
    }

    fn put(&mut self, topic: Topic, body: Value) {
        self.bodies.insert(topic.as_str().to_owned(), body);
    }

    async fn record(
        self,
        txn: &impl ConnectionTrait,
        action: &str,
        customer_id: Option<i64>,
        topics: &[Topic],
    ) -> Result<(), AccountError> {
        let names: Vec<&str> = topics.iter().map(|t| t.as_str()).collect();
        // Only the topics this event produced: a subscription to `customer.tags_added` gets
        // nothing from an update that added no tag.
        let deliveries: Vec<(i64, String)> = self
            .subscribers
            .into_iter()
            .filter(|(_, topic)| self.bodies.contains_key(topic))
            .collect();
        events::record(
            txn,
            events::NewEvent {
                id: self.event_id,
                shop_id: self.shop_id,
                customer_id,
                action,
                topics: &names,
                payload: Value::Object(self.bodies).to_string(),
                now_ms: now_ms(),
            },
            &deliveries,
            new_id,
        )
        .await?;
        if !deliveries.is_empty() {
            self.signal.notify_one();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::customer::CustomerRecord;

    fn customer(tags: &[&str], marketing: bool, state: CustomerState) -> CustomerRecord {
        CustomerRecord {
            id: 1,
            email: "a@example.com".into(),
            phone: None,
            first_name: None,
            last_name: None,
            accepts_marketing: marketing,
            state,
            password_hash: None,
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            created_at: 0,
            updated_at: 0,
            default_address_id: None,
            security_stamp: String::new(),
            activation_nonce_hash: None,
            reset_nonce_hash: None,
            multipass_identifier: None,
            email_proof: None,
            version: 1,
            note: None,
            erasure_due_at: None,
        }
    }

    #[test]
    fn an_update_produces_the_topics_of_what_changed() {
        let before = customer(&["a", "b"], false, CustomerState::Disabled);
        let after = customer(&["b", "c"], true, CustomerState::Enabled);
        assert_eq!(
            customer_topics(CustomerChange::Updated, Some(&before), Some(&after)),
            vec![
                Topic::CustomersUpdate,
                Topic::CustomerTagsAdded,
                Topic::CustomerTagsRemoved,
                Topic::CustomersEmailMarketingConsentUpdate,
                Topic::CustomersEnable,
            ]
        );
        assert_eq!(
            customer_topics(CustomerChange::Updated, Some(&after), Some(&after)),
            vec![Topic::CustomersUpdate]
        );
        let disabled = customer(&["b", "c"], true, CustomerState::Disabled);
        assert_eq!(
            customer_topics(CustomerChange::Updated, Some(&after), Some(&disabled)),
            vec![Topic::CustomersUpdate, Topic::CustomersDisable]
        );
    }

    #[test]
    fn a_creation_announces_its_tags_and_consent() {
        let new = customer(&["vip"], true, CustomerState::Enabled);
        assert_eq!(
            customer_topics(CustomerChange::Created, None, Some(&new)),
            vec![
                Topic::CustomersCreate,
                Topic::CustomerTagsAdded,
                Topic::CustomersEmailMarketingConsentUpdate
            ]
        );
        let plain = customer(&[], false, CustomerState::Enabled);
        assert_eq!(
            customer_topics(CustomerChange::Created, None, Some(&plain)),
            vec![Topic::CustomersCreate]
        );
    }
}
