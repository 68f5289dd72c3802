//! Issue 12: a table of bad inputs through real Terraform, across the provider block, the three
//! resources and the data sources. Each case says the stage it must fail at (`terraform validate`,
//! or the plan, where the instance is asked) and the attribute its diagnostic must name; no case
//! may crash the provider, show a control character raw or Rust debug text, and nothing may be
//! written to the emulator.
//!
//! To stay fast, each case is one file (`c000.tf`, ...) of one working directory: one
//! `terraform validate -json` judges every case, and one `terraform plan -json` every case that
//! validate let through. Terraform names the file of each diagnostic, which says its case. A
//! provider-block case is an aliased provider block with a data source using it (Terraform
//! validates only the provider configurations something uses).

use std::collections::BTreeMap;

use marketo_emulator::{Config, EmulatorHandle};
use serde_json::Value;

use crate::support::{self, terraform::Terraform};

mod cases;

use cases::{Case, Stage, WRONG_SECRET, cases};

/// The emulator's whole state, as `GET /_emulator/state.json` answers it, without the users'
/// `lastLoginAt`: a login (each provider process makes one) is no write.
async fn state_json(emu: &EmulatorHandle) -> Value {
    let mut state: Value = reqwest::get(format!("{}/_emulator/state.json", emu.base_url()))
        .await
        .expect("GET state.json")
        .json()
        .await
        .expect("state.json is JSON");
    for user in state["users"].as_array_mut().into_iter().flatten() {
        if let Some(u) = user.as_object_mut() {
            u.remove("lastLoginAt");
        }
    }
    state
}

/// An emulator whose instance also has roles "Dup" and "DUP" and workspaces "Team" (id 2) and
/// "TEAM" (id 3): names Marketo would keep unique regardless of case, and a UI user, loaded from a
/// state file.
async fn emulator_with_case_twins(dir: &std::path::Path) -> EmulatorHandle {
    let path = dir.join("state.json");
    let mut config = Config::default().without_limits();
    config.state_file = Some(path.clone());
    drop(support::start(config.clone()).await);
    let mut state: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("seeded state file")).expect("JSON");
    let next = state["next_role_id"].as_i64().expect("next_role_id");
    let template = state["roles"]["2"].clone();
    for (i, name) in ["Dup", "DUP"].into_iter().enumerate() {
        let id = next + i as i64;
        let mut r = template.clone();
        r["id"] = id.into();
        r["name"] = name.into();
        r["system"] = false.into();
        state["roles"][id.to_string()] = r;
    }
    state["next_role_id"] = (next + 2).into();
    let template = state["workspaces"]["1"].clone();
    for (id, name) in [(2, "Team"), (3, "TEAM")] {
        let mut w = template.clone();
        w["id"] = id.into();
        w["name"] = name.into();
        state["workspaces"][id.to_string()] = w;
    }
    // A user who logs in to the UI, for a service owner that is not API-only.
    let mut ui = state["users"]["1"].clone();
    let next = state["next_user_id"].as_i64().expect("next_user_id");
    ui["id"] = next.into();
    ui["userid"] = cases::UI_USER.into();
    ui["email"] = cases::UI_USER.into();
    ui["api_only"] = false.into();
    state["users"][next.to_string()] = ui;
    state["next_user_id"] = (next + 1).into();
    std::fs::write(&path, serde_json::to_vec_pretty(&state).expect("JSON")).expect("write");
    support::start(config).await
}

