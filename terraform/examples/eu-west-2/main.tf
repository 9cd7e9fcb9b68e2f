# The exchange side in London (eu-west-2). Copy this directory, fill terraform.tfvars from
# terraform.tfvars.example, configure a backend, then `terraform init && terraform plan`.

terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }

  # State belongs in a backend with locking, for example:
  # backend "s3" {
  #   bucket       = "exchange-terraform-state"
  #   key          = "mcast-relay/eu-west-2.tfstate"
  #   region       = "eu-west-2"
  #   use_lockfile = true
  # }
}

provider "aws" {
  region = "eu-west-2"

  default_tags {
    tags = {
      Project = "mcast-relay"
      Site    = "london"
    }
  }
}

resource "aws_sns_topic" "alarms" {
  name = "mcast-relay-ldn-alarms"
}

module "relay" {
  source = "../../modules/relay"

  name   = "mcast-relay-ldn"
  vpc_id = var.vpc_id

  # Dedicated subnets for the relay (its CIDRs are the source range customers allow), the NLB and, with
  # service_access.mode endpoints, the interface endpoints: all from terraform.tfvars, checked against the VPC.
  relay_subnets        = var.relay_subnets
  nlb_subnets          = var.nlb_subnets
  service_access       = var.service_access
  relay_route_table_id = var.relay_route_table_id
  nlb_route_table_id   = var.nlb_route_table_id

  exchange_cidrs  = var.exchange_cidrs
  container_image = var.container_image

  # Deribit-style feeds: test on 6666, prod on 6667. The groups are placeholders in the
  # administratively scoped range: use the exchange's.
  feeds = [
    {
      name = "test"
      port = 6666
      destinations = [
        { group = "239.255.6.1", port = 6200 },
        { group = "239.255.6.2", port = 6201 },
      ]
    },
    {
      name = "prod"
      port = 6667
      destinations = [
        { group = "239.255.7.1", port = 6100 },
        { group = "239.255.7.2", port = 6101 },
      ]
    },
  ]

  instance_type       = "c6i.large"
  relay_count         = 2
  customer_principals = var.customer_principals
  alarm_actions       = [aws_sns_topic.alarms.arn]
}
