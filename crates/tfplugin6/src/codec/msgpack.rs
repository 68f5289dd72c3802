//! msgpack as Terraform speaks it at run time (see [`super`] for the layout): a tiny reader
//! producing a generic tree, then typed conversion; and a writer guided by the type.

use std::collections::BTreeMap;

use super::shared::{MAX_DEPTH, PREALLOCATE, dedup, describe};
use crate::error::{CodecError, PathStep};
use crate::value::{Number, Type, Value};

/// Decodes one msgpack value filling all of `bytes`, guided by `ty`.
pub(super) fn decode(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
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

/// Encodes `value` as msgpack following `ty`.
pub(super) fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut w = Writer { out: Vec::new() };
    w.value(value, ty, 0)?;
    Ok(w.out)
}

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
