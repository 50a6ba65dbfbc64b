//! A mistake a user can fix: which input field, which Shopify `CustomerErrorCode`, which message.
//! The GraphQL layer turns these into `customerUserErrors`, prefixing the argument name.

/// The codes of Shopify's `CustomerErrorCode` enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    AlreadyEnabled,
    BadDomain,
    Blank,
    ContainsHtmlTags,
    ContainsUrl,
    CustomerDisabled,
    Invalid,
    InvalidMultipassRequest,
    NotFound,
    PasswordStartsOrEndsWithWhitespace,
    Taken,
    TokenInvalid,
    TooLong,
    TooShort,
    UnidentifiedCustomer,
}

/// One problem with one input field (`field` is the input's field name as the API spells it,
/// or `None` when the problem is not about a single field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Option<&'static str>,
    pub code: ErrorCode,
    pub message: String,
}

impl Problem {
    pub fn new(field: &'static str, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: Some(field),
            code,
            message: message.into(),
        }
    }

    pub fn general(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: None,
            code,
            message: message.into(),
        }
    }
}

/// Collects the problems of several fields so that all of them are reported at once.
#[derive(Debug, Default)]
pub struct Problems(Vec<Problem>);

impl Problems {
    /// Keeps the parsed value, or records the problem and returns `None`.
    pub fn check<T>(&mut self, result: Result<T, Problem>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.0.push(problem);
                None
            }
        }
    }

    pub fn push(&mut self, problem: Problem) {
        self.0.push(problem);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<Problem> {
        self.0
    }
}
