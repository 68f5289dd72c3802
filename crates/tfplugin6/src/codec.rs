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

use std::collections::BTreeMap;
use std::fmt;

use super::value::{Number, Type, Value};

/// Nesting deeper than this is refused, so hostile input cannot exhaust the
/// stack.
const MAX_DEPTH: usize = 128;

/// Most elements reserved up front per collection: a length field is only a claim, and nested
/// collections each claiming the rest of the input must not multiply into an allocation far
/// larger than the message (the vectors still grow to any real size).
const PREALLOCATE: usize = 1024;

/// A value could not be decoded or encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", if path.is_empty() { String::new() } else { format!(" (at {path})") })]
pub struct CodecError {
    message: String,
    path: String,
}

impl CodecError {
    pub(crate) fn new(message: impl Into<String>) -> CodecError {
        CodecError {
            message: message.into(),
            path: String::new(),
        }
    }

    fn at(mut self, step: &PathStep<'_>) -> CodecError {
        self.path = format!("{step}{}", self.path);
        self
    }

    /// Where in the value the problem is, like `.role_assignment[0].role_id`.
    pub fn path(&self) -> &str {
        &self.path
    }
}

enum PathStep<'a> {
    Attr(&'a str),
    Key(&'a str),
    Index(usize),
}

impl fmt::Display for PathStep<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathStep::Attr(a) => write!(f, ".{a}"),
            PathStep::Key(k) => write!(f, "[{k:?}]"),
            PathStep::Index(i) => write!(f, "[{i}]"),
        }
    }
}

// ---------------------------------------------------------------------------
// msgpack: a tiny reader producing a generic tree, then typed conversion.
// ---------------------------------------------------------------------------

/// A msgpack item, before the schema type gives it meaning.
#[derive(Debug, Clone, PartialEq)]
enum Mp {
    Nil,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Vec<u8>),
    Bin(Vec<u8>),
    Array(Vec<Mp>),
    Map(Vec<(Mp, Mp)>),
    Ext(i8),
}

enum Header {
    Scalar(Mp),
    Array(usize),
    Map(usize),
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.buf.len())
            .ok_or_else(|| CodecError::new("msgpack data ends too early"))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], CodecError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, CodecError> {
        Ok(self.array::<1>()?[0])
    }

    fn len16(&mut self) -> Result<usize, CodecError> {
        Ok(usize::from(u16::from_be_bytes(self.array()?)))
    }

    fn len32(&mut self) -> Result<usize, CodecError> {
        usize::try_from(u32::from_be_bytes(self.array()?))
            .map_err(|_| CodecError::new("msgpack length too large"))
    }

    fn bytes(&mut self, n: usize) -> Result<Vec<u8>, CodecError> {
        Ok(self.take(n)?.to_vec())
    }

    /// A collection length claims at least one byte per element; anything
    /// longer than the rest of the input is malformed (and must not be
    /// preallocated).
    fn check_count(&self, n: usize) -> Result<usize, CodecError> {
        if n > self.buf.len() - self.pos {
            return Err(CodecError::new("msgpack collection longer than its data"));
        }
        Ok(n)
    }

    fn items(&mut self, n: usize, depth: usize) -> Result<Vec<Mp>, CodecError> {
        let n = self.check_count(n)?;
        let mut out = Vec::with_capacity(n.min(PREALLOCATE));
        for _ in 0..n {
            out.push(self.item(depth + 1)?);
        }
        Ok(out)
    }

    fn pairs(&mut self, n: usize, depth: usize) -> Result<Vec<(Mp, Mp)>, CodecError> {
        let n = self.check_count(n)?;
        let mut out = Vec::with_capacity(n.min(PREALLOCATE));
        for _ in 0..n {
            let k = self.item(depth + 1)?;
            let v = self.item(depth + 1)?;
            out.push((k, v));
        }
        Ok(out)
    }

    fn ext(&mut self, n: usize) -> Result<Mp, CodecError> {
        let kind = i8::from_be_bytes(self.array()?);
        // The payload (cty's refinements of an unknown, if any) is skipped.
        self.take(n)?;
        Ok(Mp::Ext(kind))
    }

    /// Reads one item's header: a whole scalar, or the length of an array or
    /// map whose elements follow. Kept apart from [`Reader::item`] so the
    /// recursive frame stays small.
    fn header(&mut self) -> Result<Header, CodecError> {
        let b = self.u8()?;
        Ok(Header::Scalar(match b {
            0x00..=0x7f => Mp::Int(i64::from(b)),
            0x80..=0x8f => return Ok(Header::Map(usize::from(b & 0x0f))),
            0x90..=0x9f => return Ok(Header::Array(usize::from(b & 0x0f))),
            0xa0..=0xbf => Mp::Str(self.bytes(usize::from(b & 0x1f))?),
            0xc0 => Mp::Nil,
            0xc1 => return Err(CodecError::new("invalid msgpack byte 0xc1")),
            0xc2 => Mp::Bool(false),
            0xc3 => Mp::Bool(true),
            0xc4 => {
                let n = usize::from(self.u8()?);
                Mp::Bin(self.bytes(n)?)
            }
            0xc5 => {
                let n = self.len16()?;
                Mp::Bin(self.bytes(n)?)
            }
            0xc6 => {
                let n = self.len32()?;
                Mp::Bin(self.bytes(n)?)
            }
            0xc7 => {
                let n = usize::from(self.u8()?);
                self.ext(n)?
            }
            0xc8 => {
                let n = self.len16()?;
                self.ext(n)?
            }
            0xc9 => {
                let n = self.len32()?;
                self.ext(n)?
            }
            0xca => Mp::Float(f64::from(f32::from_be_bytes(self.array()?))),
            0xcb => Mp::Float(f64::from_be_bytes(self.array()?)),
            0xcc => Mp::UInt(u64::from(self.u8()?)),
            0xcd => Mp::UInt(u64::from(u16::from_be_bytes(self.array()?))),
            0xce => Mp::UInt(u64::from(u32::from_be_bytes(self.array()?))),
            0xcf => Mp::UInt(u64::from_be_bytes(self.array()?)),
            0xd0 => Mp::Int(i64::from(i8::from_be_bytes(self.array()?))),
            0xd1 => Mp::Int(i64::from(i16::from_be_bytes(self.array()?))),
            0xd2 => Mp::Int(i64::from(i32::from_be_bytes(self.array()?))),
            0xd3 => Mp::Int(i64::from_be_bytes(self.array()?)),
            0xd4 => self.ext(1)?,
            0xd5 => self.ext(2)?,
            0xd6 => self.ext(4)?,
            0xd7 => self.ext(8)?,
            0xd8 => self.ext(16)?,
            0xd9 => {
                let n = usize::from(self.u8()?);
                Mp::Str(self.bytes(n)?)
            }
            0xda => {
                let n = self.len16()?;
                Mp::Str(self.bytes(n)?)
            }
            0xdb => {
                let n = self.len32()?;
                Mp::Str(self.bytes(n)?)
            }
            0xdc => return Ok(Header::Array(self.len16()?)),
            0xdd => return Ok(Header::Array(self.len32()?)),
            0xde => return Ok(Header::Map(self.len16()?)),
            0xdf => return Ok(Header::Map(self.len32()?)),
            0xe0..=0xff => Mp::Int(i64::from(i8::from_be_bytes([b]))),
        }))
    }

    fn item(&mut self, depth: usize) -> Result<Mp, CodecError> {
        if depth > MAX_DEPTH {
            return Err(CodecError::new("msgpack value nested too deeply"));
        }
        match self.header()? {
            Header::Scalar(m) => Ok(m),
            Header::Array(n) => Ok(Mp::Array(self.items(n, depth)?)),
            Header::Map(n) => Ok(Mp::Map(self.pairs(n, depth)?)),
        }
    }
}

