//! DynamicValue codecs: msgpack (what Terraform sends and expects at run
//! time) and JSON (stored state handed over by `UpgradeResourceState`).
//!
//! The msgpack layout follows cty's: unknown values are the extension type 0
//! (or 12 when refined, e.g. with a known string prefix; at any depth), null is `nil`, objects and maps are maps with their keys in
//! sorted order, lists, sets and tuples are arrays, numbers are any int or
//! float (or decimal text), and a value whose schema type is `dynamic` is the
//! 2-array `[type as JSON bytes, value]`.
//!
//! Nothing here panics on bad input: every malformed byte sequence gives a
//! [`CodecError`] naming where in the value it was found.
//!
//! `msgpack` and `json` each turn bytes into a [`Value`] of a given [`Type`] and back; the error
//! type is `crate::error`'s, shared with [`crate::value`].

#[cfg(test)]
mod fuzz;
mod json;
mod msgpack;
#[cfg(test)]
mod tests;

use crate::value::{Type, Value};

pub use crate::error::CodecError;

/// Nesting deeper than this is refused, so hostile input cannot exhaust the
/// stack.
pub(crate) const MAX_DEPTH: usize = 128;

/// Most elements reserved up front per collection: a length field is only a claim, and nested
/// collections each claiming the rest of the input must not multiply into an allocation far
/// larger than the message (the vectors still grow to any real size).
const PREALLOCATE: usize = 1024;

/// The elements of a set with duplicates dropped, as cty keeps them: an
/// element that is not wholly known never equals another (two unknowns may
/// turn out different), so only wholly known duplicates go.
fn dedup(items: &[Value]) -> Vec<&Value> {
    let mut out: Vec<&Value> = Vec::with_capacity(items.len());
    for i in items {
        if !i.is_fully_known() || !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Unknown => "unknown",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "list",
        Value::Set(_) => "set",
        Value::Map(_) => "map",
        Value::Object(_) => "object",
        Value::Tuple(_) => "tuple",
    }
}

impl Value {
    /// Decodes msgpack as Terraform sends it, guided by `ty`.
    pub fn from_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
        msgpack::decode(bytes, ty)
    }

    /// Encodes as msgpack for Terraform, following `ty`.
    pub fn to_msgpack(&self, ty: &Type) -> Result<Vec<u8>, CodecError> {
        msgpack::encode(self, ty)
    }

    /// Decodes JSON as stored in Terraform state, guided by `ty`. Object
    /// attributes unknown to `ty` are dropped; missing ones are null.
    pub fn from_json(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
        let j: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| CodecError::new(format!("invalid JSON: {e}")))?;
        json::json_to_value(&j, ty, 0)
    }

    /// Encodes as JSON in Terraform's state layout. Fails on unknown values.
    pub fn to_json(&self, ty: &Type) -> Result<Vec<u8>, CodecError> {
        Ok(json::value_to_json(self, ty, 0)?.to_string().into_bytes())
    }
}
