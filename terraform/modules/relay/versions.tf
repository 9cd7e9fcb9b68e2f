terraform {
  # 1.9: validations that read other variables. Tests use mock providers (1.7+).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.100 is the version the offline checks run against (listener tcp_idle_timeout_seconds,
      # target group target_health_state). 6.x renames region attributes: not yet tested.
      version = ">= 5.100, < 6.0"
    }
  }
}
