//! How `Customer.orders` lists: sort keys, Shopify's search syntax for the `query` argument
//! (`processed_at:` with comparators, `id:` and `name:`), and cursors that carry the sort value
//! (`{"last_id":…,"last_value":…,"offset":…}`, base64, as Shopify's are).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

/// `OrderSortKeys`. `RELEVANCE` without a search is `ID`, and with one too: the supported
/// filters are exact, so every match is equally relevant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderSort {
    Id,
    ProcessedAt,
    TotalPrice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
}

/// What a `query` keeps: every term must hold (terms are joined by AND, Shopify's default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderFilter {
    /// `processed_at` in unix seconds against each bound.
    pub processed_at: Vec<(Comparison, i64)>,
    pub id: Option<i64>,
    /// Matched as written or with a leading `#` (`name:1001` finds `#1001`).
    pub name: Option<String>,
    /// A term that can match nothing (an id that is not a number): the answer is empty.
    pub matches_nothing: bool,
    /// Terms this server does not filter on; they are ignored, as Shopify ignores unknown
    /// filters, and named in a log line.
    pub ignored: Vec<String>,
}

/// Splits a search into terms, keeping quoted values whole (`name:"#1001"`).
fn terms(query: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in query.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    terms.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        terms.push(current);
    }
    terms
}

/// A date or date-time as Shopify's search accepts it: `2026-11-30`, `2026-11-30T10:00:00`
/// (UTC) or RFC 3339 with an offset. A bare date means its first second, UTC.
fn moment(value: &str) -> Option<i64> {
    if let Ok(at) = OffsetDateTime::parse(value, &Rfc3339) {
        return Some(at.unix_timestamp());
    }
    if let Ok(at) = PrimitiveDateTime::parse(
        value,
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    ) {
        return Some(at.assume_utc().unix_timestamp());
    }
    Date::parse(value, format_description!("[year]-[month]-[day]"))
        .ok()
        .map(|date| {
            PrimitiveDateTime::new(date, Time::MIDNIGHT)
                .assume_utc()
                .unix_timestamp()
        })
}

fn comparison(value: &str) -> (Comparison, &str) {
    for (prefix, comparison) in [
        ("<=", Comparison::Le),
        (">=", Comparison::Ge),
        ("<", Comparison::Lt),
        (">", Comparison::Gt),
    ] {
        if let Some(rest) = value.strip_prefix(prefix) {
            return (comparison, rest);
        }
    }
    (Comparison::Eq, value)
}

impl OrderFilter {
    pub fn parse(query: &str) -> Self {
        let mut filter = OrderFilter::default();
        for term in terms(query) {
            if term.eq_ignore_ascii_case("AND") {
                continue;
            }
            let Some((field, value)) = term.split_once(':') else {
                filter.ignored.push(term);
                continue;
            };
            match field.to_ascii_lowercase().as_str() {
                "processed_at" => {
                    let (op, value) = comparison(value);
                    match moment(value) {
                        // A bare date with `:` means the whole day.
                        Some(at) if op == Comparison::Eq && !value.contains('T') => {
                            filter.processed_at.push((Comparison::Ge, at));
                            filter.processed_at.push((Comparison::Lt, at + 86_400));
                        }
                        Some(at) => filter.processed_at.push((op, at)),
                        None => filter.matches_nothing = true,
                    }
                }
                "id" => {
                    // Shopify's clients send the number; a full gid names it too.
                    let number = value.rsplit('/').next().unwrap_or(value);
                    let number = number.split('?').next().unwrap_or(number);
                    match number.parse::<i64>() {
                        Ok(id) if id > 0 => filter.id = Some(id),
                        _ => filter.matches_nothing = true,
                    }
                }
                "name" => filter.name = Some(value.to_owned()),
                _ => filter.ignored.push(term),
            }
        }
        filter
    }

