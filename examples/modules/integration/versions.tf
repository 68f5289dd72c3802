terraform {
  # The module itself runs on Terraform 1.0 and later; its tests (`terraform test`) need 1.7 (mock_provider).
  required_version = ">= 1.0"

  required_providers {
    marketo = {
      source = "marketo-community/marketo"
    }
  }
}
