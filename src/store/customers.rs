//! Customer rows.

use sea_orm::sea_query::{Condition, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use super::entities::customer;
use super::error::StoreError;
use crate::domain::account_tokens::{Purpose, new_security_stamp};
pub use crate::domain::customer::{CustomerRecord, CustomerState, EmailProof, NewCustomer};

impl From<customer::Model> for CustomerRecord {
    fn from(row: customer::Model) -> Self {
        Self {
            id: row.id,
            email: row.email,
            phone: row.phone,
            first_name: row.first_name,
            last_name: row.last_name,
            accepts_marketing: row.accepts_marketing,
            state: CustomerState::parse(&row.state),
            password_hash: row.password_hash,
            tags: serde_json::from_str(&row.tags).unwrap_or_default(),
            created_at: row.created_at,
            updated_at: row.updated_at,
            default_address_id: row.default_address_id,
            security_stamp: row.security_stamp.unwrap_or_default(),
            activation_nonce_hash: row.activation_nonce_hash,
            reset_nonce_hash: row.reset_nonce_hash,
            multipass_identifier: row.multipass_identifier,
            email_proof: row
                .email_verified_at
                .zip(row.email_verified_by.as_deref().and_then(EmailProof::parse)),
            version: row.version,
            note: row.note,
            erasure_due_at: row.erasure_due_at,
        }
    }
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewCustomer,
) -> Result<CustomerRecord, StoreError> {
    let row = customer::ActiveModel {
        id: Set(new.id),
        shop_id: Set(new.shop_id),
        email: Set(new.email),
        email_key: Set(new.email_key),
        phone: Set(new.phone),
        first_name: Set(new.first_name),
        last_name: Set(new.last_name),
        accepts_marketing: Set(new.accepts_marketing),
        state: Set(new.state.as_str().to_owned()),
        password_hash: Set(new.password_hash),
        tags: Set("[]".to_owned()),
        created_at: Set(new.now),
        updated_at: Set(new.now),
        default_address_id: Set(None),
        security_stamp: Set(Some(crate::domain::account_tokens::new_security_stamp())),
        activation_nonce_hash: Set(None),
        reset_nonce_hash: Set(None),
        multipass_identifier: Set(None),
        email_verified_at: Set(None),
        email_verified_by: Set(None),
        version: Set(1),
        note: Set(new.note),
        erasure_due_at: Set(None),
    };
    let inserted = customer::Entity::insert(row)
        .exec_with_returning(db)
        .await?;
    Ok(inserted.into())
}

/// Which of an email key and a phone number already belong to a customer of the shop (other
/// than `except`, the customer who is changing their own).
pub async fn taken_email_and_phone(
    db: &impl ConnectionTrait,
    shop_id: i64,
    except: Option<i64>,
    email_key: Option<&str>,
    phone: Option<&str>,
) -> Result<(bool, bool), StoreError> {
    if email_key.is_none() && phone.is_none() {
        return Ok((false, false));
    }
    let mut either = Condition::any();
    if let Some(key) = email_key {
        either = either.add(customer::Column::EmailKey.eq(key));
    }
    if let Some(phone) = phone {
        either = either.add(customer::Column::Phone.eq(phone));
    }
    let mut query = customer::Entity::find()
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(either);
    if let Some(except) = except {
        query = query.filter(customer::Column::Id.ne(except));
    }
    let rows = query.all(db).await?;
    let email_taken = email_key.is_some_and(|k| rows.iter().any(|row| row.email_key == k));
    let phone_taken = phone.is_some_and(|p| rows.iter().any(|row| row.phone.as_deref() == Some(p)));
    Ok((email_taken, phone_taken))
}

pub async fn find_by_phone(
    db: &impl ConnectionTrait,
    shop_id: i64,
    phone: &str,
) -> Result<Option<CustomerRecord>, StoreError> {
    Ok(customer::Entity::find()
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Phone.eq(phone))
        .one(db)
        .await?
        .map(Into::into))
}

