//! Marketo date-times: the grammar, the spellings and their tests live in the `marketo-date`
//! crate, shared with the emulator. Read leniently ([`MarketoDateTime::parse`]), written as ISO 8601
//! with milliseconds ([`MarketoDateTime::to_iso8601`]).

pub use marketo_date::{DateError, MarketoDateTime, now_utc};
pub(crate) use marketo_date::{deserialize_opt, next_reset};

/// The former name of [`DateError`].
pub type DateParseError = DateError;

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
