//! Reading a saved plan's JSON (what `terraform show -json tfplan` prints) into typed parts:
//! the Marketo resources' changes, the Marketo data sources read, and the references of the
//! users' `role_assignment` blocks in the configuration.
//!
//! Secrets: every value the plan marks sensitive (`before_sensitive`, `after_sensitive`,
//! `sensitive_values`) is replaced by [`SENSITIVE`] here, at parse time, and the plan's other
//! parts that can hold them (`variables`, `output_changes`, constant values in the configuration)
//! are never kept, so no later code can print one. Errors name a line and a column, never a
//! value of the plan.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

/// What a sensitive value becomes: a text no plan writes (it holds NUL characters), shown as
/// "(sensitive)".
pub const SENSITIVE: &str = "\u{0}sensitive\u{0}";

/// The attribute names that are secrets whatever the markers say (a plan of a format that has
/// no markers still keeps them out).
const ALWAYS_SECRET: [&str; 2] = ["client_secret", "access_token"];

/// Why a plan cannot be reviewed. The text never holds a value of the plan.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("the input is not JSON ({0}); give the output of `terraform show -json tfplan`")]
    NotJson(String),
    #[error(
        "the input is not a Terraform plan ({0}); give the output of `terraform show -json tfplan`"
    )]
    NotAPlan(String),
    #[error(
        "the plan's format_version \"{0}\" is not supported: this review reads plan formats 0.x and 1.x (Terraform 1.0 to 1.15)"
    )]
    Version(String),
    #[error("the plan holds no Marketo resource or data source (marketo_*): nothing to review")]
    NoMarketo,
}

/// What Terraform plans for one resource instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    NoOp,
    Create,
    Read,
    Update,
    Delete,
    /// Delete and create, in either order.
    Replace,
    /// Removed from the state, left in Marketo (Terraform 1.7+ `removed` blocks).
    Forget,
    Other,
}

impl Action {
    fn from_actions(actions: &[String]) -> Action {
        let a: Vec<&str> = actions.iter().map(String::as_str).collect();
        match a.as_slice() {
            ["no-op"] => Action::NoOp,
            ["create"] => Action::Create,
            ["read"] => Action::Read,
            ["update"] => Action::Update,
            ["delete"] => Action::Delete,
            ["delete", "create"] | ["create", "delete"] => Action::Replace,
            ["forget"] => Action::Forget,
            _ => Action::Other,
        }
    }

    /// Whether the object exists before the change.
    pub fn has_before(self) -> bool {
        !matches!(self, Action::Create | Action::Read)
    }

    /// Whether the object exists after the change.
    pub fn has_after(self) -> bool {
        !matches!(self, Action::Delete | Action::Forget)
    }
}

/// One Marketo resource instance's change, its values stripped of secrets.
#[derive(Debug, Clone)]
pub struct Change {
    pub address: String,
    /// `managed` or `data`.
    pub mode: String,
    pub ty: String,
    pub action: Action,
    pub before: Value,
    pub after: Value,
    /// Where `after` is known only after apply: `true` at those paths.
    pub after_unknown: Value,
}

/// One Marketo data source as read while planning (from the prior state or planned values).
#[derive(Debug, Clone)]
pub struct DataRead {
    pub address: String,
    pub ty: String,
    pub values: Value,
}

/// What a user's `role_assignment` block refers to, from the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssignmentRefs {
    /// The role resource its `role_id` refers to (`marketo_api_only_role.sync`, module path
    /// included), when it refers to one.
    pub role: Option<String>,
    /// Its `workspace_id` when written as a literal.
    pub workspace: Option<i64>,
}

/// The parts of a plan the review reads.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub format_version: String,
    pub terraform_version: Option<String>,
    pub changes: Vec<Change>,
    pub data: Vec<DataRead>,
    /// The `role_assignment` blocks of each user resource, by configuration address
    /// (`module.m.marketo_api_only_user.u`, without instance keys).
    pub assignments: HashMap<String, Vec<AssignmentRefs>>,
}

#[derive(Deserialize)]
struct RawPlan {
    format_version: Option<String>,
    terraform_version: Option<String>,
    planned_values: Option<RawValues>,
    resource_changes: Option<Vec<RawChange>>,
    prior_state: Option<RawState>,
    configuration: Option<RawConfig>,
}

#[derive(Deserialize)]
struct RawState {
    values: Option<RawValues>,
}

#[derive(Deserialize)]
struct RawValues {
    root_module: Option<RawModule>,
}

#[derive(Deserialize)]
struct RawModule {
    #[serde(default)]
    resources: Vec<RawResource>,
    #[serde(default)]
    child_modules: Vec<RawModule>,
}

#[derive(Deserialize)]
struct RawResource {
    address: String,
    #[serde(default)]
    mode: String,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    values: Value,
    #[serde(default)]
    sensitive_values: Value,
}

