//! Id node leases. Every id carries the node number of the process that made it
//! (`domain::ids`), and this module makes sure no two live processes sharing a database hold the
//! same number: a process leases one of the 64 numbers from `id_nodes` when it opens the
//! database, renews the lease every 15 s, and gives it back when it closes.
//!
//! A claim takes the lowest number that has no row, whose row was released, or whose heartbeat
//! is older than the lease (120 s: a crashed or long-paused holder), with one conditional INSERT
//! or UPDATE per candidate; `rows_affected` proves the number is ours, so two processes that
//! race for one number never both get it (on SQLite the write lock queues them; on PostgreSQL
//! the second statement waits for the first and then matches nothing).
//!
//! Heartbeats use each process's own clock: the clocks of processes sharing a database must
//! agree to well within the lease's margin (105 s), which any clock kept by NTP does.

use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use migrations::SchemaManager;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, QueryFilter};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::database::Database;
use super::entities::id_node;
use crate::domain::ids;

/// A lease whose heartbeat is older than this is taken over: long enough that a holder that is
/// merely slow (a busy database, an overloaded machine) keeps it through several missed
/// heartbeats.
pub(crate) const LEASE_SECONDS: i64 = 120;

/// How often a holder renews its lease: eight chances within one lease.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(15);

/// What one `Database` handle holds: its lease, and the task that renews it. Kept outside the
/// heartbeat task so that closing the handle can stop the task and give the number back.
#[derive(Default)]
pub(crate) struct LeaseSlot {
    lease: Mutex<Option<Lease>>,
    heartbeat: Mutex<Option<Heartbeat>>,
}

#[derive(Clone)]
struct Lease {
    node: u8,
    /// A random uuid per lease (per process in practice: a process opens one database).
    holder: String,
}

