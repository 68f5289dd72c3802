//! `terraform-provider-marketo review PLAN_JSON`: an access review of a saved plan, per API-only
//! user by name (issue 18), for a CI job to post on a pull request.
//!
//! May live here: the command line (arguments, input, exit codes) and putting the parts
//! together. The parts: `plan.rs` reads the plan JSON (and strips every sensitive value),
//! `facts.rs` types its Marketo objects, `compute.rs` makes the review (`model.rs`), `policy.rs`
//! judges `--fail-on`, `render.rs` writes Markdown or JSON, `resolve.rs` (with `env.rs`) reads
//! what the plan lacks from Marketo. May not: the provider or the registry (the review runs
//! without a Terraform core); the provider's own access rule is `crate::checks::access`.
//!
//! Exit codes: 0 reviewed, 3 a `--fail-on` condition is met, 2 bad input or arguments, 1 a
//! `--resolve` call failed.

pub mod compute;
pub mod env;
pub mod facts;
pub mod model;
pub mod plan;
pub mod policy;
pub mod render;
pub mod resolve;

use std::io::{Read, Write};
use std::process::ExitCode;

use model::{FORMAT_VERSION, PlanInfo, ResolveInfo, Resolved, Review, Summary, Usage};
use policy::Condition;

/// The help text of `review --help`.
pub const HELP: &str = "\
terraform-provider-marketo review: who gains and loses which Marketo permission, by name,
from a saved Terraform plan.

USAGE
    terraform plan -out tfplan
    terraform show -json tfplan > plan.json
    terraform-provider-marketo review [OPTIONS] PLAN_JSON

    PLAN_JSON is what `terraform show -json tfplan` prints (Terraform 1.0 to 1.15); `-` reads
    standard input.

WHAT IT REPORTS
    Per API-only user (by email): role/workspace pairs granted and revoked, by role and
    workspace name; effective permissions granted and revoked (the union of the permissions of
    the roles it holds, before and after: roles created or changed in the same plan, roles read
    through data sources, roles referred to by reference whose id is known only after apply);
    the user created, destroyed or replaced; its expiry set, moved or removed.
    Per role: permissions added and removed, and the users holding it before and after.
    Per custom service: created, destroyed or replaced, with its owner; store_client_secret
    changes (a secret newly kept in, or taken out of, the state).
    Values known only after apply are shown as such. A permission that a role of unknown
    permissions might already grant is \"possibly\" granted, never guessed.
    Sensitive values of the plan are never printed, in any format.

OPTIONS
    --format markdown|json
        markdown (default): a summary line, then one section per user, for a pull-request
        comment or a CI job summary. json: the same review as a JSON object whose
        \"format_version\" is \"1\" (schema: docs/guides/access-review-in-ci.md).
    --resolve
        Read what the plan alone cannot know from Marketo, with the provider's settings from
        the environment (MARKETO_ENDPOINT or MARKETO_MUNCHKIN_ID, MARKETO_CLIENT_ID,
        MARKETO_CLIENT_SECRET, MARKETO_IDENTITY_ENDPOINT, MARKETO_MAX_CALLS_PER_20_SECONDS,
        MARKETO_MAX_CONCURRENT_CALLS, MARKETO_REQUEST_TIMEOUT, MARKETO_MAX_RETRIES,
        MARKETO_CA_CERTIFICATE_FILE): the names of roles and workspaces given by literal id, the
        users Terraform does not manage that hold a changed role, the permissions of roles the
        instance exposes, the last 7 days of API usage per affected user, and the user the
        credentials log in as. Read-only, within the call budget shared with the provider; the
        number of calls is printed. Without --resolve, no network call is made.
    --fail-on LIST
        Exit 3 when the plan meets one of the comma-separated conditions:
          lockout  the provider's own user loses \"Access User Management Api\" or
                   \"Access Users\" (needs --resolve or --as)
          in-use   a destroyed or replaced service or user made API calls in the last 7 days
                   (needs --resolve)
          grant    a user is granted a permission (or possibly granted one)
          revoke   a user loses a permission (or possibly loses one)
    --as EMAIL
        The provider's own API-only user, for lockout without --resolve.
    -h, --help
        This text.

