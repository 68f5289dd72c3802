//! The table of bad inputs of `bad_input.rs`, one case a line, and the HCL helpers that build
//! them.

use marketo_emulator::EmulatorHandle;

/// Where a case must stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    /// `terraform validate` fails.
    Validate,
    /// `terraform validate` passes, `terraform plan` fails.
    Plan,
    /// Both pass: the good inputs beside the bad, so that the table can fail.
    Accepted,
    /// The provider died, or something printed a panic.
    Crashed,
}

pub(super) struct Case {
    pub(super) stage: Stage,
    /// Every one of these must be in the case's diagnostics (summary, detail or quoted line).
    pub(super) names: &'static [&'static str],
    /// HCL; `NAME` is replaced by the case's file stem (`c007`), for unique addresses.
    pub(super) hcl: String,
}

fn case(stage: Stage, names: &'static [&'static str], hcl: impl Into<String>) -> Case {
    Case {
        stage,
        names,
        hcl: hcl.into(),
    }
}

const USER_REST: &str = "  first_name = \"Bad\"\n  last_name  = \"Input\"\n";

/// A user whose `email` is `NAME@example.com` unless `body` sets it, with one valid role.
fn user(body: &str) -> String {
    let email = if body.contains("email ") {
        String::new()
    } else {
        "  email      = \"NAME@example.com\"\n".to_string()
    };
    let names = if body.contains("first_name") || body.contains("last_name") {
        String::new()
    } else {
        USER_REST.to_string()
    };
    let roles = if body.contains("role_assignment") {
        String::new()
    } else {
        "  role_assignment {\n    role_id      = 2\n    workspace_id = 1\n  }\n".to_string()
    };
    format!("resource \"marketo_api_only_user\" \"NAME\" {{\n{email}{names}{body}{roles}}}\n")
}

/// A user with one `role_assignment` of these ids.
fn assigned(role: &str, workspace: &str) -> String {
    user(&format!(
        "  role_assignment {{\n    role_id      = {role}\n    workspace_id = {workspace}\n  }}\n"
    ))
}

fn role(name: &str, rest: &str) -> String {
    let perms = if rest.contains("permissions") {
        ""
    } else {
        "  permissions = [\"Read-Only Lead\"]\n"
    };
    format!(
        "resource \"marketo_api_only_role\" \"NAME\" {{\n  name = \"{name}\"\n{rest}{perms}}}\n"
    )
}

fn service(body: &str) -> String {
    let user = if body.contains("api_only_user") {
        ""
    } else {
        "  api_only_user = \"emulator-api@emulator.invalid\"\n"
    };
    let name = if body.contains("display_name") {
        ""
    } else {
        "  display_name = \"NAME service\"\n"
    };
    format!("resource \"marketo_custom_service\" \"NAME\" {{\n{name}{body}{user}}}\n")
}

/// Two copies of the resource `one`, at addresses `NAME_a` and `NAME_b`, the second with
/// `first` spelt `second`.
fn twice(one: &str, first: &str, second: &str) -> String {
    let a = one.replace("\" \"NAME\" {", "\" \"NAME_a\" {");
    let b = one
        .replace("\" \"NAME\" {", "\" \"NAME_b\" {")
        .replace(first, second);
    format!("{a}\n{b}")
}

/// A user of the instance who logs in to the UI (not API-only), which the suite's emulator holds.
pub(super) const UI_USER: &str = "ui-user@example.com";

fn data(kind: &str, body: &str) -> String {
    format!("data \"{kind}\" \"NAME\" {{\n{body}}}\n")
}

/// An aliased provider block and a data source that uses it.
fn provider(body: &str) -> String {
    format!(
        "provider \"marketo\" {{\n  alias = \"NAME\"\n{body}}}\n\ndata \"marketo_workspaces\" \"NAME\" {{\n  provider = marketo.NAME\n}}\n"
    )
}

/// A wrong secret, which must never be shown.
pub(super) const WRONG_SECRET: &str = "wrong-secret-4f7a9c";

