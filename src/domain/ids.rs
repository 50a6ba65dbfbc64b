//! Row ids and Shopify global ids. Ids are made by the application, Snowflake-style, in the
//! layout the earlier random ids had, so they continue them in creation order:
//!
//! ```text
//! milliseconds since 2024-01-01 (41 bits) | node (6 bits) | sequence (6 bits)
//! ```
//!
//! They sort by creation time, need no shared sequence (several nodes, a distributed database)
//! and stay below 2^53 until 2093, so JavaScript clients that read the number of a gid get it
//! exactly, as they do Shopify's. The node number is leased from the database (`id_nodes`), so
//! no two live processes sharing a database hold the same one, and a process never repeats its
//! (millisecond, sequence): ids cannot collide. (The earlier layout had 12 random bits where the
//! node and sequence are: two nodes in one millisecond collided once in 4,096.)
//!
//! The generator is process-wide, not one per connection: ids must be unique per database across
//! processes, and within a process one sequence serves every connection and every task, so the
//! node number (the process's lease) and the (millisecond, sequence) state must be one.

use std::sync::atomic::{AtomicI64, Ordering};

/// 2024-01-01T00:00:00Z, the earlier layout's epoch.
const EPOCH_MS: i64 = 1_704_067_200_000;
const NODE_BITS: u32 = 6;
const SEQUENCE_BITS: u32 = 6;
const MILLIS_SHIFT: u32 = NODE_BITS + SEQUENCE_BITS;
const SEQUENCE_MAX: i64 = (1 << SEQUENCE_BITS) - 1;
const NODE_MASK: i64 = (1 << NODE_BITS) - 1;

/// Node numbers a database can lease: at most this many processes make ids at once.
pub const NODES: u16 = 1 << NODE_BITS;

/// The process's generator: what `new_id` draws from and what a database lease installs its node
/// number into.
static GENERATOR: Generator = Generator::new();

/// A new id: unique in the database whose node lease this process holds, and strictly larger
/// than every id this process made before. Before any lease (unit tests, tools that do not open a
/// database), the node number is chosen at random. A process that leases numbers in several
/// databases (the test suite does) uses the number it leased last.
pub fn new_id() -> i64 {
    GENERATOR.next_at(now_millis())
}

/// Makes this process's ids carry `node` from now on, none of them in a millisecond before
/// `floor_ms` (the first one the node's previous holder cannot have used).
pub fn use_node(node: u8, floor_ms: i64) {
    GENERATOR.use_node(node, floor_ms);
}

/// The millisecond of this process's latest id (or of its lease's floor): ids never go back
/// behind it, even when the clock does.
pub fn issued_until_ms() -> i64 {
    GENERATOR.issued_until_ms()
}

/// The node number an id carries.
pub fn node_of(id: i64) -> u8 {
    ((id >> SEQUENCE_BITS) & NODE_MASK) as u8
}

/// The millisecond (since 1970) an id was made in.
pub fn millis_of(id: i64) -> i64 {
    (id >> MILLIS_SHIFT) + EPOCH_MS
}

fn now_millis() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

fn compose(millis: i64, node: u8, sequence: i64) -> i64 {
    ((millis - EPOCH_MS).max(0) << MILLIS_SHIFT)
        | ((i64::from(node) & NODE_MASK) << SEQUENCE_BITS)
        | sequence
}

/// The id after `last` on the same node: the next sequence number, or the first of the next
/// millisecond once the 64 of this one are used.
fn successor(last: i64) -> i64 {
    if last & SEQUENCE_MAX < SEQUENCE_MAX {
        last + 1
    } else {
        compose(millis_of(last) + 1, node_of(last), 0)
    }
}

/// The bit layout and monotonic state, lock-free: the state is the last id made (0 before the
/// first), which holds the node number, the millisecond and the sequence in one atomic word, so
/// a node switch and a new id can never interleave half-way.
pub struct Generator {
    last: AtomicI64,
}

impl Default for Generator {
    fn default() -> Self {
        Self::new()
    }
}

impl Generator {
    pub const fn new() -> Self {
        Self {
            last: AtomicI64::new(0),
        }
    }

