# In a .tfquery.hcl file: `terraform query` lists the custom roles (with their permissions when
# include_resource is true), and -generate-config-out writes them as configuration.
list "marketo_api_only_role" "api_roles" {
  provider         = marketo
  include_resource = true

  config {
    name_prefix = "API"
  }
}
