//! What the msgpack and JSON codecs share: the nesting and preallocation limits, set
//! de-duplication as cty does it, and the kind names used in their errors. It calls neither codec.

use crate::value::Value;

/// Nesting deeper than this is refused, so hostile input cannot exhaust the
/// stack.
pub(super) const MAX_DEPTH: usize = 128;

/// Most elements reserved up front per collection: a length field is only a claim, and nested
/// collections each claiming the rest of the input must not multiply into an allocation far
/// larger than the message (the vectors still grow to any real size).
pub(super) const PREALLOCATE: usize = 1024;

/// The elements of a set with duplicates dropped, as cty keeps them: an
/// element that is not wholly known never equals another (two unknowns may
/// turn out different), so only wholly known duplicates go.
pub(super) fn dedup(items: &[Value]) -> Vec<&Value> {
    let mut out: Vec<&Value> = Vec::with_capacity(items.len());
    for i in items {
        if !i.is_fully_known() || !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

pub(super) fn describe(v: &Value) -> &'static str {
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
