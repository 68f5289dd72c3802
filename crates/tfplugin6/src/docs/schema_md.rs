//! The `## Schema` section of a page, laid out as HashiCorp's `tfplugindocs` lays it out, so the
//! Terraform Registry shows it like every other provider's:
//!
//! - the top level in `### Required`, `### Optional` and `### Read-Only`, each sorted by name,
//!   attributes and blocks together;
//! - a line per attribute or block: `` - `name` (Type, Flags) Description ``, and for anything
//!   with a schema of its own, ` (see [below for nested schema](#anchor))`;
//! - then, depth first, a section per nested block (`nestedblock--outer--inner`), nested
//!   attribute or object-typed attribute (`nestedatt--…`) and object inside an object
//!   (`nestedobjatt--…`): `<a id="anchor"></a>`, `` ### Nested Schema for `outer.inner` ``,
//!   and its children grouped under `Required:`, `Optional:` and `Read-Only:`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::schema::{
    Attribute, AttributeType, Block, BlockNesting, NestedBlock, NestedType, NestingMode,
};
use crate::value::Type;

/// Where Terraform documents write-only arguments; `tfplugindocs` links it from each one.
const WRITE_ONLY: &str =
    "https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments";

/// The three groups every block's children fall into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    Required,
    Optional,
    ReadOnly,
}

impl Group {
    const ALL: [Group; 3] = [Group::Required, Group::Optional, Group::ReadOnly];

    fn title(self, root: bool) -> &'static str {
        match (self, root) {
            (Group::Required, true) => "### Required",
            (Group::Optional, true) => "### Optional",
            (Group::ReadOnly, true) => "### Read-Only",
            (Group::Required, false) => "Required:",
            (Group::Optional, false) => "Optional:",
            (Group::ReadOnly, false) => "Read-Only:",
        }
    }
}

fn attribute_group(a: &Attribute) -> Group {
    if a.required {
        Group::Required
    } else if a.computed && !a.optional {
        Group::ReadOnly
    } else {
        Group::Optional
    }
}

/// Required with a minimum; read-only when nothing inside can be set; optional otherwise.
fn block_group(b: &NestedBlock) -> Group {
    if b.min_items > 0 {
        Group::Required
    } else if b.max_items == 0 && block_is_read_only(&b.block) {
        Group::ReadOnly
    } else {
        Group::Optional
    }
}

fn block_is_read_only(block: &Block) -> bool {
    !(block.attributes.is_empty() && block.block_types.is_empty())
        && block
            .attributes
            .iter()
            .all(|a| attribute_group(a) == Group::ReadOnly)
        && block
            .block_types
            .iter()
            .all(|b| block_group(b) == Group::ReadOnly)
}

fn block_has_write_only(block: &Block) -> bool {
    block.attributes.iter().any(|a| a.write_only)
        || block
            .block_types
            .iter()
            .any(|b| block_has_write_only(&b.block))
}

/// What a nested section documents.
enum Inner<'a> {
    Block(&'a Block),
    Attributes(&'a NestedType),
    /// The attributes of an object type, listed under the group of the attribute holding it.
    Object(&'a BTreeMap<String, Type>, Group),
}

/// A nested section still to write.
struct Section<'a> {
    anchor: String,
    path: Vec<String>,
    inner: Inner<'a>,
}

fn section<'a>(kind: &str, path: &[String], inner: Inner<'a>) -> Section<'a> {
    Section {
        anchor: format!("{kind}--{}", path.join("--")),
        path: path.to_vec(),
        inner,
    }
}

fn child_path(parents: &[String], name: &str) -> Vec<String> {
    let mut path = parents.to_vec();
    path.push(name.to_string());
    path
}

/// The `## Schema` section for a top-level block.
pub fn render(block: &Block) -> String {
    let mut out = String::from("## Schema\n");
    block_children(&mut out, &[], block);
    out
}

