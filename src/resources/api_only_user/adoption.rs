//! An invitation refused because the user exists (409 / 1017, issue 12): the error names the
//! existing user's userid in a ready-to-paste `import` block, and with `adopt_existing` a user
//! that matches the configuration is adopted.

use std::collections::BTreeSet;

use super::model::{Expiry, TYPE_NAME, UserModel, attr};
use super::state::{assignments, state_of};
use crate::adapters::crud::Failed;
use crate::checks::adoption::{self, Differences, Existing};
use crate::common::api_error;
use marketo_client::{Client, FoundUser, InviteUser, RoleWorkspace};
use tfplugin6::model::Attr;
use tfplugin6::{AttributePath, Diagnostic, Diagnostics};

/// What an invitation of `config` that Marketo refused as "already exists" turns into.
pub(super) async fn on_create_conflict(
    client: &Client,
    adopt: bool,
    config: &UserModel,
    invite: &InviteUser,
    err: &marketo_client::Error,
) -> Failed<UserModel> {
    let email = invite.email_address.as_str();
    let key = invite.userid.as_deref().unwrap_or(email);
    // The conflict may be on the userid or on the email: look by the one, then the other.
    let mut found = None;
    for k in [invite.userid.as_deref(), Some(email)]
        .into_iter()
        .flatten()
    {
        if let Ok(Some(f)) = client.find_user(k).await {
            found = Some(f);
            break;
        }
    }
    let Some(found) = found else {
        return refused(key, None, err).into();
    };
    let state = match state_of(client, &found, config).await {
        Ok(state) => state,
        Err(e) => {
            let mut diags = Diagnostics::new();
            diags.push(refused(key, Some(&found), err));
            diags.push(api_error(
                &format!("reading the existing user \"{}\"", found.userid()),
                &e,
            ));
            return diags.into();
        }
    };
    let existing = Existing {
        type_name: TYPE_NAME,
        what: "API-only user",
        label: format!("\"{}\"", found.userid()),
        id: found.userid().to_string(),
    };
    let differences = differences(config, &state);
    match adoption::decide(adopt, &existing, &differences, state, || {
        refused(key, Some(&found), err)
    }) {
        Ok((state, warnings)) => Failed::adopted(state, warnings),
        Err(d) => d.at(AttributePath::root(attr::EMAIL)).into(),
    }
}

fn pairs(set: &BTreeSet<RoleWorkspace>) -> String {
    let list: Vec<String> = set
        .iter()
        .map(|p| format!("role {} in workspace {}", p.access_role_id, p.workspace_id))
        .collect();
    if list.is_empty() {
        "none".to_string()
    } else {
        list.join(", ")
    }
}

/// The attributes in which `found` (the existing user, as its state would record it) differs from
/// `config`. `reason` is not compared: Marketo never returns it.
fn differences(config: &UserModel, found: &UserModel) -> Differences {
    let mut d = Differences::new();
    if config.userid.is_known() && config.userid != found.userid {
        d.text("userid", config.userid.as_str(), found.userid.as_str());
    }
    for (attr, want, have) in [
        ("email", &config.email, &found.email),
        ("first_name", &config.first_name, &found.first_name),
        ("last_name", &config.last_name, &found.last_name),
    ] {
        if want != have {
            d.text(attr, want.as_str(), have.as_str());
        }
    }
    let (want, have) = (&config.expires_at, &found.expires_at);
    if want != have {
        fn text(e: &Attr<Expiry>) -> Option<&str> {
            e.known().map(Expiry::text)
        }
        d.text("expires_at", text(want), text(have));
    }
    if found.api_only.known() != Some(&true) {
        d.push(
            "api_only",
            "an API-only user",
            "a user who logs in to Marketo's UI",
        );
    }
    if found.locked.known() == Some(&true) {
        d.push("locked", "an unlocked user", "it locked");
    }
    let (want, have) = (assignments(config), assignments(found));
    if want != have {
        d.push("role_assignment", &pairs(&want), &pairs(&have));
    }
    d
}

/// The error without adoption: the existing user's userid in an `import` block when it was found.
fn refused(key: &str, found: Option<&FoundUser>, err: &marketo_client::Error) -> Diagnostic {
    let (which, id) = match found {
        Some(f) if f.userid() == f.email_address() => {
            (format!("the user \"{}\"", f.userid()), f.userid())
        }
        Some(f) => (
            format!(
                "the user \"{}\" (email \"{}\")",
                f.userid(),
                f.email_address()
            ),
            f.userid(),
        ),
        None => (format!("a user with the email or userid \"{key}\""), key),
    };
    Diagnostic::error(
        "The user already exists in Marketo",
        format!(
            "Marketo already has {which} ({err}). {}",
            adoption::import_hint(TYPE_NAME, id)
        ),
    )
    .at(AttributePath::root(attr::EMAIL))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::assignments_attr;
    use marketo_client::ErrorKind;
    use tfplugin6::model::Attr;

    fn user(email: &str, first: &str, roles: &[(i64, i64)]) -> UserModel {
        UserModel {
            email: Attr::Known(email.to_string()),
            first_name: Attr::Known(first.to_string()),
            last_name: Attr::Known("Sync".to_string()),
            api_only: Attr::Known(true),
            locked: Attr::Known(false),
            role_assignment: assignments_attr(roles.iter().map(|&(r, w)| RoleWorkspace {
                access_role_id: r,
                workspace_id: w,
            })),
            ..UserModel::default()
        }
    }

    #[test]
    fn a_user_matches_on_every_configured_attribute() {
        let config = user("a@example.com", "A", &[(5, 0), (6, 1)]);
        let found = UserModel {
            userid: Attr::Known("a@example.com".to_string()),
            ..user("a@example.com", "A", &[(6, 1), (5, 0)])
        };
        assert!(differences(&config, &found).is_empty());
    }

    #[test]
    fn every_differing_attribute_is_named() {
        let config = UserModel {
            userid: Attr::Known("mine@example.com".to_string()),
            expires_at: Attr::Known(Expiry::new("2030-01-01T00:00:00Z")),
            ..user("a@example.com", "A", &[(5, 0)])
        };
        let found = UserModel {
            userid: Attr::Known("theirs@example.com".to_string()),
            api_only: Attr::Known(false),
            locked: Attr::Known(true),
            ..user("A@example.com", "B", &[(7, 0)])
        };
        let lines = differences(&config, &found).lines();
        for attr in [
            "`userid`",
            "`email`",
            "`first_name`",
            "`expires_at`",
            "`api_only`",
            "`locked`",
            "`role_assignment`: configured role 5 in workspace 0, Marketo has role 7",
        ] {
            assert!(lines.contains(attr), "{attr}: {lines}");
        }
        assert!(!lines.contains("`last_name`"), "{lines}");
    }

    #[test]
    fn the_refusal_names_the_userid() {
        let err = marketo_client::Error::new(ErrorKind::AlreadyExists, "exists");
        let d = refused("a@example.com", None, &err);
        assert!(
            d.detail
                .contains("to = marketo_api_only_user.<name>\n    id = \"a@example.com\""),
            "{}",
            d.detail
        );
        assert_eq!(d.attribute, Some(AttributePath::root(attr::EMAIL)));
    }
}
