# Import an existing role by its numeric id, or by its name: id = "Lead Sync (API)".
import {
  to = marketo_api_only_role.sync
  id = "101"
}
