# What a first `terraform apply` needs beyond the relay itself: a path to AWS's APIs (one run per service_access
# mode), subnets inside the VPC, hosts that ECS drains before they go, a service the apply waits for, and network
# ACLs that let the relay's traffic through. Each rule has a run that breaks only that rule.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  vpc_id = "vpc-0a1b2c3d4e5f60718"
  relay_subnets = {
    "eu-west-2a" = "10.20.8.0/28"
    "eu-west-2b" = "10.20.8.16/28"
  }
  nlb_subnets = {
    "eu-west-2a" = "10.20.9.0/28"
    "eu-west-2b" = "10.20.9.16/28"
  }
  service_access = {
    mode = "endpoints"
    endpoint_subnets = {
      "eu-west-2a" = "10.20.10.0/28"
      "eu-west-2b" = "10.20.10.16/28"
    }
  }
  exchange_cidrs  = ["192.0.2.0/26"]
  container_image = "111122223333.dkr.ecr.eu-west-2.amazonaws.com/mcast-relay:1.4.2"
}

# --- service_access: one run per mode -------------------------------------------------------------

run "service_access_endpoints_interface_and_s3_gateway" {
  assert {
    condition = toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "ecr.dkr", "ecs", "ecs-agent",
    "ecs-telemetry", "logs", "monitoring", "ssm", "ssmmessages", "ec2messages"])
    error_message = "Mode endpoints creates the ten interface endpoints the hosts, the ECS agent, the tasks and SSM need."
  }
  assert {
    condition = length(aws_vpc_endpoint.interface) > 0 && alltrue([for k, e in aws_vpc_endpoint.interface :
      e.vpc_endpoint_type == "Interface" && e.private_dns_enabled &&
      e.service_name == "com.amazonaws.eu-west-2.${k}" &&
      toset(e.subnet_ids) == toset([for s in aws_subnet.endpoints : s.id]) &&
    e.security_group_ids == toset([aws_security_group.endpoints[0].id])])
    error_message = "Every interface endpoint answers under the service's own name (private DNS) from the endpoint subnets, behind their security group."
  }
  assert {
    condition = (aws_vpc_endpoint.s3[0].vpc_endpoint_type == "Gateway" &&
      aws_vpc_endpoint.s3[0].service_name == "com.amazonaws.eu-west-2.s3" &&
    aws_vpc_endpoint.s3[0].route_table_ids == toset([aws_route_table.relay[0].id]))
    error_message = "Image layers come from S3 through a gateway endpoint on the relay subnets' route table."
  }
  assert {
    condition = (length(aws_route_table_association.relay) == 2 &&
    alltrue([for a in aws_route_table_association.relay : a.route_table_id == aws_route_table.relay[0].id]))
    error_message = "The relay subnets use the module's own route table."
  }
  assert {
    condition = (length(aws_subnet.endpoints) == 2 &&
      alltrue([for az, s in aws_subnet.endpoints : s.cidr_block == var.service_access.endpoint_subnets[az] && s.availability_zone == az]) &&
    length(setintersection(toset([for s in aws_subnet.endpoints : s.id]), toset([for s in aws_subnet.relay : s.id]))) == 0)
    error_message = "The endpoints live in subnets of their own, one per relay AZ, never in the relay subnets."
  }
  assert {
    condition = (toset([for r in aws_vpc_security_group_ingress_rule.endpoints_https : r.cidr_ipv4]) == toset(values(var.relay_subnets)) &&
    alltrue([for r in aws_vpc_security_group_ingress_rule.endpoints_https : r.from_port == 443 && r.to_port == 443 && r.ip_protocol == "tcp"]))
    error_message = "The endpoints admit HTTPS from the relay subnets and nothing else."
  }
  assert {
    condition = (toset([for r in aws_vpc_security_group_egress_rule.host_https : r.cidr_ipv4]) == toset(values(var.service_access.endpoint_subnets)) &&
      toset([for r in aws_vpc_security_group_egress_rule.task_https : r.cidr_ipv4]) == toset(values(var.service_access.endpoint_subnets)) &&
    aws_vpc_security_group_egress_rule.host_s3[0].prefix_list_id == aws_vpc_endpoint.s3[0].prefix_list_id)
    error_message = "With endpoints, hosts and tasks send HTTPS only to the endpoint subnets (and the hosts to S3's prefix list), not to https_egress_cidrs."
  }
  assert {
    condition     = output.relay_route_table_id == aws_route_table.relay[0].id && length(output.service_endpoints) == 11
    error_message = "The outputs name the relay subnets' route table and the eleven endpoints."
  }
}

