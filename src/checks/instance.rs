//! Plan-time checks against what the instance holds (issue 12), for the `check_plan` hooks of
//! the resources: the roles and workspaces of a user's `role_assignment` exist, all-zones roles
//! (like Admin) are assigned in workspace 0 only, and a role or service name does not clash with
//! an existing one regardless of case. Each is a diagnostic naming the attribute path, raised
//! while planning instead of a refusal half-way through an apply.
//!
//! The lists (the published `users/roles.json` and `users/workspaces.json`, and our
//! `services/allservices.json`) are fetched only when a plan needs them, and at most once per
//! provider process (Terraform starts one per command and phase), then kept in [`Lists`]. A
//! problem found in a kept list is confirmed against a fresh one before it is reported: during an
//! apply, an object created or deleted a moment ago by this very apply must not be judged by a
//! list read before. A list that cannot be read (limits, permissions, a missing endpoint) skips
//! its check: the apply then reports what really happens.

use std::sync::Arc;

use crate::checks::values as checks;
use crate::common::planned::Claimant;
use crate::common::{Got, Lists, Shared};
use marketo_client::{Client, Role, Service, Workspace};
use tfplugin6::{AttributePath, Context, Diagnostic, Diagnostics, Value};

/// One `role_assignment` block with known ids: its position among the blocks (as validate counts
/// them), its role id and its workspace id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub index: usize,
    pub role_id: i64,
    pub workspace_id: i64,
}

/// Workspace 0, "AllZones": every workspace, on every instance.
const ALL_ZONES: i64 = 0;

/// At most this many existing objects are listed in a diagnostic.
const LISTED: usize = 20;

fn listing<'a>(items: impl Iterator<Item = (i64, &'a str)>) -> String {
    let all: Vec<String> = items
        .map(|(id, name)| format!("{id} (\"{}\")", checks::escaped(name)))
        .collect();
    let more = all.len().saturating_sub(LISTED);
    let shown = all.into_iter().take(LISTED).collect::<Vec<_>>().join(", ");
    if more > 0 {
        format!("{shown} and {more} more")
    } else {
        shown
    }
}

/// What is wrong with `pairs` given the instance's roles and workspaces (either `None` when it
/// could not be read: its checks are skipped).
pub fn assignment_problems(
    roles: Option<&[Role]>,
    workspaces: Option<&[Workspace]>,
    pairs: &[Pair],
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let at = AttributePath::root("role_assignment");
    for p in pairs {
        let n = p.index;
        if let Some(roles) = roles {
            match roles.iter().find(|r| r.id == p.role_id) {
                None => diags.push(
                    Diagnostic::error(
                        format!("No such role: role_assignment[{n}].role_id"),
                        format!(
                            "`role_assignment[{n}].role_id` is {}, but the instance has no role \
                             with that id. Its roles: {}. Refer to a role by \
                             marketo_api_only_role.<name>.id or data.marketo_role.<name>.id.",
                            p.role_id,
                            listing(roles.iter().map(|r| (r.id, r.name.as_str())))
                        ),
                    )
                    .at(at.clone()),
                ),
                Some(role) if role.is_only_all_zones && p.workspace_id != 0 => diags.push(
                    Diagnostic::error(
                        format!("All-zones role outside workspace 0: role_assignment[{n}].workspace_id"),
                        format!(
                            "The role \"{}\" (id {}) can only be assigned in workspace 0 \
                             (\"AllZones\", every workspace), but `role_assignment[{n}].workspace_id` \
                             is {}. Set workspace_id = 0 for this role.",
                            checks::escaped(&role.name),
                            role.id,
                            p.workspace_id
                        ),
                    )
                    .at(at.clone()),
                ),
                Some(_) => {}
            }
        }
        if let Some(workspaces) = workspaces
            && !workspaces.iter().any(|w| w.id == p.workspace_id)
        {
            diags.push(
                Diagnostic::error(
                    format!("No such workspace: role_assignment[{n}].workspace_id"),
                    format!(
                        "`role_assignment[{n}].workspace_id` is {}, but the instance has no \
                             workspace with that id. Its workspaces: {}. See the \
                             marketo_workspace data source.",
                        p.workspace_id,
                        listing(workspaces.iter().map(|w| (w.id, w.name.as_str())))
                    ),
                )
                .at(at.clone()),
            );
        }
    }
    diags
}

