variable "name" {
  description = "The integration's name: the name of its role and of its LaunchPoint service (at most 50 characters)."
  type        = string

  validation {
    condition     = length(trimspace(var.name)) > 0 && length(var.name) <= 50
    error_message = "The name must be 1 to 50 characters long (Marketo's limit for role and service names)."
  }
}

variable "email" {
  description = "Email address of the integration's API-only user (it receives no mail, but must be unique)."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$", var.email))
    error_message = "The email must be an address such as crm-sync@example.com."
  }
}

variable "permissions" {
  description = "The Access API permissions the integration's role grants (data source marketo_permissions lists them)."
  type        = list(string)

  validation {
    condition     = length(var.permissions) > 0
    error_message = "An integration needs at least one permission."
  }
}

variable "workspaces" {
  description = "Names of the workspaces the user holds the integration's role in; \"AllZones\" is every workspace."
  type        = list(string)
  default     = ["AllZones"]

  validation {
    condition     = length(var.workspaces) > 0
    error_message = "Name at least one workspace (\"AllZones\" for every workspace)."
  }
}

variable "extra_roles" {
  description = "Names of existing roles (made in the Admin UI, or system roles) the user also holds, in the same workspaces."
  type        = list(string)
  default     = []
}

variable "expires_at" {
  description = "When the user's access ends, as an RFC 3339 timestamp (e.g. 2027-12-31T23:59:59Z); null for never."
  type        = string
  default     = null

  validation {
    condition     = var.expires_at == null || can(formatdate("YYYY", var.expires_at))
    error_message = "The expiry must be an RFC 3339 timestamp such as 2027-12-31T23:59:59Z."
  }
}
