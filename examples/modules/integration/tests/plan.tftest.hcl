# Plan only: nothing is created. The emulator was started with tests/fixture.json, which holds the
# workspaces EMEA and NA, the role "Marketing Ops", and the service whose credentials are below.
# The endpoint comes from MARKETO_ENDPOINT.
provider "marketo" {
  client_id     = "module-tests"
  client_secret = "module-tests-secret"
}

variables {
  name        = "CRM Sync"
  email       = "crm-sync@example.com"
  permissions = ["Read-Write Lead", "Read-Only Activity"]
  workspaces  = ["EMEA", "NA"]
}

run "plans_a_role_a_user_and_a_service" {
  command = plan

  assert {
    condition     = marketo_api_only_role.this.name == "CRM Sync"
    error_message = "The role is named after the integration."
  }

  assert {
    condition     = marketo_api_only_user.this.email == "crm-sync@example.com" && marketo_api_only_user.this.expires_at == null
    error_message = "The user is the integration's, with no expiry by default."
  }

  assert {
    condition     = output.workspace_ids["EMEA"] != output.workspace_ids["NA"] && output.workspace_ids["EMEA"] != 0
    error_message = "EMEA and NA are the fixture's own workspaces."
  }

  assert {
    condition     = marketo_custom_service.this.display_name == "CRM Sync"
    error_message = "The service is named after the integration."
  }
}

run "finds_the_fixture_by_name" {
  command = plan

  # Each run plans its own names: one provider process plans every run of a file.
  variables {
    name        = "Webinar Sync"
    email       = "webinar-sync@example.com"
    workspaces  = ["EMEA"]
    extra_roles = ["Marketing Ops"]
  }

  assert {
    condition     = data.marketo_role.extra["Marketing Ops"].type == "custom"
    error_message = "Marketing Ops is the fixture's custom role, found by name."
  }

  assert {
    condition     = keys(output.workspace_ids) == ["EMEA"]
    error_message = "Only EMEA is looked up."
  }
}
