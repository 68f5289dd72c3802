#!/usr/bin/env bash
# `make bench`: measures the provider (release build) through Terraform 1.15.5 against
# marketo-emulator, and writes BENCHMARKS.md at the root with every figure side by side:
#   1. `terraform plan` of BENCH_PLAN_N (1000) new marketo_api_only_user against as many
#      terraform_data (Terraform's built-in resource, no provider): median of BENCH_PLAN_RUNS (3)
#   2. start-to-handshake time and peak RSS against a Go terraform-plugin-framework provider
#      (workato 0.16.0 from PyPI, unpacked into .tools/): median of BENCH_STARTS (20) starts,
#      and the provider's peak RSS over `terraform providers schema -json`
#   3. API calls per operation (emulator request log) against Marketo's floor, BENCH_N (40)
#      roles + BENCH_N users: apply, no-change plan, plan -refresh=false, destroy, each command
#      started with the emulator's rate window emptied
#   4. the wall times of those commands (the no-change plan of 2 x BENCH_N objects against the
#      provider's call budget of 80 per 20 s), and of the same cycle run back to back
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

say "building the release binaries (cargo build --release)"
cargo build --release --quiet --workspace --bins --manifest-path "$root/Cargo.toml" ||
  fail "cargo build --release failed"
[ -x "$release/terraform-provider-marketo" ] || fail "no $release/terraform-provider-marketo after the build"
[ -x "$release/marketo-emulator" ] || fail "no $release/marketo-emulator after the build"

work=$(mktemp -d "${TMPDIR:-/tmp}/marketo-bench.XXXXXX")
res="$work/results"
mkdir -p "$res"
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
run init-plan-data "$work/plan-data" init -input=false -no-color
say "terraform plan of $big new marketo_api_only_user and of $big terraform_data, $plan_runs runs each, in turn"
for i in $(seq 1 "$plan_runs"); do
  for kind in users data; do
    before=$(log_lines)
    start=$EPOCHREALTIME
    run "plan-$kind-$i" "$work/plan-$kind" plan -input=false -lock=false -no-color
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
}
# cycle PREFIX SETTLE: apply, no-change plan, plan -refresh=false and destroy of N roles + N
# users, with the emulator's window forgotten before each command when SETTLE is 1, else back to
# back (Marketo's window then spans the commands, each a new provider process with a fresh budget).
cycle() {
  local prefix=$1 settled=$2 dir="$work/crud-$1"
  mkdir -p "$dir"
  cat > "$dir/main.tf" <<HCL
terraform {
  required_providers {
    marketo = { source = "marketo-community/marketo" }
  }
}

resource "marketo_api_only_role" "r" {
  count       = $n
  name        = "$prefix role \${count.index}"
  permissions = ["Read-Only Lead"]
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
HCL
  settle
  timed "$prefix:apply" "$dir" apply -auto-approve -input=false -no-color
  [ "$settled" = 1 ] && settle
  timed "$prefix:plan" "$dir" plan -detailed-exitcode -input=false -no-color
  [ "$settled" = 1 ] && settle
  timed "$prefix:plan-norefresh" "$dir" plan -refresh=false -detailed-exitcode -input=false -no-color
  [ "$settled" = 1 ] && settle
  timed "$prefix:destroy" "$dir" destroy -auto-approve -input=false -no-color
  return 0
}
say "apply, no-change plan, plan -refresh=false, destroy of $n roles + $n users, each command from a settled window"
cycle settled 1
say "the same, back to back"
cycle b2b 0
cut -f 1,2 "$res/steps.tsv" | sed 's/^/  /' >&2

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
  printf 'started\t%s\n' "$started"
  printf 'load_before\t%s\n' "$load_before"
  printf 'load_after\t%s\n' "$load_after"
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
