# Look up a workspace by name (or by id = 0).
data "marketo_workspace" "default" {
  name = "Default"
}

output "default_workspace_id" {
  value = data.marketo_workspace.default.id
}
