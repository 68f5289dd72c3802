# Look up a role, system or custom, by name (or by id = 2).
data "marketo_role" "standard" {
  name = "Standard User"
}

output "standard_user_role_id" {
  value = data.marketo_role.standard.id
}
