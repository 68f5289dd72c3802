//! From the plan's facts (and what `--resolve` read) to the review: pairs and effective
//! permissions per user, before and after, permissions and holders per role, services with
//! their owners and secrets. Permissions are the union over the roles a user holds; a role whose
//! permissions are not known makes the comparison "possible", never a guess.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::facts::{Facts, Pair, RoleFact, RoleRef, RoleSide, Shown, UserSide, WsRef};
use super::model::*;
use super::plan::config_address;
use crate::checks::access::Grants;

/// The roles, workspaces and users a review can name, from the plan and `--resolve`.
pub struct Lookup<'a> {
    facts: &'a Facts,
    resolved: &'a Resolved,
    before_by_id: HashMap<i64, &'a RoleFact>,
    after_by_id: HashMap<i64, &'a RoleFact>,
    by_config: HashMap<String, &'a RoleFact>,
}

fn side_before(r: &RoleFact) -> Option<&RoleSide> {
    r.before.as_ref()
}

impl<'a> Lookup<'a> {
    pub fn new(facts: &'a Facts, resolved: &'a Resolved) -> Self {
        let mut before_by_id = HashMap::new();
        let mut after_by_id = HashMap::new();
        let mut by_config: HashMap<String, &RoleFact> = HashMap::new();
        let mut twice = BTreeSet::new();
        for r in &facts.roles {
            if let Some(id) = side_before(r).and_then(|s| s.id) {
                before_by_id.insert(id, r);
            }
            if let Some(id) = r.after.as_ref().and_then(|s| s.id) {
                after_by_id.insert(id, r);
            }
            let key = config_address(&r.address);
            if by_config.insert(key.clone(), r).is_some() {
                twice.insert(key);
            }
        }
        for k in twice {
            by_config.remove(&k);
        }
        Lookup {
            facts,
            resolved,
            before_by_id,
            after_by_id,
            by_config,
        }
    }

    fn external_name(&self, id: i64) -> Shown {
        self.facts
            .role_names
            .get(&id)
            .or_else(|| self.resolved.role_names.get(&id))
            .map_or(Shown::Absent, |n| Shown::Known(n.clone()))
    }

    fn external_grants(&self, id: i64) -> Grants {
        if let Some(p) = self
            .facts
            .role_permissions
            .get(&id)
            .or_else(|| self.resolved.role_permissions.get(&id))
        {
            return Grants::Known(p.clone());
        }
        let what = match self.external_name(id) {
            Shown::Known(n) => format!("role \"{n}\" ({id})"),
            _ => format!("role {id}"),
        };
        match &self.resolved.permissions_unavailable {
            Some(why) => Grants::Unknown(format!("the permissions of {what} are not known: {why}")),
            None => Grants::Unknown(format!(
                "the permissions of {what} are not in the plan (--resolve reads them)"
            )),
        }
    }

    /// The role named by a pair held before the change.
    pub fn role_before(&self, role: &RoleRef) -> RoleName {
        match role {
            RoleRef::Id(id) => match self.before_by_id.get(id) {
                Some(r) => RoleName {
                    id: Some(*id),
                    name: side_before(r).map_or(Shown::Absent, |s| s.name.clone()),
                    address: Some(r.address.clone()),
                },
                None => RoleName {
                    id: Some(*id),
                    name: self.external_name(*id),
                    address: None,
                },
            },
            other => self.role_after(other),
        }
    }

