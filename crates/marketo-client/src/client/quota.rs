//! The daily quota (607): once Marketo says it is used up, no further call of this client is sent
//! until it resets, at 12:00 AM US Central time.

use chrono::{DateTime, Datelike, Duration as Days, NaiveDate, TimeDelta, Utc, Weekday};

use crate::error::{Error, ErrorKind, Retry};

/// The `n`th (1-based) `weekday` of `month` in `year`.
fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
}

/// Whether US Central time keeps daylight time at local midnight starting `day`: from the day
/// after the second Sunday of March (the switch is at 2 AM) to the first Sunday of November
/// (switching back at 2 AM), both as local dates.
fn daylight_at_midnight(day: NaiveDate) -> bool {
    let year = day.year();
    match (
        nth_weekday(year, 3, Weekday::Sun, 2),
        nth_weekday(year, 11, Weekday::Sun, 1),
    ) {
        (Some(start), Some(end)) => day > start && day <= end,
        _ => false,
    }
}

/// US Central time's offset from UTC at `now`: -5 h in daylight time, -6 h otherwise.
fn central_offset(now: DateTime<Utc>) -> TimeDelta {
    let year = now.year();
    let daylight = match (
        nth_weekday(year, 3, Weekday::Sun, 2),
        nth_weekday(year, 11, Weekday::Sun, 1),
    ) {
        (Some(start), Some(end)) => {
            // 2 AM CST = 08:00 UTC; 2 AM CDT = 07:00 UTC.
            let begins = start.and_hms_opt(8, 0, 0).map(|t| t.and_utc());
            let ends = end.and_hms_opt(7, 0, 0).map(|t| t.and_utc());
            matches!((begins, ends), (Some(b), Some(e)) if now >= b && now < e)
        }
        _ => false,
    };
    TimeDelta::hours(if daylight { -5 } else { -6 })
}

/// The next time Marketo resets the daily quota: the next 12:00 AM US Central time after `now`.
pub(crate) fn next_reset(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now + central_offset(now);
    let day = local.date_naive() + Days::days(1);
    let offset = TimeDelta::hours(if daylight_at_midnight(day) { -5 } else { -6 });
    day.and_hms_opt(0, 0, 0)
        .map(|midnight| midnight.and_utc() - offset)
        .unwrap_or(now + Days::days(1))
}

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
    fn the_quota_resets_at_midnight_central_time() {
        for (now, reset) in [
            // Winter: CST, UTC-6.
            ("2026-12-02T12:00:00Z", "2026-12-03T06:00:00Z"),
            ("2026-12-03T05:59:00Z", "2026-12-03T06:00:00Z"),
            ("2026-12-03T06:00:00Z", "2026-12-04T06:00:00Z"),
            ("2026-12-31T23:00:00Z", "2027-01-01T06:00:00Z"),
            // Summer: CDT, UTC-5.
            ("2026-07-01T12:00:00Z", "2026-07-02T05:00:00Z"),
            ("2026-07-02T04:59:59Z", "2026-07-02T05:00:00Z"),
            // Daylight time begins Sunday 8 March 2026 at 2 AM: that midnight is still CST.
            ("2026-03-07T12:00:00Z", "2026-03-08T06:00:00Z"),
            ("2026-03-08T12:00:00Z", "2026-03-09T05:00:00Z"),
            // It ends Sunday 1 November 2026 at 2 AM: that midnight is still CDT.
            ("2026-10-31T12:00:00Z", "2026-11-01T05:00:00Z"),
            ("2026-11-01T12:00:00Z", "2026-11-02T06:00:00Z"),
        ] {
            assert_eq!(next_reset(at(now)), at(reset), "{now}");
        }
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
