#!/usr/bin/env bash
# `make bench`: measures the provider (release build) through Terraform 1.15.5 against
# marketo-emulator, and writes BENCHMARKS.md at the root with every figure side by side:
#   1. `terraform plan` of BENCH_PLAN_N (1000) new marketo_api_only_user against as many
#      terraform_data (Terraform's built-in resource, no provider) and as many workato_project of
#      the Go peer below: median of BENCH_PLAN_RUNS (3)
#   2. start-to-handshake time and peak RSS against a Go terraform-plugin-framework provider
#      (workato 0.16.0 from PyPI, unpacked into .tools/): median of BENCH_STARTS (20) starts,
#      and the provider's peak RSS over `terraform providers schema -json`
#   3. API calls per operation (emulator request log) against Marketo's floor, BENCH_N (40)
#      roles + BENCH_N users + BENCH_N services: apply, no-change plan, a plan that touches access
#      (issue 17), plan -refresh=false, destroy, each command started with the emulator's rate
#      window emptied
#   4. the wall times of those commands (the no-change plan of 3 x BENCH_N objects against the
#      provider's call budget of 80 per 20 s), of the same cycle run back to back, and of two
#      applies at once sharing the machine's call budget
#   5. the review of a saved plan (scripts/bench-review.sh), when that script is there
# The machine must be quiet: the share of CPU that other processes use is sampled before and after
# the measurements, and BENCHMARKS.md says when it was too high for the figures to stand.
# A benchmark reports, it does not assert: only a failing step stops it. Knobs:
#   BENCH_N=100 BENCH_PLAN_N=500 BENCH_PLAN_RUNS=3 BENCH_STARTS=20 BENCH_OUT=/tmp/b.md make bench
#   BENCH_KEEP=1 keeps the scratch folder (Terraform logs, the emulator's request log).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${BENCH_N:-40}
big=${BENCH_PLAN_N:-1000}
plan_runs=${BENCH_PLAN_RUNS:-3}
starts=${BENCH_STARTS:-20}
out=${BENCH_OUT:-$root/BENCHMARKS.md}
tf=${TERRAFORM:-$root/.tools/bin/terraform-1.15.5}
python=${PYTHON:-python3}
helpers="$root/scripts/bench"
release="$root/target/release"
musl="$root/target/x86_64-unknown-linux-musl/release/terraform-provider-marketo"
go_version=0.16.0
go_dir="$root/.tools/workato-$go_version"
go_bin="$go_dir/terraform-provider-workato_v$go_version"

fail() { echo "bench: $*" >&2; exit 1; }
say() { echo "== $*" >&2; }
[ -x "$tf" ] || fail "no Terraform at $tf: run \`make tools\` first"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# busy: the share of the machine's CPU used over 3 s while the bench itself waits (other work).
busy() {
  local a b
  a=($(head -n 1 /proc/stat)); sleep 3; b=($(head -n 1 /proc/stat))
  awk -v a="${a[*]}" -v b="${b[*]}" 'BEGIN {
    split(a, x, " "); split(b, y, " "); total = 0; idle = 0
    for (i = 2; i <= 11; i++) { total += y[i] - x[i] }
    idle = (y[5] - x[5]) + (y[6] - x[6])
    share = 0; if (total > 0) share = 1 - idle / total
    printf "%.2f", share }'
}

say "building the release binaries (cargo build --release)"
cargo build --release --quiet --workspace --bins --manifest-path "$root/Cargo.toml" ||
  fail "cargo build --release failed"
[ -x "$release/terraform-provider-marketo" ] || fail "no $release/terraform-provider-marketo after the build"
[ -x "$release/marketo-emulator" ] || fail "no $release/marketo-emulator after the build"

work=$(mktemp -d "${TMPDIR:-/tmp}/marketo-bench.XXXXXX")
res="$work/results"
mkdir -p "$res" "$work/tmp"
# The provider processes' shared call budget (a lock file per instance) lives in TMPDIR: the
# bench's own, so that `settle` can forget it with the emulator's window.
export TMPDIR="$work/tmp"
emu_pid=
cleanup() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: scratch kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

