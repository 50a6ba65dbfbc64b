//! The admin API's customer list: a parsed search (`domain::customer_search`) as SQL, sorted
//! pages read by keyset from a cursor, and exact counts. Every statement names the shop.
//!
//! What uses an index: `email:` (the shop's unique email key; a prefix of letters and digits
//! as a range on it), `tag:` (`customer_tags`), `id:`, `created_at:` and `updated_at:` (their
//! own indexes). Names, phone, country, state and `orders_count:` are checked row by row
//! within the shop.

use sea_orm::sea_query::{
    Condition, Expr, ExprTrait, LikeExpr, Order, Query, SimpleExpr, SubQueryStatement,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use super::entities::{customer, customer_address, customer_tag, order};
use super::error::StoreError;
use crate::domain::customer::CustomerRecord;
use crate::domain::customer_search::{Comparator, Expr as Search, Field, Term, Value};

/// `CustomerSortKeys`; `RELEVANCE` is `ID` (the supported filters match or they do not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerSort {
    Id,
    CreatedAt,
    UpdatedAt,
    Name,
}

/// A position in a sorted list: the sort value of the last customer seen and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerCursor {
    pub id: i64,
    pub value: SortValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortValue {
    /// The id itself (`ID`).
    None,
    Integer(i64),
    Text(String),
}

impl CustomerSort {
    /// The value `record` is sorted by.
    pub fn value_of(self, record: &CustomerRecord) -> SortValue {
        match self {
            CustomerSort::Id => SortValue::None,
            CustomerSort::CreatedAt => SortValue::Integer(record.created_at),
            CustomerSort::UpdatedAt => SortValue::Integer(record.updated_at),
            CustomerSort::Name => SortValue::Text(sort_name(record)),
        }
    }

    fn expr(self) -> SimpleExpr {
        match self {
            CustomerSort::Id => Expr::col((customer::Entity, customer::Column::Id)),
            CustomerSort::CreatedAt => Expr::col((customer::Entity, customer::Column::CreatedAt)),
            CustomerSort::UpdatedAt => Expr::col((customer::Entity, customer::Column::UpdatedAt)),
            // The same text as `sort_name`. Not case-folded: the two databases fold case
            // differently, and a cursor must hold exactly the value the database sorted by.
            CustomerSort::Name => Expr::cust(
                "coalesce(customers.first_name, '') || ' ' || coalesce(customers.last_name, '')",
            ),
        }
    }
}

/// What `NAME` sorts by, as the database computes it (`CustomerSort::expr`).
fn sort_name(record: &CustomerRecord) -> String {
    format!(
        "{} {}",
        record.first_name.as_deref().unwrap_or_default(),
        record.last_name.as_deref().unwrap_or_default()
    )
}

/// One page: read in the given direction from just past `after`, short of `before`.
pub struct CustomerPageQuery<'a> {
    pub filter: Option<&'a Search>,
    pub sort: CustomerSort,
    pub descending: bool,
    pub after: Option<&'a CustomerCursor>,
    pub before: Option<&'a CustomerCursor>,
    pub limit: u64,
    /// `Database::text_order_is_binary`.
    pub binary_text: bool,
}

/// How the database orders text: what a prefix can be turned into (`prefix_range`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Collation {
    /// By code point: SQLite's BINARY, PostgreSQL's "C".
    Binary,
    /// A PostgreSQL database's other collations, perhaps linguistic ones.
    Database,
}

impl Collation {
    fn of(binary: bool) -> Self {
        if binary {
            Collation::Binary
        } else {
            Collation::Database
        }
    }

    fn is_binary(self) -> bool {
        self == Collation::Binary
    }
}

/// What every condition is built in: the shop, and how its database orders text.
#[derive(Debug, Clone, Copy)]
struct Scope {
    shop_id: i64,
    collation: Collation,
}

