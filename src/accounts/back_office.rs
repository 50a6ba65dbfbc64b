//! What the admin API does with a shop's customers: find them (Shopify's search syntax, sorted
//! pages, exact counts), create, update, tag and delete them. Every change is validated by the
//! same rules as the customer's own (`domain`), written by the same store statements, adds one
//! to the customer's version (`expectedVersion` refuses a stale write) and is recorded in the
//! audit trail with the admin token that made it, in the change's transaction.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::metafields::{CheckedSet, MetafieldsError, SetErrorCode, SetItem, Writer};
use super::sign_up::{email_taken, phone_taken};
use super::{AccountError, BackOffice, CustomerChange, now};
use crate::domain::customer::EmailProof;
use crate::domain::customer_search::{self, CustomerSearch, SearchError, SearchWarning};
use crate::domain::email::Email;
use crate::domain::ids::new_id;
use crate::domain::names::{NameKind, parse_name};
use crate::domain::note::parse_note;
use crate::domain::pagination::{MAX_PAGE_SIZE, PageError};
use crate::domain::phone::parse_phone;
use crate::domain::problem::{ErrorCode, Problem, Problems};
use crate::domain::tags::{parse_tags, with_tags, within_limit, without_tags};
use crate::store::customer_audit::{self, AuditEntry};
use crate::store::customer_search::{
    self as search, CustomerCursor, CustomerPageQuery, CustomerSort, SortValue,
};
use crate::store::customers::{self, Change, CustomerRecord, CustomerState, NewCustomer};
use crate::store::{ConnectionTrait, StoreError, UniqueKey, access_tokens};

/// Who acts: the admin token (named in the audit trail).
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub admin_token_id: i64,
}

/// The admin's `CustomerInput`: for the optional fields, `Some(None)` (an explicit null)
/// removes the value and `None` (not sent) keeps it. Tags replace the whole list.
#[derive(Debug, Default, Clone)]
pub struct CustomerChanges {
    pub email: Option<String>,
    pub first_name: Option<Option<String>>,
    pub last_name: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub note: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub accepts_marketing: Option<bool>,
    /// `Some(true)`: the shop vouches for the email address; `Some(false)`: no proof any more.
    pub verified_email: Option<bool>,
    /// Metafield values to set with the change (`CustomerInput.metafields`), in its
    /// transaction; their customer is the one created or updated.
    pub metafields: Vec<SetItem>,
}

/// What `customerSet` finds the customer by (`CustomerSetIdentifiers`).
#[derive(Debug, Clone)]
pub enum SetIdentifier {
    Id(i64),
    Email(String),
    Phone(String),
}

/// A request for one page of customers.
#[derive(Debug, Clone, Default)]
pub struct CustomerListRequest {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
    pub reverse: bool,
    pub sort: Option<CustomerSort>,
    pub query: Option<String>,
}

pub struct CustomerPage {
    pub edges: Vec<(String, CustomerRecord)>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
    /// Search terms that were left out (unknown fields).
    pub warnings: Vec<SearchWarning>,
}

