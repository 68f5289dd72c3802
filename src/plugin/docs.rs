//! Registry-format documentation rendered from a provider's schemas: `index.md`,
//! `resources/<name>.md` and `data-sources/<name>.md`, each with its example and, for
//! resources, its import commands, read from an `examples/` tree laid out as the Terraform
//! registry expects (`provider/provider.tf`, `resources/<type>/resource.tf` and `import.sh`,
//! `data-sources/<type>/data-source.tf`).

use std::fmt::Write as _;
use std::path::Path;

use super::provider::Provider;
use super::schema::{Attribute, AttributeType, Block, BlockNesting, NestingMode, Schema};
use super::value::Type;

/// One page to write under `docs/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocPage {
    /// Relative to the docs directory, e.g. `resources/api_only_user.md`.
    pub path: String,
    /// Markdown.
    pub content: String,
}

/// Renders every page for `provider`, reading examples from `examples`.
pub fn render(provider: &dyn Provider, examples: &Path) -> Vec<DocPage> {
    let prefix = format!("{}_", provider.type_name());
    let mut pages = vec![DocPage {
        path: "index.md".to_string(),
        content: page(
            provider.type_name(),
            "",
            &provider.schema(),
            read(examples, &["provider", "provider.tf"]),
            None,
            "Provider",
        ),
    }];
    let mut resources = provider.resources();
    resources.sort_by(|a, b| a.type_name().cmp(b.type_name()));
    for r in resources {
        let name = r.type_name();
        let short = name.strip_prefix(&prefix).unwrap_or(name);
        pages.push(DocPage {
            path: format!("resources/{short}.md"),
            content: page(
                name,
                "Resources",
                &r.schema(),
                read(examples, &["resources", name, "resource.tf"]),
                read(examples, &["resources", name, "import.sh"]),
                "Resource",
            ),
        });
    }
    let mut data_sources = provider.data_sources();
    data_sources.sort_by(|a, b| a.type_name().cmp(b.type_name()));
    for d in data_sources {
        let name = d.type_name();
        let short = name.strip_prefix(&prefix).unwrap_or(name);
        pages.push(DocPage {
            path: format!("data-sources/{short}.md"),
            content: page(
                name,
                "Data Sources",
                &d.schema(),
                read(examples, &["data-sources", name, "data-source.tf"]),
                None,
                "Data Source",
            ),
        });
    }
    pages
}

fn read(root: &Path, parts: &[&str]) -> Option<String> {
    let path = parts
        .iter()
        .fold(root.to_path_buf(), |p, part| p.join(part));
    std::fs::read_to_string(path).ok()
}

/// The first sentence of a description, for the page's front matter.
fn summary(description: &str) -> String {
    let first_paragraph = description.split("\n\n").next().unwrap_or("");
    let flat = first_paragraph.replace('\n', " ");
    let end = flat.find(". ").map(|i| i + 1).unwrap_or(flat.len());
    flat[..end].trim().replace('"', "'")
}

