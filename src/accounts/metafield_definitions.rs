//! A shop's metafield definitions: what a namespace and key hold (type, validations), what the
//! merchant calls it, and who may see or change the values (`PUBLIC_READ` on the storefront,
//! `READ_WRITE` for the customer). Managed through the admin API and the command line.

use super::{AccountError, Actor, MetafieldDefinitions, now};
use crate::domain::ids::new_id;
use crate::domain::metafield::{
    CustomerAccountAccess, DefinitionRecord, IdentifierProblem, MAX_DEFINITIONS, OwnerType,
    StorefrontAccess, parse_key, parse_namespace,
};
use crate::domain::metafield_value::{MetafieldType, Validations};
use crate::store::metafields as store;
use crate::store::{StoreError, customer_audit, customers};

/// Longest name and description kept.
const MAX_NAME_CHARS: usize = 255;
const MAX_DESCRIPTION_CHARS: usize = 5_000;

/// A definition to create, or the changes to one (`type`, owner type, namespace and key name
/// it and cannot change; `None` keeps a setting).
#[derive(Debug, Clone, Default)]
pub struct DefinitionInput {
    pub owner_type: String,
    pub namespace: Option<String>,
    pub key: String,
    pub ty: Option<String>,
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub validations: Option<Vec<(String, String)>>,
    pub storefront: Option<StorefrontAccess>,
    pub customer_account: Option<CustomerAccountAccess>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefinitionErrorCode {
    Blank,
    Inclusion,
    Invalid,
    InvalidOption,
    LimitExceeded,
    NotFound,
    Taken,
    TooLong,
    TooShort,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionProblem {
    pub field: &'static str,
    pub code: DefinitionErrorCode,
    pub message: String,
}

fn problem(
    field: &'static str,
    code: DefinitionErrorCode,
    message: impl Into<String>,
) -> DefinitionProblem {
    DefinitionProblem {
        field,
        code,
        message: message.into(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DefinitionError {
    #[error("{} definition problem(s)", .0.len())]
    Invalid(Vec<DefinitionProblem>),
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<StoreError> for DefinitionError {
    fn from(err: StoreError) -> Self {
        DefinitionError::Account(err.into())
    }
}

fn identifier(field: &'static str, p: IdentifierProblem) -> DefinitionProblem {
    let code = match p {
        IdentifierProblem::TooShort(_) => DefinitionErrorCode::TooShort,
        IdentifierProblem::TooLong(_) => DefinitionErrorCode::TooLong,
        IdentifierProblem::Invalid(_) => DefinitionErrorCode::Invalid,
    };
    problem(field, code, p.message())
}

fn owner_type(text: &str) -> Result<OwnerType, DefinitionProblem> {
    OwnerType::parse(text).ok_or_else(|| {
        problem(
            "ownerType",
            DefinitionErrorCode::Inclusion,
            format!("Owner type '{text}' is not supported: only CUSTOMER definitions are served."),
        )
    })
}

fn name(text: &str) -> Result<String, DefinitionProblem> {
    let name = text.trim();
    if name.is_empty() {
        return Err(problem(
            "name",
            DefinitionErrorCode::Blank,
            "Name can't be blank",
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(problem(
            "name",
            DefinitionErrorCode::TooLong,
            format!("Name is too long (maximum is {MAX_NAME_CHARS} characters)"),
        ));
    }
    Ok(name.to_owned())
}

fn description(text: Option<String>) -> Result<Option<String>, DefinitionProblem> {
    let text = text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    if text
        .as_deref()
        .is_some_and(|t| t.chars().count() > MAX_DESCRIPTION_CHARS)
    {
        return Err(problem(
            "description",
            DefinitionErrorCode::TooLong,
            format!("Description is too long (maximum is {MAX_DESCRIPTION_CHARS} characters)"),
        ));
    }
    Ok(text)
}

fn validations(
    ty: MetafieldType,
    pairs: &[(String, String)],
) -> Result<Validations, DefinitionProblem> {
    Validations::from_pairs(ty, pairs)
        .map_err(|message| problem("validations", DefinitionErrorCode::InvalidOption, message))
}

/// The first error of a list of checks, or all of them.
fn collect<T>(results: Vec<Result<T, DefinitionProblem>>) -> Result<Vec<T>, DefinitionError> {
    let mut values = Vec::new();
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(v) => values.push(v),
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(DefinitionError::Invalid(problems))
    }
}

impl MetafieldDefinitions<'_> {
    pub async fn list(&self, owner: OwnerType) -> Result<Vec<DefinitionRecord>, AccountError> {
        Ok(store::definitions(self.inner.db.reader(), self.shop.id, owner).await?)
    }

    pub async fn by_id(&self, id: i64) -> Result<Option<DefinitionRecord>, AccountError> {
        Ok(store::definition_by_id(self.inner.db.reader(), self.shop.id, id).await?)
    }

    /// The definition of a namespace and key, if there is one.
    pub async fn find(
        &self,
        owner: OwnerType,
        namespace: &str,
        key: &str,
    ) -> Result<Option<DefinitionRecord>, AccountError> {
        Ok(store::definitions_for(
            self.inner.db.reader(),
            self.shop.id,
            owner,
            &[(namespace.to_owned(), key.to_owned())],
        )
        .await?
        .into_iter()
        .next())
    }

    /// `metafieldDefinitionCreate`.
    pub async fn create(
        &self,
        input: DefinitionInput,
    ) -> Result<DefinitionRecord, DefinitionError> {
        let owner = owner_type(&input.owner_type);
        let namespace =
            parse_namespace(input.namespace.as_deref()).map_err(|p| identifier("namespace", p));
        let key = parse_key(&input.key).map_err(|p| identifier("key", p));
        let ty = match input.ty.as_deref().map(str::trim) {
            None | Some("") => Err(problem(
                "type",
                DefinitionErrorCode::Blank,
                "Type can't be blank",
            )),
            Some(text) => MetafieldType::parse(text).ok_or_else(|| {
                problem(
                    "type",
                    DefinitionErrorCode::Inclusion,
                    format!("Type '{text}' is not a supported metafield type."),
                )
            }),
        };
        let name = name(input.name.as_deref().unwrap_or_default());
        let description = description(input.description.flatten());
        let rules = match &ty {
            Ok(ty) => validations(*ty, input.validations.as_deref().unwrap_or_default()),
            Err(_) => Ok(Validations::default()),
        };
        let mut problems = Vec::new();
        let owner = owner.map_err(|p| problems.push(p)).ok();
        let namespace = namespace.map_err(|p| problems.push(p)).ok();
        let key = key.map_err(|p| problems.push(p)).ok();
        let ty = ty.map_err(|p| problems.push(p)).ok();
        let name = name.map_err(|p| problems.push(p)).ok();
        let description = description.map_err(|p| problems.push(p)).ok();
        let rules = rules.map_err(|p| problems.push(p)).ok();
        let (
            Some(owner),
            Some(namespace),
            Some(key),
            Some(ty),
            Some(name),
            Some(description),
            Some(validations),
        ) = (owner, namespace, key, ty, name, description, rules)
        else {
            return Err(DefinitionError::Invalid(problems));
        };
        let at = now();
        let record = DefinitionRecord {
            id: new_id(),
            owner_type: owner,
            namespace,
            key,
            ty,
            name,
            description,
            validations,
            storefront: input.storefront.unwrap_or_default(),
            customer_account: input.customer_account.unwrap_or_default(),
            created_at: at,
            updated_at: at,
        };
        let txn = self
            .inner
            .db
            .begin_write()
            .await
            .map_err(AccountError::from)?;
        if store::count_definitions(&txn, self.shop.id, owner).await? >= MAX_DEFINITIONS {
            return Err(DefinitionError::Invalid(vec![problem(
                "ownerType",
                DefinitionErrorCode::LimitExceeded,
                format!("A shop can have at most {MAX_DEFINITIONS} definitions per owner type."),
            )]));
        }
        match store::insert_definition(&txn, self.shop.id, &record).await {
            Ok(()) => {}
            Err(StoreError::Taken(_)) => {
                return Err(DefinitionError::Invalid(vec![problem(
                    "key",
                    DefinitionErrorCode::Taken,
                    "Key is in use for CUSTOMER metafields on the 'namespace' namespace."
                        .replace("'namespace'", &format!("'{}'", record.namespace)),
                )]));
            }
            Err(other) => return Err(other.into()),
        }
        txn.commit().await.map_err(AccountError::from)?;
        tracing::info!(definition_id = record.id, "metafield definition created");
        Ok(record)
    }

    /// `metafieldDefinitionUpdate`: the definition named by owner type, namespace and key takes
    /// the settings sent. Its type cannot change (Shopify's rule: stored values would no
    /// longer be of their type).
    pub async fn update(
        &self,
        input: DefinitionInput,
    ) -> Result<DefinitionRecord, DefinitionError> {
        let owner = owner_type(&input.owner_type).map_err(|p| DefinitionError::Invalid(vec![p]))?;
        let namespace = parse_namespace(input.namespace.as_deref())
            .map_err(|p| DefinitionError::Invalid(vec![identifier("namespace", p)]))?;
        let found = self
            .find(owner, &namespace, &input.key)
            .await?
            .ok_or_else(|| {
                DefinitionError::Invalid(vec![problem(
                    "key",
                    DefinitionErrorCode::NotFound,
                    "Definition not found.",
                )])
            })?;
        if let Some(sent) = input.ty.as_deref().map(str::trim).filter(|t| !t.is_empty())
            && sent != found.ty.name()
        {
            return Err(DefinitionError::Invalid(vec![problem(
                "type",
                DefinitionErrorCode::Invalid,
                "Type can't be changed.",
            )]));
        }
        let mut updated = found.clone();
        let checks = collect(vec![
            input.name.as_deref().map(name).transpose().map(|n| {
                if let Some(n) = n {
                    updated.name = n;
                }
            }),
            input
                .description
                .clone()
                .map(description)
                .transpose()
                .map(|d| {
                    if let Some(d) = d {
                        updated.description = d;
                    }
                }),
            input
                .validations
                .as_deref()
                .map(|pairs| validations(found.ty, pairs))
                .transpose()
                .map(|v| {
                    if let Some(v) = v {
                        updated.validations = v;
                    }
                }),
        ]);
        checks?;
        if let Some(storefront) = input.storefront {
            updated.storefront = storefront;
        }
        if let Some(customer_account) = input.customer_account {
            updated.customer_account = customer_account;
        }
        updated.updated_at = now();
        let txn = self
            .inner
            .db
            .begin_write()
            .await
            .map_err(AccountError::from)?;
        store::update_definition(&txn, self.shop.id, &updated).await?;
        txn.commit().await.map_err(AccountError::from)?;
        Ok(updated)
    }

    /// `metafieldDefinitionDelete`. With `delete_values`, the values under the definition's
    /// namespace and key go too, each customer getting a version and an audit entry;
    /// without, they stay, as values without a definition (which the storefront never reads).
    /// `None` when the shop has no such definition.
    pub async fn delete(
        &self,
        actor: Option<Actor>,
        id: i64,
        delete_values: bool,
    ) -> Result<Option<DefinitionRecord>, AccountError> {
        let txn = self.inner.db.begin_write().await?;
        let Some(found) = store::definition_by_id(&txn, self.shop.id, id).await? else {
            return Ok(None);
        };
        if delete_values {
            let owners = store::owners_of(&txn, self.shop.id, &found.namespace, &found.key).await?;
            let at = now();
            for customer_id in owners {
                let before = customers::lock(&txn, self.shop.id, customer_id)
                    .await?
                    .map(|c| c.version);
                customers::touch(&txn, self.shop.id, customer_id, at).await?;
                customer_audit::record(
                    &txn,
                    self.shop.id,
                    &customer_audit::AuditEntry {
                        id: new_id(),
                        customer_id,
                        admin_token_id: actor.map(|a| a.admin_token_id),
                        action: "metafield_definition_delete".to_owned(),
                        version_before: before,
                        version_after: before.map(|v| v + 1),
                        at,
                    },
                )
                .await?;
            }
            store::delete_values_of(&txn, self.shop.id, &found.namespace, &found.key).await?;
        }
        store::delete_definition(&txn, self.shop.id, id).await?;
        txn.commit().await?;
        tracing::info!(
            definition_id = id,
            delete_values,
            "metafield definition deleted"
        );
        Ok(Some(found))
    }
}
