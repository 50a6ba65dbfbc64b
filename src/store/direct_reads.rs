//! SQLite: the statements of every customer read (the customer by token, the addresses, the
//! metafields), run on the calling thread.
//!
//! sqlx runs each SQLite connection on a thread of its own and hands every statement and its rows
//! across threads. `storefront-bench handoff` measured what that costs an indexed lookup on
//! this machine: about 44 µs of CPU through sea-orm on sqlx's pool against 11 µs on the calling
//! thread (bench/README.md). The customer-by-token, addresses-of-customers and
//! metafields-of-customers reads are the statements of a `customer` query, so they alone run
//! here, with rusqlite on a few
//! read-only connections of their own; an indexed lookup takes microseconds, too little to matter
//! to the runtime thread it runs on. Everything else, and every read on PostgreSQL, stays on
//! sea-orm.
//!
//! Each function keeps the SQL and the mapping to the sea-orm model side by side (the struct
//! literals are exhaustive: a new column does not compile until it is read here too), and does
//! exactly what its sea-orm twin in `access_tokens` / `addresses` / `metafields` does; the API tests run every
//! customer read through this path on SQLite and through sea-orm on PostgreSQL.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rusqlite::types::Value;
use sea_orm::DbErr;

use super::entities::{customer, customer_address};
use super::error::StoreError;
use super::metafields::Visibility;
use crate::domain::metafield::{MetafieldRecord, StorefrontAccess};

pub struct DirectReads {
    connections: Vec<Mutex<rusqlite::Connection>>,
    next: AtomicUsize,
}

/// A read-only connection to the SQLite file at `path`, for the calling thread (this module's
/// readers, and the caches' watches of `PRAGMA data_version`).
pub(super) fn read_only(
    path: &Path,
    busy_timeout: Duration,
) -> rusqlite::Result<rusqlite::Connection> {
    let connection = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(busy_timeout)?;
    Ok(connection)
}

fn failed(err: rusqlite::Error) -> StoreError {
    StoreError::Db(DbErr::Custom(format!("SQLite read: {err}")))
}

/// `?, ?, …` for `count` values.
fn placeholders(count: usize) -> String {
    let mut list = "?,".repeat(count);
    list.pop();
    list
}

const CUSTOMER_COLUMNS: &str = "c.id, c.shop_id, c.email, c.email_key, c.phone, c.first_name, \
     c.last_name, c.accepts_marketing, c.state, c.password_hash, c.tags, c.created_at, \
     c.updated_at, c.default_address_id, c.security_stamp, c.activation_nonce_hash, \
     c.reset_nonce_hash, c.multipass_identifier, c.email_verified_at, c.email_verified_by, c.version, c.note, c.erasure_due_at";

