//! Time as the database stores it: whole seconds since the Unix epoch, UTC.

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
