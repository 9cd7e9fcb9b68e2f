# The customer's network ACL (variable network_acl): the rules multicast and the replay port need, added to the
# subscribers' NACL. Each validation rule has a run that breaks only that rule.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  resource_share_arn  = "arn:aws:ram:eu-west-2:111122223333:resource-share/7ab63972-b505-7e2a-420d-6f5d3aaaaaaa"
  transit_gateway_id  = "tgw-0262a0e5219876543"
  multicast_domain_id = "tgw-mcast-domain-000fb24d04a1b2c3d"
  vpc_id              = "vpc-0c1d2e3f405162738"
  subnet_ids          = ["subnet-0aaaaaaaaaaaaaaa1"]
  source_cidrs        = ["10.20.8.0/28", "10.20.8.16/28"]
  groups = [
    { feed = "test", group = "239.255.6.1", port = 6200 },
    { feed = "prod", group = "239.255.7.1", port = 6100 },
  ]
}

run "no_nacl_rules_by_default" {
  command = plan
  assert {
    condition     = length(aws_network_acl_rule.multicast) == 0
    error_message = "Without network_acl the module adds no NACL rule."
  }
}

run "nacl_rules_for_multicast_igmp_and_replay" {
  command = plan
  variables {
    network_acl = { id = "acl-0a1b2c3d4e5f60718", first_rule_number = 300 }
    replay      = { port = 6800, route_table_ids = ["rtb-0a1b2c3d4e5f60718"] }
  }
  assert {
    condition = toset([for r in aws_network_acl_rule.multicast : "${r.egress ? "out" : "in"}:${r.protocol}:${r.from_port}-${r.to_port}:${r.cidr_block}" if r.protocol == "udp"]) == toset([
      "in:udp:6200-6200:10.20.8.0/28", "in:udp:6200-6200:10.20.8.16/28", "in:udp:6100-6100:10.20.8.0/28", "in:udp:6100-6100:10.20.8.16/28",
    ])
    error_message = "Multicast comes in from the relay's source range to each group port, and nothing else UDP."
  }
  assert {
    condition = (anytrue([for r in aws_network_acl_rule.multicast : !r.egress && r.protocol == "2" && r.cidr_block == "0.0.0.0/32"]) &&
    anytrue([for r in aws_network_acl_rule.multicast : r.egress && r.protocol == "2" && r.cidr_block == "224.0.0.0/4"]))
    error_message = "IGMP queries come in from 0.0.0.0/32, joins and leaves go out to 224.0.0.0/4."
  }
  assert {
    condition = (anytrue([for r in aws_network_acl_rule.multicast : r.egress && r.protocol == "tcp" && r.from_port == 6800 && r.cidr_block == "10.20.8.16/28"]) &&
    anytrue([for r in aws_network_acl_rule.multicast : !r.egress && r.protocol == "tcp" && r.from_port == 1024 && r.to_port == 65535 && r.cidr_block == "10.20.8.0/28"]))
    error_message = "The replay connection goes out to the relay's port and its answers come back."
  }
  assert {
    condition = (length(aws_network_acl_rule.multicast) == 10 &&
      alltrue([for r in aws_network_acl_rule.multicast : r.network_acl_id == "acl-0a1b2c3d4e5f60718" && r.rule_action == "allow" && r.rule_number >= 300 && r.rule_number < 310]) &&
    length(distinct([for r in aws_network_acl_rule.multicast : "${r.egress}:${r.rule_number}"])) == 10)
    error_message = "Ten allow rules in the given NACL, numbered from first_rule_number, none twice."
  }
}

run "network_acl_id_malformed_rejected" {
  command = plan
  variables {
    network_acl = { id = "nacl-1" }
  }
  expect_failures = [var.network_acl]
}

run "network_acl_first_rule_number_out_of_range_rejected" {
  command = plan
  variables {
    network_acl = { id = "acl-0a1b2c3d4e5f60718", first_rule_number = 32700 }
  }
  expect_failures = [var.network_acl]
}
