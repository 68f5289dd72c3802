resource "marketo_api_only_role" "sync" {
  name        = "Lead Sync (API)"
  permissions = ["Read-Write Lead"]
}

resource "marketo_api_only_user" "sync" {
  email      = "crm-sync@example.com"
  first_name = "CRM"
  last_name  = "Sync"

  role_assignment {
    role_id      = marketo_api_only_role.sync.id
    workspace_id = 0
  }
}

# A LaunchPoint custom service. Referring to the user's userid (not a literal string) tells
# Terraform to create the user first and to delete the service before the user: Marketo refuses
# to delete an API-only user that still owns a service (error 611).
resource "marketo_custom_service" "sync" {
  display_name  = "CRM Sync"
  description   = "Credentials for the CRM sync"
  api_only_user = marketo_api_only_user.sync.userid
}

output "client_id" {
  value = marketo_custom_service.sync.client_id
}

output "client_secret" {
  value     = marketo_custom_service.sync.client_secret
  sensitive = true
}
