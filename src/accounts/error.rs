//! What a use case can fail with. Everything but `Internal` is the user's to fix and becomes
//! data in the GraphQL payload; `Internal` is logged with its cause and answered generically.

use crate::domain::password_hash::HashError;
use crate::domain::problem::Problem;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("the input has {} problem(s)", .0.len())]
    Invalid(Vec<Problem>),
    /// Unknown email, wrong password or a customer who cannot log in: one answer for all.
    #[error("unidentified customer")]
    UnidentifiedCustomer,
    /// No address with this id belongs to the customer; `argument` names the id's argument.
    #[error("address not found")]
    AddressNotFound { argument: &'static str },
    /// The customer access token is unknown, expired or revoked.
    #[error("customer access token not found")]
    TokenNotFound,
    /// An activation or reset token that does not work.
    #[error("account token refused: {0:?}")]
    Token(super::TokenFailure),
    /// A Multipass token that does not sign anyone in (the reason is logged, not answered).
    #[error("multipass request refused")]
    MultipassRejected,
    /// Too many requests of this kind from this client; retry later.
    #[error("throttled")]
    Throttled { retry_after_seconds: i64 },
    /// No customer of the shop has this id (the admin API).
    #[error("customer not found")]
    CustomerNotFound,
    /// The customer changed since the admin read it: its version is not the one expected.
    #[error("concurrent modification: expected version {expected}")]
    VersionConflict {
        expected: i64,
        current: Box<crate::domain::customer::CustomerRecord>,
    },
    #[error("internal failure: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<StoreError> for AccountError {
    fn from(err: StoreError) -> Self {
        AccountError::Internal(Box::new(err))
    }
}

impl From<sea_orm::DbErr> for AccountError {
    fn from(err: sea_orm::DbErr) -> Self {
        AccountError::Internal(Box::new(err))
    }
}

impl From<HashError> for AccountError {
    fn from(err: HashError) -> Self {
        AccountError::Internal(Box::new(err))
    }
}

impl From<tokio::task::JoinError> for AccountError {
    fn from(err: tokio::task::JoinError) -> Self {
        AccountError::Internal(Box::new(err))
    }
}
