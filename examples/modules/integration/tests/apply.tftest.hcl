# Applies the module against the emulator (terraform test destroys what it made at the end).
provider "marketo" {
  client_id     = "module-tests"
  client_secret = "module-tests-secret"
}

variables {
  name        = "CRM Sync"
  email       = "crm-sync@example.com"
  permissions = ["Read-Write Lead", "Read-Only Activity"]
  workspaces  = ["EMEA"]
  extra_roles = ["Marketing Ops"]
  expires_at  = "2030-01-01T00:00:00Z"
}

run "creates_the_integration" {
  assert {
    condition     = length(output.client_id) > 0 && length(output.client_secret) > 0
    error_message = "The service has credentials."
  }

  assert {
    condition     = output.userid == "crm-sync@example.com"
    error_message = "The user's login is its email address."
  }

  assert {
    condition     = marketo_api_only_user.this.status == "active" && marketo_api_only_user.this.api_only
    error_message = "An API-only user is active at once."
  }

  assert {
    condition     = length(marketo_api_only_user.this.role_assignment) == 2
    error_message = "The user holds its own role and Marketing Ops, in EMEA."
  }

  assert {
    condition     = marketo_custom_service.this.api_only_user == output.userid
    error_message = "The service belongs to the integration's user."
  }
}
