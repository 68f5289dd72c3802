//! Marketo's date format: written as `2026-11-28T04:20:00.000t+0000`, read leniently.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// Writes a time the way Marketo's User Management API does.
pub(crate) fn format(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3ft%z").to_string()
}

/// Reads a date-time in any of the shapes Marketo's documents and samples use:
/// dashed (`2020-12-31`) or compact (`20201231`) dates; `T` or `t` (or a space) before the time;
/// `HH:MM[:SS]` or `HHMMSS`; 1 to 9 fractional digits; an optional `t` before the offset; and an offset of
/// `Z`, `+HH`, `+HHMM` or `+HH:MM` (none means UTC). A bare date means midnight UTC.
pub(crate) fn parse_lenient(input: &str) -> Option<DateTime<Utc>> {
    let mut p = Cursor {
        b: input.trim().as_bytes(),
        i: 0,
    };
    let year = p.digits(4)?;
    let dashed = p.eat(b'-');
    let month = p.digits(2)?;
    if dashed && !p.eat(b'-') {
        return None;
    }
    let day = p.digits(2)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    if p.done() {
        return Some(Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN)));
    }
    if !(p.eat(b'T') || p.eat(b't') || p.eat(b' ')) {
        return None;
    }
    let hour = p.digits(2)?;
    let (minute, second);
    if p.eat(b':') {
        minute = p.digits(2)?;
        second = if p.eat(b':') { p.digits(2)? } else { 0 };
    } else {
        minute = p.digits(2)?;
        second = p.digits(2)?;
    }
    let mut nanos = 0u32;
    if p.eat(b'.') || p.eat(b',') {
        let start = p.i;
        let mut scale = 100_000_000u32;
        while let Some(d) = p.peek_digit() {
            if p.i - start >= 9 {
                return None;
            }
            nanos += d * scale;
            scale /= 10;
            p.i += 1;
        }
        if p.i == start {
            return None;
        }
    }
    // Marketo writes a lowercase `t` between the time and the offset.
    if matches!(p.peek(), Some(b't') | Some(b'T')) {
        p.i += 1;
        if p.done() {
            return None;
        }
    }
    let offset_secs: i32 = if p.done() || p.eat(b'Z') || p.eat(b'z') {
        0
    } else {
        let sign = if p.eat(b'+') {
            1
        } else if p.eat(b'-') {
            -1
        } else {
            return None;
        };
        let oh = p.digits(2)?;
        let om = if p.done() {
            0
        } else {
            p.eat(b':');
            p.digits(2)?
        };
        if oh > 23 || om > 59 {
            return None;
        }
        sign * i32::try_from(oh * 3600 + om * 60).ok()?
    };
    if !p.done() {
        return None;
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let offset = FixedOffset::east_opt(offset_secs)?;
    let local = NaiveDateTime::new(date, time);
    let t = offset.from_local_datetime(&local).single()?;
    Some(t.with_timezone(&Utc))
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn peek_digit(&self) -> Option<u32> {
        self.peek()
            .filter(u8::is_ascii_digit)
            .map(|d| u32::from(d - b'0'))
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let d = self.peek_digit()?;
            v = v * 10 + d;
            self.i += 1;
        }
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        match parse_lenient(s) {
            Some(t) => t,
            None => panic!("{s} should parse"),
        }
    }

    #[test]
    fn writes_marketos_format() {
        let t = utc("2026-11-28T04:20:00Z");
        assert_eq!(format(&t), "2026-11-28T04:20:00.000t+0000");
    }

    #[test]
    fn reads_every_documented_shape() {
        let want = utc("2020-12-31T13:00:00Z");
        for s in [
            "2020-12-31T08:00:00-05:00",
            "2020-12-31T08:00:00-0500",
            "2020-12-31T08:00:00.000t-0500",
            "2020-12-31T13:00:00.000t+0000",
            "20201231T13:00:00.000t+0000",
            "20201231T13:00:00.0t+0000",
            "20201231t130000Z",
            "2020-12-31T13:00:00",
            "2020-12-31T13:00",
            "2020-12-31 13:00:00+00",
            "2020-12-31T14:00:00+01:00",
        ] {
            assert_eq!(parse_lenient(s), Some(want), "{s}");
        }
        assert_eq!(format(&utc("2020-12-31")), "2020-12-31T00:00:00.000t+0000");
        assert_eq!(
            format(&utc("2020-12-31T13:00:00.5Z")),
            "2020-12-31T13:00:00.500t+0000"
        );
    }

    #[test]
    fn refuses_garbage() {
        for s in [
            "",
            "tomorrow",
            "2020-13-01",
            "2020-02-30T00:00:00Z",
            "2020-12-31T25:00:00Z",
            "2020-12-31T13:00:00.Z",
            "2020-12-31T13:00:00+2500",
            "2020-12-31T13:00:00t",
            "2020-12-31T13:00:00Zjunk",
            "2020-1231",
            "2020-12-31T13:00:00.1234567890Z",
        ] {
            assert_eq!(parse_lenient(s), None, "{s}");
        }
    }
}
