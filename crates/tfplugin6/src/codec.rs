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
//! `msgpack` and `json` each turn bytes into a [`Value`] of a given [`Type`] and back; what both
//! need (the depth limit, set de-duplication) is in `shared`; the error type is `crate::error`'s,
//! shared with [`crate::value`]. This file holds only the entry points on [`Value`].

#[cfg(test)]
mod fuzz;
mod json;
mod msgpack;
mod shared;
#[cfg(test)]
mod tests;

use crate::value::{Type, Value};

pub use crate::error::CodecError;

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
