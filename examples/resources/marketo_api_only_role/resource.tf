# A custom role for API-only users. Only permissions of the "Access API" group can be granted:
# see the marketo_permissions data source for the valid names.
resource "marketo_api_only_role" "sync" {
  name        = "Lead Sync (API)"
  description = "Reads and writes leads for the CRM sync"
  permissions = [
    "Read-Write Lead",
    "Read-Only Activity",
    "Read-Only Campaign",
  ]
}
