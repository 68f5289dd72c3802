# Terraform 1.12 and later: import an existing role by its identity, the numeric Marketo id.
# `terraform query` writes blocks like this one for every role it lists.
import {
  to = marketo_api_only_role.sync
  identity = {
    id = 101
  }
}
