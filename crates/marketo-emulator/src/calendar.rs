//! The Marketo day it is now: the Usage API's days are Marketo's (midnight to midnight US Central
//! time, the calendar of the daily quota), by `marketo_date::marketo_day`, the one rule shared with
//! the client.

use chrono::NaiveDate;

/// The Marketo day it is now.
pub(crate) fn today() -> NaiveDate {
    marketo_date::marketo_day(marketo_date::now_utc())
}