run "service_access_endpoints_without_ssm" {
  command = plan
  variables {
    enable_ssm_session_manager = false
  }
  assert {
    condition = toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "ecr.dkr", "ecs", "ecs-agent",
    "ecs-telemetry", "logs", "monitoring"])
    error_message = "Without Session Manager the three SSM endpoints are not created."
  }
}

run "service_access_nat_default_route" {
  command = plan
  variables {
    service_access = { mode = "nat", nat_gateway_id = "nat-0a1b2c3d4e5f60718" }
  }
  assert {
    condition = (aws_route.relay_default_to_nat[0].destination_cidr_block == "0.0.0.0/0" &&
    aws_route.relay_default_to_nat[0].nat_gateway_id == "nat-0a1b2c3d4e5f60718")
    error_message = "Mode nat routes the relay subnets' default route to the NAT gateway."
  }
  assert {
    condition     = length(aws_route_table.relay) == 1 && length(aws_route_table_association.relay) == 2
    error_message = "Mode nat gives the relay subnets a route table of the module's own."
  }
  assert {
    condition = (length(aws_vpc_endpoint.interface) == 0 && length(aws_vpc_endpoint.s3) == 0 && length(aws_subnet.endpoints) == 0 &&
    toset([for r in aws_vpc_security_group_egress_rule.host_https : r.cidr_ipv4]) == toset(["0.0.0.0/0"]))
    error_message = "Mode nat creates no endpoint and sends HTTPS to https_egress_cidrs."
  }
}

run "service_access_existing_creates_nothing" {
  command = plan
  variables {
    service_access       = { mode = "existing" }
    relay_route_table_id = "rtb-0f1e2d3c4b5a69788"
  }
  assert {
    condition = (length(aws_route_table.relay) == 0 && length(aws_route.relay_default_to_nat) == 0 &&
    length(aws_vpc_endpoint.interface) == 0 && length(aws_vpc_endpoint.s3) == 0 && length(aws_subnet.endpoints) == 0)
    error_message = "Mode existing creates no route table, route or endpoint."
  }
  assert {
    condition = (length(aws_route_table_association.relay) == 2 &&
    alltrue([for a in aws_route_table_association.relay : a.route_table_id == "rtb-0f1e2d3c4b5a69788"]))
    error_message = "Mode existing associates the relay subnets with relay_route_table_id."
  }
}

run "service_access_existing_main_route_table" {
  command = plan
  variables {
    service_access = { mode = "existing" }
  }
  assert {
    condition     = length(aws_route_table_association.relay) == 0 && output.relay_route_table_id == null
    error_message = "Mode existing without relay_route_table_id leaves the relay subnets on the VPC's main route table."
  }
}

run "service_access_mode_unknown_rejected" {
  command = plan
  variables {
    service_access = { mode = "proxy" }
  }
  expect_failures = [var.service_access]
}

run "service_access_endpoints_missing_an_az_rejected" {
  command = plan
  variables {
    service_access = { mode = "endpoints", endpoint_subnets = { "eu-west-2a" = "10.20.10.0/28" } }
  }
  expect_failures = [var.service_access]
}

run "service_access_endpoint_subnets_without_mode_endpoints_rejected" {
  command = plan
  variables {
    service_access = {
      mode             = "nat"
      nat_gateway_id   = "nat-0a1b2c3d4e5f60718"
      endpoint_subnets = { "eu-west-2a" = "10.20.10.0/28", "eu-west-2b" = "10.20.10.16/28" }
    }
  }
  expect_failures = [var.service_access]
}

