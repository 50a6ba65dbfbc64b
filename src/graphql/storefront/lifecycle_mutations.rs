//! customerActivate, customerActivateByUrl, customerRecover, customerReset, customerResetByUrl
//! and customerAccessTokenCreateWithMultipass, with Shopify's payloads, codes and messages.

use async_graphql::{Context, ErrorExtensions, ID, InputObject, Object, Result, SimpleObject};

use super::access::{self, Scope};
use super::context::RequestContext;
use super::customer::{Customer, CustomerAccessToken};
use super::errors::{CustomerUserError, UserError, UserErrors};
use super::scalars::Url;
use crate::accounts::{AccountError, IssuedToken, TokenFailure};
use crate::domain::account_tokens::Purpose;
use crate::domain::customer::CustomerRecord;
use crate::domain::problem::ErrorCode;

/// The input fields to activate a customer.
#[derive(InputObject)]
pub struct CustomerActivateInput {
    /// The activation token required to activate the customer.
    pub activation_token: String,
    /// New password that will be set during activation.
    pub password: String,
}

/// The input fields to reset a customer's password.
#[derive(InputObject)]
pub struct CustomerResetInput {
    /// New password that will be set as part of the reset password process.
    pub password: String,
    /// The reset token required to reset the customer’s password.
    pub reset_token: String,
}

/// Return type for `customerActivate` mutation.
#[derive(SimpleObject)]
pub struct CustomerActivatePayload {
    /// The customer object.
    pub customer: Option<Customer>,
    /// A newly created customer access token object for the customer.
    pub customer_access_token: Option<CustomerAccessToken>,
    /// The list of errors that occurred from executing the mutation.
    pub customer_user_errors: Vec<CustomerUserError>,
    /// The list of errors that occurred from executing the mutation.
    #[graphql(deprecation = "Use `customerUserErrors` instead.")]
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerActivateByUrl` mutation.
#[derive(SimpleObject)]
pub struct CustomerActivateByUrlPayload {
    /// The customer that was activated.
    pub customer: Option<Customer>,
    /// A new customer access token for the customer.
    pub customer_access_token: Option<CustomerAccessToken>,
    /// The list of errors that occurred from executing the mutation.
    pub customer_user_errors: Vec<CustomerUserError>,
}

/// Return type for `customerRecover` mutation.
#[derive(SimpleObject)]
pub struct CustomerRecoverPayload {
    /// The list of errors that occurred from executing the mutation.
    pub customer_user_errors: Vec<CustomerUserError>,
    /// The list of errors that occurred from executing the mutation.
    #[graphql(deprecation = "Use `customerUserErrors` instead.")]
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerReset` mutation.
#[derive(SimpleObject)]
pub struct CustomerResetPayload {
    /// The customer object which was reset.
    pub customer: Option<Customer>,
    /// A newly created customer access token object for the customer.
    pub customer_access_token: Option<CustomerAccessToken>,
    /// The list of errors that occurred from executing the mutation.
    pub customer_user_errors: Vec<CustomerUserError>,
    /// The list of errors that occurred from executing the mutation.
    #[graphql(deprecation = "Use `customerUserErrors` instead.")]
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerResetByUrl` mutation.
#[derive(SimpleObject)]
pub struct CustomerResetByUrlPayload {
    /// The customer object which was reset.
    pub customer: Option<Customer>,
    /// A newly created customer access token object for the customer.
    pub customer_access_token: Option<CustomerAccessToken>,
    /// The list of errors that occurred from executing the mutation.
    pub customer_user_errors: Vec<CustomerUserError>,
    /// The list of errors that occurred from executing the mutation.
    #[graphql(deprecation = "Use `customerUserErrors` instead.")]
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerAccessTokenCreateWithMultipass` mutation.
#[derive(SimpleObject)]
pub struct CustomerAccessTokenCreateWithMultipassPayload {
    /// An access token object associated with the customer.
    pub customer_access_token: Option<CustomerAccessToken>,
    /// The list of errors that occurred from executing the mutation.
    pub customer_user_errors: Vec<CustomerUserError>,
}

/// The customer and new token of a redeemed activation or reset, or the errors to show.
type Redeemed = (Option<Customer>, Option<CustomerAccessToken>, UserErrors);

fn redeemed(customer: CustomerRecord, token: IssuedToken) -> Redeemed {
    (
        Some(Customer(customer)),
        Some(token.into()),
        UserErrors::default(),
    )
}

/// Shopify's top-level THROTTLED error, with a hint of when to retry.
pub fn throttled(retry_after_seconds: i64) -> async_graphql::Error {
    async_graphql::Error::new("Throttled").extend_with(|_, e| {
        e.set("code", crate::graphql::TopLevelCode::Throttled.as_str());
        e.set("retryAfterSeconds", retry_after_seconds);
    })
}

/// Password problems of a redeem, on the password's own path.
fn password_errors(ctx: &Context<'_>, argument: &str, err: AccountError) -> Result<UserErrors> {
    match err {
        AccountError::Invalid(problems) => Ok(UserErrors::from_problems(argument, problems)),
        other => Err(access::internal(ctx, other)),
    }
}

#[derive(Default)]
pub struct LifecycleMutation;

#[Object]
impl LifecycleMutation {
    /// Activates a customer account using an activation token received from the customerCreate mutation. The customer sets their password during activation and receives a CustomerAccessToken for authenticated access.
    async fn customer_activate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Specifies the customer to activate.")] id: ID,
        #[graphql(desc = "The fields used to activate a customer.")] input: CustomerActivateInput,
    ) -> Result<Option<CustomerActivatePayload>> {
        let accounts = access::storefront(ctx, "customerActivate", Scope::WriteCustomers)?;
        let (customer, token, errors) = match accounts
            .lifecycle()
            .redeem(
                Purpose::Activate,
                &id,
                &input.activation_token,
                &input.password,
            )
            .await
        {
            Ok((customer, token)) => redeemed(customer, token),
            Err(AccountError::Token(TokenFailure::Invalid)) => (
                None,
                None,
                UserErrors::token_error(
                    "input",
                    ErrorCode::TokenInvalid,
                    "Invalid activation token",
                ),
            ),
            Err(AccountError::Token(TokenFailure::AlreadyEnabled)) => (
                None,
                None,
                UserErrors::general(ErrorCode::AlreadyEnabled, "Customer already enabled"),
            ),
            Err(err) => (None, None, password_errors(ctx, "input", err)?),
        };
        Ok(Some(CustomerActivatePayload {
            customer,
            customer_access_token: token,
            customer_user_errors: errors.customer_user_errors,
            user_errors: errors.user_errors,
        }))
    }

