//! `customers import`: customers from another platform, upserted by external id or email, with
//! their password hashes where the platform exported them, and invitations for the others.
//!
//! A batch is planned with reads only (which record creates, updates or changes nothing), the
//! hashes that must be wrapped are hashed on the hashing threads, and then the batch is written
//! in one transaction. A record that cannot be imported (its email or phone belongs to another
//! customer, say) is refused before anything of it is written, and the others go on. The
//! digest of each record as imported is stored beside its customer, so importing the same file
//! again changes nothing and hashes nothing: an interrupted import resumes by running it again.

use std::collections::BTreeMap;

use super::{AccountError, Accounts, CustomerChange, CustomerImports, now};
use crate::domain::account_tokens::TokenClaims;
use crate::domain::customer_import::CustomerImportRecord;
use crate::domain::ids::new_id;
use crate::domain::legacy_hash::{Imported, STORED_PREFIX, ToStore};
use crate::domain::mailing_address::{AddressFields, AddressRecord};
use crate::domain::password::Password;
use crate::store::ConnectionTrait;
use crate::store::addresses;
use crate::store::customer_imports::{self, ImportedCustomer};
use crate::store::customers::{self, Change, CustomerRecord, CustomerState, NewCustomer};
use crate::store::outbox;

use super::lifecycle::KIND_ACTIVATION;

/// How an import runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Read and plan only: nothing is written and nothing hashed.
    pub dry_run: bool,
    /// Invite (by the activation mail) the customers left without a password.
    pub invite: bool,
    /// Refuse fast or unsalted digests instead of wrapping them in argon2id.
    pub refuse_fast_hashes: bool,
    /// Invitations per minute for this shop: they are queued at this pace.
    pub invites_per_minute: u32,
}

/// What happened to one record (or, in a dry run, what would).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    Created { invited: bool },
    Updated { invited: bool },
    Unchanged,
    Refused(String),
}

/// A batch's outcomes, in the order of its records, and how many hashes it wrapped (or would).
#[derive(Debug, Default)]
pub struct BatchOutcome {
    pub outcomes: Vec<RowOutcome>,
    pub wrapped: u64,
}

enum Plan {
    Create,
    Update(Box<CustomerRecord>),
    Unchanged,
    Refused(String),
}

/// Where the next invitation of this import goes in the shop's queue.
#[derive(Debug, Default)]
pub struct InviteSchedule {
    /// Seconds from the epoch, in thousandths (several invitations a second at high rates).
    next_millis: Option<i64>,
}