    /// The role named by a pair held after the change.
    pub fn role_after(&self, role: &RoleRef) -> RoleName {
        match role {
            RoleRef::Id(id) => match self.after_by_id.get(id) {
                Some(r) => RoleName {
                    id: Some(*id),
                    name: r.after.as_ref().map_or(Shown::Absent, |s| s.name.clone()),
                    address: Some(r.address.clone()),
                },
                None => self.role_before(&RoleRef::Id(*id)),
            },
            RoleRef::Pending(Some(addr)) => match self.by_config.get(addr) {
                Some(r) => RoleName {
                    id: None,
                    name: r.after.as_ref().map_or(Shown::Absent, |s| s.name.clone()),
                    address: Some(r.address.clone()),
                },
                None => RoleName {
                    id: None,
                    name: Shown::AfterApply,
                    address: None,
                },
            },
            RoleRef::Pending(None) => RoleName {
                id: None,
                name: Shown::AfterApply,
                address: None,
            },
            RoleRef::Sensitive => RoleName {
                id: None,
                name: Shown::Sensitive,
                address: None,
            },
        }
    }

    fn shown_role(name: &RoleName) -> String {
        match (&name.name, name.id, &name.address) {
            (Shown::Known(n), Some(id), _) => format!("role \"{n}\" ({id})"),
            (Shown::Known(n), None, _) => format!("role \"{n}\""),
            (_, Some(id), _) => format!("role {id}"),
            (_, None, Some(a)) => format!("role {a}"),
            _ => "a role".to_string(),
        }
    }

    /// What a role held before the change grants.
    pub fn grants_before(&self, role: &RoleRef) -> Grants {
        match role {
            RoleRef::Id(id) => match self.before_by_id.get(id).and_then(|r| side_before(r)) {
                Some(s) => match &s.permissions {
                    Some(p) => Grants::Known(p.clone()),
                    None => Grants::Unknown(format!(
                        "the permissions of {} are not in the plan",
                        Self::shown_role(&self.role_before(role))
                    )),
                },
                None => self.external_grants(*id),
            },
            other => self.grants_after(other),
        }
    }

    /// What a role held after the change grants.
    pub fn grants_after(&self, role: &RoleRef) -> Grants {
        let managed = match role {
            RoleRef::Id(id) => self.after_by_id.get(id).copied().or_else(|| {
                // A managed role that does not outlive the plan.
                self.before_by_id.get(id).copied()
            }),
            RoleRef::Pending(Some(addr)) => self.by_config.get(addr).copied(),
            RoleRef::Pending(None) => {
                return Grants::Unknown("a role whose id is known only after apply".into());
            }
            RoleRef::Sensitive => return Grants::Unknown("a role whose id is sensitive".into()),
        };
        let name = Self::shown_role(&self.role_after(role));
        match managed {
            Some(r) => match r.after.as_ref() {
                Some(s) if matches!(role, RoleRef::Pending(_)) || s.id.is_some() => {
                    match &s.permissions {
                        Some(p) => Grants::Known(p.clone()),
                        None => Grants::Unknown(format!(
                            "the permissions of {name} are known only after apply"
                        )),
                    }
                }
                _ => Grants::Unknown(format!("{name} is destroyed by this plan")),
            },
            None => match role {
                RoleRef::Id(id) => self.external_grants(*id),
                _ => Grants::Unknown(format!("the permissions of {name} are not known")),
            },
        }
    }

    /// The workspace of a pair.
    pub fn workspace(&self, ws: &WsRef) -> WorkspaceName {
        match ws {
            WsRef::Id(id) => WorkspaceName {
                id: Some(*id),
                name: self
                    .facts
                    .workspace_names
                    .get(id)
                    .or_else(|| self.resolved.workspace_names.get(id))
                    .map(|n| Shown::Known(n.clone()))
                    .unwrap_or(if *id == 0 {
                        // Marketo's fixed name of workspace 0.
                        Shown::Known("AllZones".into())
                    } else {
                        Shown::Absent
                    }),
            },
            WsRef::AfterApply => WorkspaceName {
                id: None,
                name: Shown::AfterApply,
            },
            WsRef::Sensitive => WorkspaceName {
                id: None,
                name: Shown::Sensitive,
            },
        }
    }
}

