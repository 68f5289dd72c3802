//! Registry-format documentation rendered from a provider's schemas, in the layout of HashiCorp's
//! `tfplugindocs`: `index.md`, `resources/<name>.md`, `data-sources/<name>.md`,
//! `ephemeral-resources/<name>.md` and `list-resources/<name>.md`. Each page has
//! registry front matter (`page_title`, `description`), the schema's description, its example
//! and the `## Schema` section ([`schema_md`]); resource pages end with an `## Import` section.
//! Examples come from an `examples/` tree laid out as the registry expects:
//! `provider/provider.tf`, `data-sources/<type>/data-source.tf`, and `resources/<type>/` with
//! `resource.tf`, `import-by-string-id.tf` (an `import` block, Terraform 1.5+),
//! `import-by-identity.tf` (an `import` block with `identity`, Terraform 1.12+) and `import.sh`
//! (the `terraform import` command); `ephemeral-resources/<type>/ephemeral-resource.tf` and
//! `list-resources/<type>/list-resource.tfquery.hcl`. Hand-written guides (`guides/<name>.md`)
//! are not rendered here.

mod schema_md;

use std::fmt::Write as _;
use std::path::Path;

use super::provider::Provider;
use super::schema::Schema;

/// One page to write under `docs/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocPage {
    /// Relative to the docs directory, e.g. `resources/api_only_user.md`.
    pub path: String,
    /// Markdown.
    pub content: String,
}

/// What a page documents, which decides its titles and sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Provider,
    Resource,
    DataSource,
    EphemeralResource,
    ListResource,
}

impl Kind {
    /// The directory of its pages under `docs/`, and of its examples under `examples/`.
    fn dir(self) -> &'static str {
        match self {
            Kind::Provider => "provider",
            Kind::Resource => "resources",
            Kind::DataSource => "data-sources",
            Kind::EphemeralResource => "ephemeral-resources",
            Kind::ListResource => "list-resources",
        }
    }

    /// The example file showing the type in use.
    fn usage_file(self) -> &'static str {
        match self {
            Kind::Provider => "provider.tf",
            Kind::Resource => "resource.tf",
            Kind::DataSource => "data-source.tf",
            Kind::EphemeralResource => "ephemeral-resource.tf",
            Kind::ListResource => "list-resource.tfquery.hcl",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Provider => "Provider",
            Kind::Resource => "Resource",
            Kind::DataSource => "Data Source",
            Kind::EphemeralResource => "Ephemeral Resource",
            Kind::ListResource => "List Resource",
        }
    }
}

/// The examples of one page.
#[derive(Debug, Clone, Default)]
struct Examples {
    /// `provider.tf`, `resource.tf` or `data-source.tf`.
    usage: Option<String>,
    /// `import-by-string-id.tf`: an `import` block with an `id`.
    import_block: Option<String>,
    /// `import-by-identity.tf`: an `import` block with an `identity`.
    import_identity: Option<String>,
    /// `import.sh`: the `terraform import` command.
    import_command: Option<String>,
}

/// Renders every page for `provider`, reading examples from `examples`.
pub fn render(provider: &dyn Provider, examples: &Path) -> Vec<DocPage> {
    let provider_name = provider.type_name();
    let prefix = format!("{provider_name}_");
    let mut pages = vec![DocPage {
        path: "index.md".to_string(),
        content: page(
            provider_name,
            provider_name,
            Kind::Provider,
            &provider.schema(),
            &Examples {
                usage: read(
                    examples,
                    &[Kind::Provider.dir(), Kind::Provider.usage_file()],
                ),
                ..Examples::default()
            },
        ),
    }];
    // One row per kind of type: its pages, in type-name order, kind after kind.
    let kinds = [
        (
            Kind::Resource,
            named(provider.resources(), |r| {
                (r.type_name().to_string(), r.schema())
            }),
        ),
        (
            Kind::DataSource,
            named(provider.data_sources(), |d| {
                (d.type_name().to_string(), d.schema())
            }),
        ),
        (
            Kind::EphemeralResource,
            named(provider.ephemeral_resources(), |e| {
                (e.type_name().to_string(), e.schema())
            }),
        ),
        (
            Kind::ListResource,
            named(provider.list_resources(), |l| {
                (l.type_name().to_string(), l.schema())
            }),
        ),
    ];
    for (kind, types) in kinds {
        let dir = kind.dir();
        for (name, schema) in types {
            let name = name.as_str();
            let short = name.strip_prefix(&prefix).unwrap_or(name);
            let mut ex = Examples {
                usage: read(examples, &[dir, name, kind.usage_file()]),
                ..Examples::default()
            };
            if kind == Kind::Resource {
                ex.import_block = read(examples, &[dir, name, "import-by-string-id.tf"]);
                ex.import_identity = read(examples, &[dir, name, "import-by-identity.tf"]);
                ex.import_command = read(examples, &[dir, name, "import.sh"]);
            }
            pages.push(DocPage {
                path: format!("{dir}/{short}.md"),
                content: page(name, provider_name, kind, &schema, &ex),
            });
        }
    }
    pages
}

