# Import an existing custom service by its numeric id, or by its client_id:
# id = "0b1c6a2e-5a3d-4c1e-9f43-6f1d2c8e9a10".
import {
  to = marketo_custom_service.sync
  id = "3"
}
