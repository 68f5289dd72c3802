//! What a date-time that does not fit its grammar is refused with: [`DateError`], one variant
//! per grammar and per value RFC 3339 allows but Marketo cannot keep.

/// Why a string is not a date-time of the grammar asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateError {
    /// Not in any shape Marketo writes
    /// ([`MarketoDateTime::parse`](crate::MarketoDateTime::parse)).
    #[error("invalid Marketo date-time {input:?}: {reason}")]
    Answer {
        /// The text given.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Not an RFC 3339 timestamp
    /// ([`MarketoDateTime::parse_config`](crate::MarketoDateTime::parse_config)).
    #[error("\"{input}\" is not an RFC 3339 timestamp such as 2027-01-31T23:59:59Z: {reason}")]
    Rfc3339 {
        /// The text given.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// RFC 3339, but finer than the millisecond Marketo keeps: the rest would be silently lost.
    #[error(
        "\"{input}\" has {digits} fractional digits, but Marketo keeps milliseconds and would \
         silently drop the rest: write at most 3 digits, such as \"{suggestion}\""
    )]
    FinerThanMillis {
        /// The text given.
        input: String,
        /// How many fractional digits it has.
        digits: usize,
        /// The same text cut to milliseconds.
        suggestion: String,
    },
    /// RFC 3339 allows a leap second; Marketo does not.
    #[error(
        "\"{input}\" names a leap second (:60), which Marketo does not accept: write :59 or the \
         next minute's :00"
    )]
    LeapSecond {
        /// The text given.
        input: String,
    },
}