EXIT CODES
    0  reviewed; no --fail-on condition met
    3  a --fail-on condition is met
    2  bad input or arguments (not a plan, a plan of another provider only, an unsupported
       plan format version, an unknown option), told in one line
    1  a --resolve call to Marketo failed
";

/// Why the review did not run; one line each.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("{0} (see `terraform-provider-marketo review --help`)")]
    Usage(String),
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error(transparent)]
    Plan(#[from] plan::PlanError),
    #[error("--resolve: {0}")]
    Resolve(#[from] resolve::ResolveError),
}

impl ReviewError {
    fn exit_code(&self) -> u8 {
        match self {
            ReviewError::Resolve(_) => 1,
            _ => 2,
        }
    }
}

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
}

/// The command line, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub input: String,
    pub format: Format,
    pub resolve: bool,
    pub fail_on: Vec<Condition>,
    pub identity: Option<String>,
    pub help: bool,
}

fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(80).collect()
}

/// Parses the arguments after `review`.
pub fn parse_args(args: &[String]) -> Result<Options, ReviewError> {
    let mut input = None;
    let mut format = Format::Markdown;
    let mut resolve = false;
    let mut fail_on = Vec::new();
    let mut identity = None;
    let mut help = false;
    let mut it = args.iter();
    let usage = |m: String| ReviewError::Usage(m);
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |what: &str| -> Result<String, ReviewError> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| usage(format!("{name} needs {what}")))
        };
        match name {
            "-h" | "--help" => help = true,
            "--resolve" => resolve = true,
            "--format" => {
                format = match value("markdown or json")?.as_str() {
                    "markdown" | "md" => Format::Markdown,
                    "json" => Format::Json,
                    other => {
                        return Err(usage(format!(
                            "--format: unknown format \"{}\"; expected markdown or json",
                            clean(other)
                        )));
                    }
                }
            }
            "--fail-on" => {
                for c in Condition::parse_list(&value("a comma list")?).map_err(usage)? {
                    if !fail_on.contains(&c) {
                        fail_on.push(c);
                    }
                }
            }
            "--as" => identity = Some(value("an email")?),
            "-" => input = Some("-".to_string()),
            other if other.starts_with('-') => {
                return Err(usage(format!("unknown option {}", clean(other))));
            }
            other => {
                if input.is_some() {
                    return Err(usage("give one PLAN_JSON".into()));
                }
                input = Some(other.to_string());
            }
        }
    }
    if help {
        return Ok(Options {
            input: String::new(),
            format,
            resolve,
            fail_on,
            identity,
            help,
        });
    }
    let input =
        input.ok_or_else(|| usage("missing PLAN_JSON (`-` reads standard input)".into()))?;
    if fail_on.contains(&Condition::Lockout) && !resolve && identity.is_none() {
        return Err(usage(
            "--fail-on lockout needs --resolve or --as EMAIL (the provider's own user)".into(),
        ));
    }
    if fail_on.contains(&Condition::InUse) && !resolve {
        return Err(usage(
            "--fail-on in-use needs --resolve (usage is read from Marketo)".into(),
        ));
    }
    Ok(Options {
        input,
        format,
        resolve,
        fail_on,
        identity,
        help,
    })
}

fn read_input(path: &str) -> Result<Vec<u8>, ReviewError> {
    let mut bytes = Vec::new();
    let result = if path == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes).map(|_| ()))
    };
    result.map_err(|e| ReviewError::Read {
        path: if path == "-" {
            "standard input".into()
        } else {
            clean(path)
        },
        reason: e.to_string(),
    })?;
    Ok(bytes)
}

