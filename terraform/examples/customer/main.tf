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

# The subscriber's own needs beside multicast: the module's security group lets only the relay's
# multicast in and IGMP out, so the SSM agent (which runs the IGMPv2 association) needs HTTPS out
# to the SSM endpoints, and an instance profile that lets it register.
resource "aws_security_group" "subscriber_management" {
  count = var.subscriber_ami_id == null ? 0 : 1

  name        = "md-subscriber-management"
  description = "HTTPS out for the SSM agent (Systems Manager endpoints or NAT)"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "subscriber_https" {
  count = var.subscriber_ami_id == null ? 0 : 1

  security_group_id = aws_security_group.subscriber_management[0].id
  description       = "HTTPS to Systems Manager"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.https_egress_cidr
}

resource "aws_iam_role" "subscriber" {
  count = var.subscriber_ami_id == null ? 0 : 1

  name = "md-subscriber"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "subscriber_ssm" {
  count = var.subscriber_ami_id == null ? 0 : 1

  role       = aws_iam_role.subscriber[0].name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "subscriber" {
  count = var.subscriber_ami_id == null ? 0 : 1

  name = "md-subscriber"
  role = aws_iam_role.subscriber[0].name
}

# A subscriber: any Nitro instance; the security group above, IGMPv2 in its user data.
resource "aws_instance" "subscriber" {
  count = var.subscriber_ami_id == null ? 0 : 1

  ami                    = var.subscriber_ami_id
  instance_type          = "c6i.large"
  subnet_id              = var.subnet_ids[0]
  vpc_security_group_ids = [module.multicast.security_group_id, aws_security_group.subscriber_management[0].id]
  iam_instance_profile   = aws_iam_instance_profile.subscriber[0].name
  user_data              = module.multicast.igmpv2_user_data

  metadata_options {
    http_tokens = "required"
  }

  tags = {
    Name = "md-subscriber"
    role = "md-subscriber"
  }
}