    /// The names a `name:` term matches: as written, and with `#` added or removed.
    pub fn names(&self) -> Vec<String> {
        let Some(name) = &self.name else {
            return Vec::new();
        };
        let mut names = vec![name.clone()];
        match name.strip_prefix('#') {
            Some(bare) => names.push(bare.to_owned()),
            None => names.push(format!("#{name}")),
        }
        names
    }
}

/// A position in a sorted list: the sort value and the id of the last item seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderCursor {
    pub id: i64,
    pub value: i64,
}

#[derive(Serialize, Deserialize)]
struct CursorBody {
    last_id: i64,
    last_value: Option<String>,
    #[serde(default)]
    offset: usize,
}

impl OrderCursor {
    pub fn encode(self, sort: OrderSort, offset: usize) -> String {
        let body = CursorBody {
            last_id: self.id,
            last_value: match sort {
                OrderSort::Id => None,
                _ => Some(self.value.to_string()),
            },
            offset,
        };
        STANDARD.encode(serde_json::to_vec(&body).unwrap_or_default())
    }

    /// `None` for anything that is not a cursor of this sort order.
    pub fn decode(cursor: &str, sort: OrderSort) -> Option<Self> {
        let bytes = STANDARD.decode(cursor.trim()).ok()?;
        let body: CursorBody = serde_json::from_slice(&bytes).ok()?;
        let value = match sort {
            OrderSort::Id => body.last_id,
            _ => body.last_value?.parse().ok()?,
        };
        Some(OrderCursor {
            id: body.last_id,
            value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_filters_clients_send() {
        let filter = OrderFilter::parse("id:4502877978678");
        assert_eq!(filter.id, Some(4_502_877_978_678));
        let filter =
            OrderFilter::parse("processed_at:>=2026-01-01 processed_at:<2026-02-01T00:00:00Z");
        assert_eq!(
            filter.processed_at,
            vec![
                (Comparison::Ge, 1_767_225_600),
                (Comparison::Lt, 1_769_904_000)
            ]
        );
        let filter = OrderFilter::parse("processed_at:2026-01-01");
        assert_eq!(
            filter.processed_at,
            vec![
                (Comparison::Ge, 1_767_225_600),
                (Comparison::Lt, 1_767_312_000)
            ]
        );
        let filter = OrderFilter::parse(r##"name:"#1001" AND status:open"##);
        assert_eq!(filter.names(), vec!["#1001".to_owned(), "1001".to_owned()]);
        assert_eq!(filter.ignored, vec!["status:open".to_owned()]);
        assert!(OrderFilter::parse("id:abc").matches_nothing);
        assert!(OrderFilter::parse("processed_at:>yesterday").matches_nothing);
        assert_eq!(
            OrderFilter::parse("id:gid://shopify/Order/12?key=ab").id,
            Some(12)
        );
    }

    #[test]
    fn cursors_round_trip_in_shopifys_shape() {
        let cursor = OrderCursor {
            id: 7,
            value: 1_700_000_000,
        };
        let text = cursor.encode(OrderSort::ProcessedAt, 3);
        let json = STANDARD.decode(&text).expect("base64");
        assert_eq!(
            String::from_utf8(json).expect("utf-8"),
            r#"{"last_id":7,"last_value":"1700000000","offset":3}"#
        );
        assert_eq!(
            OrderCursor::decode(&text, OrderSort::ProcessedAt),
            Some(cursor)
        );
        let by_id = OrderCursor { id: 7, value: 7 };
        assert_eq!(
            OrderCursor::decode(&by_id.encode(OrderSort::Id, 0), OrderSort::Id),
            Some(by_id)
        );
        assert_eq!(OrderCursor::decode("not base64!", OrderSort::Id), None);
        // A cursor of the id order has no value to resume a price order from.
        assert_eq!(
            OrderCursor::decode(&by_id.encode(OrderSort::Id, 0), OrderSort::TotalPrice),
            None
        );
    }
}
