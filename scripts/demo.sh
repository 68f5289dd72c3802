#!/usr/bin/env bash
# `make demo` (up) and `make demo-destroy` (down). Everything lives under .demo/:
#   state.json      the emulator's durable state (survives restarts of the emulator)
#   emulator.log    its JSON-lines request log (secrets redacted)
#   quickstart/     a copy of examples/quickstart where Terraform keeps its state
#   terraformrc     CLI config pointing Terraform at target/debug (dev_overrides)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
demo="$root/.demo"
port=${DEMO_PORT:-18443}
url="http://127.0.0.1:$port"
client_id=${DEMO_CLIENT_ID:-demo-admin-client}
client_secret=${DEMO_CLIENT_SECRET:-demo-admin-secret}
tf=${TERRAFORM:-$root/.tools/bin/terraform-1.15.5}
mkdir -p "$demo/quickstart"

export TF_CLI_CONFIG_FILE="$demo/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 RUST_BACKTRACE=0
export TF_VAR_marketo_endpoint="$url" TF_VAR_marketo_client_id="$client_id" TF_VAR_marketo_client_secret="$client_secret"
cat > "$TF_CLI_CONFIG_FILE" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/marketo-community/marketo" = "$root/target/debug"
  }
  direct {}
}
RC

emulator_up() {
  if curl -fsS "$url/_emulator/state.json" -o /dev/null 2>/dev/null; then
    return 0
  fi
  echo "starting marketo-emulator on $url (state in .demo/state.json)"
  nohup "$root/target/debug/marketo-emulator" --listen "127.0.0.1:$port" --state "$demo/state.json" \
    --client-id "$client_id" --client-secret "$client_secret" --log "$demo/emulator.log" \
    > "$demo/emulator.out" 2> "$demo/emulator.err" &
  echo $! > "$demo/emulator.pid"
  for _ in $(seq 1 100); do
    grep -q "^marketo-emulator listening on " "$demo/emulator.out" 2>/dev/null && return 0
    kill -0 "$(cat "$demo/emulator.pid")" 2>/dev/null || { cat "$demo/emulator.err" >&2; exit 1; }
    sleep 0.1
  done
  echo "the emulator did not start; see .demo/emulator.err" >&2
  exit 1
}

emulator_down() {
  if [ -f "$demo/emulator.pid" ]; then
    kill "$(cat "$demo/emulator.pid")" 2>/dev/null || true
    rm -f "$demo/emulator.pid"
  fi
}

case "${1:-up}" in
  up)
    emulator_up
    cp "$root"/examples/quickstart/*.tf "$demo/quickstart/"
    cd "$demo/quickstart"
    "$tf" apply -auto-approve -input=false
    echo
    echo "== what the emulator now holds (GET $url/_emulator/state.json)"
    curl -fsS "$url/_emulator/state.json" | python3 "$root/scripts/show-emulator-state.py"
    echo
    echo "== the new service's credentials log in"
    id=$("$tf" output -raw client_id)
    secret=$("$tf" output -raw client_secret)
    curl -fsS "$url/identity/oauth/token?grant_type=client_credentials&client_id=$id&client_secret=$secret" |
      python3 -c 'import json,sys; t=json.load(sys.stdin); print("token for %s, valid for %s s" % (t["scope"], t["expires_in"]))'
    echo
    echo "The client secret is sensitive: TF_CLI_CONFIG_FILE=.demo/terraformrc .tools/bin/terraform-1.15.5 -chdir=.demo/quickstart output -raw client_secret"
    echo "Undo it all with: make demo-destroy"
    ;;
  down)
    if [ -f "$demo/quickstart/terraform.tfstate" ]; then
      emulator_up
      (cd "$demo/quickstart" && "$tf" destroy -auto-approve -input=false)
    fi
    emulator_down
    rm -rf "$demo"
    echo "demo removed"
    ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
