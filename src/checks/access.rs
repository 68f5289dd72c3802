//! The provider's own access: what the Terraform integration needs to keep managing the instance,
//! and whether a change leaves it so (issue 17). One rule, used by the plan-time lockout check
//! and by `terraform-provider-marketo review`.
//!
//! Marketo's User Management API needs two permissions of the API-only user a provider logs in
//! as: "Access User Management Api" (Access API group) and "Access Users" (Access Admin group),
//! each from any role the user holds, in any workspace. A change that leaves the user without
//! either locks the integration out for good: only the Admin UI can repair it.

use std::collections::BTreeSet;

/// The permissions the provider's API-only user needs, in Marketo's spelling.
pub const NEEDED: [&str; 2] = ["Access User Management Api", "Access Users"];

/// What is known of the permissions of one role the user would hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grants {
    /// The role's permission names.
    Known(Vec<String>),
    /// Not known: the role's id is known only after apply, or the instance does not expose its
    /// permissions. The text says which, for the warning.
    Unknown(String),
}

/// The verdict on the access a user keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Both permissions are still granted by a known role.
    Keeps,
    /// Every role is known, and these permissions are granted by none of them.
    Loses(Vec<&'static str>),
    /// A permission is missing from the known roles, and a role whose permissions are not known
    /// might grant it: the reasons why they are not known.
    Unknown(Vec<String>),
}

/// Whether a user holding roles with `grants` (one entry per role/workspace pair it would hold)
/// keeps the access the provider needs. Permissions are compared as Marketo compares them,
/// regardless of case.
pub fn judge(grants: &[Grants]) -> Access {
    let mut known = BTreeSet::new();
    let mut unknown = Vec::new();
    for g in grants {
        match g {
            Grants::Known(names) => known.extend(names.iter().map(|n| n.to_lowercase())),
            Grants::Unknown(why) => {
                if !unknown.contains(why) {
                    unknown.push(why.clone());
                }
            }
        }
    }
    let missing: Vec<&'static str> = NEEDED
        .into_iter()
        .filter(|p| !known.contains(&p.to_lowercase()))
        .collect();
    match (missing.is_empty(), unknown.is_empty()) {
        (true, _) => Access::Keeps,
        (false, true) => Access::Loses(missing),
        (false, false) => Access::Unknown(unknown),
    }
}

/// Names as prose lists them: `"A"`, `"A" and "B"`.
pub fn listed(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(names: &[&str]) -> Grants {
        Grants::Known(names.iter().map(|n| n.to_string()).collect())
    }

    #[test]
    fn both_permissions_from_any_roles_keep_access() {
        assert_eq!(
            judge(&[known(&["Access User Management Api", "Access Users"])]),
            Access::Keeps
        );
        assert_eq!(
            judge(&[
                known(&["access user management api"]),
                known(&["ACCESS USERS", "Read-Only Lead"])
            ]),
            Access::Keeps
        );
        // Known roles that grant both make unknown ones irrelevant.
        assert_eq!(
            judge(&[known(&NEEDED), Grants::Unknown("x".into())]),
            Access::Keeps
        );
    }

    #[test]
    fn a_missing_permission_is_lost_when_every_role_is_known() {
        assert_eq!(
            judge(&[known(&["Access Users"])]),
            Access::Loses(vec!["Access User Management Api"])
        );
        assert_eq!(judge(&[]), Access::Loses(NEEDED.to_vec()));
    }

    #[test]
    fn an_unknown_role_makes_a_missing_permission_uncertain() {
        let why = "role_assignment[0].role_id is known only after apply".to_string();
        assert_eq!(
            judge(&[
                known(&["Access Users"]),
                Grants::Unknown(why.clone()),
                Grants::Unknown(why.clone())
            ]),
            Access::Unknown(vec![why])
        );
    }

    #[test]
    fn lists_read_as_prose() {
        assert_eq!(
            listed(&NEEDED),
            "\"Access User Management Api\" and \"Access Users\""
        );
        assert_eq!(listed(&["A"]), "\"A\"");
    }
}
