//! Ctrl-C during `terraform apply` while a create is in flight (issue 10): Terraform sends
//! `StopProvider`, the provider's client looks the object up before giving up, and the role
//! Marketo made is recorded in the state: no orphan, and the next apply makes no duplicate.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use marketo_emulator::EmulatorHandle;

use crate::support::{self, net, terraform::Terraform};

const NAME: &str = "Interrupted Sync";

fn roles_named(emu: &EmulatorHandle, name: &str) -> Vec<i32> {
    emu.snapshot()
        .roles
        .into_iter()
        .filter(|r| r.name == name)
        .map(|r| r.id)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_a_create_records_the_object_and_makes_no_duplicate() {
    let emu = support::emulator().await;
    // The role create reaches the emulator at once; its answer is held back for a minute, far
    // longer than the test waits, so the interrupt always lands while the create is in flight.
    let relay = net::slow_creates(
        emu.base_url(),
        "/userservice/management/v1/roles/create.json",
        Duration::from_secs(60),
    )
    .await;
    let mut tf = Terraform::new(&emu);
    tf.set_env("MARKETO_ENDPOINT", &relay.url);
    tf.config(&format!(
        "resource \"marketo_api_only_role\" \"r\" {{\n  name        = \"{NAME}\"\n  permissions = [\"Read-Write Lead\"]\n}}\n"
    ));

    let child = tf.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let pid = child.id().to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });

    // Wait until the emulator has applied the create (its answer is still held back).
    let start = Instant::now();
    while !relay.applied.load(Ordering::SeqCst) {
        if let Ok(out) = rx.try_recv() {
            let out = out.expect("terraform ran");
            panic!(
                "terraform exited before the create was sent:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the role create never reached the emulator"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        roles_named(&emu, NAME).len(),
        1,
        "the emulator made the role"
    );

    // Ctrl-C, as a terminal sends it: SIGINT to the foreground process group, Terraform and
    // the provider alike.
    let group = format!("-{pid}");
    let status = std::process::Command::new("kill")
        .args(["-INT", "--", &group])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -INT -- {group} failed");

    // Terraform stops the provider and exits, without waiting for the held-back answer: well
    // within the 30 s request timeout, so it is the stop, not a timeout, that ends the call.
    let start = Instant::now();
    let out = loop {
        if let Ok(out) = rx.try_recv() {
            break out.expect("terraform ran");
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "terraform did not exit within 20 s of the interrupt"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "terraform apply, interrupted (exit {:?}):\n{text}",
        out.status.code()
    );
    assert_eq!(
        relay.abandoned.load(Ordering::SeqCst),
        1,
        "the provider hung up on the create in flight (it was stopped):\n{text}"
    );
    assert!(
        text.contains("Interrupt received"),
        "Terraform saw the interrupt:\n{text}"
    );
    assert_ne!(
        out.status.code(),
        Some(0),
        "an interrupted apply is not a success:\n{text}"
    );

    // The role Marketo made is in the state: no orphan.
    let ids = roles_named(&emu, NAME);
    assert_eq!(ids.len(), 1, "exactly one role in Marketo: {ids:?}");
    let state = tf
        .state_of("marketo_api_only_role.r")
        .unwrap_or_else(|| panic!("the created role is not in the state:\n{text}"));
    assert_eq!(state["id"], ids[0].to_string(), "{text}");
    assert_eq!(state["name"], NAME);

    // Applying again makes no duplicate, and the plan after is clean.
    tf.apply();
    assert_eq!(
        roles_named(&emu, NAME),
        ids,
        "no duplicate after a second apply"
    );
    tf.assert_no_changes();
    assert_eq!(
        relay.abandoned.load(Ordering::SeqCst),
        1,
        "the second apply created nothing"
    );
}

/// The processes whose parent is `pid` (Linux: `/proc/<pid>/task/<tid>/children`).
fn children(pid: &str) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return found;
    };
    for task in tasks.flatten() {
        let text = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        found.extend(text.split_whitespace().map(str::to_string));
    }
    found
}

/// True while `pid` runs (a zombie waiting to be reaped does not).
fn running(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                != Some("Z")
        })
        .unwrap_or(false)
}

/// `kill -9` of Terraform alone (not its process group) during an apply: the provider it started
/// gets no `Shutdown`, notices that its parent is gone, and exits instead of living on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provider_exits_when_terraform_is_killed() {
    if !std::path::Path::new("/proc/self/task").exists() {
        eprintln!("skipped: no /proc to find the provider by");
        return;
    }
    let emu = support::emulator().await;
    let relay = net::slow_creates(
        emu.base_url(),
        "/userservice/management/v1/roles/create.json",
        Duration::from_secs(60),
    )
    .await;
    let mut tf = Terraform::new(&emu);
    tf.set_env("MARKETO_ENDPOINT", &relay.url);
    tf.config(
        "resource \"marketo_api_only_role\" \"r\" {\n  name        = \"Killed Sync\"\n  permissions = [\"Read-Write Lead\"]\n}\n",
    );
    let mut child = tf.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let pid = child.id().to_string();
    let start = Instant::now();
    while !relay.applied.load(Ordering::SeqCst) {
        assert!(
            child.try_wait().expect("wait").is_none(),
            "terraform exited before the create was sent"
        );
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the role create never reached the emulator"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The provider: a process Terraform started (Terraform 1.0 runs under panicwrap, whose
    // child is the real Terraform: look one level further down).
    let is_provider = |p: &String| {
        std::fs::read(format!("/proc/{p}/cmdline"))
            .is_ok_and(|c| String::from_utf8_lossy(&c).contains("terraform-provider-marketo"))
    };
    let mut candidates = children(&pid);
    candidates.extend(children(&pid).iter().flat_map(|c| children(c)));
    let provider = candidates
        .into_iter()
        .find(is_provider)
        .expect("the provider runs under Terraform");
    assert!(running(&provider));

    // SIGKILL to the Terraform processes only; the provider is left to notice.
    let mut terraform = vec![pid.clone()];
    terraform.extend(children(&pid).into_iter().filter(|p| !is_provider(p)));
    for p in &terraform {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", p])
            .status();
    }
    let _ = child.wait();
    let killed = Instant::now();
    while running(&provider) && killed.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let still = running(&provider);
    let stat = std::fs::read_to_string(format!("/proc/{provider}/stat")).unwrap_or_default();
    if still {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &provider])
            .status();
    }
    assert!(
        !still,
        "the provider still runs 10 s after Terraform ({terraform:?}) was killed: {stat}"
    );
}