fn mp_kind(m: &Mp) -> &'static str {
    match m {
        Mp::Nil => "nil",
        Mp::Bool(_) => "bool",
        Mp::Int(_) | Mp::UInt(_) => "integer",
        Mp::Float(_) => "float",
        Mp::Str(_) => "string",
        Mp::Bin(_) => "binary",
        Mp::Array(_) => "array",
        Mp::Map(_) => "map",
        Mp::Ext(_) => "extension",
    }
}

fn utf8(bytes: Vec<u8>) -> Result<String, CodecError> {
    String::from_utf8(bytes).map_err(|_| CodecError::new("string is not valid UTF-8"))
}

fn mismatch(ty: &Type, m: &Mp) -> CodecError {
    CodecError::new(format!("expected {ty}, found msgpack {}", mp_kind(m)))
}

fn mp_to_value(m: Mp, ty: &Type) -> Result<Value, CodecError> {
    match m {
        Mp::Nil => return Ok(Value::Null),
        // Type 0 is a plain unknown; type 12 is an unknown carrying cty
        // refinements (known string prefix, number bounds, not-null...),
        // which we accept and drop.
        Mp::Ext(0 | 12) => return Ok(Value::Unknown),
        Mp::Ext(k) => {
            return Err(CodecError::new(format!(
                "unexpected msgpack extension type {k}"
            )));
        }
        _ => {}
    }
    match ty {
        Type::Bool => match m {
            Mp::Bool(b) => Ok(Value::Bool(b)),
            other => Err(mismatch(ty, &other)),
        },
        Type::Number => match m {
            Mp::Int(i) => Ok(Value::Number(Number::from_i64(i))),
            Mp::UInt(u) => Ok(Value::Number(Number::from_u64(u))),
            Mp::Float(f) => Number::from_f64(f)
                .map(Value::Number)
                .ok_or_else(|| CodecError::new("number is not finite")),
            Mp::Str(s) => {
                let s = utf8(s)?;
                Number::parse(&s)
                    .map(Value::Number)
                    .ok_or_else(|| CodecError::new(format!("invalid number {s:?}")))
            }
            other => Err(mismatch(ty, &other)),
        },
        Type::String => match m {
            Mp::Str(s) => Ok(Value::String(utf8(s)?)),
            other => Err(mismatch(ty, &other)),
        },
        Type::List(elem) | Type::Set(elem) => match m {
            Mp::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    out.push(mp_to_value(item, elem).map_err(|e| e.at(&PathStep::Index(i)))?);
                }
                Ok(if matches!(ty, Type::Set(_)) {
                    Value::Set(out)
                } else {
                    Value::List(out)
                })
            }
            other => Err(mismatch(ty, &other)),
        },
        Type::Tuple(elems) => match m {
            Mp::Array(items) => {
                if items.len() != elems.len() {
                    return Err(CodecError::new(format!(
                        "tuple needs {} elements, found {}",
                        elems.len(),
                        items.len()
                    )));
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, (item, t)) in items.into_iter().zip(elems).enumerate() {
                    out.push(mp_to_value(item, t).map_err(|e| e.at(&PathStep::Index(i)))?);
                }
                Ok(Value::Tuple(out))
            }
            other => Err(mismatch(ty, &other)),
        },
        Type::Map(elem) => match m {
            Mp::Map(pairs) => {
                let mut out = BTreeMap::new();
                for (k, v) in pairs {
                    let key = match k {
                        Mp::Str(s) => utf8(s)?,
                        other => {
                            return Err(CodecError::new(format!(
                                "map key is msgpack {}",
                                mp_kind(&other)
                            )));
                        }
                    };
                    let v = mp_to_value(v, elem).map_err(|e| e.at(&PathStep::Key(&key)))?;
                    out.insert(key, v);
                }
                Ok(Value::Map(out))
            }
            other => Err(mismatch(ty, &other)),
        },
        Type::Object(attrs) => match m {
            Mp::Map(pairs) => {
                let mut out = BTreeMap::new();
                for (k, v) in pairs {
                    let key = match k {
                        Mp::Str(s) => utf8(s)?,
                        other => {
                            return Err(CodecError::new(format!(
                                "object attribute name is msgpack {}",
                                mp_kind(&other)
                            )));
                        }
                    };
                    let Some(t) = attrs.get(&key) else {
                        return Err(CodecError::new(format!("unsupported attribute {key:?}")));
                    };
                    let v = mp_to_value(v, t).map_err(|e| e.at(&PathStep::Attr(&key)))?;
                    out.insert(key, v);
                }
                for name in attrs.keys() {
                    out.entry(name.clone()).or_insert(Value::Null);
                }
                Ok(Value::Object(out))
            }
            other => Err(mismatch(ty, &other)),
        },
        Type::Dynamic => match m {
            Mp::Array(mut items) if items.len() == 2 => {
                let v = items.pop().unwrap_or(Mp::Nil);
                let t = match items.pop() {
                    Some(Mp::Bin(b) | Mp::Str(b)) => Type::from_json_bytes(&b)?,
                    _ => return Err(CodecError::new("dynamic value has no type")),
                };
                mp_to_value(v, &t)
            }
            other => Err(CodecError::new(format!(
                "dynamic value must be [type, value], found msgpack {}",
                mp_kind(&other)
            ))),
        },
    }
}

struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn nil(&mut self) {
        self.out.push(0xc0);
    }

    fn unknown(&mut self) {
        // fixext1, type 0, one zero byte: what Terraform itself sends.
        self.out.extend_from_slice(&[0xd4, 0x00, 0x00]);
    }

    fn bool(&mut self, b: bool) {
        self.out.push(if b { 0xc3 } else { 0xc2 });
    }

    fn int(&mut self, i: i64) {
        if (0..=0x7f).contains(&i) {
            self.out.push(i as u8);
        } else if (-32..0).contains(&i) {
            self.out.push(i as i8 as u8);
        } else if let Ok(v) = i8::try_from(i) {
            self.out.push(0xd0);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else if let Ok(v) = i16::try_from(i) {
            self.out.push(0xd1);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else if let Ok(v) = i32::try_from(i) {
            self.out.push(0xd2);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else {
            self.out.push(0xd3);
            self.out.extend_from_slice(&i.to_be_bytes());
        }
    }

    fn float(&mut self, f: f64) {
        self.out.push(0xcb);
        self.out.extend_from_slice(&f.to_be_bytes());
    }

    fn len_header(
        &mut self,
        n: usize,
        fix: u8,
        fix_max: usize,
        w8: Option<u8>,
        w16: u8,
        w32: u8,
    ) -> Result<(), CodecError> {
        if n <= fix_max {
            self.out.push(fix | n as u8);
        } else if let (Some(code), Ok(v)) = (w8, u8::try_from(n)) {
            self.out.push(code);
            self.out.push(v);
        } else if let Ok(v) = u16::try_from(n) {
            self.out.push(w16);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else if let Ok(v) = u32::try_from(n) {
            self.out.push(w32);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else {
            return Err(CodecError::new("value too large for msgpack"));
        }
        Ok(())
    }

    fn str(&mut self, s: &str) -> Result<(), CodecError> {
        self.len_header(s.len(), 0xa0, 31, Some(0xd9), 0xda, 0xdb)?;
        self.out.extend_from_slice(s.as_bytes());
        Ok(())
    }

    fn bin(&mut self, b: &[u8]) -> Result<(), CodecError> {
        if let Ok(v) = u8::try_from(b.len()) {
            self.out.push(0xc4);
            self.out.push(v);
        } else if let Ok(v) = u16::try_from(b.len()) {
            self.out.push(0xc5);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else if let Ok(v) = u32::try_from(b.len()) {
            self.out.push(0xc6);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else {
            return Err(CodecError::new("value too large for msgpack"));
        }
        self.out.extend_from_slice(b);
        Ok(())
    }

    fn array_len(&mut self, n: usize) -> Result<(), CodecError> {
        self.len_header(n, 0x90, 15, None, 0xdc, 0xdd)
    }

    fn map_len(&mut self, n: usize) -> Result<(), CodecError> {
        self.len_header(n, 0x80, 15, None, 0xde, 0xdf)
    }

    fn number(&mut self, n: &Number) -> Result<(), CodecError> {
        if let Some(i) = n.as_i64().filter(|_| n.as_decimal_text().is_none()) {
            self.int(i);
        } else if let Some(f) = n.as_exact_f64() {
            self.float(f);
        } else if let Some(text) = n.as_decimal_text() {
            self.str(text)?;
        } else {
            self.float(n.as_f64());
        }
        Ok(())
    }

    fn value(&mut self, v: &Value, ty: &Type, depth: usize) -> Result<(), CodecError> {
        if depth > MAX_DEPTH {
            return Err(CodecError::new("value nested too deeply"));
        }
        match v {
            Value::Unknown => {
                self.unknown();
                return Ok(());
            }
            Value::Null => {
                self.nil();
                return Ok(());
            }
            _ => {}
        }
        let wrong = || {
            CodecError::new(format!(
                "value {} does not conform to type {ty}",
                describe(v)
            ))
        };
        match (ty, v) {
            (Type::Dynamic, _) => {
                let concrete = v.infer_type();
                self.array_len(2)?;
                self.bin(&concrete.to_json_bytes())?;
                self.value(v, &concrete, depth + 1)
            }
            (Type::Bool, Value::Bool(b)) => {
                self.bool(*b);
                Ok(())
            }
            (Type::Number, Value::Number(n)) => self.number(n),
            (Type::String, Value::String(s)) => self.str(s),
            (Type::List(elem), Value::List(items) | Value::Set(items) | Value::Tuple(items))
            | (Type::Set(elem), Value::Set(items) | Value::List(items) | Value::Tuple(items)) => {
                let items = if matches!(ty, Type::Set(_)) {
                    dedup(items)
                } else {
                    items.iter().collect()
                };
                self.array_len(items.len())?;
                for (i, item) in items.into_iter().enumerate() {
                    self.value(item, elem, depth + 1)
                        .map_err(|e| e.at(&PathStep::Index(i)))?;
                }
                Ok(())
            }
            (Type::Tuple(elems), Value::Tuple(items) | Value::List(items)) => {
                if elems.len() != items.len() {
                    return Err(wrong());
                }
                self.array_len(items.len())?;
                for (i, (item, t)) in items.iter().zip(elems).enumerate() {
                    self.value(item, t, depth + 1)
                        .map_err(|e| e.at(&PathStep::Index(i)))?;
                }
                Ok(())
            }
            (Type::Map(elem), Value::Map(m) | Value::Object(m)) => {
                self.map_len(m.len())?;
                for (k, item) in m {
                    self.str(k)?;
                    self.value(item, elem, depth + 1)
                        .map_err(|e| e.at(&PathStep::Key(k)))?;
                }
                Ok(())
            }
            (Type::Object(attrs), Value::Object(m) | Value::Map(m)) => {
                if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                    return Err(CodecError::new(format!(
                        "unsupported attribute {extra:?} for type {ty}"
                    )));
                }
                self.map_len(attrs.len())?;
                for (k, t) in attrs {
                    self.str(k)?;
                    let item = m.get(k).unwrap_or(&Value::Null);
                    self.value(item, t, depth + 1)
                        .map_err(|e| e.at(&PathStep::Attr(k)))?;
                }
                Ok(())
            }
            _ => Err(wrong()),
        }
    }
}

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

// ---------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------

fn json_to_value(j: &serde_json::Value, ty: &Type, depth: usize) -> Result<Value, CodecError> {
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

fn value_to_json(v: &Value, ty: &Type, depth: usize) -> Result<serde_json::Value, CodecError> {
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

impl Value {
    /// Decodes msgpack as Terraform sends it, guided by `ty`.
    pub fn from_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
        let mut r = Reader { buf: bytes, pos: 0 };
        let item = r.item(0)?;
        if r.pos != bytes.len() {
            return Err(CodecError::new(format!(
                "{} bytes left over after the msgpack value",
                bytes.len() - r.pos
            )));
        }
        mp_to_value(item, ty)
    }

    /// Encodes as msgpack for Terraform, following `ty`.
    pub fn to_msgpack(&self, ty: &Type) -> Result<Vec<u8>, CodecError> {
        let mut w = Writer { out: Vec::new() };
        w.value(self, ty, 0)?;
        Ok(w.out)
    }

    /// Decodes JSON as stored in Terraform state, guided by `ty`. Object
    /// attributes unknown to `ty` are dropped; missing ones are null.
    pub fn from_json(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
        let j: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| CodecError::new(format!("invalid JSON: {e}")))?;
        json_to_value(&j, ty, 0)
    }

    /// Encodes as JSON in Terraform's state layout. Fails on unknown values.
    pub fn to_json(&self, ty: &Type) -> Result<Vec<u8>, CodecError> {
        Ok(value_to_json(self, ty, 0)?.to_string().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_type() -> Type {
        Type::object([
            ("id", Type::String),
            ("count", Type::Number),
            ("enabled", Type::Bool),
            (
                "roles",
                Type::set(Type::object([
                    ("role_id", Type::Number),
                    ("workspace_id", Type::Number),
                ])),
            ),
            ("tags", Type::map(Type::String)),
            ("list", Type::list(Type::String)),
        ])
    }

    /// Hand-made: an object with six attributes, keys in sorted order.
    /// {"count": 7, "enabled": true, "id": unknown,
    ///  "list": ["a", unknown], "roles": [{"role_id": 1, "workspace_id": unknown}],
    ///  "tags": nil}
    const USER_MSGPACK: &[u8] = &[
        0x86, // map of 6
        0xa5, b'c', b'o', b'u', b'n', b't', 0x07, //
        0xa7, b'e', b'n', b'a', b'b', b'l', b'e', b'd', 0xc3, //
        0xa2, b'i', b'd', 0xd4, 0x00, 0x00, //
        0xa4, b'l', b'i', b's', b't', 0x92, 0xa1, b'a', 0xd4, 0x00, 0x00, //
        0xa5, b'r', b'o', b'l', b'e', b's', 0x91, 0x82, //
        0xa7, b'r', b'o', b'l', b'e', b'_', b'i', b'd', 0x01, //
        0xac, b'w', b'o', b'r', b'k', b's', b'p', b'a', b'c', b'e', b'_', b'i', b'd', 0xd4, 0x00,
        0x00, //
        0xa4, b't', b'a', b'g', b's', 0xc0,
    ];

    fn user_value() -> Value {
        Value::object([
            ("count", Value::int(7)),
            ("enabled", Value::bool(true)),
            ("id", Value::Unknown),
            ("list", Value::list([Value::string("a"), Value::Unknown])),
            (
                "roles",
                Value::set_of([Value::object([
                    ("role_id", Value::int(1)),
                    ("workspace_id", Value::Unknown),
                ])]),
            ),
            ("tags", Value::Null),
        ])
    }

    #[test]
    fn decodes_hand_made_object_with_unknowns_at_depth() {
        let v = Value::from_msgpack(USER_MSGPACK, &user_type()).unwrap();
        assert_eq!(v, user_value());
        assert!(!v.get("id").is_known());
        let role = &v.get("roles").as_slice().unwrap()[0];
        assert!(!role.get("workspace_id").is_known());
        assert_eq!(role.get("role_id").as_i64(), Some(1));
        assert!(v.get("tags").is_null());
    }

    #[test]
    fn encodes_to_the_same_bytes() {
        assert_eq!(user_value().to_msgpack(&user_type()).unwrap(), USER_MSGPACK);
    }

    #[test]
    fn whole_value_null_and_unknown() {
        assert_eq!(
            Value::from_msgpack(&[0xc0], &user_type()).unwrap(),
            Value::Null
        );
        assert_eq!(
            Value::from_msgpack(&[0xd4, 0x00, 0x00], &user_type()).unwrap(),
            Value::Unknown
        );
        assert_eq!(Value::Null.to_msgpack(&user_type()).unwrap(), vec![0xc0]);
        assert_eq!(
            Value::Unknown.to_msgpack(&Type::String).unwrap(),
            vec![0xd4, 0x00, 0x00]
        );
    }

    #[test]
    fn unknown_in_any_extension_width_with_refinement_payload() {
        // fixext1..16 and ext8 carrying a refinement map; all type 0.
        let cases: Vec<Vec<u8>> = vec![
            vec![0xd4, 0x00, 0x00],
            vec![0xd5, 0x00, 0x81, 0x01],
            vec![0xd6, 0x00, 0x81, 0x01, 0xc3, 0x00],
            vec![0xd7, 0x00, 0, 0, 0, 0, 0, 0, 0, 0],
            vec![0xd8, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            vec![0xc7, 0x03, 0x00, 0x81, 0x01, 0xc2],
            vec![0xc8, 0x00, 0x01, 0x00, 0xc0],
            // Refined unknowns (type 12); the payload (a map of
            // refinements) is skipped without being parsed.
            vec![0xd5, 0x0c, 0x81, 0x01],
            vec![
                0xc7, 0x0b, 0x0c, 0x82, 0x01, 0xc2, 0x03, 0xa6, b'a', b'f', b't', b'e', b'r', b'-',
            ],
        ];
        for c in cases {
            assert_eq!(
                Value::from_msgpack(&c, &Type::String).unwrap(),
                Value::Unknown,
                "{c:02x?}"
            );
        }
        assert!(Value::from_msgpack(&[0xd4, 0x05, 0x00], &Type::String).is_err());
    }

    #[test]
    fn numbers_in_every_width() {
        let cases: Vec<(Vec<u8>, Value)> = vec![
            (vec![0x05], Value::int(5)),
            (vec![0xff], Value::int(-1)),
            (vec![0xe0], Value::int(-32)),
            (vec![0xcc, 0xc8], Value::int(200)),
            (vec![0xcd, 0x01, 0x00], Value::int(256)),
            (vec![0xce, 0x00, 0x01, 0x00, 0x00], Value::int(65536)),
            (
                vec![0xcf, 0, 0, 0, 1, 0, 0, 0, 0],
                Value::int(4_294_967_296),
            ),
            (vec![0xd0, 0x80], Value::int(-128)),
            (vec![0xd1, 0xff, 0x00], Value::int(-256)),
            (vec![0xd2, 0xff, 0xff, 0x00, 0x00], Value::int(-65536)),
            (
                vec![0xd3, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
                Value::int(-4_294_967_296),
            ),
            (vec![0xca, 0x3f, 0xc0, 0x00, 0x00], Value::float(1.5)),
            (
                vec![0xcb, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18],
                Value::float(std::f64::consts::PI),
            ),
            (vec![0xcb, 0x40, 0x45, 0, 0, 0, 0, 0, 0], Value::int(42)),
            (vec![0xa3, b'1', b'.', b'5'], Value::float(1.5)),
        ];
        // cty sends a fraction that f64 cannot hold exactly as its decimal
        // text; it must go back unchanged, or Terraform sees another value.
        let precise = "0.12345678901234567890123";
        let mut text = vec![0xa0 | precise.len() as u8];
        text.extend(precise.as_bytes());
        let v = Value::from_msgpack(&text, &Type::Number).unwrap();
        assert_eq!(v.to_msgpack(&Type::Number).unwrap(), text);
        for (bytes, want) in cases {
            assert_eq!(
                Value::from_msgpack(&bytes, &Type::Number).unwrap(),
                want,
                "{bytes:02x?}"
            );
        }
        let big = Value::from_msgpack(
            &[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            &Type::Number,
        )
        .unwrap();
        assert_eq!(big.as_number().unwrap().to_string(), "18446744073709551615");
        // Large unsigned numbers go back out exactly, as decimal text.
        assert_eq!(big.to_msgpack(&Type::Number).unwrap()[0], 0xb4);
        // Integers are written in their smallest form.
        assert_eq!(
            Value::int(-1).to_msgpack(&Type::Number).unwrap(),
            vec![0xff]
        );
        assert_eq!(
            Value::int(300).to_msgpack(&Type::Number).unwrap(),
            vec![0xd1, 0x01, 0x2c]
        );
        assert_eq!(
            Value::int(i64::MIN).to_msgpack(&Type::Number).unwrap()[0],
            0xd3
        );
        assert_eq!(
            Value::float(0.5).to_msgpack(&Type::Number).unwrap(),
            vec![0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn strings_in_every_width() {
        let long = "x".repeat(300);
        let mut str16 = vec![0xda, 0x01, 0x2c];
        str16.extend(long.as_bytes());
        assert_eq!(
            Value::from_msgpack(&str16, &Type::String).unwrap(),
            Value::string(long.clone())
        );
        assert_eq!(
            Value::string(long.clone())
                .to_msgpack(&Type::String)
                .unwrap(),
            str16
        );
        let mut str8 = vec![0xd9, 0x20];
        str8.extend([b'y'; 32]);
        assert_eq!(
            Value::from_msgpack(&str8, &Type::String).unwrap(),
            Value::string("y".repeat(32))
        );
        let mut str32 = vec![0xdb, 0, 0, 0, 2];
        str32.extend(b"hi");
        assert_eq!(
            Value::from_msgpack(&str32, &Type::String).unwrap(),
            Value::string("hi")
        );
    }

    #[test]
    fn dynamic_values_carry_their_type() {
        // [bin "\"string\"", "hi"]
        let bytes = [
            0x92, 0xc4, 0x08, b'"', b's', b't', b'r', b'i', b'n', b'g', b'"', 0xa2, b'h', b'i',
        ];
        let v = Value::from_msgpack(&bytes, &Type::Dynamic).unwrap();
        assert_eq!(v, Value::string("hi"));
        assert_eq!(v.to_msgpack(&Type::Dynamic).unwrap(), bytes);
        // Nil and unknown need no wrapper.
        assert_eq!(
            Value::from_msgpack(&[0xc0], &Type::Dynamic).unwrap(),
            Value::Null
        );
        assert_eq!(
            Value::from_msgpack(&[0xd4, 0, 0], &Type::Dynamic).unwrap(),
            Value::Unknown
        );
        // The type may also arrive as a str.
        let as_str = [
            0x92, 0xa8, b'"', b'n', b'u', b'm', b'b', b'e', b'r', b'"', 0x2a,
        ];
        assert_eq!(
            Value::from_msgpack(&as_str, &Type::Dynamic).unwrap(),
            Value::int(42)
        );
        let obj = Type::object([("d", Type::Dynamic)]);
        let v = Value::object([("d", Value::list([Value::bool(true)]))]);
        let round = Value::from_msgpack(&v.to_msgpack(&obj).unwrap(), &obj).unwrap();
        assert_eq!(round, v);
    }

    #[test]
    fn set_elements_holding_unknowns_are_never_merged() {
        // cty keeps both: two unknowns may turn out different. Merging them
        // would make the plan disagree with the configuration's count.
        let strings = Type::set(Type::String);
        let two_unknowns = Value::Set(vec![Value::Unknown, Value::Unknown]);
        let bytes = two_unknowns.to_msgpack(&strings).unwrap();
        assert_eq!(bytes, [0x92, 0xd4, 0x00, 0x00, 0xd4, 0x00, 0x00]);
        assert_eq!(
            Value::from_msgpack(&bytes, &strings)
                .unwrap()
                .as_slice()
                .map(<[Value]>::len),
            Some(2)
        );
        let obj = Type::set(Type::object([
            ("role_id", Type::Number),
            ("workspace_id", Type::Number),
        ]));
        let partly_unknown =
            Value::object([("role_id", Value::Unknown), ("workspace_id", Value::int(0))]);
        let set = Value::Set(vec![partly_unknown.clone(), partly_unknown]);
        let back = Value::from_msgpack(&set.to_msgpack(&obj).unwrap(), &obj).unwrap();
        assert_eq!(back.as_slice().map(<[Value]>::len), Some(2));
        // Wholly known duplicates still go, in msgpack and in JSON.
        let dup = Value::Set(vec![Value::string("a"), Value::string("a")]);
        assert_eq!(dup.to_msgpack(&strings).unwrap(), [0x91, 0xa1, b'a']);
        assert_eq!(dup.to_json(&strings).unwrap(), br#"["a"]"#);
        assert_eq!(
            Value::set_of([Value::Unknown, Value::Unknown, Value::int(1), Value::int(1)])
                .as_slice()
                .map(<[Value]>::len),
            Some(3)
        );
    }

    #[test]
    fn collection_widths() {
        // array16 of 16 ints, map16 of 16 entries.
        let mut arr = vec![0xdc, 0x00, 0x10];
        arr.extend(0u8..16);
        let v = Value::from_msgpack(&arr, &Type::list(Type::Number)).unwrap();
        assert_eq!(v.as_slice().unwrap().len(), 16);
        assert_eq!(v.to_msgpack(&Type::list(Type::Number)).unwrap(), arr);
        let mut map = vec![0xde, 0x00, 0x10];
        for i in 0..16u8 {
            map.extend([0xa2, b'k', b'a' + i, 0xc2]);
        }
        let v = Value::from_msgpack(&map, &Type::map(Type::Bool)).unwrap();
        assert_eq!(v.get("kp"), &Value::bool(false));
        assert_eq!(v.to_msgpack(&Type::map(Type::Bool)).unwrap(), map);
        let arr32 = [0xdd, 0, 0, 0, 1, 0xc3];
        assert_eq!(
            Value::from_msgpack(&arr32, &Type::set(Type::Bool)).unwrap(),
            Value::set_of([Value::bool(true)])
        );
        let map32 = [0xdf, 0, 0, 0, 1, 0xa1, b'a', 0x01];
        assert_eq!(
            Value::from_msgpack(&map32, &Type::map(Type::Number)).unwrap(),
            Value::map([("a", Value::int(1))])
        );
    }

    #[test]
    fn missing_object_attributes_decode_as_null() {
        let ty = Type::object([("a", Type::String), ("b", Type::String)]);
        let v = Value::from_msgpack(&[0x81, 0xa1, b'a', 0xa1, b'x'], &ty).unwrap();
        assert_eq!(
            v,
            Value::object([("a", Value::string("x")), ("b", Value::Null)])
        );
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        let ty = user_type();
        let cases: Vec<&[u8]> = vec![
            &[],
            &[0xc1],
            &[0x86],
            &[0xa5, b'a'],
            &[0xdd, 0xff, 0xff, 0xff, 0xff],
            &[0xdf, 0xff, 0xff, 0xff, 0xff, 0xc0],
            &[0xdb, 0xff, 0xff, 0xff, 0xff],
            &[0xc9, 0xff, 0xff, 0xff, 0xff, 0x00],
            &[0xcb, 0x00],
            &[0x81, 0x01, 0x02],
            &[0x81, 0xa3, b'z', b'z', b'z', 0xc0],
            &[0x81, 0xa2, b'i', b'd', 0x01],
            &[0x81, 0xa2, 0xff, 0xfe, 0xc0],
            &[0xc0, 0xc0],
            &[0x92, 0xc4, 0x01, b'?', 0xc0],
        ];
        for c in cases {
            assert!(Value::from_msgpack(c, &ty).is_err(), "{c:02x?}");
        }
        assert!(
            Value::from_msgpack(&[0x92, 0xc4, 0x03, b'"', b'?', b'"', 0xc0], &Type::Dynamic)
                .is_err()
        );
        assert!(Value::from_msgpack(&[0xa1, b'x'], &Type::Number).is_err());
        assert!(Value::from_msgpack(&[0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0], &Type::Number).is_err());
        // Deep nesting is refused rather than overflowing the stack.
        let deep = vec![0x91; 100_000];
        assert!(Value::from_msgpack(&deep, &Type::Dynamic).is_err());
        // Every truncation of a valid message fails cleanly.
        for n in 0..USER_MSGPACK.len() {
            assert!(Value::from_msgpack(&USER_MSGPACK[..n], &ty).is_err());
        }
    }

    #[test]
    fn deep_values_fit_in_a_small_stack() {
        // Nesting up to the limit must work on a 1 MiB stack (tokio's
        // workers have 2 MiB).
        let worker = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(|| {
                let mut ty = Type::String;
                let mut v = Value::string("x");
                for _ in 0..MAX_DEPTH - 1 {
                    ty = Type::list(ty);
                    v = Value::list([v]);
                }
                let bytes = v.to_msgpack(&ty).unwrap();
                assert_eq!(Value::from_msgpack(&bytes, &ty).unwrap(), v);
                let json = v.to_json(&ty).unwrap();
                assert_eq!(Value::from_json(&json, &ty).unwrap(), v);
                let too_deep = [vec![0x91; MAX_DEPTH + 1], vec![0xc0]].concat();
                assert!(Value::from_msgpack(&too_deep, &Type::Dynamic).is_err());
            })
            .unwrap();
        worker.join().unwrap();
    }

    #[test]
    fn error_names_the_path() {
        let ty = Type::object([(
            "roles",
            Type::list(Type::object([("role_id", Type::Number)])),
        )]);
        let bytes = [
            0x81, 0xa5, b'r', b'o', b'l', b'e', b's', 0x91, 0x81, 0xa7, b'r', b'o', b'l', b'e',
            b'_', b'i', b'd', 0xc3,
        ];
        let err = Value::from_msgpack(&bytes, &ty).unwrap_err();
        assert_eq!(err.path(), ".roles[0].role_id");
    }

    #[test]
    fn encode_refuses_values_not_matching_the_type() {
        assert!(Value::string("x").to_msgpack(&Type::Number).is_err());
        let ty = Type::object([("a", Type::String)]);
        assert!(
            Value::object([("b", Value::string("x"))])
                .to_msgpack(&ty)
                .is_err()
        );
        assert!(
            Value::list([Value::int(1)])
                .to_msgpack(&Type::Tuple(vec![]))
                .is_err()
        );
    }

    #[test]
    fn json_errors_do_not_show_the_value() {
        // Stored state may hold secrets; a decode error names the kind of
        // JSON found, never its content.
        let ty = Type::object([("client_secret", Type::String)]);
        for json in [
            &br#"{"client_secret":{"old":"s3cret-value"}}"#[..],
            br#"["s3cret-value"]"#,
            br#"{"client_secret":["s3cret-value"]}"#,
        ] {
            let err = Value::from_json(json, &ty).unwrap_err().to_string();
            assert!(!err.contains("s3cret"), "{err}");
        }
        let err = Value::from_json(br#"{"v":"s3cret-value"}"#, &Type::Dynamic)
            .unwrap_err()
            .to_string();
        assert!(!err.contains("s3cret"), "{err}");
        assert!(err.contains("object"), "{err}");
    }

    #[test]
    fn json_state_round_trip() {
        let ty = user_type();
        let json =
            br#"{"id":"u1","count":3,"enabled":false,"roles":[{"role_id":1,"workspace_id":2}],
            "tags":{"a":"b"},"list":null,"removed_attribute":"ignored"}"#;
        let v = Value::from_json(json, &ty).unwrap();
        assert_eq!(v.get("id").as_str(), Some("u1"));
        assert_eq!(v.get("count").as_i64(), Some(3));
        assert!(v.get("list").is_null());
        assert_eq!(
            v.get("roles").as_slice().unwrap()[0]
                .get("workspace_id")
                .as_i64(),
            Some(2)
        );
        let back = v.to_json(&ty).unwrap();
        assert_eq!(Value::from_json(&back, &ty).unwrap(), v);
        assert!(Value::Unknown.to_json(&ty).is_err());
        assert!(Value::from_json(b"{", &ty).is_err());
        assert!(Value::from_json(br#"{"count":"abc"}"#, &ty).is_err());
        // cty's lenient primitive conversions.
        assert_eq!(
            Value::from_json(b"\"12\"", &Type::Number).unwrap(),
            Value::int(12)
        );
        assert_eq!(
            Value::from_json(b"12", &Type::String).unwrap(),
            Value::string("12")
        );
        // Dynamic values in JSON are {"value","type"}.
        let d = Value::from_json(
            br#"{"value":["a"],"type":["list","string"]}"#,
            &Type::Dynamic,
        )
        .unwrap();
        assert_eq!(d, Value::list([Value::string("a")]));
        assert_eq!(
            String::from_utf8(d.to_json(&Type::Dynamic).unwrap()).unwrap(),
            r#"{"type":["list","string"],"value":["a"]}"#
        );
    }
}
