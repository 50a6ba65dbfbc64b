use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "metafield_definitions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub shop_id: i64,
    pub owner_type: String,
    pub namespace: String,
    pub key: String,
    #[sea_orm(column_name = "type")]
    pub r#type: String,
    pub name: String,
    pub description: Option<String>,
    pub validations: String,
    pub storefront_access: String,
    pub customer_account_access: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
