# Every role of the instance.
data "marketo_roles" "all" {}

output "custom_role_names" {
  value = [for r in data.marketo_roles.all.roles : r.name if r.type == "custom"]
}