/// A child of a block: an attribute or a nested block.
enum Child<'a> {
    Attribute(&'a Attribute),
    Block(&'a NestedBlock),
}

/// Writes a block's children in their groups, then their nested sections.
fn block_children(out: &mut String, parents: &[String], block: &Block) {
    let root = parents.is_empty();
    let mut children: Vec<(Group, &str, Child)> = Vec::new();
    for a in &block.attributes {
        // As tfplugindocs does: an undescribed top-level `id` is read-only, whatever its flags.
        let group = if root && a.name.eq_ignore_ascii_case("id") && a.description.is_empty() {
            Group::ReadOnly
        } else {
            attribute_group(a)
        };
        children.push((group, &a.name, Child::Attribute(a)));
    }
    for b in &block.block_types {
        children.push((block_group(b), &b.type_name, Child::Block(b)));
    }
    children.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));

    let mut sections = Vec::new();
    for group in Group::ALL {
        let members: Vec<&Child> = children
            .iter()
            .filter(|(g, _, _)| *g == group)
            .map(|(_, _, c)| c)
            .collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}\n", group.title(root));
        let write_only = members.iter().any(|c| match c {
            Child::Attribute(a) => a.write_only,
            Child::Block(b) => block_has_write_only(&b.block),
        });
        if write_only {
            let _ = writeln!(
                out,
                "> **NOTE**: [Write-only arguments]({WRITE_ONLY}) are supported in Terraform 1.11 \
                 and later.\n"
            );
        }
        for child in members {
            match child {
                Child::Attribute(a) => {
                    let path = child_path(parents, &a.name);
                    sections.extend(attribute_line(out, &path, a, group, root));
                }
                Child::Block(b) => {
                    let path = child_path(parents, &b.type_name);
                    let s = section("nestedblock", &path, Inner::Block(&b.block));
                    let _ = writeln!(out, "- `{}` {}{}", b.type_name, block_summary(b), see(&s));
                    sections.push(s);
                }
            }
        }
    }
    write_sections(out, sections);
}

/// ` (see [below for nested schema](#anchor))`.
fn see(s: &Section) -> String {
    format!(" (see [below for nested schema](#{}))", s.anchor)
}

/// Writes one attribute's line; returns the nested section it needs, if any.
fn attribute_line<'a>(
    out: &mut String,
    path: &[String],
    a: &'a Attribute,
    group: Group,
    root: bool,
) -> Option<Section<'a>> {
    let nested = match &a.ty {
        AttributeType::Nested(n) => Some(section("nestedatt", path, Inner::Attributes(n))),
        AttributeType::Type(t) => {
            object_of(t).map(|o| section("nestedatt", path, Inner::Object(o, group)))
        }
    };
    let description = if root && a.name.eq_ignore_ascii_case("id") && a.description.is_empty() {
        "The ID of this resource."
    } else {
        a.description.as_str()
    };
    let _ = writeln!(
        out,
        "- `{}` ({}){}{}",
        a.name,
        attribute_flags(a),
        describe(description),
        nested.as_ref().map(see).unwrap_or_default()
    );
    nested
}

/// The object type an attribute of type `t` documents below: an object, or a collection of them.
fn object_of(t: &Type) -> Option<&BTreeMap<String, Type>> {
    match t {
        Type::Object(o) => Some(o),
        Type::List(e) | Type::Set(e) | Type::Map(e) => match e.as_ref() {
            Type::Object(o) => Some(o),
            _ => None,
        },
        _ => None,
    }
}

/// `Type[, Sensitive][, Deprecated][, Write-only]` for an attribute.
fn attribute_flags(a: &Attribute) -> String {
    let mut text = match &a.ty {
        AttributeType::Type(t) => type_name(t),
        AttributeType::Nested(n) => match n.nesting {
            NestingMode::Single => "Attributes".to_string(),
            NestingMode::List => "Attributes List".to_string(),
            NestingMode::Set => "Attributes Set".to_string(),
            NestingMode::Map => "Attributes Map".to_string(),
        },
    };
    if a.sensitive {
        text.push_str(", Sensitive");
    }
    if a.deprecated {
        text.push_str(", Deprecated");
    }
    if a.write_only {
        let _ = write!(text, ", [Write-only]({WRITE_ONLY})");
    }
    text
}

