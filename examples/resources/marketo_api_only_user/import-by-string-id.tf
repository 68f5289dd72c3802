# Import an existing user by its userid (on Adobe Identity instances a generated
# <uuid>@adobe.com value) or by its email address.
import {
  to = marketo_api_only_user.sync
  id = "crm-sync@example.com"
}
