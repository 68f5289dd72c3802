//! Marketo date-times: read leniently, written as ISO-8601 without milliseconds.
//!
//! Marketo writes `yyyy-MM-dd'T'HH:mm:ss.SSS't'Z` (`2020-12-31T08:00:00.000t+0000`) but its own samples
//! also show compact dates (`20200807T20:49:54.0t+0000`) and W3C ISO-8601 (`2020-12-31T23:59:59-05:00`).
//! [`MarketoDateTime::parse`] accepts all of them: dashed or compact dates, `T`/`t`/space between date and
//! time, 0 to 9 fractional digits, an optional `t`/`T` before the offset, and an offset written `Z`,
//! `+hh:mm`, `+hhmm` or `+hh` (no offset at all means UTC). Sending uses
//! [`MarketoDateTime::to_iso8601`]: `2020-12-31T23:59:59-05:00`, UTC as `+00:00`.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date-time as Marketo reports or accepts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MarketoDateTime(DateTime<FixedOffset>);

/// The current time, read from the operating system's clock through `std`. chrono's own `clock`
/// feature is not used: on macOS it links the CoreFoundation framework (through iana-time-zone),
/// which a cross-build without Apple's SDK cannot link.
pub fn now_utc() -> DateTime<Utc> {
    DateTime::<Utc>::from(std::time::SystemTime::now())
}

/// A string that is not a date-time in any format Marketo uses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Marketo date-time {input:?}: {reason}")]
pub struct DateParseError {
    input: String,
    reason: &'static str,
}

impl MarketoDateTime {
    /// Parses any of the formats described in the module documentation.
    pub fn parse(input: &str) -> Result<Self, DateParseError> {
        parse_lenient(input).map(MarketoDateTime)
    }

    /// ISO-8601 without fractional seconds, e.g. `2020-12-31T23:59:59-05:00` (UTC: `+00:00`).
    /// This is what Marketo accepts for `expiresAt`.
    pub fn to_iso8601(&self) -> String {
        self.0.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
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
    type Err = DateParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for MarketoDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso8601())
    }
}

impl Serialize for MarketoDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_iso8601())
    }
}

