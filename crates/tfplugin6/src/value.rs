//! Terraform's type system (cty) as the protocol layer sees it: [`Type`] for
//! schemas and for decoding, [`Value`] for the data that crosses the wire.
//!
//! Values are untyped trees; the [`Type`] that goes with them comes from the
//! schema and drives the codecs in [`super::codec`].
//!
//! This file holds [`Value`]; [`Type`] lives in `value/types.rs` and [`Number`] in
//! `value/number.rs`, both re-exported here. Neither of them knows values.

mod number;
mod types;

use std::collections::BTreeMap;

pub use number::Number;
pub use types::Type;

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
    fn infer_type_of_nested_value() {
        let v = Value::object([("a", Value::list([Value::Null, Value::string("x")]))]);
        assert_eq!(
            v.infer_type(),
            Type::object([("a", Type::list(Type::String))])
        );
    }
}