/// `(Block List, Min: 1, Max: 2) Description` for a nested block; single blocks say whether
/// they are required, optional or read-only instead of their limits.
fn block_summary(b: &NestedBlock) -> String {
    let mut text = String::from("(Block");
    match b.nesting {
        BlockNesting::Single | BlockNesting::Group => {
            text.push_str(match block_group(b) {
                Group::Required => ", Required",
                Group::Optional => ", Optional",
                Group::ReadOnly => ", Read-only",
            });
        }
        BlockNesting::List | BlockNesting::Set | BlockNesting::Map => {
            text.push_str(match b.nesting {
                BlockNesting::List => " List",
                BlockNesting::Set => " Set",
                _ => " Map",
            });
            if b.min_items > 0 {
                let _ = write!(text, ", Min: {}", b.min_items);
            }
        }
    }
    if b.max_items > 0 {
        let _ = write!(text, ", Max: {}", b.max_items);
    }
    if b.block.deprecated {
        text.push_str(", Deprecated");
    }
    text.push(')');
    text.push_str(&describe(&b.block.description));
    text
}

/// ` Description`, or nothing; paragraph breaks become hard line breaks so the text stays
/// inside its list item.
fn describe(description: &str) -> String {
    let trimmed = description.trim();
    if trimmed.is_empty() {
        return String::new();
    }
    let paragraphs: Vec<&str> = trimmed
        .split("\n\n")
        .map(|p| p.trim_matches('\n'))
        .filter(|p| !p.is_empty())
        .collect();
    format!(" {}", paragraphs.join("  \n"))
}

fn type_name(ty: &Type) -> String {
    match ty {
        Type::Bool => "Boolean".into(),
        Type::Number => "Number".into(),
        Type::String => "String".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(e) => format!("List of {}", type_name(e)),
        Type::Set(e) => format!("Set of {}", type_name(e)),
        Type::Map(e) => format!("Map of {}", type_name(e)),
        Type::Object(_) => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

/// Writes each section (and, depth first, the sections inside it).
fn write_sections(out: &mut String, sections: Vec<Section>) {
    for s in sections {
        let _ = writeln!(out, "\n<a id=\"{}\"></a>", s.anchor);
        let _ = writeln!(out, "### Nested Schema for `{}`", s.path.join("."));
        match s.inner {
            Inner::Block(block) => block_children(out, &s.path, block),
            Inner::Attributes(n) => nested_attribute_children(out, &s.path, n),
            Inner::Object(o, group) => object_children(out, &s.path, o, group),
        }
    }
}

/// The children of a nested attribute, grouped by their own flags.
fn nested_attribute_children(out: &mut String, parents: &[String], n: &NestedType) {
    let mut attributes: Vec<&Attribute> = n.attributes.iter().collect();
    attributes.sort_by(|a, b| a.name.cmp(&b.name));
    let mut sections = Vec::new();
    for group in Group::ALL {
        let members: Vec<&&Attribute> = attributes
            .iter()
            .filter(|a| attribute_group(a) == group)
            .collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}\n", group.title(false));
        if members.iter().any(|a| a.write_only) {
            let _ = writeln!(
                out,
                "> **NOTE**: [Write-only arguments]({WRITE_ONLY}) are supported in Terraform 1.11 \
                 and later.\n"
            );
        }
        for a in members {
            let path = child_path(parents, &a.name);
            sections.extend(attribute_line(out, &path, a, group, false));
        }
    }
    write_sections(out, sections);
}

/// The attributes of an object type: names and types only, under the holder's group.
fn object_children(
    out: &mut String,
    parents: &[String],
    object: &BTreeMap<String, Type>,
    group: Group,
) {
    let _ = writeln!(out, "\n{}\n", group.title(false));
    let mut sections = Vec::new();
    for (name, ty) in object {
        let path = child_path(parents, name);
        let nested = object_of(ty).map(|o| section("nestedobjatt", &path, Inner::Object(o, group)));
        let _ = writeln!(
            out,
            "- `{name}` ({}){}",
            type_name(ty),
            nested.as_ref().map(see).unwrap_or_default()
        );
        sections.extend(nested);
    }
    write_sections(out, sections);
}