run "service_access_endpoint_subnet_smaller_than_28_rejected" {
  command = plan
  variables {
    service_access = { mode = "endpoints", endpoint_subnets = { "eu-west-2a" = "10.20.10.0/28", "eu-west-2b" = "10.20.10.16/29" } }
  }
  expect_failures = [var.service_access]
}

run "service_access_endpoint_subnet_reuses_a_relay_subnet_rejected" {
  command = plan
  variables {
    service_access = { mode = "endpoints", endpoint_subnets = { "eu-west-2a" = "10.20.10.0/28", "eu-west-2b" = "10.20.8.16/28" } }
  }
  expect_failures = [var.service_access]
}

run "service_access_nat_without_gateway_rejected" {
  command = plan
  variables {
    service_access = { mode = "nat" }
  }
  expect_failures = [var.service_access]
}

run "service_access_nat_gateway_id_malformed_rejected" {
  command = plan
  variables {
    service_access = { mode = "nat", nat_gateway_id = "igw-0a1b2c3d4e5f60718" }
  }
  expect_failures = [var.service_access]
}

run "service_access_relay_route_table_only_with_existing" {
  command = plan
  variables {
    relay_route_table_id = "rtb-0f1e2d3c4b5a69788"
  }
  expect_failures = [var.service_access]
}

run "service_access_endpoints_need_vpc_dns" {
  command = plan
  override_data {
    target = data.aws_vpc.this
    values = {
      cidr_block              = "10.20.0.0/16"
      enable_dns_support      = true
      enable_dns_hostnames    = false
      cidr_block_associations = [{ association_id = "vpc-cidr-assoc-0a1b2c3d4e5f60718", cidr_block = "10.20.0.0/16", state = "associated" }]
    }
  }
  expect_failures = [data.aws_vpc.this]
}

run "service_access_nat_does_not_need_vpc_dns_hostnames" {
  command = plan
  variables {
    service_access = { mode = "nat", nat_gateway_id = "nat-0a1b2c3d4e5f60718" }
  }
  override_data {
    target = data.aws_vpc.this
    values = {
      cidr_block              = "10.20.0.0/16"
      enable_dns_support      = true
      enable_dns_hostnames    = false
      cidr_block_associations = [{ association_id = "vpc-cidr-assoc-0a1b2c3d4e5f60718", cidr_block = "10.20.0.0/16", state = "associated" }]
    }
  }
}

# --- subnets inside the VPC, and big enough -------------------------------------------------------

run "subnets_in_a_secondary_vpc_block_accepted" {
  command = plan
  variables {
    relay_subnets = { "eu-west-2a" = "10.30.8.0/28", "eu-west-2b" = "10.30.8.16/28" }
  }
}

run "relay_subnet_outside_the_vpc_rejected" {
  command = plan
  variables {
    relay_subnets = { "eu-west-2a" = "10.20.8.0/28", "eu-west-2b" = "10.99.8.16/28" }
  }
  expect_failures = [aws_subnet.relay]
}

run "nlb_subnet_outside_the_vpc_rejected" {
  command = plan
  variables {
    nlb_subnets = { "eu-west-2a" = "172.16.9.0/28", "eu-west-2b" = "10.20.9.16/28" }
  }
  expect_failures = [aws_subnet.nlb]
}

run "endpoint_subnet_outside_the_vpc_rejected" {
  command = plan
  variables {
    service_access = { mode = "endpoints", endpoint_subnets = { "eu-west-2a" = "10.20.10.0/28", "eu-west-2b" = "192.168.10.16/28" } }
  }
  expect_failures = [aws_subnet.endpoints]
}

run "relay_subnets_too_small_for_the_hosts_rejected" {
  command = plan
  variables {
    # 10 + 5 + 1 hosts over 2 AZs: 8 a subnet, 17 addresses with the attachment; a /28 has 11.
    relay_count     = 10
    spare_instances = 5
  }
  expect_failures = [var.relay_subnets]
}

