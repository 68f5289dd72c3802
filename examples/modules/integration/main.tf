# One integration: a role with the permissions it needs, an API-only user holding it (and any
# existing roles) in the named workspaces, and the LaunchPoint service whose Client ID and Secret
# the integration logs in with.

data "marketo_workspace" "this" {
  for_each = toset(var.workspaces)
  name     = each.value
}

data "marketo_role" "extra" {
  for_each = toset(var.extra_roles)
  name     = each.value
}

resource "marketo_api_only_role" "this" {
  name        = var.name
  description = "Integration ${var.name} (managed by Terraform)"
  permissions = var.permissions
}

resource "marketo_api_only_user" "this" {
  email      = var.email
  first_name = var.name
  last_name  = "Integration"
  expires_at = var.expires_at

  dynamic "role_assignment" {
    for_each = data.marketo_workspace.this
    content {
      role_id      = marketo_api_only_role.this.id
      workspace_id = role_assignment.value.id
    }
  }

  dynamic "role_assignment" {
    for_each = { for pair in setproduct(var.extra_roles, var.workspaces) : "${pair[0]}/${pair[1]}" => pair }
    content {
      role_id      = data.marketo_role.extra[role_assignment.value[0]].id
      workspace_id = data.marketo_workspace.this[role_assignment.value[1]].id
    }
  }
}

resource "marketo_custom_service" "this" {
  display_name  = var.name
  description   = "Integration ${var.name} (managed by Terraform)"
  api_only_user = marketo_api_only_user.this.userid
}
