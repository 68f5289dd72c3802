# The whole admin workflow in one file: a role granting Access API permissions, an API-only user
# holding it, and a LaunchPoint custom service owned by that user, whose credentials are the
# outputs. `make demo` applies this against marketo-emulator.

terraform {
  required_providers {
    marketo = {
      source = "marketo-community/marketo"
    }
  }
}

provider "marketo" {
  endpoint      = var.marketo_endpoint
  client_id     = var.marketo_client_id
  client_secret = var.marketo_client_secret
}

resource "marketo_api_only_role" "integration" {
  name        = "Quickstart Integration"
  description = "What the quickstart integration may do through the API"
  # What a user-management integration needs: Marketo's User Management API requires both
  # "Access User Management Api" (Access API group) and "Access Users" (Access Admin group).
  permissions = [
    "Access User Management Api",
    "Access Users",
    "Read-Write Lead",
    "Read-Only Activity",
  ]
}

resource "marketo_api_only_user" "integration" {
  email      = var.integration_email
  first_name = "Quickstart"
  last_name  = "Integration"
  reason     = "API-only user for the quickstart integration"

  role_assignment {
    role_id      = marketo_api_only_role.integration.id
    workspace_id = 0
  }
}

resource "marketo_custom_service" "integration" {
  display_name  = "Quickstart Integration"
  description   = "LaunchPoint service whose credentials the integration uses"
  api_only_user = marketo_api_only_user.integration.userid
}
