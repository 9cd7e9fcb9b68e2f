# What the customer module refuses at plan time, before the share is accepted or anything reaches AWS.
# Each run changes one input of a valid handoff and expects exactly that input's validation to fail.
# (The rejected group, source range and replay settings have their runs in customer.tftest.hcl.)

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  resource_share_arn  = "arn:aws:ram:eu-west-2:111122223333:resource-share/7ab63972-b505-7e2a-420d-6f5d3aaaaaaa"
  transit_gateway_id  = "tgw-0262a0e5219876543"
  multicast_domain_id = "tgw-mcast-domain-000fb24d04a1b2c3d"
  vpc_id              = "vpc-0c1d2e3f405162738"
  subnet_ids          = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]
  source_cidrs        = ["10.20.8.0/28", "10.20.8.16/28"]
  groups = [
    { feed = "test", group = "239.255.6.1", port = 6200 },
    { feed = "prod", group = "239.255.7.1", port = 6100 },
  ]
  igmpv2_ssm_targets = { tag_key = "role", tag_values = ["md-subscriber"] }
}

# The two subscriber subnets sit in two AZs, as an attachment needs.
override_data {
  target = data.aws_subnet.subscriber["subnet-0bbbbbbbbbbbbbbb2"]
  values = { availability_zone = "eu-west-2b", vpc_id = "vpc-0c1d2e3f405162738" }
}

run "valid_baseline_plans" {
  command = plan
}

# --- the handoff from the exchange ----------------------------------------------------------------

run "malformed_resource_share_arn_rejected" {
  command = plan
  variables {
    resource_share_arn = "arn:aws:ram:eu-west-2:111122223333:resource-share/mcast-relay"
  }
  expect_failures = [var.resource_share_arn]
}

run "malformed_transit_gateway_id_rejected" {
  command = plan
  variables {
    transit_gateway_id = "tgw-attach-0a1b2c3d4e5f60718"
  }
  expect_failures = [var.transit_gateway_id]
}

run "transit_gateway_id_given_as_the_domain_rejected" {
  command = plan
  variables {
    multicast_domain_id = "tgw-0262a0e5219876543"
  }
  expect_failures = [var.multicast_domain_id]
}

run "no_groups_rejected" {
  command = plan
  variables {
    groups = []
  }
  expect_failures = [var.groups]
}

run "group_port_0_rejected" {
  command = plan
  variables {
    groups = [{ group = "239.255.6.1", port = 0 }]
  }
  expect_failures = [var.groups]
}

# --- the customer's VPC and instances -------------------------------------------------------------

run "name_with_underscore_rejected" {
  command = plan
  variables {
    name = "mcast_subscriber"
  }
  expect_failures = [var.name]
}

run "malformed_vpc_id_rejected" {
  command = plan
  variables {
    vpc_id = "0c1d2e3f405162738"
  }
  # The subnets report that VPC too, so that only the variable's own rule fails.
  override_data {
    target = data.aws_subnet.subscriber["subnet-0aaaaaaaaaaaaaaa1"]
    values = { availability_zone = "eu-west-2a", vpc_id = "0c1d2e3f405162738" }
  }
  override_data {
    target = data.aws_subnet.subscriber["subnet-0bbbbbbbbbbbbbbb2"]
    values = { availability_zone = "eu-west-2b", vpc_id = "0c1d2e3f405162738" }
  }
  expect_failures = [var.vpc_id]
}

run "malformed_subnet_id_rejected" {
  command = plan
  variables {
    subnet_ids = ["sn-0aaaaaaaaaaaaaaa1"]
  }
  expect_failures = [var.subnet_ids]
}

run "repeated_subnet_rejected" {
  # A repeated subnet breaks the attachment's one-subnet-per-AZ precondition as well (one AZ for two
  # entries); Terraform does not reach it while the variable is invalid, and reports it instead when
  # this rule is gone, so the run still fails without the rule.
  command = plan
  variables {
    subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa1"]
  }
  expect_failures = [var.subnet_ids]
}

run "ssm_targets_without_tag_values_rejected" {
  command = plan
  variables {
    igmpv2_ssm_targets = { tag_key = "role", tag_values = [] }
  }
  expect_failures = [var.igmpv2_ssm_targets]
}

# --- the subscribers' network ACL -----------------------------------------------------------------

run "nacl_rules_up_to_100_accepted" {
  # One source CIDR x 98 group ports + 2 IGMP rules = 100, the most the module numbers.
  command = plan
  variables {
    source_cidrs = ["10.20.8.0/28"]
    groups       = [for i in range(98) : { group = "239.255.6.${i + 1}", port = 6200 + i }]
    network_acl  = { id = "acl-0a1b2c3d4e5f60718" }
  }
}

run "nacl_needing_more_than_100_rules_rejected" {
  command = plan
  variables {
    source_cidrs = ["10.20.8.0/28"]
    groups       = [for i in range(99) : { group = "239.255.6.${i + 1}", port = 6200 + i }]
    network_acl  = { id = "acl-0a1b2c3d4e5f60718" }
  }
  expect_failures = [aws_network_acl_rule.multicast]
}
