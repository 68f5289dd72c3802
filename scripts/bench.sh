#!/usr/bin/env bash
# `make bench`: times Terraform 1.15.5 over N roles and N API-only users (default 40 each) against
# a release build of the provider and an emulator with Marketo's limits on, and counts the API
# calls the provider made. The provider keeps itself under Marketo's shared limits (80 calls per
# 20 s, 5 at once), so with many resources the wall time is set by that budget, not by the CPU.
#   BENCH_N=100 make bench
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${BENCH_N:-40}
tf=${TERRAFORM:-$root/.tools/bin/terraform-1.15.5}
cargo build --release --quiet --workspace --bins --manifest-path "$root/Cargo.toml"
work=$(mktemp -d)
trap 'kill "$emu_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

"$root/target/release/marketo-emulator" --listen 127.0.0.1:0 --log "$work/requests.jsonl" \
  > "$work/emulator.out" 2> "$work/emulator.err" &
emu_pid=$!
for _ in $(seq 1 100); do
  grep -q "listening on" "$work/emulator.out" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/^marketo-emulator listening on //p' "$work/emulator.out")
[ -n "$url" ] || { echo "the emulator did not start:" >&2; cat "$work/emulator.err" >&2; exit 1; }

cat > "$work/rc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/marketo-community/marketo" = "$root/target/release"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/rc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 RUST_BACKTRACE=0
export MARKETO_ENDPOINT="$url" MARKETO_CLIENT_ID=emulator-admin-client MARKETO_CLIENT_SECRET=emulator-admin-secret
mkdir -p "$work/tf"
cat > "$work/tf/main.tf" <<HCL
terraform {
  required_providers {
    marketo = { source = "marketo-community/marketo" }
  }
}

resource "marketo_api_only_role" "r" {
  count       = $n
  name        = "Bench role \${count.index}"
  permissions = ["Read-Only Lead"]
}

resource "marketo_api_only_user" "u" {
  count      = $n
  email      = "bench-\${count.index}@example.com"
  first_name = "Bench"
  last_name  = "User \${count.index}"
  role_assignment {
    role_id      = marketo_api_only_role.r[count.index].id
    workspace_id = 0
  }
}
HCL

calls() {
  if [ -f "$work/requests.jsonl" ]; then grep -vc '"/identity/' "$work/requests.jsonl" || true; else echo 0; fi
}
step() {
  local name=$1; shift
  local before; before=$(calls)
  local start=$EPOCHREALTIME
  "$tf" -chdir="$work/tf" "$@" > "$work/$name.log" 2>&1 || { cat "$work/$name.log"; exit 1; }
  local end=$EPOCHREALTIME
  awk -v n="$name" -v s="$start" -v e="$end" -v c="$(( $(calls) - before ))" \
    'BEGIN { printf "%-22s %8.2f s %8d API calls\n", n, e - s, c }'
}
echo "Terraform $("$tf" version | head -n 1 | sed 's/Terraform v//'), $n roles + $n users, provider $(basename "$root/target/release")"
step apply apply -auto-approve -input=false
step "plan (no changes)" plan -detailed-exitcode -input=false
step "plan -refresh=false" plan -refresh=false -input=false
step destroy destroy -auto-approve -input=false

# The protocol layer alone: planning many new resources needs no Marketo call after the login, so
# this measures Terraform <-> provider round trips (one PlanResourceChange per resource).
big=${BENCH_PLAN_N:-1000}
mkdir -p "$work/big"
cat > "$work/big/main.tf" <<HCL
terraform {
  required_providers {
    marketo = { source = "marketo-community/marketo" }
  }
}

resource "marketo_api_only_role" "r" {
  count       = $big
  name        = "Planned role \${count.index}"
  permissions = ["Read-Only Lead"]
}
HCL
start=$EPOCHREALTIME
"$tf" -chdir="$work/big" plan -input=false > "$work/big.log" 2>&1 || { cat "$work/big.log"; exit 1; }
end=$EPOCHREALTIME
awk -v n="plan $big new roles" -v s="$start" -v e="$end" 'BEGIN { printf "%-22s %8.2f s\n", n, e - s }'
