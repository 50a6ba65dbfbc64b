use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub shop_id: i64,
    pub email: String,
    pub email_key: String,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub accepts_marketing: bool,
    pub state: String,
    pub password_hash: Option<String>,
    pub tags: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub default_address_id: Option<i64>,
    pub security_stamp: Option<String>,
    pub activation_nonce_hash: Option<String>,
    pub reset_nonce_hash: Option<String>,
    pub multipass_identifier: Option<String>,
    pub email_verified_at: Option<i64>,
    pub email_verified_by: Option<String>,
    pub version: i64,
    pub note: Option<String>,
    pub erasure_due_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