# The Go peer: the wheel carries a terraform-plugin-framework binary; no system package needed.
if [ ! -x "$go_bin" ]; then
  say "fetching workato-terraform-provider==$go_version (wheel) from PyPI for its Go provider binary"
  pip=("$python" -m pip)
  [ -x "$root/.venv/bin/pip" ] && pip=("$root/.venv/bin/pip")
  "${pip[@]}" download --quiet --disable-pip-version-check --no-deps --only-binary :all: \
    "workato-terraform-provider==$go_version" -d "$work/wheel" || fail "pip download of the Go peer failed"
  mkdir -p "$go_dir"
  "$python" - "$work"/wheel/workato_terraform_provider-"$go_version"-*.whl "$go_bin" "$go_version" <<'PY' ||
import sys, zipfile
wheel, dest, version = sys.argv[1:]
member = ("workato_terraform_provider/payload/registry.terraform.io/local/workato/"
          f"{version}/linux_amd64/terraform-provider-workato_v{version}")
with zipfile.ZipFile(wheel) as z, open(dest + ".tmp", "wb") as f:
    f.write(z.read(member))
PY
    fail "could not unpack the Go provider from the wheel"
  chmod 0755 "$go_bin.tmp"
  mv "$go_bin.tmp" "$go_bin"
fi

# --- the emulator (limits on, as Marketo) ------------------------------------------------------
log="$work/requests.jsonl"
"$release/marketo-emulator" --listen 127.0.0.1:0 --log "$log" > "$work/emulator.out" 2> "$work/emulator.err" &
emu_pid=$!
for _ in $(seq 1 100); do
  grep -q "listening on" "$work/emulator.out" 2>/dev/null && break
  kill -0 "$emu_pid" 2>/dev/null || break
  sleep 0.1
done
url=$(sed -n 's/^marketo-emulator listening on //p' "$work/emulator.out")
[ -n "$url" ] || { cat "$work/emulator.err" >&2; fail "the emulator did not start"; }

cat > "$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/marketo-community/marketo" = "$release"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 RUST_BACKTRACE=0
export MARKETO_ENDPOINT="$url" MARKETO_CLIENT_ID=emulator-admin-client MARKETO_CLIENT_SECRET=emulator-admin-secret
tf_version=$("$tf" version 2> /dev/null | sed -n 's/^Terraform v//p' | head -n 1) || fail "could not run $tf version"

log_lines() { if [ -f "$log" ]; then wc -l < "$log"; else echo 0; fi; }
# run NAME DIR ARGS...: one Terraform command; its output goes to $work/NAME.log, a failure stops
# the bench with that output.
run() {
  local name=$1 dir=$2; shift 2
  "$tf" -chdir="$dir" "$@" > "$work/$name.log" 2>&1 ||
    { tail -n 40 "$work/$name.log" >&2; fail "\`terraform $*\` failed in $dir (step $name)"; }
}
# timed NAME DIR ARGS...: as run, and appends "NAME<TAB>seconds<TAB>calls JSON" to steps.tsv.
timed() {
  local name=$1 before start end
  before=$(log_lines)
  start=$EPOCHREALTIME
  run "$@"
  end=$EPOCHREALTIME
  printf '%s\t%s\t%s\n' "$name" "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')" \
    "$("$python" "$helpers/calls.py" "$log" $((before + 1)) "$(log_lines)")" >> "$res/steps.tsv"
}

busy_before=$(busy)
say "CPU used by other processes before the measurements: $busy_before of the machine"