/// The union of what roles grant: the permissions (by lower case, as first spelt) and why some
/// are not known.
fn union(grants: &[Grants]) -> (BTreeMap<String, String>, Vec<String>) {
    let mut known = BTreeMap::new();
    let mut unknown: Vec<String> = Vec::new();
    for g in grants {
        match g {
            Grants::Known(names) => {
                for n in names {
                    known.entry(n.to_lowercase()).or_insert_with(|| n.clone());
                }
            }
            Grants::Unknown(why) => {
                if !unknown.contains(why) {
                    unknown.push(why.clone());
                }
            }
        }
    }
    (known, unknown)
}

/// Compares two sides' grants.
pub fn permission_change(before: &[Grants], after: &[Grants]) -> PermissionChange {
    let (b, b_unknown) = union(before);
    let (a, a_unknown) = union(after);
    let mut out = PermissionChange::default();
    for (k, name) in &a {
        if !b.contains_key(k) {
            if b_unknown.is_empty() {
                out.gained.push(name.clone());
            } else {
                out.possibly_gained.push(name.clone());
            }
        }
    }
    for (k, name) in &b {
        if !a.contains_key(k) {
            if a_unknown.is_empty() {
                out.lost.push(name.clone());
            } else {
                out.possibly_lost.push(name.clone());
            }
        }
    }
    for why in b_unknown.into_iter().chain(a_unknown) {
        if !out.unknown.contains(&why) {
            out.unknown.push(why);
        }
    }
    out
}

/// One user, managed or not, before and after.
pub struct Subject {
    pub email: Shown,
    pub userid: Shown,
    pub address: Option<String>,
    pub action: UserAction,
    pub before: Option<Vec<Pair>>,
    /// `None` for a user that does not outlive the change; `Some(None)` when its pairs after are
    /// known only after apply.
    pub after: Option<Option<Vec<Pair>>>,
    pub expiry: Option<ExpiryChange>,
}

fn expiry(before: Option<&UserSide>, after: Option<&UserSide>) -> Option<ExpiryChange> {
    let b = before.map_or(Shown::Absent, |s| s.expires_at.clone());
    let a = after.map_or(Shown::Absent, |s| s.expires_at.clone());
    if after.is_none() || b == a {
        return None;
    }
    let change = match (&b, &a) {
        (Shown::Absent, _) => "set",
        (_, Shown::Absent) => "removed",
        _ => "moved",
    };
    Some(ExpiryChange {
        change,
        before: b,
        after: a,
    })
}

/// Every user to consider: the managed ones, and those `--resolve` found holding roles.
pub fn subjects(facts: &Facts, resolved: &Resolved) -> Vec<Subject> {
    let mut out: Vec<Subject> = facts
        .users
        .iter()
        .map(|u| {
            let side = u.after.as_ref().or(u.before.as_ref());
            Subject {
                email: side.map_or(Shown::Absent, |s| s.email.clone()),
                userid: side.map_or(Shown::Absent, |s| s.userid.clone()),
                address: Some(u.address.clone()),
                action: u.action.into(),
                before: u.before.as_ref().and_then(|s| s.pairs.clone()),
                after: u.after.as_ref().map(|s| s.pairs.clone()),
                expiry: expiry(u.before.as_ref(), u.after.as_ref()),
            }
        })
        .collect();
    let managed = facts.managed_users();
    for (email, pairs) in &resolved.unmanaged {
        if managed.contains(&email.to_lowercase()) {
            continue;
        }
        let pairs: Vec<Pair> = pairs
            .iter()
            .map(|&(r, w)| Pair {
                role: RoleRef::Id(r),
                workspace: WsRef::Id(w),
            })
            .collect();
        out.push(Subject {
            email: Shown::Known(email.clone()),
            userid: Shown::Known(email.clone()),
            address: None,
            action: UserAction::Unmanaged,
            before: Some(pairs.clone()),
            after: Some(Some(pairs)),
            expiry: None,
        });
    }
    out
}

