data "marketo_users" "all" {}

output "api_only_userids" {
  value = [for u in data.marketo_users.all.users : u.userid if u.api_only]
}