/// The tags of a customer just created (its version stays 1: creating it is its first change).
pub async fn set_tags(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    tags: &[String],
) -> Result<(), StoreError> {
    let json = serde_json::to_string(tags).unwrap_or_else(|_| "[]".to_owned());
    customer::Entity::update_many()
        .col_expr(customer::Column::Tags, json.into())
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Id.eq(customer_id))
        .exec(db)
        .await?;
    super::customer_tags::replace(db, shop_id, customer_id, tags).await
}

pub async fn find_by_email_key(
    db: &impl ConnectionTrait,
    shop_id: i64,
    email_key: &str,
) -> Result<Option<CustomerRecord>, StoreError> {
    Ok(customer::Entity::find()
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::EmailKey.eq(email_key))
        .one(db)
        .await?
        .map(Into::into))
}

/// Replaces the password hash, only if it is still the one that was verified: a concurrent
/// password change is never overwritten by a re-hash of the old password.
pub async fn upgrade_password_hash(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    verified_hash: &str,
    new_hash: &str,
) -> Result<(), StoreError> {
    customer::Entity::update_many()
        .col_expr(customer::Column::PasswordHash, new_hash.into())
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Id.eq(customer_id))
        .filter(customer::Column::PasswordHash.eq(verified_hash))
        .exec(db)
        .await?;
    Ok(())
}

/// The customer, locked for the rest of the transaction on PostgreSQL (`FOR UPDATE`), so that
/// concurrent changes to one customer's address book apply one after the other. SQLite has a
/// single writer already.
pub async fn lock(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
) -> Result<Option<CustomerRecord>, StoreError> {
    Ok(customer::Entity::find_by_id(customer_id)
        .filter(customer::Column::ShopId.eq(shop_id))
        .lock_exclusive()
        .one(db)
        .await?
        .map(Into::into))
}

/// [`lock`] for a customer just read inside the same write transaction: on SQLite that read is
/// already under the database's write lock (every write transaction takes it at BEGIN), so it is
/// returned as it is, one statement less on every address write; PostgreSQL locks the row.
pub async fn lock_read(
    db: &impl ConnectionTrait,
    shop_id: i64,
    read: CustomerRecord,
) -> Result<Option<CustomerRecord>, StoreError> {
    match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => Ok(Some(read)),
        _ => lock(db, shop_id, read.id).await,
    }
}

pub async fn set_default_address(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    address_id: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    customer::Entity::update_many()
        .col_expr(customer::Column::DefaultAddressId, address_id.into())
        .col_expr(customer::Column::UpdatedAt, now.into())
        .col_expr(customer::Column::Version, next_version())
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Id.eq(customer_id))
        .exec(db)
        .await?;
    Ok(())
}

/// `version + 1`: every change of a customer (its addresses included) adds one, so that an
/// admin's `expectedVersion` notices any change made since it read the customer.
fn next_version() -> sea_orm::sea_query::SimpleExpr {
    sea_orm::sea_query::Expr::col(customer::Column::Version).add(1)
}

