//! The model of `marketo-api.contract` and its parser. The file's header describes the format; any line
//! the parser does not understand is an error naming its line number.

use std::collections::BTreeMap;

/// A value's type: a primitive, a named object type, or an array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    String,
    /// An integer without a declared format.
    Integer,
    Int32,
    Int64,
    Number,
    Boolean,
    /// An object described by a `type` line.
    Object(String),
    Array(Box<Ty>),
}

/// The 200 answer of an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// No body is declared.
    None,
    /// A bare string body (Spring writes a `String` answer as raw text).
    RawString,
    /// A JSON body of this type.
    Json(Ty),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    /// `path`, `query`, `header`, `body` or `formData`.
    pub location: String,
    pub ty: Ty,
    pub required: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Op {
    pub id: String,
    /// The `api` section the operation is listed in.
    pub api: String,
    /// Upper case: `GET`, `POST`, ...
    pub method: String,
    /// A path template: `{name}` segments match any non-empty segment.
    pub path: String,
    pub answer: Answer,
    pub params: Vec<Param>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prop {
    pub name: String,
    pub ty: Ty,
    pub required: bool,
    /// With `enum`: the only strings allowed.
    pub allowed: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypeDef {
    pub api: String,
    /// In the file's order.
    pub props: Vec<Prop>,
}

impl TypeDef {
    pub fn prop(&self, name: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.name == name)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contract {
    pub ops: Vec<Op>,
    pub types: BTreeMap<String, TypeDef>,
}

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
const LOCATIONS: [&str; 5] = ["path", "query", "header", "body", "formData"];

/// What the last `op` or `type` line opened, for the `param` and `prop` lines that follow it.
enum Open {
    Nothing,
    Op(usize),
    Type(String),
}

fn parse_ty(s: &str) -> Result<Ty, String> {
    if let Some(inner) = s.strip_prefix('[') {
        let inner = inner
            .strip_suffix(']')
            .ok_or_else(|| format!("unclosed array type {s}"))?;
        return Ok(Ty::Array(Box::new(parse_ty(inner)?)));
    }
    Ok(match s {
        "string" => Ty::String,
        "integer" => Ty::Integer,
        "int32" => Ty::Int32,
        "int64" => Ty::Int64,
        "number" => Ty::Number,
        "boolean" => Ty::Boolean,
        name => {
            check_type_name(name)?;
            Ty::Object(name.to_string())
        }
    })
}

fn check_type_name(name: &str) -> Result<(), String> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{name:?} is neither a primitive type nor a type name (a capital letter, then letters, digits or _)"
        ))
    }
}

fn parse_required(s: &str) -> Result<bool, String> {
    match s {
        "required" => Ok(true),
        "optional" => Ok(false),
        other => Err(format!("expected required or optional, got {other:?}")),
    }
}

/// The object type `ty` refers to, if any.
fn refs(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Object(name) => Some(name),
        Ty::Array(item) => refs(item),
        _ => None,
    }
}

/// Parses a contract. An error names the line (1-based) and what is wrong with it.
pub fn parse(text: &str) -> Result<Contract, String> {
    let mut contract = Contract::default();
    let mut api: Option<String> = None;
    let mut open = Open::Nothing;
    // Every type name used, with its line, to be resolved once all types are known.
    let mut used: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let fail = |why: String| format!("line {n}: {why}: {line}");
        let section = |api: &Option<String>| {
            api.clone()
                .ok_or_else(|| fail("before any api line".to_string()))
        };
        match words.as_slice() {
            ["api", name] => api = Some(name.to_string()),
            ["op", id, method, path, "->", answer] => {
                let api = section(&api)?;
                if !METHODS.contains(method) {
                    return Err(fail(format!("unknown HTTP method {method}")));
                }
                if !path.starts_with('/') {
                    return Err(fail(format!("the path {path} does not start with /")));
                }
                if contract.ops.iter().any(|o| o.id == *id) {
                    return Err(fail(format!("operation {id} is listed twice")));
                }
                if contract
                    .ops
                    .iter()
                    .any(|o| o.method == *method && o.path == *path)
                {
                    return Err(fail(format!("{method} {path} is listed twice")));
                }
                let answer = match *answer {
                    "none" => Answer::None,
                    "string" => Answer::RawString,
                    ty => Answer::Json(parse_ty(ty).map_err(fail)?),
                };
                if let Answer::Json(ty) = &answer {
                    used.extend(refs(ty).map(|r| (n, r.to_string())));
                }
                open = Open::Op(contract.ops.len());
                contract.ops.push(Op {
                    id: id.to_string(),
                    api,
                    method: method.to_string(),
                    path: path.to_string(),
                    answer,
                    params: Vec::new(),
                });
            }
            ["param", name, location, ty, required] => {
                let Open::Op(op) = open else {
                    return Err(fail("a param outside an op".to_string()));
                };
                if !LOCATIONS.contains(location) {
                    return Err(fail(format!("unknown parameter location {location}")));
                }
                let ty = parse_ty(ty).map_err(fail)?;
                used.extend(refs(&ty).map(|r| (n, r.to_string())));
                let required = parse_required(required).map_err(fail)?;
                let params = &mut contract.ops[op].params;
                if params
                    .iter()
                    .any(|p| p.name == *name && p.location == *location)
                {
                    return Err(fail(format!("parameter {name} is listed twice")));
                }
                params.push(Param {
                    name: name.to_string(),
                    location: location.to_string(),
                    ty,
                    required,
                });
            }
            ["type", name] => {
                let api = section(&api)?;
                check_type_name(name).map_err(fail)?;
                if contract.types.contains_key(*name) {
                    return Err(fail(format!("type {name} is defined twice")));
                }
                contract.types.insert(
                    name.to_string(),
                    TypeDef {
                        api,
                        props: Vec::new(),
                    },
                );
                open = Open::Type(name.to_string());
            }
            ["prop", name, ty, required, rest @ ..] => {
                let Open::Type(owner) = &open else {
                    return Err(fail("a prop outside a type".to_string()));
                };
                let ty = parse_ty(ty).map_err(fail)?;
                used.extend(refs(&ty).map(|r| (n, r.to_string())));
                let required = parse_required(required).map_err(fail)?;
                let allowed = match rest {
                    [] => None,
                    ["enum", values] if ty == Ty::String => {
                        let values: Vec<String> = values.split('|').map(str::to_string).collect();
                        if values.iter().any(String::is_empty) {
                            return Err(fail("an empty enum value".to_string()));
                        }
                        Some(values)
                    }
                    ["enum", _] => return Err(fail("enum is only for string properties".into())),
                    _ => {
                        return Err(fail(
                            "expected nothing or enum <v>|<v>... after the flag".into(),
                        ));
                    }
                };
                let def = contract.types.entry(owner.clone()).or_default();
                if def.prop(name).is_some() {
                    return Err(fail(format!("property {name} is listed twice")));
                }
                def.props.push(Prop {
                    name: name.to_string(),
                    ty,
                    required,
                    allowed,
                });
            }
            [keyword, ..] => {
                return Err(fail(format!(
                    "not a valid {keyword} line (keywords: api, op, param, type, prop)"
                )));
            }
            [] => {}
        }
    }
    for (n, name) in used {
        if !contract.types.contains_key(&name) {
            return Err(format!("line {n}: the type {name} is not defined"));
        }
    }
    if !contract.types.contains_key("Error") {
        return Err("no type Error (the item of the error envelope)".to_string());
    }
    if contract.ops.is_empty() {
        return Err("no op line".to_string());
    }
    Ok(contract)
}
