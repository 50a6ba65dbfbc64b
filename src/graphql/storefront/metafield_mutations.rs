//! `customerMetafieldsSet`: a customer sets their own metafields (an extension of this server:
//! Shopify lets customers write metafields only through its Customer Account API). Only values
//! whose definition says `READ_WRITE` for customer accounts can be written, with the same type
//! and validation checks as the admin's `metafieldsSet`; all items or none.
//! A bad customer token is Shopify's top-level ACCESS_DENIED, as for every customer mutation.

use async_graphql::{Context, Enum, InputObject, MaybeUndefined, Object, Result, SimpleObject};

use super::access::{self, Scope};
use super::customer::Customer;
use super::metafield::{Metafield, MetafieldLoader};
use crate::accounts::{
    AccountError, CompareDigest, MetafieldsError, SetErrorCode, SetItem, SetProblem,
};
use async_graphql::dataloader::DataLoader;

/// The input fields for a customer's metafield value to set.
#[derive(InputObject)]
pub struct CustomerMetafieldsSetInput {
    /// The container for a group of metafields that the metafield is associated with.
    pub namespace: Option<String>,
    /// The unique identifier for the metafield within its namespace. Must be 2-64 characters long and can contain alphanumeric, hyphen, and underscore characters.
    pub key: String,
    /// The type of data that is stored in the metafield; the definition's type when omitted.
    #[graphql(name = "type")]
    pub ty: Option<String>,
    /// The data stored in the metafield. Always stored as a string, regardless of the metafield's type.
    pub value: String,
    /// The `compareDigest` of the value this write replaces: the write fails when the value changed since. `null` sets the value only if there is none yet.
    pub compare_digest: MaybeUndefined<String>,
}

/// Possible error codes that can be returned by `MetafieldsSetUserError`.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum MetafieldsSetUserErrorCode {
    /// The customer may not change this metafield: its definition does not allow customer-account writes. An extension of this server.
    AccessDenied,
    /// The input value is blank.
    Blank,
    /// The input value isn't included in the list.
    Inclusion,
    /// The input value is invalid. An extension of this server.
    Invalid,
    /// The owner ID is invalid.
    InvalidOwner,
    /// The type is invalid.
    InvalidType,
    /// The value is invalid for metafield type or for definition options.
    InvalidValue,
    /// The input value should be less than or equal to the maximum value allowed.
    LessThanOrEqualTo,
    /// The input value needs to be blank.
    Present,
    /// The metafield has been modified since it was loaded. An extension of this server.
    StaleObject,
    /// The input value is too long.
    TooLong,
    /// The input value is too short.
    TooShort,
}

impl From<SetErrorCode> for MetafieldsSetUserErrorCode {
    fn from(code: SetErrorCode) -> Self {
        match code {
            SetErrorCode::Blank => Self::Blank,
            SetErrorCode::Inclusion => Self::Inclusion,
            SetErrorCode::Invalid => Self::Invalid,
            SetErrorCode::InvalidType => Self::InvalidType,
            SetErrorCode::InvalidValue => Self::InvalidValue,
            SetErrorCode::LessThanOrEqualTo => Self::LessThanOrEqualTo,
            SetErrorCode::StaleObject => Self::StaleObject,
            SetErrorCode::TooLong => Self::TooLong,
            SetErrorCode::TooShort => Self::TooShort,
            SetErrorCode::NotWritable => Self::AccessDenied,
        }
    }
}

/// An error that occurs during the execution of `MetafieldsSet`.
#[derive(SimpleObject, Clone, Debug)]
pub struct MetafieldsSetUserError {
    /// The error code.
    pub code: Option<MetafieldsSetUserErrorCode>,
    /// The index of the array element that's causing the error.
    pub element_index: Option<i32>,
    /// The path to the input field that caused the error.
    pub field: Option<Vec<String>>,
    /// The error message.
    pub message: String,
}

impl MetafieldsSetUserError {
    /// A problem of `argument`'s items: the path is `[argument, index, field]`, as Shopify's.
    pub fn of(argument: &str, problem: SetProblem) -> Self {
        Self {
            code: Some(problem.code.into()),
            element_index: element_index(&problem),
            field: Some(problem_path(argument, &problem)),
            message: problem.message,
        }
    }
}