struct Heartbeat {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl LeaseSlot {
    fn lease(&self) -> Option<Lease> {
        self.lease
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_lease(&self, lease: Lease) {
        *self.lease.lock().unwrap_or_else(PoisonError::into_inner) = Some(lease);
    }

    fn clear_lease(&self) {
        *self.lease.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    fn take_heartbeat(&self) -> Option<Heartbeat> {
        self.heartbeat
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

/// Every lease slot of the process, so that a command that ends without closing its database
/// (the CLI) still gives its number back: short-lived commands run in a loop would otherwise hold
/// a number each for two minutes and could use all 64 up. Weak, so that a dropped database
/// (a test's, when its runtime ends) is not kept open.
static SLOTS: Mutex<Vec<Weak<LeaseSlot>>> = Mutex::new(Vec::new());

impl Database {
    /// Gives back every id node lease this process holds. For the end of a command; a running
    /// server gives its lease back when it closes its database.
    pub async fn release_all_id_nodes() {
        release_all().await;
    }
}

async fn release_all() {
    let slots: Vec<Arc<LeaseSlot>> = {
        let mut registered = SLOTS.lock().unwrap_or_else(PoisonError::into_inner);
        registered.retain(|slot| slot.strong_count() > 0);
        registered.iter().filter_map(Weak::upgrade).collect()
    };
    for slot in slots {
        stop_and_release(&slot).await;
    }
}

/// Stops the heartbeat, which gives the number back as its last act (it owns a handle on the
/// database; the slot does not, so that a database nobody uses any more can be dropped).
async fn stop_and_release(slot: &LeaseSlot) {
    if let Some(heartbeat) = slot.take_heartbeat() {
        let _ = heartbeat.stop.send(());
        let _ = heartbeat.task.await;
    }
}

fn now_seconds() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The heartbeat written: now, or later when this process's ids run ahead of its clock, so that
/// whoever takes the number over starts after every id made with it.
fn stamp() -> i64 {
    now_seconds().max(ids::issued_until_ms().div_euclid(1000))
}

impl Database {
    /// Leases an id node number for this process on this database and makes `new_id` use it,
    /// then renews the lease in the background until the database is closed. Call once, after
    /// the migrations ran; a second call returns the number already held.
    pub async fn claim_id_node(&self) -> Result<u8, DbErr> {
        if let Some(lease) = self.id_lease.lease() {
            return Ok(lease.node);
        }
        let holder = uuid::Uuid::new_v4().to_string();
        let node = match claim(self, &holder, now_seconds()).await {
            Ok(node) => node,
            Err(err) => return Err(explain_claim_failure(self, err).await),
        };
        self.id_lease.set_lease(Lease { node, holder });
        tracing::debug!(node, "leased an id node number");
        self.spawn_heartbeat();
        Ok(node)
    }

    /// The id node number this handle leased, if it did.
    pub fn id_node(&self) -> Option<u8> {
        self.id_lease.lease().map(|lease| lease.node)
    }

    /// Renews the lease (what the background heartbeat does every 15 s). A lease that was lost
    /// (another process took the number after this one missed its heartbeats for two minutes,
    /// e.g. while paused) is replaced by a new number, and `new_id` switches to it. Returns the
    /// number held afterwards.
    pub async fn renew_id_node(&self) -> Result<u8, DbErr> {
        let Some(lease) = self.id_lease.lease() else {
            return self.claim_id_node().await;
        };
        let txn = self.begin_write().await?;
        let renewed = id_node::Entity::update_many()
            .col_expr(id_node::Column::HeartbeatAt, Expr::value(stamp()))
            .filter(id_node::Column::Node.eq(i16::from(lease.node)))
            .filter(id_node::Column::Holder.eq(lease.holder.as_str()))
            .exec(&txn)
            .await?
            .rows_affected;
        txn.commit().await?;
        if renewed == 1 {
            return Ok(lease.node);
        }
        let node = claim(self, &lease.holder, now_seconds()).await?;
        tracing::warn!(
            lost = lease.node,
            node,
            "the id node lease was lost (its heartbeat stopped for {LEASE_SECONDS} s, and another \
             process may have taken the number); new ids use another node number"
        );
        self.id_lease.set_lease(Lease {
            node,
            holder: lease.holder,
        });
        Ok(node)
    }

    /// Gives the number back: the heartbeat stops and the row is marked released, so another
    /// process can take the number at once.
    pub(super) async fn release_id_node(&self) {
        stop_and_release(&self.id_lease).await;
    }

    fn spawn_heartbeat(&self) {
        let (stop, mut stopped) = oneshot::channel::<()>();
        let db = self.clone();
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = tokio::time::sleep(HEARTBEAT_EVERY) => {}
                    _ = &mut stopped => break,
                }
                if let Err(err) = db.renew_id_node().await {
                    // Kept: the number stays ours until the lease runs out, and the next
                    // heartbeat tries again.
                    tracing::warn!(error = %err, "could not renew the id node lease");
                }
            }
            if let Some(lease) = db.id_lease.lease() {
                db.id_lease.clear_lease();
                if let Err(err) = release(&db, &lease).await {
                    tracing::warn!(error = %err, node = lease.node, "could not release the id node lease");
                }
            }
        });
        *self
            .id_lease
            .heartbeat
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Heartbeat { stop, task });
        let mut registered = SLOTS.lock().unwrap_or_else(PoisonError::into_inner);
        registered.retain(|slot| slot.strong_count() > 0);
        registered.push(Arc::downgrade(&self.id_lease));
    }
}

