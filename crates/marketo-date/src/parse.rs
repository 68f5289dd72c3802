//! The two hand-written grammars: Marketo's answers (lenient) and configuration values (strict
//! RFC 3339 to the millisecond). Both end in chrono values; see the crate documentation for why
//! chrono's own parsers are not enough.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

use crate::error::DateError;

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        self.eat_any(&[b])
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

    /// A run of digits (possibly empty) read as nanoseconds: digits past the ninth are read
    /// but ignored. Returns the nanoseconds and how many digits there were.
    fn fraction(&mut self) -> (u32, usize) {
        let mut nanos = 0u32;
        let mut count = 0usize;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            if count < 9 {
                nanos = nanos * 10 + u32::from(d - b'0');
            }
            count += 1;
            self.pos += 1;
        }
        for _ in count..9 {
            nanos *= 10;
        }
        (nanos, count)
    }

    fn done(&self) -> bool {
        self.pos >= self.bytes.len()
    }
}

/// The calendar date of a year, month and day, if there is one.
fn date(year: u32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// The instant of a local date-time at an offset of `offset_seconds`.
fn at_offset(
    date: NaiveDate,
    time: NaiveTime,
    offset_seconds: i32,
) -> Option<DateTime<FixedOffset>> {
    FixedOffset::east_opt(offset_seconds)?
        .from_local_datetime(&NaiveDateTime::new(date, time))
        .single()
}

/// The lenient grammar of [`MarketoDateTime::parse`](crate::MarketoDateTime::parse).
pub(crate) fn answer(input: &str) -> Result<DateTime<FixedOffset>, DateError> {
    let err = |reason| DateError::Answer {
        input: input.to_owned(),
        reason,
    };
    let mut c = Cursor::new(input.trim());

    // Date: yyyy-MM-dd or yyyyMMdd.
    let year = c.digits(4).ok_or_else(|| err("expected a 4-digit year"))?;
    let dashed = c.eat(b'-');
    let month = c.digits(2).ok_or_else(|| err("expected a 2-digit month"))?;
    if dashed && !c.eat(b'-') {
        return Err(err("expected '-' after the month"));
    }
    let day = c.digits(2).ok_or_else(|| err("expected a 2-digit day"))?;
    let date = date(year, month, day).ok_or_else(|| err("no such calendar date"))?;
    if c.done() {
        return at_offset(date, NaiveTime::MIN, 0).ok_or_else(|| err("date out of range"));
    }
    if !c.eat_any(b"Tt ") {
        return Err(err("expected 'T' between date and time"));
    }

    // Time: HH:mm:ss, HH:mm or HHmmss, then an optional fraction after the seconds.
    let hour = c.digits(2).ok_or_else(|| err("expected a 2-digit hour"))?;
    let colon = c.eat(b':');
    let minute = c.digits(2).ok_or_else(|| err("expected 2-digit minutes"))?;
    let second = if colon {
        if c.eat(b':') {
            Some(c.digits(2).ok_or_else(|| err("expected 2-digit seconds"))?)
        } else {
            None
        }
    } else {
        Some(c.digits(2).ok_or_else(|| err("expected 2-digit seconds"))?)
    };
    let mut nanos = 0;
    if second.is_some() && c.eat_any(b".,") {
        let (n, count) = c.fraction();
        if count == 0 {
            return Err(err("expected digits after the decimal point"));
        }
        nanos = n;
    }
    if second == Some(60) {
        return Err(err("a leap second (:60) is not a time Marketo keeps"));
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second.unwrap_or(0), nanos)
        .ok_or_else(|| err("time out of range"))?;

    // Marketo's `t` (or `T`) before the offset, then the offset.
    c.eat_any(b"tT");
    let offset_seconds = if c.done() || c.eat_any(b"Zz") {
        0
    } else {
        let sign = match c.peek() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return Err(err("expected 'Z' or a '+hh:mm' offset")),
        };
        c.pos += 1;
        let oh = c
            .digits(2)
            .ok_or_else(|| err("expected 2-digit offset hours"))?;
        let om = if c.done() {
            0
        } else {
            c.eat(b':');
            c.digits(2)
                .ok_or_else(|| err("expected 2-digit offset minutes"))?
        };
        offset(sign, oh, om).ok_or_else(|| err("offset out of range"))?
    };
    if !c.done() {
        return Err(err("unexpected trailing characters"));
    }
    at_offset(date, time, offset_seconds).ok_or_else(|| err("offset out of range"))
}

