# The exchange's canary (docs/probes.md) in a customer-like VPC of its own, in the relay's Region: attached to the
# relay's Transit Gateway and associated with its multicast domain exactly as a customer's VPC is (module customer),
# with relay-canary listening to the probes and, optionally, feed groups (module canary). The relay module's
# canary alarms (its variable canary) then watch what it publishes.

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

locals {
  probe_group = split(":", var.probe_group)
}

module "canary_vpc" {
  source = "../../modules/customer"

  name                = "mcast-canary"
  resource_share_arn  = var.handoff.resource_share_arn
  transit_gateway_id  = var.handoff.transit_gateway_id
  multicast_domain_id = var.handoff.multicast_domain_id
  source_cidrs        = var.handoff.source_cidrs
  # The probe group beside the feed groups: the security group lets both in and the canary joins both.
  groups = concat(var.handoff.groups, [{ feed = "probes", group = local.probe_group[0], port = tonumber(local.probe_group[1]) }])

  vpc_id     = var.vpc_id
  subnet_ids = var.subnet_ids
  # In the exchange's own organization the share needs no accepting.
  accept_share = false
}

module "canary" {
  source = "../../modules/canary"

  vpc_id                       = var.vpc_id
  subnet_ids                   = var.subnet_ids
  subscriber_security_group_id = module.canary_vpc.security_group_id
  container_image              = var.container_image
  probe_groups                 = [var.probe_group]
  feed_groups                  = [for g in var.handoff.groups : { feed = g.feed, group = "${g.group}:${g.port}" }]
  https_egress_cidrs           = var.https_egress_cidrs

  # Multicast reaches the canary only once the subnets are associated with the domain.
  depends_on = [module.canary_vpc]
}
