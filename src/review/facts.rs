//! The plan's Marketo objects as typed facts: each role, user and custom service before and after
//! the change, and the names and permissions the data sources read. Attribute names come from
//! the resources' `attr::*`; a value known only after apply or marked sensitive stays so.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::plan::{Action, AssignmentRefs, Change, Plan, SENSITIVE, config_address};
use crate::resources::{api_only_role, api_only_user, custom_service};

/// A text of the plan: known, known only after apply, sensitive, or absent (null).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shown {
    Known(String),
    AfterApply,
    Sensitive,
    Absent,
}

impl Shown {
    pub fn known(&self) -> Option<&str> {
        match self {
            Shown::Known(s) => Some(s),
            _ => None,
        }
    }
}

/// A role as a pair names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoleRef {
    Id(i64),
    /// Known only after apply: the role resource it refers to, when the configuration says.
    Pending(Option<String>),
    Sensitive,
}

/// A workspace as a pair names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WsRef {
    Id(i64),
    AfterApply,
    Sensitive,
}

/// One role/workspace pair.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pair {
    pub role: RoleRef,
    pub workspace: WsRef,
}

/// A managed role on one side of its change.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleSide {
    /// `None`: known only after apply.
    pub id: Option<i64>,
    pub name: Shown,
    /// `None`: not known (after apply, or sensitive).
    pub permissions: Option<Vec<String>>,
}

/// A managed role's change.
#[derive(Debug, Clone)]
pub struct RoleFact {
    pub address: String,
    pub action: Action,
    pub before: Option<RoleSide>,
    pub after: Option<RoleSide>,
}

/// A managed user on one side of its change.
#[derive(Debug, Clone, PartialEq)]
pub struct UserSide {
    pub email: Shown,
    pub userid: Shown,
    /// `None`: the whole set is known only after apply.
    pub pairs: Option<Vec<Pair>>,
    pub expires_at: Shown,
}

/// A managed user's change.
#[derive(Debug, Clone)]
pub struct UserFact {
    pub address: String,
    pub action: Action,
    pub before: Option<UserSide>,
    pub after: Option<UserSide>,
}

/// A custom service on one side of its change.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSide {
    pub display_name: Shown,
    /// The owner's userid.
    pub owner: Shown,
    /// `None`: known only after apply; null means the default, true.
    pub stores_secret: Option<bool>,
}

/// A custom service's change.
#[derive(Debug, Clone)]
pub struct ServiceFact {
    pub address: String,
    pub action: Action,
    pub before: Option<ServiceSide>,
    pub after: Option<ServiceSide>,
}

/// Everything the plan says, typed.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub roles: Vec<RoleFact>,
    pub users: Vec<UserFact>,
    pub services: Vec<ServiceFact>,
    /// Role names read by data sources, by id.
    pub role_names: HashMap<i64, String>,
    /// Role permissions read by data sources (when they carry them), by id.
    pub role_permissions: HashMap<i64, Vec<String>>,
    /// Workspace names read by data sources, by id.
    pub workspace_names: HashMap<i64, String>,
}

impl Facts {
    /// The emails and userids of the users the plan manages, before or after, in lower case.
    pub fn managed_users(&self) -> BTreeSet<String> {
        self.users
            .iter()
            .flat_map(|u| [u.before.as_ref(), u.after.as_ref()])
            .flatten()
            .flat_map(|s| [s.email.known(), s.userid.known()])
            .flatten()
            .map(str::to_lowercase)
            .collect()
    }
}

fn is_unknown(unknown: &Value, key: &str) -> bool {
    unknown.get(key) == Some(&Value::Bool(true)) || unknown == &Value::Bool(true)
}

fn text(v: &Value, unknown: &Value, key: &str) -> Shown {
    if is_unknown(unknown, key) {
        return Shown::AfterApply;
    }
    match v.get(key) {
        Some(Value::String(s)) if s == SENSITIVE => Shown::Sensitive,
        Some(Value::String(s)) => Shown::Known(s.clone()),
        Some(Value::Number(n)) => Shown::Known(n.to_string()),
        Some(Value::Bool(b)) => Shown::Known(b.to_string()),
        _ => Shown::Absent,
    }
}

