//! The review as text: Markdown for a pull-request comment or a CI job summary (a summary line,
//! one section per user with granted and revoked marked, then roles and services), and JSON
//! (the model's own serialisation, `format_version` "1"). Every text of the plan is escaped for
//! Markdown; sensitive values were replaced at parse time and show as "(sensitive)".

use std::fmt::Write;

use super::model::*;

/// A plan's text made safe for Markdown: one line, control characters dropped, Markdown and
/// HTML characters escaped.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn shown(s: &Shown) -> String {
    match s {
        Shown::Known(t) => md(t),
        Shown::AfterApply => "(known after apply)".into(),
        Shown::Sensitive => "(sensitive)".into(),
        Shown::Absent => "(none)".into(),
    }
}

fn role(r: &RoleName) -> String {
    let name = match &r.name {
        Shown::Known(n) => format!("**{}**", md(n)),
        Shown::Absent => "role (name not in the plan)".into(),
        other => shown(other),
    };
    match (r.id, &r.address) {
        (Some(id), _) => format!("{name} ({id})"),
        (None, Some(_)) => format!("{name} (new: id known after apply)"),
        (None, None) => name,
    }
}

fn workspace(w: &WorkspaceName) -> String {
    match (&w.name, w.id) {
        (Shown::Known(n), Some(id)) => format!("**{}** ({id})", md(n)),
        (_, Some(id)) => format!("workspace {id} (name not in the plan)"),
        (other, None) => shown(other),
    }
}

fn list(names: &[String]) -> String {
    names.iter().map(|n| md(n)).collect::<Vec<_>>().join(", ")
}

fn action_words(a: Action) -> &'static str {
    match a {
        Action::Create => "created",
        Action::Delete => "destroyed",
        Action::Replace => "replaced",
        Action::Update => "updated in place",
        Action::Forget => "removed from the state (left in Marketo)",
        Action::NoOp | Action::Read => "unchanged",
        Action::Other => "changed",
    }
}

fn user_words(a: UserAction) -> &'static str {
    match a {
        UserAction::Create => "created",
        UserAction::Delete => "destroyed",
        UserAction::Replace => "replaced",
        UserAction::Update => "updated in place",
        UserAction::NoOp => "user unchanged, a role it holds changes",
        UserAction::Forget => "removed from the state (left in Marketo)",
        UserAction::Unmanaged => "not managed by Terraform",
    }
}

fn usage(u: &Usage) -> String {
    match &u.last_day_with_calls {
        Some(d) => format!(
            "{} API calls in the last 7 days, the last on {}",
            u.calls_last_7_days,
            md(d)
        ),
        None => "no API calls in the last 7 days".into(),
    }
}

/// The summary line.
pub fn summary_text(s: &Summary) -> String {
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    if s.users + s.roles + s.services == 0 {
        return "No change to Marketo access.".into();
    }
    format!(
        "{}: {} granted, {} revoked; {} and {} change.",
        plural(s.users, "API-only user affected", "API-only users affected"),
        plural(s.permissions_granted, "permission", "permissions"),
        s.permissions_revoked,
        plural(s.roles, "role", "roles"),
        plural(s.services, "custom service", "custom services"),
    )
}

/// The Markdown review.
pub fn markdown(r: &Review) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "## Marketo access review\n");
    let _ = writeln!(o, "**{}**\n", r.summary.text);
    if !r.policy.failed.is_empty() {
        let _ = writeln!(
            o,
            "> ⛔ **Policy:** this plan meets `{}` (`--fail-on {}`).\n",
            r.policy.failed.join("`, `"),
            r.policy.fail_on.join(",")
        );
    }
    if let Some(l) = &r.policy.lockout {
        let text = match l.verdict {
            "keeps" => format!("✅ The provider's user {} keeps its access.", md(&l.user)),
            "loses" => format!(
                "⛔ **Lockout:** the provider's user {} loses {}: only the Admin UI could repair it.",
                md(&l.user),
                list(&l.missing)
            ),
            _ => format!(
                "❔ Whether the provider's user {} keeps its access is not known: {}.",
                md(&l.user),
                list(&l.reasons)
            ),
        };
        let _ = writeln!(o, "{text}\n");
    }
    for u in &r.users {
        user_section(&mut o, u);
    }
    if !r.roles.is_empty() {
        let _ = writeln!(o, "### Roles\n");
        for role in &r.roles {
            role_section(&mut o, role);
        }
    }
    if !r.services.is_empty() {
        let _ = writeln!(o, "### Custom services\n");
        for s in &r.services {
            service_section(&mut o, s);
        }
    }
    if !r.notes.is_empty() {
        let _ = writeln!(o, "### Not known from the plan\n");
        for n in &r.notes {
            let _ = writeln!(o, "- {}", md(n));
        }
        o.push('\n');
    }
    if let Some(res) = &r.resolve {
        let _ = writeln!(
            o,
            "<sub>Resolved with {} read-only calls to Marketo{}. Plan format {}{}.</sub>",
            res.calls,
            res.identity
                .as_ref()
                .map(|i| format!(" as {}", md(i)))
                .unwrap_or_default(),
            md(&r.plan.format_version),
            r.plan
                .terraform_version
                .as_ref()
                .map(|v| format!(", Terraform {}", md(v)))
                .unwrap_or_default()
        );
    } else {
        let _ = writeln!(
            o,
            "<sub>From the plan alone (no call to Marketo). Plan format {}{}.</sub>",
            md(&r.plan.format_version),
            r.plan
                .terraform_version
                .as_ref()
                .map(|v| format!(", Terraform {}", md(v)))
                .unwrap_or_default()
        );
    }
    o
}

