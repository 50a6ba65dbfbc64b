//! Customers' metafield values: reading them (batched for a whole request), setting up to 25 at
//! once atomically with Shopify's compare-and-set, and deleting them. The admin writes any
//! value; a customer writes only values whose definition says `READ_WRITE` for customer
//! accounts. Each value is checked against its type and its definition's validations
//! (`domain::metafield_value`) before anything is written; every customer whose values change
//! gets one more version and an audit entry, in the write's transaction.

use std::collections::{BTreeSet, HashMap};

use super::{AccountError, Actor, CustomerChange, Metafields, now};
use crate::domain::ids::new_id;
use crate::domain::metafield::{
    CustomerAccountAccess, DefinitionRecord, IdentifierProblem, MAX_SET_ITEMS, MetafieldRecord,
    OwnerType, parse_key, parse_namespace,
};
use crate::domain::metafield_value::{self, MetafieldType, Validations, ValueErrorCode};
use crate::store::metafields::{self as store, NewValue, ValueQuery, Visibility};
use crate::store::{ConnectionTrait, customer_audit, customers};

/// Who writes: the admin (any value) or the customer (their own `READ_WRITE` values).
#[derive(Debug, Clone, Copy)]
pub enum Writer {
    Admin(Actor),
    Customer,
}

/// `compareDigest`: not sent (no check), sent as null (the value must not exist yet), or the
/// digest the value must still have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompareDigest {
    Unchecked,
    Absent,
    Equals(String),
}

/// One item of a set.
#[derive(Debug, Clone)]
pub struct SetItem {
    pub customer_id: i64,
    pub namespace: Option<String>,
    pub key: String,
    pub ty: Option<String>,
    pub value: String,
    pub compare_digest: CompareDigest,
}

/// Shopify's `MetafieldsSetUserErrorCode`s this server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetErrorCode {
    Blank,
    Inclusion,
    Invalid,
    InvalidType,
    InvalidValue,
    LessThanOrEqualTo,
    StaleObject,
    TooLong,
    TooShort,
    /// The customer may not write this value (its definition is not `READ_WRITE` for
    /// customer accounts, or there is none).
    NotWritable,
}

/// What is wrong with one item (`index`) or with the whole call (`None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetProblem {
    pub index: Option<usize>,
    /// The input field within the item (`namespace`, `key`, `type`, `value`, `ownerId`,
    /// `compareDigest`).
    pub field: Option<&'static str>,
    pub code: SetErrorCode,
    pub message: String,
}

