//! Marketo date-times: the grammar, the spellings and their tests live in the `marketo-date`
//! crate, shared with the emulator. Read leniently ([`MarketoDateTime::parse`]), written as ISO 8601
//! with milliseconds ([`MarketoDateTime::to_iso8601`]).

use chrono::{DateTime, Utc};

pub use marketo_date::{DateError, MarketoDateTime};
pub(crate) use marketo_date::{deserialize_opt, next_reset};

/// The former name of [`DateError`].
pub type DateParseError = DateError;

/// The current time, read from the operating system's clock through `std`. chrono's own `clock`
/// feature is not used: on macOS it links the CoreFoundation framework (through iana-time-zone),
/// which a cross-build without Apple's SDK cannot link.
pub fn now_utc() -> DateTime<Utc> {
    DateTime::<Utc>::from(std::time::SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_read_from_std() {
        let now = now_utc();
        let d = MarketoDateTime::from(now);
        assert!(
            d.same_millisecond(&MarketoDateTime::parse(&d.to_iso8601()).expect("own spelling"))
        );
    }
}