/// A number, or a string holding one (ids are strings in some schemas, numbers in others).
fn id_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn is_sensitive(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::String(s)) if s == SENSITIVE)
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    let items = v?.as_array()?;
    items
        .iter()
        .map(|i| match i {
            Value::String(s) if s != SENSITIVE => Some(s.clone()),
            _ => None,
        })
        .collect()
}

fn role_side(v: &Value, unknown: &Value) -> RoleSide {
    use api_only_role::attr;
    let id = if is_unknown(unknown, attr::ID) {
        None
    } else {
        v.get(attr::ID).and_then(id_of)
    };
    let permissions = if is_unknown(unknown, attr::PERMISSIONS)
        || unknown
            .get(attr::PERMISSIONS)
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|x| x == &Value::Bool(true)))
    {
        None
    } else {
        strings(v.get(attr::PERMISSIONS))
    };
    RoleSide {
        id,
        name: text(v, unknown, attr::NAME),
        permissions,
    }
}

fn pairs(
    v: &Value,
    unknown: &Value,
    refs: &[AssignmentRefs],
    pending_roles: &[(String, Option<i64>)],
) -> Option<Vec<Pair>> {
    use api_only_user::attr;
    if is_unknown(unknown, attr::ROLE_ASSIGNMENT) {
        return None;
    }
    let items = v.get(attr::ROLE_ASSIGNMENT)?.as_array()?;
    let marks = unknown.get(attr::ROLE_ASSIGNMENT).and_then(Value::as_array);
    let mut used = vec![false; refs.len()];
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let mark = marks.and_then(|m| m.get(i)).unwrap_or(&Value::Null);
        if mark == &Value::Bool(true) {
            out.push(Pair {
                role: RoleRef::Pending(None),
                workspace: WsRef::AfterApply,
            });
            continue;
        }
        let workspace = if is_unknown(mark, attr::WORKSPACE_ID) {
            WsRef::AfterApply
        } else if is_sensitive(item.get(attr::WORKSPACE_ID)) {
            WsRef::Sensitive
        } else {
            match item.get(attr::WORKSPACE_ID).and_then(id_of) {
                Some(id) => WsRef::Id(id),
                None => WsRef::AfterApply,
            }
        };
        let role = if is_sensitive(item.get(attr::ROLE_ID)) {
            RoleRef::Sensitive
        } else {
            match (
                is_unknown(mark, attr::ROLE_ID),
                item.get(attr::ROLE_ID).and_then(id_of),
            ) {
                (false, Some(id)) => RoleRef::Id(id),
                _ => {
                    // Which role resource, from the configuration: a block whose role is known
                    // only after apply, in the same workspace when both are literal.
                    let found = refs.iter().enumerate().position(|(j, r)| {
                        !used[j]
                            && r.role.as_ref().is_some_and(|a| {
                                pending_roles.iter().any(|(p, id)| p == a && id.is_none())
                            })
                            && match (&workspace, r.workspace) {
                                (WsRef::Id(w), Some(c)) => *w == c,
                                _ => true,
                            }
                    });
                    match found {
                        Some(j) => {
                            used[j] = true;
                            RoleRef::Pending(refs[j].role.clone())
                        }
                        None => RoleRef::Pending(None),
                    }
                }
            }
        };
        out.push(Pair { role, workspace });
    }
    Some(out)
}

fn user_side(
    v: &Value,
    unknown: &Value,
    refs: &[AssignmentRefs],
    pending_roles: &[(String, Option<i64>)],
) -> UserSide {
    use api_only_user::attr;
    UserSide {
        email: text(v, unknown, attr::EMAIL),
        userid: text(v, unknown, attr::USERID),
        pairs: pairs(v, unknown, refs, pending_roles),
        expires_at: text(v, unknown, attr::EXPIRES_AT),
    }
}

