//! Every data source through Terraform: each reads what the emulator holds, a role made by
//! Terraform is found by the id Terraform knows, and unknown names list what exists.

use marketo_emulator::{ADMIN_USERID, EmulatorHandle};
use serde_json::Value;

use crate::support::{self, terraform::Terraform};

const CONFIG: &str = r#"
resource "marketo_api_only_role" "r" {
  name        = "Data Role"
  description = "Found by the data sources"
  permissions = ["Read-Only Lead"]
}

data "marketo_role" "standard" {
  name = "standard user"
}

data "marketo_role" "made" {
  id = marketo_api_only_role.r.id
}

data "marketo_roles" "all" {
  depends_on = [marketo_api_only_role.r]
}

data "marketo_workspace" "default" {
  name = "Default"
}

data "marketo_workspace" "all_zones" {
  id = 0
}

data "marketo_workspaces" "all" {}

data "marketo_api_only_user" "by_email" {
  email = "EMULATOR-API@emulator.invalid"
}

data "marketo_api_only_user" "by_userid" {
  userid = "emulator-api@emulator.invalid"
}

data "marketo_users" "all" {}

data "marketo_permissions" "all" {}

output "custom_role_names" {
  value = [for r in data.marketo_roles.all.roles : r.name if r.type == "custom"]
}
"#;