run "relay_subnets_sized_for_the_hosts_accepted" {
  command = plan
  variables {
    relay_count     = 10
    spare_instances = 5
    relay_subnets   = { "eu-west-2a" = "10.20.8.0/27", "eu-west-2b" = "10.20.8.32/27" }
  }
}

# --- hosts that ECS drains, a service the apply waits for -----------------------------------------

run "capacity_provider_drains_and_protects_the_hosts" {
  command = plan
  assert {
    condition = (one(aws_ecs_capacity_provider.host.auto_scaling_group_provider).managed_termination_protection == "ENABLED" &&
      one(aws_ecs_capacity_provider.host.auto_scaling_group_provider).managed_draining == "ENABLED" &&
    one(one(aws_ecs_capacity_provider.host.auto_scaling_group_provider).managed_scaling).status == "ENABLED")
    error_message = "The capacity provider drains a host's task before the host goes and protects hosts that run one."
  }
  assert {
    condition = (aws_autoscaling_group.host.protect_from_scale_in &&
      contains(aws_autoscaling_group.host.suspended_processes, "AZRebalance") &&
    anytrue([for t in aws_autoscaling_group.host.tag : t.key == "AmazonECSManaged" && t.propagate_at_launch]))
    error_message = "The hosts start protected from scale-in, managed by ECS, and are never terminated to rebalance the AZs."
  }
  assert {
    condition     = aws_autoscaling_group.host.min_size == 3 && aws_autoscaling_group.host.max_size == 4
    error_message = "The ASG keeps relay_count + spare_instances hosts and may add one for a deployment."
  }
  assert {
    condition = (aws_ecs_cluster_capacity_providers.this.capacity_providers == toset([aws_ecs_capacity_provider.host.name]) &&
    one(aws_ecs_service.relay.capacity_provider_strategy).capacity_provider == aws_ecs_capacity_provider.host.name)
    error_message = "The cluster and the service use the hosts' capacity provider."
  }
  assert {
    condition     = aws_ecs_service.relay.availability_zone_rebalancing == "DISABLED"
    error_message = "ECS must never move the running relay to rebalance the AZs."
  }
}

run "service_waits_for_steady_state_by_default" {
  command = plan
  assert {
    condition     = aws_ecs_service.relay.wait_for_steady_state
    error_message = "By default the apply waits for the service to be steady, so a service that cannot start fails the apply."
  }
}

run "service_need_not_wait" {
  command = plan
  variables {
    wait_for_steady_state = false
  }
  assert {
    condition     = !aws_ecs_service.relay.wait_for_steady_state
    error_message = "wait_for_steady_state = false lets the apply return at once."
  }
}

# --- network ACLs ---------------------------------------------------------------------------------

run "network_acls_off_by_default" {
  command = plan
  assert {
    condition     = length(aws_network_acl.this) == 0
    error_message = "Without manage_network_acls the module creates no NACL."
  }
}