/// Whether a role's permissions or existence change in the plan (so its holders' access may).
fn role_changes(r: &RoleFact) -> bool {
    match (&r.before, &r.after) {
        (Some(b), Some(a)) => {
            b.id != a.id
                || b.permissions.as_ref().map(|p| lower_set(p))
                    != a.permissions.as_ref().map(|p| lower_set(p))
        }
        _ => true,
    }
}

fn lower_set(p: &[String]) -> BTreeSet<String> {
    p.iter().map(|s| s.to_lowercase()).collect()
}

/// Reviews one user; `None` when nothing of its access changes.
pub fn review_user(
    s: &Subject,
    look: &Lookup,
    facts: &Facts,
    usage: Option<&Usage>,
) -> Option<UserReview> {
    let before = s.before.clone().unwrap_or_default();
    let before_set: BTreeSet<&Pair> = before.iter().collect();
    let mut pairs = PairChange {
        known: true,
        ..PairChange::default()
    };
    let after_pairs: Option<Vec<Pair>> = match &s.after {
        None => Some(Vec::new()),
        Some(p) => p.clone(),
    };
    match &after_pairs {
        Some(after) => {
            let after_set: BTreeSet<&Pair> = after.iter().collect();
            for p in after.iter().filter(|p| !before_set.contains(p)) {
                pairs.gained.push(PairView {
                    role: look.role_after(&p.role),
                    workspace: look.workspace(&p.workspace),
                });
            }
            for p in before.iter().filter(|p| !after_set.contains(p)) {
                pairs.lost.push(PairView {
                    role: look.role_before(&p.role),
                    workspace: look.workspace(&p.workspace),
                });
            }
        }
        None => pairs.known = false,
    }
    // A user whose pairs and roles stay as they are keeps its access: no need to know it.
    let changed_roles: BTreeSet<i64> = facts
        .roles
        .iter()
        .filter(|r| role_changes(r))
        .filter_map(|r| r.before.as_ref().and_then(|b| b.id))
        .collect();
    let untouched = s.action == UserAction::NoOp || s.action == UserAction::Unmanaged;
    let same = pairs.known
        && pairs.gained.is_empty()
        && pairs.lost.is_empty()
        && !before
            .iter()
            .any(|p| matches!(p.role, RoleRef::Id(id) if changed_roles.contains(&id)));
    if untouched && same {
        return None;
    }
    let before_grants: Vec<Grants> = before.iter().map(|p| look.grants_before(&p.role)).collect();
    let after_grants: Vec<Grants> = match &after_pairs {
        Some(a) => a.iter().map(|p| look.grants_after(&p.role)).collect(),
        None => vec![Grants::Unknown(
            "the user's role assignments are known only after apply".into(),
        )],
    };
    let permissions = if same {
        PermissionChange::default()
    } else {
        permission_change(&before_grants, &after_grants)
    };
    if untouched && permissions.is_empty() && pairs.known && permissions.unknown.is_empty() {
        return None;
    }
    Some(UserReview {
        email: s.email.clone(),
        address: s.address.clone(),
        action: s.action,
        pairs,
        permissions,
        expiry: s.expiry.clone(),
        usage: usage.cloned(),
    })
}

/// The grants of the roles a user holds after the change, one per pair, for `judge`.
pub fn grants_after(s: &Subject, look: &Lookup) -> Vec<Grants> {
    match &s.after {
        None => Vec::new(),
        Some(None) => vec![Grants::Unknown(
            "the user's role assignments are known only after apply".into(),
        )],
        Some(Some(pairs)) => pairs.iter().map(|p| look.grants_after(&p.role)).collect(),
    }
}

