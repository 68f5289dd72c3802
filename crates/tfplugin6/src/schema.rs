//! Schemas of the provider, its resources and data sources, and their
//! conversion to the protocol's `Schema` message.

use std::collections::BTreeMap;

use super::diag::{AttributePath, Diagnostics};
use super::proto::tfplugin6 as pb;
use super::value::{Type, Value};

/// A versioned schema: the top-level block of a provider, resource or data
/// source.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// Bump when stored state of older versions must be upgraded.
    pub version: i64,
    pub block: Block,
}

/// A block: attributes plus nested blocks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Block {
    pub attributes: Vec<Attribute>,
    pub block_types: Vec<NestedBlock>,
    /// Markdown.
    pub description: String,
    pub deprecated: bool,
}

/// The type of an attribute: a plain type, or nested attributes.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeType {
    Type(Type),
    Nested(NestedType),
}

/// An attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub ty: AttributeType,
    /// Markdown.
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub deprecated: bool,
    /// Never stored in state or plan (protocol 6.8+, Terraform 1.11+).
    pub write_only: bool,
}

/// How nested attributes (or a nested block) repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NestingMode {
    Single,
    List,
    Set,
    Map,
}

/// Nested attributes: an object type whose attributes have their own flags.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedType {
    pub attributes: Vec<Attribute>,
    pub nesting: NestingMode,
}

/// How a nested block repeats; `Group` is a single block that is never null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockNesting {
    Single,
    Group,
    List,
    Set,
    Map,
}

/// A nested block (`foo { ... }` in configuration).
#[derive(Debug, Clone, PartialEq)]
pub struct NestedBlock {
    pub type_name: String,
    pub block: Block,
    pub nesting: BlockNesting,
    pub min_items: i64,
    pub max_items: i64,
}

impl Schema {
    /// A schema of the given version.
    pub fn new(version: i64, block: Block) -> Schema {
        Schema { version, block }
    }

    /// The object type of the whole block (nested attributes and blocks
    /// included): the type to decode and encode this schema's values with.
    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }

    /// For planning a create: the proposed new state with every computed
    /// attribute that is null turned into unknown (nested attributes and
    /// blocks included), so Terraform knows those values come at apply.
    pub fn mark_computed_nulls_unknown(&self, proposed: &Value) -> Value {
        self.block.mark_computed_nulls_unknown(proposed)
    }

    /// Checks the rules Terraform enforces on schemas, so a mistake is
    /// reported by us rather than by Terraform refusing the provider.
    pub fn check(&self) -> Diagnostics {
        let mut diags = Diagnostics::new();
        self.block.check(&AttributePath::empty(), &mut diags);
        diags
    }

    pub(crate) fn to_proto(&self) -> pb::Schema {
        pb::Schema {
            version: self.version,
            block: Some(self.block.to_proto(self.version)),
        }
    }
}

impl Block {
    /// An empty block.
    pub fn new() -> Block {
        Block::default()
    }

    /// Adds an attribute.
    pub fn attribute(mut self, a: Attribute) -> Block {
        self.attributes.push(a);
        self
    }

    /// Adds a nested block.
    pub fn block(mut self, b: NestedBlock) -> Block {
        self.block_types.push(b);
        self
    }

    /// Sets the (markdown) description.
    pub fn description(mut self, d: impl Into<String>) -> Block {
        self.description = d.into();
        self
    }

    /// Marks the block deprecated.
    pub fn deprecated(mut self) -> Block {
        self.deprecated = true;
        self
    }

