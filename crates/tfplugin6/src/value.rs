//! Terraform's type system (cty) as the protocol layer sees it: [`Type`] for
//! schemas and for decoding, [`Value`] for the data that crosses the wire.
//!
//! Values are untyped trees; the [`Type`] that goes with them comes from the
//! schema and drives the codecs in [`super::codec`].

use std::collections::BTreeMap;
use std::fmt;

use serde_json::json;

use crate::error::CodecError;

/// A Terraform (cty) type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Number,
    String,
    /// `DynamicPseudoType`: any type, decided by the value. On the wire such a
    /// value travels together with its concrete type.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
}

impl Type {
    /// `list(elem)`.
    pub fn list(elem: Type) -> Type {
        Type::List(Box::new(elem))
    }

    /// `set(elem)`.
    pub fn set(elem: Type) -> Type {
        Type::Set(Box::new(elem))
    }

    /// `map(elem)`.
    pub fn map(elem: Type) -> Type {
        Type::Map(Box::new(elem))
    }

    /// `object({...})` from `(name, type)` pairs.
    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Type)>) -> Type {
        Type::Object(attrs.into_iter().map(|(k, t)| (k.into(), t)).collect())
    }

    /// The JSON encoding Terraform uses for types, e.g. `"string"` or
    /// `["set",["object",{"role_id":"number"}]]`.
    pub fn to_json_value(&self) -> serde_json::Value {
        match self {
            Type::Bool => json!("bool"),
            Type::Number => json!("number"),
            Type::String => json!("string"),
            Type::Dynamic => json!("dynamic"),
            Type::List(e) => json!(["list", e.to_json_value()]),
            Type::Set(e) => json!(["set", e.to_json_value()]),
            Type::Map(e) => json!(["map", e.to_json_value()]),
            Type::Object(attrs) => {
                let obj: serde_json::Map<String, serde_json::Value> = attrs
                    .iter()
                    .map(|(k, t)| (k.clone(), t.to_json_value()))
                    .collect();
                json!(["object", obj])
            }
            Type::Tuple(elems) => {
                let list: Vec<serde_json::Value> = elems.iter().map(Type::to_json_value).collect();
                json!(["tuple", list])
            }
        }
    }

    /// [`Type::to_json_value`] as bytes, as `Schema.Attribute.type` wants.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        self.to_json_value().to_string().into_bytes()
    }

    /// Parses Terraform's JSON type encoding. Optional-attribute markers of
    /// object types (a third array element) are accepted and ignored.
    pub fn from_json_value(v: &serde_json::Value) -> Result<Type, CodecError> {
        let bad = || CodecError::new(format!("invalid type specification {v}"));
        match v {
            serde_json::Value::String(s) => match s.as_str() {
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                "dynamic" => Ok(Type::Dynamic),
                _ => Err(bad()),
            },
            serde_json::Value::Array(parts) => {
                let kind = parts.first().and_then(|k| k.as_str()).ok_or_else(bad)?;
                let arg = parts.get(1).ok_or_else(bad)?;
                match kind {
                    "list" if parts.len() == 2 => Ok(Type::list(Type::from_json_value(arg)?)),
                    "set" if parts.len() == 2 => Ok(Type::set(Type::from_json_value(arg)?)),
                    "map" if parts.len() == 2 => Ok(Type::map(Type::from_json_value(arg)?)),
                    "object" if parts.len() == 2 || parts.len() == 3 => {
                        let obj = arg.as_object().ok_or_else(bad)?;
                        let mut attrs = BTreeMap::new();
                        for (k, t) in obj {
                            attrs.insert(k.clone(), Type::from_json_value(t)?);
                        }
                        Ok(Type::Object(attrs))
                    }
                    "tuple" if parts.len() == 2 => {
                        let elems = arg.as_array().ok_or_else(bad)?;
                        Ok(Type::Tuple(
                            elems
                                .iter()
                                .map(Type::from_json_value)
                                .collect::<Result<_, _>>()?,
                        ))
                    }
                    _ => Err(bad()),
                }
            }
            _ => Err(bad()),
        }
    }

    /// Parses Terraform's JSON type encoding from bytes.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Type, CodecError> {
        let v: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| CodecError::new(format!("invalid type specification: {e}")))?;
        Type::from_json_value(&v)
    }

    /// True for bool, number and string.
    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::Bool | Type::Number | Type::String)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json_value())
    }
}

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

