# Pure logic, no emulator: mock_provider (Terraform 1.7+) answers every call with invented values,
# so only what the module itself computes is tested here.
mock_provider "marketo" {
  mock_data "marketo_workspace" {
    defaults = {
      id = 7
    }
  }
}

variables {
  name        = "CRM Sync"
  email       = "crm-sync@example.com"
  permissions = ["Read-Write Lead"]
  workspaces  = ["EMEA", "NA"]
}

run "names_follow_the_convention" {
  command = plan

  assert {
    condition     = marketo_api_only_role.this.description == "Integration CRM Sync (managed by Terraform)"
    error_message = "The role says which integration it belongs to."
  }

  assert {
    condition     = marketo_api_only_user.this.first_name == "CRM Sync" && marketo_api_only_user.this.last_name == "Integration"
    error_message = "The user is named after the integration."
  }

  assert {
    condition     = keys(output.workspace_ids) == ["EMEA", "NA"]
    error_message = "Each named workspace is looked up once."
  }
}
