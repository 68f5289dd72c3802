//! Typed models: plain Rust structs in place of [`Value`] trees.
//!
//! A resource or data source declares one struct per schema (nested blocks and nested attributes
//! as nested structs, lists as `Vec`, sets as [`Set`]), deriving serde's `Serialize` and
//! `Deserialize`; [`from_value`] and [`to_value`] convert between it and the protocol's
//! [`Value`]. An attribute that may be null or unknown is an [`Attr`]:
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use terraform_provider_marketo::plugin::model::{self, Attr, Set};
//! use terraform_provider_marketo::plugin::Value;
//!
//! #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
//! struct Role {
//!     id: Attr<String>,
//!     name: Attr<String>,
//!     permissions: Attr<Set<Attr<String>>>,
//!     #[serde(rename = "type")]
//!     role_type: Attr<String>,
//! }
//!
//! let v = Value::object([
//!     ("id", Value::Unknown),
//!     ("name", Value::string("Sync")),
//!     ("permissions", Value::set_of([Value::string("Read-Write Lead")])),
//!     ("type", Value::Null),
//! ]);
//! let role: Role = model::from_value(&v).unwrap();
//! assert_eq!(role.name.known().map(String::as_str), Some("Sync"));
//! assert!(role.id.is_unknown());
//! assert_eq!(model::to_value(&role).unwrap(), v);
//! ```
//!
//! The conversion is strict both ways, so that a model and its schema cannot disagree
//! unnoticed: an attribute of the value that the struct lacks, and a field of the struct that the
//! value lacks, are errors naming them (with the path to them). [`check_model`] checks a model
//! against a schema's type in one call, for a unit test per schema.
//!
//! Numbers: integers come in as `i64`/`u64` exactly, fractions as `f64`; a [`Number`] field keeps
//! whatever the value holds (numbers beyond `f64` keep their decimal text).

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde::ser::{self, Serialize};
use serde::{Deserialize, Deserializer, Serializer};

use super::value::{Number, Type, Value};

/// serde names that only this module's (de)serializer gives a meaning to.
const ATTR: &str = "$tfplugin6::Attr";
const UNKNOWN: &str = "$tfplugin6::Unknown";
const SET: &str = "$tfplugin6::Set";
const NUMBER: &str = "$tfplugin6::Number";

/// An attribute that may be null, unknown (until apply) or known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Attr<T> {
    /// Null: not set.
    #[default]
    Null,
    /// Not known until apply.
    Unknown,
    /// Known (parts of it may still be unknown, when `T` holds `Attr`s).
    Known(T),
}

impl<T> Attr<T> {
    /// The value, when known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Attr::Known(v) => Some(v),
            _ => None,
        }
    }

    /// The value, when known.
    pub fn into_known(self) -> Option<T> {
        match self {
            Attr::Known(v) => Some(v),
            _ => None,
        }
    }

    /// True for [`Attr::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Attr::Null)
    }

    /// True for [`Attr::Unknown`].
    pub fn is_unknown(&self) -> bool {
        matches!(self, Attr::Unknown)
    }

    /// True for [`Attr::Known`].
    pub fn is_known(&self) -> bool {
        matches!(self, Attr::Known(_))
    }

    /// A reference to the value inside.
    pub fn as_ref(&self) -> Attr<&T> {
        match self {
            Attr::Null => Attr::Null,
            Attr::Unknown => Attr::Unknown,
            Attr::Known(v) => Attr::Known(v),
        }
    }

    /// Maps the known value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Attr<U> {
        match self {
            Attr::Null => Attr::Null,
            Attr::Unknown => Attr::Unknown,
            Attr::Known(v) => Attr::Known(f(v)),
        }
    }
}

impl Attr<String> {
    /// The text, when known.
    pub fn as_str(&self) -> Option<&str> {
        self.known().map(String::as_str)
    }
}

impl<T> From<Option<T>> for Attr<T> {
    /// `None` is null.
    fn from(v: Option<T>) -> Attr<T> {
        v.map_or(Attr::Null, Attr::Known)
    }
}

