//! Self-lockout refused at plan (issue 17). The provider logs in as one API-only user (its
//! token's `scope`) through one custom service (its `client_id`). A plan that deletes or
//! replaces that user or that service, or that leaves the user without "Access User Management
//! Api" or "Access Users" (a change of its pairs, of a role it holds, or a role's deletion),
//! would lock the Terraform integration out for good: every later plan fails with 603, and only
//! the Admin UI can repair it. Such a plan is refused with an error naming what would be lost
//! and how to make the change safely, unless the provider's `allow_self_lockout` says the
//! integration is being decommissioned on purpose. What cannot be checked (values known only
//! after apply, role permissions the instance does not expose) is a warning.
//!
//! The look-ups (who the provider is, its pairs, its roles' permissions) are made only here, so
//! only for plans that touch access, and at most once per process (`crate::common::whoami`).

use super::access::{self, Access, Grants, NEEDED};
use super::values::escaped;
use crate::common::Shared;
use marketo_client::Client;
use tfplugin6::{AttributePath, Context, Diagnostic, Diagnostics};

/// The provider setting that lets a lockout through, and its environment variable.
pub const ALLOW_SELF_LOCKOUT: &str = "allow_self_lockout";
/// The environment variable of [`ALLOW_SELF_LOCKOUT`].
pub const ALLOW_SELF_LOCKOUT_ENV: &str = "MARKETO_ALLOW_SELF_LOCKOUT";

/// How a plan removes an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// `terraform destroy`, or the object left out of the configuration.
    Destroy,
    /// Destroyed and created again (a new userid, a new owner, `-replace`).
    Replace,
}

impl Removal {
    fn verb(self) -> &'static str {
        match self {
            Removal::Destroy => "Destroying",
            Removal::Replace => "Replacing",
        }
    }
}

/// A role's permissions after a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleAfter<'a> {
    /// These permission names.
    Grants(&'a [String]),
    /// Known only after apply.
    Unknown,
    /// The role is deleted (its pairs go with it).
    Deleted,
}

/// One pair the provider's user would hold after the change: the role's id, `None` when it is
/// known only after apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldPair {
    pub role_id: Option<i64>,
}

const HOW: &str = "To make this change safely, apply it with another integration's credentials: a \
                   second `provider \"marketo\"` block with an `alias` and the client_id and \
                   client_secret of a custom service whose user keeps both permissions, and \
                   `provider = marketo.<alias>` on this resource.";

fn refusal(
    shared: &Shared,
    summary: &str,
    what: String,
    path: Option<AttributePath>,
) -> Diagnostics {
    let allowed = shared.guards().allow_self_lockout;
    let detail = if allowed {
        format!(
            "{what} `{ALLOW_SELF_LOCKOUT}` is set, so the plan goes on: after this apply the \
             provider cannot read or change anything on this instance with these credentials."
        )
    } else {
        format!(
            "{what} Every later plan would fail with Marketo's 603 (access denied), and only \
             Marketo's Admin UI could restore access. {HOW} To decommission this integration on \
             purpose, set `{ALLOW_SELF_LOCKOUT} = true` in the provider block (or \
             {ALLOW_SELF_LOCKOUT_ENV}=true) for this apply."
        )
    };
    let d = if allowed {
        Diagnostic::warning(summary, detail)
    } else {
        Diagnostic::error(summary, detail)
    };
    match path {
        Some(p) => d.at(p),
        None => d,
    }
    .into_diagnostics()
}

fn unchecked(why: &[String], what: &str) -> Diagnostics {
    Diagnostic::warning(
        "Could not check that the provider keeps its access",
        format!(
            "{what} may leave the API-only user this provider logs in as without {}, and that \
             could not be checked: {}. Check it before applying: without both, the provider is \
             locked out of the instance.",
            access::listed(&NEEDED),
            why.join("; ")
        ),
    )
    .into_diagnostics()
}

/// The provider's userid; when it cannot be learnt, the warning that says this change went
/// unchecked.
async fn me(shared: &Shared, client: &Client) -> Result<String, Diagnostics> {
    shared
        .whoami
        .userid(client)
        .await
        .map_err(|why| unchecked(&[why], "This change"))
}

/// Deleting or replacing the user `userid`: refused when it is the provider's own.
pub async fn user_removed(
    shared: &Shared,
    ctx: &Context,
    userid: &str,
    how: Removal,
) -> Diagnostics {
    let Ok(client) = shared.client(ctx) else {
        return Diagnostics::new();
    };
    match me(shared, &client).await {
        Ok(mine) if mine.eq_ignore_ascii_case(userid) => refusal(
            shared,
            "This plan locks the Terraform integration out of Marketo",
            format!(
                "{} the API-only user \"{}\" removes the user this provider logs in as (its \
                 credentials' service belongs to it).",
                how.verb(),
                escaped(userid)
            ),
            None,
        ),
        Ok(_) => Diagnostics::new(),
        Err(warning) => warning,
    }
}