impl CustomerImports<'_> {
    /// Plans, hashes and writes one batch (a dry run only plans).
    pub async fn import_batch(
        &self,
        records: Vec<CustomerImportRecord>,
        options: ImportOptions,
        schedule: &mut InviteSchedule,
    ) -> Result<BatchOutcome, AccountError> {
        let mut plans = Vec::with_capacity(records.len());
        for record in &records {
            plans.push(self.plan(record, options).await?);
        }
        let mut wrapped = 0;
        let mut hashes: Vec<Option<String>> = Vec::with_capacity(records.len());
        let mut pending = Vec::new();
        for (record, plan) in records.iter().zip(&plans) {
            let sets_password = match plan {
                Plan::Create => true,
                Plan::Update(customer) => may_replace_password(customer),
                Plan::Unchanged | Plan::Refused(_) => false,
            };
            let password = record.password.as_ref().filter(|_| sets_password);
            match password.map(stored_form) {
                Some(StoredForm::Ready(stored)) => hashes.push(Some(stored)),
                Some(StoredForm::Wrap { prefix, secret }) => {
                    wrapped += 1;
                    if !options.dry_run {
                        let hasher = self.inner.hasher.clone();
                        pending.push((
                            hashes.len(),
                            tokio::spawn(async move {
                                let phc = hasher.hash(Password::candidate(&secret)).await?;
                                Ok::<_, AccountError>(format!("{prefix}{phc}"))
                            }),
                        ));
                    }
                    hashes.push(None);
                }
                None => hashes.push(None),
            }
        }
        if options.dry_run {
            let outcomes = records
                .iter()
                .zip(plans)
                .map(|(record, plan)| match plan {
                    Plan::Create => RowOutcome::Created {
                        invited: options.invite && record.password.is_none(),
                    },
                    Plan::Update(customer) => RowOutcome::Updated {
                        invited: options.invite && would_invite(&customer, record),
                    },
                    Plan::Unchanged => RowOutcome::Unchanged,
                    Plan::Refused(reason) => RowOutcome::Refused(reason),
                })
                .collect();
            return Ok(BatchOutcome { outcomes, wrapped });
        }
        for (index, task) in pending {
            let stored = task
                .await
                .map_err(|e| AccountError::Internal(Box::new(e)))??;
            if let Some(slot) = hashes.get_mut(index) {
                *slot = Some(stored);
            }
        }
        let txn = self.inner.db.begin_write().await?;
        if options.invite && schedule.next_millis.is_none() {
            let queued = outbox::last_scheduled(&txn, self.shop.id, KIND_ACTIVATION).await?;
            let start = queued.map_or(now(), |at| at.max(now())) * 1000;
            schedule.next_millis = Some(start);
        }
        let mut outcomes = Vec::with_capacity(records.len());
        for ((record, plan), hash) in records.iter().zip(plans).zip(hashes) {
            let outcome = match plan {
                Plan::Unchanged => RowOutcome::Unchanged,
                Plan::Refused(reason) => RowOutcome::Refused(reason),
                Plan::Create => self.create(&txn, record, hash, options, schedule).await?,
                Plan::Update(before) => {
                    self.update(&txn, record, &before, hash, options, schedule)
                        .await?
                }
            };
            outcomes.push(outcome);
        }
        txn.commit().await?;
        self.inner.outbox_signal.notify_one();
        Ok(BatchOutcome { outcomes, wrapped })
    }

    async fn plan(
        &self,
        record: &CustomerImportRecord,
        options: ImportOptions,
    ) -> Result<Plan, AccountError> {
        if options.refuse_fast_hashes && record.needs_wrapping() {
            return Ok(Plan::Refused(format!(
                "password_hash: a fast hash ({}) is refused by this server's settings",
                record.legacy_hash().map_or("?", |h| h.scheme())
            )));
        }
        let found = customer_imports::find(
            self.inner.db.reader(),
            self.shop.id,
            record.external_id.as_deref(),
            &record.email.key(),
        )
        .await?;
        Ok(match found {
            None => Plan::Create,
            Some(ImportedCustomer { digest, .. }) if digest.as_deref() == Some(&record.digest) => {
                Plan::Unchanged
            }
            Some(ImportedCustomer { customer, .. }) => Plan::Update(Box::new(customer)),
        })
    }

    /// Refuses a record whose email, phone or external id belongs to another customer.
    async fn taken(
        &self,
        txn: &impl ConnectionTrait,
        except: Option<i64>,
        record: &CustomerImportRecord,
    ) -> Result<Option<String>, AccountError> {
        let (email, phone) = customers::taken_email_and_phone(
            txn,
            self.shop.id,
            except,
            Some(&record.email.key()),
            record.phone.as_deref(),
        )
        .await?;
        if email {
            return Ok(Some(
                "email: belongs to another customer of the shop".to_owned(),
            ));
        }
        if phone {
            return Ok(Some(
                "phone: belongs to another customer of the shop".to_owned(),
            ));
        }
        if let (Some(id), Some(external_id)) = (except, record.external_id.as_deref())
            && customer_imports::external_id_taken(txn, self.shop.id, id, external_id).await?
        {
            return Ok(Some(
                "id: another customer of the shop was imported with it".to_owned(),
            ));
        }
        Ok(None)
    }

    async fn create(
        &self,
        txn: &impl ConnectionTrait,
        record: &CustomerImportRecord,
        password_hash: Option<String>,
        options: ImportOptions,
        schedule: &mut InviteSchedule,
    ) -> Result<RowOutcome, AccountError> {
        if let Some(reason) = self.taken(txn, None, record).await? {
            return Ok(RowOutcome::Refused(reason));
        }
        if let Some(external_id) = record.external_id.as_deref()
            && customer_imports::external_id_taken(txn, self.shop.id, 0, external_id).await?
        {
            return Ok(RowOutcome::Refused(
                "id: another customer of the shop was imported with it".to_owned(),
            ));
        }
        let now = now();
        let state = if password_hash.is_some() {
            CustomerState::Enabled
        } else {
            CustomerState::Disabled
        };
        let customer = customers::insert(
            txn,
            NewCustomer {
                id: new_id(),
                shop_id: self.shop.id,
                email: record.email.as_str().to_owned(),
                email_key: record.email.key(),
                phone: record.phone.clone(),
                first_name: record.first_name.clone(),
                last_name: record.last_name.clone(),
                accepts_marketing: record.accepts_marketing,
                state,
                password_hash,
                note: record.note.clone(),
                now,
            },
        )
        .await?;
        if !record.tags.is_empty() {
            customers::set_tags(txn, self.shop.id, customer.id, &record.tags).await?;
        }
        self.add_addresses(txn, &customer, &record.addresses, now)
            .await?;
        customer_imports::record(
            txn,
            self.shop.id,
            customer.id,
            record.external_id.as_deref(),
            &record.digest,
            now,
        )
        .await?;
        let invited = options.invite
            && state == CustomerState::Disabled
            && self.invite(txn, &customer, options, schedule).await?;
        self.customer_changed(txn, CustomerChange::Created, customer.id, None)
            .await?;
        Ok(RowOutcome::Created { invited })
    }

    async fn update(
        &self,
        txn: &impl ConnectionTrait,
        record: &CustomerImportRecord,
        planned: &CustomerRecord,
        password_hash: Option<String>,
        options: ImportOptions,
        schedule: &mut InviteSchedule,
    ) -> Result<RowOutcome, AccountError> {
        // Read again under the write lock: what was planned may have changed since.
        let Some(before) = customers::lock(txn, self.shop.id, planned.id).await? else {
            return Ok(RowOutcome::Refused(
                "the customer was deleted during the import".to_owned(),
            ));
        };
        if let Some(reason) = self.taken(txn, Some(before.id), record).await? {
            return Ok(RowOutcome::Refused(reason));
        }
        let now = now();
        // A password the customer set here (or a legacy hash a login replaced) is never
        // overwritten by a file: only one still waiting for its first use is.
        let password_hash = password_hash.filter(|_| may_replace_password(&before));
        let enable = password_hash.is_some()
            && matches!(
                before.state,
                CustomerState::Disabled | CustomerState::Invited
            );
        let changes = customers::ProfileChanges {
            first_name: Change::Set(record.first_name.clone()),
            last_name: Change::Set(record.last_name.clone()),
            email: Change::Set((record.email.as_str().to_owned(), record.email.key())),
            phone: Change::Set(record.phone.clone()),
            accepts_marketing: Change::Set(record.accepts_marketing),
            password_hash: password_hash.map_or(Change::Keep, Change::Set),
            note: Change::Set(record.note.clone()),
            tags: Change::Set(record.tags.clone()),
            expected_version: Some(before.version),
        };
        customers::update_profile(txn, self.shop.id, before.id, changes, now).await?;
        if enable {
            customers::set_state(txn, self.shop.id, before.id, CustomerState::Enabled, now).await?;
        }
        let after = customers::find_by_id(txn, self.shop.id, before.id)
            .await?
            .ok_or(AccountError::CustomerNotFound)?;
        self.add_addresses(txn, &after, &record.addresses, now)
            .await?;
        customer_imports::record(
            txn,
            self.shop.id,
            before.id,
            record.external_id.as_deref(),
            &record.digest,
            now,
        )
        .await?;
        let invited = options.invite
            && would_invite(&after, record)
            && self.invite(txn, &after, options, schedule).await?;
        self.customer_changed(txn, CustomerChange::Updated, before.id, Some(&before))
            .await?;
        Ok(RowOutcome::Updated { invited })
    }

    /// Adds the addresses the customer does not have yet (up to the configured limit) and makes
    /// the first the default.
    async fn add_addresses(
        &self,
        txn: &impl ConnectionTrait,
        customer: &CustomerRecord,
        imported: &[AddressFields],
        now: i64,
    ) -> Result<(), AccountError> {
        if imported.is_empty() {
            return Ok(());
        }
        let existing = addresses::list_for_customers(txn, self.shop.id, &[customer.id]).await?;
        let mut count = existing.len() as u64;
        let mut default = None;
        for (index, fields) in imported.iter().enumerate() {
            // Stored addresses never have coordinates (no geocoding), nor do imported ones.
            let id = match existing.iter().find(|a| a.fields == *fields) {
                Some(found) => found.id,
                None if count < self.inner.max_addresses_per_customer => {
                    let record = AddressRecord {
                        id: new_id(),
                        customer_id: customer.id,
                        fields: fields.clone(),
                    };
                    addresses::insert(txn, self.shop.id, &record, now).await?;
                    count += 1;
                    record.id
                }
                None => continue,
            };
            if index == 0 {
                default = Some(id);
            }
        }
        if default.is_some() && default != customer.default_address_id {
            customers::set_default_address(txn, self.shop.id, customer.id, default, now).await?;
        }
        Ok(())
    }

    /// Queues the activation mail at the shop's invitation pace; the customer becomes
    /// `INVITED`. The link's lifetime starts when the mail is due: a large import's last
    /// invitations, days after the first, still carry a link that works for the whole lifetime.
    /// `false` when the customer cannot be invited.
    async fn invite(
        &self,
        txn: &impl ConnectionTrait,
        customer: &CustomerRecord,
        options: ImportOptions,
        schedule: &mut InviteSchedule,
    ) -> Result<bool, AccountError> {
        let at_millis = schedule.next_millis.unwrap_or_else(|| now() * 1000);
        let send_at = at_millis / 1000;
        let claims: TokenClaims = match self
            .back_office()
            .new_activation_at(txn, customer, send_at)
            .await
        {
            Ok(claims) => claims,
            Err(AccountError::Invalid(_)) => return Ok(false),
            Err(other) => return Err(other),
        };
        customers::set_state(
            txn,
            self.shop.id,
            customer.id,
            CustomerState::Invited,
            now(),
        )
        .await?;
        let interval = 60_000 / i64::from(options.invites_per_minute.max(1));
        schedule.next_millis = Some(at_millis + interval.max(1));
        self.enqueue_mail_at(
            txn,
            KIND_ACTIVATION,
            Some(customer.id),
            &customer.email,
            Some(&claims),
            Some(send_at),
        )
        .await?;
        Ok(true)
    }

    /// Wrapped hashes per second on the hashing threads, measured by hashing `samples` values
    /// at once, after as many untimed ones (which start the threads and fault their working
    /// memory in): what a dry run multiplies out.
    pub async fn wrap_rate(&self, samples: usize) -> Result<f64, AccountError> {
        self.hash_samples(samples).await?;
        let started = std::time::Instant::now();
        self.hash_samples(samples).await?;
        Ok(samples as f64 / started.elapsed().as_secs_f64().max(f64::EPSILON))
    }

    async fn hash_samples(&self, samples: usize) -> Result<(), AccountError> {
        let mut tasks = Vec::with_capacity(samples);
        for n in 0..samples {
            let hasher = self.inner.hasher.clone();
            tasks.push(tokio::spawn(async move {
                hasher.hash(Password::candidate(&format!("{n:064x}"))).await
            }));
        }
        for task in tasks {
            task.await
                .map_err(|e| AccountError::Internal(Box::new(e)))??;
        }
        Ok(())
    }
}