impl<T: Serialize> Serialize for Attr<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Attr::Null => s.serialize_none(),
            // Other formats (JSON) see an unknown as null.
            Attr::Unknown => s.serialize_unit_struct(UNKNOWN),
            Attr::Known(v) => s.serialize_some(v),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Attr<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Attr<T>, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Attr<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value, null or unknown")
            }
            fn visit_none<E: de::Error>(self) -> Result<Attr<T>, E> {
                Ok(Attr::Null)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Attr<T>, E> {
                Ok(Attr::Unknown)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Attr<T>, D::Error> {
                T::deserialize(d).map(Attr::Known)
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Attr<T>, D::Error> {
                // Formats other than ours: an optional value.
                Option::<T>::deserialize(d).map(Attr::from)
            }
        }
        d.deserialize_newtype_struct(ATTR, V(PhantomData))
    }
}

/// A Terraform set. Its elements keep their order but compare equal in any order; it becomes a
/// [`Value::Set`] (a `Vec` becomes a [`Value::List`]).
#[derive(Debug, Clone, Default)]
pub struct Set<T>(pub Vec<T>);

impl<T> Set<T> {
    /// The elements.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
}

impl<T: PartialEq> PartialEq for Set<T> {
    fn eq(&self, other: &Set<T>) -> bool {
        self.0.len() == other.0.len()
            && self.0.iter().all(|x| other.0.contains(x))
            && other.0.iter().all(|x| self.0.contains(x))
    }
}

impl<T> FromIterator<T> for Set<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Set<T> {
        Set(iter.into_iter().collect())
    }
}

impl<'a, T> IntoIterator for &'a Set<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: Serialize> Serialize for Set<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(SET, &self.0)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Set<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Set<T>, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Set<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a set")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Set<T>, D::Error> {
                Vec::<T>::deserialize(d).map(Set)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Set<T>, A::Error> {
                Vec::<T>::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Set)
            }
        }
        d.deserialize_newtype_struct(SET, V(PhantomData))
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let Some(text) = self.as_decimal_text() {
            s.serialize_newtype_struct(NUMBER, text)
        } else if let Some(f) = self.as_exact_f64() {
            s.serialize_f64(f)
        } else {
            // Neither decimal text nor a float: an exact i64.
            s.serialize_i64(self.as_i64().unwrap_or_default())
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Number, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, i: i64) -> Result<Number, E> {
                Ok(Number::from_i64(i))
            }
            fn visit_u64<E: de::Error>(self, u: u64) -> Result<Number, E> {
                Ok(Number::from_u64(u))
            }
            fn visit_f64<E: de::Error>(self, f: f64) -> Result<Number, E> {
                Number::from_f64(f).ok_or_else(|| E::custom(format!("{f} is not a number")))
            }
            fn visit_str<E: de::Error>(self, t: &str) -> Result<Number, E> {
                Number::parse(t).ok_or_else(|| E::custom(format!("\"{t}\" is not a number")))
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Number, D::Error> {
                d.deserialize_any(V)
            }
        }
        d.deserialize_newtype_struct(NUMBER, V)
    }
}

/// A model that does not fit a value (or the other way round), with the path to where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    path: Vec<String>,
    message: String,
}

impl ModelError {
    fn new(message: impl Into<String>) -> ModelError {
        ModelError {
            path: Vec::new(),
            message: message.into(),
        }
    }

    /// The same error, one step further from the root: an attribute name or `[index]`.
    fn within(mut self, step: String) -> ModelError {
        self.path.insert(0, step);
        self
    }

    /// Where, e.g. `role_assignment[0].role_id`; empty at the root.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            if !step.starts_with('[') && !out.is_empty() {
                out.push('.');
            }
            out.push_str(step);
        }
        out
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at {}: {}", self.path(), self.message)
        }
    }
}

impl std::error::Error for ModelError {}

impl ser::Error for ModelError {
    fn custom<T: fmt::Display>(msg: T) -> ModelError {
        ModelError::new(msg.to_string())
    }
}

impl de::Error for ModelError {
    fn custom<T: fmt::Display>(msg: T) -> ModelError {
        ModelError::new(msg.to_string())
    }

    fn missing_field(field: &'static str) -> ModelError {
        ModelError::new(format!(
            "the model's field `{field}` is not an attribute of the value"
        ))
    }
}