#[derive(Deserialize)]
struct RawChange {
    address: String,
    #[serde(default)]
    mode: String,
    #[serde(rename = "type")]
    ty: String,
    change: RawDiff,
}

#[derive(Deserialize)]
struct RawDiff {
    #[serde(default)]
    actions: Vec<String>,
    #[serde(default)]
    before: Value,
    #[serde(default)]
    after: Value,
    #[serde(default)]
    after_unknown: Value,
    #[serde(default)]
    before_sensitive: Value,
    #[serde(default)]
    after_sensitive: Value,
}

#[derive(Deserialize)]
struct RawConfig {
    root_module: Option<RawConfigModule>,
}

#[derive(Deserialize)]
struct RawConfigModule {
    #[serde(default)]
    resources: Vec<RawConfigResource>,
    #[serde(default)]
    module_calls: HashMap<String, RawModuleCall>,
}

#[derive(Deserialize)]
struct RawModuleCall {
    module: Option<RawConfigModule>,
}

#[derive(Deserialize)]
struct RawConfigResource {
    address: String,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    expressions: Value,
}

fn is_ours(ty: &str) -> bool {
    ty.starts_with("marketo_")
}

/// A version text fit to quote in an error: short and without control characters.
fn shown_version(v: &str) -> String {
    let clean: String = v.chars().filter(|c| !c.is_control()).take(16).collect();
    if v.chars().count() > 16 {
        format!("{clean}…")
    } else {
        clean
    }
}

/// Checks `format_version`: major 0 or 1.
fn check_version(v: &str) -> Result<(), PlanError> {
    let major = v.split('.').next().unwrap_or("");
    match major {
        "0" | "1"
            if v.split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())) =>
        {
            Ok(())
        }
        _ => Err(PlanError::Version(shown_version(v))),
    }
}

/// Parses a plan's JSON.
pub fn parse(bytes: &[u8]) -> Result<Plan, PlanError> {
    let raw: RawPlan = serde_json::from_slice(bytes).map_err(|e| {
        let at = format!("line {} column {}", e.line(), e.column());
        match e.classify() {
            serde_json::error::Category::Data => {
                PlanError::NotAPlan(format!("a field of an unexpected type at {at}"))
            }
            serde_json::error::Category::Eof => {
                PlanError::NotJson(format!("it ends early, at {at}"))
            }
            _ => PlanError::NotJson(format!("invalid JSON at {at}")),
        }
    })?;
    let Some(version) = raw.format_version else {
        return Err(PlanError::NotAPlan("it has no format_version".into()));
    };
    check_version(&version)?;
    if raw.planned_values.is_none() && raw.resource_changes.is_none() {
        return Err(PlanError::NotAPlan(
            "it has neither planned_values nor resource_changes: a state, not a plan?".into(),
        ));
    }
    let mut plan = Plan {
        format_version: version,
        terraform_version: raw.terraform_version.map(|v| shown_version(&v)),
        ..Plan::default()
    };
    let mut seen = false;
    for rc in raw.resource_changes.unwrap_or_default() {
        if !is_ours(&rc.ty) {
            continue;
        }
        seen = true;
        let RawDiff {
            actions,
            mut before,
            mut after,
            after_unknown,
            before_sensitive,
            after_sensitive,
        } = rc.change;
        strip(&mut before, &before_sensitive);
        strip(&mut after, &after_sensitive);
        strip_always(&mut before);
        strip_always(&mut after);
        plan.changes.push(Change {
            address: rc.address,
            mode: rc.mode,
            ty: rc.ty,
            action: Action::from_actions(&actions),
            before,
            after,
            after_unknown,
        });
    }
    let mut data_seen = std::collections::HashSet::new();
    let states = [raw.prior_state.and_then(|s| s.values), raw.planned_values];
    for values in states.into_iter().flatten() {
        let mut stack: Vec<RawModule> = values.root_module.into_iter().collect();
        while let Some(module) = stack.pop() {
            stack.extend(module.child_modules);
            for r in module.resources {
                if !is_ours(&r.ty) {
                    continue;
                }
                seen = true;
                if r.mode != "data" || !data_seen.insert(r.address.clone()) {
                    continue;
                }
                let mut values = r.values;
                strip(&mut values, &r.sensitive_values);
                strip_always(&mut values);
                plan.data.push(DataRead {
                    address: r.address,
                    ty: r.ty,
                    values,
                });
            }
        }
    }
    if let Some(root) = raw.configuration.and_then(|c| c.root_module) {
        let mut stack = vec![(String::new(), root)];
        while let Some((prefix, module)) = stack.pop() {
            for (name, call) in module.module_calls {
                if let Some(m) = call.module {
                    stack.push((format!("{prefix}module.{name}."), m));
                }
            }
            for r in module.resources {
                if !is_ours(&r.ty) {
                    continue;
                }
                seen = true;
                if r.ty == crate::resources::api_only_user::TYPE_NAME {
                    let refs = assignment_refs(&prefix, &r.expressions);
                    plan.assignments
                        .insert(format!("{prefix}{}", r.address), refs);
                }
            }
        }
    }
    if !seen {
        return Err(PlanError::NoMarketo);
    }
    Ok(plan)
}

