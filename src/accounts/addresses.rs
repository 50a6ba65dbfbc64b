//! The address book of a customer: the one behind an access token (the storefront), or one the
//! admin API names by id. Each change runs in one transaction that first locks the customer, so
//! the default address always points at one of the customer's addresses and the cap on
//! addresses holds under concurrency; it adds one to the customer's version, and an admin's
//! change is audited in the same transaction.

use std::collections::HashMap;

use super::{AccountError, Actor, AddressBook, CustomerChange, now};
use crate::domain::ids::{new_id, parse_gid};
use crate::domain::mailing_address::{AddressDraft, AddressFields, apply};
use crate::domain::problem::{ErrorCode, Problem};
use crate::store::addresses::{self, AddressRecord};
use crate::store::customers::{self, CustomerRecord};
use crate::store::{WriteTransaction, access_tokens};

/// Which argument named the address, for the field path of `NOT_FOUND`.
#[derive(Debug, Clone, Copy)]
pub enum AddressArgument {
    Id,
    AddressId,
}

impl AddressArgument {
    fn field(self) -> &'static str {
        match self {
            AddressArgument::Id => "id",
            AddressArgument::AddressId => "addressId",
        }
    }
}

/// Whose address book: the customer of a live access token, or a customer the admin API names
/// (at the version it expects, when it says).
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    Token(&'a str),
    Admin {
        actor: Actor,
        customer_id: i64,
        expected_version: Option<i64>,
    },
}

fn not_found(argument: AddressArgument) -> AccountError {
    AccountError::AddressNotFound {
        argument: argument.field(),
    }
}

/// The numeric id of a MailingAddress global id. Ids that carry an access token
/// (`?customer_access_token=...`, as Shopify makes them) are accepted; the token in the id is
/// ignored, the `customerAccessToken` argument decides.
fn address_id(gid: &str, argument: AddressArgument) -> Result<i64, AccountError> {
    parse_gid(gid, "MailingAddress").ok_or_else(|| not_found(argument))
}