/// Reads a model from a value.
pub fn from_value<T: DeserializeOwned>(v: &Value) -> Result<T, ModelError> {
    T::deserialize(ValueDeserializer(v))
}

/// Writes a model as a value.
pub fn to_value<T: Serialize + ?Sized>(model: &T) -> Result<Value, ModelError> {
    model.serialize(ValueSerializer)
}

/// Checks that the model `T` has exactly the attributes and blocks of the object type `ty`
/// (names, nesting, and list/set/object shapes): a value with every attribute set, one with every
/// leaf unknown, and one with every top-level attribute unknown must each read into `T` and write
/// back unchanged. With `unknowns` false, only the first (for models without `Attr`s).
pub fn check_model<T: Serialize + DeserializeOwned>(
    ty: &Type,
    unknowns: bool,
) -> Result<(), String> {
    let mut samples = vec![sample(ty, false)];
    if unknowns {
        samples.push(sample(ty, true));
        if let Value::Object(m) = sample(ty, false) {
            samples.push(Value::Object(
                m.into_keys().map(|k| (k, Value::Unknown)).collect(),
            ));
        }
    }
    for v in samples {
        let model: T = from_value(&v).map_err(|e| format!("reading {v:?}: {e}"))?;
        let back = to_value(&model).map_err(|e| format!("writing back: {e}"))?;
        if back != v {
            return Err(format!(
                "the model changes the value:\n  read:    {v:?}\n  written: {back:?}"
            ));
        }
    }
    Ok(())
}

/// A value of type `ty` with one element in every collection and every primitive unknown when
/// `unknown`, else known.
fn sample(ty: &Type, unknown: bool) -> Value {
    match ty {
        _ if unknown && ty.is_primitive() => Value::Unknown,
        Type::Bool => Value::bool(true),
        Type::Number => Value::int(1),
        Type::String | Type::Dynamic => Value::string("x"),
        Type::List(e) => Value::List(vec![sample(e, unknown)]),
        Type::Set(e) => Value::Set(vec![sample(e, unknown)]),
        Type::Map(e) => Value::map([("k", sample(e, unknown))]),
        Type::Tuple(es) => Value::Tuple(es.iter().map(|e| sample(e, unknown)).collect()),
        Type::Object(attrs) => Value::Object(
            attrs
                .iter()
                .map(|(k, t)| (k.clone(), sample(t, unknown)))
                .collect(),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Value -> model

struct ValueDeserializer<'a>(&'a Value);

impl ValueDeserializer<'_> {
    fn kind(&self) -> &'static str {
        match self.0 {
            Value::Null => "null",
            Value::Unknown => "an unknown value",
            Value::Bool(_) => "a bool",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::List(_) => "a list",
            Value::Set(_) => "a set",
            Value::Map(_) => "a map",
            Value::Object(_) => "an object",
            Value::Tuple(_) => "a tuple",
        }
    }

    fn wrong(&self, want: &str) -> ModelError {
        ModelError::new(format!("expected {want}, found {}", self.kind()))
    }
}

macro_rules! de_int {
    ($name:ident, $t:ty, $visit:ident) => {
        fn $name<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
            let Value::Number(n) = self.0 else {
                return Err(self.wrong("a number"));
            };
            let i = n
                .as_i64()
                .and_then(|i| <$t>::try_from(i).ok())
                .ok_or_else(|| {
                    ModelError::new(format!(
                        "{n} is not a whole number that fits {}",
                        stringify!($t)
                    ))
                })?;
            v.$visit(i.into())
        }
    };
}

macro_rules! de_uint {
    ($name:ident, $t:ty, $visit:ident) => {
        fn $name<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
            let Value::Number(n) = self.0 else {
                return Err(self.wrong("a number"));
            };
            let u = n
                .to_string()
                .parse::<u64>()
                .ok()
                .and_then(|u| <$t>::try_from(u).ok())
                .ok_or_else(|| {
                    ModelError::new(format!(
                        "{n} is not a whole number that fits {}",
                        stringify!($t)
                    ))
                })?;
            v.$visit(u.into())
        }
    };
}

