#!/usr/bin/env bash
# Installs what `make release` needs to build for five platforms from this Linux machine, with no
# system package and no download from anywhere but PyPI and rustup:
#   .tools/cross/             a Python venv holding cargo-zigbuild (a wheel) and ziglang (Zig's
#                             toolchain as a wheel: the C compiler and linker for every target)
#   .tools/bin/zig            a wrapper running that Zig (`python -m ziglang`)
#   .tools/bin/cargo-zigbuild the cargo subcommand
# and the Rust standard libraries of the release targets (`rustup target add`).
# Idempotent. Prints nothing on success unless VERBOSE=1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
venv="$tools/cross"
python=${PYTHON:-python3}
# Pinned: these are the versions the five-platform build was verified with.
zigbuild_version=0.24.0
zig_version=0.15.1
mkdir -p "$tools/bin"

say() { [ "${VERBOSE:-0}" = 1 ] && echo "install-cross: $*" >&2 || true; }

if [ ! -x "$venv/bin/python" ]; then
  say "creating $venv"
  "$python" -m venv "$venv"
fi
have() { "$venv/bin/python" -m pip show "$1" 2>/dev/null | grep -qx "Version: $2"; }
if ! have cargo-zigbuild "$zigbuild_version" || ! have ziglang "$zig_version"; then
  say "installing cargo-zigbuild==$zigbuild_version ziglang==$zig_version"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "cargo-zigbuild==$zigbuild_version" "ziglang==$zig_version"
fi

cat > "$tools/bin/zig.tmp" <<ZIG
#!/bin/sh
exec "$venv/bin/python" -m ziglang "\$@"
ZIG
chmod 0755 "$tools/bin/zig.tmp"
mv "$tools/bin/zig.tmp" "$tools/bin/zig"
ln -sf "$venv/bin/cargo-zigbuild" "$tools/bin/cargo-zigbuild"

# The Rust targets named on the command line (all five release targets by default).
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64-unknown-linux-musl aarch64-unknown-linux-musl
  x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-gnu)
installed=$(rustup target list --installed)
missing=()
for t in "${targets[@]}"; do
  grep -qx "$t" <<<"$installed" || missing+=("$t")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "rustup target add ${missing[*]}"
  rustup target add "${missing[@]}" >/dev/null 2>&1 || rustup target add "${missing[@]}"
fi
