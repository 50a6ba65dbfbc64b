//! `userErrors` of the admin API: Shopify's `field` and `message`, plus a `code` from the
//! storefront's vocabulary, and how a use case's outcome becomes a payload's parts.

use async_graphql::{Context, Enum, ID, Result, SimpleObject};

use super::customer::{Customer, internal_error};
use crate::accounts::AccountError;
use crate::domain::ids::{gid, parse_gid};
use crate::domain::problem::ErrorCode;
use crate::graphql::storefront::scalars::UnsignedInt64;

/// The codes of `userErrors`: the storefront's `CustomerErrorCode` vocabulary and
/// `CONCURRENT_MODIFICATION`. An extension of this server (Shopify's `UserError` has no code).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum UserErrorCode {
    /// The customer's account is enabled already.
    AlreadyEnabled,
    /// Input email contains an invalid domain name.
    BadDomain,
    /// The input value is blank.
    Blank,
    /// The customer changed since the version the request expected; nothing was written. The payload carries the customer as it is now.
    ConcurrentModification,
    /// Input contains HTML tags.
    ContainsHtmlTags,
    /// Input contains URL.
    ContainsUrl,
    /// The input value is invalid.
    Invalid,
    /// The customer (or address) does not exist.
    NotFound,
    /// The input value is already taken.
    Taken,
    /// The input value is too long.
    TooLong,
    /// The input value is too short.
    TooShort,
}

impl From<ErrorCode> for UserErrorCode {
    fn from(code: ErrorCode) -> Self {
        match code {
            ErrorCode::AlreadyEnabled => Self::AlreadyEnabled,
            ErrorCode::BadDomain => Self::BadDomain,
            ErrorCode::Blank => Self::Blank,
            ErrorCode::ContainsHtmlTags => Self::ContainsHtmlTags,
            ErrorCode::ContainsUrl => Self::ContainsUrl,
            ErrorCode::NotFound => Self::NotFound,
            ErrorCode::Taken => Self::Taken,
            ErrorCode::TooLong => Self::TooLong,
            ErrorCode::TooShort => Self::TooShort,
            _ => Self::Invalid,
        }
    }
}

/// Represents an error in the input of a mutation.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// The path to the input field that caused the error.
    pub field: Option<Vec<String>>,
    /// The error message.
    pub message: String,
    /// What kind of error it is. An extension of this server.
    pub code: Option<UserErrorCode>,
}

/// The outcome of a use case as a payload's parts: the customer (the current one after a
/// version conflict) and the user errors; `Err` only for our failures. `id_field` is the
/// argument that named the customer (`id` in an input, `customerId`).
pub fn outcome(
    ctx: &Context<'_>,
    result: Result<crate::domain::customer::CustomerRecord, AccountError>,
    id_field: &str,
) -> Result<(Option<Customer>, Vec<UserError>)> {
    match result {
        Ok(customer) => Ok((Some(Customer(customer)), Vec::new())),
        Err(err) => failure(ctx, err, id_field),
    }
}

/// A use case's failure as a payload's parts: the current customer after a version conflict,
/// and the user errors; `Err` only for our failures.
pub fn failure(
    ctx: &Context<'_>,
    err: AccountError,
    id_field: &str,
) -> Result<(Option<Customer>, Vec<UserError>)> {
    let path = |field: &str| Some(vec![field.to_owned()]);
    match err {
        AccountError::AddressNotFound { .. } => Ok((
            None,
            vec![UserError {
                field: path("addressId"),
                message: "Address does not exist".to_owned(),
                code: Some(UserErrorCode::NotFound),
            }],
        )),
        AccountError::Invalid(problems) => Ok((
            None,
            problems
                .into_iter()
                .map(|problem| UserError {
                    field: problem.field.and_then(path),
                    message: problem.message,
                    code: Some(problem.code.into()),
                })
                .collect(),
        )),
        AccountError::CustomerNotFound => Ok((None, vec![not_found(path(id_field))])),
        AccountError::VersionConflict { expected, current } => {
            let message = format!(
                "Object {} has a different version than expected. Expected: {expected} - Actual: {}.",
                gid("Customer", current.id),
                current.version
            );
            Ok((
                Some(Customer(*current)),
                vec![UserError {
                    field: Some(vec!["expectedVersion".to_owned()]),
                    message,
                    code: Some(UserErrorCode::ConcurrentModification),
                }],
            ))
        }
        other => Err(internal_error(ctx, &other)),
    }
}

pub fn not_found(field: Option<Vec<String>>) -> UserError {
    UserError {
        field,
        message: "Customer does not exist".to_owned(),
        code: Some(UserErrorCode::NotFound),
    }
}

/// The customer's id from an argument, or the user error of an unknown one.
pub fn customer_id(id: &ID, field: &[&str]) -> std::result::Result<i64, UserError> {
    parse_gid(id, "Customer")
        .ok_or_else(|| not_found(Some(field.iter().map(|f| (*f).to_owned()).collect())))
}

/// An `expectedVersion` argument as the use cases take it.
pub fn expected(version: Option<UnsignedInt64>) -> Option<i64> {
    version.map(|v| i64::try_from(v.0).unwrap_or(i64::MAX))
}
