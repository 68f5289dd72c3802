//! The one set of test vectors for every date the provider and the emulator read or write, and for
//! Marketo's day (the daily quota's reset and the Usage API's dates).

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use serde::Deserialize;

use crate::{DateError, MarketoDateTime, deserialize_opt, format_answer, marketo_day, next_reset};

/// One input and what each grammar makes of it.
struct Vector {
    input: &'static str,
    /// As a Marketo answer ([`MarketoDateTime::parse`]): the value written back to Marketo
    /// ([`MarketoDateTime::to_iso8601`]), or `None` when refused.
    answer: Option<&'static str>,
    /// As a configuration value ([`MarketoDateTime::parse_config`]): accepted, or refused with a
    /// message containing the text given.
    config: Result<(), &'static str>,
}

const fn v(
    input: &'static str,
    answer: Option<&'static str>,
    config: Result<(), &'static str>,
) -> Vector {
    Vector {
        input,
        answer,
        config,
    }
}

const NOT_RFC3339: Result<(), &str> = Err("is not an RFC 3339 timestamp");

#[rustfmt::skip]
const VECTORS: &[Vector] = &[
    // Marketo's own answers (User Management guide and swagger samples).
    v("2020-12-31T08:00:00.000t+0000", Some("2020-12-31T08:00:00.000+00:00"), NOT_RFC3339),
    v("20200807T20:49:54.0t+0000", Some("2020-08-07T20:49:54.000+00:00"), NOT_RFC3339),
    v("20211231T08:00:00.000t+0000", Some("2021-12-31T08:00:00.000+00:00"), NOT_RFC3339),
    v("2020-12-31T08:00:00.000t-0500", Some("2020-12-31T08:00:00.000-05:00"), NOT_RFC3339),
    v("2020-12-31t08:00:00.000T+0000", Some("2020-12-31T08:00:00.000+00:00"), NOT_RFC3339),
    v("2020-12-31 08:00:00.000+0000", Some("2020-12-31T08:00:00.000+00:00"), NOT_RFC3339),
    // W3C ISO 8601, which Marketo documents for requests: also valid configuration.
    v("2020-12-31T23:59:59-05:00", Some("2020-12-31T23:59:59.000-05:00"), Ok(())),
    v("2020-12-31T23:59:59+05:30", Some("2020-12-31T23:59:59.000+05:30"), Ok(())),
    v("2020-12-31T23:59:59Z", Some("2020-12-31T23:59:59.000+00:00"), Ok(())),
    v("2020-12-31T23:59:59z", Some("2020-12-31T23:59:59.000+00:00"), Ok(())),
    v("2020-12-31t23:59:59Z", Some("2020-12-31T23:59:59.000+00:00"), Ok(())),
    v("2020-12-31 23:59:59Z", Some("2020-12-31T23:59:59.000+00:00"), Ok(())),
    v("2020-12-31T23:59:59-00:00", Some("2020-12-31T23:59:59.000+00:00"), Ok(())),
    // Milliseconds: kept end to end (issue 9).
    v("2031-03-04T05:06:07.250Z", Some("2031-03-04T05:06:07.250+00:00"), Ok(())),
    v("2031-03-04T05:06:07.251Z", Some("2031-03-04T05:06:07.251+00:00"), Ok(())),
    v("2031-03-04T05:06:07.25Z", Some("2031-03-04T05:06:07.250+00:00"), Ok(())),
    v("2031-03-04T05:06:07.5Z", Some("2031-03-04T05:06:07.500+00:00"), Ok(())),
    v("2031-03-04T05:06:07.000Z", Some("2031-03-04T05:06:07.000+00:00"), Ok(())),
    v("2031-03-04T05:06:07.250-05:00", Some("2031-03-04T05:06:07.250-05:00"), Ok(())),
    v("2031-03-04t05:06:07.250z", Some("2031-03-04T05:06:07.250+00:00"), Ok(())),
    // Finer than Marketo keeps: read from an answer, refused in configuration.
    v("2031-03-04T05:06:07.2501Z", Some("2031-03-04T05:06:07.250+00:00"), Err("Marketo keeps milliseconds")),
    v("2020-01-02T03:04:05.123456789Z", Some("2020-01-02T03:04:05.123+00:00"), Err("has 9 fractional digits")),
    v("2020-01-02T03:04:05.1234567890Z", Some("2020-01-02T03:04:05.123+00:00"), Err("has 10 fractional digits")),
    // Leap seconds: Marketo accepts none.
    v("2016-12-31T23:59:60Z", None, Err("leap second (:60)")),
    v("2016-12-31T23:59:60.500Z", None, Err("leap second (:60)")),
    v("20161231T235960Z", None, NOT_RFC3339),
    // Other shapes Marketo's answers may take, none of them RFC 3339.
    v("2020-12-31T23:59:59-0500", Some("2020-12-31T23:59:59.000-05:00"), NOT_RFC3339),
    v("2020-12-31T23:59:59+05", Some("2020-12-31T23:59:59.000+05:00"), NOT_RFC3339),
    v("2020-12-31 13:00:00+00", Some("2020-12-31T13:00:00.000+00:00"), NOT_RFC3339),
    v("2020-12-31T23:59:59", Some("2020-12-31T23:59:59.000+00:00"), Err("expected an offset")),
    v("2020-12-31T13:00:00t", Some("2020-12-31T13:00:00.000+00:00"), NOT_RFC3339),
    v("2020-12-31T13:00", Some("2020-12-31T13:00:00.000+00:00"), Err("seconds after the minutes")),
    v("20201231t130000Z", Some("2020-12-31T13:00:00.000+00:00"), NOT_RFC3339),
    v("20200807T204954Z", Some("2020-08-07T20:49:54.000+00:00"), NOT_RFC3339),
    v("2031-03-04T05:06:07,250Z", Some("2031-03-04T05:06:07.250+00:00"), NOT_RFC3339),
    v("2020-08-07", Some("2020-08-07T00:00:00.000+00:00"), Err("expected 'T' and a time")),
    v("  2020-12-31T13:00:00Z ", Some("2020-12-31T13:00:00.000+00:00"), NOT_RFC3339),
    // Refused by both.
    v("", None, NOT_RFC3339),
    v("yesterday", None, NOT_RFC3339),
    v("2020-13-01T00:00:00Z", None, Err("no such calendar date")),
    v("2020-02-30T00:00:00Z", None, Err("no such calendar date")),
    v("2020-12-31T25:00:00Z", None, Err("time out of range")),
    v("2020-12-31T23:60:00Z", None, Err("time out of range")),
    v("2020-12-31T23:59:59+2500", None, NOT_RFC3339),
    v("2020-12-31T23:59:59+25:00", None, Err("offset out of range")),
    v("2020-12-31T23:59:59.Z", None, Err("digits after the decimal point")),
    v("2020-12-31T23:59:59Zjunk", None, Err("unexpected characters")),
    v("2020-1231T23:59:59Z", None, NOT_RFC3339),
    v("2020-12-31T13:00.5Z", None, NOT_RFC3339),
];

