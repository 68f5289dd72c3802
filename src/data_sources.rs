//! Data sources: read-only lookups of what a Marketo instance holds. Each file holds one data
//! source; this module holds what they share (the "exactly one of" rule and the "not found,
//! here is what exists" diagnostic).
//!
//! They are registered in `crate::registry`. May live here: data sources and what two of them
//! share. May not: a resource, an adapter (`crate::adapters`), a Marketo rule (`crate::checks`).

pub mod api_only_user;
pub mod api_usage;
pub mod permissions;
pub mod role;
pub mod roles;
pub mod users;
pub mod workspace;
pub mod workspaces;

use std::cmp::Ordering;

use crate::checks::values;
use crate::common::api_error;
use marketo_client::{ByName, Role, Workspace};
use tfplugin6::model::Attr;
use tfplugin6::{AttributePath, Diagnostic, Diagnostics};

/// A model read from a configuration given as `(attribute, value)` pairs, the others null.
#[cfg(test)]
pub(crate) fn config_of<M: serde::de::DeserializeOwned>(
    schema: &tfplugin6::Schema,
    pairs: Vec<(&str, tfplugin6::Value)>,
) -> M {
    use tfplugin6::{Type, Value};
    let Type::Object(attrs) = schema.value_type() else {
        panic!("not an object type")
    };
    let mut v = Value::Object(attrs.into_keys().map(|k| (k, Value::Null)).collect());
    for (k, val) in pairs {
        v.set_attr(k, val);
    }
    tfplugin6::model::from_value(&v).unwrap()
}

/// The result of listing the `what` (e.g. "roles"), in `order`.
pub(crate) fn listed<T>(
    what: &str,
    result: Result<Vec<T>, marketo_client::Error>,
    order: impl FnMut(&T, &T) -> Ordering,
) -> Result<Vec<T>, Diagnostics> {
    match result {
        Ok(mut items) => {
            items.sort_by(order);
            Ok(items)
        }
        Err(e) => Err(api_error(&format!("listing the {what}"), &e).into()),
    }
}

/// A model's `Attr` set in a configuration (unknown counts: it will be known at read).
pub(crate) fn is_set<T>(a: &Attr<T>) -> bool {
    !a.is_null()
}

/// An object that data sources look up by `name` or by `id`.
pub(crate) trait Listed {
    fn id(&self) -> i64;
    fn name(&self) -> &str;
}

impl Listed for Role {
    fn id(&self) -> i64 {
        self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
}

impl Listed for Workspace {
    fn id(&self) -> i64 {
        self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
}

/// The `what` a lookup names, from the whole `list`: by the configured `name`, an exact match,
/// else one regardless of case; otherwise the one whose id is `id` (configured as `id_text`).
/// A miss is [`not_found`], listing what exists.
pub(crate) fn pick<'a, T: Listed>(
    what: &str,
    list: &'a [T],
    name: Option<&str>,
    id: Option<i64>,
    id_text: &str,
) -> Result<&'a T, Diagnostic> {
    if let Some(name) = name {
        return match marketo_client::find_by_name(list, name, |x| x.name()) {
            ByName::One(one) => Ok(one),
            ByName::Missing => {
                let names: Vec<String> = list.iter().map(|x| x.name().to_string()).collect();
                Err(not_found(
                    what,
                    "the name",
                    name,
                    &names,
                    AttributePath::root("name"),
                ))
            }
            ByName::Several(several) => Err(ambiguous(what, name, &several)),
        };
    }
    list.iter().find(|x| Some(x.id()) == id).ok_or_else(|| {
        let ids: Vec<String> = list
            .iter()
            .map(|x| format!("{} ({})", x.id(), values::escaped(x.name())))
            .collect();
        not_found(what, "the id", id_text, &ids, AttributePath::root("id"))
    })
}

/// Issue 12: a name that matches several `what`s regardless of case, none exactly: which one is
/// meant cannot be guessed, so the candidates are listed with their ids.
fn ambiguous<T: Listed>(what: &str, name: &str, candidates: &[&T]) -> Diagnostic {
    let listed: Vec<String> = candidates
        .iter()
        .map(|x| format!("\"{}\" (id {})", values::escaped(x.name()), x.id()))
        .collect();
    Diagnostic::error(
        format!("Ambiguous {what} name"),
        format!(
            "\"{}\" matches {} {what}s regardless of case, and none exactly: {}. Write the \
             name exactly as Marketo spells it, or look the {what} up by `id` instead.",
            values::escaped(name),
            candidates.len(),
            listed.join(", ")
        ),
    )
    .at(AttributePath::root("name"))
}

/// Checks a lookup `name` for control characters and bidirectional overrides (issue 12): no
/// `what` has them, and the diagnostic would show them raw.
pub(crate) fn check_lookup_name(diags: &mut Diagnostics, name: &Attr<String>, what: &str) {
    if let Some(text) = name.as_str()
        && let Err(e) = values::plain(text)
    {
        diags.push(
            Diagnostic::error(format!("Invalid {what} name"), format!("`name` {e}."))
                .at(AttributePath::root("name")),
        );
    }
}

