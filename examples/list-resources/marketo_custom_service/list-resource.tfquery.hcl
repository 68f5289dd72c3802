# In a .tfquery.hcl file: `terraform query` lists the LaunchPoint custom services, here only
# those owned by one API-only user.
list "marketo_custom_service" "crm_sync" {
  provider         = marketo
  include_resource = true

  config {
    api_only_user = "crm-sync@example.com"
  }
}