/// One instant and Marketo's day around it ([`marketo_day`], [`next_reset`]).
struct Day {
    /// The instant, RFC 3339 in UTC.
    at: &'static str,
    /// The Marketo day it falls in (US Central time's date).
    day: &'static str,
    /// The next midnight US Central time, when the daily quota resets.
    resets: &'static str,
}

const fn d(at: &'static str, day: &'static str, resets: &'static str) -> Day {
    Day { at, day, resets }
}

#[rustfmt::skip]
const DAYS: &[Day] = &[
    // Winter: CST, UTC-6.
    d("2026-12-02T12:00:00Z", "2026-12-02", "2026-12-03T06:00:00Z"),
    d("2026-12-03T05:59:00Z", "2026-12-02", "2026-12-03T06:00:00Z"),
    d("2026-12-03T05:59:59Z", "2026-12-02", "2026-12-03T06:00:00Z"),
    d("2026-12-03T06:00:00Z", "2026-12-03", "2026-12-04T06:00:00Z"),
    d("2026-12-31T23:00:00Z", "2026-12-31", "2027-01-01T06:00:00Z"),
    d("2027-01-01T05:59:00Z", "2026-12-31", "2027-01-01T06:00:00Z"),
    // Summer: CDT, UTC-5.
    d("2026-07-01T12:00:00Z", "2026-07-01", "2026-07-02T05:00:00Z"),
    d("2026-07-02T04:59:59Z", "2026-07-01", "2026-07-02T05:00:00Z"),
    d("2026-07-02T05:00:00Z", "2026-07-02", "2026-07-03T05:00:00Z"),
    // Daylight time begins Sunday 8 March 2026 at 2 AM (08:00 UTC): that midnight is still CST.
    d("2026-03-07T12:00:00Z", "2026-03-07", "2026-03-08T06:00:00Z"),
    d("2026-03-08T07:59:59Z", "2026-03-08", "2026-03-09T05:00:00Z"),
    d("2026-03-08T12:00:00Z", "2026-03-08", "2026-03-09T05:00:00Z"),
    d("2026-03-09T04:59:59Z", "2026-03-08", "2026-03-09T05:00:00Z"),
    d("2026-03-09T05:00:00Z", "2026-03-09", "2026-03-10T05:00:00Z"),
    // It ends Sunday 1 November 2026 at 2 AM CDT (07:00 UTC): that midnight is still CDT.
    d("2026-10-31T12:00:00Z", "2026-10-31", "2026-11-01T05:00:00Z"),
    d("2026-11-01T04:59:59Z", "2026-10-31", "2026-11-01T05:00:00Z"),
    d("2026-11-01T05:00:00Z", "2026-11-01", "2026-11-02T06:00:00Z"),
    d("2026-11-01T12:00:00Z", "2026-11-01", "2026-11-02T06:00:00Z"),
    d("2026-11-02T05:59:59Z", "2026-11-01", "2026-11-02T06:00:00Z"),
    d("2026-11-02T06:00:00Z", "2026-11-02", "2026-11-03T06:00:00Z"),
];