fn page(
    name: &str,
    subcategory: &str,
    schema: &Schema,
    example: Option<String>,
    import: Option<String>,
    kind: &str,
) -> String {
    let mut out = String::new();
    let title = if kind == "Provider" {
        format!("{name} Provider")
    } else {
        format!("{name} ({kind})")
    };
    let _ = writeln!(out, "---");
    let _ = writeln!(out, "page_title: \"{title}\"");
    let _ = writeln!(out, "subcategory: \"{subcategory}\"");
    let _ = writeln!(out, "description: |-");
    let _ = writeln!(out, "  {}", summary(&schema.block.description));
    let _ = writeln!(out, "---");
    let _ = writeln!(out);
    let _ = writeln!(out, "# {title}");
    let _ = writeln!(out);
    if !schema.block.description.is_empty() {
        let _ = writeln!(out, "{}", schema.block.description.trim_end());
        let _ = writeln!(out);
    }
    if let Some(example) = example {
        let _ = writeln!(out, "## Example Usage");
        let _ = writeln!(out);
        let _ = writeln!(out, "```terraform\n{}\n```", example.trim_end());
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "<!-- generated from the schema by `make docs` -->");
    let _ = writeln!(out, "## Schema");
    block_doc(&mut out, &schema.block, "");
    if let Some(import) = import {
        let _ = writeln!(out);
        let _ = writeln!(out, "## Import");
        let _ = writeln!(out);
        let _ = writeln!(out, "Import is supported using the following syntax:");
        let _ = writeln!(out);
        let _ = writeln!(out, "```shell\n{}\n```", import.trim_end());
    }
    out
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

fn attribute_type(a: &Attribute) -> String {
    match &a.ty {
        AttributeType::Type(t) => type_name(t),
        AttributeType::Nested(n) => match n.nesting {
            NestingMode::Single => "Attributes".into(),
            NestingMode::List => "Attributes List".into(),
            NestingMode::Set => "Attributes Set".into(),
            NestingMode::Map => "Attributes Map".into(),
        },
    }
}

fn anchor(prefix: &str, name: &str) -> String {
    format!("nestedatt--{prefix}{name}")
}

/// Writes one block's attributes grouped as the registry does (Required, Optional, Read-Only),
/// then a section per nested attribute or block.
fn block_doc(out: &mut String, block: &Block, prefix: &str) {
    type Pick = fn(&Attribute) -> bool;
    let groups: [(&str, Pick); 3] = [
        ("Required", |a| a.required),
        ("Optional", |a| a.optional),
        ("Read-Only", |a| a.computed && !a.optional && !a.required),
    ];
    let mut nested: Vec<(String, String, Block)> = Vec::new();
    for (heading, pick) in groups {
        let attrs: Vec<&Attribute> = block.attributes.iter().filter(|a| pick(a)).collect();
        let blocks: Vec<_> = block
            .block_types
            .iter()
            .filter(|b| match heading {
                "Required" => b.min_items > 0,
                "Optional" => b.min_items == 0,
                _ => false,
            })
            .collect();
        if attrs.is_empty() && blocks.is_empty() {
            continue;
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "### {heading}");
        let _ = writeln!(out);
        for a in attrs {
            let mut notes = Vec::new();
            if a.sensitive {
                notes.push("Sensitive");
            }
            if a.deprecated {
                notes.push("Deprecated");
            }
            let ty = attribute_type(a);
            let ty = if notes.is_empty() {
                ty
            } else {
                format!("{ty}, {}", notes.join(", "))
            };
            let see = if let AttributeType::Nested(n) = &a.ty {
                nested.push((
                    a.name.clone(),
                    anchor(prefix, &a.name),
                    Block {
                        attributes: n.attributes.clone(),
                        ..Block::default()
                    },
                ));
                format!(
                    " (see [below for nested schema](#{}))",
                    anchor(prefix, &a.name)
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "- `{}` ({ty}) {}{see}",
                a.name,
                a.description.trim().replace('\n', " ")
            );
        }
        for b in blocks {
            let kind = match b.nesting {
                BlockNesting::Single | BlockNesting::Group => "Block",
                BlockNesting::List => "Block List",
                BlockNesting::Set => "Block Set",
                BlockNesting::Map => "Block Map",
            };
            let limits = match (b.min_items, b.max_items) {
                (0, 0) => String::new(),
                (min, 0) => format!(", Min: {min}"),
                (0, max) => format!(", Max: {max}"),
                (min, max) => format!(", Min: {min}, Max: {max}"),
            };
            let id = anchor(prefix, &b.type_name);
            let _ = writeln!(
                out,
                "- `{}` ({kind}{limits}) {} (see [below for nested schema](#{id}))",
                b.type_name,
                b.block.description.trim().replace('\n', " ")
            );
            nested.push((b.type_name.clone(), id, b.block.clone()));
        }
    }
    for (name, id, inner) in nested {
        let _ = writeln!(out);
        let _ = writeln!(out, "<a id=\"{id}\"></a>");
        let _ = writeln!(out, "### Nested Schema for `{prefix}{name}`");
        block_doc(out, &inner, &format!("{prefix}{name}."));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::schema::NestedBlock;

    #[test]
    fn renders_groups_nested_blocks_and_sensitive_flags() {
        let schema = Schema::new(
            0,
            Block::new()
                .description("A thing. More words.\n\nSecond paragraph.")
                .attribute(
                    Attribute::new("name", Type::String)
                        .required()
                        .description("Name."),
                )
                .attribute(
                    Attribute::new("secret", Type::String)
                        .computed()
                        .sensitive()
                        .description("Secret."),
                )
                .block(
                    NestedBlock::new(
                        "pair",
                        BlockNesting::Set,
                        Block::new().attribute(
                            Attribute::new("a", Type::Number)
                                .required()
                                .description("A."),
                        ),
                    )
                    .items(1, 0),
                ),
        );
        let text = page(
            "x_thing",
            "Resources",
            &schema,
            Some("resource {}".into()),
            None,
            "Resource",
        );
        assert!(text.contains("description: |-\n  A thing.\n"), "{text}");
        assert!(
            text.contains("### Required\n\n- `name` (String) Name."),
            "{text}"
        );
        assert!(text.contains("- `pair` (Block Set, Min: 1)"), "{text}");
        assert!(
            text.contains("### Read-Only\n\n- `secret` (String, Sensitive) Secret."),
            "{text}"
        );
        assert!(
            text.contains("### Nested Schema for `pair`\n\n### Required\n\n- `a` (Number) A."),
            "{text}"
        );
        assert!(text.contains("```terraform\nresource {}\n```"), "{text}");
    }
}
