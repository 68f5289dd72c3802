# A custom service can be imported by its numeric id or by its client_id.
terraform import marketo_custom_service.sync 3
terraform import marketo_custom_service.sync 0b1c6a2e-5a3d-4c1e-9f43-6f1d2c8e9a10