impl<'de> Deserialize<'de> for MarketoDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        MarketoDateTime::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Deserializes an optional date: `null`, a missing field or an empty string give `None`.
pub(crate) fn deserialize_opt<'de, D: Deserializer<'de>>(
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

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_any(&mut self, set: &[u8]) -> bool {
        match self.peek() {
            Some(b) if set.contains(&b) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let slice = self.bytes.get(self.pos..self.pos + n)?;
        if !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.pos += n;
        Some(
            slice
                .iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')),
        )
    }

    fn rest_is_empty(&self) -> bool {
        self.pos >= self.bytes.len()
    }
}

fn err(input: &str, reason: &'static str) -> DateParseError {
    DateParseError {
        input: input.to_owned(),
        reason,
    }
}

fn parse_lenient(input: &str) -> Result<DateTime<FixedOffset>, DateParseError> {
    let trimmed = input.trim();
    let mut c = Cursor {
        bytes: trimmed.as_bytes(),
        pos: 0,
    };

    // Date: yyyy-MM-dd or yyyyMMdd.
    let year = c
        .digits(4)
        .ok_or_else(|| err(input, "expected a 4-digit year"))?;
    let dashed = c.eat(b'-');
    let month = c
        .digits(2)
        .ok_or_else(|| err(input, "expected a 2-digit month"))?;
    if dashed && !c.eat(b'-') {
        return Err(err(input, "expected '-' after the month"));
    }
    let day = c
        .digits(2)
        .ok_or_else(|| err(input, "expected a 2-digit day"))?;
    let date = i32::try_from(year)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, month, day))
        .ok_or_else(|| err(input, "no such calendar date"))?;

    // A bare date means midnight UTC.
    if c.rest_is_empty() {
        return Ok(Utc
            .from_utc_datetime(&NaiveDateTime::new(date, NaiveTime::MIN))
            .fixed_offset());
    }

    if !c.eat_any(b"Tt ") {
        return Err(err(input, "expected 'T' between date and time"));
    }

    // Time: HH:mm:ss or HHmmss, optional fraction.
    let hour = c
        .digits(2)
        .ok_or_else(|| err(input, "expected a 2-digit hour"))?;
    let colon = c.eat(b':');
    let minute = c
        .digits(2)
        .ok_or_else(|| err(input, "expected 2-digit minutes"))?;
    if colon && !c.eat(b':') {
        return Err(err(input, "expected ':' after the minutes"));
    }
    let second = c
        .digits(2)
        .ok_or_else(|| err(input, "expected 2-digit seconds"))?;
    let mut nanos = 0u32;
    if c.eat_any(b".,") {
        let mut count = 0;
        while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
            if count < 9 {
                nanos = nanos * 10 + u32::from(d - b'0');
            }
            count += 1;
            c.pos += 1;
        }
        if count == 0 {
            return Err(err(input, "expected digits after the decimal point"));
        }
        for _ in count..9 {
            nanos *= 10;
        }
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
        .ok_or_else(|| err(input, "time out of range"))?;

    // Marketo's `t` (or `T`) before the offset.
    c.eat_any(b"tT");

    // Offset.
    let offset_seconds: i32 = if c.rest_is_empty() || c.eat_any(b"Zz") {
        0
    } else {
        let sign = match c.peek() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return Err(err(input, "expected 'Z' or a '+hh:mm' offset")),
        };
        c.pos += 1;
        let oh = c
            .digits(2)
            .ok_or_else(|| err(input, "expected 2-digit offset hours"))?;
        let om = if c.rest_is_empty() {
            0
        } else {
            c.eat(b':');
            c.digits(2)
                .ok_or_else(|| err(input, "expected 2-digit offset minutes"))?
        };
        if oh > 23 || om > 59 {
            return Err(err(input, "offset out of range"));
        }
        sign * i32::try_from(oh * 3600 + om * 60).map_err(|_| err(input, "offset out of range"))?
    };
    if !c.rest_is_empty() {
        return Err(err(input, "unexpected trailing characters"));
    }
    let offset =
        FixedOffset::east_opt(offset_seconds).ok_or_else(|| err(input, "offset out of range"))?;
    offset
        .from_local_datetime(&NaiveDateTime::new(date, time))
        .single()
        .ok_or_else(|| err(input, "ambiguous local time"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> MarketoDateTime {
        MarketoDateTime::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn utc(s: &str) -> String {
        p(s).to_utc().to_rfc3339()
    }

    #[test]
    fn marketo_dashed_with_millis_and_t() {
        let d = p("2020-12-31T08:00:00.000t+0000");
        assert_eq!(d.to_iso8601(), "2020-12-31T08:00:00+00:00");
    }

    #[test]
    fn marketo_compact_with_one_fraction_digit() {
        let d = p("20200807T20:49:54.0t+0000");
        assert_eq!(d.to_iso8601(), "2020-08-07T20:49:54+00:00");
        assert_eq!(
            p("20211231T08:00:00.000t+0000").to_iso8601(),
            "2021-12-31T08:00:00+00:00"
        );
    }

    #[test]
    fn w3c_iso_with_colon_offset() {
        let d = p("2020-12-31T23:59:59-05:00");
        assert_eq!(d.to_iso8601(), "2020-12-31T23:59:59-05:00");
        assert_eq!(
            utc("2020-12-31T23:59:59-05:00"),
            "2021-01-01T04:59:59+00:00"
        );
    }

    #[test]
    fn offsets_with_and_without_colon_and_z() {
        assert_eq!(
            p("2020-12-31T23:59:59-0500"),
            p("2020-12-31T23:59:59-05:00")
        );
        assert_eq!(
            p("2020-12-31T23:59:59+0530").to_iso8601(),
            "2020-12-31T23:59:59+05:30"
        );
        assert_eq!(
            p("2020-12-31T23:59:59+05").to_iso8601(),
            "2020-12-31T23:59:59+05:00"
        );
        assert_eq!(
            p("2020-12-31T23:59:59Z").to_iso8601(),
            "2020-12-31T23:59:59+00:00"
        );
        assert_eq!(
            p("2020-12-31T23:59:59z").to_iso8601(),
            "2020-12-31T23:59:59+00:00"
        );
        assert_eq!(
            p("2020-12-31T23:59:59.123Z").to_iso8601(),
            "2020-12-31T23:59:59+00:00"
        );
        assert_eq!(
            p("2020-12-31T23:59:59").to_iso8601(),
            "2020-12-31T23:59:59+00:00"
        );
    }

    #[test]
    fn lowercase_and_uppercase_t_everywhere() {
        let a = p("2020-12-31t08:00:00.000t+0000");
        let b = p("2020-12-31T08:00:00.000T+0000");
        let c = p("2020-12-31 08:00:00.000+0000");
        assert_eq!(a, b);
        assert_eq!(a, c);
    }

    #[test]
    fn zero_to_three_fraction_digits_keep_precision() {
        assert_eq!(
            p("2020-01-02T03:04:05t+0000")
                .as_datetime()
                .timestamp_subsec_millis(),
            0
        );
        assert_eq!(
            p("2020-01-02T03:04:05.5t+0000")
                .as_datetime()
                .timestamp_subsec_millis(),
            500
        );
        assert_eq!(
            p("2020-01-02T03:04:05.12t+0000")
                .as_datetime()
                .timestamp_subsec_millis(),
            120
        );
        assert_eq!(
            p("2020-01-02T03:04:05.123t+0000")
                .as_datetime()
                .timestamp_subsec_millis(),
            123
        );
        assert_eq!(
            p("2020-01-02T03:04:05.123456789Z")
                .as_datetime()
                .timestamp_subsec_nanos(),
            123_456_789
        );
    }

    #[test]
    fn compact_time_and_bare_date() {
        assert_eq!(
            p("20200807T204954Z").to_iso8601(),
            "2020-08-07T20:49:54+00:00"
        );
        assert_eq!(p("2020-08-07").to_iso8601(), "2020-08-07T00:00:00+00:00");
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "yesterday",
            "2020-13-01T00:00:00Z",
            "2020-02-30T00:00:00Z",
            "2020-12-31T25:00:00Z",
            "2020-12-31T23:59:59+2500",
            "2020-12-31T23:59:59.Z",
            "2020-12-31T23:59:59Zjunk",
            "2020-1231T23:59:59Z",
        ] {
            assert!(MarketoDateTime::parse(s).is_err(), "{s} should not parse");
        }
    }

    #[test]
    fn serde_round_trip_and_optional() {
        let d: MarketoDateTime = serde_json::from_str("\"2020-12-31T08:00:00.000t+0000\"").unwrap();
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            "\"2020-12-31T08:00:00+00:00\""
        );
        #[derive(Deserialize)]
        struct W {
            #[serde(default, deserialize_with = "deserialize_opt")]
            at: Option<MarketoDateTime>,
        }
        let w: W = serde_json::from_str(r#"{"at": null}"#).unwrap();
        assert!(w.at.is_none());
        let w: W = serde_json::from_str(r#"{"at": ""}"#).unwrap();
        assert!(w.at.is_none());
        let w: W = serde_json::from_str(r#"{}"#).unwrap();
        assert!(w.at.is_none());
        let w: W = serde_json::from_str(r#"{"at": "20200807T20:49:54.0t+0000"}"#).unwrap();
        assert!(w.at.is_some());
        assert!(serde_json::from_str::<W>(r#"{"at": "nope"}"#).is_err());
    }

    #[test]
    fn display_and_conversions() {
        let now = now_utc();
        let d = MarketoDateTime::from(now);
        assert_eq!(
            d.to_string(),
            now.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
        );
        let parsed: MarketoDateTime = d.to_string().parse().unwrap();
        assert_eq!(parsed.to_utc().timestamp(), now.timestamp());
    }
}
