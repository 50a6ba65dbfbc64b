//! `customerUserErrors` and the deprecated `userErrors`: user-fixable problems as data.

use async_graphql::{Enum, Interface, SimpleObject};

use crate::domain::problem::{ErrorCode, Problem};

/// Error codes returned by the CustomerUserError object. These codes identify specific validation and processing failures for customer-related mutations, including account creation, updates, password resets, and address management.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum CustomerErrorCode {
    /// Customer already enabled.
    AlreadyEnabled,
    /// Input email contains an invalid domain name.
    BadDomain,
    /// The input value is blank.
    Blank,
    /// Input contains HTML tags.
    ContainsHtmlTags,
    /// Input contains URL.
    ContainsUrl,
    /// Customer is disabled.
    CustomerDisabled,
    /// The input value is invalid.
    Invalid,
    /// Multipass token is not valid.
    InvalidMultipassRequest,
    /// Address does not exist.
    NotFound,
    /// Input password starts or ends with whitespace.
    PasswordStartsOrEndsWithWhitespace,
    /// The input value is already taken.
    Taken,
    /// Invalid activation token.
    TokenInvalid,
    /// The input value is too long.
    TooLong,
    /// The input value is too short.
    TooShort,
    /// Unidentified customer.
    UnidentifiedCustomer,
}

impl From<ErrorCode> for CustomerErrorCode {
    fn from(code: ErrorCode) -> Self {
        match code {
            ErrorCode::AlreadyEnabled => Self::AlreadyEnabled,
            ErrorCode::BadDomain => Self::BadDomain,
            ErrorCode::Blank => Self::Blank,
            ErrorCode::ContainsHtmlTags => Self::ContainsHtmlTags,
            ErrorCode::ContainsUrl => Self::ContainsUrl,
            ErrorCode::CustomerDisabled => Self::CustomerDisabled,
            ErrorCode::Invalid => Self::Invalid,
            ErrorCode::InvalidMultipassRequest => Self::InvalidMultipassRequest,
            ErrorCode::NotFound => Self::NotFound,
            ErrorCode::PasswordStartsOrEndsWithWhitespace => {
                Self::PasswordStartsOrEndsWithWhitespace
            }
            ErrorCode::Taken => Self::Taken,
            ErrorCode::TokenInvalid => Self::TokenInvalid,
            ErrorCode::TooLong => Self::TooLong,
            ErrorCode::TooShort => Self::TooShort,
            ErrorCode::UnidentifiedCustomer => Self::UnidentifiedCustomer,
        }
    }
}

/// Represents an error that happens during execution of a customer mutation.
#[derive(SimpleObject, Clone, Debug)]
pub struct CustomerUserError {
    /// The error code.
    pub code: Option<CustomerErrorCode>,
    /// The path to the input field that caused the error.
    pub field: Option<Vec<String>>,
    /// The error message.
    pub message: String,
}

/// Represents an error in the input of a mutation.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// The path to the input field that caused the error.
    pub field: Option<Vec<String>>,
    /// The error message.
    pub message: String,
}

/// Represents an error in the input of a mutation.
#[derive(Interface)]
#[graphql(
    field(
        name = "field",
        ty = "&Option<Vec<String>>",
        desc = "The path to the input field that caused the error."
    ),
    field(name = "message", ty = "&String", desc = "The error message.")
)]
// Shopify's type names, which all end the same way.
#[allow(clippy::enum_variant_names)]
pub enum DisplayableError {
    CustomerUserError(CustomerUserError),
    MetafieldsSetUserError(super::metafield_mutations::MetafieldsSetUserError),
    UserError(UserError),
}

/// Both error lists of a payload, which mirror each other.
#[derive(Default)]
pub struct UserErrors {
    pub customer_user_errors: Vec<CustomerUserError>,
    pub user_errors: Vec<UserError>,
}

impl UserErrors {
    /// Problems of the fields of one argument (`input`, `customer`): the path starts with it.
    /// With an empty `argument`, the problems are about arguments themselves (`["id"]`).
    pub fn from_problems(argument: &str, problems: Vec<Problem>) -> Self {
        let mut errors = Self::default();
        for problem in problems {
            let field = problem.field.map(|name| {
                if argument.is_empty() {
                    vec![name.to_owned()]
                } else {
                    vec![argument.to_owned(), name.to_owned()]
                }
            });
            errors.push(field, problem.code, problem.message);
        }
        errors
    }

    /// One error that is not about a single input field.
    pub fn general(code: ErrorCode, message: &str) -> Self {
        let mut errors = Self::default();
        errors.push(None, code, message.to_owned());
        errors
    }

    /// One error whose deprecated `userErrors` twin has no field (Shopify does this for token
    /// errors of customerActivate and customerReset).
    pub fn token_error(field: &str, code: ErrorCode, message: &str) -> Self {
        let mut errors = Self::default();
        errors.user_errors.push(UserError {
            field: None,
            message: message.to_owned(),
        });
        errors.customer_user_errors.push(CustomerUserError {
            code: Some(code.into()),
            field: Some(vec![field.to_owned()]),
            message: message.to_owned(),
        });
        errors
    }

    fn push(&mut self, field: Option<Vec<String>>, code: ErrorCode, message: String) {
        self.user_errors.push(UserError {
            field: field.clone(),
            message: message.clone(),
        });
        self.customer_user_errors.push(CustomerUserError {
            code: Some(code.into()),
            field,
            message,
        });
    }
}