impl Accounts {
    /// Imported password hashes not yet replaced by a login, per scheme, over every shop.
    pub async fn legacy_hashes_remaining(&self) -> Result<BTreeMap<String, u64>, AccountError> {
        Ok(customer_imports::legacy_hashes_by_scheme(self.inner.db.reader()).await?)
    }
}

/// What to store for an imported password: argon2 PHC strings and slow schemes as they are,
/// fast digests once wrapped.
fn stored_form(password: &Imported) -> StoredForm {
    match password {
        Imported::Argon2(phc) => StoredForm::Ready(phc.clone()),
        Imported::Legacy(hash) => match hash.to_store() {
            ToStore::Ready(stored) => StoredForm::Ready(stored),
            ToStore::Wrap { prefix, secret } => StoredForm::Wrap { prefix, secret },
        },
    }
}

enum StoredForm {
    Ready(String),
    Wrap { prefix: String, secret: String },
}

/// Only a hash still waiting for its first use (or none) may be replaced by an import.
fn may_replace_password(customer: &CustomerRecord) -> bool {
    customer
        .password_hash
        .as_deref()
        .is_none_or(|hash| hash.starts_with(STORED_PREFIX))
}

/// A customer still without a password and never invited gets an invitation.
fn would_invite(customer: &CustomerRecord, record: &CustomerImportRecord) -> bool {
    customer.state == CustomerState::Disabled
        && customer.password_hash.is_none()
        && record.password.is_none()
}
