//! Live integrations flagged at plan (issue 17). A plan that destroys or replaces a custom
//! service or an API-only user cuts off whatever integration logs in through it. Marketo counts
//! every API call per API user (its published Usage API); the provider reads the last 7 days
//! once per process, only when a plan removes such an object, and says on each one how much its
//! user is used. The provider's `in_use_check` makes that a warning (the default), an error, or
//! nothing. The check itself never blocks a plan: when the usage cannot be read, one warning says
//! so.

use super::lockout::Removal;
use super::values::escaped;
use crate::common::{InUseCheck, Shared};
use marketo_client::UsageDay;
use tfplugin6::{Context, Diagnostic, Diagnostics};

/// The provider setting, and its environment variable.
pub const IN_USE_CHECK: &str = "in_use_check";
/// The environment variable of [`IN_USE_CHECK`].
pub const IN_USE_CHECK_ENV: &str = "MARKETO_IN_USE_CHECK";

/// How much an API user was used: calls in the days given, and the latest day with any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    pub calls: u64,
    pub last_day: Option<String>,
}

/// The use of `userid` (compared regardless of case) in Marketo's `days`.
pub fn use_of(days: &[UsageDay], userid: &str) -> Use {
    let mut calls = 0;
    let mut last_day: Option<String> = None;
    for day in days {
        let n: u64 = day
            .users
            .iter()
            .filter(|u| u.user_id.eq_ignore_ascii_case(userid))
            .map(|u| u.count)
            .sum();
        calls += n;
        if n > 0 && last_day.as_deref().is_none_or(|d| day.date.as_str() > d) {
            last_day = Some(day.date.clone());
        }
    }
    Use { calls, last_day }
}

/// `4210` as `4,210`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The warning (or error) for removing `what` (e.g. `the custom service "CRM Sync"`), whose API
/// user is `userid`, when that user made calls in the last 7 days.
pub async fn check(
    shared: &Shared,
    ctx: &Context,
    userid: &str,
    what: &str,
    how: Removal,
) -> Diagnostics {
    let mode = shared.guards().in_use;
    if mode == InUseCheck::Off {
        return Diagnostics::new();
    }
    let Ok(client) = shared.client(ctx) else {
        return Diagnostics::new();
    };
    let days = match shared.whoami.usage(&client).await {
        Ok(days) => days,
        Err(why) if shared.whoami.first_usage_failure() => {
            return Diagnostic::warning(
                "Could not check whether the integrations this plan removes are in use",
                format!("{why}. The plan goes on; `{IN_USE_CHECK}` = \"off\" skips this check."),
            )
            .into_diagnostics();
        }
        Err(_) => return Diagnostics::new(),
    };
    let Use { calls, last_day } = use_of(&days, userid);
    if calls == 0 {
        return Diagnostics::new();
    }
    let verb = match how {
        Removal::Destroy => "destroys",
        Removal::Replace => "replaces",
    };
    // One summary per object: Terraform folds warnings that share a summary into one.
    let summary = format!("In use: {what}");
    let detail = format!(
        "{} made {} API calls in the last 7 days, most recently on {}. This plan {verb} {what}, \
         which cuts off whatever logs in through it.",
        escaped(userid),
        thousands(calls),
        last_day.unwrap_or_default()
    );
    match mode {
        InUseCheck::Error => Diagnostic::error(
            &summary,
            format!(
                "{detail} The provider's `{IN_USE_CHECK}` is \"error\": move the integration first, \
                 or set it to \"warn\" ({IN_USE_CHECK_ENV}=warn) to apply this change."
            ),
        ),
        _ => Diagnostic::warning(&summary, detail),
    }
    .into_diagnostics()
}

#[cfg(test)]
mod tests {
    use super::*;
    use marketo_client::UserCount;

    fn day(date: &str, users: &[(&str, u64)]) -> UsageDay {
        UsageDay {
            date: date.into(),
            total: users.iter().map(|(_, n)| n).sum(),
            users: users
                .iter()
                .map(|(u, n)| UserCount {
                    user_id: (*u).into(),
                    count: *n,
                })
                .collect(),
        }
    }

    #[test]
    fn calls_and_the_last_day_are_counted_per_user_regardless_of_case() {
        let days = [
            day(
                "2026-12-03",
                &[("crm@example.com", 10), ("other@example.com", 5)],
            ),
            day("2026-12-05", &[("CRM@example.com", 4200)]),
            day("2026-12-06", &[("other@example.com", 1)]),
        ];
        assert_eq!(
            use_of(&days, "crm@example.com"),
            Use {
                calls: 4210,
                last_day: Some("2026-12-05".into())
            }
        );
        assert_eq!(
            use_of(&days, "none@example.com"),
            Use {
                calls: 0,
                last_day: None
            }
        );
    }

    #[test]
    fn counts_read_with_thousands_separators() {
        assert_eq!(thousands(4210), "4,210");
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(100), "100");
    }
}
