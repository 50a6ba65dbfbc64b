//! The mail outbox as the use cases and the operator see it: a message to send (what, for whom,
//! and the claims its link is made from until it is sent), and entries without the link.

/// A message the sender works off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub shop_id: i64,
    pub kind: String,
    pub customer_id: Option<i64>,
    pub recipient: String,
    pub payload: Option<String>,
    pub attempts: i32,
}

/// Which messages to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxFilter {
    Pending,
    Failed,
}

/// A message as the operator sees it: what, for whom, how it went. Never the link.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub created_at: i64,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
}
