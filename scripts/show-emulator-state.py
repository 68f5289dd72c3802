"""Prints what a marketo-emulator holds (its /_emulator/state.json, read from stdin): custom roles,
users and LaunchPoint services, one line each. Used by `make demo`."""

import json
import sys

state = json.load(sys.stdin)
for role in state.get("roles", []):
    if role.get("type") == "custom":
        names = role.get("permissions", [])
        perms = ", ".join(names) if len(names) <= 6 else f"{len(names)} Access API permissions"
        print(f"role     {role['id']:>4}  {role['name']}: {perms}")
for user in state.get("users", []):
    roles = ", ".join(
        f"role {a['accessRoleId']} in workspace {a['workspaceId']}"
        for a in user.get("userRoleWorkspaces", [])
    )
    kind = "API-only user" if user.get("apiOnly") else "user"
    print(f"user     {user['id']:>4}  {user['userid']} ({kind}; {roles})")
for invite in state.get("invites", []):
    print(f"invite   {invite['id']:>4}  {invite['userid']} (pending)")
for service in state.get("services", []):
    print(
        f"service  {service['id']:>4}  {service['displayName']}, owned by "
        f"{service['apiOnlyUser']}, client id {service['clientId']}"
    )
