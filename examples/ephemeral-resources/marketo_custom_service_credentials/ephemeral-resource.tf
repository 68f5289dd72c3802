# A service whose secret is never written to the state...
resource "marketo_custom_service" "sync" {
  display_name        = "CRM Sync"
  api_only_user       = "crm-sync@example.com"
  store_client_secret = false
}

# ...read afresh in every run...
ephemeral "marketo_custom_service_credentials" "sync" {
  service_id = marketo_custom_service.sync.id
}

# ...and handed to what uses it: here, a second provider block that acts as the service's user.
# Apply the service first: a provider must know its settings while planning.
provider "marketo" {
  alias         = "crm_sync"
  client_id     = ephemeral.marketo_custom_service_credentials.sync.client_id
  client_secret = ephemeral.marketo_custom_service_credentials.sync.client_secret
}

data "marketo_users" "seen_by_crm_sync" {
  provider = marketo.crm_sync
}