/// Where a set problem points, as both APIs' `MetafieldsSetUserError.field` spell it:
/// `[argument, index, input field]`, or `[argument]` for the whole list.
pub fn problem_path(argument: &str, problem: &SetProblem) -> Vec<String> {
    let mut field = vec![argument.to_owned()];
    if let Some(index) = problem.index {
        field.push(index.to_string());
        if let Some(name) = problem.field {
            field.push(name.to_owned());
        }
    }
    field
}

/// `elementIndex`: the item's index, when the problem is one item's.
pub fn element_index(problem: &SetProblem) -> Option<i32> {
    problem.index.and_then(|i| i32::try_from(i).ok())
}

/// Return type for `customerMetafieldsSet` mutation.
#[derive(SimpleObject)]
pub struct CustomerMetafieldsSetPayload {
    /// The customer after the change.
    pub customer: Option<Customer>,
    /// The list of metafields that were set.
    pub metafields: Option<Vec<Metafield>>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<MetafieldsSetUserError>,
}

/// `compareDigest` as the use case takes it: not sent, null, or a digest (both APIs).
pub fn compare_digest(sent: MaybeUndefined<String>) -> CompareDigest {
    match sent {
        MaybeUndefined::Undefined => CompareDigest::Unchecked,
        MaybeUndefined::Null => CompareDigest::Absent,
        MaybeUndefined::Value(digest) => CompareDigest::Equals(digest),
    }
}

#[derive(Default)]
pub struct MetafieldMutation;

#[Object]
impl MetafieldMutation {
    /// Sets the customer's own metafield values, at most 25 at a time, all or none. Only metafields whose definition allows customer-account writes (`READ_WRITE`) can be set. An extension of this server.
    async fn customer_metafields_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The access token used to identify the customer.")]
        customer_access_token: String,
        #[graphql(desc = "The metafield values to set. At most 25.")] metafields: Vec<
            CustomerMetafieldsSetInput,
        >,
    ) -> Result<Option<CustomerMetafieldsSetPayload>> {
        const FIELD: &str = "customerMetafieldsSet";
        let accounts = access::storefront(ctx, FIELD, Scope::WriteCustomers)?;
        if metafields.len() > crate::domain::metafield::MAX_SET_ITEMS {
            return Err(too_many_items(metafields.len()));
        }
        let items = metafields
            .into_iter()
            .map(|m| SetItem {
                customer_id: 0,
                namespace: m.namespace,
                key: m.key,
                ty: m.ty,
                value: m.value,
                compare_digest: compare_digest(m.compare_digest),
            })
            .collect();
        match accounts
            .metafields()
            .set_own(&customer_access_token, items)
            .await
        {
            Ok((customer, written)) => {
                // The payload's customer (and later fields) read the values as written.
                if let Ok(loader) = ctx.data::<DataLoader<MetafieldLoader>>() {
                    loader.loader().forget().await;
                }
                Ok(Some(CustomerMetafieldsSetPayload {
                    customer: Some(Customer(customer)),
                    metafields: Some(written.into_iter().map(Metafield).collect()),
                    user_errors: Vec::new(),
                }))
            }
            Err(MetafieldsError::Rejected(problems)) => Ok(Some(CustomerMetafieldsSetPayload {
                customer: None,
                metafields: None,
                user_errors: problems
                    .into_iter()
                    .map(|p| MetafieldsSetUserError::of("metafields", p))
                    .collect(),
            })),
            Err(MetafieldsError::Account(
                AccountError::TokenNotFound | AccountError::UnidentifiedCustomer,
            )) => Err(access::access_denied(FIELD, Scope::WriteCustomers, true)),
            Err(MetafieldsError::Account(other)) => Err(access::internal(ctx, other)),
        }
    }
}

/// Shopify's answer to a list of metafields over its limit (both APIs).
pub fn too_many_items(count: usize) -> async_graphql::Error {
    crate::graphql::errors::coded(
        format!(
            "The input array size of {count} is greater than the maximum allowed of {}.",
            crate::domain::metafield::MAX_SET_ITEMS
        ),
        crate::graphql::TopLevelCode::MaxInputSizeExceeded,
    )
}
