# A user can be imported by its userid (on Adobe Identity instances a generated
# <uuid>@adobe.com value) or by its email address.
terraform import marketo_api_only_user.sync crm-sync@example.com
