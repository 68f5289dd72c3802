#!/usr/bin/env bash
# `make release-check`: proves the release installs the way Terraform users install providers.
#   1. builds the release (scripts/release.sh) and checks the sums, the manifest and that every Linux
#      binary is statically linked;
#   2. lays the zips out as a packed filesystem mirror and runs a real `terraform init` from it
#      (Terraform 1.15.5, no dev_overrides, no other source reachable);
#   3. `terraform providers lock` for every built platform from that mirror;
#   4. checks the emulator's zips (marketo-emulator_<version>_*.zip, their own SHA256SUMS, static on
#      Linux) and that the provider's SHA256SUMS names none of them;
#   5. applies examples/quickstart against the marketo-emulator unpacked from the linux_amd64 emulator
#      zip (started with the example module's fixture) with the provider Terraform unpacked from the
#      linux_amd64 provider zip, logs in with the credentials it made, plans clean and destroys.
#
# --host: only the host's platform and no emulator release (what `make test` runs: one static build,
# the mirror install and the quickstart against the debug emulator); the five-platform build, the
# emulator's zips included, is for `make release-check` (PLATFORMS="linux_amd64 ..." limits it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
name=terraform-provider-marketo
ns=marketo-community
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
tf=${TERRAFORM_RELEASE_CHECK:-$root/.tools/bin/terraform-1.15.5}
all=(linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64)

host_platform() {
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os=unknown ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=unknown ;; esac
  echo "${os}_${arch}"
}

emu=marketo-emulator
with_emulator=1
if [ "${1:-}" = --host ]; then
  platforms=("$(host_platform)")
  work=$root/target/release-check-host
  with_emulator=0
else
  platforms=(${PLATFORMS:-${all[*]}})   # PLATFORMS="linux_amd64" for a quicker check of one
  work=$root/target/release-check
fi
case "${platforms[0]}" in linux_*) ;; *) echo "release-check: runs on Linux (the emulator and Terraform here are Linux builds)" >&2; exit 2 ;; esac
run_platform=${platforms[0]}
[ "${#platforms[@]}" -gt 1 ] && run_platform=linux_amd64

