//! Marketo's day: midnight to midnight US Central time, with daylight time (UTC-5 from 2 AM on the
//! second Sunday of March to 2 AM on the first Sunday of November, UTC-6 otherwise). The daily
//! quota (607) resets at its midnight and the Usage API's days (`/rest/v1/stats/...`) are its
//! dates. The rule is the one by which the client tells when the quota resets
//! (`marketo-client`, `client/quota.rs`), without a time-zone database.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};

/// US Central time's offset from UTC at `now`: -5 h in daylight time, -6 h otherwise.
fn central_offset(now: DateTime<Utc>) -> TimeDelta {
    let year = now.year();
    let daylight = match (
        NaiveDate::from_weekday_of_month_opt(year, 3, Weekday::Sun, 2),
        NaiveDate::from_weekday_of_month_opt(year, 11, Weekday::Sun, 1),
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

/// The Marketo day `now` falls in.
pub(crate) fn marketo_day(now: DateTime<Utc>) -> NaiveDate {
    (now + central_offset(now)).date_naive()
}

/// The Marketo day it is now.
pub(crate) fn today() -> NaiveDate {
    marketo_day(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn days_end_at_midnight_central_time() {
        for (now, want) in [
            // Winter: CST, UTC-6.
            ("2026-12-03T05:59:59Z", "2026-12-02"),
            ("2026-12-03T06:00:00Z", "2026-12-03"),
            ("2027-01-01T05:59:00Z", "2026-12-31"),
            // Summer: CDT, UTC-5.
            ("2026-07-02T04:59:59Z", "2026-07-01"),
            ("2026-07-02T05:00:00Z", "2026-07-02"),
            // Daylight time begins Sunday 8 March 2026 at 2 AM (08:00 UTC).
            ("2026-03-08T07:59:59Z", "2026-03-08"),
            ("2026-03-09T04:59:59Z", "2026-03-08"),
            ("2026-03-09T05:00:00Z", "2026-03-09"),
            // It ends Sunday 1 November 2026 at 2 AM CDT (07:00 UTC).
            ("2026-11-01T04:59:59Z", "2026-10-31"),
            ("2026-11-01T05:00:00Z", "2026-11-01"),
            ("2026-11-02T05:59:59Z", "2026-11-01"),
            ("2026-11-02T06:00:00Z", "2026-11-02"),
        ] {
            assert_eq!(marketo_day(at(now)), day(want), "{now}");
        }
    }
}