impl SetProblem {
    fn at(
        index: usize,
        field: &'static str,
        code: SetErrorCode,
        message: impl Into<String>,
    ) -> Self {
        Self {
            index: Some(index),
            field: Some(field),
            code,
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MetafieldsError {
    #[error("{} metafield problem(s)", .0.len())]
    Rejected(Vec<SetProblem>),
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<crate::store::StoreError> for MetafieldsError {
    fn from(err: crate::store::StoreError) -> Self {
        MetafieldsError::Account(err.into())
    }
}

/// An item that passed every check that needs no lock: what to write.
#[derive(Debug, Clone)]
pub struct Checked {
    index: usize,
    value: NewValue,
    compare_digest: CompareDigest,
}

/// Items checked for a write, in input order.
#[derive(Debug, Clone, Default)]
pub struct CheckedSet(Vec<Checked>);

impl CheckedSet {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Gives every item this customer (`CustomerInput.metafields` of a customer being created).
    pub fn for_customer(mut self, customer_id: i64) -> Self {
        for item in &mut self.0 {
            item.value.customer_id = customer_id;
        }
        self
    }
}

fn identifier_problem(index: usize, field: &'static str, problem: IdentifierProblem) -> SetProblem {
    let code = match problem {
        IdentifierProblem::TooShort(_) => SetErrorCode::TooShort,
        IdentifierProblem::TooLong(_) => SetErrorCode::TooLong,
        IdentifierProblem::Invalid(_) => SetErrorCode::Invalid,
    };
    SetProblem::at(index, field, code, problem.message())
}

fn value_code(code: ValueErrorCode) -> SetErrorCode {
    match code {
        ValueErrorCode::InvalidValue => SetErrorCode::InvalidValue,
        ValueErrorCode::TooLong => SetErrorCode::TooLong,
        ValueErrorCode::TooShort => SetErrorCode::TooShort,
        ValueErrorCode::LessThanOrEqualTo => SetErrorCode::LessThanOrEqualTo,
        ValueErrorCode::Inclusion => SetErrorCode::Inclusion,
    }
}

/// The type an item is written with: its definition's (a different one sent is an error), or
/// the one sent, which a value without a definition needs.
fn item_type(
    index: usize,
    sent: Option<&str>,
    definition: Option<&DefinitionRecord>,
) -> Result<(MetafieldType, Validations), SetProblem> {
    match (definition, sent.map(str::trim).filter(|t| !t.is_empty())) {
        (Some(def), Some(sent)) if sent != def.ty.name() => Err(SetProblem::at(
            index,
            "type",
            SetErrorCode::InvalidType,
            format!(
                "Type '{sent}' does not match the definition's type '{}'.",
                def.ty.name()
            ),
        )),
        (Some(def), _) => Ok((def.ty, def.validations.clone())),
        (None, None) => Err(SetProblem::at(
            index,
            "type",
            SetErrorCode::Blank,
            "Type can't be blank",
        )),
        (None, Some(sent)) => MetafieldType::parse(sent)
            .map(|ty| (ty, Validations::default()))
            .ok_or_else(|| {
                SetProblem::at(
                    index,
                    "type",
                    SetErrorCode::InvalidType,
                    format!("Type '{sent}' is not a supported metafield type."),
                )
            }),
    }
}

impl Metafields<'_> {
    /// The values of these customers, by customer (`Visibility::Storefront`: only those whose
    /// definition says `PUBLIC_READ`). One statement, however many customers.
    pub async fn of_customers(
        &self,
        customer_ids: &[i64],
        visibility: Visibility,
    ) -> Result<HashMap<i64, Vec<MetafieldRecord>>, AccountError> {
        let rows =
            store::of_customers(&self.inner.db, self.shop.id, customer_ids, visibility).await?;
        let mut by_customer: HashMap<i64, Vec<MetafieldRecord>> = HashMap::new();
        for row in rows {
            by_customer.entry(row.customer_id).or_default().push(row);
        }
        Ok(by_customer)
    }

    /// One value by id, if the visibility lets it be read.
    pub async fn by_id(
        &self,
        id: i64,
        visibility: Visibility,
    ) -> Result<Option<MetafieldRecord>, AccountError> {
        Ok(store::read(
            self.inner.db.reader(),
            self.shop.id,
            ValueQuery {
                customer_ids: &[],
                pairs: None,
                id: Some(id),
                visibility,
            },
        )
        .await?
        .into_iter()
        .next())
    }

    /// Checks items without writing: identifiers, types, values, and (for a customer) that the
    /// definitions let customers write. Every problem at once, each with its item's index.
    pub async fn check(
        &self,
        writer: Writer,
        items: Vec<SetItem>,
    ) -> Result<CheckedSet, MetafieldsError> {
        if items.len() > MAX_SET_ITEMS {
            return Err(MetafieldsError::Rejected(vec![SetProblem {
                index: None,
                field: None,
                code: SetErrorCode::LessThanOrEqualTo,
                message: format!("Exceeded the maximum metafields input limit of {MAX_SET_ITEMS}."),
            }]));
        }
        let mut problems = Vec::new();
        let mut named = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            let namespace = parse_namespace(item.namespace.as_deref())
                .map_err(|p| identifier_problem(index, "namespace", p));
            let key = parse_key(&item.key).map_err(|p| identifier_problem(index, "key", p));
            match (namespace, key) {
                (Ok(namespace), Ok(key)) => named.push((index, namespace, key, item)),
                (namespace, key) => problems.extend(namespace.err().into_iter().chain(key.err())),
            }
        }
        let pairs: Vec<(String, String)> = named
            .iter()
            .map(|(_, n, k, _)| (n.clone(), k.clone()))
            .collect();
        let definitions = store::definitions_for(
            self.inner.db.reader(),
            self.shop.id,
            OwnerType::Customer,
            &pairs,
        )
        .await?;
        let mut seen = BTreeSet::new();
        let mut checked = Vec::with_capacity(named.len());
        for (index, namespace, key, item) in named {
            let definition = definitions
                .iter()
                .find(|d| d.namespace == namespace && d.key == key);
            if matches!(writer, Writer::Customer)
                && definition.is_none_or(|d| d.customer_account != CustomerAccountAccess::ReadWrite)
            {
                problems.push(SetProblem::at(
                    index,
                    "key",
                    SetErrorCode::NotWritable,
                    "Access denied: customers cannot change this metafield.",
                ));
                continue;
            }
            if !seen.insert((item.customer_id, namespace.clone(), key.clone())) {
                problems.push(SetProblem::at(
                    index,
                    "key",
                    SetErrorCode::Invalid,
                    "The same metafield is set more than once in this request.",
                ));
                continue;
            }
            let (ty, rules) = match item_type(index, item.ty.as_deref(), definition) {
                Ok(found) => found,
                Err(problem) => {
                    problems.push(problem);
                    continue;
                }
            };
            match metafield_value::validate(ty, &item.value, &rules) {
                Ok(value) => checked.push(Checked {
                    index,
                    value: NewValue {
                        id: new_id(),
                        customer_id: item.customer_id,
                        namespace,
                        key,
                        ty: ty.name(),
                        value,
                    },
                    compare_digest: item.compare_digest,
                }),
                Err(err) => problems.push(SetProblem::at(
                    index,
                    "value",
                    value_code(err.code),
                    err.message,
                )),
            }
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.index);
            return Err(MetafieldsError::Rejected(problems));
        }
        Ok(CheckedSet(checked))
    }

    /// Writes checked items in `txn`: each customer must exist (it is locked), each
    /// `compareDigest` must match the value as it is now. Nothing is written unless all pass.
    /// `touch`: add a version to each customer and record it (a caller that changed the
    /// customer in this transaction already did). The values as written, in input order.
    pub(super) async fn write(
        &self,
        txn: &impl ConnectionTrait,
        writer: Writer,
        set: &CheckedSet,
        touch: bool,
    ) -> Result<Vec<MetafieldRecord>, MetafieldsError> {
        let customer_ids: BTreeSet<i64> = set.0.iter().map(|c| c.value.customer_id).collect();
        let mut versions = HashMap::new();
        let mut problems = Vec::new();
        // In id order, so two writes to the same customers cannot wait on each other.
        for &id in &customer_ids {
            match customers::lock(txn, self.shop.id, id).await? {
                Some(customer) => {
                    versions.insert(id, customer.version);
                }
                None => {
                    problems.extend(set.0.iter().filter(|c| c.value.customer_id == id).map(|c| {
                        SetProblem::at(
                            c.index,
                            "ownerId",
                            SetErrorCode::Invalid,
                            "Owner does not exist.",
                        )
                    }))
                }
            }
        }
        let ids: Vec<i64> = customer_ids.iter().copied().collect();
        let pairs: Vec<(String, String)> = set
            .0
            .iter()
            .map(|c| (c.value.namespace.clone(), c.value.key.clone()))
            .collect();
        let current = store::read(
            txn,
            self.shop.id,
            ValueQuery {
                customer_ids: &ids,
                pairs: Some(&pairs),
                id: None,
                visibility: Visibility::All,
            },
        )
        .await?;
        for item in &set.0 {
            let stored = current.iter().find(|r| item.value.names(r));
            let stale = match (&item.compare_digest, stored) {
                (CompareDigest::Unchecked, _) => false,
                (CompareDigest::Absent, found) => found.is_some(),
                (CompareDigest::Equals(digest), found) => {
                    found.is_none_or(|row| row.digest() != *digest)
                }
            };
            if stale {
                problems.push(SetProblem::at(
                    item.index,
                    "compareDigest",
                    SetErrorCode::StaleObject,
                    "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.",
                ));
            }
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.index);
            return Err(MetafieldsError::Rejected(problems));
        }
        let at = now();
        let values: Vec<NewValue> = set.0.iter().map(|c| c.value.clone()).collect();
        store::upsert(txn, self.shop.id, &values, at).await?;
        if touch {
            for &id in &customer_ids {
                self.record(
                    txn,
                    writer,
                    id,
                    versions.get(&id).copied(),
                    "metafields_set",
                    at,
                )
                .await?;
            }
        }
        let written = store::read(
            txn,
            self.shop.id,
            ValueQuery {
                customer_ids: &ids,
                pairs: Some(&pairs),
                id: None,
                visibility: Visibility::All,
            },
        )
        .await?;
        Ok(set
            .0
            .iter()
            .filter_map(|c| written.iter().find(|r| c.value.names(r)).cloned())
            .collect())
    }

