//! Orders out: the customer's pages, their count, and one order by its Storefront id.

use std::sync::Arc;

use super::{ListError, OrderListRequest, OrderPage, hex_digest, to_i64};
use crate::accounts::{AccountError, Orders};
use crate::domain::order::listing::{OrderCursor, OrderFilter, OrderSort};
use crate::domain::order::{OrderGid, StoredOrder};
use crate::domain::pagination::{MAX_PAGE_SIZE, PageError};
use crate::store::orders::{self, PageQuery};

/// Equal strings, compared in time that does not depend on where they differ.
fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Orders<'_> {
    /// A page of the customer's orders.
    pub async fn list(
        &self,
        customer_id: i64,
        request: OrderListRequest,
    ) -> Result<OrderPage, ListError> {
        let sort = request.sort.unwrap_or(OrderSort::Id);
        let size = |value: Option<i32>, argument: &'static str| match value {
            None => Ok(None),
            Some(n) if (0..=MAX_PAGE_SIZE).contains(&n) => Ok(Some(n as u64)),
            Some(_) => Err(ListError::Page(PageError::OutOfRange(argument))),
        };
        let first = size(request.first, "first")?;
        let last = size(request.last, "last")?;
        if first.is_none() && last.is_none() {
            return Err(ListError::Page(PageError::MissingFirstOrLast));
        }
        let cursor = |value: &Option<String>, argument: &'static str| match value {
            None => Ok(None),
            Some(text) => OrderCursor::decode(text, sort)
                .map(Some)
                .ok_or(ListError::Page(PageError::InvalidCursor(argument))),
        };
        let after = cursor(&request.after, "after")?;
        let before = cursor(&request.before, "before")?;
        let filter = OrderFilter::parse(request.query.as_deref().unwrap_or_default());
        if !filter.ignored.is_empty() {
            tracing::debug!(ignored = ?filter.ignored, "order search terms ignored");
        }
        let descending = request.reverse;
        let db = self.inner.db.reader();

        // One page in either direction, keyset from `after` (exclusive), up to `before`.
        let page = |descending, after, before, limit| {
            let query = PageQuery {
                filter: &filter,
                sort,
                descending,
                after,
                before,
                limit,
            };
            orders::page(db, self.shop.id, customer_id, query)
        };
        let (rows, has_next_page, has_previous_page) = if let Some(first) = first {
            let mut rows = page(descending, after, before, first + 1).await?;
            let has_next = rows.len() as u64 > first;
            rows.truncate(first as usize);
            let mut has_previous = after.is_some();
            if let Some(last) = last
                && rows.len() as u64 > last
            {
                rows.drain(..rows.len() - last as usize);
                has_previous = true;
            }
            (rows, has_next, has_previous)
        } else {
            let last = last.unwrap_or_default();
            // Read backwards from `before`, then put the page back in order.
            let mut rows = page(!descending, before, after, last + 1).await?;
            let has_previous = rows.len() as u64 > last;
            rows.truncate(last as usize);
            rows.reverse();
            (rows, before.is_some(), has_previous)
        };
        let edges = rows
            .iter()
            .enumerate()
            .filter_map(|(offset, row)| {
                let order = self.stored_order(row)?;
                let cursor = OrderCursor {
                    id: row.id,
                    value: row.sort_value(sort),
                }
                .encode(sort, offset);
                Some((cursor, order))
            })
            .collect();
        Ok(OrderPage {
            edges,
            has_next_page,
            has_previous_page,
        })
    }

    /// How many of the customer's orders match `query` (all without one).
    pub async fn count(&self, customer_id: i64, query: Option<&str>) -> Result<u64, AccountError> {
        let filter = OrderFilter::parse(query.unwrap_or_default());
        Ok(orders::count(self.inner.db.reader(), self.shop.id, customer_id, &filter).await?)
    }

    /// The order a Storefront id names, if the caller may read it: the id carries the order's
    /// key, or `buyer` (the customer of the operation's `@inContext(buyer:)`) owns it. Anything
    /// else is `None`, and takes the same statements as an order that does not exist.
    pub async fn by_id(
        &self,
        gid: &str,
        buyer: Option<i64>,
    ) -> Result<Option<Arc<StoredOrder>>, AccountError> {
        let Some(gid) = OrderGid::parse(gid) else {
            return Ok(None);
        };
        let Some(id) = to_i64(gid.id) else {
            return Ok(None);
        };
        let db = self.inner.db.reader();
        let gate = orders::gate(db, self.shop.id, id).await?;
        // Compared even when there is no order or no key, against a digest nothing matches.
        let presented = gid
            .key
            .as_ref()
            .map(|key| hex_digest(key.as_str().as_bytes()))
            .unwrap_or_else(|| "-".repeat(64));
        let stored_digest = gate
            .as_ref()
            .map(|g| g.key_digest.as_str())
            .filter(|d| d.len() == 64)
            .unwrap_or("0000000000000000000000000000000000000000000000000000000000000000");
        let key_matches = same_digest(&presented, stored_digest) && gate.is_some();
        let owned = buyer.is_some() && gate.as_ref().and_then(|g| g.customer_id) == buyer;
        if !(key_matches || owned) {
            return Ok(None);
        }
        Ok(orders::find(db, self.shop.id, id)
            .await?
            .and_then(|row| self.stored_order(&row)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_compare_whole() {
        assert!(same_digest("abc", "abc"));
        assert!(!same_digest("abc", "abd"));
        assert!(!same_digest("abc", "abcd"));
    }
}
