# The customer module against a mocked AWS provider, with what the relay module's customer_handoff
# output gives a customer.

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
    { feed = "test", group = "239.255.6.2", port = 6201 },
    { feed = "prod", group = "239.255.7.1", port = 6100 },
  ]
  igmpv2_ssm_targets = { tag_key = "role", tag_values = ["md-subscriber"] }
}

# The two subscriber subnets sit in two AZs, as an attachment needs.
override_data {
  target = data.aws_subnet.subscriber["subnet-0bbbbbbbbbbbbbbb2"]
  values = { availability_zone = "eu-west-2b", vpc_id = "vpc-0c1d2e3f405162738" }
}

run "share_accepted_vpc_attached_subnets_associated" {
  # Applies the module against the mock; the runs below plan against the resulting state.
  command = apply

  assert {
    condition     = aws_ram_resource_share_accepter.this[0].share_arn == var.resource_share_arn
    error_message = "The exchange's share must be accepted."
  }
  assert {
    condition = (aws_ec2_transit_gateway_vpc_attachment.this.transit_gateway_id == "tgw-0262a0e5219876543" &&
      aws_ec2_transit_gateway_vpc_attachment.this.vpc_id == var.vpc_id &&
    aws_ec2_transit_gateway_vpc_attachment.this.subnet_ids == toset(var.subnet_ids))
    error_message = "The customer's VPC must be attached to the shared Transit Gateway in its subnets."
  }
  assert {
    condition = (length(aws_ec2_transit_gateway_multicast_domain_association.this) == 2 &&
      alltrue([for s, a in aws_ec2_transit_gateway_multicast_domain_association.this :
        a.subnet_id == s && a.transit_gateway_multicast_domain_id == "tgw-mcast-domain-000fb24d04a1b2c3d" &&
    a.transit_gateway_attachment_id == aws_ec2_transit_gateway_vpc_attachment.this.id]))
    error_message = "Every subnet must be associated with the shared domain through the attachment."
  }
}

run "security_group_multicast_from_source_range_and_igmp" {
  command = plan

  assert {
    condition = toset([for r in aws_vpc_security_group_ingress_rule.multicast : "${r.ip_protocol}/${r.from_port}-${r.to_port}/${r.cidr_ipv4}"]) == toset([
      "udp/6200-6200/10.20.8.0/28", "udp/6201-6201/10.20.8.0/28", "udp/6100-6100/10.20.8.0/28",
      "udp/6200-6200/10.20.8.16/28", "udp/6201-6201/10.20.8.16/28", "udp/6100-6100/10.20.8.16/28",
    ])
    error_message = "Multicast must be allowed in from the relay's source range only, on the groups' ports."
  }
  assert {
    condition = (aws_vpc_security_group_ingress_rule.igmp_query.ip_protocol == "2" &&
    aws_vpc_security_group_ingress_rule.igmp_query.cidr_ipv4 == "0.0.0.0/32")
    error_message = "IGMP queries must be allowed in from 0.0.0.0/32."
  }
  assert {
    condition = (aws_vpc_security_group_egress_rule.igmp_leave.ip_protocol == "2" &&
      aws_vpc_security_group_egress_rule.igmp_leave.cidr_ipv4 == "224.0.0.2/32" &&
      toset([for r in aws_vpc_security_group_egress_rule.igmp_join : "${r.ip_protocol}/${r.cidr_ipv4}"]) ==
    toset(["2/239.255.6.1/32", "2/239.255.6.2/32", "2/239.255.7.1/32"]))
    error_message = "IGMP leaves must go out to 224.0.0.2/32 and joins to each group."
  }
}

run "igmpv2_forced_on_the_subscribers" {
  command = plan

  assert {
    condition = alltrue([for line in [
      "net.ipv4.conf.all.force_igmp_version = 2",
      "sysctl -w net.ipv4.conf.all.force_igmp_version=2",
      "sysctl -w net.ipv4.conf.default.force_igmp_version=2",
    ] : strcontains(output.igmpv2_user_data, line)])
    error_message = "The user data script must force IGMPv2 now and across reboots."
  }
  assert {
    condition = (jsondecode(aws_ssm_document.igmpv2[0].content).mainSteps[0].action == "aws:runShellScript" &&
    contains(jsondecode(aws_ssm_document.igmpv2[0].content).mainSteps[0].inputs.runCommand, "sysctl -w net.ipv4.conf.all.force_igmp_version=2"))
    error_message = "The SSM document must run the same script."
  }
  assert {
    condition = (aws_ssm_association.igmpv2[0].name == aws_ssm_document.igmpv2[0].name &&
      one(aws_ssm_association.igmpv2[0].targets).key == "tag:role" &&
    one(aws_ssm_association.igmpv2[0].targets).values == tolist(["md-subscriber"]))
    error_message = "The association must target the tagged subscribers."
  }
}

