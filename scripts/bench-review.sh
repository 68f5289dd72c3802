#!/usr/bin/env bash
# The access review's speed and memory (issue 18, item 8; `make bench` calls it): generates a plan JSON
# shaped like `terraform show -json` of 1,000 API-only users and 100 roles (every role gains a permission,
# a tenth of the users move role, services created and destroyed), then times the release binary's
# `review` in both formats (median of RUNS runs) and reads its peak RSS (`/usr/bin/time -v` if present,
# else scripts/bench/rss-wrap.py). Prints a Markdown table.
#
#   scripts/bench-review.sh [BINARY]     (default: target/release/terraform-provider-marketo, built if missing)
#   USERS=1000 ROLES=100 RUNS=7 scripts/bench-review.sh
set -euo pipefail
cd "$(dirname "$0")/.."
users=${USERS:-1000}
roles=${ROLES:-100}
runs=${RUNS:-7}
bin=${1:-target/release/terraform-provider-marketo}
if [ ! -x "$bin" ]; then
  cargo build --release --bin terraform-provider-marketo >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plan="$work/plan.json"

python3 - "$plan" "$users" "$roles" <<'PY'
import json, sys
path, users, roles = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
P = "registry.terraform.io/marketo-community/marketo"
perms = ["Read-Only Lead", "Read-Only Activity", "Read-Only Assets", "Read-Only Campaign"]
changes, prior, planned = [], [], []
def rc(addr, ty, actions, before, after, unknown=None, bs=None, as_=None):
    return {"address": addr, "mode": "managed", "type": ty, "name": addr.split(".")[-1],
            "provider_name": P, "change": {"actions": actions, "before": before, "after": after,
            "after_unknown": unknown or {}, "before_sensitive": bs or {}, "after_sensitive": as_ or {}}}
for r in range(roles):
    rid = str(1000 + r)
    b = {"id": rid, "name": f"Role {r}", "description": None, "type": "custom", "permissions": perms[:2]}
    a = dict(b, permissions=perms[:2] + ["Read-Write Lead"])
    changes.append(rc(f"marketo_api_only_role.r{r}", "marketo_api_only_role", ["update"], b, a))
    planned.append({"address": f"marketo_api_only_role.r{r}", "mode": "managed", "type": "marketo_api_only_role",
                    "name": f"r{r}", "provider_name": P, "schema_version": 0, "values": a, "sensitive_values": {}})
for u in range(users):
    email = f"user{u}@example.com"
    role = 1000 + u % roles
    b = {"email": email, "userid": email, "first_name": "U", "last_name": str(u), "expires_at": None,
         "reason": None, "api_only": True, "locked": False, "marketo_id": u, "status": "active", "id": email,
         "role_assignment": [{"role_id": role, "workspace_id": 0}, {"role_id": 2, "workspace_id": 1}]}
    moved = u % 10 == 0
    a = dict(b, role_assignment=[{"role_id": 1000 + (u + 1) % roles, "workspace_id": 1}] if moved else b["role_assignment"])
    changes.append(rc(f"marketo_api_only_user.u{u}", "marketo_api_only_user", ["update"] if moved else ["no-op"], b, a,
                      bs={"role_assignment": [{}, {}]}, as_={"role_assignment": [{} for _ in a["role_assignment"]]}))
    if u % 20 == 0:
        svc = {"id": str(u), "display_name": f"Svc {u}", "description": None, "api_only_user": email,
               "client_id": f"id-{u}", "client_secret": f"secret-{u}", "store_client_secret": True}
        changes.append(rc(f"marketo_custom_service.s{u}", "marketo_custom_service", ["delete", "create"], svc,
                          dict(svc, client_secret=None, client_id=None, id=None),
                          unknown={"id": True, "client_id": True, "client_secret": True},
                          bs={"client_secret": True}, as_={"client_secret": True}))
prior.append({"address": "data.marketo_workspaces.all", "mode": "data", "type": "marketo_workspaces", "name": "all",
              "provider_name": P, "values": {"id": "workspaces", "workspaces": [
                  {"id": 0, "name": "AllZones", "description": None, "status": "active"},
                  {"id": 1, "name": "Default", "description": None, "status": "active"}]}, "sensitive_values": {}})
plan = {"format_version": "1.2", "terraform_version": "1.15.5",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.15.5", "values": {"root_module": {"resources": prior}}},
        "configuration": {"provider_config": {"marketo": {"name": "marketo"}}, "root_module": {"resources": []}}}
with open(path, "w") as f:
    json.dump(plan, f, indent=2)
PY

size_kb=$(( $(stat -c %s "$plan") / 1024 ))
median_ms() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$bin" review "$@" "$plan" > /dev/null
    end=$(date +%s%N)
    times+=( $(( (end - start) / 1000000 )) )
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
peak_kb() {
  if [ -x /usr/bin/time ] && /usr/bin/time -v true > /dev/null 2>&1; then
    /usr/bin/time -v "$bin" review "$@" "$plan" 2>&1 > /dev/null | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}'
  else
    local out="$work/rss"
    rm -f "$out"
    python3 scripts/bench/rss-wrap.py "$out" "$bin" review "$@" "$plan" > /dev/null
    tail -n 1 "$out"
  fi
}
# The process's own footprint: the review of a plan of one unchanged role.
tiny="$work/tiny.json"
python3 - "$tiny" <<'PY'
import json, sys
P = "registry.terraform.io/marketo-community/marketo"
role = {"id": "1000", "name": "Role", "description": None, "type": "custom", "permissions": []}
json.dump({"format_version": "1.2", "terraform_version": "1.15.5",
           "planned_values": {"root_module": {}},
           "resource_changes": [{"address": "marketo_api_only_role.r", "mode": "managed",
                                 "type": "marketo_api_only_role", "name": "r", "provider_name": P,
                                 "change": {"actions": ["no-op"], "before": role, "after": role,
                                            "after_unknown": {}, "before_sensitive": {},
                                            "after_sensitive": {}}}],
           "configuration": {"provider_config": {"marketo": {"name": "marketo"}}, "root_module": {}}},
          open(sys.argv[1], "w"))
PY
base_kb=$(plan="$tiny" peak_kb)
echo "Access review of a plan of $users users and $roles roles (plan JSON: $size_kb KiB), median of $runs runs."
echo "The same binary reviewing a plan of one unchanged role peaks at $base_kb KiB: the last column is what the"
echo "plan adds to that, as a multiple of the plan file."
echo
echo "| format | time (ms) | peak RSS (KiB) | (peak RSS - $base_kb KiB) / plan size |"
echo "|---|---|---|---|"
for fmt in markdown json; do
  ms=$(median_ms --format "$fmt")
  kb=$(peak_kb --format "$fmt")
  ratio=$(awk -v a="$kb" -v c="$base_kb" -v b="$size_kb" 'BEGIN {printf "%.1f", (a - c) / b}')
  echo "| $fmt | $ms | $kb | $ratio |"
done
