#!/usr/bin/env python3
"""Counts the Marketo API calls in a slice of marketo-emulator's JSON-lines request log (part of
`make bench`):

    calls.py LOG FIRST_LINE LAST_LINE   (1-based, inclusive; FIRST > LAST means none)

Prints one JSON object: `api` (calls other than /identity/), `identity` (token calls), `errors`
(API calls answered with an HTTP error or a Marketo error code), `endpoints`, the API calls by
method and path with ids replaced by {id}, and `refused`, the errors by the same key. Standard library only.
"""

import collections
import json
import re
import sys

PREFIX = "/userservice/management/v1/"


def endpoint(method, path):
    path = path.split("?", 1)[0]
    if path.startswith(PREFIX):
        path = path[len(PREFIX):]
    parts = path.split("/")
    # users/<userid>/..., roles/<id>/..., services/<id>/...: the second part names one object
    # unless it is a collection file (invite.json, create.json, ...).
    if len(parts) >= 3 and parts[0] in ("users", "roles", "services"):
        parts[1] = "{id}"
    return f"{method} {'/'.join(parts)}"


def main():
    log, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    api = identity = errors = 0
    endpoints = collections.Counter()
    refused = collections.Counter()
    try:
        with open(log) as f:
            for number, line in enumerate(f, 1):
                if number < first:
                    continue
                if number > last:
                    break
                rec = json.loads(line)
                path = rec.get("path", "")
                if path.startswith("/_emulator"):  # the bench's own test controls
                    continue
                if path.startswith("/identity/"):
                    identity += 1
                    continue
                api += 1
                ep = endpoint(rec.get("method", "?"), path)
                endpoints[ep] += 1
                if rec.get("status", 200) >= 400 or rec.get("code") not in (None, 0):
                    errors += 1
                    refused[ep] += 1
    except FileNotFoundError:
        pass
    print(json.dumps({
        "api": api, "identity": identity, "errors": errors,
        "endpoints": dict(sorted(endpoints.items())),
        "refused": dict(sorted(refused.items())),
    }))


if __name__ == "__main__":
    main()