/// Reviews the managed roles that change.
pub fn review_roles(facts: &Facts, subjects: &[Subject], resolved: &Resolved) -> Vec<RoleReview> {
    let mut out = Vec::new();
    for r in facts
        .roles
        .iter()
        .filter(|r| !matches!(r.action, Action::NoOp | Action::Read))
    {
        let before_perms = r.before.as_ref().and_then(|s| s.permissions.clone());
        let after_perms = r.after.as_ref().and_then(|s| s.permissions.clone());
        let (added, removed) = match (&before_perms, &after_perms) {
            (b, Some(a)) => {
                let bs = b.as_deref().map(lower_set).unwrap_or_default();
                let as_ = lower_set(a);
                let added = a
                    .iter()
                    .filter(|p| !bs.contains(&p.to_lowercase()))
                    .cloned()
                    .collect();
                let removed = b
                    .iter()
                    .flatten()
                    .filter(|p| !as_.contains(&p.to_lowercase()))
                    .cloned()
                    .collect();
                (added, removed)
            }
            (Some(b), None) if r.after.is_none() => (Vec::new(), b.clone()),
            _ => (Vec::new(), Vec::new()),
        };
        let before_id = r.before.as_ref().and_then(|s| s.id);
        let after_ref = match r.after.as_ref().and_then(|s| s.id) {
            Some(id) => Some(RoleRef::Id(id)),
            None if r.after.is_some() => Some(RoleRef::Pending(Some(config_address(&r.address)))),
            None => None,
        };
        let mut holders = Holders {
            complete: resolved.holders_read,
            ..Holders::default()
        };
        for s in subjects {
            if let Some(id) = before_id
                && s.before.iter().flatten().any(|p| p.role == RoleRef::Id(id))
                && !holders.before.contains(&s.email)
            {
                holders.before.push(s.email.clone());
            }
            if let Some(want) = &after_ref
                && let Some(Some(pairs)) = &s.after
                && pairs.iter().any(|p| &p.role == want)
                && !holders.after.contains(&s.email)
            {
                holders.after.push(s.email.clone());
            }
        }
        holders.before.sort();
        holders.after.sort();
        let name = r
            .after
            .as_ref()
            .or(r.before.as_ref())
            .map_or(Shown::Absent, |s| s.name.clone());
        let renamed_from = match (&r.before, &r.after) {
            (Some(b), Some(a)) if b.name != a.name => Some(b.name.clone()),
            _ => None,
        };
        out.push(RoleReview {
            address: r.address.clone(),
            id: r.after.as_ref().and_then(|s| s.id).or(before_id),
            name,
            renamed_from,
            action: r.action,
            permissions: RolePermissions {
                added,
                removed,
                before: before_perms,
                after: after_perms,
            },
            holders,
        });
    }
    out
}

/// Reviews the custom services that change.
pub fn review_services(
    facts: &Facts,
    usage: &dyn Fn(&Shown) -> Option<Usage>,
) -> Vec<ServiceReview> {
    let mut out = Vec::new();
    for s in facts
        .services
        .iter()
        .filter(|s| !matches!(s.action, Action::NoOp | Action::Read))
    {
        let b = s.before.as_ref();
        let a = s.after.as_ref();
        let secret = match (b.and_then(|x| x.stores_secret), a.map(|x| x.stores_secret)) {
            (Some(true), Some(Some(false))) => {
                Some(("taken-out-of-state", Some(true), Some(false)))
            }
            (Some(false) | None, Some(Some(true))) => {
                Some(("kept-in-state", b.and_then(|x| x.stores_secret), Some(true)))
            }
            _ => None,
        }
        .map(|(change, before, after)| SecretChange {
            change,
            before,
            after,
        });
        let owner_before = b.map(|x| x.owner.clone());
        let ended = matches!(s.action, Action::Delete | Action::Replace);
        out.push(ServiceReview {
            address: s.address.clone(),
            display_name: a.or(b).map_or(Shown::Absent, |x| x.display_name.clone()),
            action: s.action,
            owner: Owner {
                before: owner_before.clone(),
                after: a.map(|x| x.owner.clone()),
            },
            secret,
            usage: if ended {
                owner_before.as_ref().and_then(usage)
            } else {
                None
            },
        });
    }
    out
}
