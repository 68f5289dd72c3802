//! The emulated instance's data, its seed and the public snapshot of it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use marketo_date::format_answer;

use crate::usage::Usage;

/// Version of the state file format: 2 since "Access Users" is grantable (version 1 files are
/// upgraded on load, see [`State::upgrade`]).
pub(crate) const STATE_VERSION: u32 = 2;

/// Id of the seeded custom role holding every Access API permission.
pub const ADMIN_ROLE_ID: i32 = 101;
/// Id of the seeded API-only user that owns the admin service.
pub const ADMIN_USER_ID: i32 = 1;
/// User id (login) of the seeded API-only user that owns the admin service.
pub const ADMIN_USERID: &str = "emulator-api@emulator.invalid";
/// Id of the seeded LaunchPoint service whose credentials are the configured admin credentials.
pub const ADMIN_SERVICE_ID: i32 = 1;
/// Name of the seeded custom role.
pub(crate) const ADMIN_ROLE_NAME: &str = "Emulator API Admin";
/// Display name of the seeded service.
pub(crate) const ADMIN_SERVICE_NAME: &str = "Emulator Admin Service";
/// The one workspace id meaning "all workspaces".
pub(crate) const ALL_ZONES: i32 = 0;
/// Permission every `/userservice` call needs (Access API group).
pub(crate) const UM_PERMISSION: &str = "Access User Management Api";
/// The other permission every `/userservice` call needs (Access Admin group).
pub(crate) const USERS_PERMISSION: &str = "Access Users";
/// First id given to a custom role, as in Marketo's samples.
pub(crate) const FIRST_CUSTOM_ROLE_ID: i32 = 101;

/// The names of a permission file, sorted: one a line, `#` starts a comment line.
fn names(file: &'static str) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = file
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

static PERMISSIONS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| names(include_str!("../../../data/access-api-permissions.txt")));

static ADMIN_PERMISSIONS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| names(include_str!("../../../data/access-admin-permissions.txt")));

static GRANTABLE: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut v: Vec<&'static str> = PERMISSIONS
        .iter()
        .chain(ADMIN_PERMISSIONS.iter())
        .copied()
        .collect();
    v.sort_unstable();
    v.dedup();
    v
});

/// The Access API permission names a role may grant, sorted by name.
pub fn access_api_permissions() -> &'static [&'static str] {
    PERMISSIONS.as_slice()
}

/// The Access Admin permission names a role may grant because an API operation needs them
/// (`Access Users`, for User Management), sorted by name.
pub fn access_admin_permissions() -> &'static [&'static str] {
    ADMIN_PERMISSIONS.as_slice()
}

/// Every permission name a role may grant: both groups, sorted by name.
pub fn grantable_permissions() -> &'static [&'static str] {
    GRANTABLE.as_slice()
}

