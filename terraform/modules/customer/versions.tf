terraform {
  # 1.9: validations that read other variables. Tests use mock providers (1.7+).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.100 is the version the offline checks run against; 6.x is not yet tested.
      version = ">= 5.100, < 6.0"
    }
  }
}