/// The error diagnostics of Terraform's JSON output (`validate -json`: one document; `plan
/// -json`: one message a line), by the file they point into (`""` for none), each as one text.
fn errors_by_file(stdout: &str) -> BTreeMap<String, Vec<Said>> {
    let mut diags = Vec::new();
    if let Ok(doc) = serde_json::from_str::<Value>(stdout) {
        diags.extend(doc["diagnostics"].as_array().cloned().unwrap_or_default());
    } else {
        for line in stdout.lines() {
            if let Ok(msg) = serde_json::from_str::<Value>(line)
                && msg["type"] == "diagnostic"
            {
                diags.push(msg["diagnostic"].clone());
            }
        }
    }
    let mut out: BTreeMap<String, Vec<Said>> = BTreeMap::new();
    for d in diags.iter().filter(|d| d["severity"] == "error") {
        let file = d["range"]["filename"].as_str().unwrap_or_default();
        out.entry(file.to_string()).or_default().push(Said {
            message: format!(
                "{} | {}",
                d["summary"].as_str().unwrap_or_default(),
                d["detail"].as_str().unwrap_or_default()
            ),
            quoted: d["snippet"]["code"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        });
    }
    out
}

/// One error diagnostic: what the provider (or Terraform) said, and the configuration line
/// Terraform quotes with it (the user's own text, control characters and all).
#[derive(Debug, Clone)]
struct Said {
    message: String,
    quoted: String,
}

const CRASH_MARKERS: &[&str] = &[
    "panic",
    "crash",
    "plugin did not respond",
    "rpc error",
    "plugin exited",
];

fn crashed(text: &str) -> bool {
    let lower = text.to_lowercase();
    CRASH_MARKERS.iter().any(|m| lower.contains(m))
}

/// A character no diagnostic may show raw: a control other than a line break, or a bidi
/// override or isolate.
fn raw_control(text: &str) -> Option<char> {
    text.chars().find(|c| {
        (c.is_control() && *c != '\n')
            || matches!(*c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

/// Writes every case as its own file of `tf`'s working directory.
fn write_cases(tf: &Terraform, cases: &[(String, &Case)]) {
    tf.config("");
    for (stem, c) in cases {
        tf.write(&format!("{stem}.tf"), &c.hcl.replace("NAME", stem));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_fails_at_its_stage_naming_the_attribute() {
    if support::terraform::skip_below(1, 0, "`terraform plan -json`") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let emu = emulator_with_case_twins(dir.path()).await;
    let before = state_json(&emu).await;
    let all = cases(&emu);
    let named: Vec<(String, &Case)> = all
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("c{i:03}"), c))
        .collect();
    let mut seen: BTreeMap<String, (Stage, Vec<Said>)> = BTreeMap::new();
    let mut everything = String::new();
    // What the diagnostics say (without the configuration lines Terraform quotes) and stderr.
    let mut shown = String::new();

    // Runs `args` in a directory holding `cases`, keeps what it printed, and gives its errors by
    // case file: every error must name one.
    let mut judge = |cases: &[(String, &Case)], args: &[&str]| {
        let tf = Terraform::new(&emu);
        write_cases(&tf, cases);
        let out = tf.run(args);
        everything.push_str(&out.text());
        shown.push_str(&out.stderr);
        let by_file = errors_by_file(&out.stdout);
        assert!(
            !by_file.contains_key(""),
            "errors that name no case: {:?}\n{}",
            by_file.get(""),
            out.text()
        );
        by_file
    };
    // One validate for every case.
    let mut by_file = judge(&named, &["validate", "-json", "-no-color"]);
    for (stem, _) in &named {
        if let Some(texts) = by_file.remove(&format!("{stem}.tf")) {
            seen.insert(stem.clone(), (Stage::Validate, texts));
        }
    }

    // One plan for every case validate let through.
    let rest: Vec<(String, &Case)> = named
        .iter()
        .filter(|(stem, _)| !seen.contains_key(stem))
        .map(|(stem, c)| (stem.clone(), *c))
        .collect();
    let mut by_file = judge(&rest, &["plan", "-json", "-input=false", "-no-color"]);
    for (stem, _) in &rest {
        let (stage, texts) = match by_file.remove(&format!("{stem}.tf")) {
            Some(texts) => (Stage::Plan, texts),
            None => (Stage::Accepted, Vec::new()),
        };
        seen.insert(stem.clone(), (stage, texts));
    }

    // The judgement of each case.
    let mut problems = Vec::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (stem, c) in &named {
        let (mut stage, said) = seen.get(stem).cloned().expect("judged");
        let messages: Vec<&str> = said.iter().map(|d| d.message.as_str()).collect();
        let messages = messages.join("\n");
        shown.push_str(&messages);
        let text = said
            .iter()
            .map(|d| format!("{} | {}", d.message, d.quoted))
            .collect::<Vec<_>>()
            .join("\n");
        if crashed(&text) {
            stage = Stage::Crashed;
        }
        *counts.entry(stage_name(stage)).or_default() += 1;
        let hcl = c.hcl.replace("NAME", stem);
        if stage != c.stage {
            problems.push(format!(
                "{stem}: expected {:?}, got {stage:?}\n{hcl}{text}\n",
                c.stage
            ));
            continue;
        }
        for name in c.names {
            if !text.contains(name) {
                problems.push(format!("{stem}: `{name}` not named\n{hcl}{text}\n"));
            }
        }
        if let Some(ch) = raw_control(&messages) {
            problems.push(format!(
                "{stem}: shows U+{:04X} raw: {text:?}",
                u32::from(ch)
            ));
        }
        if text.contains("Number(") || text.contains("Some(") || text.contains("Known(") {
            problems.push(format!("{stem}: Rust debug text\n{text}"));
        }
    }
    println!(
        "bad input: {} cases on Terraform {:?}: rejected at validate {}, at plan {}, accepted {}, crashed {}",
        named.len(),
        support::terraform::version(),
        counts.get("validate").unwrap_or(&0),
        counts.get("plan").unwrap_or(&0),
        counts.get("accepted").unwrap_or(&0),
        counts.get("crashed").unwrap_or(&0),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(!crashed(&everything), "a crash:\n{everything}");
    assert!(
        !shown.contains(WRONG_SECRET) && !shown.contains("s3cr3t"),
        "a secret was shown"
    );
    let bad = all.iter().filter(|c| c.stage != Stage::Accepted).count();
    assert!(bad >= 60, "only {bad} bad inputs");
    assert_eq!(
        state_json(&emu).await,
        before,
        "the emulator was written to"
    );
}

fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Validate => "validate",
        Stage::Plan => "plan",
        Stage::Accepted => "accepted",
        Stage::Crashed => "crashed",
    }
}

/// `MARKETO_MUNCHKIN_ID` in the environment and `endpoint` in the block conflict at validate,
/// as both in the block do; without the variable the same configuration is valid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn munchkin_id_from_the_environment_conflicts_with_an_endpoint_in_the_block() {
    let emu = support::emulator().await;
    let mut tf = Terraform::new(&emu);
    tf.unset_env("MARKETO_ENDPOINT");
    tf.config(&format!(
        "provider \"marketo\" {{\n  endpoint = \"{}\"\n}}\n\ndata \"marketo_workspaces\" \"all\" {{}}\n",
        emu.base_url()
    ));
    tf.ok(&["validate", "-no-color"]);
    tf.set_env("MARKETO_MUNCHKIN_ID", "123-ABC-456");
    let out = tf.fails(&["validate", "-no-color"]);
    let text = out.flat();
    assert!(text.contains("Conflicting provider settings"), "{text}");
    assert!(
        text.contains("by the environment variable MARKETO_MUNCHKIN_ID and by `endpoint` in the provider block"),
        "{text}"
    );
    assert!(
        text.contains("endpoint = \""),
        "points at the attribute: {text}"
    );
    assert!(!crashed(&text), "{text}");
}

/// The plan-time checks against the instance judge no good configuration wrongly: a role made
/// by the same apply is assigned (the apply's own plan reads the role list again when the kept
/// one lacks it), and a service replaced for a new owner keeps its display name. A rename onto
/// an existing name, in any case, is then refused at plan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_time_checks_accept_what_the_same_apply_creates() {
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);
    let config = |role: &str, owner: &str| {
        format!(
            "resource \"marketo_api_only_role\" \"r\" {{\n  name        = \"{role}\"\n  permissions = [\"Read-Only Lead\"]\n}}\n\n\
             resource \"marketo_api_only_user\" \"old\" {{\n  email      = \"old-role@example.com\"\n  first_name = \"Old\"\n  last_name  = \"Role\"\n  role_assignment {{\n    role_id      = 2\n    workspace_id = 1\n  }}\n}}\n\n\
             resource \"marketo_api_only_user\" \"new\" {{\n  email      = \"new-role@example.com\"\n  first_name = \"New\"\n  last_name  = \"Role\"\n  role_assignment {{\n    role_id      = marketo_api_only_role.r.id\n    workspace_id = 0\n  }}\n}}\n\n\
             resource \"marketo_custom_service\" \"s\" {{\n  display_name  = \"Same Apply\"\n  api_only_user = marketo_api_only_user.{owner}.userid\n}}\n"
        )
    };
    tf.config(&config("Same Apply Role", "old"));
    tf.apply();
    tf.assert_no_changes();
    // A new owner replaces the service under the same display name.
    tf.config(&config("Same Apply Role", "new"));
    let out = tf.apply();
    assert!(out.stdout.contains("1 added"), "{}", out.stdout);
    let snap = emu.snapshot();
    assert_eq!(
        snap.services
            .iter()
            .filter(|s| s.display_name == "Same Apply")
            .count(),
        1
    );
    // Renaming the role onto a system role's name is refused at plan, at `name`.
    tf.config(&config("STANDARD user", "new"));
    let text = tf.fails(&["plan", "-input=false", "-no-color"]).flat();
    assert!(
        text.contains("A role with this name already exists"),
        "{text}"
    );
    assert!(text.contains("named \"Standard User\" (id 2)"), "{text}");
    assert!(text.contains("name = \"STANDARD user\""), "{text}");
    // Its own name in another case is no clash.
    tf.config(&config("SAME APPLY ROLE", "new"));
    tf.apply();
    tf.destroy();
}

/// `terraform import` of a role by a name that matches two roles regardless of case, and neither
/// exactly, is refused listing both ids (as the data source is), and imports nothing; the exact
/// spelling and the id import.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_a_role_by_an_ambiguous_name_lists_the_candidates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let emu = emulator_with_case_twins(dir.path()).await;
    let tf = Terraform::new(&emu);
    tf.config(
        "resource \"marketo_api_only_role\" \"r\" {\n  name        = \"DUP\"\n  permissions = [\"Read-Only Lead\"]\n}\n",
    );
    let text = tf
        .fails(&[
            "import",
            "-input=false",
            "-no-color",
            "marketo_api_only_role.r",
            "dup",
        ])
        .flat();
    assert!(
        text.contains("Cannot import the role: ambiguous name"),
        "{text}"
    );
    let dup = |name: &str| {
        emu.snapshot()
            .roles
            .iter()
            .find(|r| r.name == name)
            .map(|r| r.id)
            .expect("seeded role")
    };
    for name in ["Dup", "DUP"] {
        assert!(
            text.contains(&format!("\"{name}\" (id {})", dup(name))),
            "{text}"
        );
    }
    assert!(!crashed(&text), "{text}");
    assert!(tf.state_of("marketo_api_only_role.r").is_none());
    tf.import("marketo_api_only_role.r", "DUP");
    let state = tf.state_of("marketo_api_only_role.r").expect("imported");
    assert_eq!(state["id"], dup("DUP").to_string());
}
