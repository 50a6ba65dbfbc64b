//! The admin API's part in a customer's account lifecycle: an activation URL, the invitation
//! mail, disabling and enabling (extensions of this server).

use async_graphql::{Context, ID, Object, Result, SimpleObject};

use super::context::shop_for;
use super::customer::Customer;
use super::user_errors::{UserError, customer_id, expected, failure, outcome};
use crate::accounts::ErasureRequested;
use crate::domain::admin_token::Scope;
use crate::graphql::storefront::scalars::{DateTime, UnsignedInt64, Url};

/// Return type for `customerGenerateAccountActivationUrl` mutation.
#[derive(SimpleObject)]
pub struct CustomerGenerateAccountActivationUrlPayload {
    /// The generated account activation URL.
    pub account_activation_url: Option<Url>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerSendAccountInviteEmail` mutation.
#[derive(SimpleObject)]
pub struct CustomerSendAccountInviteEmailPayload {
    /// The customer to whom an account invite email was sent.
    pub customer: Option<Customer>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerDisable` and `customerEnable`. An extension of this server.
#[derive(SimpleObject)]
pub struct CustomerStatePayload {
    /// The customer, as it is afterwards (the current one after a `CONCURRENT_MODIFICATION`).
    pub customer: Option<Customer>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerRequestDataErasure` mutation.
#[derive(SimpleObject)]
pub struct CustomerRequestDataErasurePayload {
    /// The ID of the customer whose data will be erased.
    pub customer_id: Option<ID>,
    /// When the erasure happens: now (the customer is gone) without a hold, later with one. An extension of this server.
    pub erasure_due_at: Option<DateTime>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

/// Return type for `customerCancelDataErasure` mutation.
#[derive(SimpleObject)]
pub struct CustomerCancelDataErasurePayload {
    /// The ID of the customer whose pending data erasure has been cancelled.
    pub customer_id: Option<ID>,
    /// The list of errors that occurred from executing the mutation.
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct LifecycleMutation;

#[Object]
impl LifecycleMutation {
    /// Generate an account activation URL for a customer whose account is not yet enabled. The URL is one-time use; it expires after 30 days (the configured activation lifetime) and becomes invalid when a new one is generated or an invite is sent.
    async fn customer_generate_account_activation_url(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the customer that the URL is generated for.")] customer_id: ID,
    ) -> Result<CustomerGenerateAccountActivationUrlPayload> {
        let (shop, actor) = shop_for(
            ctx,
            Scope::WriteCustomers,
            "customerGenerateAccountActivationUrl",
        )?;
        let id = match self::customer_id(&customer_id, &["customerId"]) {
            Ok(id) => id,
            Err(error) => {
                return Ok(CustomerGenerateAccountActivationUrlPayload {
                    account_activation_url: None,
                    user_errors: vec![error],
                });
            }
        };
        match shop.back_office().generate_activation_url(actor, id).await {
            Ok(url) => Ok(CustomerGenerateAccountActivationUrlPayload {
                account_activation_url: Some(Url(url)),
                user_errors: Vec::new(),
            }),
            Err(err) => {
                let (_, user_errors) = outcome(ctx, Err(err), "customerId")?;
                Ok(CustomerGenerateAccountActivationUrlPayload {
                    account_activation_url: None,
                    user_errors,
                })
            }
        }
    }

    /// Sends the customer an account invite email: the shop's activation mail. The customer becomes `INVITED`; an earlier activation URL stops working.
    async fn customer_send_account_invite_email(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the customer to whom an account invite email is to be sent.")]
        customer_id: ID,
    ) -> Result<CustomerSendAccountInviteEmailPayload> {
        let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, "customerSendAccountInviteEmail")?;
        let id = match self::customer_id(&customer_id, &["customerId"]) {
            Ok(id) => id,
            Err(error) => {
                return Ok(CustomerSendAccountInviteEmailPayload {
                    customer: None,
                    user_errors: vec![error],
                });
            }
        };
        let result = shop.back_office().send_invite(actor, id).await;
        let (customer, user_errors) = outcome(ctx, result, "customerId")?;
        Ok(CustomerSendAccountInviteEmailPayload {
            customer,
            user_errors,
        })
    }

    /// Enqueues a request to erase the customer's data: after the shop's hold (`customers.erasure_hold_days`, 0 by default: at once), the customer, their addresses, sessions, tags and mail are erased, and their orders stay with personal data redacted. Until then `customerCancelDataErasure` can withdraw it.
    async fn customer_request_data_erasure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the customer to erase.")] customer_id: ID,
    ) -> Result<CustomerRequestDataErasurePayload> {
        let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, "customerRequestDataErasure")?;
        let id = match self::customer_id(&customer_id, &["customerId"]) {
            Ok(id) => id,
            Err(error) => {
                return Ok(CustomerRequestDataErasurePayload {
                    customer_id: None,
                    erasure_due_at: None,
                    user_errors: vec![error],
                });
            }
        };
        match shop.back_office().request_erasure(actor, id).await {
            Ok(outcome) => Ok(CustomerRequestDataErasurePayload {
                customer_id: Some(customer_id),
                erasure_due_at: Some(DateTime(match outcome {
                    ErasureRequested::Erased => crate::accounts::now(),
                    ErasureRequested::Due(at) => at,
                })),
                user_errors: Vec::new(),
            }),
            Err(err) => {
                let (_, user_errors) = failure(ctx, err, "customerId")?;
                Ok(CustomerRequestDataErasurePayload {
                    customer_id: None,
                    erasure_due_at: None,
                    user_errors,
                })
            }
        }
    }

    /// Cancels a pending erasure of the customer's data.
    async fn customer_cancel_data_erasure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the customer for whom to cancel a pending data erasure.")]
        customer_id: ID,
    ) -> Result<CustomerCancelDataErasurePayload> {
        let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, "customerCancelDataErasure")?;
        let id = match self::customer_id(&customer_id, &["customerId"]) {
            Ok(id) => id,
            Err(error) => {
                return Ok(CustomerCancelDataErasurePayload {
                    customer_id: None,
                    user_errors: vec![error],
                });
            }
        };
        match shop.back_office().cancel_erasure(actor, id).await {
            Ok(()) => Ok(CustomerCancelDataErasurePayload {
                customer_id: Some(customer_id),
                user_errors: Vec::new(),
            }),
            Err(err) => {
                let (_, user_errors) = failure(ctx, err, "customerId")?;
                Ok(CustomerCancelDataErasurePayload {
                    customer_id: None,
                    user_errors,
                })
            }
        }
    }

    /// Disables a customer: they cannot log in, and every session of theirs ends at once. An extension of this server.
    async fn customer_disable(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the customer.")] customer_id: ID,
        #[graphql(desc = "Change the customer only if its `version` is still this one.")]
        expected_version: Option<UnsignedInt64>,
    ) -> Result<CustomerStatePayload> {
        set_enabled(ctx, &customer_id, false, expected(expected_version)).await
    }

    /// Enables a disabled customer who has a password (one without is sent an invite instead). An extension of this server.
    async fn customer_enable(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ID of the customer.")] customer_id: ID,
        #[graphql(desc = "Change the customer only if its `version` is still this one.")]
        expected_version: Option<UnsignedInt64>,
    ) -> Result<CustomerStatePayload> {
        set_enabled(ctx, &customer_id, true, expected(expected_version)).await
    }
}

async fn set_enabled(
    ctx: &Context<'_>,
    id: &ID,
    enabled: bool,
    expected_version: Option<i64>,
) -> Result<CustomerStatePayload> {
    let field = if enabled {
        "customerEnable"
    } else {
        "customerDisable"
    };
    let (shop, actor) = shop_for(ctx, Scope::WriteCustomers, field)?;
    let id = match customer_id(id, &["customerId"]) {
        Ok(id) => id,
        Err(error) => {
            return Ok(CustomerStatePayload {
                customer: None,
                user_errors: vec![error],
            });
        }
    };
    let result = shop
        .back_office()
        .set_enabled(actor, id, enabled, expected_version)
        .await;
    let (customer, user_errors) = outcome(ctx, result, "customerId")?;
    Ok(CustomerStatePayload {
        customer,
        user_errors,
    })
}