/// The references of a user's `role_assignment` blocks.
fn assignment_refs(prefix: &str, expressions: &Value) -> Vec<AssignmentRefs> {
    use crate::resources::api_only_role::TYPE_NAME as ROLE;
    use crate::resources::api_only_user::attr;
    let Some(blocks) = expressions
        .get(attr::ROLE_ASSIGNMENT)
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    blocks
        .iter()
        .map(|b| {
            let role = b
                .get(attr::ROLE_ID)
                .and_then(|e| e.get("references"))
                .and_then(Value::as_array)
                .and_then(|refs| {
                    refs.iter().filter_map(Value::as_str).find_map(|r| {
                        let mut parts = r.split('.');
                        match (parts.next(), parts.next()) {
                            (Some(ty), Some(name)) if ty == ROLE && !name.contains('[') => {
                                Some(format!("{prefix}{ty}.{name}"))
                            }
                            _ => None,
                        }
                    })
                });
            let workspace = b
                .get(attr::WORKSPACE_ID)
                .and_then(|e| e.get("constant_value"))
                .and_then(Value::as_i64);
            AssignmentRefs { role, workspace }
        })
        .collect()
}

/// A resource instance's address without its instance keys: the address of its block in the
/// configuration (`module.m["a"].t.n[0]` is `module.m.t.n`).
pub fn config_address(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in address.chars() {
        if depth > 0 {
            if escaped {
                escaped = false;
            } else if quoted && c == '\\' {
                escaped = true;
            } else if c == '"' {
                quoted = !quoted;
            } else if !quoted && c == ']' {
                depth -= 1;
            } else if !quoted && c == '[' {
                depth += 1;
            }
            continue;
        }
        if c == '[' {
            depth = 1;
        } else {
            out.push(c);
        }
    }
    out
}

/// Replaces every value `marker` marks `true` with [`SENSITIVE`] (a null stays null: it reveals
/// nothing).
fn strip(value: &mut Value, marker: &Value) {
    match marker {
        Value::Bool(true) if !value.is_null() => {
            *value = Value::String(SENSITIVE.into());
        }
        Value::Object(marks) => {
            if let Value::Object(fields) = value {
                for (k, m) in marks {
                    if let Some(v) = fields.get_mut(k) {
                        strip(v, m);
                    }
                }
            }
        }
        Value::Array(marks) => {
            if let Value::Array(items) = value {
                for (v, m) in items.iter_mut().zip(marks) {
                    strip(v, m);
                }
            }
        }
        _ => {}
    }
}

/// Replaces the attributes that are secrets in every plan format, markers or not.
fn strip_always(value: &mut Value) {
    if let Value::Object(fields) = value {
        for name in ALWAYS_SECRET {
            if let Some(v) = fields.get_mut(name)
                && !v.is_null()
            {
                *v = Value::String(SENSITIVE.into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        for ok in ["0.1", "0.2", "1.0", "1.2", "1.15"] {
            assert!(check_version(ok).is_ok(), "{ok}");
        }
        for bad in ["2.0", "", "x.1", "10.0", "1.2-beta"] {
            assert!(
                matches!(check_version(bad), Err(PlanError::Version(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn config_addresses_lose_instance_keys() {
        assert_eq!(config_address("a.b"), "a.b");
        assert_eq!(config_address("a.b[0]"), "a.b");
        assert_eq!(
            config_address("module.m[\"x]y\"].a.b[\"k\"]"),
            "module.m.a.b"
        );
    }

    #[test]
    fn markers_strip_values_at_any_depth() {
        let mut v = serde_json::json!({"a": "x", "b": [{"c": "s1"}, {"c": "ok"}], "d": null, "e": {"f": 1}});
        let m = serde_json::json!({"b": [{"c": true}, {}], "d": true, "e": true});
        strip(&mut v, &m);
        assert_eq!(
            v,
            serde_json::json!({"a": "x", "b": [{"c": SENSITIVE}, {"c": "ok"}], "d": null, "e": SENSITIVE})
        );
    }

    #[test]
    fn bad_input_is_named_without_its_values() {
        assert!(matches!(parse(b"not json"), Err(PlanError::NotJson(_))));
        assert!(matches!(
            parse(b"{\"format_version\": \"1.2\"}"),
            Err(PlanError::NotAPlan(_))
        ));
        assert!(matches!(
            parse(b"{\"format_version\": \"3.0\", \"planned_values\": {}}"),
            Err(PlanError::Version(_))
        ));
        let e = parse(b"{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"secret-value-9\"}]}")
            .unwrap_err();
        assert!(!e.to_string().contains("secret-value-9"), "{e}");
        assert_eq!(
            parse(b"{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {}}}")
                .unwrap_err(),
            PlanError::NoMarketo
        );
    }
}