#[derive(Debug, thiserror::Error)]
pub enum CustomerListError {
    #[error(transparent)]
    Page(#[from] PageError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<StoreError> for CustomerListError {
    fn from(err: StoreError) -> Self {
        CustomerListError::Account(err.into())
    }
}

#[derive(Serialize, Deserialize)]
struct CursorBody {
    last_id: i64,
    last_value: Option<String>,
    #[serde(default)]
    offset: usize,
}

/// A cursor in Shopify's shape (base64 JSON with the last id and sort value).
fn encode_cursor(id: i64, value: &SortValue, offset: usize) -> String {
    let last_value = match value {
        SortValue::None => None,
        SortValue::Integer(n) => Some(n.to_string()),
        SortValue::Text(text) => Some(text.clone()),
    };
    let body = CursorBody {
        last_id: id,
        last_value,
        offset,
    };
    STANDARD.encode(serde_json::to_vec(&body).unwrap_or_default())
}

/// `None` for anything that is not a cursor of this sort order.
fn decode_cursor(cursor: &str, sort: CustomerSort) -> Option<CustomerCursor> {
    let bytes = STANDARD.decode(cursor.trim()).ok()?;
    let body: CursorBody = serde_json::from_slice(&bytes).ok()?;
    let value = match sort {
        CustomerSort::Id => SortValue::None,
        CustomerSort::CreatedAt | CustomerSort::UpdatedAt => {
            SortValue::Integer(body.last_value?.parse().ok()?)
        }
        CustomerSort::Name => SortValue::Text(body.last_value?),
    };
    Some(CustomerCursor {
        id: body.last_id,
        value,
    })
}

/// The customer, when it is at `expected` (or nothing is expected); otherwise the conflict.
fn at_version(
    customer: CustomerRecord,
    expected: Option<i64>,
) -> Result<CustomerRecord, AccountError> {
    match expected {
        Some(expected) if expected != customer.version => Err(AccountError::VersionConflict {
            expected,
            current: Box::new(customer),
        }),
        _ => Ok(customer),
    }
}

/// A store failure of a write as the user's problem where it is one (a unique index lost).
fn taken_or_internal(err: StoreError) -> AccountError {
    match err {
        StoreError::Taken(UniqueKey::CustomerEmail) => AccountError::Invalid(vec![email_taken()]),
        StoreError::Taken(UniqueKey::CustomerPhone) => AccountError::Invalid(vec![phone_taken()]),
        other => other.into(),
    }
}

/// `CustomerInput.metafields` problems as the input's: the field is `metafields`, the message
/// names the item.
fn metafield_problems(err: MetafieldsError) -> AccountError {
    match err {
        MetafieldsError::Account(err) => err,
        MetafieldsError::Rejected(problems) => AccountError::Invalid(
            problems
                .into_iter()
                .map(|p| {
                    let code = match p.code {
                        SetErrorCode::Blank => ErrorCode::Blank,
                        SetErrorCode::TooLong => ErrorCode::TooLong,
                        SetErrorCode::TooShort => ErrorCode::TooShort,
                        _ => ErrorCode::Invalid,
                    };
                    let message = match p.index {
                        Some(i) => format!("Metafield {i}: {}", p.message),
                        None => p.message,
                    };
                    Problem::new("metafields", code, message)
                })
                .collect(),
        ),
    }
}

/// The validated fields of a `CustomerInput`.
struct Validated {
    changes: customers::ProfileChanges,
    verified_email: Option<bool>,
    email: Option<Email>,
    phone: Option<Option<String>>,
}

impl BackOffice<'_> {
    pub async fn customer(&self, id: i64) -> Result<Option<CustomerRecord>, AccountError> {
        Ok(customers::find_by_id(self.inner.db.reader(), self.shop.id, id).await?)
    }

    /// `customerByIdentifier`: by email address or phone number.
    pub async fn customer_by_email(
        &self,
        email: &str,
    ) -> Result<Option<CustomerRecord>, AccountError> {
        // No stored address holds a control character (and PostgreSQL cannot take a NUL).
        if email.chars().any(char::is_control) {
            return Ok(None);
        }
        let key = crate::domain::email::normalize(email);
        Ok(customers::find_by_email_key(self.inner.db.reader(), self.shop.id, &key).await?)
    }

    pub async fn customer_by_phone(
        &self,
        phone: &str,
    ) -> Result<Option<CustomerRecord>, AccountError> {
        let Ok(Some(phone)) = parse_phone(phone) else {
            return Ok(None);
        };
        Ok(customers::find_by_phone(self.inner.db.reader(), self.shop.id, &phone).await?)
    }

