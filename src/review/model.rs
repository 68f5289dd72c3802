//! The computed review: per API-only user, per role and per custom service, what changes, with
//! every value known only after apply or sensitive marked as such. These types are also the
//! JSON format (`--format json`, `format_version` "1", documented in
//! `docs/guides/access-review-in-ci.md`): a field added is a minor change, a field renamed or
//! removed a new `format_version`.

use std::collections::HashMap;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

pub use super::facts::Shown;
pub use super::plan::Action;

/// The JSON format's version.
pub const FORMAT_VERSION: &str = "1";

impl Serialize for Shown {
    /// A known text as a string, an absent one as `null`, else `{"unknown": "known after
    /// apply"}` or `{"sensitive": true}`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Shown::Known(t) => s.serialize_str(t),
            Shown::Absent => s.serialize_none(),
            Shown::AfterApply => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("unknown", "known after apply")?;
                m.end()
            }
            Shown::Sensitive => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("sensitive", &true)?;
                m.end()
            }
        }
    }
}

/// The whole review.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub format_version: &'static str,
    pub plan: PlanInfo,
    pub summary: Summary,
    pub users: Vec<UserReview>,
    pub roles: Vec<RoleReview>,
    pub services: Vec<ServiceReview>,
    pub policy: Policy,
    /// Present with `--resolve`: the calls made to Marketo.
    pub resolve: Option<ResolveInfo>,
    /// What the review could not know, and why.
    pub notes: Vec<String>,
}

/// Which plan was reviewed.
#[derive(Debug, Clone, Serialize)]
pub struct PlanInfo {
    pub format_version: String,
    pub terraform_version: Option<String>,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Users listed below (every user whose access or existence changes).
    pub users: usize,
    pub roles: usize,
    pub services: usize,
    /// Permissions granted, counted once per user (certain and possible).
    pub permissions_granted: usize,
    pub permissions_revoked: usize,
    pub pairs_granted: usize,
    pub pairs_revoked: usize,
    /// The summary line as the Markdown shows it.
    pub text: String,
}

/// What happens to a user (a managed user's plan action, or `unmanaged` for a user Terraform
/// does not manage that holds a changed role, found by `--resolve`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UserAction {
    Create,
    Delete,
    Replace,
    Update,
    NoOp,
    Forget,
    Unmanaged,
}

impl From<Action> for UserAction {
    fn from(a: Action) -> Self {
        match a {
            Action::Create => UserAction::Create,
            Action::Delete => UserAction::Delete,
            Action::Replace => UserAction::Replace,
            Action::Forget => UserAction::Forget,
            Action::NoOp | Action::Read => UserAction::NoOp,
            Action::Update | Action::Other => UserAction::Update,
        }
    }
}

/// A role as a pair names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleName {
    /// `null` when known only after apply (or sensitive).
    pub id: Option<i64>,
    /// `null` when neither the plan nor `--resolve` tells it.
    pub name: Shown,
    /// The role resource, when Terraform manages the role.
    pub address: Option<String>,
}

/// A workspace as a pair names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkspaceName {
    /// `null` when known only after apply (or sensitive).
    pub id: Option<i64>,
    pub name: Shown,
}

/// One role/workspace pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairView {
    pub role: RoleName,
    pub workspace: WorkspaceName,
}

/// Pairs granted and revoked.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PairChange {
    pub gained: Vec<PairView>,
    pub lost: Vec<PairView>,
    /// False when the pairs after apply are not known (the whole set is known only after apply).
    pub known: bool,
}

/// Effective permissions granted and revoked: the union of the permissions of the roles held,
/// before and after.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PermissionChange {
    pub gained: Vec<String>,
    pub lost: Vec<String>,
    /// Held after and not among the known permissions before, but a role held before has
    /// permissions that are not known: it may have granted them already.
    pub possibly_gained: Vec<String>,
    /// Held before and not among the known permissions after, but a role held after has
    /// permissions that are not known.
    pub possibly_lost: Vec<String>,
    /// Why some permissions are not known (empty when every role's permissions are).
    pub unknown: Vec<String>,
}

impl PermissionChange {
    pub fn is_empty(&self) -> bool {
        self.gained.is_empty()
            && self.lost.is_empty()
            && self.possibly_gained.is_empty()
            && self.possibly_lost.is_empty()
    }
}

