# In a .tfquery.hcl file: `terraform query` lists the API-only users, and
# `terraform query -generate-config-out=users.tf` writes a resource and an import block for each.
list "marketo_api_only_user" "integrations" {
  provider         = marketo
  include_resource = true

  config {
    email_suffix = "@integrations.example.com"
  }
}