    /// One page of the shop's customers that match the search.
    pub async fn customers(
        &self,
        request: CustomerListRequest,
    ) -> Result<CustomerPage, CustomerListError> {
        let sort = request.sort.unwrap_or(CustomerSort::Id);
        let size = |value: Option<i32>, argument: &'static str| match value {
            None => Ok(None),
            Some(n) if (0..=MAX_PAGE_SIZE).contains(&n) => Ok(Some(n as u64)),
            Some(_) => Err(PageError::OutOfRange(argument)),
        };
        let first = size(request.first, "first")?;
        let last = size(request.last, "last")?;
        if first.is_none() && last.is_none() {
            return Err(PageError::MissingFirstOrLast.into());
        }
        let cursor = |value: &Option<String>, argument: &'static str| match value {
            None => Ok(None),
            Some(text) => decode_cursor(text, sort)
                .map(Some)
                .ok_or(PageError::InvalidCursor(argument)),
        };
        let after = cursor(&request.after, "after")?;
        let before = cursor(&request.before, "before")?;
        let CustomerSearch { filter, warnings } =
            customer_search::parse(request.query.as_deref().unwrap_or_default())?;
        let db = self.inner.db.reader();
        let binary_text = self.inner.db.text_order_is_binary();
        let page = |descending, after, before, limit| {
            search::page(
                db,
                self.shop.id,
                CustomerPageQuery {
                    filter: filter.as_ref(),
                    sort,
                    descending,
                    after,
                    before,
                    limit,
                    binary_text,
                },
            )
        };
        let descending = request.reverse;
        let (rows, has_next_page, has_previous_page) = if let Some(first) = first {
            let mut rows = page(descending, after.as_ref(), before.as_ref(), first + 1).await?;
            let has_next = rows.len() as u64 > first;
            rows.truncate(first as usize);
            let mut has_previous = after.is_some();
            if let Some(last) = last
                && rows.len() as u64 > last
            {
                rows.drain(..rows.len() - last as usize);
                has_previous = true;
            }
            (rows, has_next, has_previous)
        } else {
            let last = last.unwrap_or_default();
            // Read backwards from `before`, then put the page back in order.
            let mut rows = page(!descending, before.as_ref(), after.as_ref(), last + 1).await?;
            let has_previous = rows.len() as u64 > last;
            rows.truncate(last as usize);
            rows.reverse();
            (rows, before.is_some(), has_previous)
        };
        let edges = rows
            .into_iter()
            .enumerate()
            .map(|(offset, row)| (encode_cursor(row.id, &sort.value_of(&row), offset), row))
            .collect();
        Ok(CustomerPage {
            edges,
            has_next_page,
            has_previous_page,
            warnings,
        })
    }

    /// How many customers match the search, exactly.
    pub async fn count_customers(
        &self,
        query: Option<&str>,
    ) -> Result<(u64, Vec<SearchWarning>), CustomerListError> {
        let CustomerSearch { filter, warnings } =
            customer_search::parse(query.unwrap_or_default())?;
        let count = search::count(
            self.inner.db.reader(),
            self.shop.id,
            filter.as_ref(),
            self.inner.db.text_order_is_binary(),
        )
        .await?;
        Ok((count, warnings))
    }

    /// Checks a `CustomerInput` against the same rules as sign-up and the customer's own
    /// update; every invalid field is reported at once.
    fn validate(&self, input: CustomerChanges) -> Result<Validated, AccountError> {
        let mut problems = Problems::default();
        let optional_name = |value: Option<Option<String>>, kind| match value {
            None => Ok(Change::Keep),
            Some(None) => Ok(Change::Set(None)),
            Some(Some(raw)) => parse_name(&raw, kind).map(Change::Set),
        };
        let first_name = problems.check(optional_name(input.first_name, NameKind::First));
        let last_name = problems.check(optional_name(input.last_name, NameKind::Last));
        let phone = problems.check(match &input.phone {
            None => Ok(None),
            Some(None) => Ok(Some(None)),
            Some(Some(raw)) => parse_phone(raw).map(Some),
        });
        let email = problems.check(match &input.email {
            None => Ok(None),
            Some(raw) => Email::parse(raw).map(Some),
        });
        let note = problems.check(match input.note {
            None => Ok(Change::Keep),
            Some(note) => parse_note(note).map(Change::Set),
        });
        let tags = problems.check(match &input.tags {
            None => Ok(Change::Keep),
            Some(tags) => parse_tags(tags, "tags")
                .and_then(|tags| within_limit(tags, "tags"))
                .map(Change::Set),
        });
        let (Some(first_name), Some(last_name), Some(phone), Some(email), Some(note), Some(tags)) =
            (first_name, last_name, phone, email, note, tags)
        else {
            return Err(AccountError::Invalid(problems.into_vec()));
        };
        let changes = customers::ProfileChanges {
            first_name,
            last_name,
            email: email.as_ref().map_or(Change::Keep, |e| {
                Change::Set((e.as_str().to_owned(), e.key()))
            }),
            phone: phone.clone().map_or(Change::Keep, Change::Set),
            accepts_marketing: input.accepts_marketing.map_or(Change::Keep, Change::Set),
            note,
            tags,
            ..customers::ProfileChanges::none()
        };
        Ok(Validated {
            changes,
            verified_email: input.verified_email,
            email,
            phone,
        })
    }

    /// Refuses an email or phone another customer of the shop has.
    async fn check_taken(
        &self,
        except: Option<i64>,
        email_key: Option<&str>,
        phone: Option<&str>,
    ) -> Result<(), AccountError> {
        let (email_is_taken, phone_is_taken) = customers::taken_email_and_phone(
            self.inner.db.reader(),
            self.shop.id,
            except,
            email_key,
            phone,
        )
        .await?;
        let mut problems = Vec::new();
        if email_is_taken {
            problems.push(email_taken());
        }
        if phone_is_taken {
            problems.push(phone_taken());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(AccountError::Invalid(problems))
        }
    }

    pub(super) async fn audit(
        &self,
        txn: &impl ConnectionTrait,
        actor: Actor,
        customer_id: i64,
        action: &str,
        versions: (Option<i64>, Option<i64>),
    ) -> Result<(), AccountError> {
        customer_audit::record(
            txn,
            self.shop.id,
            &AuditEntry {
                id: new_id(),
                customer_id,
                admin_token_id: Some(actor.admin_token_id),
                action: action.to_owned(),
                version_before: versions.0,
                version_after: versions.1,
                at: now(),
            },
        )
        .await?;
        Ok(())
    }

    /// `customerCreate`: a customer without a password (`DISABLED` until invited, as on
    /// Shopify). An email is required: it is how the customer signs in here.
    pub async fn create_customer(
        &self,
        actor: Actor,
        mut input: CustomerChanges,
    ) -> Result<CustomerRecord, AccountError> {
        let metafields = self
            .checked_metafields(actor, std::mem::take(&mut input.metafields), 0)
            .await?;
        if input.email.as_deref().is_none_or(|e| e.trim().is_empty()) {
            return Err(AccountError::Invalid(vec![Problem::new(
                "email",
                ErrorCode::Blank,
                "Email can't be blank",
            )]));
        }
        let accepts_marketing = input.accepts_marketing.unwrap_or(false);
        let Validated {
            changes,
            verified_email,
            email,
            phone,
        } = self.validate(input)?;
        let email = email.ok_or(AccountError::Invalid(vec![Problem::new(
            "email",
            ErrorCode::Blank,
            "Email can't be blank",
        )]))?;
        let phone = phone.flatten();
        self.check_taken(None, Some(&email.key()), phone.as_deref())
            .await?;
        let value = |change: Change<Option<String>>| match change {
            Change::Set(value) => value,
            Change::Keep => None,
        };
        let tags = match changes.tags {
            Change::Set(tags) => tags,
            Change::Keep => Vec::new(),
        };
        let new = NewCustomer {
            id: new_id(),
            shop_id: self.shop.id,
            email: email.as_str().to_owned(),
            email_key: email.key(),
            phone,
            first_name: value(changes.first_name),
            last_name: value(changes.last_name),
            accepts_marketing,
            state: CustomerState::Disabled,
            password_hash: None,
            note: value(changes.note),
            now: now(),
        };
        let txn = self.inner.db.begin_write().await?;
        let mut customer = customers::insert(&txn, new)
            .await
            .map_err(taken_or_internal)?;
        if !tags.is_empty() {
            customers::set_tags(&txn, self.shop.id, customer.id, &tags).await?;
            customer.tags = tags;
        }
        if verified_email == Some(true) {
            self.email_proven(&txn, customer.id, &email.key(), EmailProof::Admin)
                .await?;
            customer = customers::find_by_id(&txn, self.shop.id, customer.id)
                .await?
                .ok_or(AccountError::CustomerNotFound)?;
        }
        if !metafields.is_empty() {
            self.metafields()
                .write(
                    &txn,
                    Writer::Admin(actor),
                    &metafields.for_customer(customer.id),
                    false,
                )
                .await
                .map_err(metafield_problems)?;
        }
        self.audit(&txn, actor, customer.id, "customer_create", (None, Some(1)))
            .await?;
        self.customer_changed(&txn, CustomerChange::Created, customer.id, None)
            .await?;
        txn.commit().await?;
        tracing::info!(
            customer_id = customer.id,
            "customer created by the admin API"
        );
        Ok(customer)
    }

    /// `CustomerInput.metafields`, checked before the change's transaction.
    async fn checked_metafields(
        &self,
        actor: Actor,
        items: Vec<SetItem>,
        customer_id: i64,
    ) -> Result<CheckedSet, AccountError> {
        if items.is_empty() {
            return Ok(CheckedSet::default());
        }
        let items = items
            .into_iter()
            .map(|item| SetItem {
                customer_id,
                ..item
            })
            .collect();
        self.metafields()
            .check(Writer::Admin(actor), items)
            .await
            .map_err(metafield_problems)
    }

    /// The customer at `expected` (when given), or the error that says why not.
    pub(super) async fn current(
        &self,
        txn: &impl ConnectionTrait,
        id: i64,
        expected: Option<i64>,
    ) -> Result<CustomerRecord, AccountError> {
        let customer = customers::lock(txn, self.shop.id, id)
            .await?
            .ok_or(AccountError::CustomerNotFound)?;
        at_version(customer, expected)
    }

    /// Writes validated changes to a customer read in `txn` (at the expected version), with
    /// the audit entry; the customer as it is afterwards.
    async fn apply(
        &self,
        txn: &impl ConnectionTrait,
        actor: Actor,
        before: &CustomerRecord,
        mut changes: customers::ProfileChanges,
        verified_email: Option<bool>,
        action: &str,
    ) -> Result<CustomerRecord, AccountError> {
        // The version read under the lock: a change made since then cannot slip in between.
        changes.expected_version = Some(before.version);
        let new_email_key = match &changes.email {
            Change::Set((_, key)) => key.clone(),
            Change::Keep => crate::domain::email::normalize(&before.email),
        };
        let applied = customers::update_profile(txn, self.shop.id, before.id, changes, now())
            .await
            .map_err(taken_or_internal)?;
        match verified_email {
            // After the update, which withdraws the proof of a changed address.
            Some(true) if applied => {
                self.email_proven(txn, before.id, &new_email_key, EmailProof::Admin)
                    .await?;
            }
            Some(false) if applied => {
                customers::clear_email_proof(txn, self.shop.id, before.id).await?;
            }
            _ => {}
        }
        let after = customers::find_by_id(txn, self.shop.id, before.id)
            .await?
            .ok_or(AccountError::CustomerNotFound)?;
        if !applied {
            return Err(AccountError::VersionConflict {
                expected: before.version,
                current: Box::new(after),
            });
        }
        self.audit(
            txn,
            actor,
            before.id,
            action,
            (Some(before.version), Some(after.version)),
        )
        .await?;
        self.customer_changed(txn, CustomerChange::Updated, before.id, Some(before))
            .await?;
        Ok(after)
    }

    /// `customerSet`: updates the customer the identifier names, or creates one when none has
    /// it (what an importer or a sync needs: running it twice changes nothing the second time
    /// but the version). `true` when it created. Two sets racing to create one email make one
    /// customer: the loser updates the winner's.
    pub async fn set_customer(
        &self,
        actor: Actor,
        identifier: Option<SetIdentifier>,
        mut input: CustomerChanges,
    ) -> Result<(CustomerRecord, bool), AccountError> {
        let found = match &identifier {
            None => None,
            Some(SetIdentifier::Id(id)) => Some(
                self.customer(*id)
                    .await?
                    .ok_or(AccountError::CustomerNotFound)?,
            ),
            Some(SetIdentifier::Email(email)) => {
                if input.email.is_none() {
                    input.email = Some(email.clone());
                }
                self.customer_by_email(email).await?
            }
            Some(SetIdentifier::Phone(phone)) => {
                if input.phone.is_none() {
                    input.phone = Some(Some(phone.clone()));
                }
                self.customer_by_phone(phone).await?
            }
        };
        if let Some(existing) = found {
            let updated = self
                .update_customer(actor, existing.id, input, None)
                .await?;
            return Ok((updated, false));
        }
        match self.create_customer(actor, input.clone()).await {
            Ok(created) => Ok((created, true)),
            Err(AccountError::Invalid(problems))
                if matches!(identifier, Some(SetIdentifier::Email(_)))
                    && problems.iter().any(|p| p.code == ErrorCode::Taken) =>
            {
                // Created meanwhile by someone else: update that one.
                let email = input.email.clone().unwrap_or_default();
                let existing = self
                    .customer_by_email(&email)
                    .await?
                    .ok_or(AccountError::Invalid(problems))?;
                let updated = self
                    .update_customer(actor, existing.id, input, None)
                    .await?;
                Ok((updated, false))
            }
            Err(other) => Err(other),
        }
    }

    /// `customerUpdate`. Without `expected_version`, updates of different fields both survive
    /// (each writes only what it names); with it, a customer changed since is left alone.
    pub async fn update_customer(
        &self,
        actor: Actor,
        id: i64,
        mut input: CustomerChanges,
        expected_version: Option<i64>,
    ) -> Result<CustomerRecord, AccountError> {
        let metafields = self
            .checked_metafields(actor, std::mem::take(&mut input.metafields), id)
            .await?;
        let Validated {
            mut changes,
            verified_email,
            email,
            phone,
        } = self.validate(input)?;
        // Read first, outside the write: only a real change of address or number is checked
        // (and written); the unique indexes still decide a race.
        let before = at_version(
            self.customer(id)
                .await?
                .ok_or(AccountError::CustomerNotFound)?,
            expected_version,
        )?;
        let new_email = email.filter(|e| e.key() != crate::domain::email::normalize(&before.email));
        if new_email.is_none() {
            changes.email = Change::Keep;
        }
        let new_phone = phone
            .flatten()
            .filter(|p| before.phone.as_deref() != Some(p));
        self.check_taken(
            Some(id),
            new_email.as_ref().map(|e| e.key()).as_deref(),
            new_phone.as_deref(),
        )
        .await?;
        let txn = self.inner.db.begin_write().await?;
        let before = self.current(&txn, id, expected_version).await?;
        let after = self
            .apply(
                &txn,
                actor,
                &before,
                changes,
                verified_email,
                "customer_update",
            )
            .await?;
        if !metafields.is_empty() {
            // The update added the version and the audit entry this change is part of.
            self.metafields()
                .write(&txn, Writer::Admin(actor), &metafields, false)
                .await
                .map_err(metafield_problems)?;
        }
        txn.commit().await?;
        Ok(after)
    }

    /// `tagsAdd` / `tagsRemove` on a customer.
    pub async fn change_tags(
        &self,
        actor: Actor,
        id: i64,
        tags: &[String],
        add: bool,
        expected_version: Option<i64>,
    ) -> Result<CustomerRecord, AccountError> {
        let named = parse_tags(tags, "tags").map_err(|p| AccountError::Invalid(vec![p]))?;
        if named.is_empty() {
            return Err(AccountError::Invalid(vec![Problem::new(
                "tags",
                ErrorCode::Blank,
                "Tags can't be blank",
            )]));
        }
        let txn = self.inner.db.begin_write().await?;
        let before = self.current(&txn, id, expected_version).await?;
        let tags = if add {
            with_tags(&before.tags, &named, "tags").map_err(|p| AccountError::Invalid(vec![p]))?
        } else {
            without_tags(&before.tags, &named)
        };
        let changes = customers::ProfileChanges {
            tags: Change::Set(tags),
            ..customers::ProfileChanges::none()
        };
        let action = if add { "tags_add" } else { "tags_remove" };
        let after = self
            .apply(&txn, actor, &before, changes, None, action)
            .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// `customerDelete`: the erasure the command line's delete does.
    pub async fn delete_customer(
        &self,
        actor: Actor,
        id: i64,
        expected_version: Option<i64>,
    ) -> Result<(), AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let before = self.current(&txn, id, expected_version).await?;
        self.customer_admin().erase(&txn, &before, false).await?;
        self.audit(
            &txn,
            actor,
            before.id,
            "customer_delete",
            (Some(before.version), None),
        )
        .await?;
        txn.commit().await?;
        tracing::info!(customer_id = id, "customer deleted by the admin API");
        Ok(())
    }

    /// `customerRevokeAccessTokens`: logs the customer out everywhere; how many ended.
    pub async fn revoke_access_tokens(&self, actor: Actor, id: i64) -> Result<u64, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let customer = self.current(&txn, id, None).await?;
        let ended = access_tokens::delete_all_for_customer(&txn, self.shop.id, customer.id).await?;
        self.audit(
            &txn,
            actor,
            customer.id,
            "customer_revoke_access_tokens",
            (Some(customer.version), Some(customer.version)),
        )
        .await?;
        txn.commit().await?;
        Ok(ended)
    }

    /// The customer's audit trail, newest first.
    pub async fn audit_log(&self, id: i64, limit: u64) -> Result<Vec<AuditEntry>, AccountError> {
        Ok(customer_audit::list(self.inner.db.reader(), self.shop.id, id, limit).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_per_sort_and_refuse_other_sorts() {
        let text = encode_cursor(7, &SortValue::Text("Ada L".into()), 0);
        assert_eq!(
            decode_cursor(&text, CustomerSort::Name),
            Some(CustomerCursor {
                id: 7,
                value: SortValue::Text("Ada L".into())
            })
        );
        assert_eq!(decode_cursor(&text, CustomerSort::CreatedAt), None);
        let id = encode_cursor(9, &SortValue::None, 3);
        assert_eq!(decode_cursor(&id, CustomerSort::Id).map(|c| c.id), Some(9));
        assert_eq!(decode_cursor("not a cursor", CustomerSort::Id), None);
    }
}