/// The types of one kind as (type name, schema), sorted by name.
fn named<T>(
    types: Vec<T>,
    name_and_schema: impl Fn(&T) -> (String, Schema),
) -> Vec<(String, Schema)> {
    let mut out: Vec<(String, Schema)> = types.iter().map(name_and_schema).collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn read(root: &Path, parts: &[&str]) -> Option<String> {
    let path = parts
        .iter()
        .fold(root.to_path_buf(), |p, part| p.join(part));
    std::fs::read_to_string(path).ok()
}

/// The first sentence of a description as plain text, for the page's front matter.
fn summary(description: &str) -> String {
    let first_paragraph = description.split("\n\n").next().unwrap_or("");
    let flat = plain(&first_paragraph.replace('\n', " "));
    let end = flat.find(". ").map(|i| i + 1).unwrap_or(flat.len());
    flat[..end].trim().to_string()
}

/// Markdown made plain text, as `tfplugindocs` does for front matter: no code spans, emphasis
/// or link targets.
fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|close| {
            after[close + 2..]
                .find(')')
                .map(|end| (close, close + 2 + end + 1))
        });
        match link {
            Some((close, end)) => {
                out.push_str(&rest[..open]);
                out.push_str(&after[..close]);
                rest = &after[end..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace('`', "").replace("**", "")
}

/// A fenced code block of `lang` holding `code`.
fn fenced(lang: &str, code: &str) -> String {
    format!("```{lang}\n{}\n```\n", code.trim())
}

fn page(name: &str, provider: &str, kind: Kind, schema: &Schema, examples: &Examples) -> String {
    let (page_title, heading) = match kind {
        Kind::Provider => (format!("{name} Provider"), format!("{name} Provider")),
        _ => (
            format!("{name} {} - {provider}", kind.label()),
            format!("{name} ({})", kind.label()),
        ),
    };
    let mut out = String::new();
    let _ = writeln!(out, "---");
    let _ = writeln!(out, "page_title: \"{page_title}\"");
    let _ = writeln!(out, "description: |-");
    let _ = writeln!(out, "  {}", summary(&schema.block.description));
    let _ = writeln!(out, "---");
    let _ = writeln!(out);
    let _ = writeln!(out, "# {heading}");
    let _ = writeln!(out);
    if !schema.block.description.trim().is_empty() {
        let _ = writeln!(out, "{}", schema.block.description.trim());
        let _ = writeln!(out);
    }
    if let Some(example) = &examples.usage {
        let _ = writeln!(out, "## Example Usage");
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", fenced("terraform", example));
    }
    if kind == Kind::ListResource {
        let _ = writeln!(
            out,
            "The attributes below go in the `config` block of a `list` block, in a \
             `.tfquery.hcl` file read by `terraform query` (Terraform 1.14 and later).\n"
        );
    }
    let _ = writeln!(out, "<!-- schema generated by `make docs` -->");
    out.push_str(&schema_md::render(&schema.block));
    if kind == Kind::Resource {
        import_section(&mut out, examples);
    }
    out
}

/// `## Import` as `tfplugindocs` writes it: the `import` block, then the CLI command.
fn import_section(out: &mut String, examples: &Examples) {
    if examples.import_block.is_none()
        && examples.import_identity.is_none()
        && examples.import_command.is_none()
    {
        return;
    }
    let _ = writeln!(out, "\n## Import\n");
    let _ = writeln!(out, "Import is supported using the following syntax:");
    if let Some(block) = &examples.import_block {
        let _ = writeln!(
            out,
            "\nIn Terraform v1.5.0 and later, the [`import` block]\
             (https://developer.hashicorp.com/terraform/language/import) can be used with the `id` \
             attribute, for example:\n"
        );
        out.push_str(&fenced("terraform", block));
    }
    if let Some(block) = &examples.import_identity {
        let _ = writeln!(
            out,
            "\nIn Terraform v1.12.0 and later, the [`import` block]\
             (https://developer.hashicorp.com/terraform/language/import) can be used with the \
             `identity` attribute, for example:\n"
        );
        out.push_str(&fenced("terraform", block));
    }
    if let Some(command) = &examples.import_command {
        let _ = writeln!(
            out,
            "\nThe [`terraform import` command]\
             (https://developer.hashicorp.com/terraform/cli/commands/import) can be used, for \
             example:\n"
        );
        out.push_str(&fenced("shell", command));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Attribute, Block, BlockNesting, NestedBlock, NestingMode};
    use crate::value::Type;

    fn thing() -> Schema {
        Schema::new(
            0,
            Block::new()
                .description("A `thing`. More words.\n\nSecond paragraph.")
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
                .attribute(
                    Attribute::nested(
                        "items",
                        NestingMode::List,
                        vec![
                            Attribute::new("key", Type::String)
                                .computed()
                                .description("Key."),
                        ],
                    )
                    .computed()
                    .description("Items."),
                )
                .block(
                    NestedBlock::new(
                        "pair",
                        BlockNesting::Set,
                        Block::new()
                            .description("A pair.")
                            .attribute(
                                Attribute::new("a", Type::Number)
                                    .required()
                                    .description("A."),
                            )
                            .block(NestedBlock::new(
                                "extra",
                                BlockNesting::Single,
                                Block::new().attribute(
                                    Attribute::new("b", Type::Bool).optional().description("B."),
                                ),
                            )),
                    )
                    .items(1, 0),
                ),
        )
    }

    fn resource_page(examples: &Examples) -> String {
        page("x_thing", "x", Kind::Resource, &thing(), examples)
    }

    #[test]
    fn front_matter_and_headings_follow_tfplugindocs() {
        let text = resource_page(&Examples::default());
        assert!(
            text.starts_with(
                "---\npage_title: \"x_thing Resource - x\"\ndescription: |-\n  A thing.\n---\n\n\
                 # x_thing (Resource)\n\nA `thing`. More words.\n\nSecond paragraph.\n"
            ),
            "{text}"
        );
        assert!(!text.contains("subcategory"), "{text}");
        let provider = page("x", "x", Kind::Provider, &thing(), &Examples::default());
        assert!(
            provider.starts_with("---\npage_title: \"x Provider\"\n"),
            "{provider}"
        );
        assert!(provider.contains("\n# x Provider\n"), "{provider}");
        let data = page(
            "x_thing",
            "x",
            Kind::DataSource,
            &thing(),
            &Examples::default(),
        );
        assert!(
            data.contains("page_title: \"x_thing Data Source - x\""),
            "{data}"
        );
        assert!(data.contains("\n# x_thing (Data Source)\n"), "{data}");
    }

    #[test]
    fn schema_groups_sort_and_link_nested_sections() {
        let text = resource_page(&Examples::default());
        assert!(
            text.contains(
                "## Schema\n\n### Required\n\n- `name` (String) Name.\n\
                 - `pair` (Block Set, Min: 1) A pair. (see [below for nested schema](#nestedblock--pair))\n\n\
                 ### Read-Only\n\n\
                 - `items` (Attributes List) Items. (see [below for nested schema](#nestedatt--items))\n\
                 - `secret` (String, Sensitive) Secret.\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "<a id=\"nestedblock--pair\"></a>\n### Nested Schema for `pair`\n\n\
                 Required:\n\n- `a` (Number) A.\n\n\
                 Optional:\n\n- `extra` (Block, Optional) (see [below for nested schema](#nestedblock--pair--extra))\n\n\
                 <a id=\"nestedblock--pair--extra\"></a>\n### Nested Schema for `pair.extra`\n\n\
                 Optional:\n\n- `b` (Boolean) B.\n\n\
                 <a id=\"nestedatt--items\"></a>\n### Nested Schema for `items`\n\n\
                 Read-Only:\n\n- `key` (String) Key.\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn import_section_shows_the_block_then_the_command() {
        let text = resource_page(&Examples {
            usage: Some("resource \"x_thing\" \"a\" {}\n".into()),
            import_block: Some("import {\n  to = x_thing.a\n  id = \"1\"\n}\n".into()),
            import_identity: Some(
                "import {\n  to = x_thing.a\n  identity = { id = 1 }\n}\n".into(),
            ),
            import_command: Some("terraform import x_thing.a 1\n".into()),
        });
        assert!(
            text.contains("## Example Usage\n\n```terraform\nresource \"x_thing\" \"a\" {}\n```\n"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "## Import\n\nImport is supported using the following syntax:\n\n\
                 In Terraform v1.5.0 and later, the [`import` block](https://developer.hashicorp.com/terraform/language/import) \
                 can be used with the `id` attribute, for example:\n\n\
                 ```terraform\nimport {\n  to = x_thing.a\n  id = \"1\"\n}\n```\n\n\
                 In Terraform v1.12.0 and later, the [`import` block](https://developer.hashicorp.com/terraform/language/import) \
                 can be used with the `identity` attribute, for example:\n\n\
                 ```terraform\nimport {\n  to = x_thing.a\n  identity = { id = 1 }\n}\n```\n\n\
                 The [`terraform import` command](https://developer.hashicorp.com/terraform/cli/commands/import) \
                 can be used, for example:\n\n```shell\nterraform import x_thing.a 1\n```\n"
            ),
            "{text}"
        );
        let data = page(
            "x_thing",
            "x",
            Kind::DataSource,
            &thing(),
            &Examples::default(),
        );
        assert!(!data.contains("## Import"), "{data}");
    }

    #[test]
    fn summaries_are_plain_text() {
        assert_eq!(
            summary("Reads `a` from [the guide](../guides/a). **Then** more."),
            "Reads a from the guide."
        );
    }
}
