//! Drives a real Terraform core against the provider binary of this build.
//!
//! Which core: `TERRAFORM`, else `terraform` on PATH, else `.tools/bin/terraform-1.15.5`
//! (installed by `make tools`); `make test` sets `TERRAFORM` for each core it runs. Terraform
//! finds the provider through `dev_overrides` pointing at the directory Cargo built it into, or,
//! with [`Terraform::with_mirror`], installs it with a real `terraform init`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use marketo_emulator::EmulatorHandle;
use serde_json::Value;

/// The provider's source address, as HCL's `required_providers` names it.
pub const SOURCE: &str = "marketo-community/marketo";

/// What a Terraform command did.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Everything the command printed, for assertions on messages.
    pub fn text(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// [`Outcome::text`] with every run of whitespace made one space: Terraform wraps
    /// diagnostics at 78 columns, so assert on messages through this.
    pub fn flat(&self) -> String {
        self.text().split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// One Terraform working directory wired to one emulator.
pub struct Terraform {
    bin: PathBuf,
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

/// The Terraform binary under test: `TERRAFORM`, else `terraform` on PATH, else the 1.15.5 core
/// that `make tools` installs.
pub fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("TERRAFORM") {
        return PathBuf::from(path);
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("terraform"))
            .find(|candidate| candidate.is_file())
    });
    if let Some(path) = on_path {
        return path;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/bin/terraform-1.15.5")
}

/// A filesystem mirror (unpacked layout) holding a copy of the provider binary Cargo built for
/// this test run, made once per test process.
fn mirror() -> PathBuf {
    static MIRROR: OnceLock<tempfile::TempDir> = OnceLock::new();
    MIRROR
        .get_or_init(|| {
            let root = tempfile::tempdir().expect("mirror dir");
            let version = env!("CARGO_PKG_VERSION");
            let dir = root.path().join(format!(
                "registry.terraform.io/{SOURCE}/{version}/linux_amd64"
            ));
            std::fs::create_dir_all(&dir).expect("mirror layout");
            std::fs::copy(
                env!("CARGO_BIN_EXE_terraform-provider-marketo"),
                dir.join(format!("terraform-provider-marketo_v{version}")),
            )
            .expect("copy the provider into the mirror");
            root
        })
        .path()
        .to_path_buf()
}

/// `(major, minor, patch)` of the Terraform under test, asked once.
pub fn version() -> (u32, u32, u32) {
    static VERSION: OnceLock<(u32, u32, u32)> = OnceLock::new();
    *VERSION.get_or_init(|| {
        let out = Command::new(binary())
            .arg("version")
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run Terraform at {}: {e}; run `make tools` or set TERRAFORM",
                    binary().display()
                )
            });
        let text = String::from_utf8_lossy(&out.stdout);
        let v = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("Terraform v"))
            .unwrap_or_else(|| panic!("unexpected `terraform version` output: {text}"));
        let mut parts = v.trim().split('.').map(|p| {
            p.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse::<u32>()
                .unwrap_or(0)
        });
        (
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
        )
    })
}

/// True when the core under test is at least `major.minor`.
pub fn at_least(major: u32, minor: u32) -> bool {
    let (ma, mi, _) = version();
    (ma, mi) >= (major, minor)
}

/// True when the core under test is older than `major.minor`, after saying on stderr that the
/// test is skipped and what it needs (`what`): `if skip_below(1, 14, "terraform query") { return; }`.
pub fn skip_below(major: u32, minor: u32, what: &str) -> bool {
    if at_least(major, minor) {
        return false;
    }
    eprintln!(
        "skipped: {what} needs Terraform {major}.{minor} or later; this core is {:?}",
        version()
    );
    true
}

impl Terraform {
    /// A fresh working directory whose provider credentials come from the environment
    /// (`MARKETO_ENDPOINT`, `MARKETO_CLIENT_ID`, `MARKETO_CLIENT_SECRET`), pointed at `emu`.
    /// Terraform finds the provider through `dev_overrides`: no `terraform init`.
    pub fn new(emu: &EmulatorHandle) -> Self {
        let provider_dir = Path::new(env!("CARGO_BIN_EXE_terraform-provider-marketo"))
            .parent()
            .expect("provider binary has a directory")
            .to_path_buf();
        Terraform::with_installation(
            emu,
            &format!(
                "  dev_overrides {{\n    \"registry.terraform.io/{SOURCE}\" = \"{}\"\n  }}\n  direct {{}}\n",
                provider_dir.display()
            ),
        )
    }

    /// Like [`Terraform::new`], but Terraform installs the provider with a real
    /// `terraform init` from a filesystem mirror holding this build's binary, as a user's
    /// Terraform installs a released one (and writes `.terraform.lock.hcl`).
    pub fn with_mirror(emu: &EmulatorHandle) -> Self {
        Terraform::with_installation(
            emu,
            &format!(
                "  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/{SOURCE}\"]\n  }}\n",
                mirror().display()
            ),
        )
    }

    fn with_installation(emu: &EmulatorHandle, installation: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let rc = dir.path().join("terraformrc");
        std::fs::write(&rc, format!("provider_installation {{\n{installation}}}\n"))
            .expect("write terraformrc");
        // Each working directory gets its own temporary directory, so the provider's call-budget
        // file (one per instance) is neither left in /tmp nor shared with an earlier test's
        // emulator that had the same port.
        let tmp = dir.path().join("tmp");
        std::fs::create_dir(&tmp).expect("temp dir for the run");
        let env = vec![
            ("TMPDIR".into(), tmp.display().to_string()),
            ("TF_CLI_CONFIG_FILE".into(), rc.display().to_string()),
            ("CHECKPOINT_DISABLE".into(), "1".into()),
            ("TF_IN_AUTOMATION".into(), "1".into()),
            ("TF_INPUT".into(), "0".into()),
            ("RUST_BACKTRACE".into(), "0".into()),
            ("MARKETO_ENDPOINT".into(), emu.base_url()),
            ("MARKETO_CLIENT_ID".into(), emu.client_id().to_string()),
            (
                "MARKETO_CLIENT_SECRET".into(),
                emu.client_secret().to_string(),
            ),
        ];
        Terraform {
            bin: binary(),
            dir,
            env,
        }
    }

