#!/usr/bin/env python3
"""Start-to-handshake time and peak RSS of Terraform provider binaries (part of `make bench`).

    handshake.py --runs 20 --out FILE [--client-cert PEM] LABEL=BINARY...

Each run starts the binary the way go-plugin does (magic cookie, protocol versions, port range,
and PLUGIN_CLIENT_CERT when --client-cert is given), takes the time from just before the start to
the handshake line on its stdout, reads VmHWM from /proc/PID/status right then, and ends the
process. The binaries are started in turn (A, B, A, B, ...) so that the machine's load falls on
them alike. Writes one JSON object per label to FILE; prints a short table. Standard library only.
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"


def vm_hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def one_start(binary, env):
    start = time.perf_counter()
    proc = subprocess.Popen(
        [binary], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    line = proc.stdout.readline()
    took = time.perf_counter() - start
    hwm = vm_hwm_kb(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.stdout.close()
    os.waitpid(proc.pid, 0)
    proc.returncode = 0  # reaped above
    text = line.decode(errors="replace").strip()
    if not text or text.count("|") < 4:
        raise SystemExit(f"handshake.py: {binary} printed no handshake line (got {text!r})")
    return took, hwm, text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--out", required=True)
    ap.add_argument("--client-cert")
    ap.add_argument("--versions", default="5,6")
    ap.add_argument("binaries", nargs="+", metavar="LABEL=BINARY")
    args = ap.parse_args()

    env = dict(os.environ)
    env.update({
        "TF_PLUGIN_MAGIC_COOKIE": COOKIE,
        "PLUGIN_PROTOCOL_VERSIONS": args.versions,
        "PLUGIN_MIN_PORT": "10000",
        "PLUGIN_MAX_PORT": "25000",
    })
    env.pop("PLUGIN_CLIENT_CERT", None)
    # go-plugin servers listen on a Unix socket in TMPDIR: keep those in a folder removed below.
    scratch = tempfile.mkdtemp(prefix="bench-handshake-")
    env["TMPDIR"] = scratch
    if args.client_cert:
        with open(args.client_cert) as f:
            env["PLUGIN_CLIENT_CERT"] = f.read()

    targets = []
    for item in args.binaries:
        label, _, path = item.partition("=")
        if not os.access(path, os.X_OK):
            raise SystemExit(f"handshake.py: {path} is not an executable")
        targets.append((label, path))

    samples = {label: [] for label, _ in targets}
    for label, path in targets:  # one warm-up start each, so the page cache is alike
        one_start(path, env)
    for _ in range(args.runs):
        for label, path in targets:
            samples[label].append(one_start(path, env))

    shutil.rmtree(scratch, ignore_errors=True)
    results = {}
    for label, path in targets:
        s = samples[label]
        ms = [t * 1000 for t, _, _ in s]
        hwm = [h for _, h, _ in s if h is not None]
        fields = s[0][2].split("|")
        results[label] = {
            "binary": path,
            "runs": len(s),
            "median_ms": statistics.median(ms),
            "min_ms": min(ms),
            "max_ms": max(ms),
            "hwm_kb": statistics.median(hwm) if hwm else None,
            "protocol": fields[1],
            "network": fields[2],
            "tls": len(fields) > 5 and fields[5] != "",
            "size_bytes": os.path.getsize(path),
        }
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
    for label, r in results.items():
        print(f"  {label:<28} median {r['median_ms']:7.2f} ms (min {r['min_ms']:.2f}, max "
              f"{r['max_ms']:.2f}), VmHWM {r['hwm_kb'] / 1024:6.1f} MiB, protocol "
              f"{r['protocol']} over {r['network']}{', TLS' if r['tls'] else ''}",
              file=sys.stderr)


if __name__ == "__main__":
    main()
