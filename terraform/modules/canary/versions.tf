terraform {
  # 1.9: validations that read other variables. Tests use mock providers (1.7+).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # The version the offline checks run against, as in modules/relay.
      version = ">= 5.100, < 6.0"
    }
  }
}