run "inside_the_organization_no_accepter_and_no_ssm" {
  command = plan

  variables {
    accept_share       = false
    igmpv2_ssm_targets = null
  }
  assert {
    condition     = length(aws_ram_resource_share_accepter.this) == 0 && length(aws_ssm_association.igmpv2) == 0
    error_message = "Without an invitation there is nothing to accept; without targets no SSM association."
  }
}

run "group_outside_multicast_rejected" {
  command = plan
  variables {
    groups = [{ group = "10.0.0.1", port = 6200 }]
  }
  expect_failures = [var.groups]
}

run "world_as_source_range_rejected" {
  command = plan
  variables {
    source_cidrs = ["0.0.0.0/0"]
  }
  expect_failures = [var.source_cidrs]
}

run "replay_port_routed_to_the_relay_source_range_and_allowed_out" {
  command = plan

  variables {
    replay = { port = 6800, route_table_ids = ["rtb-0c1c2c3c4c5c6c7c8", "rtb-0d1d2d3d4d5d6d7d8"] }
  }

  assert {
    condition = (length(aws_route.to_relay) == 4 &&
      toset([for r in aws_route.to_relay : "${r.route_table_id}:${r.destination_cidr_block}:${r.transit_gateway_id}"]) == toset([
        "rtb-0c1c2c3c4c5c6c7c8:10.20.8.0/28:tgw-0262a0e5219876543", "rtb-0c1c2c3c4c5c6c7c8:10.20.8.16/28:tgw-0262a0e5219876543",
        "rtb-0d1d2d3d4d5d6d7d8:10.20.8.0/28:tgw-0262a0e5219876543", "rtb-0d1d2d3d4d5d6d7d8:10.20.8.16/28:tgw-0262a0e5219876543",
    ]))
    error_message = "Each subscriber route table must send the relay's source range to the Transit Gateway."
  }
  assert {
    condition = (length(aws_vpc_security_group_egress_rule.replay) == 2 &&
    toset([for r in aws_vpc_security_group_egress_rule.replay : "${r.ip_protocol}:${r.cidr_ipv4}:${r.from_port}-${r.to_port}"]) == toset(["tcp:10.20.8.0/28:6800-6800", "tcp:10.20.8.16/28:6800-6800"]))
    error_message = "The subscribers' security group must let TCP to the replay port out to the relay's source range only."
  }
}

run "replay_off_by_default" {
  command = plan

  assert {
    condition     = length(aws_route.to_relay) + length(aws_vpc_security_group_egress_rule.replay) == 0
    error_message = "Without replay the customer side opens no unicast."
  }
}

run "replay_port_out_of_range_rejected" {
  command = plan
  variables {
    replay = { port = 80, route_table_ids = ["rtb-0c1c2c3c4c5c6c7c8"] }
  }
  expect_failures = [var.replay]
}

run "replay_without_route_tables_rejected" {
  command = plan
  variables {
    replay = { port = 6800, route_table_ids = [] }
  }
  expect_failures = [var.replay]
}

run "two_subnets_in_one_az_rejected" {
  command = plan

  override_data {
    target = data.aws_subnet.subscriber["subnet-0bbbbbbbbbbbbbbb2"]
    values = { availability_zone = "eu-west-2a", vpc_id = "vpc-0c1d2e3f405162738" }
  }

  expect_failures = [aws_ec2_transit_gateway_vpc_attachment.this]
}

run "subnet_of_another_vpc_rejected" {
  command = plan

  override_data {
    target = data.aws_subnet.subscriber["subnet-0bbbbbbbbbbbbbbb2"]
    values = { availability_zone = "eu-west-2b", vpc_id = "vpc-0999999999999999a" }
  }

  expect_failures = [aws_ec2_transit_gateway_vpc_attachment.this]
}