#[test]
fn every_instant_in_its_marketo_day() {
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    for t in DAYS {
        let (now, resets) = (at(t.at), at(t.resets));
        assert_eq!(marketo_day(now), date(t.day), "{}", t.at);
        assert_eq!(next_reset(now), resets, "{}", t.at);
        // The reset is the first instant of the next Marketo day.
        assert_eq!(
            marketo_day(resets - TimeDelta::seconds(1)),
            date(t.day),
            "{}",
            t.at
        );
        assert_eq!(
            marketo_day(resets),
            date(t.day) + TimeDelta::days(1),
            "{}",
            t.at
        );
    }
}

#[test]
fn every_vector_as_a_marketo_answer() {
    for t in VECTORS {
        let got = MarketoDateTime::parse(t.input).map(|d| d.to_iso8601());
        match t.answer {
            Some(want) => assert_eq!(got.as_deref(), Ok(want), "{:?}", t.input),
            None => assert!(got.is_err(), "{:?} should be refused, got {got:?}", t.input),
        }
    }
}

#[test]
fn every_vector_as_a_configuration_value() {
    for t in VECTORS {
        let got = MarketoDateTime::parse_config(t.input);
        match (t.config, &got) {
            (Ok(()), Ok(d)) => {
                // Both grammars agree on what an accepted configuration value means, and so
                // does chrono's RFC 3339 parser.
                assert_eq!(Some(d.to_iso8601().as_str()), t.answer, "{:?}", t.input);
                let chrono = DateTime::parse_from_rfc3339(t.input);
                assert_eq!(chrono.map(MarketoDateTime::from), Ok(*d), "{:?}", t.input);
            }
            (Err(fragment), Err(e)) => {
                let message = e.to_string();
                assert!(message.contains(fragment), "{:?}: {message}", t.input);
                assert!(message.contains(t.input), "names the value: {message}");
            }
            (want, got) => panic!("{:?}: wanted {want:?}, got {got:?}", t.input),
        }
    }
}

/// What the provider sends and what Marketo (or the emulator) answers both read back as the same
/// millisecond: no silent loss for any value the configuration accepts.
#[test]
fn accepted_configuration_values_survive_the_round_trip() {
    for t in VECTORS.iter().filter(|t| t.config.is_ok()) {
        let configured = MarketoDateTime::parse_config(t.input).expect("accepted");
        let sent = configured.to_iso8601();
        let stored = MarketoDateTime::parse(&sent).expect("Marketo reads what we send");
        let answered = MarketoDateTime::parse(&stored.truncated_to_millis().to_marketo_answer())
            .expect("we read what Marketo answers");
        assert_eq!(answered, configured, "{:?}", t.input);
        assert!(answered.same_millisecond(&configured));
        let normalised = MarketoDateTime::parse_config(&answered.to_rfc3339())
            .expect("the normalised spelling is valid configuration");
        assert_eq!(normalised, configured, "{:?}", t.input);
    }
}

#[test]
fn the_spellings_written() {
    let d = MarketoDateTime::parse_config("2031-03-04T00:06:07.250-05:00").expect("valid");
    assert_eq!(d.to_iso8601(), "2031-03-04T00:06:07.250-05:00");
    assert_eq!(d.to_string(), d.to_iso8601());
    assert_eq!(d.to_marketo_answer(), "2031-03-04T05:06:07.250t+0000");
    assert_eq!(d.to_rfc3339(), "2031-03-04T05:06:07.250Z");
    let whole = MarketoDateTime::parse("2020-12-31T08:00:00.000t+0000").expect("valid");
    assert_eq!(whole.to_rfc3339(), "2020-12-31T08:00:00Z");
    let bare = Utc.with_ymd_and_hms(2020, 12, 31, 0, 0, 0).single();
    assert_eq!(
        bare.map(|t| format_answer(&t)).as_deref(),
        Some("2020-12-31T00:00:00.000t+0000")
    );
}

