//! Data sources: read-only lookups of what a Marketo instance holds. Each file holds one data
//! source; this module holds what they share (the "exactly one of" rule and the "not found,
//! here is what exists" diagnostic).

pub mod api_only_user;
pub mod permissions;
pub mod role;
pub mod roles;
pub mod users;
pub mod workspace;
pub mod workspaces;

use std::cmp::Ordering;
use std::future::Future;
use std::sync::Arc;

use crate::common::Shared;
use crate::common::{api_error, checks};
use crate::marketo::{self, Client, Role, Workspace, find_by_name};
use crate::plugin::{
    AttributePath, Context, DataSource, DataSourceReadResponse, Diagnostic, Diagnostics, Value,
};

/// Every data source, sharing the provider's client.
pub fn all(shared: &Arc<Shared>) -> Vec<Arc<dyn DataSource>> {
    vec![
        Arc::new(role::RoleDataSource::new(shared.clone())),
        Arc::new(roles::RolesDataSource::new(shared.clone())),
        Arc::new(workspace::WorkspaceDataSource::new(shared.clone())),
        Arc::new(workspaces::WorkspacesDataSource::new(shared.clone())),
        Arc::new(api_only_user::ApiOnlyUserDataSource::new(shared.clone())),
        Arc::new(users::UsersDataSource::new(shared.clone())),
        Arc::new(permissions::PermissionsDataSource::new(shared.clone())),
    ]
}

/// Reads a data source that lists a whole collection: its `id` is always `name`, and the
/// collection, in `order`, goes under the attribute `name`.
pub(crate) async fn read_list<T, Fut>(
    shared: &Shared,
    ctx: &Context,
    name: &str,
    list: impl FnOnce(Client) -> Fut,
    order: impl FnMut(&T, &T) -> Ordering,
    object: impl Fn(&T) -> Value,
) -> DataSourceReadResponse
where
    Fut: Future<Output = Result<Vec<T>, marketo::Error>>,
{
    let client = match shared.client(ctx) {
        Ok(c) => c,
        Err(d) => return d.into(),
    };
    match list(client).await {
        Ok(mut items) => {
            items.sort_by(order);
            DataSourceReadResponse {
                state: Value::object([
                    ("id", Value::string(name)),
                    (name, Value::list(items.iter().map(object))),
                ]),
                ..DataSourceReadResponse::default()
            }
        }
        Err(e) => api_error(&format!("listing the {name}"), &e).into(),
    }
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
    config: &Value,
    id: Option<i64>,
    id_text: &str,
) -> Result<&'a T, Diagnostic> {
    if let Some(name) = config.get("name").as_str() {
        return find_by_name(list, name, T::name).ok_or_else(|| {
            let names: Vec<String> = list.iter().map(|x| x.name().to_string()).collect();
            not_found(what, "the name", name, &names, AttributePath::root("name"))
        });
    }
    list.iter().find(|x| Some(x.id()) == id).ok_or_else(|| {
        let ids: Vec<String> = list
            .iter()
            .map(|x| format!("{} ({})", x.id(), x.name()))
            .collect();
        not_found(what, "the id", id_text, &ids, AttributePath::root("id"))
    })
}

/// The state of a looked-up object, with the lookup keys kept as configured (a name may differ
/// in case; an id given as text may be spelled differently).
pub(crate) fn keep_lookup_keys(mut state: Value, config: &Value) -> Value {
    for key in ["name", "id"] {
        if let Some(v) = config.get(key).as_str() {
            state.set_attr(key, Value::string(v));
        }
    }
    state
}

/// Checks that exactly one of two lookup attributes is set. Unknown counts as set (it will be
/// known when the data source is read).
pub(crate) fn exactly_one(config: &Value, a: &str, b: &str, what: &str) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let (has_a, has_b) = (!config.get(a).is_null(), !config.get(b).is_null());
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
    let hint = match checks::closest(given, existing.iter().map(String::as_str)) {
        Some(best) => format!(" Did you mean \"{best}\"?"),
        None => String::new(),
    };
    let listing = if existing.is_empty() {
        format!(" The instance has no {what}s.")
    } else {
        let shown: Vec<String> = existing
            .iter()
            .take(LISTED)
            .map(|n| format!("\"{n}\""))
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
        let both = Value::object([("name", Value::string("a")), ("id", Value::Unknown)]);
        assert_eq!(exactly_one(&both, "name", "id", "role").len(), 1);
        let none = Value::object([("name", Value::Null)]);
        let d = exactly_one(&none, "name", "id", "role");
        assert!(
            d.to_string().contains("exactly one of `name` and `id`"),
            "{d}"
        );
        let one = Value::object([("name", Value::Unknown)]);
        assert!(exactly_one(&one, "name", "id", "role").is_empty());
    }

    #[test]
    fn pick_by_name_then_by_id() {
        let list: Vec<Workspace> = serde_json::from_value(serde_json::json!([
            {"id": 0, "name": "AllZones"}, {"id": 1, "name": "Default"}
        ]))
        .unwrap();
        let by_name = Value::object([("name", Value::string("default"))]);
        assert_eq!(pick("workspace", &list, &by_name, None, "").unwrap().id, 1);
        let by_id = Value::object([("id", Value::int(0))]);
        assert_eq!(
            pick("workspace", &list, &by_id, Some(0), "0").unwrap().id,
            0
        );
        let d = pick("workspace", &list, &by_id, Some(7), "7").unwrap_err();
        assert_eq!(d.summary, "No such workspace");
        assert!(
            d.detail.contains("\"0 (AllZones)\", \"1 (Default)\""),
            "{d}"
        );
        let kept = keep_lookup_keys(
            Value::object([("name", Value::string("Default"))]),
            &by_name,
        );
        assert_eq!(kept.get("name").as_str(), Some("default"));
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
        let many: Vec<String> = (0..40).map(|i| format!("r{i}")).collect();
        let d = not_found("role", "name", "zzz", &many, AttributePath::root("name"));
        assert!(d.detail.contains("and 10 more"), "{d}");
    }
}