/// Checks that exactly one of two lookup attributes is set. Unknown counts as set (it will be
/// known when the data source is read).
pub(crate) fn exactly_one(
    (a, has_a): (&str, bool),
    (b, has_b): (&str, bool),
    what: &str,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if !has_a && !has_b {
        diags.push(
            Diagnostic::error(
                format!("Missing {what} lookup"),
                format!("Set exactly one of `{a}` and `{b}` to say which {what} to read."),
            )
            .at(AttributePath::root(a)),
        );
    } else if has_a && has_b {
        diags.push(
            Diagnostic::error(
                format!("Conflicting {what} lookup"),
                format!("Set only one of `{a}` and `{b}`: the {what} is looked up by one of them."),
            )
            .at(AttributePath::root(b)),
        );
    }
    diags
}

/// At most this many existing names are listed in a "not found" error.
const LISTED: usize = 30;

/// The error for a lookup that found nothing: it lists what exists and suggests the closest.
pub(crate) fn not_found(
    what: &str,
    by: &str,
    given: &str,
    existing: &[String],
    path: AttributePath,
) -> Diagnostic {
    let hint = match values::closest(given, existing.iter().map(String::as_str)) {
        Some(best) => format!(" Did you mean \"{}\"?", values::escaped(best)),
        None => String::new(),
    };
    let listing = if existing.is_empty() {
        format!(" The instance has no {what}s.")
    } else {
        let shown: Vec<String> = existing
            .iter()
            .take(LISTED)
            .map(|n| format!("\"{}\"", values::escaped(n)))
            .collect();
        let more = if existing.len() > LISTED {
            format!(" and {} more", existing.len() - LISTED)
        } else {
            String::new()
        };
        format!(" Existing: {}{more}.", shown.join(", "))
    };
    Diagnostic::error(
        format!("No such {what}"),
        format!("Marketo has no {what} with {by} \"{given}\".{hint}{listing}"),
    )
    .at(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_rule() {
        assert_eq!(exactly_one(("name", true), ("id", true), "role").len(), 1);
        let d = exactly_one(("name", false), ("id", false), "role");
        assert!(
            d.to_string().contains("exactly one of `name` and `id`"),
            "{d}"
        );
        assert!(exactly_one(("name", true), ("id", false), "role").is_empty());
        assert!(is_set(&Attr::<String>::Unknown));
        assert!(!is_set(&Attr::<String>::Null));
    }

    #[test]
    fn pick_by_name_then_by_id() {
        let list: Vec<Workspace> = serde_json::from_value(serde_json::json!([
            {"id": 0, "name": "AllZones"}, {"id": 1, "name": "Default"}
        ]))
        .unwrap();
        assert_eq!(
            pick("workspace", &list, Some("default"), None, "")
                .unwrap()
                .id,
            1
        );
        assert_eq!(pick("workspace", &list, None, Some(0), "0").unwrap().id, 0);
        let d = pick("workspace", &list, None, Some(7), "7").unwrap_err();
        assert_eq!(d.summary, "No such workspace");
        assert!(
            d.detail.contains("\"0 (AllZones)\", \"1 (Default)\""),
            "{d}"
        );
    }

    /// Issue 12: several matches regardless of case, none exact, is an error listing them.
    #[test]
    fn ambiguous_names_list_the_candidates() {
        let list: Vec<Role> = serde_json::from_value(serde_json::json!([
            {"id": 7, "name": "Dup"}, {"id": 9, "name": "DUP"}, {"id": 3, "name": "Other"}
        ]))
        .unwrap();
        let d = pick("role", &list, Some("dup"), None, "").unwrap_err();
        assert_eq!(d.summary, "Ambiguous role name");
        assert!(
            d.detail
                .contains("\"dup\" matches 2 roles regardless of case, and none exactly: \"Dup\" (id 7), \"DUP\" (id 9)."),
            "{}",
            d.detail
        );
        assert_eq!(d.attribute, Some(AttributePath::root("name")));
        // An exact match still wins; a single match regardless of case is found.
        assert_eq!(pick("role", &list, Some("DUP"), None, "").unwrap().id, 9);
        assert_eq!(pick("role", &list, Some("Dup"), None, "").unwrap().id, 7);
        assert_eq!(pick("role", &list, Some("other"), None, "").unwrap().id, 3);
        assert_eq!(
            pick("role", &list, Some("none"), None, "")
                .unwrap_err()
                .summary,
            "No such role"
        );
    }

    #[test]
    fn not_found_lists_and_suggests() {
        let names = vec!["Admin".to_string(), "Standard User".to_string()];
        let d = not_found(
            "role",
            "name",
            "Standard Usr",
            &names,
            AttributePath::root("name"),
        );
        assert!(d.detail.contains("Did you mean \"Standard User\"?"), "{d}");
        assert!(
            d.detail.contains("Existing: \"Admin\", \"Standard User\"."),
            "{d}"
        );
        // Names from the instance are shown with their control characters escaped.
        let odd = vec!["Evil\u{1b}[2J".to_string()];
        let d = not_found("role", "name", "x", &odd, AttributePath::root("name"));
        assert!(d.detail.contains("\"Evil\\u{1b}[2J\""), "{d}");
        let many: Vec<String> = (0..40).map(|i| format!("r{i}")).collect();
        let d = not_found("role", "name", "zzz", &many, AttributePath::root("name"));
        assert!(d.detail.contains("and 10 more"), "{d}");
    }
}