    /// Activates a customer account using the full activation URL from the customerCreate mutation.
    async fn customer_activate_by_url(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer activation URL.")] activation_url: Url,
        #[graphql(desc = "A new password set during activation.")] password: String,
    ) -> Result<Option<CustomerActivateByUrlPayload>> {
        let accounts = access::storefront(ctx, "customerActivateByUrl", Scope::WriteCustomers)?;
        let (customer, token, errors) = match accounts
            .lifecycle()
            .redeem_url(Purpose::Activate, &activation_url.0, &password)
            .await
        {
            Ok((customer, token)) => redeemed(customer, token),
            Err(AccountError::Token(TokenFailure::Invalid)) => (
                None,
                None,
                UserErrors::from_problems(
                    "",
                    vec![crate::domain::problem::Problem::new(
                        "activationUrl",
                        ErrorCode::Invalid,
                        "Invalid activation url",
                    )],
                ),
            ),
            Err(AccountError::Token(TokenFailure::AlreadyEnabled)) => (
                None,
                None,
                UserErrors::general(ErrorCode::AlreadyEnabled, "Customer already enabled"),
            ),
            Err(err) => (None, None, password_errors(ctx, "", err)?),
        };
        Ok(Some(CustomerActivateByUrlPayload {
            customer,
            customer_access_token: token,
            customer_user_errors: errors.customer_user_errors,
        }))
    }

