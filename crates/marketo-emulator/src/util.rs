//! Small helpers shared by the modules.

use std::sync::{Mutex, MutexGuard, PoisonError};

use rand::Rng;
use rand::distr::Alphanumeric;

/// Locks a mutex, recovering the data if another thread panicked while holding it (the emulator's
/// critical sections never leave the data half-changed, so the value is still consistent).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A new client secret: 32 letters and digits, the shape of the secrets Marketo gives.
pub(crate) fn random_secret() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

/// Compares two secrets without stopping at the first difference.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Decodes `%XX` escapes in one URL path segment. Answers `None` for a malformed escape or a result that
/// is not UTF-8. `+` stays a plus sign (it only means a space in query strings).
pub(crate) fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = bytes.get(i + 1).and_then(|c| (*c as char).to_digit(16))?;
            let lo = bytes.get(i + 2).and_then(|c| (*c as char).to_digit(16))?;
            out.push(u8::try_from(hi * 16 + lo).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Checks an address against the pattern the Swagger gives `emailAddress`:
/// `^("?)(?:[^"])(?:[-\w.!#$%&'*+/=?^_`{|}~])*\1@(\w[-\w]{0,62}\.)+[A-Za-z]{2,63}$`, where `\w` is ASCII
/// (as in Java). The pattern uses a back-reference, so it is checked by hand; the structure below follows
/// the pattern piece by piece.
pub(crate) fn is_valid_email(s: &str) -> bool {
    fn word(c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '_'
    }
    fn local_rest(c: char) -> bool {
        word(c) || "-.!#$%&'*+/=?^_`{|}~".contains(c)
    }
    let quoted = s.starts_with('"');
    let mut chars = s.chars();
    if quoted {
        chars.next();
    }
    // One character that is not a quote.
    match chars.next() {
        Some(c) if c != '"' => {}
        _ => return false,
    }
    let rest: &str = chars.as_str();
    let end_local = rest.find(|c: char| !local_rest(c)).unwrap_or(rest.len());
    let mut after = &rest[end_local..];
    if quoted {
        match after.strip_prefix('"') {
            Some(a) => after = a,
            None => return false,
        }
    }
    let Some(domain) = after.strip_prefix('@') else {
        return false;
    };
    let labels: Vec<&str> = domain.split('.').collect();
    let Some((tld, hosts)) = labels.split_last() else {
        return false;
    };
    if hosts.is_empty() {
        return false;
    }
    let tld_len = tld.chars().count();
    if !(2..=63).contains(&tld_len) || !tld.chars().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    hosts.iter().all(|label| {
        let mut cs = label.chars();
        match cs.next() {
            Some(c) if word(c) => {}
            _ => return false,
        }
        let tail: Vec<char> = cs.collect();
        tail.len() <= 62 && tail.iter().all(|&c| word(c) || c == '-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_follow_the_swagger_pattern() {
        for ok in [
            "a@b.co",
            "jamie@lannister.com",
            "first.last+tag@sub.example.org",
            "\"ab\"@example.com",
            "x@a-b.example.museum",
            "@@x.com",
        ] {
            assert!(is_valid_email(ok), "{ok} should be valid");
        }
        for bad in [
            "",
            "plain",
            "a@b",
            "a@b.c",
            "a@b.c0m",
            "a b@c.com",
            "a@@b.com",
            "\"a@b.com",
            "a@.com",
            "a@-b.com",
            "a@b..com",
            "\"\"@b.com",
        ] {
            assert!(!is_valid_email(bad), "{bad} should be invalid");
        }
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%40b.com").as_deref(), Some("a@b.com"));
        assert_eq!(percent_decode("a+b").as_deref(), Some("a+b"));
        assert_eq!(percent_decode("%4"), None);
        assert_eq!(percent_decode("%ff"), None);
        assert_eq!(percent_decode("%zz"), None);
    }

    #[test]
    fn secrets_compare() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