/// Checks a user's role assignments against the instance (see [`assignment_problems`]).
///
/// A role this provider process made itself ([`Lists::note_made_role`]) is trusted to exist
/// without a list: during an apply, the users planned again with the ids of roles made a moment
/// before would otherwise each re-read the list. A list is read again only when the kept copy is
/// what finds the problem, and only that list (issue 16: an apply at its call floor).
/// Workspace 0 needs no list either: every instance has it.
pub async fn check_assignments(shared: &Shared, ctx: &Context, pairs: &[Pair]) -> Diagnostics {
    if pairs.is_empty() {
        return Diagnostics::new();
    }
    let Ok(client) = shared.client(ctx) else {
        return Diagnostics::new();
    };
    let lists = &shared.lists;
    let made = lists.made_roles();
    let unvouched: Vec<Pair> = pairs
        .iter()
        .filter(|p| !made.contains(&p.role_id))
        .copied()
        .collect();
    let (mut fresh_roles, mut fresh_workspaces) = (false, false);
    loop {
        let roles = if unvouched.is_empty() {
            None
        } else {
            lists.roles(&client, fresh_roles).await
        };
        // Workspace 0 ("AllZones", every workspace) is on every instance: no list is read for it.
        let workspaces = if pairs.iter().all(|p| p.workspace_id == ALL_ZONES) {
            None
        } else {
            lists.workspaces(&client, fresh_workspaces).await
        };
        let role_problems =
            assignment_problems(roles.as_ref().map(|g| g.items.as_slice()), None, &unvouched);
        let workspace_problems =
            assignment_problems(None, workspaces.as_ref().map(|g| g.items.as_slice()), pairs);
        let again_roles = !role_problems.is_empty() && roles.as_ref().is_some_and(|g| g.kept);
        let again_workspaces =
            !workspace_problems.is_empty() && workspaces.as_ref().is_some_and(|g| g.kept);
        if again_roles || again_workspaces {
            fresh_roles |= again_roles;
            fresh_workspaces |= again_workspaces;
            continue;
        }
        // One pass in the blocks' order, as the checks have always reported them.
        return assignment_problems(
            roles.as_ref().map(|g| g.items.as_slice()),
            workspaces.as_ref().map(|g| g.items.as_slice()),
            pairs,
        )
        .into_iter()
        .filter(|d| {
            role_problems.iter().any(|r| r == d) || workspace_problems.iter().any(|w| w == d)
        })
        .collect();
    }
}

/// The existing object (id, name) whose name equals `name` regardless of case, other than
/// `own_id` (the object being planned, on an update).
pub fn name_clash<'a>(
    existing: impl IntoIterator<Item = (i64, &'a str)>,
    name: &str,
    own_id: Option<i64>,
) -> Option<(i64, &'a str)> {
    existing
        .into_iter()
        .find(|(id, n)| Some(*id) != own_id && n.to_lowercase() == name.to_lowercase())
}