#[rustfmt::skip]
pub(super) fn cases(emu: &EmulatorHandle) -> Vec<Case> {
    use Stage::{Accepted, Plan, Validate};
    let long51 = "n".repeat(51);
    let long256 = "x".repeat(256);
    vec![
        // The provider block.
        case(Validate, &["munchkin_id"], provider("  munchkin_id = \"12-ABC-456\"\n")),
        case(Validate, &["endpoint", "Conflicting provider settings"], provider("  munchkin_id = \"123-ABC-456\"\n  endpoint = \"https://123-abc-456.mktorest.com\"\n")),
        // MARKETO_ENDPOINT is in the environment (the harness sets it): the same conflict.
        case(Validate, &["munchkin_id", "MARKETO_ENDPOINT", "Conflicting provider settings"], provider("  munchkin_id = \"123-ABC-456\"\n")),
        case(Validate, &["endpoint", "plain HTTP"], provider("  endpoint = \"http://marketo.example.com\"\n")),
        case(Validate, &["endpoint"], provider("  endpoint = \"ftp://marketo.example.com\"\n")),
        case(Validate, &["endpoint", "U+000A"], provider("  endpoint = \"https://123-abc-456.mktorest.com\\n\"\n")),
        case(Validate, &["endpoint"], provider("  endpoint = \"https://x.mktorest.com?access_token=1\"\n")),
        case(Validate, &["endpoint", "user name or password"], provider("  endpoint = \"http://alice:pw@127.0.0.1:9\"\n")),
        case(Validate, &["identity_endpoint"], provider("  identity_endpoint = \"not a url\"\n")),
        case(Validate, &["max_concurrent_calls"], provider("  max_concurrent_calls = 11\n")),
        case(Validate, &["max_calls_per_20_seconds"], provider("  max_calls_per_20_seconds = 0\n")),
        case(Validate, &["request_timeout"], provider("  request_timeout = 1.5\n")),
        case(Validate, &["max_retries"], provider("  max_retries = -1\n")),
        case(Validate, &["client_id", "U+001B"], provider("  client_id = \"abc\\u001b[2J\"\n")),
        case(Validate, &["client_secret", "not shown"], provider("  client_secret = \"s3cr3t\\n\"\n")),
        case(Validate, &["munchkin_id", "U+202E"], provider("  munchkin_id = \"123-ABC-456\\u202e\"\n  endpoint = null\n")),
        case(Plan, &["client_secret", "Cannot log in"], provider(&format!("  client_secret = \"{WRONG_SECRET}\"\n  max_retries = 0\n"))),
        case(Plan, &["endpoint", "Cannot reach Marketo"], provider("  endpoint = \"http://127.0.0.1:1\"\n  max_retries = 0\n  request_timeout = 2\n")),
        case(Accepted, &[], provider(&format!("  endpoint = \"{}\"\n  max_retries = 1\n", emu.base_url()))),
        // marketo_api_only_role.
        case(Validate, &["name", "must not be empty"], role("", "")),
        case(Validate, &["name", "must not be empty"], role("   ", "")),
        case(Validate, &["name", "at most 50"], role(&long51, "")),
        case(Validate, &["name", "U+0000"], role("nul\\u0000x", "")),
        case(Validate, &["name", "U+0007"], role("bell\\u0007", "")),
        case(Validate, &["name", "U+000A"], role("two\\nlines", "")),
        case(Validate, &["name", "U+001B"], role("\\u001b[31mred", "")),
        case(Validate, &["name", "U+007F"], role("del\\u007f", "")),
        case(Validate, &["name", "U+0085"], role("c1\\u0085", "")),
        case(Validate, &["name", "U+202E"], role("evil\\u202etxt.exe", "")),
        case(Validate, &["name", "U+2066"], role("iso\\u2066late", "")),
        case(Validate, &["description", "Omit"], role("NAME", "  description = \"\"\n")),
        case(Validate, &["description", "at most 255"], role("NAME", &format!("  description = \"{long256}\"\n"))),
        case(Validate, &["description", "U+0009"], role("NAME", "  description = \"a\\tb\"\n")),
        case(Validate, &["permissions", "Did you mean"], role("NAME", "  permissions = [\"Read-Write Leads\"]\n")),
        case(Validate, &["permissions", "grant them nothing"], role("NAME", "  permissions = [\"Access Admin\"]\n")),
        case(Validate, &["permissions", "U+0007"], role("NAME", "  permissions = [\"Read-Only Lead\\u0007\"]\n")),
        case(Plan, &["name", "already exists", "\"Admin\" (id 1)"], role("admin", "")),
        case(Plan, &["name", "already exists"], role("STANDARD USER", "")),
        case(Plan, &["name", "already exists"], role("emulator api admin", "")),
        case(Accepted, &[], role("Fresh NAME", "")),
        // marketo_api_only_user.
        case(Validate, &["email", "two in a row"], user("  email = \"a..b@c.com\"\n")),
        case(Validate, &["email", "'<'"], user("  email = \"<script>@x.com\"\n")),
        case(Validate, &["email", "start or end with a dot"], user("  email = \".a@x.com\"\n")),
        case(Validate, &["email"], user("  email = \"a@b\"\n")),
        case(Validate, &["email"], user("  email = \"plain\"\n")),
        case(Validate, &["email", "U+000A"], user("  email = \"a@x.com\\n\"\n")),
        case(Validate, &["userid", "email-shaped"], user("  userid = \"bob\"\n")),
        case(Validate, &["userid"], user("  userid = \"a b@x.com\"\n")),
        case(Validate, &["first_name", "must not be empty"], user("  first_name = \"\"\n  last_name = \"L\"\n")),
        case(Validate, &["first_name", "U+001B"], user("  first_name = \"\\u001b]0;pwned\\u0007\"\n  last_name = \"L\"\n")),
        case(Validate, &["last_name", "U+202E"], user("  first_name = \"F\"\n  last_name = \"\\u202eevil\"\n")),
        case(Validate, &["last_name", "at most 255"], user(&format!("  first_name = \"F\"\n  last_name = \"{long256}\"\n"))),
        case(Validate, &["reason", "U+0000"], user("  reason = \"why\\u0000\"\n")),
        case(Validate, &["reason", "at most 255"], user(&format!("  reason = \"{long256}\"\n"))),
        case(Validate, &["expires_at", "leap second"], user("  expires_at = \"2030-06-30T23:59:60Z\"\n")),
        case(Validate, &["expires_at", "RFC 3339"], user("  expires_at = \"2030-06-30\"\n")),
        case(Validate, &["expires_at", "fractional digits"], user("  expires_at = \"2030-06-30T23:59:59.1234Z\"\n")),
        case(Validate, &["expires_at"], user("  expires_at = \"2030-02-30T00:00:00Z\"\n")),
        case(Validate, &["role_assignment[0].role_id", "is -1"], assigned("-1", "0")),
        case(Validate, &["role_assignment[0].workspace_id", "is 1.5"], assigned("2", "1.5")),
        case(Validate, &["role_assignment[0].role_id", "is 4294967296"], assigned("4294967296", "0")),
        case(Validate, &["role_assignment[0].workspace_id", "is -7"], assigned("2", "-7")),
        case(Plan, &["expires_at", "in the past"], user("  expires_at = \"2020-01-01T00:00:00Z\"\n")),
        case(Plan, &["role_assignment[0].role_id", "No such role"], assigned("999", "1")),
        case(Plan, &["role_assignment[0].workspace_id", "No such workspace"], assigned("2", "77")),
        case(Plan, &["role_assignment[0].workspace_id", "\"Admin\" (id 1)"], assigned("1", "1")),
        case(Plan, &["role_assignment[0].workspace_id", "Adobe Product Admin"], assigned("3", "1")),
        case(Accepted, &[], assigned("1", "0")),
        // marketo_custom_service.
        case(Validate, &["display_name", "must not be empty"], service("  display_name = \"\"\n")),
        case(Validate, &["display_name", "at most 50"], service(&format!("  display_name = \"{long51}\"\n"))),
        case(Validate, &["display_name", "U+000D"], service("  display_name = \"cr\\rhere\"\n")),
        case(Validate, &["display_name", "U+202D"], service("  display_name = \"\\u202dltr\"\n")),
        case(Validate, &["description", "U+0007"], service("  description = \"ding\\u0007\"\n")),
        case(Validate, &["description", "Omit"], service("  description = \"\"\n")),
        case(Validate, &["api_only_user", "empty"], service("  api_only_user = \"\"\n")),
        case(Validate, &["api_only_user", "leading or trailing"], service("  api_only_user = \" x@y.com\"\n")),
        case(Validate, &["api_only_user", "U+001B"], service("  api_only_user = \"x\\u001b@y.com\"\n")),
        case(Plan, &["display_name", "already exists"], service("  display_name = \"EMULATOR ADMIN SERVICE\"\n")),
        // Issue 17: names planned twice in one run, and an owner who is not API-only.
        case(Plan, &["name", "Two roles in this plan have the same name"], twice(&role("Twice NAME", ""), "Twice NAME", "TWICE NAME")),
        case(Plan, &["display_name", "Two custom services in this plan have the same name"], twice(&service("  display_name = \"Twice NAME\"\n"), "Twice NAME", "twice NAME")),
        case(Plan, &["api_only_user", "not an API-only user"], service(&format!("  api_only_user = \"{UI_USER}\"\n"))),
        // Data sources.
        case(Validate, &["id", "Conflicting role lookup"], data("marketo_role", "  name = \"Admin\"\n  id = \"1\"\n")),
        case(Validate, &["name", "Missing role lookup"], data("marketo_role", "")),
        case(Validate, &["id", "not a numeric role id"], data("marketo_role", "  id = \"Admin\"\n")),
        case(Validate, &["name", "U+001B"], data("marketo_role", "  name = \"\\u001b[1mAdmin\"\n")),
        case(Validate, &["id", "not a workspace id"], data("marketo_workspace", "  id = -1\n")),
        case(Validate, &["name", "U+2067"], data("marketo_workspace", "  name = \"\\u2067Default\"\n")),
        case(Validate, &["name", "Missing workspace lookup"], data("marketo_workspace", "")),
        case(Validate, &["email", "two in a row"], data("marketo_api_only_user", "  email = \"a..b@c.com\"\n")),
        case(Validate, &["userid", "U+000A"], data("marketo_api_only_user", "  userid = \"x@y.com\\n\"\n")),
        case(Validate, &["email", "Conflicting user lookup"], data("marketo_api_only_user", "  userid = \"x@y.com\"\n  email = \"x@y.com\"\n")),
        case(Validate, &["userid", "must not be empty"], data("marketo_api_only_user", "  userid = \"\"\n")),
        case(Plan, &["name", "No such role"], data("marketo_role", "  name = \"Nope\"\n")),
        case(Plan, &["id", "No such role"], data("marketo_role", "  id = \"999\"\n")),
        case(Plan, &["name", "No such workspace"], data("marketo_workspace", "  name = \"Nowhere\"\n")),
        case(Plan, &["id", "No such workspace"], data("marketo_workspace", "  id = 42\n")),
        case(Plan, &["email"], data("marketo_api_only_user", "  email = \"nobody@example.com\"\n")),
        case(Plan, &["name", "Ambiguous role name", "\"Dup\" (id", "\"DUP\" (id"], data("marketo_role", "  name = \"dup\"\n")),
        case(Plan, &["name", "Ambiguous workspace name", "\"Team\" (id 2)", "\"TEAM\" (id 3)"], data("marketo_workspace", "  name = \"team\"\n")),
        case(Accepted, &[], data("marketo_role", "  name = \"DUP\"\n")),
        case(Accepted, &[], data("marketo_workspace", "  name = \"Team\"\n")),
    ]
}
