resource "marketo_api_only_role" "sync" {
  name        = "Lead Sync (API)"
  permissions = ["Read-Write Lead"]
}

# An API-only user is active at once: no invitation email is sent. It holds exactly the
# role_assignment blocks given here; workspace 0 is "AllZones".
resource "marketo_api_only_user" "sync" {
  email      = "crm-sync@example.com"
  first_name = "CRM"
  last_name  = "Sync"
  reason     = "Integration user for the CRM sync"

  role_assignment {
    role_id      = marketo_api_only_role.sync.id
    workspace_id = 0
  }
}