    /// Adds a version to a customer whose values changed, with the audit entry.
    async fn record(
        &self,
        txn: &impl ConnectionTrait,
        writer: Writer,
        customer_id: i64,
        version_before: Option<i64>,
        action: &str,
        at: i64,
    ) -> Result<(), AccountError> {
        customers::touch(txn, self.shop.id, customer_id, at).await?;
        let (admin_token_id, action) = match writer {
            Writer::Admin(actor) => (Some(actor.admin_token_id), action.to_owned()),
            Writer::Customer => (None, format!("{action}_by_customer")),
        };
        customer_audit::record(
            txn,
            self.shop.id,
            &customer_audit::AuditEntry {
                id: new_id(),
                customer_id,
                admin_token_id,
                action,
                version_before,
                version_after: version_before.map(|v| v + 1),
                at,
            },
        )
        .await?;
        // A metafield change is a change of the customer (`customers/update`).
        self.customer_changed(txn, CustomerChange::Updated, customer_id, None)
            .await?;
        Ok(())
    }

    /// `metafieldsSet` and `customerMetafieldsSet`: all items or none.
    pub async fn set(
        &self,
        writer: Writer,
        items: Vec<SetItem>,
    ) -> Result<Vec<MetafieldRecord>, MetafieldsError> {
        let checked = self.check(writer, items).await?;
        if checked.is_empty() {
            return Ok(Vec::new());
        }
        let txn = self
            .inner
            .db
            .begin_write()
            .await
            .map_err(AccountError::from)?;
        let written = self.write(&txn, writer, &checked, true).await?;
        txn.commit().await.map_err(AccountError::from)?;
        tracing::info!(count = written.len(), "metafields set");
        Ok(written)
    }

