# Terraform 1.12 and later: import an existing service by its identity, the numeric Marketo id.
# `terraform query` writes blocks like this one for every service it lists.
import {
  to = marketo_custom_service.sync
  identity = {
    id = 7
  }
}