#[test]
fn precision_helpers() {
    let fine = MarketoDateTime::parse("2031-03-04T05:06:07.250999Z").expect("valid");
    let ms = MarketoDateTime::parse("2031-03-04T05:06:07.250Z").expect("valid");
    let next = MarketoDateTime::parse("2031-03-04T05:06:07.251Z").expect("valid");
    assert_ne!(fine, ms);
    assert!(fine.same_millisecond(&ms));
    assert!(!ms.same_millisecond(&next));
    assert_eq!(fine.truncated_to_millis(), ms);
    assert!(ms < next);
    let east = MarketoDateTime::parse("2031-03-04T06:06:07.250+01:00").expect("valid");
    assert_eq!(east, ms, "instants compare equal across offsets");
    assert_eq!(east.to_utc(), ms.to_utc());
    assert_eq!(east.as_datetime().offset().local_minus_utc(), 3600);
}

#[test]
fn refusals_say_what_to_write() {
    let e = MarketoDateTime::parse_config("2031-03-04T05:06:07.2501Z").expect_err("too fine");
    assert_eq!(
        e,
        DateError::FinerThanMillis {
            input: "2031-03-04T05:06:07.2501Z".into(),
            digits: 4,
            suggestion: "2031-03-04T05:06:07.250Z".into(),
        }
    );
    assert!(
        e.to_string()
            .contains("such as \"2031-03-04T05:06:07.250Z\"")
    );
    let e = MarketoDateTime::parse_config("2016-12-31T23:59:60-05:00").expect_err("leap");
    assert!(
        e.to_string().contains("write :59 or the next minute's :00"),
        "{e}"
    );
    let e = MarketoDateTime::parse("nope").expect_err("garbage");
    assert_eq!(
        e.to_string(),
        "invalid Marketo date-time \"nope\": expected a 4-digit year"
    );
    assert_eq!("nope".parse::<MarketoDateTime>(), Err(e));
}

#[test]
fn serde_writes_milliseconds_and_reads_leniently() {
    let d: MarketoDateTime =
        serde_json::from_str("\"2031-03-04T05:06:07.250t+0000\"").expect("Marketo's shape");
    assert_eq!(
        serde_json::to_string(&d).expect("serializes"),
        "\"2031-03-04T05:06:07.250+00:00\""
    );
    #[derive(Deserialize)]
    struct W {
        #[serde(default, deserialize_with = "deserialize_opt")]
        at: Option<MarketoDateTime>,
    }
    let read = |json: &str| serde_json::from_str::<W>(json).map(|w| w.at);
    assert_eq!(read(r#"{"at": null}"#).ok(), Some(None));
    assert_eq!(read(r#"{"at": " "}"#).ok(), Some(None));
    assert_eq!(read(r#"{}"#).ok(), Some(None));
    assert!(matches!(
        read(r#"{"at": "20200807T20:49:54.0t+0000"}"#),
        Ok(Some(_))
    ));
    assert!(read(r#"{"at": "nope"}"#).is_err());
}

/// Why the grammar is hand-written (DECISIONS.md, 2026-12-02): chrono's parsers refuse shapes that
/// Marketo writes, and its RFC 3339 parser accepts what Marketo cannot keep.
#[test]
fn chrono_alone_is_not_enough() {
    use chrono::FixedOffset;
    // (shape Marketo writes, refused by chrono's relaxed `FromStr` too)
    for (marketo, from_str_refuses) in [
        ("20200807T20:49:54.0t+0000", true),
        ("2020-12-31T08:00:00.000t+0000", true),
        ("2020-12-31T23:59:59-0500", false),
    ] {
        assert!(DateTime::parse_from_rfc3339(marketo).is_err(), "{marketo}");
        let from_str = marketo.parse::<DateTime<FixedOffset>>();
        assert_eq!(from_str.is_err(), from_str_refuses, "{marketo}");
        assert!(MarketoDateTime::parse(marketo).is_ok(), "{marketo}");
    }
    for too_much in ["2031-03-04T05:06:07.2501Z", "2016-12-31T23:59:60Z"] {
        assert!(DateTime::parse_from_rfc3339(too_much).is_ok(), "{too_much}");
        assert!(
            MarketoDateTime::parse_config(too_much).is_err(),
            "{too_much}"
        );
    }
}
