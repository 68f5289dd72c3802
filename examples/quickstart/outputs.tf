output "role_id" {
  value = marketo_api_only_role.integration.id
}

output "userid" {
  value = marketo_api_only_user.integration.userid
}

output "user_status" {
  value = marketo_api_only_user.integration.status
}

output "client_id" {
  description = "Client ID of the new custom service."
  value       = marketo_custom_service.integration.client_id
}

output "client_secret" {
  description = "Client Secret of the new custom service: `terraform output -raw client_secret`."
  value       = marketo_custom_service.integration.client_secret
  sensitive   = true
}

output "identity_url" {
  description = "Where the integration obtains access tokens with these credentials."
  value       = "${var.marketo_endpoint}/identity/oauth/token"
}
