//! A create that Marketo refuses because the object already exists (409 / 1017), shared by the
//! resources (issue 12): the error shows a ready-to-paste `import` block naming the existing
//! object's id, and with the provider's `adopt_existing` an object that matches every configured
//! attribute is adopted (recorded as created) with a warning saying why.

use tfplugin6::{Diagnostic, Diagnostics};

/// The provider setting that turns adoption on.
pub const ADOPT_EXISTING: &str = "adopt_existing";
/// Its environment variable.
pub const ADOPT_EXISTING_ENV: &str = "MARKETO_ADOPT_EXISTING";

/// `text` as an HCL string literal: quotes, backslashes and template sequences escaped.
pub fn hcl_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `import` block (Terraform 1.5 and later) that adopts the object `id` into
/// `<type_name>.<name>`, indented for a diagnostic.
pub fn import_block(type_name: &str, id: &str) -> String {
    format!(
        "  import {{\n    to = {type_name}.<name>\n    id = {}\n  }}",
        hcl_string(id)
    )
}

/// How to take over the existing object `id`: the `import` block to paste, the command for
/// Terraform before 1.5, and the provider setting that adopts an identical object.
pub fn import_hint(type_name: &str, id: &str) -> String {
    format!(
        "To manage it with Terraform, import it: paste this block into the configuration, with \
         {type_name}.<name> replaced by this resource's address (Terraform names it after `with` \
         in this error), and apply:\n\n{}\n\nOn Terraform before 1.5: terraform import {type_name}.<name> {}\n\nOr set \
         `{ADOPT_EXISTING} = true` in the provider block (or {ADOPT_EXISTING_ENV}=true): an \
         existing object that matches every configured attribute is then adopted instead of \
         refused.",
        import_block(type_name, id),
        shell_word(id),
    )
}

/// `id` quoted for a POSIX shell when it needs it.
fn shell_word(id: &str) -> String {
    let plain = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@._-+:/=".contains(c));
    if plain {
        id.to_string()
    } else {
        format!("'{}'", id.replace('\'', "'\\''"))
    }
}

/// The attributes in which an existing object differs from the configuration.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Differences(Vec<String>);

impl Differences {
    /// No difference yet.
    pub fn new() -> Differences {
        Differences::default()
    }

    /// Records that `attr` differs: configured `want`, Marketo has `have` (both already shown as
    /// the user should read them, e.g. quoted text or "none").
    pub fn push(&mut self, attr: &str, want: &str, have: &str) {
        self.0
            .push(format!("`{attr}`: configured {want}, Marketo has {have}"));
    }

    /// Compares an optional text: both absent (or empty) is equal, else it must be the same text.
    pub fn text(&mut self, attr: &str, want: Option<&str>, have: Option<&str>) {
        let want = want.filter(|t| !t.is_empty());
        let have = have.filter(|t| !t.is_empty());
        if want != have {
            self.push(attr, &shown(want), &shown(have));
        }
    }