fn clash_diagnostic(
    what: &str,
    attr: &str,
    name: &str,
    id: i64,
    theirs: &str,
    type_name: &str,
    adopting: bool,
) -> Diagnostic {
    if adopting {
        // `adopt_existing`: the create adopts the object if it is identical, and refuses it,
        // listing the differences, otherwise; the plan says which object that is.
        return Diagnostic::warning(
            format!("A {what} with this name already exists"),
            format!(
                "Marketo already has a {what} named \"{}\" (id {id}). With `adopt_existing` the \
                 apply adopts it if it matches this configuration, and refuses it, listing the \
                 differences, if it does not.",
                checks::escaped(theirs),
            ),
        )
        .at(AttributePath::root(attr));
    }
    Diagnostic::error(
        format!("A {what} with this name already exists"),
        format!(
            "Marketo already has a {what} named \"{}\" (id {id}), and {what} names are unique \
             regardless of case, so `{attr}` = \"{}\" would be refused when applied. Choose \
             another name, or manage the existing {what} with Terraform. {}\n\nIf this \
             configuration already manages that {what} under another address (a resource block \
             renamed), do not import it a second time: tell Terraform it moved, and it keeps \
             its state:\n\nmoved {{\n  from = {type_name}.<old name>\n  to   = \
             {type_name}.<new name>\n}}",
            checks::escaped(theirs),
            checks::escaped(name),
            super::adoption::import_hint(type_name, &id.to_string()),
        ),
    )
    .at(AttributePath::root(attr))
}

/// The objects whose names Marketo keeps unique regardless of case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueName {
    /// A `marketo_api_only_role`'s `name`.
    Role,
    /// A `marketo_custom_service`'s `display_name`.
    Service,
}

impl UniqueName {
    /// What the object is called in prose, the attribute holding the name, and the resource type.
    fn words(self) -> (&'static str, &'static str, &'static str) {
        match self {
            UniqueName::Role => ("role", "name", "marketo_api_only_role"),
            UniqueName::Service => ("custom service", "display_name", "marketo_custom_service"),
        }
    }

    /// The ids and names of the instance's objects of this kind, and whether the list was kept.
    async fn names(
        self,
        lists: &Lists,
        client: &Client,
        fresh: bool,
    ) -> Option<Got<(i64, String)>> {
        let (items, kept): (Vec<(i64, String)>, bool) = match self {
            UniqueName::Role => {
                let got = lists.roles(client, fresh).await?;
                let names = got.items.iter().map(|r| (r.id, r.name.clone())).collect();
                (names, got.kept)
            }
            UniqueName::Service => {
                let got = lists.services(client, fresh).await?;
                let names = got.items.iter().map(|s| (s.id, s.display_name.clone()));
                (names.collect(), got.kept)
            }
        };
        Some(Got {
            items: Arc::new(items),
            kept,
        })
    }
}

/// A role or service planned with a name that another object planned in this process already
/// has, as Marketo compares names (regardless of case): the second create would be refused
/// half-way through the apply. `own_id` is the object's id (an update, or the create half of a
/// replacement), `None` for a new object, which is then known by its `config` (see
/// `common::planned`).
pub fn check_planned_once(
    shared: &Shared,
    kind: UniqueName,
    name: &str,
    own_id: Option<i64>,
    config: Value,
) -> Diagnostics {
    let claimant = match own_id {
        Some(id) => Claimant::Existing(id),
        None => Claimant::New(config),
    };
    let (what, attr, type_name) = kind.words();
    match shared
        .planned
        .claim(type_name, name.to_lowercase(), name, claimant)
    {
        None => Diagnostics::new(),
        Some(first) => Diagnostic::error(
            format!("Two {what}s in this plan have the same name"),
            format!(
                "Another {type_name} in this configuration is planned with the {attr} \"{}\", and \
                 Marketo keeps {what} names unique regardless of case, so `{attr}` = \"{}\" would \
                 be refused half-way through the apply, after part of the change was written. Give \
                 each {what} its own name (with count or for_each, include the key in it).",
                checks::escaped(&first),
                checks::escaped(name),
            ),
        )
        .at(AttributePath::root(attr))
        .into_diagnostics(),
    }
}

