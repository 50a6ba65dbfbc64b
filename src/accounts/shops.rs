//! Shops, for the operator: the default shop the configuration describes, and the others made
//! with `storefront shops create`.

use std::sync::Arc;

use secrecy::SecretString;

use super::{AccountError, Accounts, now};
use crate::domain::ids::new_id;
use crate::domain::password::PasswordPolicy;
use crate::domain::shop::{self, DEFAULT_HANDLE, Shop, ShopHandle, ShopSettings};
use crate::store::{StoreError, UniqueKey, shops};

/// The default shop as the configuration's `[shop]` section (and the password and Multipass
/// settings) describe it.
#[derive(Debug, Clone)]
pub struct DefaultShop {
    pub id: i64,
    pub name: String,
    pub domain: String,
    pub password_policy: PasswordPolicy,
    pub multipass_secret: Option<SecretString>,
    /// `None` keeps the stored secret (set with `storefront shops update default`).
    pub shopify_webhook_secret: Option<SecretString>,
    /// `None` keeps the stored template.
    pub order_url_template: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ShopError {
    #[error("{0}")]
    Invalid(String),
    #[error("a shop with the handle {0} exists already")]
    HandleTaken(String),
    #[error("no shop has the handle {0}")]
    NotFound(String),
    #[error(
        "the default shop is described by the configuration's [shop] section (and the password \
         and Multipass settings): change it there"
    )]
    DefaultIsConfigured,
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<StoreError> for ShopError {
    fn from(err: StoreError) -> Self {
        ShopError::Account(err.into())
    }
}

impl From<sea_orm::DbErr> for ShopError {
    fn from(err: sea_orm::DbErr) -> Self {
        ShopError::Account(err.into())
    }
}

impl Accounts {
    /// Makes the default shop what the configuration says, on every start: on the first, it is
    /// created (with the id the configuration names, which the rows of a single-shop database
    /// already carry); later, a changed name, domain, policy or Multipass secret is applied.
    pub async fn sync_default_shop(&self, config: DefaultShop) -> Result<Arc<Shop>, ShopError> {
        shop::validate(&config.name, &config.domain, &config.password_policy)
            .map_err(ShopError::Invalid)?;
        if let Some(template) = &config.order_url_template {
            shop::validate_order_url_template(template).map_err(ShopError::Invalid)?;
        }
        let handle = default_handle()?;
        let now = now();
        let txn = self.inner.db.begin_write().await?;
        let stored = shops::find_by_handle(&txn, &handle).await?;
        let shop = match stored {
            Some(mut shop) => {
                if shop.id != config.id {
                    return Err(ShopError::Invalid(format!(
                        "the default shop has the id {}, but shop.id says {}: shop.id cannot change once rows carry it",
                        shop.id, config.id
                    )));
                }
                let shopify_secret = config
                    .shopify_webhook_secret
                    .or_else(|| shop.shopify_webhook_secret.clone());
                let order_url_template = config
                    .order_url_template
                    .or_else(|| shop.order_url_template.clone());
                let changed = shop.name != config.name
                    || shop.domain != config.domain
                    || shop.password_policy != config.password_policy
                    || secret_differs(&shop.multipass_secret, &config.multipass_secret)
                    || secret_differs(&shop.shopify_webhook_secret, &shopify_secret)
                    || shop.order_url_template != order_url_template;
                if changed {
                    shop.shopify_webhook_secret = shopify_secret;
                    shop.order_url_template = order_url_template;
                    shop.name = config.name;
                    shop.domain = config.domain;
                    shop.password_policy = config.password_policy;
                    shop.multipass_secret = config.multipass_secret;
                    shop.updated_at = now;
                    shops::save(&txn, &shop).await?;
                    tracing::info!(shop = %shop.handle, "default shop updated from the configuration");
                }
                shop
            }
            None => {
                let shop = Shop {
                    id: config.id,
                    handle,
                    name: config.name,
                    domain: config.domain,
                    mail_from: None,
                    password_policy: config.password_policy,
                    multipass_secret: config.multipass_secret,
                    webhook_secret: None,
                    shopify_webhook_secret: config.shopify_webhook_secret,
                    order_url_template: config.order_url_template,
                    created_at: now,
                    updated_at: now,
                };
                shops::insert(&txn, &shop).await?;
                tracing::info!(shop = %shop.handle, id = shop.id, "default shop created from the configuration");
                shop
            }
        };
        txn.commit().await?;
        self.inner.db.forget_storefront_access();
        Ok(Arc::new(shop))
    }

