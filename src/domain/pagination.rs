//! Relay cursor pagination over a list ordered by id (`first/after/last/before/reverse`).
//! Cursors are opaque to clients but stable: they name the id of an item, so inserting or
//! deleting other items never moves a page boundary.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// Shopify caps every page at 250 items.
pub const MAX_PAGE_SIZE: i32 = 250;

#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
    pub reverse: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("you must provide one of first or last")]
    MissingFirstOrLast,
    #[error("{0} must be between 0 and 250")]
    OutOfRange(&'static str),
    #[error("{0} is not a valid cursor")]
    InvalidCursor(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items with their cursors.
    pub edges: Vec<(String, T)>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
}

/// The JSON inside a cursor, in the shape Shopify's cursors have.
#[derive(Serialize, Deserialize)]
struct CursorBody {
    last_id: i64,
    last_value: Option<String>,
    /// The item's place in its page; informative only (Shopify's cursors carry it too).
    #[serde(default)]
    offset: usize,
}

pub fn encode_cursor(id: i64, offset: usize) -> String {
    let body = CursorBody {
        last_id: id,
        last_value: None,
        offset,
    };
    STANDARD.encode(serde_json::to_vec(&body).unwrap_or_default())
}

pub fn decode_cursor(cursor: &str) -> Option<i64> {
    let bytes = STANDARD.decode(cursor.trim()).ok()?;
    serde_json::from_slice::<CursorBody>(&bytes)
        .ok()
        .map(|body| body.last_id)
}

fn page_size(value: Option<i32>, argument: &'static str) -> Result<Option<usize>, PageError> {
    match value {
        None => Ok(None),
        Some(n) if (0..=MAX_PAGE_SIZE).contains(&n) => Ok(Some(n as usize)),
        Some(_) => Err(PageError::OutOfRange(argument)),
    }
}

/// One page of `items`, which must be sorted by ascending id.
pub fn paginate<T: Clone>(
    items: &[T],
    id: impl Fn(&T) -> i64,
    request: &PageRequest,
) -> Result<Page<T>, PageError> {
    let first = page_size(request.first, "first")?;
    let last = page_size(request.last, "last")?;
    if first.is_none() && last.is_none() {
        return Err(PageError::MissingFirstOrLast);
    }
    let after = match &request.after {
        Some(cursor) => Some(decode_cursor(cursor).ok_or(PageError::InvalidCursor("after"))?),
        None => None,
    };
    let before = match &request.before {
        Some(cursor) => Some(decode_cursor(cursor).ok_or(PageError::InvalidCursor("before"))?),
        None => None,
    };
    let ordered: Vec<&T> = if request.reverse {
        items.iter().rev().collect()
    } else {
        items.iter().collect()
    };
    // "Comes after the cursor" in the list's order: a larger id, or a smaller one when reversed.
    let follows = |item_id: i64, cursor_id: i64| {
        if request.reverse {
            item_id < cursor_id
        } else {
            item_id > cursor_id
        }
    };
    let start = after.map_or(0, |cursor| {
        ordered
            .iter()
            .position(|item| follows(id(item), cursor))
            .unwrap_or(ordered.len())
    });
    let end = before.map_or(ordered.len(), |cursor| {
        ordered
            .iter()
            .position(|item| !follows(cursor, id(item)))
            .unwrap_or(ordered.len())
    });
    let (mut from, mut to) = (start, end.max(start));
    if let Some(first) = first {
        to = to.min(from + first);
    }
    if let Some(last) = last {
        from = from.max(to.saturating_sub(last));
    }
    Ok(Page {
        edges: ordered[from..to]
            .iter()
            .enumerate()
            .map(|(offset, item)| (encode_cursor(id(item), offset), (*item).clone()))
            .collect(),
        has_next_page: to < ordered.len(),
        has_previous_page: from > 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITEMS: [i64; 5] = [10, 20, 30, 40, 50];

    fn page(request: PageRequest) -> (Vec<i64>, bool, bool) {
        let page = paginate(&ITEMS, |n| *n, &request).expect("valid request");
        (
            page.edges.iter().map(|(_, n)| *n).collect(),
            page.has_previous_page,
            page.has_next_page,
        )
    }

    fn first(n: i32) -> PageRequest {
        PageRequest {
            first: Some(n),
            ..PageRequest::default()
        }
    }

    #[test]
    fn cursors_round_trip_in_shopify_shape() {
        // As captured from Shopify for the first item of a page.
        let cursor = encode_cursor(12311636607282, 0);
        assert_eq!(
            cursor,
            "eyJsYXN0X2lkIjoxMjMxMTYzNjYwNzI4MiwibGFzdF92YWx1ZSI6bnVsbCwib2Zmc2V0IjowfQ=="
        );
        assert_eq!(decode_cursor(&cursor), Some(12311636607282));
        assert_eq!(decode_cursor("not a cursor"), None);
        assert_eq!(decode_cursor(&STANDARD.encode("{}")), None);
    }

    #[test]
    fn forward_pages() {
        assert_eq!(page(first(2)), (vec![10, 20], false, true));
        let after = PageRequest {
            after: Some(encode_cursor(20, 0)),
            ..first(2)
        };
        assert_eq!(page(after), (vec![30, 40], true, true));
        let last_page = PageRequest {
            after: Some(encode_cursor(40, 0)),
            ..first(2)
        };
        assert_eq!(page(last_page), (vec![50], true, false));
        assert_eq!(page(first(5)), (ITEMS.to_vec(), false, false));
        assert_eq!(page(first(0)), (vec![], false, true));
    }

    #[test]
    fn backward_pages() {
        let last = PageRequest {
            last: Some(2),
            ..PageRequest::default()
        };
        assert_eq!(page(last.clone()), (vec![40, 50], true, false));
        let before = PageRequest {
            before: Some(encode_cursor(40, 0)),
            ..last
        };
        assert_eq!(page(before), (vec![20, 30], true, true));
    }

    #[test]
    fn reverse_orders_by_descending_id() {
        let reversed = PageRequest {
            reverse: true,
            ..first(2)
        };
        assert_eq!(page(reversed.clone()), (vec![50, 40], false, true));
        let next = PageRequest {
            after: Some(encode_cursor(40, 0)),
            ..reversed
        };
        assert_eq!(page(next), (vec![30, 20], true, true));
    }

    #[test]
    fn a_cursor_of_a_deleted_item_still_works() {
        let request = PageRequest {
            after: Some(encode_cursor(25, 0)),
            ..first(10)
        };
        assert_eq!(page(request), (vec![30, 40, 50], true, false));
    }

    #[test]
    fn empty_list() {
        let empty: [i64; 0] = [];
        let page = paginate(&empty, |n| *n, &first(10)).expect("valid");
        assert!(page.edges.is_empty() && !page.has_next_page && !page.has_previous_page);
    }

    #[test]
    fn invalid_requests() {
        let err = |r| paginate(&ITEMS, |n| *n, &r).expect_err("invalid");
        assert_eq!(err(PageRequest::default()), PageError::MissingFirstOrLast);
        assert_eq!(err(first(251)), PageError::OutOfRange("first"));
        assert_eq!(err(first(-1)), PageError::OutOfRange("first"));
        let bad_cursor = PageRequest {
            after: Some("garbage".to_owned()),
            ..first(1)
        };
        assert_eq!(err(bad_cursor), PageError::InvalidCursor("after"));
    }
}