    /// True when the object matches the configuration.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The differing attributes, one per line.
    pub fn lines(&self) -> String {
        self.0
            .iter()
            .map(|d| format!("  - {d}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// An optional text as a diagnostic shows it.
pub fn shown(text: Option<&str>) -> String {
    match text {
        Some(t) => format!("{t:?}"),
        None => "none".to_string(),
    }
}

/// The existing object the conflict is about.
#[derive(Debug, Clone)]
pub struct Existing<'a> {
    /// The resource type, e.g. `marketo_api_only_user`.
    pub type_name: &'a str,
    /// What it is, e.g. "API-only user".
    pub what: &'a str,
    /// How it is named in messages, its id included, e.g. `"crm-sync@example.com"` or
    /// `"Lead Sync" (id 101)`.
    pub label: String,
    /// The id `terraform import` takes.
    pub id: String,
}

/// The warning of an adopted object: what was adopted, and why.
pub fn adopted_warning(existing: &Existing<'_>) -> Diagnostic {
    let Existing {
        type_name,
        what,
        label,
        ..
    } = existing;
    Diagnostic::warning(
        format!("Adopted an existing {what}"),
        format!(
            "Marketo already had the {what} {label} when Terraform asked to create it, \
             and it matches every configured attribute, so it was recorded in the state as \
             created instead of failing: the provider setting `{ADOPT_EXISTING}` is on. This is \
             what happens when an earlier apply was interrupted after Marketo made the object but \
             before Terraform saved its state. If this {what} belongs to something else, remove \
             it from this state without deleting it (terraform state rm {type_name}.<name>)."
        ),
    )
}

/// The error of an existing object that differs from the configuration, with `adopt_existing`
/// on: it names every differing attribute, and how to take the object over anyway.
pub fn differs_error(existing: &Existing<'_>, differences: &Differences) -> Diagnostic {
    let Existing {
        type_name,
        what,
        label,
        id,
    } = existing;
    Diagnostic::error(
        format!("An existing {what} differs from the configuration"),
        format!(
            "Marketo already has the {what} {label}. `{ADOPT_EXISTING}` is on, but the {what} is \
             adopted only when it matches every configured attribute, and it differs in:\n\n{}\n\n\
             Change the configuration to match it, or import it and let Terraform plan the \
             changes:\n\n{}",
            differences.lines(),
            import_block(type_name, id),
        ),
    )
}

/// What a create conflict turns into: an adopted object with its warning, or an error.
pub fn decide<M>(
    adopt: bool,
    existing: &Existing<'_>,
    differences: &Differences,
    state: M,
    refused: impl FnOnce() -> Diagnostic,
) -> Result<(M, Diagnostics), Diagnostic> {
    if !adopt {
        Err(refused())
    } else if differences.is_empty() {
        Ok((state, adopted_warning(existing).into_diagnostics()))
    } else {
        Err(differs_error(existing, differences))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hcl_strings_are_escaped() {
        assert_eq!(hcl_string("a@b.com"), "\"a@b.com\"");
        assert_eq!(hcl_string("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(hcl_string("a\\b"), "\"a\\\\b\"");
        assert_eq!(hcl_string("${x} %{y} $z"), "\"$${x} %%{y} $z\"");
    }

    #[test]
    fn the_hint_holds_a_paste_ready_import_block() {
        let hint = import_hint("marketo_api_only_role", "101");
        assert!(
            hint.contains(
                "  import {\n    to = marketo_api_only_role.<name>\n    id = \"101\"\n  }"
            ),
            "{hint}"
        );
        assert!(
            hint.contains("terraform import marketo_api_only_role.<name> 101"),
            "{hint}"
        );
        assert!(hint.contains("adopt_existing = true"), "{hint}");
        let hint = import_hint("marketo_api_only_user", "o'neil x@example.com");
        assert!(hint.contains("'o'\\''neil x@example.com'"), "{hint}");
    }

    #[test]
    fn differences_are_listed() {
        let mut d = Differences::new();
        d.text("description", None, Some(""));
        assert!(d.is_empty(), "empty text is none");
        d.text("description", Some("a"), None);
        d.push("permissions", "[\"A\"]", "[\"B\"]");
        assert_eq!(
            d.lines(),
            "  - `description`: configured \"a\", Marketo has none\n  - `permissions`: \
             configured [\"A\"], Marketo has [\"B\"]"
        );
    }

    #[test]
    fn decide_adopts_only_a_match_and_only_when_asked() {
        let existing = Existing {
            type_name: "marketo_api_only_role",
            what: "role",
            label: "\"R\"".to_string(),
            id: "7".to_string(),
        };
        let same = Differences::new();
        let refused = || Diagnostic::error("refused", "");
        assert_eq!(
            decide(false, &existing, &same, 1, refused)
                .unwrap_err()
                .summary,
            "refused"
        );
        let (state, warnings) = decide(true, &existing, &same, 1, refused).unwrap();
        assert_eq!(state, 1);
        assert!(!warnings.has_errors());
        let w = warnings.iter().next().unwrap();
        assert_eq!(w.summary, "Adopted an existing role");
        assert!(w.detail.contains("adopt_existing"), "{}", w.detail);
        let mut other = Differences::new();
        other.text("description", Some("x"), Some("y"));
        let e = decide(true, &existing, &other, 1, refused).unwrap_err();
        assert_eq!(e.summary, "An existing role differs from the configuration");
        assert!(e.detail.contains("`description`"), "{}", e.detail);
        assert!(e.detail.contains("id = \"7\""), "{}", e.detail);
    }
}
