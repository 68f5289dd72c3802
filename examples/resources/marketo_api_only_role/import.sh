# A role can be imported by its numeric id or by its name.
terraform import marketo_api_only_role.sync 101
terraform import marketo_api_only_role.sync "Lead Sync (API)"
