variable "marketo_endpoint" {
  description = "REST endpoint of the Marketo instance, e.g. https://123-ABC-456.mktorest.com (make demo passes the emulator's)."
  type        = string
}

variable "marketo_client_id" {
  description = "Client ID of a custom service allowed to manage users, roles and services."
  type        = string
}

variable "marketo_client_secret" {
  description = "Client Secret of that custom service."
  type        = string
  sensitive   = true
}

variable "integration_email" {
  description = "Email address of the API-only user to create (API-only users get no email)."
  type        = string
  default     = "quickstart-integration@example.com"
}