fn names(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|o| o[key].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn created_roles(emu: &EmulatorHandle) -> usize {
    emu.snapshot()
        .roles
        .iter()
        .filter(|r| r.id > marketo_emulator::ADMIN_ROLE_ID)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_data_source_reads_and_unknown_names_list_what_exists() {
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);
    tf.config(CONFIG);
    tf.apply();
    let made = emu
        .snapshot()
        .roles
        .into_iter()
        .find(|r| r.name == "Data Role")
        .expect("role created");

    let role = tf.attrs("data.marketo_role.standard");
    assert_eq!(role["id"], "2");
    assert_eq!(
        role["name"], "standard user",
        "the lookup key stays as given"
    );
    assert_eq!(role["type"], "system");
    assert_eq!(role["hidden"], false);
    assert_eq!(role["only_all_zones"], false);
    let role = tf.attrs("data.marketo_role.made");
    assert_eq!(role["id"], made.id.to_string());
    assert_eq!(role["name"], "Data Role");
    assert_eq!(role["description"], "Found by the data sources");
    assert_eq!(role["type"], "custom");

    let roles = tf.attrs("data.marketo_roles.all");
    assert_eq!(roles["id"], "roles");
    let listed = names(&roles["roles"], "name");
    assert_eq!(listed.len(), emu.snapshot().roles.len());
    assert!(listed.contains(&"Admin".to_string()));
    assert!(listed.contains(&"Data Role".to_string()));
    let admin = &roles["roles"][0];
    assert_eq!(admin["id"], "1");
    assert_eq!(admin["only_all_zones"], true);
    let custom = tf.output("custom_role_names");
    assert!(
        custom
            .as_array()
            .is_some_and(|a| a.iter().any(|n| n == "Data Role"))
    );

    let ws = tf.attrs("data.marketo_workspace.default");
    assert_eq!(ws["id"], 1);
    assert_eq!(ws["status"], "active");
    let ws = tf.attrs("data.marketo_workspace.all_zones");
    assert_eq!(ws["name"], "AllZones");
    let all = tf.attrs("data.marketo_workspaces.all");
    assert_eq!(all["id"], "workspaces");
    assert_eq!(
        names(&all["workspaces"], "name"),
        vec!["AllZones", "Default"]
    );

    for addr in [
        "data.marketo_api_only_user.by_email",
        "data.marketo_api_only_user.by_userid",
    ] {
        let u = tf.attrs(addr);
        assert_eq!(u["id"], ADMIN_USERID);
        assert_eq!(u["userid"], ADMIN_USERID);
        assert_eq!(u["api_only"], true);
        assert_eq!(u["status"], "active");
        assert_eq!(u["marketo_id"], 1);
        assert_eq!(
            u["role_assignment"],
            serde_json::json!([{"role_id": 101, "workspace_id": 0}])
        );
    }
    let users = tf.attrs("data.marketo_users.all");
    assert_eq!(names(&users["users"], "userid"), vec![ADMIN_USERID]);
    assert_eq!(users["users"][0]["api_only"], true);

    let perms = tf.attrs("data.marketo_permissions.all");
    let perm_names: Vec<String> = perms["names"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let expected: Vec<String> = marketo_emulator::grantable_permissions()
        .iter()
        .map(|p| (*p).to_string())
        .collect();
    assert_eq!(perm_names, expected);
    // Each name's group: "Access Users" is the one Access Admin permission a role may grant.
    assert_eq!(perms["groups"]["Access Users"], "Access Admin");
    assert_eq!(perms["groups"]["Read-Write Lead"], "Access API");
    assert_eq!(
        perms["groups"].as_object().map(|m| m.len()),
        Some(expected.len())
    );

    tf.assert_no_changes();

    // Unknown names: an error at the attribute that lists what exists and suggests the closest.
    let plan = ["plan", "-input=false", "-no-color"];
    tf.config("data \"marketo_role\" \"x\" {\n  name = \"Standard Usr\"\n}\n");
    let text = tf.fails(&plan).flat();
    assert!(text.contains("No such role"), "{text}");
    assert!(text.contains("Did you mean \"Standard User\"?"), "{text}");
    assert!(text.contains("\"Admin\""), "{text}");
    tf.config("data \"marketo_role\" \"x\" {\n  id = \"999\"\n}\n");
    let text = tf.fails(&plan).flat();
    assert!(text.contains("1 (Admin)"), "{text}");
    tf.config("data \"marketo_workspace\" \"x\" {\n  name = \"Defualt\"\n}\n");
    let text = tf.fails(&plan).flat();
    assert!(text.contains("Did you mean \"Default\"?"), "{text}");
    assert!(text.contains("\"AllZones\""), "{text}");
    tf.config("data \"marketo_api_only_user\" \"x\" {\n  email = \"nobody@example.com\"\n}\n");
    let text = tf.fails(&plan).flat();
    assert!(text.contains("No such user"), "{text}");
    assert!(text.contains(ADMIN_USERID), "{text}");
    tf.config("data \"marketo_role\" \"x\" {\n  name = \"Admin\"\n  id   = \"1\"\n}\n");
    let text = tf.fails(&plan).flat();
    assert!(text.contains("Set only one of `name` and `id`"), "{text}");

    // The role made for the lookups goes with the destroy.
    tf.config(CONFIG);
    tf.destroy();
    assert_eq!(created_roles(&emu), 0);
}

/// `marketo_api_usage` for the last seven days, kept to the emulator's own API user (written in
/// another case than Marketo's), with its days, counts and total as outputs.
const USAGE_CONFIG: &str = r#"
data "marketo_api_usage" "week" {
  period     = "last_7_days"
  user_email = "EMULATOR-API@Emulator.invalid"
}

output "days" {
  value = data.marketo_api_usage.week.days
}

output "total_calls" {
  value = data.marketo_api_usage.week.total_calls
}
"#;

/// The other API user of the seeded days, whom the filter leaves out.
const OTHER_USER: &str = "other.integration@example.com";

/// The emulator's counts (`GET /_emulator/usage.json`), as the data source should show the last
/// seven days ending `today` for [`ADMIN_USERID`]: `(days, total_calls)`.
async fn expected_usage(emu: &EmulatorHandle, today: chrono::NaiveDate) -> (Value, u64) {
    let kept: Value = reqwest::get(format!("{}/_emulator/usage.json", emu.base_url()))
        .await
        .expect("GET /_emulator/usage.json")
        .json()
        .await
        .expect("usage control answers JSON");
    let mut days = Vec::new();
    let mut total_calls = 0;
    for back in (0..7).rev() {
        let date = (today - chrono::Days::new(back))
            .format("%Y-%m-%d")
            .to_string();
        let day = kept["days"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["date"] == date.as_str()))
            .cloned()
            .unwrap_or(Value::Null);
        let list = |key: &str| day[key].as_array().cloned().unwrap_or_default();
        let count = |v: &Value| v["count"].as_u64().expect("a count");
        let total: u64 = list("users").iter().map(count).sum();
        let users: Vec<Value> = list("users")
            .iter()
            .filter(|u| u["userId"] == ADMIN_USERID)
            .map(|u| serde_json::json!({"email": u["userId"], "count": count(u)}))
            .collect();
        total_calls += users.iter().map(count).sum::<u64>();
        let mut errors: Vec<(u64, Value)> = list("errors")
            .iter()
            .map(|e| {
                let code = e["errorCode"].as_str().expect("a code").to_string();
                let n: u64 = code.parse().expect("a numeric code");
                (n, serde_json::json!({"code": code, "count": count(e)}))
            })
            .collect();
        errors.sort_by_key(|e| e.0);
        let errors: Vec<Value> = errors.into_iter().map(|e| e.1).collect();
        days.push(serde_json::json!({
            "date": date, "total": total, "users": users, "errors": errors
        }));
    }
    (Value::Array(days), total_calls)
}

/// Issue 17: `marketo_api_usage` shows the last seven days exactly as the emulator counted them,
/// seeded past days and the calls of today (the read's own included), for one user; and it works
/// the same against an instance serving only Marketo's published endpoints, the Usage API being
/// one of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_usage_shows_the_days_as_marketo_counted_them() {
    let emu = support::emulator().await;
    let client = support::client(&emu);
    let day = support::usage_days(&emu).await;
    let today = chrono::NaiveDate::parse_from_str(&day(0), "%Y-%m-%d").expect("a Marketo day");
    // Two past days, two API users each, with errors; then a few real calls today.
    let seeded = reqwest::Client::new()
        .post(format!("{}/_emulator/usage.json", emu.base_url()))
        .json(&serde_json::json!({"days": [
            {"date": day(5),
             "users": [{"userId": ADMIN_USERID, "count": 40}, {"userId": OTHER_USER, "count": 7}],
             "errors": [{"errorCode": "1003", "count": 1}, {"errorCode": "606", "count": 3}]},
            {"date": day(2),
             "users": [{"userId": OTHER_USER, "count": 11}, {"userId": ADMIN_USERID, "count": 2}],
             "errors": [{"errorCode": "601", "count": 4}]}
        ]}))
        .send()
        .await
        .expect("seed the usage");
    assert_eq!(seeded.status(), 200, "{:?}", seeded.text().await);
    for _ in 0..3 {
        client.list_roles().await.expect("list roles");
    }
    client.list_workspaces().await.expect("list workspaces");

    let tf = Terraform::new(&emu);
    tf.config(USAGE_CONFIG);
    tf.apply();
    // The read's usage call is its last: the emulator has counted nothing since.
    let (days, total_calls) = expected_usage(&emu, today).await;
    assert_eq!(tf.output("days"), days);
    assert_eq!(tf.output("total_calls"), total_calls);
    // The seeded days as seeded: the other user left out of `users`, not of `total`.
    let shown = tf.output("days");
    assert_eq!(
        shown[1],
        serde_json::json!({"date": day(5), "total": 47,
            "users": [{"email": ADMIN_USERID, "count": 40}],
            "errors": [{"code": "606", "count": 3}, {"code": "1003", "count": 1}]})
    );
    assert_eq!(shown[4]["users"][0]["count"], 2);
    assert_eq!(shown[4]["total"], 13);
    // Today: the test's six calls, and the read's two.
    let mine_today = shown[6]["users"][0]["count"]
        .as_u64()
        .expect("today's count");
    assert!(mine_today >= 7, "{shown}");
    assert_eq!(total_calls, 40 + 2 + mine_today);
    let state = tf.attrs("data.marketo_api_usage.week");
    assert_eq!(state["id"], "last_7_days");
    assert_eq!(state["user_email"], "EMULATOR-API@Emulator.invalid");

    // A period the Usage API has not: refused before any call, at the attribute.
    tf.config("data \"marketo_api_usage\" \"x\" {\n  period = \"last_week\"\n}\n");
    let text = tf.fails(&["plan", "-input=false", "-no-color"]).flat();
    assert!(text.contains("Invalid period"), "{text}");
    assert!(text.contains("\"today\", \"last_7_days\""), "{text}");
    assert!(text.contains("period = \"last_week\""), "{text}");

    // Through an instance without our admin endpoints: the Usage API is published.
    let proxy = support::published_only::start(emu.base_url()).await;
    let mut tf = Terraform::new(&emu);
    tf.set_env("MARKETO_ENDPOINT", &proxy.base_url());
    tf.config(USAGE_CONFIG);
    tf.apply();
    let (days, total_calls) = expected_usage(&emu, today).await;
    assert_eq!(tf.output("days"), days);
    assert_eq!(tf.output("total_calls"), total_calls);
    assert!(total_calls > 40 + 2 + mine_today, "the second read counted");
    assert_eq!(proxy.refused_calls(), 0);
}
