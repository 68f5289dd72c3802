//! Marketo's day: midnight to midnight US Central time, with daylight time (UTC-5 from 2 AM on the
//! second Sunday of March to 2 AM on the first Sunday of November, UTC-6 otherwise). The daily API
//! quota (607) resets at its midnight ([`next_reset`]), and the Usage API's days
//! (`/rest/v1/stats/...`) are its dates ([`marketo_day`]). The client tells from it when the quota
//! resets, the emulator which day a call counts on. No time-zone database: the US rule since 2007.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};

/// The local dates of the Sundays on which daylight time begins (the second of March) and ends (the
/// first of November) in `year`, both at 2 AM.
fn daylight_sundays(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_weekday_of_month_opt(year, 3, Weekday::Sun, 2)?,
        NaiveDate::from_weekday_of_month_opt(year, 11, Weekday::Sun, 1)?,
    ))
}

/// US Central time's offset from UTC at `now`: -5 h in daylight time, -6 h otherwise.
fn central_offset(now: DateTime<Utc>) -> TimeDelta {
    let daylight = daylight_sundays(now.year()).is_some_and(|(start, end)| {
        // 2 AM CST = 08:00 UTC; 2 AM CDT = 07:00 UTC.
        let begins = start.and_hms_opt(8, 0, 0).map(|t| t.and_utc());
        let ends = end.and_hms_opt(7, 0, 0).map(|t| t.and_utc());
        matches!((begins, ends), (Some(b), Some(e)) if now >= b && now < e)
    });
    TimeDelta::hours(if daylight { -5 } else { -6 })
}

/// Whether US Central time keeps daylight time at the local midnight starting `day`: from the day
/// after daylight time begins to the day it ends, both as local dates (the switches are at 2 AM).
fn daylight_at_midnight(day: NaiveDate) -> bool {
    daylight_sundays(day.year()).is_some_and(|(start, end)| day > start && day <= end)
}

/// The Marketo day `now` falls in: its date in US Central time.
pub fn marketo_day(now: DateTime<Utc>) -> NaiveDate {
    (now + central_offset(now)).date_naive()
}

/// The end of the Marketo day `now` falls in, when Marketo resets the daily quota: the next
/// 12:00 AM US Central time after `now`.
pub fn next_reset(now: DateTime<Utc>) -> DateTime<Utc> {
    let day = marketo_day(now) + TimeDelta::days(1);
    let offset = TimeDelta::hours(if daylight_at_midnight(day) { -5 } else { -6 });
    day.and_hms_opt(0, 0, 0)
        .map(|midnight| midnight.and_utc() - offset)
        .unwrap_or(now + TimeDelta::days(1))
}

/// The current time, read from the operating system's clock through `std`. chrono's own `clock`
/// feature is used nowhere in the workspace: on macOS it links the CoreFoundation framework
/// (through iana-time-zone), which a cross-build without Apple's SDK cannot link.
pub fn now_utc() -> DateTime<Utc> {
    DateTime::<Utc>::from(std::time::SystemTime::now())
}