    /// `customerMetafieldsSet`: the customer behind `token` sets their own values, those whose
    /// definition lets customers write them. The customer as it is afterwards, and the values.
    pub async fn set_own(
        &self,
        token: &str,
        mut items: Vec<SetItem>,
    ) -> Result<
        (
            crate::domain::customer::CustomerRecord,
            Vec<MetafieldRecord>,
        ),
        MetafieldsError,
    > {
        let customer = self
            .sessions()
            .customer_by_token(token)
            .await?
            .ok_or(AccountError::TokenNotFound)?;
        for item in &mut items {
            item.customer_id = customer.id;
        }
        let written = self.set(Writer::Customer, items).await?;
        let after = customers::find_by_id(self.inner.db.reader(), self.shop.id, customer.id)
            .await?
            .ok_or(AccountError::TokenNotFound)?;
        Ok((after, written))
    }

    /// `metafieldsDelete`: for each (customer, namespace, key), whether a value was deleted.
    pub async fn delete(
        &self,
        actor: Actor,
        items: &[(i64, String, String)],
    ) -> Result<Vec<bool>, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let customer_ids: BTreeSet<i64> = items.iter().map(|(c, _, _)| *c).collect();
        let mut versions = HashMap::new();
        for &id in &customer_ids {
            if let Some(customer) = customers::lock(&txn, self.shop.id, id).await? {
                versions.insert(id, customer.version);
            }
        }
        let mut deleted = Vec::with_capacity(items.len());
        let mut changed = BTreeSet::new();
        for (customer_id, namespace, key) in items {
            let gone = versions.contains_key(customer_id)
                && store::delete(&txn, self.shop.id, *customer_id, namespace, key).await?;
            if gone {
                changed.insert(*customer_id);
            }
            deleted.push(gone);
        }
        let at = now();
        for id in changed {
            self.record(
                &txn,
                Writer::Admin(actor),
                id,
                versions.get(&id).copied(),
                "metafields_delete",
                at,
            )
            .await?;
        }
        txn.commit().await?;
        Ok(deleted)
    }
}