    /// The next id when the clock reads `now_ms`. A clock that went back, or a millisecond whose
    /// sequence numbers are used up, continues from the last id instead of repeating one: ids
    /// then run a little ahead of the clock until it catches up.
    pub fn next_at(&self, now_ms: i64) -> i64 {
        let step = |last: i64| {
            if last == 0 {
                return compose(now_ms, rand::random::<u8>() & NODE_MASK as u8, 0);
            }
            let fresh = compose(now_ms, node_of(last), 0);
            if fresh > last { fresh } else { successor(last) }
        };
        // The closure may run more than once under contention; what it returns for the value
        // finally swapped in is the id.
        let mut made = 0;
        let _ = self
            .last
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |last| {
                made = step(last);
                Some(made)
            });
        made
    }

    /// Switches to `node`. The next id is in a later millisecond than every id made before (so
    /// ids keep increasing across the switch, whatever the numbers) and not before `floor_ms`.
    pub fn use_node(&self, node: u8, floor_ms: i64) {
        let _ = self
            .last
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |last| {
                let after = if last == 0 {
                    floor_ms
                } else {
                    floor_ms.max(millis_of(last) + 1)
                };
                // The state is the last id "made": the last sequence number of the millisecond
                // before `after`, so the successor is the first id of `after` on `node`.
                Some(compose(after.max(1) - 1, node, SEQUENCE_MAX))
            });
    }

    pub fn node(&self) -> Option<u8> {
        match self.last.load(Ordering::Acquire) {
            0 => None,
            last => Some(node_of(last)),
        }
    }

    pub fn issued_until_ms(&self) -> i64 {
        millis_of(self.last.load(Ordering::Acquire))
    }
}

/// `gid://shopify/<Type>/<id>`, the id format Shopify clients expect.
pub fn gid(type_name: &str, id: i64) -> String {
    format!("gid://shopify/{type_name}/{id}")
}