/// The canonical spelling of a permission name, if it is one.
pub(crate) fn canonical_permission(name: &str) -> Option<&'static str> {
    GRANTABLE.iter().copied().find(|p| *p == name)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum UserStatus {
    Active,
    Pending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct Pair {
    pub role: i32,
    pub workspace: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct UserRec {
    pub id: i32,
    pub userid: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub api_only: bool,
    pub status: UserStatus,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub pairs: Vec<Pair>,
}

impl UserRec {
    /// When a pending invitation lapses: seven days after it was sent (developer guide).
    pub fn invitation_expires_at(&self) -> DateTime<Utc> {
        self.created_at + chrono::Duration::days(7)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RoleRec {
    pub id: i32,
    pub name: String,
    pub description: Option<String>,
    pub system: bool,
    pub hidden: bool,
    pub only_all_zones: bool,
    pub permissions: BTreeSet<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct WorkspaceRec {
    pub id: i32,
    pub name: String,
    pub description: String,
    pub global_viz: i32,
    pub status: String,
    pub currency_info: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ServiceRec {
    pub id: i32,
    pub display_name: String,
    pub description: Option<String>,
    /// Numeric id of the owning API-only user.
    pub owner: i32,
    pub client_id: String,
    pub client_secret: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Everything the instance holds; this is what the state file stores.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct State {
    pub version: u32,
    pub next_user_id: i32,
    pub next_role_id: i32,
    pub next_service_id: i32,
    pub users: BTreeMap<i32, UserRec>,
    pub roles: BTreeMap<i32, RoleRec>,
    pub workspaces: BTreeMap<i32, WorkspaceRec>,
    pub services: BTreeMap<i32, ServiceRec>,
    /// The Usage API's counts (absent from files written before them: none).
    #[serde(default)]
    pub usage: Usage,
}

impl State {
    /// A fresh instance: system roles, two workspaces, and the admin role, user and service.
    pub fn seed(client_id: &str, client_secret: &str, now: DateTime<Utc>) -> State {
        let all: BTreeSet<String> = grantable_permissions()
            .iter()
            .map(|p| (*p).to_string())
            .collect();
        let system =
            |id: i32, name: &str, description: &str, only_all_zones: bool, perms: bool| RoleRec {
                id,
                name: name.to_string(),
                description: Some(description.to_string()),
                system: true,
                hidden: false,
                only_all_zones,
                permissions: if perms { all.clone() } else { BTreeSet::new() },
                created_at: now,
                updated_at: now,
            };
        let mut roles = BTreeMap::new();
        for role in [
            system(1, "Admin", "Full access to every feature", true, true),
            system(2, "Standard User", "Marketing user", false, false),
            system(
                3,
                "Adobe Product Admin",
                "Product administrator from the Adobe Admin Console",
                true,
                true,
            ),
            system(
                24,
                "RTP Launcher",
                "Launches Web Personalization campaigns",
                false,
                false,
            ),
            system(
                25,
                "RTP Editor",
                "Edits Web Personalization campaigns",
                false,
                false,
            ),
            RoleRec {
                id: ADMIN_ROLE_ID,
                name: ADMIN_ROLE_NAME.to_string(),
                description: Some(
                    "Seeded by marketo-emulator: every permission a role may grant".to_string(),
                ),
                system: false,
                hidden: false,
                only_all_zones: false,
                permissions: all.clone(),
                created_at: now,
                updated_at: now,
            },
        ] {
            roles.insert(role.id, role);
        }
        let workspace = |id: i32, name: &str, description: &str| WorkspaceRec {
            id,
            name: name.to_string(),
            description: description.to_string(),
            global_viz: 0,
            status: "active".to_string(),
            currency_info: None,
            created_at: now,
            updated_at: now,
        };
        let mut workspaces = BTreeMap::new();
        workspaces.insert(
            ALL_ZONES,
            workspace(ALL_ZONES, "AllZones", "All workspaces"),
        );
        workspaces.insert(1, workspace(1, "Default", "Default workspace"));
        let mut users = BTreeMap::new();
        users.insert(
            ADMIN_USER_ID,
            UserRec {
                id: ADMIN_USER_ID,
                userid: ADMIN_USERID.to_string(),
                email: ADMIN_USERID.to_string(),
                first_name: "Emulator".to_string(),
                last_name: "API User".to_string(),
                api_only: true,
                status: UserStatus::Active,
                expires_at: None,
                last_login_at: None,
                reason: Some("Owner of the emulator's admin service".to_string()),
                created_at: now,
                updated_at: now,
                pairs: vec![Pair {
                    role: ADMIN_ROLE_ID,
                    workspace: ALL_ZONES,
                }],
            },
        );
        let mut services = BTreeMap::new();
        services.insert(
            ADMIN_SERVICE_ID,
            ServiceRec {
                id: ADMIN_SERVICE_ID,
                display_name: ADMIN_SERVICE_NAME.to_string(),
                description: Some("Seeded by marketo-emulator for the admin credentials".into()),
                owner: ADMIN_USER_ID,
                client_id: client_id.to_string(),
                client_secret: client_secret.to_string(),
                created_at: now,
                updated_at: now,
            },
        );
        State {
            version: STATE_VERSION,
            next_user_id: ADMIN_USER_ID + 1,
            next_role_id: ADMIN_ROLE_ID + 1,
            next_service_id: ADMIN_SERVICE_ID + 1,
            users,
            roles,
            workspaces,
            services,
            usage: Usage::default(),
        }
    }

    /// Checks the invariants a loaded state file must satisfy.
    pub fn check(&self) -> Result<(), String> {
        if self.version != STATE_VERSION {
            return Err(format!(
                "format version {} is not the supported version {STATE_VERSION}",
                self.version
            ));
        }
        for (k, u) in &self.users {
            if *k != u.id || u.id >= self.next_user_id {
                return Err(format!("user {} has an inconsistent id", u.userid));
            }
            for p in &u.pairs {
                if !self.roles.contains_key(&p.role) || !self.workspaces.contains_key(&p.workspace)
                {
                    return Err(format!(
                        "user {} holds an unknown role or workspace",
                        u.userid
                    ));
                }
            }
        }
        for (k, r) in &self.roles {
            if *k != r.id || r.id >= self.next_role_id {
                return Err(format!("role {} has an inconsistent id", r.name));
            }
        }
        for (k, s) in &self.services {
            if *k != s.id || s.id >= self.next_service_id {
                return Err(format!("service {} has an inconsistent id", s.display_name));
            }
            if !self.users.contains_key(&s.owner) {
                return Err(format!("service {} has no owner", s.display_name));
            }
        }
        Ok(())
    }

    pub fn user_by_userid(&self, userid: &str) -> Option<&UserRec> {
        self.users
            .values()
            .find(|u| u.userid.eq_ignore_ascii_case(userid))
    }

    /// Upgrades a state file of an older format. Version 1 was written before "Access Users" was
    /// grantable and needed for User Management: every role holding "Access User Management Api"
    /// gets it too, as the seed now gives both, so that its services keep the access they had.
    pub fn upgrade(&mut self) {
        if self.version == 1 {
            for role in self.roles.values_mut() {
                if role.permissions.contains(UM_PERMISSION) {
                    role.permissions.insert(USERS_PERMISSION.to_string());
                }
            }
            self.version = 2;
        }
    }

    /// Union of the Access API permissions of the user's roles.
    pub fn permissions_of(&self, user: i32) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        if let Some(u) = self.users.get(&user) {
            for p in &u.pairs {
                if let Some(r) = self.roles.get(&p.role) {
                    out.extend(r.permissions.iter().cloned());
                }
            }
        }
        out
    }

    pub fn assignment(&self, p: &Pair) -> RoleAssignment {
        RoleAssignment {
            access_role_id: p.role,
            access_role_name: self
                .roles
                .get(&p.role)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            workspace_id: p.workspace,
            workspace_name: self
                .workspaces
                .get(&p.workspace)
                .map(|w| w.name.clone())
                .unwrap_or_default(),
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        let assignments = |u: &UserRec| u.pairs.iter().map(|p| self.assignment(p)).collect();
        let mut snap = Snapshot::default();
        for u in self.users.values() {
            match u.status {
                UserStatus::Active => snap.users.push(SnapshotUser {
                    id: u.id,
                    userid: u.userid.clone(),
                    email_address: u.email.clone(),
                    first_name: u.first_name.clone(),
                    last_name: u.last_name.clone(),
                    api_only: u.api_only,
                    expires_at: u.expires_at.as_ref().map(format_answer),
                    last_login_at: u.last_login_at.as_ref().map(format_answer),
                    user_role_workspaces: assignments(u),
                }),
                UserStatus::Pending => snap.invites.push(SnapshotInvite {
                    id: u.id,
                    userid: u.userid.clone(),
                    email_address: u.email.clone(),
                    first_name: u.first_name.clone(),
                    last_name: u.last_name.clone(),
                    api_only: u.api_only,
                    expires_at: u.expires_at.as_ref().map(format_answer),
                    invitation_expires_at: format_answer(&u.invitation_expires_at()),
                    user_role_workspaces: assignments(u),
                }),
            }
        }
        snap.roles = self
            .roles
            .values()
            .map(|r| SnapshotRole {
                id: r.id,
                name: r.name.clone(),
                description: r.description.clone(),
                role_type: if r.system { "system" } else { "custom" }.to_string(),
                is_hidden: r.hidden,
                is_only_all_zones: r.only_all_zones,
                permissions: r.permissions.iter().cloned().collect(),
            })
            .collect();
        snap.workspaces = self
            .workspaces
            .values()
            .map(|w| SnapshotWorkspace {
                id: w.id,
                name: w.name.clone(),
            })
            .collect();
        snap.services = self
            .services
            .values()
            .map(|s| SnapshotService {
                id: s.id,
                display_name: s.display_name.clone(),
                description: s.description.clone(),
                api_only_user: self
                    .users
                    .get(&s.owner)
                    .map(|u| u.userid.clone())
                    .unwrap_or_default(),
                client_id: s.client_id.clone(),
            })
            .collect();
        snap
    }
}

/// A copy of the instance's data for tests (`GET /_emulator/state.json` answers the same, as JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// Active users (accepted invitations and API-only users), by id.
    pub users: Vec<SnapshotUser>,
    /// Pending invitations, by id.
    pub invites: Vec<SnapshotInvite>,
    /// Every role with its permissions, by id.
    pub roles: Vec<SnapshotRole>,
    /// Every workspace, by id.
    pub workspaces: Vec<SnapshotWorkspace>,
    /// Every LaunchPoint custom service (no secrets), by id.
    pub services: Vec<SnapshotService>,
}

/// One role held in one workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignment {
    /// Role id.
    pub access_role_id: i32,
    /// Role name.
    pub access_role_name: String,
    /// Workspace id (0 is all workspaces).
    pub workspace_id: i32,
    /// Workspace name.
    pub workspace_name: String,
}

/// An active user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotUser {
    /// Numeric id.
    pub id: i32,
    /// Login.
    pub userid: String,
    /// Email address.
    pub email_address: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// API-only user.
    pub api_only: bool,
    /// When the login expires, in Marketo's format; `None` for never.
    pub expires_at: Option<String>,
    /// When a service of this user last obtained a token.
    pub last_login_at: Option<String>,
    /// Role assignments.
    pub user_role_workspaces: Vec<RoleAssignment>,
}

/// A pending invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotInvite {
    /// Numeric id.
    pub id: i32,
    /// Login.
    pub userid: String,
    /// Email address.
    pub email_address: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// API-only user.
    pub api_only: bool,
    /// When the login will expire once accepted; `None` for never.
    pub expires_at: Option<String>,
    /// When the invitation lapses (seven days after it was sent).
    pub invitation_expires_at: String,
    /// Role assignments it will get.
    pub user_role_workspaces: Vec<RoleAssignment>,
}

/// A role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotRole {
    /// Role id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// `system` (immutable) or `custom`.
    #[serde(rename = "type")]
    pub role_type: String,
    /// Hidden.
    pub is_hidden: bool,
    /// Assignable only in workspace 0.
    pub is_only_all_zones: bool,
    /// Access API permissions, sorted.
    pub permissions: Vec<String>,
}

/// A workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotWorkspace {
    /// Workspace id.
    pub id: i32,
    /// Name.
    pub name: String,
}

/// A LaunchPoint custom service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotService {
    /// Service id.
    pub id: i32,
    /// Display name.
    pub display_name: String,
    /// Description.
    pub description: Option<String>,
    /// User id of the owning API-only user.
    pub api_only_user: String,
    /// Client ID.
    pub client_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_is_consistent() {
        let s = State::seed("id", "secret", marketo_date::now_utc());
        assert!(s.check().is_ok());
        assert!(access_api_permissions().contains(&UM_PERMISSION));
        assert!(s.permissions_of(ADMIN_USER_ID).contains(UM_PERMISSION));
        assert!(s.permissions_of(ADMIN_USER_ID).contains(USERS_PERMISSION));
        assert!(grantable_permissions().contains(&USERS_PERMISSION));
        let snap = s.snapshot();
        assert_eq!(snap.users.len(), 1);
        assert_eq!(snap.services[0].client_id, "id");
        assert_eq!(
            snap.roles.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![1, 2, 3, 24, 25, 101]
        );
    }
}