rm -rf "$work"
mkdir -p "$work"
dist=$work/dist
start=$(date +%s)
# The signing path is checked too: with no GPG_FINGERPRINT given, a throwaway key in a temporary
# keyring signs the sums (gpg only; never the developer's own keyring).
if [ -z "${GPG_FINGERPRINT:-}" ] && command -v gpg >/dev/null; then
  export GNUPGHOME=$work/gnupg
  mkdir -m 0700 "$GNUPGHOME"
  gpg --batch --quiet --passphrase '' --quick-gen-key "release-check <release-check@example.invalid>" ed25519 sign never 2>/dev/null
  GPG_FINGERPRINT=$(gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
  export GPG_FINGERPRINT
fi
EMULATOR=$with_emulator DIST="$dist" PLATFORMS="${platforms[*]}" scripts/release.sh

echo "== checking dist/"
(cd "$dist" && sha256sum --quiet -c "${name}_${version}_SHA256SUMS")
want='{"version": 1, "metadata": {"protocol_versions": ["6.0"]}}'
got=$(cat "$dist/${name}_${version}_manifest.json")
[ "$got" = "$want" ] || { echo "release-check: manifest is $got, want $want" >&2; exit 1; }
n=$(wc -l < "$dist/${name}_${version}_SHA256SUMS")
[ "$n" -eq $(( ${#platforms[@]} + 1 )) ] || { echo "release-check: SHA256SUMS has $n lines, want ${#platforms[@]} zips + the manifest" >&2; exit 1; }
if [ -n "${GPG_FINGERPRINT:-}" ]; then
  gpg --batch --quiet --verify "$dist/${name}_${version}_SHA256SUMS.sig" "$dist/${name}_${version}_SHA256SUMS" 2>/dev/null ||
    { echo "release-check: the signature of SHA256SUMS does not verify" >&2; exit 1; }
  echo "   SHA256SUMS.sig verifies with key $GPG_FINGERPRINT"
fi
for p in "${platforms[@]}"; do
  zip="$dist/${name}_${version}_${p}.zip"
  inner="${name}_v${version}"
  [[ $p == windows_* ]] && inner="$inner.exe"
  python3 - "$zip" "$inner" "$work/unzipped-$p" <<'PY'
import os, sys, zipfile
zip_path, inner, out = sys.argv[1:]
with zipfile.ZipFile(zip_path) as z:
    names = z.namelist()
    if names != [inner]:
        sys.exit(f"{zip_path} holds {names}, want exactly [{inner!r}]")
    mode = (z.getinfo(inner).external_attr >> 16) & 0o777
    if mode != 0o755:
        sys.exit(f"{inner} in {zip_path} has mode {oct(mode)}, want 0o755")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, inner), "wb") as f:
        f.write(z.read(inner))
PY
  kind=$(python3 scripts/binary-kind.py "$work/unzipped-$p/$inner")
  case "$p" in
    linux_*) expect="${p/_/ } static" ;;   # statically linked: runs on Alpine and any glibc
    *) expect="${p/_/ }" ;;
  esac
  [ "$kind" = "$expect" ] || { echo "release-check: the $p binary is \"$kind\", want \"$expect\"" >&2; exit 1; }
  described=$kind
  command -v file >/dev/null && described=$(file -b "$work/unzipped-$p/$inner" | cut -c1-100)
  echo "   $p: $(stat -c %s "$work/unzipped-$p/$inner") bytes, $described"
done

if [ "$with_emulator" = 1 ]; then
  echo "== the emulator's zips"
  grep -q "$emu" "$dist/${name}_${version}_SHA256SUMS" &&
    { echo "release-check: the provider's SHA256SUMS names emulator files" >&2; exit 1; }
  (cd "$dist" && sha256sum --quiet -c "${emu}_${version}_SHA256SUMS")
  n=$(wc -l < "$dist/${emu}_${version}_SHA256SUMS")
  [ "$n" -eq "${#platforms[@]}" ] || { echo "release-check: the emulator's SHA256SUMS has $n lines, want ${#platforms[@]}" >&2; exit 1; }
  for p in "${platforms[@]}"; do
    inner=$emu
    [[ $p == windows_* ]] && inner="$inner.exe"
    python3 - "$dist/${emu}_${version}_${p}.zip" "$inner" "$work/emulator-$p" <<'PY'
import os, sys, zipfile
zip_path, inner, out = sys.argv[1:]
with zipfile.ZipFile(zip_path) as z:
    if z.namelist() != [inner]:
        sys.exit(f"{zip_path} holds {z.namelist()}, want exactly [{inner!r}]")
    if (z.getinfo(inner).external_attr >> 16) & 0o777 != 0o755:
        sys.exit(f"{inner} in {zip_path} is not mode 0755")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, inner)
    with open(path, "wb") as f:
        f.write(z.read(inner))
    os.chmod(path, 0o755)
PY
    kind=$(python3 scripts/binary-kind.py "$work/emulator-$p/$inner")
    case "$p" in linux_*) expect="${p/_/ } static" ;; *) expect="${p/_/ }" ;; esac
    [ "$kind" = "$expect" ] || { echo "release-check: the $p emulator is \"$kind\", want \"$expect\"" >&2; exit 1; }
    echo "   $p: $emu, $(stat -c %s "$work/emulator-$p/$inner") bytes, $kind"
  done
fi

echo "== filesystem mirror"
mirror=$work/mirror
mkdir -p "$mirror/registry.terraform.io/$ns/marketo"
cp "$dist/${name}_${version}_"*.zip "$mirror/registry.terraform.io/$ns/marketo/"
export TF_CLI_CONFIG_FILE=$work/terraformrc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 RUST_BACKTRACE=0
unset TF_REATTACH_PROVIDERS TF_PLUGIN_CACHE_DIR
# The mirror is the only installation method: no registry, no dev_overrides.
cat > "$TF_CLI_CONFIG_FILE" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/$ns/marketo"]
  }
}
RC