fn service_side(v: &Value, unknown: &Value) -> ServiceSide {
    use custom_service::attr;
    let stores_secret = if is_unknown(unknown, attr::STORE_CLIENT_SECRET) {
        None
    } else {
        Some(v.get(attr::STORE_CLIENT_SECRET).and_then(Value::as_bool) != Some(false))
    };
    ServiceSide {
        display_name: text(v, unknown, attr::DISPLAY_NAME),
        owner: text(v, unknown, attr::API_ONLY_USER),
        stores_secret,
    }
}

fn sides<T>(c: &Change, read: impl Fn(&Value, &Value) -> T) -> (Option<T>, Option<T>) {
    let none = Value::Null;
    let before = (c.action.has_before() && c.before.is_object()).then(|| read(&c.before, &none));
    let after = (c.action.has_after()
        && (c.after.is_object() || c.after_unknown == Value::Bool(true)))
    .then(|| read(&c.after, &c.after_unknown));
    (before, after)
}

/// Reads the facts of a plan.
pub fn gather(plan: &Plan) -> Facts {
    let mut facts = Facts::default();
    for c in plan.changes.iter().filter(|c| c.mode != "data") {
        if c.ty == api_only_role::TYPE_NAME {
            let (before, after) = sides(c, role_side);
            facts.roles.push(RoleFact {
                address: c.address.clone(),
                action: c.action,
                before,
                after,
            });
        } else if c.ty == custom_service::TYPE_NAME {
            let (before, after) = sides(c, service_side);
            facts.services.push(ServiceFact {
                address: c.address.clone(),
                action: c.action,
                before,
                after,
            });
        }
    }
    // Roles by configuration address, with their planned id, for the references of users.
    let pending: Vec<(String, Option<i64>)> = facts
        .roles
        .iter()
        .filter_map(|r| Some((config_address(&r.address), r.after.as_ref()?.id)))
        .collect();
    // A role block with several instances cannot be told apart by its address.
    let pending: Vec<(String, Option<i64>)> = pending
        .iter()
        .filter(|(a, _)| pending.iter().filter(|(b, _)| a == b).count() == 1)
        .cloned()
        .collect();
    for c in plan
        .changes
        .iter()
        .filter(|c| c.mode != "data" && c.ty == api_only_user::TYPE_NAME)
    {
        let refs = plan
            .assignments
            .get(&config_address(&c.address))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let (before, after) = sides(c, |v, u| user_side(v, u, refs, &pending));
        facts.users.push(UserFact {
            address: c.address.clone(),
            action: c.action,
            before,
            after,
        });
    }
    for d in &plan.data {
        read_data(&d.ty, &d.values, &mut facts);
    }
    facts
}

/// Names (and permissions, when given) of the roles and workspaces a data source read.
fn read_data(ty: &str, values: &Value, facts: &mut Facts) {
    let role = |o: &Value, facts: &mut Facts| {
        if let (Some(id), Some(Value::String(name))) = (o.get("id").and_then(id_of), o.get("name"))
            && name != SENSITIVE
        {
            facts.role_names.insert(id, name.clone());
            if let Some(p) = strings(o.get("permissions")) {
                facts.role_permissions.insert(id, p);
            }
        }
    };
    match ty {
        "marketo_role" => role(values, facts),
        "marketo_roles" => {
            for o in values
                .get("roles")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                role(o, facts);
            }
        }
        "marketo_workspace" | "marketo_workspaces" => {
            let list: Vec<&Value> = if ty == "marketo_workspace" {
                vec![values]
            } else {
                values
                    .get("workspaces")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().collect())
                    .unwrap_or_default()
            };
            for o in list {
                if let (Some(id), Some(Value::String(name))) =
                    (o.get("id").and_then(id_of), o.get("name"))
                    && name != SENSITIVE
                {
                    facts.workspace_names.insert(id, name.clone());
                }
            }
        }
        _ => {}
    }
}
