# A token for the provider's own credentials, opened in every run and never stored. Hand it to
# a step that calls Marketo's REST API itself, for example as a write-only attribute or a
# provisioner's environment.
ephemeral "marketo_access_token" "admin" {}

# A token for a service's credentials, read from Marketo in the same run.
ephemeral "marketo_custom_service_credentials" "sync" {
  service_id = "7"
}

ephemeral "marketo_access_token" "sync" {
  client_id     = ephemeral.marketo_custom_service_credentials.sync.client_id
  client_secret = ephemeral.marketo_custom_service_credentials.sync.client_secret
}