qs=$work/quickstart
mkdir -p "$qs"
cp examples/quickstart/*.tf "$qs/"
"$tf" -chdir="$qs" init -input=false -no-color >"$work/init.log" || { cat "$work/init.log" >&2; exit 1; }
grep -q "Installed $ns/marketo v$version" "$work/init.log" ||
  { cat "$work/init.log" >&2; echo "release-check: init did not install $ns/marketo v$version from the mirror" >&2; exit 1; }
installed="$qs/.terraform/providers/registry.terraform.io/$ns/marketo/$version/$run_platform/${name}_v${version}"
cmp -s "$installed" "$work/unzipped-$run_platform/${name}_v${version}" ||
  { echo "release-check: the provider Terraform installed is not the binary of the $run_platform zip" >&2; exit 1; }
echo "   terraform init installed $ns/marketo v$version from the mirror ($(python3 scripts/binary-kind.py "$installed"))"

echo "== terraform providers lock for ${platforms[*]}"
lock_args=()
for p in "${platforms[@]}"; do lock_args+=("-platform=$p"); done
rm -f "$qs/.terraform.lock.hcl"
"$tf" -chdir="$qs" providers lock -fs-mirror="$mirror" "${lock_args[@]}" -no-color >"$work/lock.log" ||
  { cat "$work/lock.log" >&2; exit 1; }
hashes=$(grep -c '"h1:' "$qs/.terraform.lock.hcl" || true)
[ "$hashes" -eq "${#platforms[@]}" ] ||
  { cat "$qs/.terraform.lock.hcl" >&2; echo "release-check: the lock file has $hashes h1 hashes, want one per platform (${#platforms[@]})" >&2; exit 1; }
echo "   .terraform.lock.hcl holds $hashes h1 hashes, one per platform"
"$tf" -chdir="$qs" init -input=false -no-color >"$work/init2.log" || { cat "$work/init2.log" >&2; exit 1; }

echo "== quickstart against marketo-emulator with the released binary"
if [ "$with_emulator" = 1 ]; then
  # The emulator a module author downloads: the linux_amd64 zip's, with the example module's fixture.
  emu_bin=$work/emulator-$run_platform/$emu
  emu_args=(--fixture examples/modules/integration/tests/fixture.json)
  got=$("$emu_bin" --version)
  [ "$got" = "$emu $version" ] || { echo "release-check: $emu --version says \"$got\", want \"$emu $version\"" >&2; exit 1; }
  "$emu_bin" --check "${emu_args[@]}" >/dev/null
  echo "   $emu from the $run_platform zip: --version says $got; the example module's fixture is good"
else
  cargo build --quiet -p marketo-emulator --bin marketo-emulator
  emu_bin=target/debug/marketo-emulator
  emu_args=()
fi
emu_out=$work/emulator.out
: >"$emu_out"   # exists before the background start, which opens it in its own time
"$emu_bin" --listen 127.0.0.1:0 --client-id rc-admin --client-secret rc-admin-secret ${emu_args[@]+"${emu_args[@]}"} \
  >"$emu_out" 2>"$work/emulator.err" &
emu_pid=$!
trap 'kill $emu_pid 2>/dev/null || true' EXIT
url=
for _ in $(seq 1 100); do
  url=$(sed -n 's/^marketo-emulator listening on //p' "$emu_out" 2>/dev/null || true)
  [ -n "$url" ] && break
  kill -0 $emu_pid 2>/dev/null || { cat "$work/emulator.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "release-check: the emulator did not start" >&2; exit 1; }
export TF_VAR_marketo_endpoint=$url TF_VAR_marketo_client_id=rc-admin TF_VAR_marketo_client_secret=rc-admin-secret
"$tf" -chdir="$qs" apply -auto-approve -input=false -no-color >"$work/apply.log" || { cat "$work/apply.log" >&2; exit 1; }
grep -q "Apply complete! Resources: 3 added, 0 changed, 0 destroyed." "$work/apply.log" ||
  { cat "$work/apply.log" >&2; exit 1; }
id=$("$tf" -chdir="$qs" output -raw client_id)
secret=$("$tf" -chdir="$qs" output -raw client_secret)
python3 - "$url" "$id" "$secret" <<'PY'
import json, sys, urllib.parse, urllib.request
url, cid, secret = sys.argv[1:]
q = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": cid, "client_secret": secret})
with urllib.request.urlopen(f"{url}/identity/oauth/token?{q}", timeout=10) as r:
    token = json.load(r)
if not token.get("access_token"):
    sys.exit(f"the service's credentials got no token: {token}")
PY
echo "   apply made 3 objects; the new service's credentials obtain a token"
set +e
"$tf" -chdir="$qs" plan -detailed-exitcode -input=false -no-color >"$work/plan.log"
rc=$?
set -e
[ $rc -eq 0 ] || { cat "$work/plan.log" >&2; echo "release-check: the plan after apply is not empty (exit $rc)" >&2; exit 1; }
"$tf" -chdir="$qs" destroy -auto-approve -input=false -no-color >"$work/destroy.log" || { cat "$work/destroy.log" >&2; exit 1; }
grep -q "Destroy complete! Resources: 3 destroyed." "$work/destroy.log" || { cat "$work/destroy.log" >&2; exit 1; }
echo "   plan after apply: no changes; destroy: 3 destroyed"
echo "release-check passed for ${platforms[*]} in $(( $(date +%s) - start ))s"