    /// Sends a reset password email to the customer. The email contains a reset password URL and token that you can pass to the customerResetByUrl or customerReset mutation to reset the customer's password. This mutation is throttled by IP.
    async fn customer_recover(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The email address of the customer to recover.")] email: String,
    ) -> Result<Option<CustomerRecoverPayload>> {
        let accounts = access::storefront(ctx, "customerRecover", Scope::WriteCustomers)?;
        let client_ip = ctx.data_opt::<RequestContext>().and_then(|r| r.client_ip);
        let errors = match accounts.lifecycle().recover(&email, client_ip).await {
            Ok(()) => UserErrors::default(),
            Err(AccountError::Invalid(problems)) => UserErrors::from_problems("", problems),
            Err(AccountError::Throttled {
                retry_after_seconds,
            }) => {
                crate::metrics::throttled("recover");
                return Err(throttled(retry_after_seconds));
            }
            Err(other) => return Err(access::internal(ctx, other)),
        };
        Ok(Some(CustomerRecoverPayload {
            customer_user_errors: errors.customer_user_errors,
            user_errors: errors.user_errors,
        }))
    }

    /// Resets a customer's password using the reset token from a password recovery email. On success, returns the updated Customer and a new CustomerAccessToken for immediate authentication.
    async fn customer_reset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Specifies the customer to reset.")] id: ID,
        #[graphql(desc = "The fields used to reset a customer’s password.")]
        input: CustomerResetInput,
    ) -> Result<Option<CustomerResetPayload>> {
        let accounts = access::storefront(ctx, "customerReset", Scope::WriteCustomers)?;
        let (customer, token, errors) = match accounts
            .lifecycle()
            .redeem(Purpose::Reset, &id, &input.reset_token, &input.password)
            .await
        {
            Ok((customer, token)) => redeemed(customer, token),
            Err(AccountError::Token(_)) => (
                None,
                None,
                UserErrors::token_error("input", ErrorCode::TokenInvalid, "Invalid reset token"),
            ),
            Err(err) => (None, None, password_errors(ctx, "input", err)?),
        };
        Ok(Some(CustomerResetPayload {
            customer,
            customer_access_token: token,
            customer_user_errors: errors.customer_user_errors,
            user_errors: errors.user_errors,
        }))
    }

    /// Resets a customer's password using the reset URL from a password recovery email. The reset URL is generated by the customerRecover mutation.
    async fn customer_reset_by_url(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "New password that will be set as part of the reset password process.")]
        password: String,
        #[graphql(desc = "The customer's reset password url.")] reset_url: Url,
    ) -> Result<Option<CustomerResetByUrlPayload>> {
        let accounts = access::storefront(ctx, "customerResetByUrl", Scope::WriteCustomers)?;
        let (customer, token, errors) = match accounts
            .lifecycle()
            .redeem_url(Purpose::Reset, &reset_url.0, &password)
            .await
        {
            Ok((customer, token)) => redeemed(customer, token),
            // Shopify answers an unknown or spent reset URL with a top-level NOT_FOUND.
            Err(AccountError::Token(_)) => {
                return Err(crate::graphql::errors::coded(
                    "Unidentified customer",
                    crate::graphql::TopLevelCode::NotFound,
                ));
            }
            Err(err) => (None, None, password_errors(ctx, "", err)?),
        };
        Ok(Some(CustomerResetByUrlPayload {
            customer,
            customer_access_token: token,
            customer_user_errors: errors.customer_user_errors,
            user_errors: errors.user_errors,
        }))
    }

    /// Creates a CustomerAccessToken using a multipass token instead of email and password. This enables single sign-on for customers who authenticate through an external system.
    async fn customer_access_token_create_with_multipass(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A valid multipass token to be authenticated.")] multipass_token: String,
    ) -> Result<Option<CustomerAccessTokenCreateWithMultipassPayload>> {
        let accounts = access::storefront(
            ctx,
            "customerAccessTokenCreateWithMultipass",
            Scope::WriteCustomers,
        )?;
        let client_ip = ctx.data_opt::<RequestContext>().and_then(|r| r.client_ip);
        let (token, errors) = match accounts
            .multipass()
            .multipass_sign_in(&multipass_token, client_ip)
            .await
        {
            Ok(issued) => (Some(issued.into()), UserErrors::default()),
            Err(AccountError::MultipassRejected) => (
                None,
                UserErrors::from_problems(
                    "",
                    vec![crate::domain::problem::Problem::new(
                        "multipassToken",
                        ErrorCode::InvalidMultipassRequest,
                        "Invalid Multipass request",
                    )],
                ),
            ),
            Err(other) => return Err(access::internal(ctx, other)),
        };
        Ok(Some(CustomerAccessTokenCreateWithMultipassPayload {
            customer_access_token: token,
            customer_user_errors: errors.customer_user_errors,
        }))
    }
}
