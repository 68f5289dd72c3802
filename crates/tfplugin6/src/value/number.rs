//! [`Number`]: a Terraform number kept exactly (64-bit integers, `f64`, or the decimal text of a
//! number beyond both). Numbers know nothing of values or types.

use std::fmt;

/// A Terraform number. Integers that fit in 64 bits are kept exactly; other
/// numbers are kept as `f64`, or as their decimal text when Terraform sent
/// them that way (numbers beyond what `f64` holds exactly).
#[derive(Debug, Clone)]
pub struct Number(NumberRepr);

#[derive(Debug, Clone)]
enum NumberRepr {
    Int(i64),
    Float(f64),
    Decimal(String),
}

impl Number {
    /// An exact integer.
    pub fn from_i64(i: i64) -> Number {
        Number(NumberRepr::Int(i))
    }

    /// An unsigned integer; kept exact (as decimal text beyond `i64::MAX`).
    pub fn from_u64(u: u64) -> Number {
        match i64::try_from(u) {
            Ok(i) => Number(NumberRepr::Int(i)),
            Err(_) => Number(NumberRepr::Decimal(u.to_string())),
        }
    }

    /// A float; integral values that fit in `i64` become exact integers.
    /// Returns `None` for NaN and infinities, which Terraform has no use for.
    pub fn from_f64(f: f64) -> Option<Number> {
        if !f.is_finite() {
            return None;
        }
        if f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
            // In range and integral: the cast is exact.
            return Some(Number(NumberRepr::Int(f as i64)));
        }
        Some(Number(NumberRepr::Float(f)))
    }

    /// Parses decimal text (as cty writes numbers it cannot send as int or
    /// float). Returns `None` if the text is not a number.
    pub fn parse(text: &str) -> Option<Number> {
        let t = text.trim();
        if let Ok(i) = t.parse::<i64>() {
            return Some(Number(NumberRepr::Int(i)));
        }
        let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
        if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
            // An integer too large for i64: keep its digits exactly.
            let text = t.strip_prefix('+').unwrap_or(t);
            return Some(Number(NumberRepr::Decimal(text.to_string())));
        }
        let f: f64 = t.parse().ok()?;
        let n = Number::from_f64(f)?;
        let text = t.strip_prefix('+').unwrap_or(t);
        if matches!(n.0, NumberRepr::Float(_)) && f.to_string() != text {
            // More digits than f64 holds (cty sends such numbers as text):
            // sending the f64 back would change the value Terraform sees.
            return Some(Number(NumberRepr::Decimal(text.to_string())));
        }
        Some(n)
    }

    /// The value as `i64`, when it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.0 {
            NumberRepr::Int(i) => Some(*i),
            NumberRepr::Float(_) => None,
            NumberRepr::Decimal(d) => d.parse().ok(),
        }
    }

    /// The value as `f64` (possibly rounded).
    pub fn as_f64(&self) -> f64 {
        match &self.0 {
            NumberRepr::Int(i) => *i as f64,
            NumberRepr::Float(f) => *f,
            NumberRepr::Decimal(d) => d.parse().unwrap_or(f64::NAN),
        }
    }

    /// The exact decimal text, when the number is neither an `i64` nor an
    /// exact `f64`.
    pub(crate) fn as_decimal_text(&self) -> Option<&str> {
        match &self.0 {
            NumberRepr::Decimal(d) => Some(d),
            _ => None,
        }
    }

    pub(crate) fn as_exact_f64(&self) -> Option<f64> {
        match &self.0 {
            NumberRepr::Float(f) => Some(*f),
            _ => None,
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        match (&self.0, &other.0) {
            (NumberRepr::Int(a), NumberRepr::Int(b)) => a == b,
            (NumberRepr::Decimal(a), NumberRepr::Decimal(b)) => a == b,
            _ => self.as_f64() == other.as_f64(),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            NumberRepr::Int(i) => write!(f, "{i}"),
            NumberRepr::Float(x) => write!(f, "{x}"),
            NumberRepr::Decimal(d) => f.write_str(d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_stay_exact() {
        assert_eq!(
            Number::from_u64(u64::MAX).to_string(),
            "18446744073709551615"
        );
        assert_eq!(
            Number::parse("18446744073709551615").unwrap().to_string(),
            "18446744073709551615"
        );
        assert_eq!(Number::parse("12").unwrap().as_i64(), Some(12));
        assert_eq!(Number::parse("1.5").unwrap().as_f64(), 1.5);
        assert!(Number::parse("abc").is_none());
        // Fractions beyond f64's precision keep their digits.
        let precise = "0.12345678901234567890123";
        assert_eq!(Number::parse(precise).unwrap().to_string(), precise);
        assert_eq!(Number::parse(precise).unwrap().as_i64(), None);
        assert!(
            (Number::parse(precise).unwrap().as_f64() - 0.123_456_789_012_345_68).abs() < 1e-17
        );
        assert_eq!(Number::parse("0.1").unwrap().as_exact_f64(), Some(0.1));
        assert!(Number::from_f64(f64::NAN).is_none());
        assert_eq!(Number::from_f64(-3.0).unwrap().as_i64(), Some(-3));
        assert_eq!(Number::from_f64(0.25).unwrap().as_i64(), None);
    }
}
