//! `--fail-on`: the conditions a plan can meet (`lockout`, `in-use`, `grant`, `revoke`), judged
//! on the computed review. `lockout` is the plan-time check's rule,
//! `crate::checks::access::judge`, on the pairs the provider's own user holds after the change.

use super::compute::{Lookup, Subject, grants_after};
use super::facts::Shown;
use super::model::{Lockout, Policy, Review, UserAction};
use crate::checks::access::{Access, judge};

/// One condition of `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Lockout,
    InUse,
    Grant,
    Revoke,
}

impl Condition {
    pub const ALL: [Condition; 4] = [
        Condition::Lockout,
        Condition::InUse,
        Condition::Grant,
        Condition::Revoke,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Condition::Lockout => "lockout",
            Condition::InUse => "in-use",
            Condition::Grant => "grant",
            Condition::Revoke => "revoke",
        }
    }

    /// Parses `--fail-on`'s comma list.
    pub fn parse_list(text: &str) -> Result<Vec<Condition>, String> {
        let mut out = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let c = Condition::ALL
                .into_iter()
                .find(|c| c.name() == part)
                .ok_or_else(|| {
                    format!(
                        "--fail-on: unknown condition \"{}\"; expected lockout, in-use, grant or revoke",
                        part.chars().filter(|c| !c.is_control()).take(40).collect::<String>()
                    )
                })?;
            if !out.contains(&c) {
                out.push(c);
            }
        }
        if out.is_empty() {
            return Err("--fail-on needs a comma list of lockout, in-use, grant, revoke".into());
        }
        Ok(out)
    }
}

/// The provider's own access after the change, for the user `identity`.
pub fn lockout(identity: &str, subjects: &[Subject], look: &Lookup) -> Lockout {
    let me = subjects.iter().find(|s| {
        [&s.email, &s.userid]
            .into_iter()
            .filter_map(Shown::known)
            .any(|e| e.eq_ignore_ascii_case(identity))
    });
    let (verdict, missing, reasons) = match me {
        None => (
            "unknown",
            Vec::new(),
            vec![format!(
                "{identity} is not managed by this plan and its roles were not read (--resolve reads them)"
            )],
        ),
        Some(s) => match judge(&grants_after(s, look)) {
            Access::Keeps => ("keeps", Vec::new(), Vec::new()),
            Access::Loses(m) => (
                "loses",
                m.iter().map(|p| p.to_string()).collect(),
                Vec::new(),
            ),
            Access::Unknown(why) => ("unknown", Vec::new(), why),
        },
    };
    Lockout {
        user: identity.to_string(),
        verdict,
        missing,
        reasons,
    }
}

/// Fills in the policy: what the plan meets, and what of `fail_on` it meets.
pub fn judge_review(
    review: &mut Review,
    fail_on: &[Condition],
    lockout: Option<Lockout>,
    usage_known: bool,
) {
    let mut met = Vec::new();
    if lockout.as_ref().is_some_and(|l| l.verdict == "loses") {
        met.push(Condition::Lockout);
    }
    let mut in_use = Vec::new();
    for s in &review.services {
        if s.usage.as_ref().is_some_and(|u| u.calls_last_7_days > 0) {
            in_use.push(s.address.clone());
        }
    }
    for u in &review.users {
        if matches!(u.action, UserAction::Delete | UserAction::Replace)
            && u.usage.as_ref().is_some_and(|x| x.calls_last_7_days > 0)
            && let Some(a) = &u.address
        {
            in_use.push(a.clone());
        }
    }
    if usage_known && !in_use.is_empty() {
        met.push(Condition::InUse);
    }
    if review
        .users
        .iter()
        .any(|u| !u.permissions.gained.is_empty() || !u.permissions.possibly_gained.is_empty())
    {
        met.push(Condition::Grant);
    }
    if review
        .users
        .iter()
        .any(|u| !u.permissions.lost.is_empty() || !u.permissions.possibly_lost.is_empty())
    {
        met.push(Condition::Revoke);
    }
    review.policy = Policy {
        fail_on: fail_on.iter().map(|c| c.name().to_string()).collect(),
        failed: met
            .iter()
            .filter(|c| fail_on.contains(c))
            .map(|c| c.name().to_string())
            .collect(),
        met: met.iter().map(|c| c.name().to_string()).collect(),
        lockout,
        in_use,
    };
}