impl<'de> Deserializer<'de> for ValueDeserializer<'de> {
    type Error = ModelError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::Null => v.visit_unit(),
            Value::Unknown => Err(ModelError::new(
                "the value is unknown, and the model's field is not an `Attr`",
            )),
            Value::Bool(b) => v.visit_bool(*b),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    v.visit_i64(i)
                } else if let Some(text) = n.as_decimal_text() {
                    match text.parse::<u64>() {
                        Ok(u) => v.visit_u64(u),
                        Err(_) => v.visit_str(text),
                    }
                } else {
                    v.visit_f64(n.as_f64())
                }
            }
            Value::String(s) => v.visit_borrowed_str(s),
            Value::List(e) | Value::Set(e) | Value::Tuple(e) => v.visit_seq(Seq::new(e)),
            Value::Map(m) | Value::Object(m) => v.visit_map(Map::new(m)),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::Bool(b) => v.visit_bool(*b),
            _ => Err(self.wrong("a bool")),
        }
    }

    de_int!(deserialize_i8, i8, visit_i8);
    de_int!(deserialize_i16, i16, visit_i16);
    de_int!(deserialize_i32, i32, visit_i32);
    de_int!(deserialize_i64, i64, visit_i64);
    de_uint!(deserialize_u8, u8, visit_u8);
    de_uint!(deserialize_u16, u16, visit_u16);
    de_uint!(deserialize_u32, u32, visit_u32);
    de_uint!(deserialize_u64, u64, visit_u64);

    fn deserialize_f32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
        self.deserialize_f64(v)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::Number(n) => v.visit_f64(n.as_f64()),
            _ => Err(self.wrong("a number")),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
        self.deserialize_str(v)
    }

    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::String(s) => v.visit_borrowed_str(s),
            _ => Err(self.wrong("a string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
        self.deserialize_str(v)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _v: V) -> Result<V::Value, ModelError> {
        Err(ModelError::new("Terraform values hold no bytes"))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
        self.deserialize_bytes(v)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::Null => v.visit_none(),
            Value::Unknown => Err(ModelError::new(
                "the value is unknown, and the model's field is an `Option`, not an `Attr`",
            )),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::Null => v.visit_unit(),
            _ => Err(self.wrong("null")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, ModelError> {
        self.deserialize_unit(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, ModelError> {
        match name {
            ATTR => match self.0 {
                Value::Null => v.visit_none(),
                Value::Unknown => v.visit_unit(),
                _ => v.visit_some(self),
            },
            SET => match self.0 {
                Value::Set(e) => v.visit_seq(Seq::new(e)),
                _ => Err(self.wrong("a set")),
            },
            NUMBER => match self.0 {
                Value::Number(n) => match n.as_decimal_text() {
                    Some(text) => v.visit_str(text),
                    None => match n.as_exact_f64() {
                        Some(f) => v.visit_f64(f),
                        None => v.visit_i64(n.as_i64().unwrap_or_default()),
                    },
                },
                _ => Err(self.wrong("a number")),
            },
            _ => v.visit_newtype_struct(self),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::List(e) | Value::Tuple(e) => v.visit_seq(Seq::new(e)),
            Value::Set(_) => Err(ModelError::new(
                "expected a list, found a set: use `Set<_>` in the model",
            )),
            _ => Err(self.wrong("a list")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, ModelError> {
        self.deserialize_seq(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        v: V,
    ) -> Result<V::Value, ModelError> {
        self.deserialize_seq(v)
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::Map(m) | Value::Object(m) => v.visit_map(Map::new(m)),
            _ => Err(self.wrong("a map")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, ModelError> {
        let Value::Object(m) = self.0 else {
            return Err(self.wrong("an object"));
        };
        if let Some(extra) = m.keys().find(|k| !fields.contains(&k.as_str())) {
            return Err(ModelError::new(format!(
                "the value's attribute `{extra}` is not a field of the model (fields: {})",
                fields.join(", ")
            )));
        }
        v.visit_map(Map::new(m))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::String(s) => v.visit_enum(s.as_str().into_deserializer()),
            _ => Err(self.wrong("a string")),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
        self.deserialize_str(v)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ModelError> {
        v.visit_unit()
    }
}

struct Seq<'a> {
    elems: std::slice::Iter<'a, Value>,
    index: usize,
}

impl<'a> Seq<'a> {
    fn new(elems: &'a [Value]) -> Seq<'a> {
        Seq {
            elems: elems.iter(),
            index: 0,
        }
    }
}

impl<'de> de::SeqAccess<'de> for Seq<'de> {
    type Error = ModelError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ModelError> {
        let Some(e) = self.elems.next() else {
            return Ok(None);
        };
        let i = self.index;
        self.index += 1;
        seed.deserialize(ValueDeserializer(e))
            .map(Some)
            .map_err(|err| err.within(format!("[{i}]")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.elems.len())
    }
}

struct Map<'a> {
    entries: std::collections::btree_map::Iter<'a, String, Value>,
    current: Option<(&'a String, &'a Value)>,
}

impl<'a> Map<'a> {
    fn new(m: &'a BTreeMap<String, Value>) -> Map<'a> {
        Map {
            entries: m.iter(),
            current: None,
        }
    }
}

impl<'de> de::MapAccess<'de> for Map<'de> {
    type Error = ModelError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ModelError> {
        let Some((k, v)) = self.entries.next() else {
            return Ok(None);
        };
        self.current = Some((k, v));
        seed.deserialize(de::value::BorrowedStrDeserializer::new(k))
            .map(Some)
    }

    fn next_value_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, ModelError> {
        let (k, v) = self
            .current
            .take()
            .ok_or_else(|| ModelError::new("a map value without its key"))?;
        seed.deserialize(ValueDeserializer(v))
            .map_err(|err| err.within(k.clone()))
    }
}

// ---------------------------------------------------------------------------------------------
// model -> Value

struct ValueSerializer;

fn number(n: Option<Number>) -> Result<Value, ModelError> {
    n.map(Value::Number)
        .ok_or_else(|| ModelError::new("NaN and infinities are no Terraform numbers"))
}

impl Serializer for ValueSerializer {
    type Ok = Value;
    type Error = ModelError;
    type SerializeSeq = SeqOut;
    type SerializeTuple = SeqOut;
    type SerializeTupleStruct = SeqOut;
    type SerializeTupleVariant = ser::Impossible<Value, ModelError>;
    type SerializeMap = MapOut;
    type SerializeStruct = MapOut;
    type SerializeStructVariant = ser::Impossible<Value, ModelError>;

    fn serialize_bool(self, b: bool) -> Result<Value, ModelError> {
        Ok(Value::Bool(b))
    }
    fn serialize_i8(self, i: i8) -> Result<Value, ModelError> {
        Ok(Value::int(i.into()))
    }
    fn serialize_i16(self, i: i16) -> Result<Value, ModelError> {
        Ok(Value::int(i.into()))
    }
    fn serialize_i32(self, i: i32) -> Result<Value, ModelError> {
        Ok(Value::int(i.into()))
    }
    fn serialize_i64(self, i: i64) -> Result<Value, ModelError> {
        Ok(Value::int(i))
    }
    fn serialize_u8(self, u: u8) -> Result<Value, ModelError> {
        Ok(Value::int(u.into()))
    }
    fn serialize_u16(self, u: u16) -> Result<Value, ModelError> {
        Ok(Value::int(u.into()))
    }
    fn serialize_u32(self, u: u32) -> Result<Value, ModelError> {
        Ok(Value::int(u.into()))
    }
    fn serialize_u64(self, u: u64) -> Result<Value, ModelError> {
        Ok(Value::Number(Number::from_u64(u)))
    }
    fn serialize_f32(self, f: f32) -> Result<Value, ModelError> {
        number(Number::from_f64(f.into()))
    }
    fn serialize_f64(self, f: f64) -> Result<Value, ModelError> {
        number(Number::from_f64(f))
    }
    fn serialize_char(self, c: char) -> Result<Value, ModelError> {
        Ok(Value::String(c.to_string()))
    }
    fn serialize_str(self, s: &str) -> Result<Value, ModelError> {
        Ok(Value::string(s))
    }
    fn serialize_bytes(self, _b: &[u8]) -> Result<Value, ModelError> {
        Err(ModelError::new("Terraform values hold no bytes"))
    }
    fn serialize_none(self) -> Result<Value, ModelError> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Value, ModelError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, ModelError> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<Value, ModelError> {
        Ok(if name == UNKNOWN {
            Value::Unknown
        } else {
            Value::Null
        })
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, ModelError> {
        Ok(Value::string(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<Value, ModelError> {
        match name {
            SET => match v.serialize(self)? {
                Value::List(e) => Ok(Value::set_of(e)),
                other => Ok(other),
            },
            NUMBER => match v.serialize(self)? {
                Value::String(text) => Number::parse(&text)
                    .map(Value::Number)
                    .ok_or_else(|| ModelError::new(format!("\"{text}\" is not a number"))),
                other => Ok(other),
            },
            _ => v.serialize(self),
        }
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _v: &T,
    ) -> Result<Value, ModelError> {
        Err(ModelError::new(format!(
            "enum variant `{variant}` with data has no Terraform form"
        )))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqOut, ModelError> {
        Ok(SeqOut {
            elems: Vec::with_capacity(len.unwrap_or(0)),
            tuple: false,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqOut, ModelError> {
        Ok(SeqOut {
            elems: Vec::with_capacity(len),
            tuple: true,
        })
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqOut, ModelError> {
        self.serialize_tuple(len)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, ModelError> {
        Err(ModelError::new(format!(
            "enum variant `{variant}` with data has no Terraform form"
        )))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<MapOut, ModelError> {
        Ok(MapOut {
            entries: BTreeMap::new(),
            key: None,
            object: false,
        })
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<MapOut, ModelError> {
        Ok(MapOut {
            entries: BTreeMap::new(),
            key: None,
            object: true,
        })
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, ModelError> {
        Err(ModelError::new(format!(
            "enum variant `{variant}` with data has no Terraform form"
        )))
    }
}

struct SeqOut {
    elems: Vec<Value>,
    tuple: bool,
}

impl SeqOut {
    fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ModelError> {
        let i = self.elems.len();
        let v = v
            .serialize(ValueSerializer)
            .map_err(|e| e.within(format!("[{i}]")))?;
        self.elems.push(v);
        Ok(())
    }

    fn done(self) -> Value {
        if self.tuple {
            Value::Tuple(self.elems)
        } else {
            Value::List(self.elems)
        }
    }
}

impl ser::SerializeSeq for SeqOut {
    type Ok = Value;
    type Error = ModelError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ModelError> {
        self.push(v)
    }
    fn end(self) -> Result<Value, ModelError> {
        Ok(self.done())
    }
}

impl ser::SerializeTuple for SeqOut {
    type Ok = Value;
    type Error = ModelError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ModelError> {
        self.push(v)
    }
    fn end(self) -> Result<Value, ModelError> {
        Ok(self.done())
    }
}

impl ser::SerializeTupleStruct for SeqOut {
    type Ok = Value;
    type Error = ModelError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ModelError> {
        self.push(v)
    }
    fn end(self) -> Result<Value, ModelError> {
        Ok(self.done())
    }
}

struct MapOut {
    entries: BTreeMap<String, Value>,
    key: Option<String>,
    object: bool,
}

impl MapOut {
    fn insert<T: Serialize + ?Sized>(&mut self, key: String, v: &T) -> Result<(), ModelError> {
        let v = v
            .serialize(ValueSerializer)
            .map_err(|e| e.within(key.clone()))?;
        self.entries.insert(key, v);
        Ok(())
    }

    fn done(self) -> Value {
        if self.object {
            Value::Object(self.entries)
        } else {
            Value::Map(self.entries)
        }
    }
}

impl ser::SerializeMap for MapOut {
    type Ok = Value;
    type Error = ModelError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), ModelError> {
        match k.serialize(ValueSerializer)? {
            Value::String(s) => {
                self.key = Some(s);
                Ok(())
            }
            _ => Err(ModelError::new("map keys must be strings")),
        }
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ModelError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ModelError::new("a map value without its key"))?;
        self.insert(key, v)
    }
    fn end(self) -> Result<Value, ModelError> {
        Ok(self.done())
    }
}

impl ser::SerializeStruct for MapOut {
    type Ok = Value;
    type Error = ModelError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), ModelError> {
        self.insert(key.to_string(), v)
    }
    fn end(self) -> Result<Value, ModelError> {
        Ok(self.done())
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
