//! Signing up.

use super::lifecycle::KIND_ACCOUNT_EXISTS;
use super::{AccountError, CustomerChange, SignUps, now};
use crate::domain::email::{Email, normalize};
use crate::domain::ids::new_id;
use crate::domain::names::{NameKind, parse_name};
use crate::domain::password::Password;
use crate::domain::phone::parse_phone;
use crate::domain::problem::{ErrorCode, Problem, Problems};
use crate::store::customers::{self, CustomerRecord, CustomerState, NewCustomer};
use crate::store::{StoreError, UniqueKey};

/// What `customerCreate` receives, before validation.
pub struct SignUp {
    pub email: String,
    pub password: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub accepts_marketing: Option<bool>,
}

pub(super) fn email_taken() -> Problem {
    Problem::new("email", ErrorCode::Taken, "Email has already been taken")
}

pub(super) fn phone_taken() -> Problem {
    Problem::new("phone", ErrorCode::Taken, "Phone has already been taken")
}

impl SignUps<'_> {
    /// Creates an enabled customer who can log in at once. Every invalid field is reported;
    /// the unique indexes decide who wins when two sign-ups race for one email.
    #[tracing::instrument(skip_all)]
    pub async fn sign_up(
        &self,
        input: SignUp,
        client_ip: Option<std::net::IpAddr>,
    ) -> Result<CustomerRecord, AccountError> {
        let inner = &self.inner;
        let ip = client_ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        let limits = &inner.lifecycle;
        self.throttle(
            &[
                (format!("signup:ip:{ip}"), limits.signup_per_ip),
                (
                    format!("signup:email:{}", normalize(&input.email)),
                    limits.signup_per_email,
                ),
            ],
            limits.signup_window_seconds,
        )
        .await?;
        let mut problems = Problems::default();
        let first_name = problems.check(parse_name(
            input.first_name.as_deref().unwrap_or(""),
            NameKind::First,
        ));
        let last_name = problems.check(parse_name(
            input.last_name.as_deref().unwrap_or(""),
            NameKind::Last,
        ));
        let email = problems.check(Email::parse(&input.email));
        let phone = problems.check(parse_phone(input.phone.as_deref().unwrap_or("")));
        let password = problems.check(Password::parse_in_context(
            &input.password,
            &self.shop.password_policy,
            self.password_context(&input.email),
        ));
        let (Some(first_name), Some(last_name), Some(email), Some(phone), Some(password)) =
            (first_name, last_name, email, phone, password)
        else {
            return Err(AccountError::Invalid(problems.into_vec()));
        };

        let email_key = email.key();
        let (email_is_taken, phone_is_taken) = customers::taken_email_and_phone(
            inner.db.reader(),
            self.shop.id,
            None,
            Some(&email_key),
            phone.as_deref(),
        )
        .await?;
        let uniform = inner.lifecycle.uniform_sign_up;
        if email_is_taken && !uniform {
            problems.push(email_taken());
        }
        if phone_is_taken {
            problems.push(phone_taken());
        }
        if !problems.is_empty() {
            return Err(AccountError::Invalid(problems.into_vec()));
        }

        // Hashed whether or not the email is free: the strict mode's answer for a taken email
        // must take as long as a real sign-up.
        let password_hash = inner.hasher.hash(password).await?;
        let new_customer = NewCustomer {
            id: new_id(),
            shop_id: self.shop.id,
            email: email.as_str().to_owned(),
            email_key,
            phone,
            first_name,
            last_name,
            accepts_marketing: input.accepts_marketing.unwrap_or(false),
            state: CustomerState::Enabled,
            password_hash: Some(password_hash),
            note: None,
            now: now(),
        };
        if email_is_taken {
            return self.answer_taken_email_uniformly(new_customer).await;
        }
        let txn = inner.db.begin_write().await?;
        let created = customers::insert(&txn, new_customer.clone()).await;
        match created {
            Ok(customer) => {
                self.customer_changed(&txn, CustomerChange::Created, customer.id, None)
                    .await?;
                txn.commit().await?;
                tracing::info!(customer_id = customer.id, "customer signed up");
                Ok(customer)
            }
            Err(StoreError::Taken(UniqueKey::CustomerEmail)) if uniform => {
                drop(txn);
                self.answer_taken_email_uniformly(new_customer).await
            }
            Err(StoreError::Taken(UniqueKey::CustomerEmail)) => {
                Err(AccountError::Invalid(vec![email_taken()]))
            }
            Err(StoreError::Taken(UniqueKey::CustomerPhone)) => {
                Err(AccountError::Invalid(vec![phone_taken()]))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The strict sign-up mode, for an email that already has an account: the answer a new
    /// account would get (a customer that is never stored), while the owner gets an email
    /// saying so, with a link to choose a new password in case they forgot theirs.
    async fn answer_taken_email_uniformly(
        &self,
        attempted: NewCustomer,
    ) -> Result<CustomerRecord, AccountError> {
        let inner = &self.inner;
        let txn = inner.db.begin_write().await?;
        self.enqueue_mail(&txn, KIND_ACCOUNT_EXISTS, None, &attempted.email_key, None)
            .await?;
        txn.commit().await?;
        inner.outbox_signal.notify_one();
        tracing::info!("sign-up with an email that has an account: the owner is told by email");
        Ok(attempted.unsaved())
    }
}