/// A custom service's owner `owner` that exists but is not an API-only user: Marketo refuses
/// the service half-way through the apply (issue 17). A user this process invited is API-only;
/// one the instance does not have yet may be created by this very plan, so only a user found
/// in the instance's list is judged (a kept list that misses it is read again first).
pub async fn check_service_owner(
    shared: &Shared,
    ctx: &Context,
    owner: &str,
    attr: &str,
) -> Diagnostics {
    if shared.lists.made_user(owner) {
        return Diagnostics::new();
    }
    let Ok(client) = shared.client(ctx) else {
        return Diagnostics::new();
    };
    for fresh in [false, true] {
        let Some(users) = shared.lists.users(&client, fresh).await else {
            break;
        };
        match users
            .items
            .iter()
            .find(|u| u.userid.eq_ignore_ascii_case(owner))
        {
            Some(user) if !user.api_only => {
                return Diagnostic::error(
                    "The service's owner is not an API-only user",
                    format!(
                        "`{attr}` is \"{}\", a Marketo user who logs in to the UI. A LaunchPoint \
                         custom service belongs to an API-only user: Marketo would refuse this \
                         service when applied. Name an API-only user, such as \
                         marketo_api_only_user.<name>.userid.",
                        checks::escaped(owner)
                    ),
                )
                .at(AttributePath::root(attr))
                .into_diagnostics();
            }
            Some(_) => break,
            None if users.kept => continue,
            None => break,
        }
    }
    Diagnostics::new()
}

/// The service with id `id` as the instance lists it (the kept list, read again when it misses
/// the id); `None` when it cannot be found or the list cannot be read.
pub async fn service_by_id(shared: &Shared, ctx: &Context, id: i64) -> Option<Service> {
    let client = shared.client(ctx).ok()?;
    for fresh in [false, true] {
        let services = shared.lists.services(&client, fresh).await?;
        if let Some(found) = services.items.iter().find(|s| s.id == id) {
            return Some(found.clone());
        }
        if !services.kept {
            break;
        }
    }
    None
}

