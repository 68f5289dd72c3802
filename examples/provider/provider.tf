terraform {
  required_providers {
    marketo = {
      source = "marketo-community/marketo"
    }
  }
}

# Credentials of a LaunchPoint custom service whose API-only user holds a role with the
# "Access User Management Api" and "Access Users" permissions. Every setting can come from the
# environment instead:
# MARKETO_MUNCHKIN_ID, MARKETO_ENDPOINT, MARKETO_CLIENT_ID, MARKETO_CLIENT_SECRET.
provider "marketo" {
  munchkin_id   = "123-ABC-456" # or: endpoint = "https://123-ABC-456.mktorest.com"
  client_id     = var.marketo_client_id
  client_secret = var.marketo_client_secret

  # After an interrupted apply, adopt the objects Marketo already has that match the
  # configuration exactly, instead of failing with "already exists" (MARKETO_ADOPT_EXISTING):
  # adopt_existing = true
}

variable "marketo_client_id" {
  type = string
}

variable "marketo_client_secret" {
  type      = string
  sensitive = true
}
