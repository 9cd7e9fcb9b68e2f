# What a customer applies in its own AWS account, in the relay's Region (London or Tokyo): accept
# the exchange's share, attach its VPC, associate its subscriber subnets, open the security group
# and force IGMPv2 on the subscribers. The exchange hands over its `customer_handoff` output.

terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }
}

provider "aws" {
  region = var.handoff.region
}

module "multicast" {
  source = "../../modules/customer"

  name                = "market-data"
  resource_share_arn  = var.handoff.resource_share_arn
  transit_gateway_id  = var.handoff.transit_gateway_id
  multicast_domain_id = var.handoff.multicast_domain_id
  source_cidrs        = var.handoff.source_cidrs
  groups              = var.handoff.groups

  vpc_id     = var.vpc_id
  subnet_ids = var.subnet_ids

  # The relay's replay port, when the exchange runs recovery: routes in the subscribers' route tables.
  replay = var.handoff.replay_port == null || length(var.route_table_ids) == 0 ? null : {
    port            = var.handoff.replay_port
    route_table_ids = var.route_table_ids
  }

  # Every running instance tagged role=md-subscriber gets IGMPv2 forced through SSM.
  igmpv2_ssm_targets = { tag_key = "role", tag_values = ["md-subscriber"] }
}

# A subscriber: any Nitro instance; the security group above, IGMPv2 in its user data.
resource "aws_instance" "subscriber" {
  count = var.subscriber_ami_id == null ? 0 : 1

  ami                    = var.subscriber_ami_id
  instance_type          = "c6i.large"
  subnet_id              = var.subnet_ids[0]
  vpc_security_group_ids = [module.multicast.security_group_id]
  user_data              = module.multicast.igmpv2_user_data

  metadata_options {
    http_tokens = "required"
  }

  tags = {
    Name = "md-subscriber"
    role = "md-subscriber"
  }
}