    /// The object type of this block.
    pub fn value_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.value_type()))
            .collect();
        for b in &self.block_types {
            let inner = b.block.value_type();
            let t = match b.nesting {
                BlockNesting::Single | BlockNesting::Group => inner,
                BlockNesting::List => Type::list(inner),
                BlockNesting::Set => Type::set(inner),
                BlockNesting::Map => Type::map(inner),
            };
            attrs.insert(b.type_name.clone(), t);
        }
        Type::Object(attrs)
    }

    fn mark_computed_nulls_unknown(&self, v: &Value) -> Value {
        let Value::Object(m) = v else {
            return v.clone();
        };
        let mut out = m.clone();
        for a in &self.attributes {
            let cur = m.get(&a.name).unwrap_or(&Value::Null);
            let new = if cur.is_null() {
                if a.computed {
                    Value::Unknown
                } else {
                    Value::Null
                }
            } else if let AttributeType::Nested(n) = &a.ty {
                map_nested(cur, n.nesting_as_block(), &|e| {
                    let inner = Block {
                        attributes: n.attributes.clone(),
                        ..Block::default()
                    };
                    inner.mark_computed_nulls_unknown(e)
                })
            } else {
                cur.clone()
            };
            out.insert(a.name.clone(), new);
        }
        for b in &self.block_types {
            if let Some(cur) = m.get(&b.type_name) {
                let new = map_nested(cur, b.nesting, &|e| b.block.mark_computed_nulls_unknown(e));
                out.insert(b.type_name.clone(), new);
            }
        }
        Value::Object(out)
    }

    fn check(&self, at: &AttributePath, diags: &mut Diagnostics) {
        let mut seen = std::collections::BTreeSet::new();
        for a in &self.attributes {
            let path = at.clone().attr(a.name.clone());
            if !seen.insert(a.name.clone()) {
                diags.error(
                    "Invalid provider schema",
                    format!("{path}: name used twice"),
                );
            }
            a.check(&path, diags);
        }
        for b in &self.block_types {
            let path = at.clone().attr(b.type_name.clone());
            if !seen.insert(b.type_name.clone()) {
                diags.error(
                    "Invalid provider schema",
                    format!("{path}: name used twice"),
                );
            }
            if !valid_name(&b.type_name) {
                diags.error(
                    "Invalid provider schema",
                    format!("{path}: invalid block name"),
                );
            }
            b.block.check(&path, diags);
        }
    }

    fn to_proto(&self, version: i64) -> pb::schema::Block {
        pb::schema::Block {
            version,
            attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
            block_types: self.block_types.iter().map(NestedBlock::to_proto).collect(),
            description: self.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: self.deprecated,
        }
    }
}