/// Seconds east of UTC for an offset of `sign` `hh`:`mm`.
fn offset(sign: i32, hours: u32, minutes: u32) -> Option<i32> {
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * i32::try_from(hours * 3600 + minutes * 60).ok()?)
}

/// The strict grammar of [`MarketoDateTime::parse_config`](crate::MarketoDateTime::parse_config).
pub(crate) fn config(input: &str) -> Result<DateTime<FixedOffset>, DateError> {
    let err = |reason| DateError::Rfc3339 {
        input: input.to_owned(),
        reason,
    };
    let mut c = Cursor::new(input);

    let year = c.digits(4).ok_or_else(|| err("expected a 4-digit year"))?;
    if !c.eat(b'-') {
        return Err(err("expected '-' after the year"));
    }
    let month = c.digits(2).ok_or_else(|| err("expected a 2-digit month"))?;
    if !c.eat(b'-') {
        return Err(err("expected '-' after the month"));
    }
    let day = c.digits(2).ok_or_else(|| err("expected a 2-digit day"))?;
    if !c.eat_any(b"Tt ") {
        return Err(err("expected 'T' and a time after the date"));
    }
    let hour = c.digits(2).ok_or_else(|| err("expected a 2-digit hour"))?;
    if !c.eat(b':') {
        return Err(err("expected ':' after the hour"));
    }
    let minute = c.digits(2).ok_or_else(|| err("expected 2-digit minutes"))?;
    if !c.eat(b':') {
        return Err(err("expected ':' and seconds after the minutes"));
    }
    let second = c.digits(2).ok_or_else(|| err("expected 2-digit seconds"))?;
    let mut nanos = 0;
    let mut fraction = None;
    if c.eat(b'.') {
        let start = c.pos;
        let (n, count) = c.fraction();
        if count == 0 {
            return Err(err("expected digits after the decimal point"));
        }
        nanos = n;
        fraction = Some((start, count));
    }
    let offset_seconds = if c.eat_any(b"Zz") {
        0
    } else {
        let sign = match c.peek() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return Err(err("expected an offset, 'Z' or '+hh:mm'")),
        };
        c.pos += 1;
        let oh = c
            .digits(2)
            .ok_or_else(|| err("expected 2-digit offset hours"))?;
        if !c.eat(b':') {
            return Err(err("expected ':' in the offset"));
        }
        let om = c
            .digits(2)
            .ok_or_else(|| err("expected 2-digit offset minutes"))?;
        offset(sign, oh, om).ok_or_else(|| err("offset out of range"))?
    };
    if !c.done() {
        return Err(err("unexpected characters after the offset"));
    }

    // The shape is RFC 3339; now what Marketo can keep of it.
    let date = date(year, month, day).ok_or_else(|| err("no such calendar date"))?;
    if second == 60 && hour < 24 && minute < 60 {
        return Err(DateError::LeapSecond {
            input: input.to_owned(),
        });
    }
    if let Some((start, digits)) = fraction.filter(|&(_, digits)| digits > 3) {
        return Err(DateError::FinerThanMillis {
            input: input.to_owned(),
            digits,
            suggestion: format!("{}{}", &input[..start + 3], &input[start + digits..]),
        });
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
        .ok_or_else(|| err("time out of range"))?;
    at_offset(date, time, offset_seconds).ok_or_else(|| err("offset out of range"))
}
