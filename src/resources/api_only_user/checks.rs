//! The checks of a `marketo_api_only_user` configuration that need no API call (each value at
//! its attribute path), and the pairs a plan-time check looks up in the instance.

use chrono::{DateTime, Utc};

use super::model::{UserModel, attr};
use crate::checks::instance::Pair;
use crate::checks::values::{self, check_at};
use tfplugin6::model::Attr;
use tfplugin6::{AttributePath, Diagnostic, Diagnostics, Number};

/// Longest first or last name accepted (Marketo's user form stops there too).
pub(super) const MAX_NAME: usize = 255;
/// Longest invitation reason accepted.
pub(super) const MAX_REASON: usize = 255;

/// Checks what is known of a configuration; `now` is when the check runs, for `expires_at`
/// (checked only when `check_future`).
pub(super) fn check_config(
    config: &UserModel,
    check_future: bool,
    now: DateTime<Utc>,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if let Some(email) = config.email.as_str() {
        check_at(
            &mut diags,
            AttributePath::root(attr::EMAIL),
            "Invalid email address",
            values::email(email),
        );
    }
    for (name, value) in [
        ("first_name", &config.first_name),
        ("last_name", &config.last_name),
    ] {
        if let Some(v) = value.as_str() {
            check_at(
                &mut diags,
                AttributePath::root(name),
                "Invalid name",
                values::text(v, MAX_NAME, true),
            );
        }
    }
    if let Some(v) = config.reason.as_str() {
        check_at(
            &mut diags,
            AttributePath::root(attr::REASON),
            "Invalid reason",
            values::text(v, MAX_REASON, false),
        );
    }
    if let Some(userid) = config.userid.as_str() {
        check_at(
            &mut diags,
            AttributePath::root(attr::USERID),
            "Invalid userid",
            values::userid(userid),
        );
    }
    if let Some(expiry) = config.expires_at.known() {
        check_at(
            &mut diags,
            AttributePath::root(attr::EXPIRES_AT),
            "Invalid expires_at",
            expiry.check(check_future.then_some(now)),
        );
    }
    check_assignment_ids(&mut diags, config);
    diags
}

/// The `role_assignment` ids: whole numbers from 0 to 2^31-1 (Marketo's ids are 32-bit), each
/// refused at its path, `role_assignment[<n>].role_id` (n counts the blocks in the order
/// Terraform sends the set).
pub(super) fn check_assignment_ids(diags: &mut Diagnostics, config: &UserModel) {
    for (n, element) in config
        .role_assignment
        .known()
        .into_iter()
        .flatten()
        .enumerate()
    {
        for (attr, v) in [
            ("role_id", &element.role_id),
            ("workspace_id", &element.workspace_id),
        ] {
            let shown = match v {
                Attr::Unknown => continue,
                Attr::Null => "null".to_string(),
                Attr::Known(n) => n.to_string(),
            };
            if v.known().is_some_and(|n| whole_id(n).is_some()) {
                continue;
            }
            let path = format!("role_assignment[{n}].{attr}");
            diags.push(
                Diagnostic::error(
                    format!("Invalid {path}"),
                    format!(
                        "`{path}` is {shown}: a Marketo id is a whole number from 0 to \
                         2147483647. Refer to an id Marketo gave, such as \
                         marketo_api_only_role.<name>.id or data.marketo_role.<name>.id."
                    ),
                )
                .at(AttributePath::root(attr::ROLE_ASSIGNMENT)),
            );
        }
    }
}

/// The `role_assignment` blocks whose ids are known and valid, counted as validate counts them.
pub(super) fn known_pairs(config: &UserModel) -> Vec<Pair> {
    config
        .role_assignment
        .known()
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(index, a)| {
            Some(Pair {
                index,
                role_id: whole_id(a.role_id.known()?)?,
                workspace_id: whole_id(a.workspace_id.known()?)?,
            })
        })
        .collect()
}

/// A number that is a Marketo id: whole, from 0 to 2^31-1.
pub(super) fn whole_id(n: &Number) -> Option<i64> {
    let f = n.as_f64();
    if f >= 0.0 && f.fract() == 0.0 && f < 2_147_483_648.0 {
        n.as_i64()
    } else {
        None
    }
}
