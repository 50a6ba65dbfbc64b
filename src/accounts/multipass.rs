//! Multipass sign-in: the shop's own site vouches for a customer with a signed, encrypted token.
//! The customer is found by the shop's `identifier`, else by email; created when missing,
//! re-enabled when disabled; names, tags and addresses are applied; a token is issued. One
//! transaction, and a token is accepted once only, on every node.

use std::net::IpAddr;

use super::{AccountError, CustomerChange, IssuedToken, MultipassSignIn, now};
use crate::domain::email::Email;
use crate::domain::ids::new_id;
use crate::domain::mailing_address::{AddressDraft, AddressFields, apply};
use crate::domain::multipass::{MultipassAddress, MultipassCustomer, decode, token_fingerprint};
use crate::store::addresses::{self, AddressRecord};
use crate::store::customers::{self, CustomerRecord, CustomerState, NewCustomer};
use crate::store::{WriteTransaction, guards};

/// Multipass tokens live 15 minutes; clocks may disagree by this much.
const VALIDITY_SECONDS: i64 = 15 * 60;
const CLOCK_SKEW_SECONDS: i64 = 60;

fn rejected(reason: &str) -> AccountError {
    // The reason is logged, never answered: the answer is always "Invalid Multipass request".
    tracing::info!(reason, "multipass token refused");
    AccountError::MultipassRejected
}

impl MultipassSignIn<'_> {
    #[tracing::instrument(skip_all)]
    pub async fn multipass_sign_in(
        &self,
        token: &str,
        client_ip: Option<IpAddr>,
    ) -> Result<IssuedToken, AccountError> {
        let inner = &self.inner;
        let keys = self
            .shop
            .multipass_keys()
            .ok_or_else(|| rejected("multipass is not configured"))?;
        let now = now();
        let customer =
            decode(&keys, token, now, CLOCK_SKEW_SECONDS).map_err(|e| rejected(&e.to_string()))?;
        if let Some(bound) = &customer.remote_ip {
            let bound: Option<IpAddr> = bound.trim().parse().ok();
            if bound.is_none() || bound != client_ip {
                return Err(rejected("remote_ip does not match the buyer's IP"));
            }
        }
        let email =
            Email::parse(&customer.email).map_err(|_| rejected("the email is not valid"))?;
        let fingerprint = token_fingerprint(token).ok_or_else(|| rejected("malformed"))?;

        let txn = inner.db.begin_write().await?;
        // Kept until the token could not be used anyway.
        let replayable_until = customer.created_at + VALIDITY_SECONDS + CLOCK_SKEW_SECONDS;
        if !guards::use_multipass_token(&txn, self.shop.id, &fingerprint, replayable_until).await? {
            return Err(rejected("the token was used before"));
        }
        let (record, created) = self
            .multipass_customer(&txn, &customer, &email, now)
            .await?;
        customers::apply_multipass(
            &txn,
            self.shop.id,
            record.id,
            customer.first_name.as_deref(),
            customer.last_name.as_deref(),
            customer.tags.as_deref(),
            now,
        )
        .await?;
        self.add_multipass_addresses(&txn, &record, &customer.addresses, now)
            .await?;
        // The shop vouches for the address it signs in with.
        if crate::domain::email::normalize(&record.email) == email.key() {
            self.email_proven(
                &txn,
                record.id,
                &email.key(),
                crate::domain::customer::EmailProof::Multipass,
            )
            .await?;
        }
        let issued = self.issue_token(&txn, record.id).await?;
        if created {
            self.customer_changed(&txn, CustomerChange::Created, record.id, None)
                .await?;
        } else {
            self.customer_changed(&txn, CustomerChange::Updated, record.id, Some(&record))
                .await?;
        }
        txn.commit().await?;
        tracing::info!(customer_id = record.id, "customer signed in with multipass");
        Ok(issued)
    }

    async fn multipass_customer(
        &self,
        txn: &WriteTransaction,
        customer: &MultipassCustomer,
        email: &Email,
        now: i64,
    ) -> Result<(CustomerRecord, bool), AccountError> {
        let shop_id = self.shop.id;
        if let Some(identifier) = customer.identifier.as_deref()
            && let Some(found) =
                customers::find_by_multipass_identifier(txn, shop_id, identifier).await?
        {
            return Ok((found, false));
        }
        let mut created = false;
        let record = match customers::find_by_email_key(txn, shop_id, &email.key()).await? {
            Some(found) => found,
            None => {
                created = true;
                customers::insert(
                    txn,
                    NewCustomer {
                        id: new_id(),
                        shop_id,
                        email: email.as_str().to_owned(),
                        email_key: email.key(),
                        phone: None,
                        first_name: None,
                        last_name: None,
                        accepts_marketing: false,
                        state: CustomerState::Enabled,
                        password_hash: None,
                        note: None,
                        now,
                    },
                )
                .await?
            }
        };
        if let Some(identifier) = customer.identifier.as_deref()
            && record.multipass_identifier().is_none()
        {
            customers::set_multipass_identifier(txn, self.shop.id, record.id, identifier).await?;
        }
        Ok((record, created))
    }

    /// Adds the addresses the shop sent that are valid and new; one marked `default` becomes the
    /// default, else the first address of a customer without any.
    async fn add_multipass_addresses(
        &self,
        txn: &WriteTransaction,
        customer: &CustomerRecord,
        incoming: &[MultipassAddress],
        now: i64,
    ) -> Result<(), AccountError> {
        let existing = addresses::list_for_customers(txn, self.shop.id, &[customer.id]).await?;
        let mut default = customer.default_address_id;
        for address in incoming {
            let draft = AddressDraft {
                first_name: address.first_name.clone(),
                last_name: address.last_name.clone(),
                company: address.company.clone(),
                address1: address.address1.clone(),
                address2: address.address2.clone(),
                city: address.city.clone(),
                province: address
                    .province_code
                    .clone()
                    .or_else(|| address.province.clone()),
                country: address
                    .country_code
                    .clone()
                    .or_else(|| address.country.clone()),
                zip: address.zip.clone(),
                phone: address.phone.clone(),
            };
            let Ok(fields) = apply(&draft, &AddressFields::default()) else {
                tracing::info!(
                    customer_id = customer.id,
                    "multipass address skipped: invalid"
                );
                continue;
            };
            if existing.iter().any(|a| a.fields == fields) {
                continue;
            }
            let record = AddressRecord {
                id: new_id(),
                customer_id: customer.id,
                fields,
            };
            addresses::insert(txn, self.shop.id, &record, now).await?;
            if address.default || default.is_none() {
                default = Some(record.id);
            }
        }
        if default != customer.default_address_id {
            customers::set_default_address(txn, self.shop.id, customer.id, default, now).await?;
        }
        Ok(())
    }
}