    /// The working directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Sets (or replaces) an environment variable for every later command.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_string(), value.to_string()));
    }

    /// Removes an environment variable for every later command.
    pub fn unset_env(&mut self, key: &str) {
        self.env.retain(|(k, _)| k != key);
    }

    /// Writes `main.tf` (the provider requirement is prepended) and removes any other `.tf`.
    pub fn config(&self, body: &str) {
        self.write(
            "main.tf",
            &format!(
                "terraform {{\n  required_providers {{\n    marketo = {{\n      source = \"{SOURCE}\"\n    }}\n  }}\n}}\n\n{body}"
            ),
        );
    }

    /// Writes a file into the working directory.
    pub fn write(&self, name: &str, content: &str) {
        std::fs::write(self.dir.path().join(name), content).expect("write config file");
    }

    /// Runs `terraform ARGS` in the working directory.
    pub fn run(&self, args: &[&str]) -> Outcome {
        let out = self
            .command(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.bin.display()));
        Outcome {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Starts `terraform ARGS` in the working directory without waiting for it, its output
    /// piped (read it with `wait_with_output`), for tests that signal a running Terraform. It
    /// leads a process group of its own (id = its pid), as a shell's foreground job does: a
    /// terminal's Ctrl-C signals the whole group (Terraform and the providers it started), and
    /// Terraform before 1.1 runs under panicwrap, whose parent ignores a SIGINT sent to it alone.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        use std::os::unix::process::CommandExt;
        use std::process::Stdio;
        self.command(args)
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.bin.display()))
    }

    /// `terraform ARGS` in the working directory, with this directory's environment only.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args).current_dir(self.dir.path());
        for key in [
            "TF_LOG",
            "TF_LOG_PROVIDER",
            "TF_REATTACH_PROVIDERS",
            "MARKETO_MUNCHKIN_ID",
            "MARKETO_REQUEST_TIMEOUT",
            "MARKETO_MAX_RETRIES",
            "MARKETO_MAX_CALLS_PER_20_SECONDS",
            "MARKETO_MAX_CONCURRENT_CALLS",
            "MARKETO_CA_CERTIFICATE_FILE",
            "MARKETO_ADOPT_EXISTING",
            "SSL_CERT_FILE",
            "SSL_CERT_DIR",
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
            "NO_PROXY",
            "no_proxy",
        ] {
            cmd.env_remove(key);
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        cmd
    }

    /// Runs a command that must succeed.
    pub fn ok(&self, args: &[&str]) -> Outcome {
        let out = self.run(args);
        assert_eq!(
            out.code,
            0,
            "terraform {} failed:\n{}",
            args.join(" "),
            out.text()
        );
        out
    }

    /// Runs a command that must fail, returning what it printed.
    pub fn fails(&self, args: &[&str]) -> Outcome {
        let out = self.run(args);
        assert_ne!(
            out.code,
            0,
            "terraform {} should have failed:\n{}",
            args.join(" "),
            out.text()
        );
        out
    }

    /// `terraform apply -auto-approve`, which must succeed.
    pub fn apply(&self) -> Outcome {
        self.ok(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform destroy -auto-approve`, which must succeed.
    pub fn destroy(&self) -> Outcome {
        self.ok(&["destroy", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform plan -detailed-exitcode`: 0 no changes, 2 changes (1 is an error and panics).
    pub fn plan(&self) -> Outcome {
        let out = self.run(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
        assert!(
            out.code == 0 || out.code == 2,
            "terraform plan failed:\n{}",
            out.text()
        );
        out
    }

    /// Asserts that a plan shows no changes.
    pub fn assert_no_changes(&self) {
        let out = self.plan();
        assert_eq!(out.code, 0, "expected no changes, got:\n{}", out.text());
    }

    /// Asserts that a plan shows changes and returns its text.
    pub fn assert_changes(&self) -> String {
        let out = self.plan();
        assert_eq!(out.code, 2, "expected changes, got:\n{}", out.text());
        out.stdout
    }

    /// `terraform import ADDR ID`, which must succeed.
    pub fn import(&self, addr: &str, id: &str) -> Outcome {
        self.ok(&["import", "-input=false", "-no-color", addr, id])
    }

    /// The value of one output, as JSON.
    pub fn output(&self, name: &str) -> Value {
        let out = self.ok(&["output", "-json", name]);
        serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("output {name} is not JSON ({e}): {}", out.stdout))
    }

    /// The attributes of one resource or data source in the state (`terraform show -json`).
    pub fn state_of(&self, addr: &str) -> Option<Value> {
        let out = self.ok(&["show", "-json"]);
        let doc: Value = serde_json::from_str(&out.stdout).expect("show -json is JSON");
        let resources = doc
            .pointer("/values/root_module/resources")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        resources
            .into_iter()
            .find(|r| r.get("address").and_then(Value::as_str) == Some(addr))
            .and_then(|r| r.get("values").cloned())
    }

    /// Like [`Terraform::state_of`], for a resource that must exist.
    pub fn attrs(&self, addr: &str) -> Value {
        self.state_of(addr)
            .unwrap_or_else(|| panic!("{addr} is not in the state"))
    }
}