fn map_nested(v: &Value, nesting: BlockNesting, f: &dyn Fn(&Value) -> Value) -> Value {
    match (nesting, v) {
        (BlockNesting::Single | BlockNesting::Group, Value::Object(_)) => f(v),
        (BlockNesting::List, Value::List(items)) => Value::List(items.iter().map(f).collect()),
        (BlockNesting::Set, Value::Set(items)) => Value::Set(items.iter().map(f).collect()),
        (BlockNesting::Map, Value::Map(m)) => {
            Value::Map(m.iter().map(|(k, e)| (k.clone(), f(e))).collect())
        }
        _ => v.clone(),
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Attribute {
    fn with_type(name: impl Into<String>, ty: AttributeType) -> Attribute {
        Attribute {
            name: name.into(),
            ty,
            description: String::new(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            deprecated: false,
            write_only: false,
        }
    }

    /// An attribute of a plain type. Set one of required / optional /
    /// computed (optional and computed may go together).
    pub fn new(name: impl Into<String>, ty: Type) -> Attribute {
        Attribute::with_type(name, AttributeType::Type(ty))
    }

    /// A nested attribute: objects with their own attributes, repeated per
    /// `nesting`.
    pub fn nested(
        name: impl Into<String>,
        nesting: NestingMode,
        attributes: Vec<Attribute>,
    ) -> Attribute {
        Attribute::with_type(
            name,
            AttributeType::Nested(NestedType {
                attributes,
                nesting,
            }),
        )
    }

    /// Must be set in configuration.
    pub fn required(mut self) -> Attribute {
        self.required = true;
        self
    }

    /// May be set in configuration.
    pub fn optional(mut self) -> Attribute {
        self.optional = true;
        self
    }

    /// Set by the provider (together with [`Attribute::optional`]: may be
    /// set in configuration, else the provider decides).
    pub fn computed(mut self) -> Attribute {
        self.computed = true;
        self
    }

    /// Hidden in Terraform's output.
    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }

    /// Deprecated.
    pub fn deprecated(mut self) -> Attribute {
        self.deprecated = true;
        self
    }

    /// Write-only: sent in configuration, never kept in plan or state.
    pub fn write_only(mut self) -> Attribute {
        self.write_only = true;
        self
    }

    /// Markdown description.
    pub fn description(mut self, d: impl Into<String>) -> Attribute {
        self.description = d.into();
        self
    }

    /// The cty type of the attribute's value.
    pub fn value_type(&self) -> Type {
        match &self.ty {
            AttributeType::Type(t) => t.clone(),
            AttributeType::Nested(n) => n.value_type(),
        }
    }

    fn check(&self, path: &AttributePath, diags: &mut Diagnostics) {
        let mut fail = |msg: &str| diags.error("Invalid provider schema", format!("{path}: {msg}"));
        if !valid_name(&self.name) {
            fail("invalid attribute name (lowercase letters, digits and underscores)");
        }
        if !self.required && !self.optional && !self.computed {
            fail("must be required, optional or computed");
        }
        if self.required && (self.optional || self.computed) {
            fail("a required attribute cannot also be optional or computed");
        }
        if self.write_only && self.computed {
            fail("a write-only attribute cannot be computed");
        }
        if let AttributeType::Nested(n) = &self.ty {
            for a in &n.attributes {
                let p = path.clone().attr(a.name.clone());
                a.check(&p, diags);
            }
        }
    }

    fn to_proto(&self) -> pb::schema::Attribute {
        // Exactly one of `type` and `nested_type`: Terraform refuses a
        // provider whose schema sets both.
        let (ty, nested_type) = match &self.ty {
            AttributeType::Type(t) => (t.to_json_bytes(), None),
            AttributeType::Nested(n) => (Vec::new(), Some(n.to_proto())),
        };
        pb::schema::Attribute {
            name: self.name.clone(),
            r#type: ty,
            nested_type,
            description: self.description.clone(),
            required: self.required,
            optional: self.optional,
            computed: self.computed,
            sensitive: self.sensitive,
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: self.deprecated,
            write_only: self.write_only,
        }
    }
}

impl NestedType {
    /// The cty type of values of these nested attributes.
    pub fn value_type(&self) -> Type {
        let obj = Type::Object(
            self.attributes
                .iter()
                .map(|a| (a.name.clone(), a.value_type()))
                .collect(),
        );
        match self.nesting {
            NestingMode::Single => obj,
            NestingMode::List => Type::list(obj),
            NestingMode::Set => Type::set(obj),
            NestingMode::Map => Type::map(obj),
        }
    }

    fn nesting_as_block(&self) -> BlockNesting {
        match self.nesting {
            NestingMode::Single => BlockNesting::Single,
            NestingMode::List => BlockNesting::List,
            NestingMode::Set => BlockNesting::Set,
            NestingMode::Map => BlockNesting::Map,
        }
    }

    fn to_proto(&self) -> pb::schema::Object {
        use pb::schema::object::NestingMode as N;
        pb::schema::Object {
            attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
            nesting: match self.nesting {
                NestingMode::Single => N::Single,
                NestingMode::List => N::List,
                NestingMode::Set => N::Set,
                NestingMode::Map => N::Map,
            } as i32,
            ..Default::default()
        }
    }
}

impl NestedBlock {
    /// A nested block with no item limits.
    pub fn new(type_name: impl Into<String>, nesting: BlockNesting, block: Block) -> NestedBlock {
        NestedBlock {
            type_name: type_name.into(),
            block,
            nesting,
            min_items: 0,
            max_items: 0,
        }
    }

    /// Sets the minimum and maximum number of blocks (0 = no limit).
    pub fn items(mut self, min: i64, max: i64) -> NestedBlock {
        self.min_items = min;
        self.max_items = max;
        self
    }

    fn to_proto(&self) -> pb::schema::NestedBlock {
        use pb::schema::nested_block::NestingMode as N;
        pb::schema::NestedBlock {
            type_name: self.type_name.clone(),
            block: Some(self.block.to_proto(0)),
            nesting: match self.nesting {
                BlockNesting::Single => N::Single,
                BlockNesting::Group => N::Group,
                BlockNesting::List => N::List,
                BlockNesting::Set => N::Set,
                BlockNesting::Map => N::Map,
            } as i32,
            min_items: self.min_items,
            max_items: self.max_items,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_schema() -> Schema {
        Schema::new(
            1,
            Block::new()
                .description("An **API-only** user.")
                .attribute(Attribute::new("id", Type::String).computed())
                .attribute(Attribute::new("email", Type::String).required())
                .attribute(
                    Attribute::new("secret", Type::String)
                        .optional()
                        .sensitive(),
                )
                .attribute(
                    Attribute::nested(
                        "role_assignment",
                        NestingMode::Set,
                        vec![
                            Attribute::new("role_id", Type::Number).required(),
                            Attribute::new("workspace_id", Type::Number)
                                .optional()
                                .computed(),
                        ],
                    )
                    .required(),
                )
                .block(NestedBlock::new(
                    "timeouts",
                    BlockNesting::Single,
                    Block::new().attribute(Attribute::new("create", Type::String).optional()),
                )),
        )
    }

    fn assert_one_of_type_and_nested(attrs: &[pb::schema::Attribute]) {
        for a in attrs {
            match &a.nested_type {
                Some(n) => {
                    assert!(
                        a.r#type.is_empty(),
                        "{} sets both type and nested_type",
                        a.name
                    );
                    assert_one_of_type_and_nested(&n.attributes);
                }
                None => assert!(!a.r#type.is_empty(), "{} sets neither", a.name),
            }
        }
    }

    #[test]
    fn proto_sets_exactly_one_of_type_and_nested_type() {
        let p = user_schema().to_proto();
        let block = p.block.unwrap();
        assert_eq!(p.version, 1);
        assert_eq!(block.version, 1);
        assert_eq!(block.description_kind, pb::StringKind::Markdown as i32);
        assert_one_of_type_and_nested(&block.attributes);
        let ra = block
            .attributes
            .iter()
            .find(|a| a.name == "role_assignment")
            .unwrap();
        let nested = ra.nested_type.as_ref().unwrap();
        assert_eq!(nested.nesting, pb::schema::object::NestingMode::Set as i32);
        assert_eq!(nested.attributes.len(), 2);
        let email = block.attributes.iter().find(|a| a.name == "email").unwrap();
        assert_eq!(email.r#type, br#""string""#);
        assert!(email.required);
        let secret = block
            .attributes
            .iter()
            .find(|a| a.name == "secret")
            .unwrap();
        assert!(secret.sensitive && secret.optional);
        assert_eq!(block.block_types.len(), 1);
        assert_eq!(
            block.block_types[0].nesting,
            pb::schema::nested_block::NestingMode::Single as i32
        );
    }

    #[test]
    fn value_type_includes_nested_attributes_and_blocks() {
        let t = user_schema().value_type();
        assert_eq!(
            t,
            Type::object([
                ("id", Type::String),
                ("email", Type::String),
                ("secret", Type::String),
                (
                    "role_assignment",
                    Type::set(Type::object([
                        ("role_id", Type::Number),
                        ("workspace_id", Type::Number)
                    ]))
                ),
                ("timeouts", Type::object([("create", Type::String)])),
            ])
        );
    }

    #[test]
    fn computed_nulls_become_unknown_for_create() {
        let proposed = Value::object([
            ("id", Value::Null),
            ("email", Value::string("a@b.c")),
            ("secret", Value::Null),
            (
                "role_assignment",
                Value::set_of([Value::object([
                    ("role_id", Value::int(1)),
                    ("workspace_id", Value::Null),
                ])]),
            ),
            ("timeouts", Value::Null),
        ]);
        let planned = user_schema().mark_computed_nulls_unknown(&proposed);
        assert_eq!(planned.get("id"), &Value::Unknown);
        assert_eq!(planned.get("email").as_str(), Some("a@b.c"));
        assert!(planned.get("secret").is_null());
        let ra = &planned.get("role_assignment").as_slice().unwrap()[0];
        assert_eq!(ra.get("workspace_id"), &Value::Unknown);
        assert_eq!(ra.get("role_id").as_i64(), Some(1));
        assert!(planned.get("timeouts").is_null());
    }

    #[test]
    fn check_finds_schema_mistakes() {
        assert!(!user_schema().check().has_errors());
        let bad = Schema::new(
            0,
            Block::new()
                .attribute(Attribute::new("neither", Type::String))
                .attribute(Attribute::new("both", Type::String).required().computed())
                .attribute(Attribute::new("Bad-Name", Type::String).optional())
                .attribute(Attribute::new("dup", Type::String).optional())
                .attribute(Attribute::new("dup", Type::String).optional()),
        );
        assert_eq!(bad.check().len(), 4);
    }
}
