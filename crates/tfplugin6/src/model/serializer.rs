//! model -> Value: a serde `Serializer` that builds a [`Value`].

use std::collections::BTreeMap;

use serde::Serializer;
use serde::ser::{self, Serialize};

use super::error::ModelError;
use super::markers::{NUMBER, SET, UNKNOWN};
use crate::value::{Number, Value};

pub(super) struct ValueSerializer;

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

pub(super) struct SeqOut {
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

pub(super) struct MapOut {
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
