data "marketo_workspaces" "all" {}

output "workspace_names" {
  value = data.marketo_workspaces.all.workspaces[*].name
}
