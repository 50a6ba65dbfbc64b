//! customerUpdate: the customer changes their own profile or password.

use super::sign_up::{email_taken, phone_taken};
use super::{AccountError, CustomerChange, IssuedToken, Profiles, now};
use crate::domain::email::Email;
use crate::domain::names::{NameKind, parse_name};
use crate::domain::password::Password;
use crate::domain::phone::parse_phone;
use crate::domain::problem::{ErrorCode, Problem, Problems};
use crate::store::customers::{self, Change, CustomerRecord, ProfileChanges};
use crate::store::{StoreError, UniqueKey, access_tokens};

/// `CustomerUpdateInput`. For names and phone, `Some(None)` (an explicit null) removes the value;
/// `None` (not sent) keeps it. For the others a null keeps the value.
#[derive(Debug, Default)]
pub struct ProfileUpdate {
    pub first_name: Option<Option<String>>,
    pub last_name: Option<Option<String>>,
    pub email: Option<String>,
    pub phone: Option<Option<String>>,
    pub accepts_marketing: Option<bool>,
    pub password: Option<String>,
}

pub struct ProfileUpdated {
    pub customer: CustomerRecord,
    /// A new token when the password changed (every earlier token is revoked).
    pub new_token: Option<IssuedToken>,
}

impl Profiles<'_> {
    #[tracing::instrument(skip_all)]
    pub async fn update_profile(
        &self,
        token: &str,
        update: ProfileUpdate,
    ) -> Result<ProfileUpdated, AccountError> {
        let inner = &self.inner;
        // Who is asking comes first: a bad token is ACCESS_DENIED, whatever the input.
        let current = self
            .sessions()
            .customer_by_token(token)
            .await?
            .ok_or(AccountError::TokenNotFound)?;

        let mut problems = Problems::default();
        let optional_name = |value: &Option<Option<String>>, kind| match value {
            None => Ok(Change::Keep),
            Some(None) => Ok(Change::Set(None)),
            Some(Some(raw)) => parse_name(raw, kind).map(Change::Set),
        };
        let first_name = problems.check(optional_name(&update.first_name, NameKind::First));
        let last_name = problems.check(optional_name(&update.last_name, NameKind::Last));
        let phone = problems.check(match &update.phone {
            None => Ok(Change::Keep),
            Some(None) => Ok(Change::Set(None)),
            Some(Some(raw)) => parse_phone(raw).map(Change::Set),
        });
        let email = match &update.email {
            None => Some(Change::Keep),
            Some(raw) => match Email::parse(raw) {
                Ok(email)
                    if email.key() == crate::domain::email::normalize(&current.email)
                        && email.as_str() == current.email =>
                {
                    Some(Change::Keep)
                }
                Ok(email) if !inner.allow_email_change => {
                    problems.push(Problem::new(
                        "email",
                        ErrorCode::Invalid,
                        "CustomerUpdate access denied",
                    ));
                    let _ = email;
                    None
                }
                Ok(email) => Some(Change::Set((email.as_str().to_owned(), email.key()))),
                Err(problem) => {
                    problems.push(problem);
                    None
                }
            },
        };
        let password = match &update.password {
            None => Some(None),
            Some(raw) => problems
                .check(Password::parse_in_context(
                    raw,
                    &self.shop.password_policy,
                    self.password_context(update.email.as_deref().unwrap_or(&current.email)),
                ))
                .map(Some),
        };
        let (Some(first_name), Some(last_name), Some(phone), Some(email), Some(password)) =
            (first_name, last_name, phone, email, password)
        else {
            return Err(AccountError::Invalid(problems.into_vec()));
        };

        let new_email_key = match &email {
            Change::Set((_, key)) if *key != crate::domain::email::normalize(&current.email) => {
                Some(key.as_str())
            }
            _ => None,
        };
        let new_phone = match &phone {
            Change::Set(Some(p)) if current.phone.as_deref() != Some(p.as_str()) => {
                Some(p.as_str())
            }
            _ => None,
        };
        let (email_is_taken, phone_is_taken) = customers::taken_email_and_phone(
            inner.db.reader(),
            self.shop.id,
            Some(current.id),
            new_email_key,
            new_phone,
        )
        .await?;
        if email_is_taken {
            problems.push(email_taken());
        }
        if phone_is_taken {
            problems.push(phone_taken());
        }
        if !problems.is_empty() {
            return Err(AccountError::Invalid(problems.into_vec()));
        }

        let password_hash = match password {
            Some(password) => Change::Set(inner.hasher.hash(password).await?),
            None => Change::Keep,
        };
        let changes_password = matches!(password_hash, Change::Set(_));
        let changes = ProfileChanges {
            first_name,
            last_name,
            email,
            phone,
            accepts_marketing: update.accepts_marketing.map_or(Change::Keep, Change::Set),
            password_hash,
            ..ProfileChanges::none()
        };

        let txn = inner.db.begin_write().await?;
        // The token must still be live when the change is written (not revoked meanwhile).
        let digest =
            crate::domain::access_token::digest(token).ok_or(AccountError::TokenNotFound)?;
        if access_tokens::find_live(&txn, self.shop.id, &digest, now())
            .await?
            .is_none()
        {
            return Err(AccountError::TokenNotFound);
        }
        match customers::update_profile(&txn, self.shop.id, current.id, changes, now()).await {
            Ok(_) => {}
            Err(StoreError::Taken(UniqueKey::CustomerEmail)) => {
                return Err(AccountError::Invalid(vec![email_taken()]));
            }
            Err(StoreError::Taken(UniqueKey::CustomerPhone)) => {
                return Err(AccountError::Invalid(vec![phone_taken()]));
            }
            Err(other) => return Err(other.into()),
        }
        let new_token = if changes_password {
            access_tokens::delete_all_for_customer(&txn, self.shop.id, current.id).await?;
            Some(self.issue_token(&txn, current.id).await?)
        } else {
            None
        };
        let customer = customers::lock(&txn, self.shop.id, current.id)
            .await?
            .ok_or(AccountError::TokenNotFound)?;
        if changes_password {
            self.enqueue_password_notice(&txn, &customer).await?;
        }
        self.customer_changed(&txn, CustomerChange::Updated, current.id, Some(&current))
            .await?;
        txn.commit().await?;
        if changes_password {
            inner.outbox_signal.notify_one();
            tracing::info!(
                customer_id = current.id,
                "password changed; earlier tokens revoked"
            );
        }
        Ok(ProfileUpdated {
            customer,
            new_token,
        })
    }
}
