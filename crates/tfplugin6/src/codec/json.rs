//! JSON as Terraform stores state (handed over by `UpgradeResourceState`), guided by the type.

use super::shared::{MAX_DEPTH, dedup, describe};
use crate::error::{CodecError, PathStep};
use std::collections::BTreeMap;

use crate::value::{Number, Type, Value};

pub(super) fn json_to_value(
    j: &serde_json::Value,
    ty: &Type,
    depth: usize,
) -> Result<Value, CodecError> {
    use serde_json::Value as J;
    if depth > MAX_DEPTH {
        return Err(CodecError::new("JSON value nested too deeply"));
    }
    if j.is_null() {
        return Ok(Value::Null);
    }
    // The value itself stays out of the message: stored state may hold
    // secrets, and this error ends up in a diagnostic.
    let wrong = || CodecError::new(format!("expected {ty}, found JSON {}", json_kind(j)));
    match ty {
        Type::Bool => match j {
            J::Bool(b) => Ok(Value::Bool(*b)),
            J::String(s) if s == "true" => Ok(Value::Bool(true)),
            J::String(s) if s == "false" => Ok(Value::Bool(false)),
            _ => Err(wrong()),
        },
        Type::Number => match j {
            J::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Ok(Value::int(i))
                } else if let Some(u) = n.as_u64() {
                    Ok(Value::Number(Number::from_u64(u)))
                } else {
                    n.as_f64()
                        .and_then(Number::from_f64)
                        .map(Value::Number)
                        .ok_or_else(wrong)
                }
            }
            J::String(s) => Number::parse(s).map(Value::Number).ok_or_else(wrong),
            _ => Err(wrong()),
        },
        Type::String => match j {
            J::String(s) => Ok(Value::String(s.clone())),
            J::Number(n) => Ok(Value::String(n.to_string())),
            J::Bool(b) => Ok(Value::String(b.to_string())),
            _ => Err(wrong()),
        },
        Type::List(elem) | Type::Set(elem) => match j {
            J::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.push(
                        json_to_value(item, elem, depth + 1)
                            .map_err(|e| e.at(&PathStep::Index(i)))?,
                    );
                }
                Ok(if matches!(ty, Type::Set(_)) {
                    Value::Set(out)
                } else {
                    Value::List(out)
                })
            }
            _ => Err(wrong()),
        },
        Type::Tuple(elems) => match j {
            J::Array(items) if items.len() == elems.len() => {
                let mut out = Vec::with_capacity(items.len());
                for (i, (item, t)) in items.iter().zip(elems).enumerate() {
                    out.push(
                        json_to_value(item, t, depth + 1).map_err(|e| e.at(&PathStep::Index(i)))?,
                    );
                }
                Ok(Value::Tuple(out))
            }
            _ => Err(wrong()),
        },
        Type::Map(elem) => match j {
            J::Object(m) => {
                let mut out = BTreeMap::new();
                for (k, item) in m {
                    let v = json_to_value(item, elem, depth + 1)
                        .map_err(|e| e.at(&PathStep::Key(k)))?;
                    out.insert(k.clone(), v);
                }
                Ok(Value::Map(out))
            }
            _ => Err(wrong()),
        },
        Type::Object(attrs) => match j {
            J::Object(m) => {
                let mut out = BTreeMap::new();
                for (k, t) in attrs {
                    let v = match m.get(k) {
                        Some(item) => json_to_value(item, t, depth + 1)
                            .map_err(|e| e.at(&PathStep::Attr(k)))?,
                        None => Value::Null,
                    };
                    out.insert(k.clone(), v);
                }
                // Attributes the type does not know (removed from the schema
                // since the state was written) are dropped.
                Ok(Value::Object(out))
            }
            _ => Err(wrong()),
        },
        Type::Dynamic => match j {
            J::Object(m) if m.contains_key("type") && m.contains_key("value") => {
                let t = Type::from_json_value(&m["type"])?;
                json_to_value(&m["value"], &t, depth + 1)
            }
            _ => Err(CodecError::new(format!(
                "dynamic value must be {{\"value\",\"type\"}}, found JSON {}",
                json_kind(j)
            ))),
        },
    }
}

fn json_kind(j: &serde_json::Value) -> &'static str {
    use serde_json::Value as J;
    match j {
        J::Null => "null",
        J::Bool(_) => "bool",
        J::Number(_) => "number",
        J::String(_) => "string",
        J::Array(_) => "array",
        J::Object(_) => "object",
    }
}

pub(super) fn value_to_json(
    v: &Value,
    ty: &Type,
    depth: usize,
) -> Result<serde_json::Value, CodecError> {
    use serde_json::Value as J;
    if depth > MAX_DEPTH {
        return Err(CodecError::new("value nested too deeply"));
    }
    let wrong = || {
        CodecError::new(format!(
            "value {} does not conform to type {ty}",
            describe(v)
        ))
    };
    match (ty, v) {
        (_, Value::Unknown) => Err(CodecError::new("unknown values cannot be written as JSON")),
        (_, Value::Null) => Ok(J::Null),
        (Type::Dynamic, _) => {
            let concrete = v.infer_type();
            let inner = value_to_json(v, &concrete, depth + 1)?;
            Ok(serde_json::json!({"value": inner, "type": concrete.to_json_value()}))
        }
        (Type::Bool, Value::Bool(b)) => Ok(J::Bool(*b)),
        (Type::Number, Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                Ok(J::from(i))
            } else {
                serde_json::Number::from_f64(n.as_f64())
                    .map(J::Number)
                    .ok_or_else(wrong)
            }
        }
        (Type::String, Value::String(s)) => Ok(J::String(s.clone())),
        (
            Type::List(elem) | Type::Set(elem),
            Value::List(items) | Value::Set(items) | Value::Tuple(items),
        ) => {
            let items = if matches!(ty, Type::Set(_)) {
                dedup(items)
            } else {
                items.iter().collect()
            };
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                out.push(
                    value_to_json(item, elem, depth + 1).map_err(|e| e.at(&PathStep::Index(i)))?,
                );
            }
            Ok(J::Array(out))
        }
        (Type::Tuple(elems), Value::Tuple(items) | Value::List(items))
            if elems.len() == items.len() =>
        {
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, t)) in items.iter().zip(elems).enumerate() {
                out.push(value_to_json(item, t, depth + 1).map_err(|e| e.at(&PathStep::Index(i)))?);
            }
            Ok(J::Array(out))
        }
        (Type::Map(elem), Value::Map(m) | Value::Object(m)) => {
            let mut out = serde_json::Map::new();
            for (k, item) in m {
                out.insert(
                    k.clone(),
                    value_to_json(item, elem, depth + 1).map_err(|e| e.at(&PathStep::Key(k)))?,
                );
            }
            Ok(J::Object(out))
        }
        (Type::Object(attrs), Value::Object(m) | Value::Map(m)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(CodecError::new(format!(
                    "unsupported attribute {extra:?} for type {ty}"
                )));
            }
            let mut out = serde_json::Map::new();
            for (k, t) in attrs {
                let item = m.get(k).unwrap_or(&Value::Null);
                out.insert(
                    k.clone(),
                    value_to_json(item, t, depth + 1).map_err(|e| e.at(&PathStep::Attr(k)))?,
                );
            }
            Ok(J::Object(out))
        }
        _ => Err(wrong()),
    }
}
