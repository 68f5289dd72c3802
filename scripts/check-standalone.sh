#!/usr/bin/env bash
# Part of `make test`: the repository stands alone. A clone in an empty directory must build and pass its
# tests, so no tracked file may refer to the reference folder that sits beside the checkout on the
# developers' machines. Fails naming each file and line that does.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# Spelled in two pieces so that this script does not match itself.
pattern='\.\./'"shared"'\b'
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check-standalone: not a git checkout; checking every file under $root instead" >&2
  files=$(find . -path ./target -prune -o -path ./.git -prune -o -path ./.tools -prune -o -path ./.venv -prune -o -type f -print)
else
  files=$(git ls-files)
fi
hits=$(grep -InE "$pattern" $files 2>/dev/null || true)
if [ -n "$hits" ]; then
  echo "check-standalone: these tracked files refer to ../$(echo shared), which a clone does not have:" >&2
  echo "$hits" >&2
  exit 1
fi