fn filtered(scope: Scope, filter: Option<&Search>) -> Select<customer::Entity> {
    let query = customer::Entity::find().filter(customer::Column::ShopId.eq(scope.shop_id));
    match filter {
        Some(filter) => query.filter(condition(scope, filter)),
        None => query,
    }
}

pub async fn page(
    db: &impl ConnectionTrait,
    shop_id: i64,
    request: CustomerPageQuery<'_>,
) -> Result<Vec<CustomerRecord>, StoreError> {
    let scope = Scope {
        shop_id,
        collation: Collation::of(request.binary_text),
    };
    let mut query = filtered(scope, request.filter);
    if let Some(after) = request.after {
        query = query.filter(past(request.sort, after, request.descending));
    }
    if let Some(before) = request.before {
        query = query.filter(past(request.sort, before, !request.descending));
    }
    let direction = if request.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    if request.sort != CustomerSort::Id {
        query = query.order_by(request.sort.expr(), direction.clone());
    }
    Ok(query
        .order_by(customer::Column::Id, direction)
        .limit(request.limit)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// How many customers match, exactly.
pub async fn count(
    db: &impl ConnectionTrait,
    shop_id: i64,
    filter: Option<&Search>,
    binary_text: bool,
) -> Result<u64, StoreError> {
    let scope = Scope {
        shop_id,
        collation: Collation::of(binary_text),
    };
    // A search for one tag is counted in the tag index alone: each of its rows there is one
    // customer of the shop, so reading the customers (a thousand lookups for a common tag) adds
    // nothing. Not for a prefix, which may match two tags of one customer.
    if let Some(Search::Term(
        term @ Term {
            field: Field::Tag,
            value: Value::Text(_),
            ..
        },
    )) = filter
    {
        return Ok(customer_tag::Entity::find()
            .filter(customer_tag::Column::ShopId.eq(shop_id))
            .filter(text_match(
                Expr::col((customer_tag::Entity, customer_tag::Column::TagKey)),
                &term.value,
                Some(scope.collation),
            ))
            .count(db)
            .await?);
    }
    Ok(filtered(scope, filter).count(db).await?)
}

/// Rows strictly past `cursor` in the order (value, id), ascending or descending.
fn past(sort: CustomerSort, cursor: &CustomerCursor, descending: bool) -> Condition {
    let id = Expr::col((customer::Entity, customer::Column::Id));
    let beyond = |left: SimpleExpr, right: SimpleExpr| {
        if descending {
            left.lt(right)
        } else {
            left.gt(right)
        }
    };
    let value: SimpleExpr = match &cursor.value {
        SortValue::None => return Condition::all().add(beyond(id, cursor.id.into())),
        SortValue::Integer(value) => (*value).into(),
        SortValue::Text(value) => value.clone().into(),
    };
    Condition::any()
        .add(beyond(sort.expr(), value.clone()))
        .add(
            Condition::all()
                .add(sort.expr().eq(value))
                .add(beyond(id, cursor.id.into())),
        )
}

/// A search as a condition on `customers`.
fn condition(scope: Scope, search: &Search) -> Condition {
    match search {
        Search::Term(term) => Condition::all().add(term_condition(scope, term)),
        Search::And(parts) => parts.iter().fold(Condition::all(), |all, part| {
            all.add(condition(scope, part))
        }),
        Search::Or(parts) => parts.iter().fold(Condition::any(), |any, part| {
            any.add(condition(scope, part))
        }),
        Search::Not(inner) => condition(scope, inner).not(),
    }
}

fn compare(left: SimpleExpr, comparator: Comparator, right: SimpleExpr) -> SimpleExpr {
    match comparator {
        Comparator::Eq => left.eq(right),
        Comparator::Lt => left.lt(right),
        Comparator::Le => left.lte(right),
        Comparator::Gt => left.gt(right),
        Comparator::Ge => left.gte(right),
    }
}

/// `value%` for LIKE, with LIKE's wildcards in the value escaped.
fn like_prefix(value: &str) -> LikeExpr {
    let mut pattern = String::with_capacity(value.len() + 1);
    for c in value.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    LikeExpr::new(pattern).escape('\\')
}

/// A prefix as a range on an indexed text column, so that the index finds it (`LIKE` reads
/// every row of the shop). SQLite compares text byte by byte (the BINARY collation), in which
/// order the strings starting with a prefix are exactly those from it up to the prefix with
/// its last character's successor. PostgreSQL may sort by a linguistic collation, in which
/// punctuation is ignored at first: there only prefixes of ASCII letters and digits, whose
/// order every collation agrees on, become a range. `None` otherwise.
fn prefix_range(prefix: &str, binary_collation: bool) -> Option<(String, String)> {
    let last = prefix.chars().last()?;
    let successor = if binary_collation {
        char::from_u32(u32::from(last) + 1).or_else(|| char::from_u32(u32::from(last) + 0x801))?
    } else {
        if !prefix
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            || last == 'z'
        {
            return None;
        }
        char::from(last as u8 + 1)
    };
    let mut upper: String = prefix[..prefix.len() - last.len_utf8()].to_owned();
    upper.push(successor);
    Some((prefix.to_owned(), upper))
}

/// A lower-cased text column against a text or prefix value.
fn text_match(column: SimpleExpr, value: &Value, indexed: Option<Collation>) -> SimpleExpr {
    // No stored text holds a NUL character (PostgreSQL refuses one even as a parameter): such a
    // value matches nothing, without asking the database.
    if let Value::Text(text) | Value::Prefix(text) = value
        && text.contains('\0')
    {
        return Expr::val(1).eq(0);
    }
    match value {
        Value::Text(text) => column.eq(text.to_lowercase()),
        Value::Prefix(prefix) => {
            let prefix = prefix.to_lowercase();
            match indexed.and_then(|collation| prefix_range(&prefix, collation.is_binary())) {
                Some((low, high)) => column.clone().gte(low).and(column.lt(high)),
                None => column.like(like_prefix(&prefix)),
            }
        }
        // The parser gives text fields text values only; anything else matches nothing.
        _ => Expr::val(1).eq(0),
    }
}

fn lower(column: impl sea_orm::sea_query::IntoColumnRef) -> SimpleExpr {
    sea_orm::sea_query::Func::lower(Expr::col(column)).into()
}

fn term_condition(scope: Scope, term: &Term) -> SimpleExpr {
    let shop_id = scope.shop_id;
    let indexed = Some(scope.collation);
    let col = |column: customer::Column| Expr::col((customer::Entity, column));
    let customer_id = || col(customer::Column::Id);
    match (&term.field, &term.value) {
        (Field::Default, value) => {
            // A bare word: a prefix of the email, the first or the last name.
            let prefix = match value {
                Value::Text(text) | Value::Prefix(text) => Value::Prefix(text.clone()),
                other => other.clone(),
            };
            text_match(col(customer::Column::EmailKey), &prefix, indexed)
                .or(text_match(
                    lower((customer::Entity, customer::Column::FirstName)),
                    &prefix,
                    None,
                ))
                .or(text_match(
                    lower((customer::Entity, customer::Column::LastName)),
                    &prefix,
                    None,
                ))
        }
        (Field::Email, value) => text_match(col(customer::Column::EmailKey), value, indexed),
        (Field::FirstName, value) => text_match(
            lower((customer::Entity, customer::Column::FirstName)),
            value,
            None,
        ),
        (Field::LastName, value) => text_match(
            lower((customer::Entity, customer::Column::LastName)),
            value,
            None,
        ),
        (Field::Phone, value) => {
            // Stored in E.164; a number written otherwise is read the way sign-up reads it.
            let value = match value {
                Value::Text(text) => Value::Text(
                    crate::domain::phone::parse_phone(text)
                        .ok()
                        .flatten()
                        .unwrap_or_else(|| text.clone()),
                ),
                other => other.clone(),
            };
            text_match(col(customer::Column::Phone), &value, None)
        }
        (Field::Country, value) => {
            let matches = match value {
                Value::Text(text) | Value::Prefix(text) => Condition::any()
                    .add(text_match(
                        lower((
                            customer_address::Entity,
                            customer_address::Column::CountryCode,
                        )),
                        &Value::Text(text.clone()),
                        None,
                    ))
                    .add(text_match(
                        lower((customer_address::Entity, customer_address::Column::Country)),
                        value,
                        None,
                    )),
                _ => Condition::all().add(Expr::val(1).eq(0)),
            };
            let addresses = Query::select()
                .column(customer_address::Column::CustomerId)
                .from(customer_address::Entity)
                .and_where(customer_address::Column::ShopId.eq(shop_id))
                .cond_where(matches)
                .to_owned();
            customer_id().in_subquery(addresses)
        }
        (Field::Tag, value) => {
            let tagged = Query::select()
                .column(customer_tag::Column::CustomerId)
                .from(customer_tag::Entity)
                .and_where(customer_tag::Column::ShopId.eq(shop_id))
                .and_where(text_match(
                    Expr::col((customer_tag::Entity, customer_tag::Column::TagKey)),
                    value,
                    indexed,
                ))
                .to_owned();
            customer_id().in_subquery(tagged)
        }
        (Field::State, Value::State(state)) => col(customer::Column::State).eq(state.as_str()),
        (Field::AcceptsMarketing, Value::Boolean(yes)) => {
            col(customer::Column::AcceptsMarketing).eq(*yes)
        }
        (Field::CreatedAt, Value::Timestamp(at)) => compare(
            col(customer::Column::CreatedAt),
            term.comparator,
            (*at).into(),
        ),
        (Field::UpdatedAt, Value::Timestamp(at)) => compare(
            col(customer::Column::UpdatedAt),
            term.comparator,
            (*at).into(),
        ),
        (Field::OrdersCount, Value::Integer(n)) => {
            let orders = Query::select()
                .expr(Expr::col((order::Entity, order::Column::Id)).count())
                .from(order::Entity)
                .and_where(order::Column::ShopId.eq(shop_id))
                .and_where(
                    Expr::col((order::Entity, order::Column::CustomerId))
                        .equals((customer::Entity, customer::Column::Id)),
                )
                .and_where(order::Column::DeletedAt.is_null())
                .to_owned();
            compare(
                SimpleExpr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(orders))),
                term.comparator,
                (*n).into(),
            )
        }
        (Field::Id, Value::Integer(id)) => compare(customer_id(), term.comparator, (*id).into()),
        // The parser types every field's value; a mismatch can only match nothing.
        _ => Expr::val(1).eq(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_ranges_follow_the_collation() {
        // Any collation: letters and digits only.
        assert_eq!(
            prefix_range("ada", false),
            Some(("ada".into(), "adb".into()))
        );
        assert_eq!(prefix_range("a9", false), Some(("a9".into(), "a:".into())));
        assert_eq!(prefix_range("adz", false), None);
        assert_eq!(prefix_range("ada.", false), None);
        assert_eq!(prefix_range("é", false), None);
        assert_eq!(prefix_range("", false), None);
        // Byte order: any prefix, its last character's successor as the bound.
        assert_eq!(
            prefix_range("ada.", true),
            Some(("ada.".into(), "ada/".into()))
        );
        assert_eq!(
            prefix_range("adz", true),
            Some(("adz".into(), "ad{".into()))
        );
        assert_eq!(prefix_range("jé", true), Some(("jé".into(), "jê".into())));
        assert_eq!(
            prefix_range("\u{D7FF}", true),
            Some(("\u{D7FF}".into(), "\u{E000}".into()))
        );
        assert_eq!(prefix_range("", true), None);
    }
}
