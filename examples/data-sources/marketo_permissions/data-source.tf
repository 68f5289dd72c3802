# The permission names a marketo_api_only_role can grant, with the group of each.
data "marketo_permissions" "all" {}

output "read_only_permissions" {
  value = [for p in data.marketo_permissions.all.names : p if startswith(p, "Read-Only")]
}

# "Access Users" is the one Access Admin permission a role may grant (User Management needs it).
output "admin_permissions" {
  value = [for name, group in data.marketo_permissions.all.groups : name if group == "Access Admin"]
}
