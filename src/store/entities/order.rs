use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub shop_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub customer_id: Option<i64>,
    pub external_customer_id: Option<i64>,
    pub email_key: Option<String>,
    pub order_number: i64,
    pub name: String,
    pub processed_at: i64,
    pub total_price_key: i64,
    pub remote_updated_at: Option<i64>,
    pub content_digest: String,
    pub key_digest: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub document: Option<String>,
    pub deleted_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
