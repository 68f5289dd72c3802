# Inputs the module refuses before it asks Marketo anything.
provider "marketo" {
  client_id     = "module-tests"
  client_secret = "module-tests-secret"
}

variables {
  name        = "CRM Sync"
  email       = "crm-sync@example.com"
  permissions = ["Read-Write Lead"]
}

run "refuses_an_unreadable_expiry" {
  command = plan

  variables {
    expires_at = "next year"
  }

  expect_failures = [var.expires_at]
}

run "refuses_an_empty_permission_list" {
  command = plan

  variables {
    permissions = []
  }

  expect_failures = [var.permissions]
}
