//! Time as the database stores it: whole seconds since the Unix epoch, UTC (milliseconds for
//! webhook deliveries).

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Milliseconds since the epoch: webhook delivery times need them (retry schedules scaled down
/// to seconds for tests).
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}
