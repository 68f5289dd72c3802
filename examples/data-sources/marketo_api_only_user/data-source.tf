# Look up an existing user by email (or by userid).
data "marketo_api_only_user" "existing" {
  email = "crm-sync@example.com"
}

output "existing_user_roles" {
  value = data.marketo_api_only_user.existing.role_assignment
}
