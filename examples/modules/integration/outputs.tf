output "client_id" {
  description = "The Client ID the integration logs in with."
  value       = marketo_custom_service.this.client_id
}

output "client_secret" {
  description = "The Client Secret the integration logs in with."
  value       = marketo_custom_service.this.client_secret
  sensitive   = true
}

output "userid" {
  description = "The API-only user's login."
  value       = marketo_api_only_user.this.userid
}

output "role_id" {
  description = "The id of the integration's role."
  value       = marketo_api_only_role.this.id
}

output "workspace_ids" {
  description = "The id of each workspace named in var.workspaces."
  value       = { for name, w in data.marketo_workspace.this : name => w.id }
}
