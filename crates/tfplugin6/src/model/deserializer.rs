//! Value -> model: a serde `Deserializer` over a borrowed [`Value`].

use std::collections::BTreeMap;

use serde::Deserializer;
use serde::de::{self, IntoDeserializer, Visitor};

use super::error::ModelError;
use super::markers::{ATTR, NUMBER, SET};
use crate::value::Value;

pub(super) struct ValueDeserializer<'a>(pub(super) &'a Value);

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

pub(super) struct Seq<'a> {
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

pub(super) struct Map<'a> {
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
