//! The local clock: Unix time and RFC 3339 text.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, with sub-second precision (local clock).
pub fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

/// RFC 3339 UTC text (`2024-01-31T12:00:00Z`) of a Unix time in seconds.
pub fn rfc3339(unix_seconds: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_secs(u64::try_from(unix_seconds).unwrap_or_default());
    humantime::format_rfc3339_seconds(t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_is_utc_seconds() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_706_702_400), "2024-01-31T12:00:00Z");
        assert!(unix_now() > 1_706_702_400.0);
    }
}
