use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shops")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub handle: String,
    pub name: String,
    pub domain: String,
    pub mail_from: Option<String>,
    pub password_min_length: i32,
    pub password_max_length: i32,
    pub multipass_secret: Option<String>,
    pub webhook_secret: Option<String>,
    pub shopify_webhook_secret: Option<String>,
    pub order_url_template: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