# --- 2. start-to-handshake and peak RSS --------------------------------------------------------
say "start-to-handshake: $starts starts of each binary, in turn"
bins=("ours (glibc)=$release/terraform-provider-marketo")
[ -x "$musl" ] && bins+=("ours (static musl)=$musl")
bins+=("Go framework (workato $go_version)=$go_bin")
"$python" "$helpers/handshake.py" --runs "$starts" --out "$res/handshake.json" "${bins[@]}"
if command -v openssl > /dev/null; then
  # Terraform always sets PLUGIN_CLIENT_CERT (AutoMTLS): the provider then makes a certificate too.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
    -keyout "$work/client.key" -out "$work/client.pem" 2> /dev/null || fail "openssl could not make a client certificate"
  say "start-to-handshake with AutoMTLS (PLUGIN_CLIENT_CERT set, as Terraform does)"
  "$python" "$helpers/handshake.py" --runs "$starts" --client-cert "$work/client.pem" \
    --out "$res/handshake-tls.json" "${bins[@]}"
fi

say "peak RSS over \`terraform providers schema -json\`"
for item in "${bins[@]}"; do
  label=${item%%=*} bin=${item#*=}
  slug=$(echo "$label" | tr 'A-Z' 'a-z' | tr -cs 'a-z0-9\n' '-')
  case $bin in
    "$go_bin") addr=registry.terraform.io/local/workato type=workato source=local/workato ;;
    *) addr=registry.terraform.io/marketo-community/marketo type=marketo source=marketo-community/marketo ;;
  esac
  mkdir -p "$work/schema-$slug/plugin" "$work/schema-$slug/tf"
  printf '#!/bin/sh\nexec %q %q %q %q "$@"\n' "$python" "$helpers/rss-wrap.py" "$work/schema-$slug/rss" "$bin" \
    > "$work/schema-$slug/plugin/terraform-provider-$type"
  chmod 0755 "$work/schema-$slug/plugin/terraform-provider-$type"
  printf 'provider_installation {\n  dev_overrides {\n    "%s" = "%s"\n  }\n  direct {}\n}\n' \
    "$addr" "$work/schema-$slug/plugin" > "$work/schema-$slug/terraformrc"
  printf 'terraform {\n  required_providers {\n    %s = { source = "%s" }\n  }\n}\n' "$type" "$source" \
    > "$work/schema-$slug/tf/main.tf"
  TF_CLI_CONFIG_FILE="$work/schema-$slug/terraformrc" \
    run "schema-$slug" "$work/schema-$slug/tf" providers schema -json
  grep -q '"provider_schemas"' "$work/schema-$slug.log" || fail "no schema from $label"
  [ -s "$work/schema-$slug/rss" ] || fail "no peak RSS recorded for $label"
  printf '%s\t%s\t%s\n' "$label" "$(sort -n "$work/schema-$slug/rss" | tail -n 1)" \
    "$(grep -o '"provider_schemas"' "$work/schema-$slug.log" | wc -l)" >> "$res/schema-rss.tsv"
done

# --- 1. plan of many new users against terraform_data -----------------------------------------
# Role 101 is the emulator's seeded "Emulator API Admin" role: a literal id, so planning the users
# needs no role read, and a new user's plan needs no Marketo call at all.
mkdir -p "$work/plan-users" "$work/plan-data"
cat > "$work/plan-users/main.tf" <<HCL
terraform {
  required_providers {
    marketo = { source = "marketo-community/marketo" }
  }
}

resource "marketo_api_only_user" "u" {
  count      = $big
  email      = "planned-\${count.index}@example.com"
  first_name = "Planned"
  last_name  = "User \${count.index}"
  role_assignment {
    role_id      = 101
    workspace_id = 0
  }
}
HCL
cat > "$work/plan-data/main.tf" <<HCL
resource "terraform_data" "u" {
  count = $big
  input = {
    email           = "planned-\${count.index}@example.com"
    first_name      = "Planned"
    last_name       = "User \${count.index}"
    role_assignment = [{ role_id = 101, workspace_id = 0 }]
  }
}
HCL
# The Go peer's plan: as many new workato_project (a name and a description each); its provider
# block needs an HTTPS base_url, which the plan never calls.
mkdir -p "$work/plan-go"
cat > "$work/plan-go/main.tf" <<HCL
terraform {
  required_providers {
    workato = { source = "local/workato" }
  }
}