/// Takes the lowest free node number for `holder` and makes `new_id` use it (after every
/// millisecond its previous holder may have used).
async fn claim(db: &Database, holder: &str, now: i64) -> Result<u8, DbErr> {
    let txn = db.begin_write().await?;
    let mut rows: Vec<Option<id_node::Model>> = vec![None; usize::from(ids::NODES)];
    for row in id_node::Entity::find().all(&txn).await? {
        if let Some(slot) = usize::try_from(row.node)
            .ok()
            .and_then(|node| rows.get_mut(node))
        {
            *slot = Some(row);
        }
    }
    for (node, row) in (0..=u8::MAX).zip(rows) {
        let floor_ms = match row {
            None => {
                let inserted = id_node::Entity::insert(id_node::ActiveModel {
                    node: Set(i16::from(node)),
                    holder: Set(Some(holder.to_owned())),
                    heartbeat_at: Set(now),
                })
                .on_conflict(
                    OnConflict::column(id_node::Column::Node)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
                if inserted != 1 {
                    // Another process inserted it since the read.
                    continue;
                }
                0
            }
            Some(row) => {
                let released = row.holder.is_none();
                if !released && row.heartbeat_at >= now - LEASE_SECONDS {
                    continue;
                }
                // Compare-and-swap on the row as read: one winner even when several take the
                // same expired number at once.
                let unchanged = match &row.holder {
                    Some(previous) => id_node::Column::Holder.eq(previous.as_str()),
                    None => id_node::Column::Holder.is_null(),
                };
                let taken = id_node::Entity::update_many()
                    .col_expr(id_node::Column::Holder, Expr::value(holder))
                    .col_expr(id_node::Column::HeartbeatAt, Expr::value(now))
                    .filter(id_node::Column::Node.eq(i16::from(node)))
                    .filter(id_node::Column::HeartbeatAt.eq(row.heartbeat_at))
                    .filter(unchanged)
                    .exec(&txn)
                    .await?
                    .rows_affected;
                if taken != 1 {
                    continue;
                }
                // A released number was used until its heartbeat second at most; an expired one
                // until the lease ran out (a holder that came back later has lost it).
                let used_until = if released {
                    row.heartbeat_at + 1
                } else {
                    row.heartbeat_at + LEASE_SECONDS
                };
                used_until.saturating_mul(1000)
            }
        };
        txn.commit().await?;
        ids::use_node(node, floor_ms);
        return Ok(node);
    }
    txn.rollback().await?;
    Err(DbErr::Custom(format!(
        "all {} id node numbers are held by live processes on this database; stop one, or wait \
         {LEASE_SECONDS} s for the leases of processes that were killed to run out",
        ids::NODES
    )))
}

/// Marks the lease released, with the last second its ids may carry, instead of deleting the
/// row: the next holder then starts after every id made with the number, even if its clock is
/// a little behind this one's.
async fn release(db: &Database, lease: &Lease) -> Result<(), DbErr> {
    let txn = db.begin_write().await?;
    id_node::Entity::update_many()
        .col_expr(id_node::Column::Holder, Expr::value(Option::<String>::None))
        .col_expr(id_node::Column::HeartbeatAt, Expr::value(stamp()))
        .filter(id_node::Column::Node.eq(i16::from(lease.node)))
        .filter(id_node::Column::Holder.eq(lease.holder.as_str()))
        .exec(&txn)
        .await?;
    txn.commit().await
}

/// A claim that fails because the table is missing says what to do about it.
async fn explain_claim_failure(db: &Database, err: DbErr) -> DbErr {
    match SchemaManager::new(db.reader()).has_table("id_nodes").await {
        Ok(false) => DbErr::Custom(
            "the database has no id_nodes table, so this process cannot lease the node number \
             its ids need: its migrations have not run; run `storefront migrate` (or start with \
             database.auto_migrate = true)"
                .to_owned(),
        ),
        _ => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DatabaseConfig;

    async fn migrated(dir: &std::path::Path) -> Database {
        let url = format!("sqlite://{}?mode=rwc", dir.join("ids.db").display());
        let db = Database::connect(&url, &DatabaseConfig::default())
            .await
            .expect("connect");
        db.migrate().await.expect("migrate");
        db
    }

    #[tokio::test]
    async fn a_number_released_is_taken_again_after_its_last_second() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = migrated(dir.path()).await;
        let now = now_seconds();
        let node = claim(&db, "first", now).await.expect("claim");
        release(
            &db,
            &Lease {
                node,
                holder: "first".to_owned(),
            },
        )
        .await
        .expect("release");
        let row = id_node::Entity::find_by_id(i16::from(node))
            .one(db.reader())
            .await
            .expect("read")
            .expect("the row stays");
        assert_eq!(row.holder, None);
        assert!(row.heartbeat_at >= now);
        assert_eq!(claim(&db, "second", now).await.expect("claim"), node);
        assert!(ids::issued_until_ms() >= row.heartbeat_at * 1000);
    }

    #[tokio::test]
    async fn a_database_without_the_table_says_to_migrate() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("bare.db").display());
        let db = Database::connect(&url, &DatabaseConfig::default())
            .await
            .expect("connect");
        let err = db.claim_id_node().await.expect_err("no table");
        assert!(err.to_string().contains("storefront migrate"), "{err}");
    }
}