/// Computes the review of a parsed plan, with what `--resolve` read (or nothing).
pub fn review_of(
    plan: &plan::Plan,
    resolved: &Resolved,
    fail_on: &[Condition],
    identity: Option<&str>,
    resolve_info: Option<ResolveInfo>,
) -> Review {
    let facts = facts::gather(plan);
    let look = compute::Lookup::new(&facts, resolved);
    let subjects = compute::subjects(&facts, resolved);
    let usage_of = |email: &model::Shown| -> Option<Usage> {
        let map = resolved.usage.as_ref()?;
        let e = email.known()?.to_lowercase();
        Some(map.get(&e).cloned().unwrap_or_default())
    };
    // Service owners are userids: their emails, where the plan tells them.
    let email_of_userid = |userid: &model::Shown| -> model::Shown {
        let Some(id) = userid.known() else {
            return userid.clone();
        };
        facts
            .users
            .iter()
            .flat_map(|u| [u.before.as_ref(), u.after.as_ref()])
            .flatten()
            .find(|s| s.userid.known().is_some_and(|x| x.eq_ignore_ascii_case(id)))
            .and_then(|s| s.email.known().map(|e| model::Shown::Known(e.to_string())))
            .unwrap_or_else(|| userid.clone())
    };
    let mut users: Vec<model::UserReview> = subjects
        .iter()
        .filter_map(|s| compute::review_user(s, &look, &facts, usage_of(&s.email).as_ref()))
        .collect();
    users.sort_by(|a, b| a.email.cmp(&b.email));
    let roles = compute::review_roles(&facts, &subjects, resolved);
    let services = compute::review_services(&facts, &|owner| usage_of(&email_of_userid(owner)));
    let mut notes = Vec::new();
    for u in &users {
        for why in &u.permissions.unknown {
            if !notes.contains(why) {
                notes.push(why.clone());
            }
        }
    }
    let mut summary = Summary {
        users: users.len(),
        roles: roles.len(),
        services: services.len(),
        permissions_granted: users
            .iter()
            .map(|u| u.permissions.gained.len() + u.permissions.possibly_gained.len())
            .sum(),
        permissions_revoked: users
            .iter()
            .map(|u| u.permissions.lost.len() + u.permissions.possibly_lost.len())
            .sum(),
        pairs_granted: users.iter().map(|u| u.pairs.gained.len()).sum(),
        pairs_revoked: users.iter().map(|u| u.pairs.lost.len()).sum(),
        text: String::new(),
    };
    summary.text = render::summary_text(&summary);
    let mut review = Review {
        format_version: FORMAT_VERSION,
        plan: PlanInfo {
            format_version: plan.format_version.clone(),
            terraform_version: plan.terraform_version.clone(),
        },
        summary,
        users,
        roles,
        services,
        policy: model::Policy::default(),
        resolve: resolve_info,
        notes,
    };
    let lockout = identity.map(|id| policy::lockout(id, &subjects, &look));
    policy::judge_review(&mut review, fail_on, lockout, resolved.usage.is_some());
    review
}

/// Runs the review and says how it ended.
pub fn review_main(args: &[String], out: &mut dyn Write) -> Result<bool, ReviewError> {
    let opts = parse_args(args)?;
    if opts.help {
        let _ = out.write_all(HELP.as_bytes());
        return Ok(false);
    }
    let bytes = read_input(&opts.input)?;
    let plan = plan::parse(&bytes)?;
    drop(bytes);
    let (resolved, info) = if opts.resolve {
        let facts = facts::gather(&plan);
        let managed = facts.managed_users();
        let r = resolve::resolve(resolve::Needs::of(&facts), &managed)?;
        let info = ResolveInfo {
            calls: r.calls,
            identity: r.identity.clone(),
        };
        (r, Some(info))
    } else {
        (Resolved::default(), None)
    };
    let identity = opts.identity.clone().or_else(|| resolved.identity.clone());
    let review = review_of(&plan, &resolved, &opts.fail_on, identity.as_deref(), info);
    let text = match opts.format {
        Format::Markdown => render::markdown(&review),
        Format::Json => render::json(&review),
    };
    let _ = out.write_all(text.as_bytes());
    if !text.ends_with('\n') {
        let _ = out.write_all(b"\n");
    }
    let _ = out.flush();
    Ok(!review.policy.failed.is_empty())
}

/// The `review` subcommand: `args` are the arguments after `review`.
pub fn run(args: &[String]) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match review_main(args, &mut out) {
        Ok(false) => ExitCode::SUCCESS,
        Ok(true) => ExitCode::from(3),
        Err(e) => {
            let line = e.to_string().replace(['\n', '\r'], " ");
            eprintln!("terraform-provider-marketo review: error: {line}");
            ExitCode::from(e.exit_code())
        }
    }
}

#[cfg(test)]
mod tests;
