# The Access API permission names a marketo_api_only_role can grant.
data "marketo_permissions" "all" {}

output "read_only_permissions" {
  value = [for p in data.marketo_permissions.all.names : p if startswith(p, "Read-Only")]
}