    /// A new shop. Name and domain are required; the password policy defaults to the built-in
    /// one and mail goes out from `mail.from` unless the shop has a sender of its own.
    pub async fn create_shop(
        &self,
        handle: &str,
        settings: ShopSettings,
    ) -> Result<Arc<Shop>, ShopError> {
        let handle = ShopHandle::parse(handle).map_err(ShopError::Invalid)?;
        let defaults = PasswordPolicy::default();
        let now = now();
        let shop = Shop {
            id: new_id(),
            handle: handle.clone(),
            name: settings.name.unwrap_or_default(),
            domain: settings.domain.unwrap_or_default(),
            mail_from: settings.mail_from.flatten(),
            password_policy: PasswordPolicy {
                min_length: settings.password_min_length.unwrap_or(defaults.min_length),
                max_length: settings.password_max_length.unwrap_or(defaults.max_length),
            },
            multipass_secret: settings.multipass_secret.flatten(),
            webhook_secret: settings.webhook_secret.flatten(),
            shopify_webhook_secret: settings.shopify_webhook_secret.flatten(),
            order_url_template: settings.order_url_template.flatten(),
            created_at: now,
            updated_at: now,
        };
        shop::validate(&shop.name, &shop.domain, &shop.password_policy)
            .map_err(ShopError::Invalid)?;
        if let Some(template) = &shop.order_url_template {
            shop::validate_order_url_template(template).map_err(ShopError::Invalid)?;
        }
        let txn = self.inner.db.begin_write().await?;
        match shops::insert(&txn, &shop).await {
            Ok(()) => {}
            Err(StoreError::Taken(UniqueKey::ShopHandle)) => {
                return Err(ShopError::HandleTaken(handle.to_string()));
            }
            Err(other) => return Err(other.into()),
        }
        txn.commit().await?;
        self.inner.db.forget_storefront_access();
        tracing::info!(shop = %shop.handle, id = shop.id, "shop created");
        Ok(Arc::new(shop))
    }

    /// Changes a shop's settings. The default shop is the configuration's to change, except
    /// for what the configuration may leave unset: its Shopify webhook secret and order links.
    pub async fn update_shop(
        &self,
        handle: &str,
        settings: ShopSettings,
    ) -> Result<Arc<Shop>, ShopError> {
        let handle = ShopHandle::parse(handle).map_err(ShopError::Invalid)?;
        if handle.as_str() == DEFAULT_HANDLE && settings.touches_configured_settings() {
            return Err(ShopError::DefaultIsConfigured);
        }
        let txn = self.inner.db.begin_write().await?;
        let mut shop = shops::find_by_handle(&txn, &handle)
            .await?
            .ok_or_else(|| ShopError::NotFound(handle.to_string()))?;
        if let Some(name) = settings.name {
            shop.name = name;
        }
        if let Some(domain) = settings.domain {
            shop.domain = domain;
        }
        if let Some(mail_from) = settings.mail_from {
            shop.mail_from = mail_from;
        }
        if let Some(min) = settings.password_min_length {
            shop.password_policy.min_length = min;
        }
        if let Some(max) = settings.password_max_length {
            shop.password_policy.max_length = max;
        }
        if let Some(secret) = settings.multipass_secret {
            shop.multipass_secret = secret;
        }
        if let Some(secret) = settings.webhook_secret {
            shop.webhook_secret = secret;
        }
        if let Some(secret) = settings.shopify_webhook_secret {
            shop.shopify_webhook_secret = secret;
        }
        if let Some(template) = settings.order_url_template {
            shop.order_url_template = template;
        }
        shop::validate(&shop.name, &shop.domain, &shop.password_policy)
            .map_err(ShopError::Invalid)?;
        if let Some(template) = &shop.order_url_template {
            shop::validate_order_url_template(template).map_err(ShopError::Invalid)?;
        }
        shop.updated_at = now();
        shops::save(&txn, &shop).await?;
        txn.commit().await?;
        self.inner.db.forget_storefront_access();
        tracing::info!(shop = %shop.handle, "shop updated");
        Ok(Arc::new(shop))
    }

    pub async fn shops(&self) -> Result<Vec<Shop>, AccountError> {
        Ok(shops::list(self.inner.db.reader()).await?)
    }

    pub async fn shop_by_handle(&self, handle: &str) -> Result<Option<Arc<Shop>>, ShopError> {
        let handle = ShopHandle::parse(handle).map_err(ShopError::Invalid)?;
        Ok(shops::find_by_handle(self.inner.db.reader(), &handle)
            .await?
            .map(Arc::new))
    }

    pub async fn shop_by_id(&self, id: i64) -> Result<Option<Arc<Shop>>, AccountError> {
        Ok(shops::find_by_id(self.inner.db.reader(), id)
            .await?
            .map(Arc::new))
    }

    /// The default shop, which the server creates from its configuration at start-up.
    pub async fn default_shop(&self) -> Result<Arc<Shop>, ShopError> {
        self.shop_by_handle(DEFAULT_HANDLE)
            .await?
            .ok_or_else(|| ShopError::NotFound(DEFAULT_HANDLE.to_owned()))
    }
}

fn default_handle() -> Result<ShopHandle, ShopError> {
    ShopHandle::parse(DEFAULT_HANDLE).map_err(ShopError::Invalid)
}

fn secret_differs(a: &Option<SecretString>, b: &Option<SecretString>) -> bool {
    use secrecy::ExposeSecret;
    a.as_ref().map(ExposeSecret::expose_secret) != b.as_ref().map(ExposeSecret::expose_secret)
}