/// Deleting or replacing the service whose client id is `client_id`: refused when it is the
/// provider's own.
pub async fn service_removed(
    shared: &Shared,
    ctx: &Context,
    client_id: &str,
    name: &str,
    how: Removal,
) -> Diagnostics {
    let Ok(client) = shared.client(ctx) else {
        return Diagnostics::new();
    };
    if client.config().client_id != client_id {
        return Diagnostics::new();
    }
    refusal(
        shared,
        "This plan locks the Terraform integration out of Marketo",
        format!(
            "{} the custom service \"{}\" removes the credentials this provider logs in with \
             (its client_id is the provider's).",
            how.verb(),
            escaped(name)
        ),
        None,
    )
}

/// What the provider's user would hold after a change: the permissions of each role of `pairs`,
/// with `known` overriding what the instance says for a role the plan changes (`None`: deleted).
async fn judge_pairs(
    shared: &Shared,
    client: &Client,
    pairs: &[HeldPair],
    changed: Option<(i64, RoleAfter<'_>)>,
) -> Access {
    let mut grants = Vec::new();
    for p in pairs {
        let Some(id) = p.role_id else {
            grants.push(Grants::Unknown(
                "a role id of the new role_assignment is known only after apply".into(),
            ));
            continue;
        };
        match changed {
            Some((changed_id, after)) if changed_id == id => grants.push(match after {
                RoleAfter::Grants(names) => Grants::Known(names.to_vec()),
                RoleAfter::Unknown => {
                    Grants::Unknown("the role's new permissions are known only after apply".into())
                }
                RoleAfter::Deleted => Grants::Known(Vec::new()),
            }),
            _ => grants.push(match shared.whoami.grants(client, id).await {
                Ok(perms) => Grants::Known(perms.unwrap_or_default()),
                Err(why) => Grants::Unknown(why),
            }),
        }
    }
    access::judge(&grants)
}

fn verdict(
    shared: &Shared,
    access: Access,
    what: String,
    path: Option<AttributePath>,
) -> Diagnostics {
    match access {
        Access::Keeps => Diagnostics::new(),
        Access::Loses(missing) => refusal(
            shared,
            "This plan locks the Terraform integration out of Marketo",
            format!(
                "{what} leaves the API-only user this provider logs in as without {}, which \
                 Marketo's User Management API needs for every call.",
                access::listed(&missing)
            ),
            path,
        ),
        Access::Unknown(why) => unchecked(&why, &what),
    }
}

/// A change of the pairs of user `userid` to `after`: refused when it is the provider's own
/// user and it would lose its access.
pub async fn pairs_changed(
    shared: &Shared,
    ctx: &Context,
    userid: &str,
    after: &[HeldPair],
    path: AttributePath,
) -> Diagnostics {
    let Ok(client) = shared.client(ctx) else {
        return Diagnostics::new();
    };
    match me(shared, &client).await {
        Ok(mine) if mine.eq_ignore_ascii_case(userid) => {
            let access = judge_pairs(shared, &client, after, None).await;
            let what = format!(
                "Changing the role_assignment of \"{}\", the user this provider logs in as,",
                escaped(userid)
            );
            verdict(shared, access, what, Some(path))
        }
        Ok(_) => Diagnostics::new(),
        Err(warning) => warning,
    }
}

/// A change of role `role_id`'s permissions to `after`, or its deletion: refused when the
/// provider's user holds the role and would lose its access.
pub async fn role_changed(
    shared: &Shared,
    ctx: &Context,
    role_id: i64,
    role_name: &str,
    after: RoleAfter<'_>,
    path: Option<AttributePath>,
) -> Diagnostics {
    let Ok(client) = shared.client(ctx) else {
        return Diagnostics::new();
    };
    let pairs = match shared.whoami.pairs(&client).await {
        Ok(pairs) => pairs,
        Err(why) => return unchecked(&[why], "Changing this role"),
    };
    if !pairs.iter().any(|(r, _)| *r == role_id) {
        return Diagnostics::new();
    }
    // Deleting a role takes its pairs away.
    let held: Vec<HeldPair> = pairs
        .iter()
        .filter(|(r, _)| after != RoleAfter::Deleted || *r != role_id)
        .map(|(r, _)| HeldPair { role_id: Some(*r) })
        .collect();
    let access = judge_pairs(shared, &client, &held, Some((role_id, after))).await;
    let what = match after {
        RoleAfter::Grants(_) | RoleAfter::Unknown => format!(
            "Changing the permissions of the role \"{}\", which the provider's own user holds,",
            escaped(role_name)
        ),
        RoleAfter::Deleted => format!(
            "Destroying the role \"{}\", which the provider's own user holds,",
            escaped(role_name)
        ),
    };
    verdict(shared, access, what, path)
}
