# The last seven days of one integration's API user.
data "marketo_api_usage" "crm_sync" {
  period     = "last_7_days"
  user_email = "crm-sync@example.com"
}

output "crm_sync_calls_per_day" {
  value = {
    for d in data.marketo_api_usage.crm_sync.days :
    d.date => sum(concat([0], [for u in d.users : u.count]))
  }
}

# Today's usage of the whole instance, and its error answers per code.
data "marketo_api_usage" "today" {}

output "calls_today" {
  value = data.marketo_api_usage.today.total_calls
}

output "errors_today" {
  value = { for e in data.marketo_api_usage.today.days[0].errors : e.code => e.count }
}

# A warning (Terraform 1.5+) when the integration made no call all week.
check "crm_sync_is_running" {
  assert {
    condition     = data.marketo_api_usage.crm_sync.total_calls > 0
    error_message = "crm-sync@example.com made no API call in the last 7 days: is the integration running?"
  }
}
