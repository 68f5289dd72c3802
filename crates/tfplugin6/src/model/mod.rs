//! Typed models: plain Rust structs in place of [`Value`] trees.
//!
//! A resource or data source declares one struct per schema (nested blocks and nested attributes
//! as nested structs, lists as `Vec`, sets as [`Set`]), deriving serde's `Serialize` and
//! `Deserialize`; [`from_value`] and [`to_value`] convert between it and the protocol's
//! [`Value`]. An attribute that may be null or unknown is an [`Attr`]:
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use tfplugin6::model::{self, Attr, Set};
//! use tfplugin6::Value;
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
//! [`unfit`] is the diagnostic for a model that does not fit its schema.
//!
//! Layout: this file holds the model types ([`Attr`], [`Set`]) and the entry points;
//! `serializer.rs` and `deserializer.rs` the two directions; `error.rs` the [`ModelError`] both
//! report; `markers.rs` the serde names they share. The two directions import neither this file
//! nor each other.
//!
//! Numbers: integers come in as `i64`/`u64` exactly, fractions as `f64`; a [`Number`] field keeps
//! whatever the value holds (numbers beyond `f64` keep their decimal text).

mod deserializer;
mod error;
mod markers;
mod serializer;

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diag::Diagnostic;
use crate::value::{Number, Type, Value};
use deserializer::ValueDeserializer;
pub use error::ModelError;
use markers::{ATTR, NUMBER, SET, UNKNOWN};
use serializer::ValueSerializer;

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

/// The error diagnostic for a model that does not fit its schema: a bug in the provider, not in
/// the configuration. `what` names what was being converted, e.g. `provider block` or
/// `prior state of example_widget`; the detail reads "The {what} could not be converted ({err}).
/// This is a bug in the provider; please report it."
pub fn unfit(what: &str, err: &ModelError) -> Diagnostic {
    Diagnostic::error(
        "Internal error: the model does not fit the schema",
        format!(
            "The {what} could not be converted ({err}). This is a bug in the provider; please \
             report it."
        ),
    )
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

#[cfg(test)]
mod tests;
