//! [`Type`]: Terraform's (cty) types, as schemas declare them and the codecs follow them, with
//! their JSON form (`"string"`, `["list","number"]`, ...). Types know nothing of values.

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
}
