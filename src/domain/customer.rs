//! Customers as the use cases read and write them.

/// Where a customer is in its life: Shopify's `CustomerState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerState {
    /// Can log in.
    Enabled,
    /// Created without a password (by the shop, or at checkout); cannot log in.
    Disabled,
    /// Sent an account invitation, not yet accepted.
    Invited,
    /// Declined the invitation.
    Declined,
}

impl CustomerState {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerState::Enabled => "enabled",
            CustomerState::Disabled => "disabled",
            CustomerState::Invited => "invited",
            CustomerState::Declined => "declined",
        }
    }

    /// A stored state; anything unknown is the safest state.
    pub fn parse(value: &str) -> Self {
        match value {
            "enabled" => CustomerState::Enabled,
            "invited" => CustomerState::Invited,
            "declined" => CustomerState::Declined,
            // Anything unknown is treated as the safest state: no login.
            _ => CustomerState::Disabled,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRecord {
    pub id: i64,
    pub email: String,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub accepts_marketing: bool,
    pub state: CustomerState,
    pub password_hash: Option<String>,
    pub tags: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub default_address_id: Option<i64>,
    /// Changes with every password change; activation and reset tokens carry it.
    pub security_stamp: String,
    pub activation_nonce_hash: Option<String>,
    pub reset_nonce_hash: Option<String>,
    pub(crate) multipass_identifier: Option<String>,
    /// When and how the customer proved the email address is theirs; `None` until then, and
    /// again after the address changes.
    pub email_proof: Option<(i64, EmailProof)>,
    /// Adds one with every change: the admin API's optimistic concurrency (`expectedVersion`).
    pub version: i64,
    /// The merchant's note about the customer (admin API only).
    pub note: Option<String>,
    /// When a requested erasure is due (housekeeping erases the customer then).
    pub erasure_due_at: Option<i64>,
}

/// How a customer proved their email address: by using a link mailed to it, by arriving
/// through the shop's Multipass sign-in (the shop vouches for the address), or by the shop's
/// word in the admin API (`verifiedEmail: true`, after checking it by its own means).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailProof {
    Activation,
    Reset,
    Multipass,
    Admin,
}

impl EmailProof {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailProof::Activation => "activation",
            EmailProof::Reset => "reset",
            EmailProof::Multipass => "multipass",
            EmailProof::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "activation" => Some(EmailProof::Activation),
            "reset" => Some(EmailProof::Reset),
            "multipass" => Some(EmailProof::Multipass),
            "admin" => Some(EmailProof::Admin),
            _ => None,
        }
    }
}

impl CustomerRecord {
    /// The shop's own id for the customer, set by Multipass sign-in.
    pub fn multipass_identifier(&self) -> Option<&str> {
        self.multipass_identifier.as_deref()
    }
}

#[derive(Clone)]
pub struct NewCustomer {
    pub id: i64,
    pub shop_id: i64,
    pub email: String,
    pub email_key: String,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub accepts_marketing: bool,
    pub state: CustomerState,
    pub password_hash: Option<String>,
    /// The merchant's note (the admin API's `customerCreate`).
    pub note: Option<String>,
    pub now: i64,
}

impl NewCustomer {
    /// The record `insert` would return, without writing it: the strict sign-up mode answers
    /// with it when the email already has an account.
    pub fn unsaved(self) -> CustomerRecord {
        CustomerRecord {
            id: self.id,
            email: self.email,
            phone: self.phone,
            first_name: self.first_name,
            last_name: self.last_name,
            accepts_marketing: self.accepts_marketing,
            state: self.state,
            password_hash: None,
            tags: Vec::new(),
            created_at: self.now,
            updated_at: self.now,
            default_address_id: None,
            security_stamp: String::new(),
            activation_nonce_hash: None,
            reset_nonce_hash: None,
            multipass_identifier: None,
            email_proof: None,
            version: 1,
            note: self.note,
            erasure_due_at: None,
        }
    }
}
