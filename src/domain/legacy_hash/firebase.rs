//! Placeholder: being written.

use super::LegacyHashError;

#[derive(Clone, serde::Deserialize)]
pub struct FirebaseParams {
    pub base64_signer_key: String,
    pub base64_salt_separator: String,
    pub rounds: u32,
    pub mem_cost: u32,
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct FirebaseHash;

impl FirebaseHash {
    pub fn new(
        _params: &FirebaseParams,
        _password_hash: &str,
        _salt: &str,
    ) -> Result<Self, LegacyHashError> {
        Err(LegacyHashError::new("not built yet"))
    }
}

impl super::Scheme for FirebaseHash {
    fn scheme(&self) -> &'static str {
        "firebase-scrypt"
    }
    fn verify(&self, _password: &[u8]) -> bool {
        false
    }
    fn is_fast(&self) -> bool {
        false
    }
    fn split_value(&self) -> (Self, Vec<u8>) {
        (self.clone(), Vec::new())
    }
    fn compute(&self, _password: &[u8]) -> Option<Vec<u8>> {
        None
    }
}
