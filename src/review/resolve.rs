//! `--resolve`: what the plan alone cannot know, read from Marketo with the provider's
//! credentials (`MARKETO_*`, see `env.rs`). Read-only GETs through `marketo_client::Client`,
//! which keeps to the call budget shared with the provider processes of the machine: who the
//! credentials log in as (the token's scope), role and workspace names (one list each, when a
//! pair names an id the plan does not), the permissions of roles Terraform does not manage (one
//! call a role, on instances that serve the role endpoints), the users holding changed roles
//! that Terraform does not manage (the user list, then one call per such API-only user), and
//! the last 7 days of usage (one call).

use std::collections::{BTreeSet, HashMap};

use marketo_client::{Client, ErrorKind};

use super::env::client_config_from_env;
use super::facts::{Facts, RoleRef, WsRef};
use super::model::{Resolved, Usage};

/// What the plan leaves unknown.
#[derive(Debug, Default)]
pub struct Needs {
    pub role_ids: BTreeSet<i64>,
    pub workspace_ids: BTreeSet<i64>,
    /// True when a managed role changes its permissions or existence: its holders that
    /// Terraform does not manage are read.
    pub holders: bool,
}

impl Needs {
    /// What a plan's facts leave unknown.
    pub fn of(facts: &Facts) -> Needs {
        let managed: BTreeSet<i64> = facts
            .roles
            .iter()
            .flat_map(|r| [r.before.as_ref(), r.after.as_ref()])
            .flatten()
            .filter_map(|s| s.id)
            .collect();
        let mut needs = Needs {
            holders: facts
                .roles
                .iter()
                .any(|r| r.before.is_some() && !matches!(r.action, super::plan::Action::NoOp)),
            ..Needs::default()
        };
        for side in facts
            .users
            .iter()
            .flat_map(|u| [u.before.as_ref(), u.after.as_ref()])
            .flatten()
        {
            for p in side.pairs.iter().flatten() {
                if let RoleRef::Id(id) = p.role
                    && !managed.contains(&id)
                    && !facts.role_permissions.contains_key(&id)
                {
                    needs.role_ids.insert(id);
                }
                if let WsRef::Id(id) = p.workspace
                    && !facts.workspace_names.contains_key(&id)
                {
                    needs.workspace_ids.insert(id);
                }
            }
        }
        needs
    }
}

/// Why `--resolve` failed; the text never holds a secret (the client's errors do not).
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("{0}")]
    Settings(#[from] super::env::EnvError),
    #[error("reading {what} from Marketo failed: {message}")]
    Call { what: &'static str, message: String },
}

fn failed(what: &'static str) -> impl Fn(marketo_client::Error) -> ResolveError {
    move |e| ResolveError::Call {
        what,
        message: e.to_string().replace('\n', " "),
    }
}

/// Reads what `needs` lists, and the usage and identity, from Marketo.
pub fn resolve(needs: Needs, managed_users: &BTreeSet<String>) -> Result<Resolved, ResolveError> {
    let config = client_config_from_env()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ResolveError::Call {
            what: "nothing",
            message: format!("cannot start the runtime: {e}"),
        })?;
    runtime.block_on(async move {
        let client = Client::new(config).map_err(failed("the client settings"))?;
        let mut out = Resolved::default();
        let identity = client
            .identity_email()
            .await
            .map_err(failed("the credentials' user"))?;
        out.identity = Some(identity.clone());
        let mut role_ids = needs.role_ids;
        let mut workspace_ids = needs.workspace_ids;

        // Users Terraform does not manage, with their roles: the holders of changed roles, and
        // the provider's own user.
        let own_unmanaged = !managed_users.contains(&identity.to_lowercase());
        if needs.holders || own_unmanaged {
            let users = if needs.holders {
                client.list_users().await.map_err(failed("the user list"))?
            } else {
                Vec::new()
            };
            let mut wanted: Vec<String> = users
                .iter()
                .filter(|u| u.api_only)
                .map(|u| u.userid.clone())
                .filter(|u| !managed_users.contains(&u.to_lowercase()))
                .collect();
            if own_unmanaged && !wanted.iter().any(|u| u.eq_ignore_ascii_case(&identity)) {
                wanted.push(identity.clone());
            }
            for userid in wanted {
                let Some(user) = client
                    .find_user(&userid)
                    .await
                    .map_err(failed("a user's roles"))?
                else {
                    continue;
                };
                let (email, pairs) = match user {
                    marketo_client::FoundUser::Active(u) => (
                        u.email_address.clone(),
                        u.user_role_workspaces
                            .iter()
                            .map(|p| (p.access_role_id, p.workspace_id))
                            .collect::<Vec<_>>(),
                    ),
                    marketo_client::FoundUser::Pending(_) => continue,
                };
                let email = if email.is_empty() { userid } else { email };
                for &(r, w) in &pairs {
                    role_ids.insert(r);
                    workspace_ids.insert(w);
                }
                out.unmanaged.push((email, pairs));
            }
            out.holders_read = needs.holders;
        }

        if !role_ids.is_empty() {
            let roles = client.list_roles().await.map_err(failed("the role list"))?;
            for r in roles {
                out.role_names.insert(r.id, r.name);
            }
        }
        if !workspace_ids.is_empty() {
            let list = client
                .list_workspaces()
                .await
                .map_err(failed("the workspace list"))?;
            for w in list {
                out.workspace_names.insert(w.id, w.name);
            }
        }
        for id in role_ids {
            match client.get_role(id).await {
                Ok(Some(detail)) => {
                    out.role_permissions.insert(id, detail.permissions);
                }
                Ok(None) => {}
                Err(e) if e.kind() == ErrorKind::EndpointMissing => {
                    out.permissions_unavailable = Some(
                        "the instance does not serve the role endpoints (guide \"Admin endpoints\")"
                            .into(),
                    );
                    break;
                }
                Err(e) => return Err(failed("a role's permissions")(e)),
            }
        }

        let days = client
            .usage_last_7_days()
            .await
            .map_err(failed("the usage of the last 7 days"))?;
        let mut usage: HashMap<String, Usage> = HashMap::new();
        for day in days {
            for u in day.users {
                let e = usage.entry(u.user_id.to_lowercase()).or_default();
                e.calls_last_7_days += u.count;
                if u.count > 0
                    && e.last_day_with_calls
                        .as_ref()
                        .is_none_or(|d| d.as_str() < day.date.as_str())
                {
                    e.last_day_with_calls = Some(day.date.clone());
                }
            }
        }
        out.usage = Some(usage);
        let m = client.metrics();
        out.calls = m.api_requests + m.identity_requests;
        Ok(out)
    })
}