impl AddressBook<'_> {
    /// The owner's customer, locked inside the transaction.
    async fn lock_owner(
        &self,
        txn: &WriteTransaction,
        owner: Owner<'_>,
    ) -> Result<CustomerRecord, AccountError> {
        match owner {
            Owner::Token(token) => self.lock_customer(txn, token).await,
            Owner::Admin {
                customer_id,
                expected_version,
                ..
            } => {
                self.back_office()
                    .current(txn, customer_id, expected_version)
                    .await
            }
        }
    }

    /// An admin's change, in the audit trail (every address change adds one to the version).
    async fn audit_owner(
        &self,
        txn: &WriteTransaction,
        owner: Owner<'_>,
        before: &CustomerRecord,
        action: &str,
    ) -> Result<(), AccountError> {
        if let Owner::Admin { actor, .. } = owner {
            self.back_office()
                .audit(
                    txn,
                    actor,
                    before.id,
                    action,
                    (Some(before.version), Some(before.version + 1)),
                )
                .await?;
        }
        Ok(())
    }

    /// The live token's customer, locked inside the transaction.
    async fn lock_customer(
        &self,
        txn: &WriteTransaction,
        token: &str,
    ) -> Result<CustomerRecord, AccountError> {
        let digest =
            crate::domain::access_token::digest(token).ok_or(AccountError::TokenNotFound)?;
        let (_, customer) = access_tokens::find_live(txn, self.shop.id, &digest, now())
            .await?
            .ok_or(AccountError::TokenNotFound)?;
        customers::lock_read(txn, self.shop.id, customer)
            .await?
            .ok_or(AccountError::TokenNotFound)
    }

    #[tracing::instrument(skip_all)]
    pub async fn add_address(
        &self,
        token: &str,
        draft: AddressDraft,
    ) -> Result<AddressRecord, AccountError> {
        self.add_address_as(Owner::Token(token), draft, false).await
    }

    /// Adds an address; it becomes the default when the customer has none, or when asked.
    pub async fn add_address_as(
        &self,
        owner: Owner<'_>,
        draft: AddressDraft,
        set_as_default: bool,
    ) -> Result<AddressRecord, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let customer = self.lock_owner(&txn, owner).await?;
        // Names default to the customer's, as on Shopify.
        let base = AddressFields {
            first_name: customer.first_name.clone(),
            last_name: customer.last_name.clone(),
            ..AddressFields::default()
        };
        let fields = apply(&draft, &base).map_err(AccountError::Invalid)?;
        let limit = self.inner.max_addresses_per_customer;
        if addresses::count_for_customer(&txn, self.shop.id, customer.id).await? >= limit {
            return Err(AccountError::Invalid(vec![Problem::general(
                ErrorCode::Invalid,
                format!("A customer can have at most {limit} addresses"),
            )]));
        }
        let record = AddressRecord {
            id: new_id(),
            customer_id: customer.id,
            fields,
        };
        let now = now();
        addresses::insert(&txn, self.shop.id, &record, now).await?;
        if customer.default_address_id.is_none() || set_as_default {
            customers::set_default_address(&txn, self.shop.id, customer.id, Some(record.id), now)
                .await?;
        } else {
            customers::touch(&txn, self.shop.id, customer.id, now).await?;
        }
        self.audit_owner(&txn, owner, &customer, "customer_address_create")
            .await?;
        self.customer_changed(&txn, CustomerChange::Updated, customer.id, None)
            .await?;
        txn.commit().await?;
        Ok(record)
    }

    #[tracing::instrument(skip_all)]
    pub async fn update_address(
        &self,
        token: &str,
        gid: &str,
        draft: AddressDraft,
    ) -> Result<AddressRecord, AccountError> {
        self.update_address_as(Owner::Token(token), gid, draft, false)
            .await
    }

    /// Changes an address (and makes it the default when asked).
    pub async fn update_address_as(
        &self,
        owner: Owner<'_>,
        gid: &str,
        draft: AddressDraft,
        set_as_default: bool,
    ) -> Result<AddressRecord, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let customer = self.lock_owner(&txn, owner).await?;
        let id = address_id(gid, AddressArgument::Id)?;
        let mut record = addresses::find_for_customer(&txn, self.shop.id, customer.id, id)
            .await?
            .ok_or_else(|| not_found(AddressArgument::Id))?;
        record.fields = apply(&draft, &record.fields).map_err(AccountError::Invalid)?;
        let now = now();
        if !addresses::update(&txn, self.shop.id, &record, now).await? {
            return Err(not_found(AddressArgument::Id));
        }
        if set_as_default {
            customers::set_default_address(&txn, self.shop.id, customer.id, Some(id), now).await?;
        } else {
            customers::touch(&txn, self.shop.id, customer.id, now).await?;
        }
        self.audit_owner(&txn, owner, &customer, "customer_address_update")
            .await?;
        self.customer_changed(&txn, CustomerChange::Updated, customer.id, None)
            .await?;
        txn.commit().await?;
        Ok(record)
    }

    /// Deletes an address; when it was the default, the oldest remaining one becomes the default.
    #[tracing::instrument(skip_all)]
    pub async fn delete_address(&self, token: &str, gid: &str) -> Result<i64, AccountError> {
        self.delete_address_as(Owner::Token(token), gid).await
    }

    pub async fn delete_address_as(
        &self,
        owner: Owner<'_>,
        gid: &str,
    ) -> Result<i64, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let customer = self.lock_owner(&txn, owner).await?;
        let id = address_id(gid, AddressArgument::Id)?;
        if !addresses::delete(&txn, self.shop.id, customer.id, id).await? {
            return Err(not_found(AddressArgument::Id));
        }
        if customer.default_address_id == Some(id) {
            let next = addresses::first_for_customer(&txn, self.shop.id, customer.id).await?;
            customers::set_default_address(&txn, self.shop.id, customer.id, next, now()).await?;
        } else {
            customers::touch(&txn, self.shop.id, customer.id, now()).await?;
        }
        self.audit_owner(&txn, owner, &customer, "customer_address_delete")
            .await?;
        self.customer_changed(&txn, CustomerChange::Updated, customer.id, None)
            .await?;
        txn.commit().await?;
        Ok(id)
    }

    #[tracing::instrument(skip_all)]
    pub async fn set_default_address(
        &self,
        token: &str,
        gid: &str,
    ) -> Result<CustomerRecord, AccountError> {
        self.set_default_address_as(Owner::Token(token), gid).await
    }

    pub async fn set_default_address_as(
        &self,
        owner: Owner<'_>,
        gid: &str,
    ) -> Result<CustomerRecord, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let mut customer = self.lock_owner(&txn, owner).await?;
        let id = address_id(gid, AddressArgument::AddressId)?;
        if addresses::find_for_customer(&txn, self.shop.id, customer.id, id)
            .await?
            .is_none()
        {
            return Err(not_found(AddressArgument::AddressId));
        }
        let now = now();
        customers::set_default_address(&txn, self.shop.id, customer.id, Some(id), now).await?;
        self.audit_owner(&txn, owner, &customer, "customer_update_default_address")
            .await?;
        self.customer_changed(&txn, CustomerChange::Updated, customer.id, None)
            .await?;
        txn.commit().await?;
        customer.default_address_id = Some(id);
        customer.updated_at = now;
        customer.version += 1;
        Ok(customer)
    }

    /// The addresses of several customers in one query (for the GraphQL data loader).
    pub async fn addresses_of(
        &self,
        customer_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<AddressRecord>>, AccountError> {
        let mut by_customer: HashMap<i64, Vec<AddressRecord>> = HashMap::new();
        for record in addresses::of_customers(&self.inner.db, self.shop.id, customer_ids).await? {
            by_customer
                .entry(record.customer_id)
                .or_default()
                .push(record);
        }
        Ok(by_customer)
    }

    /// An address, only for the customer of a live token (`node(id:)`).
    pub async fn address_for_token(
        &self,
        token: &str,
        gid: &str,
    ) -> Result<Option<AddressRecord>, AccountError> {
        let (Some(customer), Some(id)) = (
            self.sessions().customer_by_token(token).await?,
            parse_gid(gid, "MailingAddress"),
        ) else {
            return Ok(None);
        };
        Ok(
            addresses::find_for_customer(self.inner.db.reader(), self.shop.id, customer.id, id)
                .await?,
        )
    }
}