/// The name clash of a role or service named `name` (`own_id`: its id on an update).
pub async fn check_unique_name(
    shared: &Shared,
    ctx: &Context,
    kind: UniqueName,
    name: &str,
    own_id: Option<i64>,
) -> Diagnostics {
    let Ok(client) = shared.client(ctx) else {
        return Diagnostics::new();
    };
    for fresh in [false, true] {
        let Some(names) = kind.names(&shared.lists, &client, fresh).await else {
            break;
        };
        let clash = name_clash(
            names.items.iter().map(|(id, n)| (*id, n.as_str())),
            name,
            own_id,
        );
        match clash {
            None => break,
            Some(_) if names.kept => continue,
            Some((id, theirs)) => {
                let (what, attr, type_name) = kind.words();
                return clash_diagnostic(
                    what,
                    attr,
                    name,
                    id,
                    theirs,
                    type_name,
                    own_id.is_none() && shared.adopt_existing(),
                )
                .into_diagnostics();
            }
        }
    }
    Diagnostics::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles() -> Vec<Role> {
        serde_json::from_value(serde_json::json!([
            {"id": 1, "name": "Admin", "isOnlyAllZones": true},
            {"id": 2, "name": "Standard User"},
            {"id": 7, "name": "Dup"}
        ]))
        .unwrap()
    }

    fn workspaces() -> Vec<Workspace> {
        serde_json::from_value(serde_json::json!([
            {"id": 0, "name": "AllZones"}, {"id": 1, "name": "Default"}
        ]))
        .unwrap()
    }

    fn pair(index: usize, role_id: i64, workspace_id: i64) -> Pair {
        Pair {
            index,
            role_id,
            workspace_id,
        }
    }

    #[test]
    fn assignments_are_checked_against_the_lists() {
        let (r, w) = (roles(), workspaces());
        let ok = [pair(0, 1, 0), pair(1, 2, 1), pair(2, 7, 0)];
        assert!(assignment_problems(Some(&r), Some(&w), &ok).is_empty());

        let d = assignment_problems(Some(&r), Some(&w), &[pair(0, 99, 0)]);
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "No such role: role_assignment[0].role_id");
        assert!(
            d.detail.contains("`role_assignment[0].role_id` is 99"),
            "{}",
            d.detail
        );
        assert!(
            d.detail.contains("1 (\"Admin\"), 2 (\"Standard User\")"),
            "{}",
            d.detail
        );
        assert_eq!(d.attribute, Some(AttributePath::root("role_assignment")));

        let d = assignment_problems(Some(&r), Some(&w), &[pair(0, 2, 0), pair(1, 2, 5)]);
        assert_eq!(d.len(), 1);
        let d = d.iter().next().unwrap();
        assert_eq!(
            d.summary,
            "No such workspace: role_assignment[1].workspace_id"
        );

        let d = assignment_problems(Some(&r), Some(&w), &[pair(0, 1, 1)]);
        let d = d.iter().next().unwrap();
        assert_eq!(
            d.summary,
            "All-zones role outside workspace 0: role_assignment[0].workspace_id"
        );
        assert!(d.detail.contains("\"Admin\" (id 1)"), "{}", d.detail);

        // A list that could not be read skips its checks.
        assert!(assignment_problems(None, Some(&w), &[pair(0, 99, 0)]).is_empty());
        assert!(assignment_problems(Some(&r), None, &[pair(0, 2, 5)]).is_empty());
    }

    #[test]
    fn names_clash_regardless_of_case_but_not_with_themselves() {
        let r = roles();
        let list = || r.iter().map(|r| (r.id, r.name.as_str()));
        assert_eq!(name_clash(list(), "dup", None), Some((7, "Dup")));
        assert_eq!(name_clash(list(), "ADMIN", None), Some((1, "Admin")));
        assert_eq!(name_clash(list(), "DUP", Some(7)), None);
        assert_eq!(name_clash(list(), "Fresh", None), None);
        let d = clash_diagnostic(
            "role",
            "name",
            "dup",
            7,
            "Dup",
            "marketo_api_only_role",
            false,
        );
        assert_eq!(d.severity, tfplugin6::Severity::Error);
        assert_eq!(d.attribute, Some(AttributePath::root("name")));
        assert!(d.detail.contains("named \"Dup\" (id 7)"), "{}", d.detail);
        assert!(
            d.detail
                .contains("import {\n    to = marketo_api_only_role.<name>\n    id = \"7\""),
            "{}",
            d.detail
        );
        assert!(d.detail.contains("adopt_existing = true"), "{}", d.detail);
        // With `adopt_existing`, a create that meets the name is a warning: the apply decides.
        let w = clash_diagnostic(
            "role",
            "name",
            "dup",
            7,
            "Dup",
            "marketo_api_only_role",
            true,
        );
        assert_eq!(w.severity, tfplugin6::Severity::Warning);
        assert!(w.detail.contains("adopt_existing"), "{}", w.detail);
    }

    /// A provider configured against `emu`.
    fn configured(emu: &marketo_emulator::EmulatorHandle) -> Shared {
        use marketo_client::{ClientConfig, Secret};
        let base = url::Url::parse(&emu.base_url()).unwrap();
        let identity = url::Url::parse(&format!("{}/identity", emu.base_url())).unwrap();
        let client = Client::new(ClientConfig::new(
            base,
            identity,
            emu.client_id(),
            Secret::new(emu.client_secret()),
        ))
        .unwrap();
        let shared = Shared::default();
        shared.set_client(client);
        shared
    }

    /// Calls to `path` in the emulator's request log.
    fn calls(log: &std::path::Path, path: &str) -> usize {
        std::fs::read_to_string(log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(path))
            .count()
    }

    /// The lists are fetched once per provider process; a problem found in a kept list is
    /// confirmed against a fresh one (a role created a moment ago by the same apply is found).
    #[tokio::test]
    async fn lists_are_fetched_once_and_refreshed_before_a_refusal() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let mut config = marketo_emulator::Config::default().without_limits();
        config.log_file = Some(log.clone());
        let emu = marketo_emulator::Emulator::start(config).await.unwrap();
        let shared = configured(&emu);
        let ctx = Context::default();
        let roles = "users/roles.json";
        let workspaces = "users/workspaces.json";

        for _ in 0..3 {
            let d = check_assignments(&shared, &ctx, &[pair(0, 2, 1), pair(1, 1, 0)]).await;
            assert!(d.is_empty(), "{d}");
        }
        assert_eq!((calls(&log, roles), calls(&log, workspaces)), (1, 1));

        // A role made after the lists were read: the kept list misses it, a fresh one has it.
        let client = shared.client(&ctx).unwrap();
        let made = client
            .create_role(&marketo_client::NewRole {
                name: "Made Later".into(),
                description: None,
                permissions: Vec::new(),
            })
            .await
            .unwrap();
        let d = check_assignments(&shared, &ctx, &[pair(0, made.role.id, 1)]).await;
        assert!(d.is_empty(), "{d}");
        // Only the list at fault is read again (issue 16: the workspaces were fine).
        assert_eq!((calls(&log, roles), calls(&log, workspaces)), (2, 1));
        // A real problem is still one after the fresh look.
        let d = check_assignments(&shared, &ctx, &[pair(0, 9999, 1)]).await;
        assert_eq!(d.len(), 1, "{d}");
        assert_eq!((calls(&log, roles), calls(&log, workspaces)), (3, 1));
        // A workspace missing from the kept list is looked for in a fresh one, and only there.
        let d = check_assignments(&shared, &ctx, &[pair(0, 2, 4242)]).await;
        assert_eq!(d.len(), 1, "{d}");
        assert!(d.to_string().contains("No such workspace"), "{d}");
        assert_eq!((calls(&log, roles), calls(&log, workspaces)), (3, 2));

        // A role this process made is trusted: no list is read for it, even one it is not in.
        let mine = client
            .create_role(&marketo_client::NewRole {
                name: "Made Here".into(),
                description: None,
                permissions: Vec::new(),
            })
            .await
            .unwrap();
        shared.lists.note_made_role(mine.role.id);
        let d = check_assignments(&shared, &ctx, &[pair(0, mine.role.id, 1)]).await;
        assert!(d.is_empty(), "{d}");
        assert_eq!((calls(&log, roles), calls(&log, workspaces)), (3, 2));
        // ... and in workspace 0, no list at all.
        let d = check_assignments(&shared, &ctx, &[pair(0, mine.role.id, 0)]).await;
        assert!(d.is_empty(), "{d}");
        let listed_before = (calls(&log, roles), calls(&log, workspaces));
        assert_eq!(listed_before, (3, 2));

        // Names: the role just made clashes regardless of case, not with itself.
        let d = check_unique_name(&shared, &ctx, UniqueName::Role, "MADE LATER", None).await;
        assert!(d.to_string().contains("already exists"), "{d}");
        assert!(
            check_unique_name(
                &shared,
                &ctx,
                UniqueName::Role,
                "made later",
                Some(made.role.id)
            )
            .await
            .is_empty()
        );
        let d = check_unique_name(
            &shared,
            &ctx,
            UniqueName::Service,
            "emulator admin service",
            None,
        )
        .await;
        assert!(d.to_string().contains("custom service"), "{d}");
        assert!(
            check_unique_name(&shared, &ctx, UniqueName::Service, "Fresh", None)
                .await
                .is_empty()
        );
    }

    #[tokio::test]
    async fn an_unconfigured_provider_is_not_checked() {
        let shared = Shared::default();
        let ctx = Context::default();
        assert!(
            check_assignments(&shared, &ctx, &[pair(0, 99, 0)])
                .await
                .is_empty()
        );
        assert!(
            check_unique_name(&shared, &ctx, UniqueName::Role, "x", None)
                .await
                .is_empty()
        );
        assert!(
            check_unique_name(&shared, &ctx, UniqueName::Service, "x", None)
                .await
                .is_empty()
        );
    }
}