/// A Terraform value.
///
/// Values carry no type of their own; the schema's [`Type`] says how to read
/// and write them. Sets keep the order they arrived in but compare equal
/// regardless of order.
#[derive(Debug, Clone, Default)]
pub enum Value {
    /// Null (of whatever type the schema says).
    #[default]
    Null,
    /// Not known until apply.
    Unknown,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    Tuple(Vec<Value>),
}

static NULL: Value = Value::Null;

impl Value {
    /// A string value.
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// An integer value.
    pub fn int(i: i64) -> Value {
        Value::Number(Number::from_i64(i))
    }

    /// A number from a float; NaN and infinities give null.
    pub fn float(f: f64) -> Value {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }

    /// A bool value.
    pub fn bool(b: bool) -> Value {
        Value::Bool(b)
    }

    /// An object from `(attribute, value)` pairs.
    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A map from `(key, value)` pairs.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A list.
    pub fn list(elems: impl IntoIterator<Item = Value>) -> Value {
        Value::List(elems.into_iter().collect())
    }

    /// A set; duplicate elements are dropped, as Terraform would. Elements
    /// holding unknowns are all kept: cty never takes two of them as equal.
    pub fn set_of(elems: impl IntoIterator<Item = Value>) -> Value {
        let mut out: Vec<Value> = Vec::new();
        for e in elems {
            if !e.is_fully_known() || !out.contains(&e) {
                out.push(e);
            }
        }
        Value::Set(out)
    }

    /// A tuple.
    pub fn tuple(elems: impl IntoIterator<Item = Value>) -> Value {
        Value::Tuple(elems.into_iter().collect())
    }

    /// An optional value: `None` is null.
    pub fn opt<T: Into<Value>>(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }

    /// The named attribute of an object (or element of a map); null when
    /// this is not an object/map or has no such attribute.
    pub fn get(&self, name: &str) -> &Value {
        match self {
            Value::Object(m) | Value::Map(m) => m.get(name).unwrap_or(&NULL),
            _ => &NULL,
        }
    }

    /// Mutable access to an attribute of an object or element of a map.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Object(m) | Value::Map(m) => m.get_mut(name),
            _ => None,
        }
    }

    /// Sets an attribute of an object (or element of a map). Does nothing to
    /// other values.
    pub fn set_attr(&mut self, name: impl Into<String>, v: Value) {
        if let Value::Object(m) | Value::Map(m) = self {
            m.insert(name.into(), v);
        }
    }

    /// This object with one attribute set.
    pub fn with_attr(mut self, name: impl Into<String>, v: Value) -> Value {
        self.set_attr(name, v);
        self
    }

    /// The string, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is a known integral number in `i64` range.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// The number as `f64`, if this is a known number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(n.as_f64()),
            _ => None,
        }
    }

    /// The number, if this is a known number.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The bool, if this is a known bool.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements of a list, set or tuple.
    pub fn as_slice(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => Some(v),
            _ => None,
        }
    }

    /// The attributes of an object or the entries of a map.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Object(m) | Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Elements of a list/set/tuple, or nothing (null, unknown, others).
    pub fn elements(&self) -> impl Iterator<Item = &Value> {
        self.as_slice().unwrap_or(&[]).iter()
    }

    /// False only for [`Value::Unknown`] itself (parts may still be unknown).
    pub fn is_known(&self) -> bool {
        !matches!(self, Value::Unknown)
    }

    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True when nothing at any depth is unknown.
    pub fn is_fully_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => v.iter().all(Value::is_fully_known),
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_fully_known),
            _ => true,
        }
    }

    /// Replaces every value for which `f` returns `Some` (depth first, the
    /// outer value offered first; a replaced value is not descended into).
    pub fn transform(&self, f: &mut dyn FnMut(&Value) -> Option<Value>) -> Value {
        if let Some(v) = f(self) {
            return v;
        }
        match self {
            Value::List(v) => Value::List(v.iter().map(|e| e.transform(f)).collect()),
            Value::Set(v) => Value::Set(v.iter().map(|e| e.transform(f)).collect()),
            Value::Tuple(v) => Value::Tuple(v.iter().map(|e| e.transform(f)).collect()),
            Value::Map(m) => {
                Value::Map(m.iter().map(|(k, e)| (k.clone(), e.transform(f))).collect())
            }
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, e)| (k.clone(), e.transform(f))).collect())
            }
            other => other.clone(),
        }
    }

    /// A type for this value, as needed to send it where the schema says
    /// `dynamic`. Null and unknown parts give `dynamic`.
    pub fn infer_type(&self) -> Type {
        fn common(elems: &[Value]) -> Type {
            let mut found = Type::Dynamic;
            for e in elems {
                let t = e.infer_type();
                if t != Type::Dynamic {
                    found = t;
                    break;
                }
            }
            found
        }
        match self {
            Value::Null | Value::Unknown => Type::Dynamic,
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::List(v) => Type::list(common(v)),
            Value::Set(v) => Type::set(common(v)),
            Value::Map(m) => {
                let v: Vec<Value> = m.values().cloned().collect();
                Type::map(common(&v))
            }
            Value::Object(m) => {
                Type::Object(m.iter().map(|(k, v)| (k.clone(), v.infer_type())).collect())
            }
            Value::Tuple(v) => Type::Tuple(v.iter().map(Value::infer_type).collect()),
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) | (Value::Unknown, Value::Unknown) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => a == b,
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => a == b,
            (Value::Set(a), Value::Set(b)) => {
                a.len() == b.len()
                    && a.iter().all(|x| b.contains(x))
                    && b.iter().all(|x| a.contains(x))
            }
            _ => false,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::String(s.clone())
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::int(i)
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Value {
        Value::int(i64::from(i))
    }
}

