//! The one date grammar of the Marketo provider and its emulator.
//!
//! Three jobs, one place:
//!
//! * **Reading Marketo's answers** ([`MarketoDateTime::parse`]): leniently, every shape Marketo
//!   writes (see [`parse`](crate::MarketoDateTime::parse) for the grammar and where each shape
//!   comes from).
//! * **Checking configuration values** ([`MarketoDateTime::parse_config`]): strict RFC 3339, to
//!   the millisecond at most (Marketo keeps nothing finer) and without leap seconds (Marketo does
//!   not accept `:60`).
//! * **Writing dates to Marketo** ([`MarketoDateTime::to_iso8601`]): ISO 8601 with milliseconds,
//!   `2031-03-04T05:06:07.250+00:00`, so that what Marketo stores is the configured instant.
//!
//! Two more spellings serve the edges: [`MarketoDateTime::to_marketo_answer`] (and
//! [`format_answer`]) is how Marketo itself writes dates, `2031-03-04T05:06:07.250t+0000`, for the
//! emulator; [`MarketoDateTime::to_rfc3339`] is the normalised RFC 3339 spelling in UTC that the
//! provider records when Marketo's value differs from the configuration.
//!
//! And Marketo's day ([`marketo_day`], [`next_reset`]): midnight to midnight US Central time, when
//! the daily API quota resets and by which the Usage API counts.
//!
//! The grammars are hand-written (DECISIONS.md, 2026-12-02): chrono's `parse_from_rfc3339` and its
//! relaxed `DateTime::from_str` both refuse Marketo's compact dates (`20200807T20:49:54.0t+0000`)
//! and the `t` before the offset (`…00.000t+0000`), `parse_from_rfc3339` also offsets without a
//! colon (`-0500`), and a `parse_from_str` pattern takes one shape at a time; for configuration,
//! `parse_from_rfc3339` accepts nanoseconds and leap seconds, which Marketo cannot keep.
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod day;
mod error;
mod parse;

pub use day::{marketo_day, next_reset, now_utc};
pub use error::DateError;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date-time as Marketo reports or accepts it, with the offset it was written with.
///
/// Equality and ordering compare instants: `…T00:00:00-05:00` equals `…T05:00:00Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MarketoDateTime(DateTime<FixedOffset>);

impl MarketoDateTime {
    /// Reads a date-time in any shape Marketo writes. The grammar, with where each shape comes from
    /// ("guide": Marketo's User Management guide and swagger samples; "both": accepted by the
    /// provider's and the emulator's former parsers alike):
    ///
    /// * date `yyyy-MM-dd` (guide: `2020-12-31T08:00:00.000t+0000`) or compact `yyyyMMdd`
    ///   (guide: `20200807T20:49:54.0t+0000`); both. A bare date is midnight UTC (both).
    /// * `T`, `t` or a space between date and time (both).
    /// * time `HH:mm:ss` or compact `HHmmss` (both); `HH:mm` without seconds (emulator only).
    /// * a fraction after `.` or `,` of one digit or more (guide: `.0`, `.000`); digits past the
    ///   ninth are ignored (the provider accepted them, the emulator refused more than nine).
    /// * an optional `t` or `T` before the offset (guide: `t+0000`); a `t` with no offset after it
    ///   means UTC (the provider accepted it, the emulator refused it).
    /// * an offset `Z`, `+hh:mm` (W3C ISO 8601, guide: `2020-12-31T23:59:59-05:00`), `+hhmm`
    ///   (guide) or `+hh`; none at all means UTC (both).
    ///
    /// Spaces around the text are ignored. No leap seconds: `:60` is refused.
    pub fn parse(input: &str) -> Result<Self, DateError> {
        parse::answer(input).map(MarketoDateTime)
    }

    /// Reads a configuration value: strict RFC 3339, `yyyy-MM-ddTHH:mm:ss[.SSS](Z|+hh:mm)`
    /// (`T`, `t` or a space between date and time; `Z` or `z`), with at most three fractional
    /// digits and no leap second, so that every accepted value is an instant Marketo can keep
    /// exactly.
    pub fn parse_config(input: &str) -> Result<Self, DateError> {
        parse::config(input).map(MarketoDateTime)
    }

    /// ISO 8601 with milliseconds in the value's own offset, `2031-03-04T05:06:07.250+00:00`:
    /// the one spelling used to write dates to Marketo (`expiresAt`). Finer digits, which
    /// [`parse_config`](Self::parse_config) never lets through, are cut.
    pub fn to_iso8601(&self) -> String {
        self.0.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
    }

    /// How Marketo itself writes a date, in UTC: `2031-03-04T05:06:07.250t+0000`.
    pub fn to_marketo_answer(&self) -> String {
        format_answer(&self.to_utc())
    }

    /// RFC 3339 in UTC with milliseconds only when there are some: `2031-03-04T05:06:07.250Z`,
    /// `2031-03-04T05:06:07Z`. Accepted by [`parse_config`](Self::parse_config).
    pub fn to_rfc3339(&self) -> String {
        let utc = self.to_utc().trunc_subsecs(3);
        let format = if utc.timestamp_subsec_millis() == 0 {
            SecondsFormat::Secs
        } else {
            SecondsFormat::Millis
        };
        utc.to_rfc3339_opts(format, true)
    }

    /// Whether both name the same millisecond, the precision Marketo keeps.
    pub fn same_millisecond(&self, other: &Self) -> bool {
        self.0.timestamp_millis() == other.0.timestamp_millis()
    }

    /// The same value cut to the millisecond, as Marketo stores it.
    pub fn truncated_to_millis(self) -> Self {
        MarketoDateTime(self.0.trunc_subsecs(3))
    }

    /// The instant with its original offset.
    pub fn as_datetime(&self) -> DateTime<FixedOffset> {
        self.0
    }

    /// The instant in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.0.with_timezone(&Utc)
    }
}

/// How Marketo writes a date: `2031-03-04T05:06:07.250t+0000` (UTC, milliseconds, a `t` before
/// the offset). The emulator answers with it.
pub fn format_answer(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3ft%z").to_string()
}

impl From<DateTime<FixedOffset>> for MarketoDateTime {
    fn from(value: DateTime<FixedOffset>) -> Self {
        MarketoDateTime(value)
    }
}

impl From<DateTime<Utc>> for MarketoDateTime {
    fn from(value: DateTime<Utc>) -> Self {
        MarketoDateTime(value.fixed_offset())
    }
}

impl FromStr for MarketoDateTime {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for MarketoDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso8601())
    }
}

/// Serialized as [`MarketoDateTime::to_iso8601`]: request bodies carry milliseconds.
impl Serialize for MarketoDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_iso8601())
    }
}

/// Deserialized leniently ([`MarketoDateTime::parse`]): answers come from Marketo.
impl<'de> Deserialize<'de> for MarketoDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        MarketoDateTime::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Deserializes an optional date of Marketo's: `null`, a missing field (with `#[serde(default)]`)
/// or an empty string give `None`.
pub fn deserialize_opt<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<MarketoDateTime>, D::Error> {
    let s: Option<String> = Option::deserialize(deserializer)?;
    match s {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => MarketoDateTime::parse(&s)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod vectors;