fn user_section(o: &mut String, u: &UserReview) {
    let _ = writeln!(o, "### 👤 {} ({})\n", shown(&u.email), user_words(u.action));
    if let Some(a) = &u.address {
        let _ = writeln!(o, "`{}`\n", a.replace('`', "'"));
    }
    if !u.pairs.gained.is_empty() || !u.pairs.lost.is_empty() {
        let _ = writeln!(o, "| | role | workspace |\n|---|---|---|");
        for p in &u.pairs.gained {
            let _ = writeln!(
                o,
                "| ➕ **granted** | {} | {} |",
                role(&p.role),
                workspace(&p.workspace)
            );
        }
        for p in &u.pairs.lost {
            let _ = writeln!(
                o,
                "| ➖ **revoked** | {} | {} |",
                role(&p.role),
                workspace(&p.workspace)
            );
        }
        o.push('\n');
    }
    if !u.pairs.known {
        let _ = writeln!(o, "- ❔ Its role assignments are known only after apply.");
    }
    let p = &u.permissions;
    if !p.gained.is_empty() {
        let _ = writeln!(o, "- ➕ **Permissions granted:** {}", list(&p.gained));
    }
    if !p.lost.is_empty() {
        let _ = writeln!(o, "- ➖ **Permissions revoked:** {}", list(&p.lost));
    }
    if !p.possibly_gained.is_empty() {
        let _ = writeln!(o, "- ❔ **Possibly granted:** {}", list(&p.possibly_gained));
    }
    if !p.possibly_lost.is_empty() {
        let _ = writeln!(o, "- ❔ **Possibly revoked:** {}", list(&p.possibly_lost));
    }
    for why in &p.unknown {
        let _ = writeln!(o, "- ❔ Not known: {}.", md(why));
    }
    if p.is_empty() && p.unknown.is_empty() && u.pairs.known {
        let _ = writeln!(o, "- No permission changes.");
    }
    if let Some(e) = &u.expiry {
        let text = match e.change {
            "set" => format!("expiry set to {}", shown(&e.after)),
            "removed" => format!("expiry removed (was {})", shown(&e.before)),
            _ => format!(
                "expiry moved from {} to {}",
                shown(&e.before),
                shown(&e.after)
            ),
        };
        let _ = writeln!(o, "- ⏱ {text}");
    }
    if let Some(x) = &u.usage {
        let _ = writeln!(o, "- 📈 {}", usage(x));
    }
    o.push('\n');
}

fn role_section(o: &mut String, r: &RoleReview) {
    let id = r.id.map(|i| format!(" ({i})")).unwrap_or_default();
    let _ = writeln!(
        o,
        "#### {}{id}: {}\n",
        shown(&r.name),
        action_words(r.action)
    );
    let _ = writeln!(o, "`{}`\n", r.address.replace('`', "'"));
    if let Some(old) = &r.renamed_from {
        let _ = writeln!(o, "- renamed from {}", shown(old));
    }
    if !r.permissions.added.is_empty() {
        let _ = writeln!(
            o,
            "- ➕ **Permissions added:** {}",
            list(&r.permissions.added)
        );
    }
    if !r.permissions.removed.is_empty() {
        let _ = writeln!(
            o,
            "- ➖ **Permissions removed:** {}",
            list(&r.permissions.removed)
        );
    }
    if r.permissions.after.is_none() && !matches!(r.action, Action::Delete | Action::Forget) {
        let _ = writeln!(o, "- ❔ Its permissions are known only after apply.");
    }
    let names = |h: &[Shown]| {
        if h.is_empty() {
            "none".to_string()
        } else {
            h.iter().map(shown).collect::<Vec<_>>().join(", ")
        }
    };
    let _ = writeln!(o, "- Held before by: {}", names(&r.holders.before));
    if !matches!(r.action, Action::Delete | Action::Forget) {
        let _ = writeln!(o, "- Held after by: {}", names(&r.holders.after));
    }
    if !r.holders.complete {
        let _ = writeln!(
            o,
            "- _Only users Terraform manages are listed; `--resolve` reads the others._"
        );
    }
    o.push('\n');
}

fn service_section(o: &mut String, s: &ServiceReview) {
    let _ = writeln!(
        o,
        "#### {}: {}\n",
        shown(&s.display_name),
        action_words(s.action)
    );
    let _ = writeln!(o, "`{}`\n", s.address.replace('`', "'"));
    match (&s.owner.before, &s.owner.after) {
        (Some(b), Some(a)) if b != a => {
            let _ = writeln!(o, "- owner: {} → {}", shown(b), shown(a));
        }
        (_, Some(x)) | (Some(x), None) => {
            let _ = writeln!(o, "- owner: {}", shown(x));
        }
        (None, None) => {}
    }
    if let Some(sec) = &s.secret {
        let text = match sec.change {
            "kept-in-state" => "🔑 its client secret will be kept in the Terraform state",
            _ => "🔒 its client secret is taken out of the Terraform state",
        };
        let _ = writeln!(o, "- {text}");
    }
    if let Some(u) = &s.usage {
        let _ = writeln!(o, "- 📈 owner: {}", usage(u));
    }
    o.push('\n');
}

/// The JSON review.
pub fn json(r: &Review) -> String {
    serde_json::to_string_pretty(r).unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_texts_cannot_break_markdown() {
        assert_eq!(md("a|b<script>\n`x`"), "a\\|b\\<script\\> \\`x\\`");
    }
}