/// Records a change of something the customer owns (an address) as a change of the customer.
pub async fn touch(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    customer::Entity::update_many()
        .col_expr(customer::Column::UpdatedAt, now.into())
        .col_expr(customer::Column::Version, next_version())
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Id.eq(customer_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A change to one field: fields that are not mentioned keep their value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<T> {
    Keep,
    Set(T),
}

/// The profile fields a customer may change; `Keep` leaves a column out of the UPDATE, so two
/// concurrent updates of different fields both survive.
#[derive(Debug, Clone)]
pub struct ProfileChanges {
    pub first_name: Change<Option<String>>,
    pub last_name: Change<Option<String>>,
    pub email: Change<(String, String)>,
    pub phone: Change<Option<String>>,
    pub accepts_marketing: Change<bool>,
    pub password_hash: Change<String>,
    /// The merchant's note (admin only).
    pub note: Change<Option<String>>,
    /// The whole tag list, replacing the one stored (admin only).
    pub tags: Change<Vec<String>>,
    /// Apply only while the customer is at this version (the admin's `expectedVersion`).
    pub expected_version: Option<i64>,
}

impl ProfileChanges {
    /// No change at all.
    pub fn none() -> Self {
        Self {
            first_name: Change::Keep,
            last_name: Change::Keep,
            email: Change::Keep,
            phone: Change::Keep,
            accepts_marketing: Change::Keep,
            password_hash: Change::Keep,
            note: Change::Keep,
            tags: Change::Keep,
            expected_version: None,
        }
    }
}

/// Writes the changes in one UPDATE that also adds one to the version; `false` when the
/// customer is not at `expected_version` (or does not exist), and then nothing is written.
pub async fn update_profile(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    changes: ProfileChanges,
    now: i64,
) -> Result<bool, StoreError> {
    let mut update = customer::Entity::update_many()
        .col_expr(customer::Column::UpdatedAt, now.into())
        .col_expr(customer::Column::Version, next_version())
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Id.eq(customer_id));
    if let Some(expected) = changes.expected_version {
        update = update.filter(customer::Column::Version.eq(expected));
    }
    if let Change::Set(value) = changes.note {
        update = update.col_expr(customer::Column::Note, value.into());
    }
    if let Change::Set(tags) = &changes.tags {
        let json = serde_json::to_string(tags).unwrap_or_else(|_| "[]".to_owned());
        update = update.col_expr(customer::Column::Tags, json.into());
    }
    if let Change::Set(value) = changes.first_name {
        update = update.col_expr(customer::Column::FirstName, value.into());
    }
    if let Change::Set(value) = changes.last_name {
        update = update.col_expr(customer::Column::LastName, value.into());
    }
    if let Change::Set((email, key)) = changes.email {
        // A new address is not proven yet (orders already linked stay with the customer).
        update = update
            .col_expr(customer::Column::Email, email.into())
            .col_expr(customer::Column::EmailKey, key.into())
            .col_expr(
                customer::Column::EmailVerifiedAt,
                Option::<i64>::None.into(),
            )
            .col_expr(
                customer::Column::EmailVerifiedBy,
                Option::<String>::None.into(),
            );
    }
    if let Change::Set(value) = changes.phone {
        update = update.col_expr(customer::Column::Phone, value.into());
    }
    if let Change::Set(value) = changes.accepts_marketing {
        update = update.col_expr(customer::Column::AcceptsMarketing, value.into());
    }
    if let Change::Set(value) = changes.password_hash {
        // A new password ends every outstanding activation or reset link.
        update = update
            .col_expr(customer::Column::PasswordHash, value.into())
            .col_expr(
                customer::Column::SecurityStamp,
                Some(new_security_stamp()).into(),
            )
            .col_expr(
                customer::Column::ActivationNonceHash,
                Option::<String>::None.into(),
            )
            .col_expr(
                customer::Column::ResetNonceHash,
                Option::<String>::None.into(),
            );
    }
    let applied = update.exec(db).await?.rows_affected == 1;
    if applied && let Change::Set(tags) = &changes.tags {
        super::customer_tags::replace(db, shop_id, customer_id, tags).await?;
    }
    Ok(applied)
}

/// Records that the customer proved their email address.
pub async fn set_email_proof(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    proof: EmailProof,
    now: i64,
) -> Result<(), StoreError> {
    customer::Entity::update_many()
        .col_expr(customer::Column::EmailVerifiedAt, Some(now).into())
        .col_expr(customer::Column::Version, next_version())
        .col_expr(
            customer::Column::EmailVerifiedBy,
            Some(proof.as_str().to_owned()).into(),
        )
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Id.eq(customer_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Withdraws the proof of the customer's email address (the admin's `verifiedEmail: false`).
pub async fn clear_email_proof(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
) -> Result<(), StoreError> {
    customer::Entity::update_many()
        .col_expr(
            customer::Column::EmailVerifiedAt,
            Option::<i64>::None.into(),
        )
        .col_expr(
            customer::Column::EmailVerifiedBy,
            Option::<String>::None.into(),
        )
        .col_expr(customer::Column::Version, next_version())
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Id.eq(customer_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn find_by_id(
    db: &impl ConnectionTrait,
    shop_id: i64,
    id: i64,
) -> Result<Option<CustomerRecord>, StoreError> {
    Ok(customer::Entity::find_by_id(id)
        .filter(customer::Column::ShopId.eq(shop_id))
        .one(db)
        .await?
        .map(Into::into))
}

fn nonce_column(purpose: Purpose) -> customer::Column {
    match purpose {
        Purpose::Activate => customer::Column::ActivationNonceHash,
        Purpose::Reset => customer::Column::ResetNonceHash,
    }
}

/// Makes `nonce_hash` the customer's one outstanding token of this purpose (any earlier one
/// stops working), and gives the customer a security stamp if it has none yet.
pub async fn set_outstanding_nonce(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    purpose: Purpose,
    nonce_hash: &str,
    stamp: &str,
) -> Result<(), StoreError> {
    customer::Entity::update_many()
        .col_expr(nonce_column(purpose), Some(nonce_hash.to_owned()).into())
        .col_expr(
            customer::Column::SecurityStamp,
            Some(stamp.to_owned()).into(),
        )
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Id.eq(customer_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Uses an activation or reset token: sets the password, rotates the stamp, clears the nonce and
/// enables the customer, only if the nonce and stamp are still the ones in the token. One
/// statement, so of concurrent uses of one token exactly one wins (`true`).
/// What a redeemed activation or reset token proves and sets.
pub struct Redemption<'a> {
    pub purpose: Purpose,
    pub nonce_hash: &'a str,
    pub stamp: &'a str,
    pub password_hash: &'a str,
}

pub async fn redeem_nonce(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    redemption: Redemption<'_>,
    now: i64,
) -> Result<bool, StoreError> {
    let result = customer::Entity::update_many()
        .col_expr(
            customer::Column::PasswordHash,
            Some(redemption.password_hash.to_owned()).into(),
        )
        .col_expr(
            customer::Column::SecurityStamp,
            Some(new_security_stamp()).into(),
        )
        .col_expr(
            customer::Column::ActivationNonceHash,
            Option::<String>::None.into(),
        )
        .col_expr(
            customer::Column::ResetNonceHash,
            Option::<String>::None.into(),
        )
        .col_expr(
            customer::Column::State,
            CustomerState::Enabled.as_str().into(),
        )
        .col_expr(customer::Column::UpdatedAt, now.into())
        .col_expr(customer::Column::Version, next_version())
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Id.eq(customer_id))
        .filter(nonce_column(redemption.purpose).eq(redemption.nonce_hash))
        .filter(customer::Column::SecurityStamp.eq(redemption.stamp))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The customer as a Multipass sign-in leaves it: enabled, with the names and tags the shop sent.
pub async fn apply_multipass(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    first_name: Option<&str>,
    last_name: Option<&str>,
    tags: Option<&[String]>,
    now: i64,
) -> Result<(), StoreError> {
    let mut update = customer::Entity::update_many()
        .col_expr(
            customer::Column::State,
            CustomerState::Enabled.as_str().into(),
        )
        .col_expr(customer::Column::UpdatedAt, now.into())
        .col_expr(customer::Column::Version, next_version())
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Id.eq(customer_id));
    if let Some(first) = first_name {
        update = update.col_expr(customer::Column::FirstName, Some(first.to_owned()).into());
    }
    if let Some(last) = last_name {
        update = update.col_expr(customer::Column::LastName, Some(last.to_owned()).into());
    }
    if let Some(tags) = tags {
        let json = serde_json::to_string(tags).unwrap_or_else(|_| "[]".to_owned());
        update = update.col_expr(customer::Column::Tags, json.into());
    }
    update.exec(db).await?;
    if let Some(tags) = tags {
        super::customer_tags::replace(db, shop_id, customer_id, tags).await?;
    }
    Ok(())
}

pub async fn find_by_multipass_identifier(
    db: &impl ConnectionTrait,
    shop_id: i64,
    identifier: &str,
) -> Result<Option<CustomerRecord>, StoreError> {
    Ok(customer::Entity::find()
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::MultipassIdentifier.eq(identifier))
        .one(db)
        .await?
        .map(Into::into))
}

pub async fn set_multipass_identifier(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    identifier: &str,
) -> Result<(), StoreError> {
    customer::Entity::update_many()
        .col_expr(
            customer::Column::MultipassIdentifier,
            Some(identifier.to_owned()).into(),
        )
        .col_expr(customer::Column::Version, next_version())
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Id.eq(customer_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Schedules (`Some`) or cancels (`None`) the customer's erasure; `false` when cancelling found
/// none scheduled.
pub async fn set_erasure_due(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    due_at: Option<i64>,
    now: i64,
) -> Result<bool, StoreError> {
    let mut update = customer::Entity::update_many()
        .col_expr(customer::Column::ErasureDueAt, due_at.into())
        .col_expr(customer::Column::UpdatedAt, now.into())
        .col_expr(customer::Column::Version, next_version())
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Id.eq(customer_id));
    if due_at.is_none() {
        update = update.filter(customer::Column::ErasureDueAt.is_not_null());
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Customers of every shop whose erasure is due, as (shop, customer), at most `limit`.
pub async fn erasures_due(
    db: &impl ConnectionTrait,
    now: i64,
    limit: u64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    use sea_orm::QueryOrder;
    Ok(customer::Entity::find()
        .filter(customer::Column::ErasureDueAt.lte(now))
        .order_by_asc(customer::Column::ErasureDueAt)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.shop_id, row.id))
        .collect())
}

/// Customers of the shop whose email or name contains `term` (all when `None`), newest first.
pub async fn search(
    db: &impl ConnectionTrait,
    shop_id: i64,
    term: Option<&str>,
    limit: u64,
) -> Result<Vec<CustomerRecord>, StoreError> {
    use sea_orm::QueryOrder;
    let mut query = customer::Entity::find().filter(customer::Column::ShopId.eq(shop_id));
    if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
        // Wildcards in the term are dropped rather than escaped: the databases escape differently.
        let cleaned: String = term
            .to_lowercase()
            .chars()
            .filter(|c| *c != '%' && *c != '_')
            .collect();
        let pattern = format!("%{cleaned}%");
        query = query.filter(
            Condition::any()
                .add(customer::Column::EmailKey.like(&pattern))
                .add(
                    sea_orm::sea_query::Expr::expr(sea_orm::sea_query::Func::lower(
                        sea_orm::sea_query::Expr::col(customer::Column::FirstName),
                    ))
                    .like(&pattern),
                )
                .add(
                    sea_orm::sea_query::Expr::expr(sea_orm::sea_query::Func::lower(
                        sea_orm::sea_query::Expr::col(customer::Column::LastName),
                    ))
                    .like(&pattern),
                ),
        );
    }
    Ok(query
        .order_by_desc(customer::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

pub async fn set_state(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
    state: CustomerState,
    now: i64,
) -> Result<bool, StoreError> {
    let result = customer::Entity::update_many()
        .col_expr(customer::Column::State, state.as_str().into())
        .col_expr(customer::Column::UpdatedAt, now.into())
        .col_expr(customer::Column::Version, next_version())
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Id.eq(customer_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Deletes the customer; addresses and access tokens go with it (foreign keys cascade).
pub async fn delete(
    db: &impl ConnectionTrait,
    shop_id: i64,
    customer_id: i64,
) -> Result<bool, StoreError> {
    let result = customer::Entity::delete_many()
        .filter(customer::Column::ShopId.eq(shop_id))
        .filter(customer::Column::Id.eq(customer_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