provider "workato" {
  api_key  = "bench"
  base_url = "https://127.0.0.1:9"
}

resource "workato_project" "u" {
  count       = $big
  name        = "Planned \${count.index}"
  description = "Planned project \${count.index}"
}
HCL
mkdir -p "$work/go-plugin"
cp "$go_bin" "$work/go-plugin/terraform-provider-workato"
printf 'provider_installation {\n  dev_overrides {\n    "registry.terraform.io/local/workato" = "%s"\n  }\n  direct {}\n}\n' \
  "$work/go-plugin" > "$work/go-terraformrc"
run init-plan-data "$work/plan-data" init -input=false -no-color
say "terraform plan of $big new marketo_api_only_user, $big terraform_data and $big workato_project, $plan_runs runs each, in turn"
for i in $(seq 1 "$plan_runs"); do
  for kind in users data go; do
    before=$(log_lines)
    start=$EPOCHREALTIME
    if [ "$kind" = go ]; then
      TF_CLI_CONFIG_FILE="$work/go-terraformrc" run "plan-$kind-$i" "$work/plan-$kind" plan -input=false -lock=false -no-color
    else
      run "plan-$kind-$i" "$work/plan-$kind" plan -input=false -lock=false -no-color
    fi
    end=$EPOCHREALTIME
    grep -q "Plan: $big to add" "$work/plan-$kind-$i.log" || fail "plan-$kind-$i did not plan $big additions"
    printf '%s\t%s\t%s\t%s\n' "$kind" "$i" "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')" \
      "$("$python" "$helpers/calls.py" "$log" $((before + 1)) "$(log_lines)")" >> "$res/plan.tsv"
    echo "  plan $kind #$i: $(tail -n 1 "$res/plan.tsv" | cut -f 3) s" >&2
  done
done

# --- 3 and 4. API calls per operation; the no-change plan at the call budget ------------------
# settle: forget the calls the emulator counted (as if Marketo's 20 s window had passed), through
# its test control that puts back Marketo's limits (100 calls per 20 s, 10 at once, 50,000 a day).
settle() {
  curl -fsS -X POST -H 'Content-Type: application/json' \
    -d '{"rateLimit": "100/20", "concurrency": 10, "dailyQuota": 50000}' \
    "$url/_emulator/limits.json" > /dev/null || fail "could not reset the emulator's limits"
  rm -f "$TMPDIR"/marketo-call-budget-*.lock
}
# chain PREFIX [ACCESS]: the configuration of N roles, N users each holding its role, and N
# services each owned by its user. With ACCESS, the same with role 0's permissions changed and the
# last service left out: a plan that touches access (issue 17).
chain() {
  local prefix=$1 access=${2:-}
  local perms='["Read-Only Lead"]' services=$n
  if [ -n "$access" ]; then
    perms='count.index == 0 ? ["Read-Only Lead", "Read-Write Lead"] : ["Read-Only Lead"]'
    services=$((n - 1))
  fi
  cat <<HCL
terraform {
  required_providers {
    marketo = { source = "marketo-community/marketo" }
  }
}

resource "marketo_api_only_role" "r" {
  count       = $n
  name        = "$prefix role \${count.index}"
  permissions = $perms
}

resource "marketo_api_only_user" "u" {
  count      = $n
  email      = "$prefix-\${count.index}@example.com"
  first_name = "Bench"
  last_name  = "User \${count.index}"
  role_assignment {
    role_id      = marketo_api_only_role.r[count.index].id
    workspace_id = 0
  }
}

resource "marketo_custom_service" "s" {
  count         = $services
  display_name  = "$prefix service \${count.index}"
  api_only_user = marketo_api_only_user.u[count.index].userid
}
HCL
}
# cycle PREFIX SETTLE: apply, no-change plan, (settled only: a plan touching access),
# plan -refresh=false and destroy of the chain, with the emulator's window forgotten before each
# command when SETTLE is 1, else back to back (Marketo's window then spans the commands, each a
# new provider process with a fresh budget).
cycle() {
  local prefix=$1 settled=$2 dir="$work/crud-$1"
  mkdir -p "$dir"
  chain "$prefix" > "$dir/main.tf"
  settle
  timed "$prefix:apply" "$dir" apply -auto-approve -input=false -no-color
  [ "$settled" = 1 ] && settle
  timed "$prefix:plan" "$dir" plan -detailed-exitcode -input=false -no-color
  if [ "$settled" = 1 ]; then
    settle
    chain "$prefix" access > "$dir/main.tf"
    timed "$prefix:plan-access" "$dir" plan -input=false -no-color
    chain "$prefix" > "$dir/main.tf"
  fi
  [ "$settled" = 1 ] && settle
  timed "$prefix:plan-norefresh" "$dir" plan -refresh=false -detailed-exitcode -input=false -no-color
  [ "$settled" = 1 ] && settle
  timed "$prefix:destroy" "$dir" destroy -auto-approve -input=false -no-color
  return 0
}
say "apply, no-change plan, plan touching access, plan -refresh=false, destroy of $n roles + $n users + $n services, each command from a settled window"
cycle settled 1
say "the same, back to back"
cycle b2b 0
# Two applies at once, as two CI jobs against one instance: the machine's call budget (a lock file
# per instance) keeps them together under Marketo's limit.
say "two applies at once, each of $n roles + $n users + $n services, then their destroys"
for side in left right; do mkdir -p "$work/crud-$side"; chain "$side" > "$work/crud-$side/main.tf"; done
settle
before=$(log_lines)
start=$EPOCHREALTIME
run concurrent-left "$work/crud-left" apply -auto-approve -input=false -no-color &
left=$!
run concurrent-right "$work/crud-right" apply -auto-approve -input=false -no-color &
right=$!
wait "$left" || fail "the left apply failed"
wait "$right" || fail "the right apply failed"
end=$EPOCHREALTIME
printf '%s\t%s\t%s\n' "concurrent:apply" "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')" \
  "$("$python" "$helpers/calls.py" "$log" $((before + 1)) "$(log_lines)")" >> "$res/steps.tsv"
