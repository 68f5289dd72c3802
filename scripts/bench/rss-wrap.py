#!/usr/bin/env python3
"""Runs a provider binary as a child and, once it exits, appends its peak RSS in KiB to a file
(part of `make bench`):

    rss-wrap.py OUT_FILE BINARY [ARGS...]

Terraform starts this in place of the provider (through dev_overrides and a one-line wrapper), so
the figure is the provider's own peak over a whole Terraform command, such as
`terraform providers schema -json`. The child shares this process's stdin, stdout and stderr, so
Terraform reads the child's handshake line; signals are passed on.

The peak is VmHWM from /proc/PID/status, read every millisecond while the child runs (it only
grows, so the last read is the peak up to then). Not ru_maxrss: Linux carries the high-water mark
of the image a process had before exec into ru_maxrss, and that image is this Python
interpreter's copy, larger than a small provider. Standard library only.
"""

import os
import signal
import sys
import time


def vm_hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def main():
    out, binary, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    pid = os.fork()
    if pid == 0:
        try:
            os.execv(binary, [binary] + args)
        finally:
            os._exit(127)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda s, _f: os.kill(pid, s))
    target = os.path.realpath(binary)
    peak = 0
    status = 0
    execed = False
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except InterruptedError:
            continue
        if done:
            break
        if not execed:  # until the exec, the child is a copy of this interpreter
            try:
                execed = os.readlink(f"/proc/{pid}/exe") == target
            except OSError:
                pass
        hwm = vm_hwm_kb(pid) if execed else None
        if hwm:
            peak = max(peak, hwm)
        time.sleep(0.001)
    with open(out, "a") as f:
        f.write(f"{peak}\n")
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