/// A customer from [`CUSTOMER_COLUMNS`], starting at column `at`.
fn customer_at(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<customer::Model> {
    Ok(customer::Model {
        id: row.get(at)?,
        shop_id: row.get(at + 1)?,
        email: row.get(at + 2)?,
        email_key: row.get(at + 3)?,
        phone: row.get(at + 4)?,
        first_name: row.get(at + 5)?,
        last_name: row.get(at + 6)?,
        accepts_marketing: row.get(at + 7)?,
        state: row.get(at + 8)?,
        password_hash: row.get(at + 9)?,
        tags: row.get(at + 10)?,
        created_at: row.get(at + 11)?,
        updated_at: row.get(at + 12)?,
        default_address_id: row.get(at + 13)?,
        security_stamp: row.get(at + 14)?,
        activation_nonce_hash: row.get(at + 15)?,
        reset_nonce_hash: row.get(at + 16)?,
        multipass_identifier: row.get(at + 17)?,
        email_verified_at: row.get(at + 18)?,
        email_verified_by: row.get(at + 19)?,
        version: row.get(at + 20)?,
        note: row.get(at + 21)?,
        erasure_due_at: row.get(at + 22)?,
    })
}

const ADDRESS_COLUMNS: &str = "id, shop_id, customer_id, first_name, last_name, company, \
     address1, address2, city, province, province_code, country, country_code, zip, phone, \
     latitude, longitude, created_at, updated_at";

fn address(row: &rusqlite::Row<'_>) -> rusqlite::Result<customer_address::Model> {
    Ok(customer_address::Model {
        id: row.get(0)?,
        shop_id: row.get(1)?,
        customer_id: row.get(2)?,
        first_name: row.get(3)?,
        last_name: row.get(4)?,
        company: row.get(5)?,
        address1: row.get(6)?,
        address2: row.get(7)?,
        city: row.get(8)?,
        province: row.get(9)?,
        province_code: row.get(10)?,
        country: row.get(11)?,
        country_code: row.get(12)?,
        zip: row.get(13)?,
        phone: row.get(14)?,
        latitude: row.get(15)?,
        longitude: row.get(16)?,
        created_at: row.get(17)?,
        updated_at: row.get(18)?,
    })
}

/// [`super::metafields::read`]'s columns, definition's last.
const METAFIELD_SELECT: &str = "SELECT m.id, m.customer_id, m.namespace, m.key, m.type, m.value, \
     m.created_at, m.updated_at, d.id, d.description, d.storefront_access \
     FROM customer_metafields m LEFT JOIN metafield_definitions d ON d.shop_id = m.shop_id \
     AND d.owner_type = 'CUSTOMER' AND d.namespace = m.namespace AND d.key = m.key";

fn metafield(row: &rusqlite::Row<'_>) -> rusqlite::Result<MetafieldRecord> {
    Ok(MetafieldRecord {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        namespace: row.get(2)?,
        key: row.get(3)?,
        ty: row.get(4)?,
        value: row.get(5)?,
        created_at: row.get(6)?,
        updated_at: row.get(7)?,
        definition_id: row.get(8)?,
        description: row.get(9)?,
        storefront: row
            .get::<_, Option<String>>(10)?
            .as_deref()
            .map_or(StorefrontAccess::None, StorefrontAccess::parse),
    })
}

impl DirectReads {
    /// `count` read-only connections to the SQLite file at `path`.
    pub fn open(path: &Path, count: usize) -> rusqlite::Result<Self> {
        let connections = (0..count.max(1))
            .map(|_| {
                // As the pool's readers: a WAL reader waits only for a checkpoint's moment.
                Ok(Mutex::new(read_only(path, Duration::from_secs(5))?))
            })
            .collect::<rusqlite::Result<_>>()?;
        Ok(Self {
            connections,
            next: AtomicUsize::new(0),
        })
    }

    /// Runs `read` on a free connection, or waits for one (a read holds it for microseconds).
    fn with<T>(
        &self,
        read: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let count = self.connections.len();
        let free = (0..count).find_map(|i| self.connections[(start + i) % count].try_lock().ok());
        let connection = match free {
            Some(connection) => connection,
            None => self.connections[start % count]
                .lock()
                .map_err(|_| StoreError::Db(DbErr::Custom("a SQLite reader panicked".into())))?,
        };
        read(&connection).map_err(failed)
    }

    /// [`super::access_tokens::find_live_many`]: the live tokens among `digests` with their
    /// expiry and customers (enabled or not; the caller filters).
    pub fn live_tokens(
        &self,
        shop_id: i64,
        digests: &[String],
        now: i64,
    ) -> Result<Vec<(String, i64, customer::Model)>, StoreError> {
        let sql = format!(
            "SELECT t.token_digest, t.expires_at, {CUSTOMER_COLUMNS} FROM customer_access_tokens t \
             JOIN customers c ON c.id = t.customer_id \
             WHERE t.shop_id = ? AND t.token_digest IN ({}) AND t.expires_at > ?",
            placeholders(digests.len())
        );
        let mut values = Vec::with_capacity(digests.len() + 2);
        values.push(Value::Integer(shop_id));
        values.extend(digests.iter().map(|digest| Value::Text(digest.clone())));
        values.push(Value::Integer(now));
        self.with(|connection| {
            let mut statement = connection.prepare_cached(&sql)?;
            let rows = statement.query_map(rusqlite::params_from_iter(values), |row| {
                Ok((row.get::<_, String>(0)?, row.get(1)?, customer_at(row, 2)?))
            })?;
            rows.collect()
        })
    }

    /// [`super::addresses::list_for_customers`]: every address of these customers, by customer
    /// then id.
    pub fn addresses(
        &self,
        shop_id: i64,
        customer_ids: &[i64],
    ) -> Result<Vec<customer_address::Model>, StoreError> {
        let sql = format!(
            "SELECT {ADDRESS_COLUMNS} FROM customer_addresses \
             WHERE shop_id = ? AND customer_id IN ({}) ORDER BY customer_id, id",
            placeholders(customer_ids.len())
        );
        let mut values = Vec::with_capacity(customer_ids.len() + 1);
        values.push(Value::Integer(shop_id));
        values.extend(customer_ids.iter().map(|id| Value::Integer(*id)));
        self.with(|connection| {
            let mut statement = connection.prepare_cached(&sql)?;
            let rows = statement.query_map(rusqlite::params_from_iter(values), address)?;
            rows.collect()
        })
    }

    /// [`super::metafields::read`] for a list of customers (every value, or the storefront's).
    pub fn metafields(
        &self,
        shop_id: i64,
        customer_ids: &[i64],
        visibility: Visibility,
    ) -> Result<Vec<MetafieldRecord>, StoreError> {
        let filter = match visibility {
            Visibility::All => "",
            Visibility::Storefront => " AND d.storefront_access = 'PUBLIC_READ'",
        };
        let sql = format!(
            "{METAFIELD_SELECT} WHERE m.shop_id = ? AND m.customer_id IN ({}){filter} \
             ORDER BY m.customer_id, m.namespace, m.key",
            placeholders(customer_ids.len())
        );
        let mut values = Vec::with_capacity(customer_ids.len() + 1);
        values.push(Value::Integer(shop_id));
        values.extend(customer_ids.iter().map(|id| Value::Integer(*id)));
        self.with(|connection| {
            let mut statement = connection.prepare_cached(&sql)?;
            let rows = statement.query_map(rusqlite::params_from_iter(values), metafield)?;
            rows.collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

    use super::super::Database;
    use super::super::entities::{customer, customer_access_token, customer_address};
    use super::super::metafields::Visibility;
    use crate::config::DatabaseConfig;

    /// Every column set, so that a column read into the wrong field, or not at all, shows.
    const ROWS: &str = "
        INSERT OR IGNORE INTO shops (id, handle, name, domain, password_min_length,
            password_max_length, created_at, updated_at)
            VALUES (1, 'default', 'D', 'd.example', 5, 40, 1, 1),
            (7, 'direct', 'Direct', 'direct.example', 5, 40, 1, 1);
        INSERT INTO customers (id, shop_id, email, email_key, phone, first_name, last_name,
            accepts_marketing, state, password_hash, tags, created_at, updated_at,
            default_address_id, security_stamp, activation_nonce_hash, reset_nonce_hash,
            multipass_identifier, email_verified_at, email_verified_by, version, note, erasure_due_at)
            VALUES (70, 7, 'A@x.example', 'a@x.example', '+15550000001', 'Ada', 'Lovelace', 1,
            'enabled', '$argon2id$hash', 'vip,early', 11, 12, 701, 'stamp', 'act', 'reset',
            'mp-1', 13, 'reset', 5, 'likes tea', 14);
        INSERT INTO customer_access_tokens (id, shop_id, customer_id, token_digest, created_at,
            expires_at) VALUES (80, 7, 70, 'digest-a', 1, 99999999999);
        INSERT INTO customer_addresses (id, shop_id, customer_id, first_name, last_name, company,
            address1, address2, city, province, province_code, country, country_code, zip, phone,
            latitude, longitude, created_at, updated_at)
            VALUES (702, 7, 70, 'F', 'L', 'Co', '1 A St', 'Apt 2', 'Ottawa', 'Ontario', 'ON',
            'Canada', 'CA', 'K1A 0A1', '+15550000002', 45.5, -75.25, 21, 22),
            (701, 7, 70, 'G', 'M', NULL, '2 B St', NULL, 'Paris', NULL, NULL, 'France', 'FR',
            '75001', NULL, NULL, NULL, 23, 24);
        INSERT INTO metafield_definitions (id, shop_id, owner_type, namespace, key, type, name,
            description, validations, storefront_access, customer_account_access, created_at,
            updated_at) VALUES
            (90, 7, 'CUSTOMER', 'loyalty', 'tier', 'single_line_text_field', 'Tier', 'The tier',
            '[]', 'PUBLIC_READ', 'READ', 1, 2),
            (91, 7, 'CUSTOMER', 'loyalty', 'score', 'number_integer', 'Score', NULL, '[]',
            'NONE', 'NONE', 1, 2);
        INSERT INTO customer_metafields (id, shop_id, customer_id, namespace, key, type, value,
            created_at, updated_at) VALUES
            (95, 7, 70, 'loyalty', 'tier', 'single_line_text_field', 'gold', 31, 32),
            (96, 7, 70, 'loyalty', 'score', 'number_integer', '7', 33, 34),
            (97, 7, 70, 'notes', 'free', 'boolean', 'true', 35, 36);
    ";

    #[tokio::test]
    async fn direct_reads_answer_what_sea_orm_answers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("direct.db").display()
        );
        let db = Database::connect(&url, &DatabaseConfig::default())
            .await
            .expect("connect");
        db.migrate().await.expect("migrate");
        let txn = db.begin_write().await.expect("begin");
        txn.execute_unprepared(ROWS).await.expect("rows");
        txn.commit().await.expect("commit");
        let direct = db.direct_reads().expect("SQLite has direct readers");

        let digests = vec!["digest-a".to_owned(), "digest-unknown".to_owned()];
        let through_sea_orm: Vec<(String, i64, customer::Model)> =
            customer_access_token::Entity::find()
                .filter(customer_access_token::Column::ShopId.eq(7))
                .filter(customer_access_token::Column::TokenDigest.is_in(digests.clone()))
                .filter(customer_access_token::Column::ExpiresAt.gt(100))
                .find_also_related(customer::Entity)
                .all(db.reader())
                .await
                .expect("sea-orm")
                .into_iter()
                .filter_map(|(token, customer)| {
                    Some((token.token_digest, token.expires_at, customer?))
                })
                .collect();
        assert_eq!(through_sea_orm.len(), 1);
        assert_eq!(
            direct.live_tokens(7, &digests, 100).expect("direct"),
            through_sea_orm
        );
        // Shop-scoped and expiry-checked like the query it replaces.
        assert!(
            direct
                .live_tokens(1, &digests, 100)
                .expect("direct")
                .is_empty()
        );
        assert!(
            direct
                .live_tokens(7, &digests, 99999999999)
                .expect("direct")
                .is_empty()
        );

        let addresses: Vec<customer_address::Model> = customer_address::Entity::find()
            .filter(customer_address::Column::ShopId.eq(7))
            .filter(customer_address::Column::CustomerId.is_in([70, 71]))
            .order_by_asc(customer_address::Column::CustomerId)
            .order_by_asc(customer_address::Column::Id)
            .all(db.reader())
            .await
            .expect("sea-orm");
        assert_eq!(addresses.len(), 2);
        assert_eq!(direct.addresses(7, &[70, 71]).expect("direct"), addresses);
        assert!(direct.addresses(1, &[70]).expect("direct").is_empty());

        for visibility in [Visibility::All, Visibility::Storefront] {
            let through_sea_orm = crate::store::metafields::read(
                db.reader(),
                7,
                crate::store::metafields::ValueQuery {
                    customer_ids: &[70, 71],
                    pairs: None,
                    id: None,
                    visibility,
                },
            )
            .await
            .expect("sea-orm");
            let expected = match visibility {
                Visibility::All => 3,
                Visibility::Storefront => 1,
            };
            assert_eq!(through_sea_orm.len(), expected, "{visibility:?}");
            assert_eq!(
                direct.metafields(7, &[70, 71], visibility).expect("direct"),
                through_sea_orm
            );
            assert!(
                direct
                    .metafields(1, &[70], visibility)
                    .expect("direct")
                    .is_empty()
            );
        }
    }
}
