//! The daily quota (607): once Marketo says it is used up, no further call of this client is sent
//! until it resets, at 12:00 AM US Central time (`marketo_date::next_reset`, the one rule of
//! Marketo's day, shared with the emulator).

use chrono::{DateTime, Utc};

use crate::date::next_reset;
use crate::error::{Error, ErrorKind, Retry};

/// "5 h 29 min", "12 min", "less than a minute".
fn until(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let minutes = (to - from).num_minutes().max(0);
    match (minutes / 60, minutes % 60) {
        (0, 0) => "less than a minute".to_owned(),
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// What the first 607 left behind: Marketo's words and when the quota resets.
#[derive(Clone, Debug)]
pub(super) struct QuotaStop {
    marketo_said: String,
    resets: DateTime<Utc>,
}

impl QuotaStop {
    pub(super) fn new(marketo_said: &str, now: DateTime<Utc>) -> Self {
        QuotaStop {
            marketo_said: marketo_said.to_owned(),
            resets: next_reset(now),
        }
    }

    /// Whether the quota has reset since.
    pub(super) fn expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.resets
    }

    /// The one error every call gets from the first 607 until the reset.
    pub(super) fn error(&self, op: &str, now: DateTime<Utc>) -> Error {
        Error::new(
            ErrorKind::QuotaExceeded,
            format!(
                "the instance's daily API call quota is used up (Marketo said: {}), so this \
                 client sends no further calls; Marketo resets the quota every day at \
                 12:00 AM US Central time, next at {} (in {})",
                self.marketo_said,
                self.resets.format("%Y-%m-%d %H:%M UTC"),
                until(now, self.resets)
            ),
        )
        .with_code(Some(607))
        .with_operation(op)
        .with_retry(Retry::Never)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_error_says_when() {
        let now = at("2026-12-02T12:31:00Z");
        let stop = QuotaStop::new("Daily quota reached", now);
        let e = stop.error("GET /x", now);
        assert_eq!((e.kind(), e.code()), (ErrorKind::QuotaExceeded, Some(607)));
        let text = e.to_string();
        assert!(text.contains("12:00 AM US Central time"), "{text}");
        assert!(
            text.contains("2026-12-03 06:00 UTC (in 17 h 29 min)"),
            "{text}"
        );
        assert!(!stop.expired(now));
        assert!(stop.expired(at("2026-12-03T06:00:00Z")));
    }
}
