#!/usr/bin/env bash
# `make release`: builds the provider for every platform Terraform users run on and writes, into dist/,
# what a registry or a filesystem mirror serves:
#   terraform-provider-marketo_<version>_<os>_<arch>.zip    the binary terraform-provider-marketo_v<version>
#                                                          (.exe on Windows) at the zip's root, mode 0755
#   terraform-provider-marketo_<version>_manifest.json     the plugin protocol versions it speaks (6.0)
#   terraform-provider-marketo_<version>_SHA256SUMS        sums of every zip and the manifest
#   terraform-provider-marketo_<version>_SHA256SUMS.sig    a detached GPG signature, when GPG_FINGERPRINT
#                                                          names a secret key in the keyring
# and, separately, marketo-emulator for module authors who test offline (no Rust needed):
#   marketo-emulator_<version>_<os>_<arch>.zip             the binary marketo-emulator (.exe on Windows)
#   marketo-emulator_<version>_SHA256SUMS                  sums of the emulator's zips only
# The provider's SHA256SUMS lists the provider's zips and manifest only, as a registry expects.
# EMULATOR=0 leaves the emulator out.
# Linux builds link musl statically; every target is cross-compiled with cargo-zigbuild and Zig
# (scripts/install-cross.sh puts both into .tools/). TLS is rustls + ring: no OpenSSL anywhere.
#
# PLATFORMS="linux_amd64 darwin_arm64" limits the build (default: all five). A platform that fails to
# build is reported with the tail of its error; the others are still written, and the script exits 1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
name=terraform-provider-marketo
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
dist=${DIST:-$root/dist}
platforms=(${PLATFORMS:-linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64})

target_of() {
  case "$1" in
    linux_amd64) echo x86_64-unknown-linux-musl ;;
    linux_arm64) echo aarch64-unknown-linux-musl ;;
    darwin_amd64) echo x86_64-apple-darwin ;;
    darwin_arm64) echo aarch64-apple-darwin ;;
    windows_amd64) echo x86_64-pc-windows-gnu ;;
    *) echo "release: unknown platform $1 (known: linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64)" >&2
       return 1 ;;
  esac
}

targets=()
for p in "${platforms[@]}"; do targets+=("$(target_of "$p")"); done
scripts/install-cross.sh "${targets[@]}"
export PATH="$root/.tools/bin:$PATH"

mkdir -p "$dist"
rm -f "$dist/${name}_${version}_"*
# A fixed time for every zip entry, so that the same binary always gives the same zip and sum.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 315532800)}

# write_zip ZIP BINARY NAME: one entry NAME, mode 0755, at the fixed time.
write_zip() {
  python3 - "$1" "$2" "$3" "$epoch" <<'PY'
import sys, time, zipfile
out, src, inner, epoch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
stamp = time.gmtime(max(epoch, 315532800))[:6]   # zip dates start in 1980
info = zipfile.ZipInfo(inner, date_time=stamp)
info.external_attr = 0o100755 << 16               # a regular file, rwxr-xr-x
info.create_system = 3                             # Unix, so that the mode is honoured
info.compress_type = zipfile.ZIP_DEFLATED
with open(src, "rb") as f, zipfile.ZipFile(out, "w") as z:
    z.writestr(info, f.read(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
PY
}

emu=marketo-emulator
with_emulator=${EMULATOR:-1}
[ "$with_emulator" = 0 ] || rm -f "$dist/${emu}_${version}_"*

failed=()
for p in "${platforms[@]}"; do
  t=$(target_of "$p")
  exe=$name
  [[ $p == windows_* ]] && exe=$name.exe
  echo "== $p ($t)"
  log=$(mktemp)
  start=$(date +%s)
  # The xcrun warning of darwin links (no Apple SDK here, none needed) is noise: filter it.
  if ! cargo zigbuild --release --locked --target "$t" -p "$name" --bin "$name" >"$log" 2>&1; then
    echo "release: $p did not build; the end of its log:" >&2
    tail -n 25 "$log" >&2
    failed+=("$p")
    rm -f "$log"
    continue
  fi
  rm -f "$log"
  bin="target/$t/release/$exe"
  inner="${name}_v${version}"
  [[ $p == windows_* ]] && inner="$inner.exe"
  zip="$dist/${name}_${version}_${p}.zip"
  write_zip "$zip" "$bin" "$inner"
  printf '   %s: %s bytes (%s), %s, built in %ss\n' "$p" "$(stat -c %s "$bin")" "$(stat -c %s "$zip") zipped" \
    "$(python3 scripts/binary-kind.py "$bin")" "$(( $(date +%s) - start ))"
  [ "$with_emulator" = 0 ] && continue
  # The emulator: its own cargo invocation, so that the provider's build is exactly what it was.
  start=$(date +%s)
  log=$(mktemp)
  if ! cargo zigbuild --release --locked --target "$t" -p "$emu" --bin "$emu" >"$log" 2>&1; then
    echo "release: the emulator for $p did not build; the end of its log:" >&2
    tail -n 25 "$log" >&2
    failed+=("$p (emulator)")
    rm -f "$log"
    continue
  fi
  rm -f "$log"
  ebin="target/$t/release/$emu"
  einner=$emu
  [[ $p == windows_* ]] && { ebin=$ebin.exe; einner=$einner.exe; }
  ezip="$dist/${emu}_${version}_${p}.zip"
  write_zip "$ezip" "$ebin" "$einner"
  printf '   %s: %s bytes (%s), %s, built in %ss\n' "$p emulator" "$(stat -c %s "$ebin")" "$(stat -c %s "$ezip") zipped" \
    "$(python3 scripts/binary-kind.py "$ebin")" "$(( $(date +%s) - start ))"
done

manifest="$dist/${name}_${version}_manifest.json"
printf '{"version": 1, "metadata": {"protocol_versions": ["6.0"]}}\n' > "$manifest"

sums="$dist/${name}_${version}_SHA256SUMS"
(cd "$dist" && sha256sum "${name}_${version}_"*.zip "$(basename "$manifest")") > "$sums"
if [ -n "${GPG_FINGERPRINT:-}" ]; then
  gpg --batch --yes --local-user "$GPG_FINGERPRINT" --output "$sums.sig" --detach-sign "$sums"
  echo "signed $(basename "$sums") with key $GPG_FINGERPRINT -> $(basename "$sums").sig"
else
  echo "NOTE: $(basename "$sums") is UNSIGNED: set GPG_FINGERPRINT to the key to sign it with (a registry requires a signature)"
fi
if [ "$with_emulator" != 0 ] && compgen -G "$dist/${emu}_${version}_*.zip" >/dev/null; then
  esums="$dist/${emu}_${version}_SHA256SUMS"
  (cd "$dist" && sha256sum "${emu}_${version}_"*.zip) > "$esums"
  if [ -n "${GPG_FINGERPRINT:-}" ]; then
    gpg --batch --yes --local-user "$GPG_FINGERPRINT" --output "$esums.sig" --detach-sign "$esums"
  fi
fi
echo "== dist/"
(cd "$dist" && ls -l "${name}_${version}_"* && { [ "$with_emulator" = 0 ] || ls -l "${emu}_${version}_"*; })
if [ ${#failed[@]} -gt 0 ]; then
  echo "release: these platforms did not build: ${failed[*]}" >&2
  exit 1
fi