settle
for side in left right; do run "concurrent-destroy-$side" "$work/crud-$side" destroy -auto-approve -input=false -no-color; done
cut -f 1,2 "$res/steps.tsv" | sed 's/^/  /' >&2

# --- 5. the review of a saved plan (issue 18) --------------------------------------------------
if [ -x "$root/scripts/bench-review.sh" ]; then
  say "the review of a saved plan (scripts/bench-review.sh)"
  "$root/scripts/bench-review.sh" > "$res/review.md" || fail "scripts/bench-review.sh failed"
fi

busy_after=$(busy)
say "CPU used by other processes after the measurements: $busy_after of the machine"

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
  printf 'started\t%s\n' "$started"
  printf 'load_before\t%s\n' "$load_before"
  printf 'load_after\t%s\n' "$load_after"
  printf 'busy_before\t%s\n' "$busy_before"
  printf 'busy_after\t%s\n' "$busy_after"
  printf 'terraform\t%s\n' "$tf_version"
  printf 'n\t%s\n' "$n"
  printf 'big\t%s\n' "$big"
  printf 'plan_runs\t%s\n' "$plan_runs"
  printf 'starts\t%s\n' "$starts"
  printf 'cpu\t%s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  printf 'cores\t%s\n' "$(nproc)"
  printf 'memory\t%s\n' "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  printf 'kernel\t%s\n' "$(uname -sr)"
  printf 'rustc\t%s\n' "$(rustc --version 2>/dev/null || echo unknown)"
  printf 'provider_version\t%s\n' "$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)"
  printf 'commit\t%s\n' "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  printf 'musl\t%s\n' "$([ -x "$musl" ] && echo yes || echo no)"
} > "$res/meta.tsv"
"$python" "$helpers/render.py" "$res" > "$out.tmp" || fail "could not write $out"
mv "$out.tmp" "$out"
say "wrote $out (load average before: $load_before, after: $load_after)"