impl From<u32> for Value {
    fn from(i: u32) -> Value {
        Value::int(i64::from(i))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        Value::opt(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_json_round_trip() {
        let t = Type::set(Type::object([
            ("role_id", Type::Number),
            ("workspace_id", Type::Number),
        ]));
        let json = String::from_utf8(t.to_json_bytes()).unwrap();
        assert_eq!(
            json,
            r#"["set",["object",{"role_id":"number","workspace_id":"number"}]]"#
        );
        assert_eq!(Type::from_json_bytes(json.as_bytes()).unwrap(), t);
        assert_eq!(
            String::from_utf8(Type::String.to_json_bytes()).unwrap(),
            r#""string""#
        );
        let tuple = Type::Tuple(vec![Type::Bool, Type::map(Type::Dynamic)]);
        assert_eq!(
            Type::from_json_bytes(&tuple.to_json_bytes()).unwrap(),
            tuple
        );
    }

    #[test]
    fn type_json_accepts_optional_attribute_marker_and_rejects_garbage() {
        let t = Type::from_json_bytes(br#"["object",{"a":"string"},["a"]]"#).unwrap();
        assert_eq!(t, Type::object([("a", Type::String)]));
        for bad in [
            &br#""strin""#[..],
            br#"["list"]"#,
            br#"["object",[]]"#,
            b"42",
            b"{",
            br#"["set","x","y"]"#,
        ] {
            assert!(
                Type::from_json_bytes(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn helpers() {
        let v = Value::object([
            ("name", Value::string("x")),
            ("n", Value::int(3)),
            (
                "tags",
                Value::set_of([Value::string("a"), Value::string("a"), Value::string("b")]),
            ),
            ("later", Value::Unknown),
        ]);
        assert_eq!(v.get("name").as_str(), Some("x"));
        assert_eq!(v.get("n").as_i64(), Some(3));
        assert!(v.get("missing").is_null());
        assert_eq!(v.get("tags").as_slice().map(<[Value]>::len), Some(2));
        assert!(v.is_known());
        assert!(!v.is_fully_known());
        assert!(!v.get("later").is_known());
        let v = v.with_attr("later", Value::bool(true));
        assert!(v.is_fully_known());
        assert_eq!(
            Value::set_of([Value::int(1), Value::int(2)]),
            Value::set_of([Value::int(2), Value::int(1)])
        );
        assert_ne!(
            Value::list([Value::int(1), Value::int(2)]),
            Value::list([Value::int(2), Value::int(1)])
        );
        assert_eq!(Value::float(2.0), Value::int(2));
        assert_eq!(Value::from(Some("a")), Value::string("a"));
        assert_eq!(Value::from(None::<i64>), Value::Null);
    }

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

    #[test]
    fn infer_type_of_nested_value() {
        let v = Value::object([("a", Value::list([Value::Null, Value::string("x")]))]);
        assert_eq!(
            v.infer_type(),
            Type::object([("a", Type::list(Type::String))])
        );
    }
}