run "network_acls_allow_exactly_the_relays_traffic" {
  command = plan
  variables {
    manage_network_acls = true
    probes              = { group = "239.255.0.100:6999" }
    recovery            = { enabled = true, customer_cidrs = ["10.30.0.0/16"] }
  }

  # relay subnets, inbound
  assert {
    condition = alltrue([for f in [6666, 6667] : anytrue([for r in aws_network_acl.this["relay"].ingress :
    r.action == "allow" && r.protocol == "tcp" && r.from_port == f && r.to_port == f && r.cidr_block == "192.0.2.0/26"])])
    error_message = "The relay subnets admit each feed port from the exchange."
  }
  assert {
    condition = alltrue([for port in [6666, 6667, 8080, 8081, 6800] : anytrue([for deny in aws_network_acl.this["relay"].ingress :
      deny.action == "deny" && deny.cidr_block == "0.0.0.0/0" && deny.from_port == port &&
      alltrue([for allow in aws_network_acl.this["relay"].ingress : allow.rule_no < deny.rule_no
    if allow.action == "allow" && allow.from_port == port])])])
    error_message = "Every listening port is denied to anyone else, after its allows and before the ephemeral range opens."
  }
  assert {
    condition = anytrue([for r in aws_network_acl.this["relay"].ingress : r.action == "allow" && r.from_port == 8080 && r.cidr_block == "10.20.9.0/28"]) && anytrue([for r in aws_network_acl.this["relay"].ingress :
    r.action == "allow" && r.from_port == 6800 && r.cidr_block == "10.30.0.0/16"])
    error_message = "Health checks come from the NLB subnets, the replay port from the customers."
  }
  assert {
    condition     = anytrue([for r in aws_network_acl.this["relay"].ingress : r.action == "allow" && r.protocol == "2" && r.cidr_block == "0.0.0.0/32"])
    error_message = "IGMP queries from 0.0.0.0 reach the relay subnets."
  }
  # relay subnets, outbound
  assert {
    condition = alltrue([for d in ["239.255.6.1/32", "239.255.6.2/32", "239.255.7.1/32", "239.255.7.2/32", "239.255.0.100/32"] :
    anytrue([for r in aws_network_acl.this["relay"].egress : r.action == "allow" && r.protocol == "udp" && r.cidr_block == d])])
    error_message = "Multicast leaves the relay subnets for every feed group and the probe group."
  }
  assert {
    condition = alltrue([for c in ["192.0.2.0/26", "10.20.9.0/28", "10.30.0.0/16"] : anytrue([for r in aws_network_acl.this["relay"].egress :
    r.action == "allow" && r.protocol == "tcp" && r.from_port == 1024 && r.to_port == 65535 && r.cidr_block == c])])
    error_message = "The answers of feed, health and replay connections leave the relay subnets."
  }
  assert {
    condition = (anytrue([for r in aws_network_acl.this["relay"].egress : r.protocol == "2" && r.cidr_block == "224.0.0.0/4"]) &&
    anytrue([for r in aws_network_acl.this["relay"].egress : r.protocol == "tcp" && r.from_port == 443]))
    error_message = "IGMP and HTTPS to AWS's APIs leave the relay subnets."
  }
  assert {
    condition     = length(aws_network_acl.this["relay"].ingress) <= 20 && length(aws_network_acl.this["relay"].egress) <= 20
    error_message = "The relay NACL stays within the default quota of 20 rules each way."
  }
  # NLB and endpoint subnets
  assert {
    condition = (anytrue([for r in aws_network_acl.this["nlb"].ingress : r.from_port == 6667 && r.cidr_block == "192.0.2.0/26" && r.action == "allow"]) &&
      anytrue([for r in aws_network_acl.this["nlb"].egress : r.from_port == 8080 && r.cidr_block == "10.20.8.16/28" && r.action == "allow"]) &&
    anytrue([for r in aws_network_acl.this["nlb"].egress : r.from_port == 1024 && r.to_port == 65535 && r.cidr_block == "192.0.2.0/26"]))
    error_message = "The NLB subnets admit the feeds from the exchange, send to the relay and answer the exchange."
  }
  assert {
    condition = (toset(keys(aws_network_acl.this)) == toset(["relay", "nlb", "endpoints"]) &&
      toset([for r in aws_network_acl.this["endpoints"].ingress : r.cidr_block if r.from_port == 443]) == toset(values(var.relay_subnets)) &&
    length(aws_network_acl.this["endpoints"].subnet_ids) == 2)
    error_message = "The endpoint subnets admit HTTPS from the relay subnets only."
  }
}

run "network_acl_over_the_rule_quota_rejected" {
  command = plan
  variables {
    manage_network_acls = true
    exchange_cidrs = ["192.0.2.0/28", "192.0.2.16/28", "192.0.2.32/28", "192.0.2.48/28", "198.51.100.0/28",
    "198.51.100.16/28", "198.51.100.32/28", "198.51.100.48/28", "203.0.113.0/28", "203.0.113.16/28"]
  }
  expect_failures = [aws_network_acl.this]
}