/// The numeric id of a global id of the given type; a query string (`?model_name=...`) is ignored.
pub fn parse_gid(value: &str, type_name: &str) -> Option<i64> {
    let rest = value
        .strip_prefix("gid://shopify/")?
        .strip_prefix(type_name)?;
    let number = rest.strip_prefix('/')?;
    let number = number.split_once('?').map_or(number, |(n, _)| n);
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number.parse::<i64>().ok().filter(|id| *id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::Arc;

    use proptest::prelude::*;

    /// 2026-01-01T00:00:00Z.
    const JAN_2026: i64 = 1_767_225_600_000;

    #[test]
    fn ids_are_positive_time_ordered_and_above_the_earlier_layout() {
        let before = now_millis();
        let first = new_id();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = new_id();
        assert!(first > 0 && second > first);
        // Below 2^53, and above every id the earlier layout (milliseconds since 2024, then 12
        // random bits) made before it.
        assert!(first < 1 << 53);
        let earlier = ((before - 1 - EPOCH_MS) << 12) | 4_095;
        assert!(first > earlier);
        let now = now_millis();
        assert!((now - 10_000..=now).contains(&millis_of(second)));
    }

    #[test]
    fn the_layout_is_millisecond_node_sequence() {
        let id = compose(JAN_2026, 0x2b, 0x23);
        assert_eq!(millis_of(id), JAN_2026);
        assert_eq!(node_of(id), 0x2b);
        assert_eq!(id & SEQUENCE_MAX, 0x23);
        // About 2.6e14 in 2026, like the earlier layout's ids of that day.
        assert!((250_000_000_000_000..270_000_000_000_000).contains(&id));
        // The last millisecond below 2^53 is in the year 2093.
        let last_millis = ((1_i64 << 53) >> MILLIS_SHIFT) - 1 + EPOCH_MS;
        let (start_2093, start_2094) = (3_881_174_400_000, 3_912_710_400_000);
        assert!((start_2093..start_2094).contains(&last_millis));
        assert_eq!(compose(last_millis, 63, SEQUENCE_MAX), (1 << 53) - 1);
    }

    #[test]
    fn ids_made_at_once_are_distinct() {
        let mut ids: Vec<i64> = (0..10_000).map(|_| new_id()).collect();
        ids.dedup();
        assert_eq!(ids.len(), 10_000);
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn one_millisecond_holds_64_ids_then_the_next_one_is_borrowed() {
        let generator = Generator::new();
        generator.use_node(7, 0);
        let ids: Vec<i64> = (0..65).map(|_| generator.next_at(JAN_2026)).collect();
        assert_eq!(ids[0], compose(JAN_2026, 7, 0));
        assert_eq!(ids[63], compose(JAN_2026, 7, 63));
        assert_eq!(ids[64], compose(JAN_2026 + 1, 7, 0));
        // The clock catching up does not repeat the borrowed millisecond.
        assert_eq!(generator.next_at(JAN_2026 + 1), compose(JAN_2026 + 1, 7, 1));
        assert_eq!(generator.next_at(JAN_2026 + 5), compose(JAN_2026 + 5, 7, 0));
    }

    #[test]
    fn a_clock_that_goes_back_continues_on_the_last_millisecond() {
        let generator = Generator::new();
        generator.use_node(3, 0);
        let before = generator.next_at(JAN_2026);
        let after = generator.next_at(JAN_2026 - 60_000);
        assert_eq!(after, compose(JAN_2026, 3, 1));
        assert!(after > before);
    }

    #[test]
    fn switching_nodes_keeps_ids_increasing_and_respects_the_floor() {
        let generator = Generator::new();
        generator.use_node(50, 0);
        let on_50 = generator.next_at(JAN_2026);
        // A lower number in the same millisecond would make a smaller id: the switch moves on to
        // the next millisecond.
        generator.use_node(1, 0);
        let on_1 = generator.next_at(JAN_2026);
        assert_eq!(on_1, compose(JAN_2026 + 1, 1, 0));
        assert!(on_1 > on_50);
        // The previous holder of node 9 may have used it until a second ahead of this clock.
        generator.use_node(9, JAN_2026 + 1_000);
        assert_eq!(generator.next_at(JAN_2026), compose(JAN_2026 + 1_000, 9, 0));
        assert_eq!(generator.node(), Some(9));
    }

    #[test]
    fn before_any_lease_the_node_is_random_and_kept() {
        let generator = Generator::new();
        assert_eq!(generator.node(), None);
        let first = generator.next_at(JAN_2026);
        let second = generator.next_at(JAN_2026 + 1);
        assert_eq!(node_of(first), node_of(second));
        assert_eq!(generator.node(), Some(node_of(first)));
    }

    #[test]
    fn eight_threads_make_800_000_distinct_ids_increasing_per_thread() {
        let generator = Arc::new(Generator::new());
        generator.use_node(42, 0);
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let generator = Arc::clone(&generator);
                std::thread::spawn(move || {
                    (0..100_000)
                        .map(|_| generator.next_at(now_millis()))
                        .collect::<Vec<i64>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(800_000);
        for thread in threads {
            let ids = thread.join().expect("the thread runs");
            assert!(ids.windows(2).all(|w| w[0] < w[1]));
            assert!(ids.iter().all(|id| node_of(*id) == 42));
            all.extend(ids);
        }
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 800_000);
    }

    proptest! {
        /// Whatever the clock does (steps forward, stalls, jumps back), ids strictly increase,
        /// keep their node, are never behind the clock, and run ahead of it by no more than the
        /// milliseconds their count needs.
        #[test]
        fn ids_increase_whatever_the_clock_does(
            steps in proptest::collection::vec((-5_000i64..5_000, 1usize..3_000), 1..40),
        ) {
            let generator = Generator::new();
            generator.use_node(17, 0);
            let mut clock = JAN_2026;
            let mut latest_clock = clock;
            let mut last = 0;
            let mut made: i64 = 0;
            for (jump, count) in steps {
                clock += jump;
                latest_clock = latest_clock.max(clock);
                for _ in 0..count {
                    let id = generator.next_at(clock);
                    made += 1;
                    prop_assert!(id > last);
                    prop_assert_eq!(node_of(id), 17);
                    prop_assert!(millis_of(id) >= clock);
                    prop_assert!(millis_of(id) <= latest_clock + made / 64 + 1);
                    last = id;
                }
            }
        }
    }

    #[test]
    fn gid_round_trip() {
        assert_eq!(gid("Customer", 42), "gid://shopify/Customer/42");
        assert_eq!(parse_gid("gid://shopify/Customer/42", "Customer"), Some(42));
        assert_eq!(
            parse_gid(
                "gid://shopify/MailingAddress/7?model_name=CustomerAddress",
                "MailingAddress"
            ),
            Some(7)
        );
    }

    #[test]
    fn parse_gid_rejects_other_types_and_garbage() {
        for value in [
            "gid://shopify/Order/42",
            "gid://shopify/Customer/",
            "gid://shopify/Customer/-1",
            "gid://shopify/Customer/0",
            "gid://shopify/CustomerX/1",
            "gid://shopify/Customer/1a",
            "gid://shopify/Customer/99999999999999999999",
            "not-a-gid",
        ] {
            assert_eq!(parse_gid(value, "Customer"), None, "{value}");
        }
    }
}
