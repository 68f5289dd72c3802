//! `adopt_existing` (issue 12) through real Terraform: a create that finds an identical object
//! already in Marketo records it, with a warning, instead of failing; one that differs is an
//! error naming every differing attribute, and nothing is duplicated either way.

use marketo_emulator::EmulatorHandle;

use crate::support::{self, terraform::Terraform};

/// A role, a user holding it and a service the user owns; `first` is the user's first name and
/// `provider` the provider block (if any).
fn config(provider: &str, description: &str, first: &str) -> String {
    format!(
        "{provider}resource \"marketo_api_only_role\" \"r\" {{\n  name        = \"Adopted Role\"\n  description = \"{description}\"\n  permissions = [\"Read-Only Lead\", \"Read-Write Lead\"]\n}}\n\nresource \"marketo_api_only_user\" \"u\" {{\n  email      = \"adopted@example.com\"\n  first_name = \"{first}\"\n  last_name  = \"Sync\"\n  role_assignment {{\n    role_id      = marketo_api_only_role.r.id\n    workspace_id = 0\n  }}\n}}\n\nresource \"marketo_custom_service\" \"s\" {{\n  display_name  = \"Adopted Service\"\n  api_only_user = marketo_api_only_user.u.userid\n}}\n"
    )
}

/// How many roles, users and services Marketo has with the names this test uses.
fn counts(emu: &EmulatorHandle) -> (usize, usize, usize) {
    let snap = emu.snapshot();
    (
        snap.roles
            .iter()
            .filter(|r| r.name == "Adopted Role")
            .count(),
        snap.users
            .iter()
            .filter(|u| u.email_address == "adopted@example.com")
            .count(),
        snap.services
            .iter()
            .filter(|s| s.display_name == "Adopted Service")
            .count(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_objects_are_adopted_and_different_ones_refused() {
    let emu = support::emulator().await;
    let first = Terraform::new(&emu);
    first.config(&config("", "made first", "Ada"));
    first.apply();
    assert_eq!(counts(&emu), (1, 1, 1));

    // Without the setting: refused, with the id to import.
    let other = Terraform::new(&emu);
    other.config(&config("", "made first", "Ada"));
    let out = other.fails(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    eprintln!("without adopt_existing:\n{}", out.text());
    let text = out.flat();
    assert!(
        text.contains("A role with this name already exists"),
        "{text}"
    );
    let role_id = first.attrs("marketo_api_only_role.r")["id"]
        .as_str()
        .expect("role id")
        .to_string();
    assert!(
        text.contains(&format!(
            "import {{ to = marketo_api_only_role.<name> id = \"{role_id}\" }}"
        )),
        "{text}"
    );
    assert!(text.contains("adopt_existing = true"), "{text}");

    // A difference (here the role's description) is an error that names it; nothing is made.
    let mut adopting = Terraform::new(&emu);
    adopting.set_env("MARKETO_ADOPT_EXISTING", "true");
    adopting.config(&config("", "changed", "Ada"));
    let text = adopting
        .fails(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .flat();
    assert!(
        text.contains("An existing role differs from the configuration"),
        "{text}"
    );
    assert!(
        text.contains("`description`: configured \"changed\", Marketo has \"made first\""),
        "{text}"
    );
    assert_eq!(counts(&emu), (1, 1, 1));

    // Identical: all three adopted, each with its warning, from the provider block this time.
    adopting.unset_env("MARKETO_ADOPT_EXISTING");
    adopting.config(&config(
        "provider \"marketo\" {\n  adopt_existing = true\n}\n\n",
        "made first",
        "Ada",
    ));
    let out = adopting.apply();
    eprintln!("with adopt_existing:\n{}", out.text());
    let text = out.flat();
    for what in ["role", "API-only user", "custom service"] {
        assert!(
            text.contains(&format!("Adopted an existing {what}")),
            "{what}: {text}"
        );
    }
    assert_eq!(counts(&emu), (1, 1, 1), "nothing duplicated");
    for addr in [
        "marketo_api_only_role.r",
        "marketo_api_only_user.u",
        "marketo_custom_service.s",
    ] {
        assert_eq!(
            adopting.attrs(addr)["id"],
            first.attrs(addr)["id"],
            "{addr} is the same object"
        );
    }
    // The adopted service's secret is in the state (sensitive), not in the output.
    let secret = first.attrs("marketo_custom_service.s")["client_secret"].clone();
    assert_eq!(
        adopting.attrs("marketo_custom_service.s")["client_secret"],
        secret
    );
    assert!(!text.contains(secret.as_str().expect("secret")), "{text}");
    adopting.assert_no_changes();

    // A user that differs (its first name) is refused with the attribute named.
    adopting.ok(&[
        "state",
        "rm",
        "marketo_api_only_user.u",
        "marketo_custom_service.s",
    ]);
    adopting.config(&config(
        "provider \"marketo\" {\n  adopt_existing = true\n}\n\n",
        "made first",
        "Grace",
    ));
    let text = adopting
        .fails(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .flat();
    assert!(
        text.contains("An existing API-only user differs from the configuration"),
        "{text}"
    );
    assert!(
        text.contains("`first_name`: configured \"Grace\", Marketo has \"Ada\""),
        "{text}"
    );
    assert_eq!(counts(&emu), (1, 1, 1));
    adopting.ok(&["state", "rm", "marketo_api_only_role.r"]);
    first.destroy();
    assert_eq!(counts(&emu), (0, 0, 0));
}
