# Terraform 1.12 and later: import an existing API-only user by its identity, the userid.
# `terraform query` writes blocks like this one for every user it lists.
import {
  to = marketo_api_only_user.sync
  identity = {
    userid = "crm-sync@example.com"
  }
}