/// How `expires_at` changes.
#[derive(Debug, Clone, Serialize)]
pub struct ExpiryChange {
    /// `set`, `moved` or `removed`.
    pub change: &'static str,
    pub before: Shown,
    pub after: Shown,
}

/// API calls of the last 7 days (`--resolve`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Usage {
    pub calls_last_7_days: u64,
    /// The last Marketo day (`YYYY-MM-DD`) with calls; `null` for none.
    pub last_day_with_calls: Option<String>,
}

/// One API-only user.
#[derive(Debug, Clone, Serialize)]
pub struct UserReview {
    pub email: Shown,
    /// The resource; `null` for a user Terraform does not manage.
    pub address: Option<String>,
    pub action: UserAction,
    pub pairs: PairChange,
    pub permissions: PermissionChange,
    pub expiry: Option<ExpiryChange>,
    pub usage: Option<Usage>,
}

/// Permissions a role's change adds and removes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RolePermissions {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// `null` when not known.
    pub before: Option<Vec<String>>,
    pub after: Option<Vec<String>>,
}

/// The users holding a role.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Holders {
    pub before: Vec<Shown>,
    pub after: Vec<Shown>,
    /// True when users Terraform does not manage were read (`--resolve`) and are included.
    pub complete: bool,
}

/// One managed role that changes.
#[derive(Debug, Clone, Serialize)]
pub struct RoleReview {
    pub address: String,
    pub id: Option<i64>,
    pub name: Shown,
    /// The name before, when the change renames the role.
    pub renamed_from: Option<Shown>,
    pub action: Action,
    pub permissions: RolePermissions,
    pub holders: Holders,
}

/// A change of `store_client_secret`.
#[derive(Debug, Clone, Serialize)]
pub struct SecretChange {
    /// `kept-in-state` (a secret newly kept in the state) or `taken-out-of-state`.
    pub change: &'static str,
    pub before: Option<bool>,
    pub after: Option<bool>,
}

/// The owner of a service, before and after.
#[derive(Debug, Clone, Serialize)]
pub struct Owner {
    pub before: Option<Shown>,
    pub after: Option<Shown>,
}

/// One custom service that changes.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceReview {
    pub address: String,
    pub display_name: Shown,
    pub action: Action,
    /// Owners by userid.
    pub owner: Owner,
    pub secret: Option<SecretChange>,
    /// The owner's calls (before the change) of the last 7 days (`--resolve`).
    pub usage: Option<Usage>,
}

/// The provider's own access after the change (`lockout`).
#[derive(Debug, Clone, Serialize)]
pub struct Lockout {
    pub user: String,
    /// `keeps`, `loses` or `unknown`.
    pub verdict: &'static str,
    pub missing: Vec<String>,
    pub reasons: Vec<String>,
}

/// The policy of `--fail-on` and what the plan meets.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Policy {
    pub fail_on: Vec<String>,
    /// Conditions met by the plan (whether or not asked for).
    pub met: Vec<String>,
    /// Conditions asked for and met: exit 3 when not empty.
    pub failed: Vec<String>,
    pub lockout: Option<Lockout>,
    /// Services and users destroyed or replaced that made calls in the last 7 days.
    pub in_use: Vec<String>,
}

/// What `--resolve` did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ResolveInfo {
    pub calls: u64,
    /// The user the provider's credentials log in as.
    pub identity: Option<String>,
}

/// What `--resolve` read from the instance, for the review to use.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    pub role_names: HashMap<i64, String>,
    pub role_permissions: HashMap<i64, Vec<String>>,
    /// Why role permissions could not be read (the instance has no role endpoints).
    pub permissions_unavailable: Option<String>,
    pub workspace_names: HashMap<i64, String>,
    /// API-only users Terraform does not manage, with their (role, workspace) pairs.
    pub unmanaged: Vec<(String, Vec<(i64, i64)>)>,
    /// True once `unmanaged` holds every API-only user of the instance Terraform does not manage.
    pub holders_read: bool,
    /// Usage per user, by lower-case email.
    pub usage: Option<HashMap<String, Usage>>,
    pub identity: Option<String>,
    pub calls: u64,
}
