# The relay module with its default feeds (test on 6666, prod on 6667, two groups each), applied
# against a mocked AWS provider: no account, no network. Each run asserts one of the facts the
# README lists, on the values the module would send to AWS.

mock_provider "aws" {
  source = "./tests/mocks"
}

# Distinct ARNs per feed, so that "each listener forwards to its own target group" and the alarms'
# TargetGroup dimensions can tell the feeds apart.
override_resource {
  target = aws_lb_target_group.feed["test"]
  values = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-2:111122223333:targetgroup/mcast-relay-6666/1a2b3c4d5e6f7a8b"
    arn_suffix = "targetgroup/mcast-relay-6666/1a2b3c4d5e6f7a8b"
  }
}

override_resource {
  target = aws_lb_target_group.feed["prod"]
  values = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-2:111122223333:targetgroup/mcast-relay-6667/9f8e7d6c5b4a3f2e"
    arn_suffix = "targetgroup/mcast-relay-6667/9f8e7d6c5b4a3f2e"
  }
}

variables {
  vpc_id         = "vpc-0a1b2c3d4e5f60718"
  service_access = { mode = "existing" }
  relay_subnets = {
    "eu-west-2a" = "10.20.8.0/28"
    "eu-west-2b" = "10.20.8.16/28"
  }
  nlb_subnets = {
    "eu-west-2a" = "10.20.9.0/28"
    "eu-west-2b" = "10.20.9.16/28"
    "eu-west-2c" = "10.20.9.32/28"
  }
  exchange_cidrs      = ["192.0.2.0/26", "198.51.100.16/28"]
  container_image     = "111122223333.dkr.ecr.eu-west-2.amazonaws.com/mcast-relay@sha256:0d5c3d2d1d0c4ea1a3c0cf8e2fd3f5b9cbb2b5dfa1b7f7a2a1b6b62e5c8e0a11"
  customer_principals = ["444455556666", "777788889999"]
  alarm_actions       = ["arn:aws:sns:eu-west-2:111122223333:market-data-oncall"]
}

run "nlb_listener_and_ip_target_group_per_feed" {
  # Applies the module against the mock; the runs below plan against the resulting state.
  command = apply

  assert {
    condition     = length(aws_lb_listener.feed) == 2 && length(aws_lb_target_group.feed) == 2
    error_message = "Expected one listener and one target group per feed."
  }
  assert {
    condition     = aws_lb_listener.feed["test"].port == 6666 && aws_lb_listener.feed["prod"].port == 6667
    error_message = "Listeners must be on the feeds' ports 6666 and 6667."
  }
  assert {
    condition     = length(aws_lb_listener.feed) > 0 && alltrue([for l in aws_lb_listener.feed : l.protocol == "TCP"])
    error_message = "Every listener must be TCP."
  }
  assert {
    condition = (aws_lb_listener.feed["test"].default_action[0].type == "forward" &&
      aws_lb_listener.feed["test"].default_action[0].target_group_arn == "arn:aws:elasticloadbalancing:eu-west-2:111122223333:targetgroup/mcast-relay-6666/1a2b3c4d5e6f7a8b" &&
      aws_lb_listener.feed["prod"].default_action[0].type == "forward" &&
    aws_lb_listener.feed["prod"].default_action[0].target_group_arn == "arn:aws:elasticloadbalancing:eu-west-2:111122223333:targetgroup/mcast-relay-6667/9f8e7d6c5b4a3f2e")
    error_message = "Each listener must forward to its own feed's target group."
  }
  assert {
    condition = length(aws_lb_target_group.feed) > 0 && alltrue([for k, tg in aws_lb_target_group.feed :
    tg.target_type == "ip" && tg.protocol == "TCP" && tg.port == aws_lb_listener.feed[k].port])
    error_message = "Target groups must be of type ip, TCP, on the feed's port."
  }
  assert {
    condition     = aws_lb.this.load_balancer_type == "network" && aws_lb.this.internal == true
    error_message = "The load balancer must be an internal NLB."
  }
  assert {
    condition     = length(aws_lb.this.subnets) == 3
    error_message = "The NLB must sit in every NLB subnet."
  }
}

run "health_check_every_field_explicit" {
  command = plan

  assert {
    condition = length(aws_lb_target_group.feed) > 0 && alltrue([for tg in aws_lb_target_group.feed :
      tg.health_check[0].enabled == true &&
      tg.health_check[0].protocol == "HTTP" &&
      tg.health_check[0].port == "8080" &&
      tg.health_check[0].path == "/readyz" &&
      tg.health_check[0].matcher == "200" &&
      tg.health_check[0].interval == 10 &&
      tg.health_check[0].timeout == 5 &&
      tg.health_check[0].healthy_threshold == 2 &&
      tg.health_check[0].unhealthy_threshold == 2
    ])
    error_message = "Each target group must check HTTP GET :8080/readyz for 200, interval 10, timeout 5, thresholds 2/2."
  }
}

run "client_address_preserved_fast_failover_cross_zone_idle_350" {
  command = plan

  assert {
    condition     = length(aws_lb_target_group.feed) > 0 && alltrue([for tg in aws_lb_target_group.feed : tg.preserve_client_ip == "true" && tg.proxy_protocol_v2 == false])
    error_message = "Target groups must preserve the client's address (the relay has no proxy protocol v2)."
  }
  assert {
    condition     = length(aws_lb_target_group.feed) > 0 && alltrue([for tg in aws_lb_target_group.feed : tg.deregistration_delay == "10" && tg.connection_termination == true])
    error_message = "Target groups must terminate connections after a 10 s deregistration delay."
  }
  assert {
    condition     = length(aws_lb_target_group.feed) > 0 && alltrue([for tg in aws_lb_target_group.feed : tg.target_health_state[0].enable_unhealthy_connection_termination == true])
    error_message = "Connections to an unhealthy target must be closed so the exchange reconnects to a healthy one."
  }
  assert {
    condition     = aws_lb.this.enable_cross_zone_load_balancing == true
    error_message = "Cross-zone load balancing must be on."
  }
  assert {
    condition     = length(aws_lb_listener.feed) > 0 && alltrue([for l in aws_lb_listener.feed : l.tcp_idle_timeout_seconds == 350])
    error_message = "The listeners' TCP idle timeout must be 350 s."
  }
}

run "transit_gateway_multicast_igmpv2_no_static_sources" {
  command = plan

  assert {
    condition     = aws_ec2_transit_gateway.this.multicast_support == "enable"
    error_message = "The Transit Gateway must be created with multicast support."
  }
  assert {
    condition     = aws_ec2_transit_gateway_multicast_domain.this.igmpv2_support == "enable"
    error_message = "The multicast domain must have IGMPv2 support on."
  }
  assert {
    condition     = aws_ec2_transit_gateway_multicast_domain.this.static_sources_support == "disable"
    error_message = "The multicast domain must have static sources off."
  }
  assert {
    condition     = aws_ec2_transit_gateway_multicast_domain.this.transit_gateway_id == aws_ec2_transit_gateway.this.id
    error_message = "The domain must belong to the module's Transit Gateway."
  }
  assert {
    condition = (length(aws_ec2_transit_gateway_multicast_domain_association.relay) == 2 &&
      alltrue([for az, a in aws_ec2_transit_gateway_multicast_domain_association.relay :
        a.subnet_id == aws_subnet.relay[az].id &&
    a.transit_gateway_attachment_id == aws_ec2_transit_gateway_vpc_attachment.relay.id]))
    error_message = "Every relay subnet must be associated with the domain through the relay's attachment."
  }
  assert {
    condition     = toset(aws_ec2_transit_gateway_vpc_attachment.relay.subnet_ids) == toset([for s in aws_subnet.relay : s.id])
    error_message = "The relay's attachment must use exactly the relay subnets."
  }
}

run "shared_by_ram_auto_accept_no_default_route_tables" {
  command = plan

  assert {
    condition     = aws_ram_resource_share.this.allow_external_principals == true
    error_message = "The share must allow external principals (customers outside the organization)."
  }
  assert {
    condition = (aws_ram_resource_association.transit_gateway.resource_arn == aws_ec2_transit_gateway.this.arn &&
    aws_ram_resource_association.multicast_domain.resource_arn == aws_ec2_transit_gateway_multicast_domain.this.arn)
    error_message = "Both the Transit Gateway and the multicast domain must be in the share."
  }
  assert {
    condition     = toset([for p in aws_ram_principal_association.customer : p.principal]) == toset(["444455556666", "777788889999"])
    error_message = "The share's principals must be exactly customer_principals."
  }
  assert {
    condition = (aws_ec2_transit_gateway.this.auto_accept_shared_attachments == "enable" &&
    aws_ec2_transit_gateway_multicast_domain.this.auto_accept_shared_associations == "enable")
    error_message = "Shared attachments and shared associations must be auto-accepted."
  }
  assert {
    condition = (aws_ec2_transit_gateway.this.default_route_table_association == "disable" &&
    aws_ec2_transit_gateway.this.default_route_table_propagation == "disable")
    error_message = "Default route table association and propagation must be off so that customers cannot reach each other."
  }
}

run "ecs_on_ec2_awsvpc_never_fargate" {
  command = plan

  assert {
    condition = (length(aws_ecs_service.relay.capacity_provider_strategy) == 1 &&
      one(aws_ecs_service.relay.capacity_provider_strategy).capacity_provider == aws_ecs_capacity_provider.host.name &&
    one(aws_ecs_capacity_provider.host.auto_scaling_group_provider).auto_scaling_group_arn == aws_autoscaling_group.host.arn)
    error_message = "The service must run on the EC2 hosts of the module's Auto Scaling group, through its capacity provider."
  }
  assert {
    condition     = aws_ecs_task_definition.relay.requires_compatibilities == toset(["EC2"])
    error_message = "The task definition must require EC2 and only EC2."
  }
  assert {
    condition     = aws_ecs_task_definition.relay.network_mode == "awsvpc"
    error_message = "Tasks must use awsvpc networking."
  }
  assert {
    condition = (aws_ecs_service.relay.network_configuration[0].subnets == toset([for s in aws_subnet.relay : s.id]) &&
      aws_ecs_service.relay.network_configuration[0].security_groups == toset([aws_security_group.task.id]) &&
    aws_ecs_service.relay.network_configuration[0].assign_public_ip == false)
    error_message = "Task ENIs must be in the relay subnets with the task security group and no public address."
  }
  assert {
    condition = toset([for lb in aws_ecs_service.relay.load_balancer : "${lb.container_name}:${lb.container_port}->${lb.target_group_arn}"]) == toset([
      "relay:6666->arn:aws:elasticloadbalancing:eu-west-2:111122223333:targetgroup/mcast-relay-6666/1a2b3c4d5e6f7a8b",
      "relay:6667->arn:aws:elasticloadbalancing:eu-west-2:111122223333:targetgroup/mcast-relay-6667/9f8e7d6c5b4a3f2e",
    ])
    error_message = "The service must register the relay container's feed ports in the feeds' target groups."
  }
  assert {
    condition     = one([for c in aws_ecs_service.relay.placement_constraints : c.type]) == "distinctInstance"
    error_message = "One relay per host."
  }
  assert {
    condition     = aws_autoscaling_group.host.desired_capacity == 3 && aws_ecs_service.relay.desired_count == 2
    error_message = "Two relays on three hosts (one spare) by default."
  }
}

run "task_shared_memory_ulimits_stop_timeout_logs" {
  command = plan

  assert {
    # 2 feeds x 3 terms x 8 MiB + 64 MiB
    condition     = jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].linuxParameters.sharedMemorySize == 112
    error_message = "sharedMemorySize must be feeds x 3 x term length + 64 MiB = 112."
  }
  assert {
    condition     = output.shared_memory_size_mib == 112
    error_message = "The shared_memory_size_mib output must match."
  }
  assert {
    condition     = contains(jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].ulimits, { name = "nofile", softLimit = 65536, hardLimit = 65536 })
    error_message = "The container must raise the nofile ulimit."
  }
  assert {
    # drain-timeout 5 s + 10 s
    condition     = jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].stopTimeout == 15
    error_message = "stopTimeout must exceed the relay's drain timeout (5 s) by 10 s."
  }
  assert {
    condition = (jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].logConfiguration.logDriver == "awslogs" &&
      jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].logConfiguration.options["awslogs-group"] == aws_cloudwatch_log_group.relay.name &&
    jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].logConfiguration.options["awslogs-region"] == "eu-west-2")
    error_message = "Logs must go to the module's CloudWatch Logs group through awslogs."
  }
  assert {
    condition = (jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].image == var.container_image &&
    jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].essential == true)
    error_message = "The container must run the given image, as the task's essential container."
  }
  assert {
    condition = (toset([for p in jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].portMappings : p.containerPort]) == toset([6666, 6667, 8080]) &&
    alltrue([for p in jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].portMappings : p.protocol == "tcp"]))
    error_message = "The container must map the feed ports and the health port, TCP."
  }
}

run "relay_environment_from_variables" {
  command = plan

  assert {
    condition = {
      for e in jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].environment : e.name => e.value
      if startswith(e.name, "RELAY_FEEDS_0_")
      } == {
      RELAY_FEEDS_0_NAME              = "test"
      RELAY_FEEDS_0_PORT              = "6666"
      RELAY_FEEDS_0_FRAMING           = "relay-v1"
      RELAY_FEEDS_0_MAX_PAYLOAD       = "8472B"
      RELAY_FEEDS_0_MAX_CONNECTIONS   = "4"
      RELAY_FEEDS_0_DESTINATIONS_0    = "239.255.6.1:6200"
      RELAY_FEEDS_0_DESTINATIONS_1    = "239.255.6.2:6201"
      RELAY_FEEDS_0_ALLOWED_SOURCES_0 = "192.0.2.0/26"
      RELAY_FEEDS_0_ALLOWED_SOURCES_1 = "198.51.100.16/28"
    }
    error_message = "Feed 0's environment must map the feeds variable one to one."
  }
  assert {
    condition = {
      for e in jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].environment : e.name => e.value
      if !startswith(e.name, "RELAY_FEEDS_")
      } == {
      RELAY_EGRESS_NETWORK_INTERFACE              = "eth0"
      RELAY_EGRESS_LOOPBACK                       = "false"
      RELAY_EGRESS_TTL                            = "16"
      RELAY_AERON_TERM_LENGTH                     = "8MB"
      SERVER_PORT                                 = "8080"
      MANAGEMENT_SERVER_PORT                      = "8081"
      RELAY_SHUTDOWN_DRAIN_TIMEOUT                = "5s"
      RELAY_SHUTDOWN_READINESS_GRACE              = "0s"
      LOGGING_STRUCTURED_FORMAT_CONSOLE           = "ecs"
      RELAY_METRICS_CLOUDWATCH_ENABLED            = "true"
      RELAY_METRICS_CLOUDWATCH_NAMESPACE          = "McastRelay"
      RELAY_METRICS_CLOUDWATCH_REGION             = "eu-west-2"
      RELAY_METRICS_CLOUDWATCH_STEP               = "1m"
      RELAY_METRICS_CLOUDWATCH_DIMENSIONS_SERVICE = "mcast-relay"
    }
    error_message = "The relay's egress, Aeron, HTTP, shutdown, logging and CloudWatch settings must be as documented."
  }
}

run "igmpv2_forced_on_hosts_before_ecs_agent" {
  command = plan

  assert {
    condition     = startswith(base64decode(aws_launch_template.host.user_data), "#cloud-boothook\n")
    error_message = "The user data must be a cloud-init boothook (runs before cloud-final, hence before the ECS agent)."
  }
  assert {
    condition = alltrue([for line in [
      "net.ipv4.conf.all.force_igmp_version = 2",
      "net.ipv4.conf.default.force_igmp_version = 2",
      "sysctl -w net.ipv4.conf.all.force_igmp_version=2",
      "sysctl -w net.ipv4.conf.default.force_igmp_version=2",
    ] : strcontains(base64decode(aws_launch_template.host.user_data), line)])
    error_message = "The user data must force IGMPv2 on all and default, now and across reboots."
  }
  assert {
    # The sysctls come before the ECS configuration that lets the agent join the cluster.
    condition = (
      length(split("ECS_CLUSTER=", base64decode(aws_launch_template.host.user_data))[0]) >
      length(split("sysctl -w net.ipv4.conf.all.force_igmp_version=2", base64decode(aws_launch_template.host.user_data))[0])
    )
    error_message = "IGMPv2 must be forced before the host is configured into the ECS cluster."
  }
  assert {
    condition     = strcontains(base64decode(aws_launch_template.host.user_data), "ECS_CLUSTER=mcast-relay\n")
    error_message = "The hosts must join the module's ECS cluster."
  }
  assert {
    condition = toset(jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].systemControls) == toset([
      { namespace = "net.ipv4.conf.all.force_igmp_version", value = "2" },
      { namespace = "net.ipv4.conf.default.force_igmp_version", value = "2" },
    ])
    error_message = "The task must force IGMPv2 in its own namespace as well."
  }
  assert {
    condition     = aws_launch_template.host.instance_type == "c6i.large" && aws_launch_template.host.image_id == "ami-0aaaaaaaaaaaaaaaa"
    error_message = "Hosts must use the Nitro instance type and the ECS-optimized AMI from SSM."
  }
  assert {
    condition     = data.aws_ssm_parameter.ecs_ami[0].name == "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
    error_message = "An x86_64 instance type must use the x86_64 ECS-optimized AL2023 AMI."
  }
  assert {
    condition     = aws_launch_template.host.metadata_options[0].http_tokens == "required"
    error_message = "Hosts must require IMDSv2."
  }
}

run "container_non_root_no_capabilities_read_only_root" {
  command = plan

  assert {
    condition     = jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].user == "10001:10001"
    error_message = "The relay must run as the image's user 10001, never root."
  }
  assert {
    condition = (jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].linuxParameters.capabilities.drop == ["ALL"] &&
    !can(jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].linuxParameters.capabilities.add))
    error_message = "Every capability must be dropped and none added."
  }
  assert {
    condition = (jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].privileged == false &&
    jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].readonlyRootFilesystem == true)
    error_message = "The container must not be privileged, and its root filesystem must be read-only."
  }
  assert {
    condition = contains(jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].linuxParameters.tmpfs,
    { containerPath = "/tmp", size = 64, mountOptions = ["rw", "exec", "nosuid", "nodev"] })
    error_message = "/tmp must be a writable tmpfs that allows exec (Netty's native library is unpacked there)."
  }
}

run "proxy_protocol_v2_off_by_default" {
  command = plan

  assert {
    condition = length([for e in jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].environment :
    e if startswith(e.name, "RELAY_FEEDS_") && strcontains(e.name, "_PROXY_")]) == 0
    error_message = "Without proxy_protocol_v2 the relay must not expect a PROXY header."
  }
}

run "proxy_protocol_v2_header_from_the_nlb_subnets_only" {
  command = plan

  variables {
    proxy_protocol_v2 = true
  }

  assert {
    condition     = length(aws_lb_target_group.feed) > 0 && alltrue([for tg in aws_lb_target_group.feed : tg.proxy_protocol_v2 == true && tg.preserve_client_ip == "false"])
    error_message = "With proxy_protocol_v2 every target group must send the header instead of preserving the client address."
  }
  assert {
    condition = alltrue([for i in [0, 1] : contains(jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].environment,
      { name = "RELAY_FEEDS_${i}_PROXY_PROTOCOL", value = "true" }) &&
      contains(jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].environment,
      { name = "RELAY_FEEDS_${i}_PROXY_SOURCES_0", value = "10.20.9.0/28" }) &&
      contains(jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].environment,
    { name = "RELAY_FEEDS_${i}_PROXY_SOURCES_2", value = "10.20.9.32/28" })])
    error_message = "Each feed must require the PROXY header, from the NLB subnets."
  }
  assert {
    condition = contains(jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].environment,
    { name = "RELAY_FEEDS_0_ALLOWED_SOURCES_0", value = "192.0.2.0/26" })
    error_message = "The exchange's CIDRs must still be each feed's allowed sources (checked against the header)."
  }
  assert {
    condition = toset([for r in aws_vpc_security_group_ingress_rule.task_feed : "${r.ip_protocol}/${r.from_port}-${r.to_port}/${r.cidr_ipv4}"]) == toset([
      "tcp/6666-6666/10.20.9.0/28", "tcp/6666-6666/10.20.9.16/28", "tcp/6666-6666/10.20.9.32/28",
      "tcp/6667-6667/10.20.9.0/28", "tcp/6667-6667/10.20.9.16/28", "tcp/6667-6667/10.20.9.32/28",
    ])
    error_message = "With proxy_protocol_v2 the task feed ports must be open to the NLB subnets only."
  }
  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.nlb_feed : r.cidr_ipv4]) == toset(["192.0.2.0/26", "198.51.100.16/28"])
    error_message = "The NLB must still accept the feed ports from the exchange's CIDRs only."
  }
}

run "security_groups_feeds_from_exchange_health_from_nlb_subnets" {
  command = plan

  assert {
    condition = toset([for r in aws_vpc_security_group_ingress_rule.task_feed : "${r.ip_protocol}/${r.from_port}-${r.to_port}/${r.cidr_ipv4}"]) == toset([
      "tcp/6666-6666/192.0.2.0/26", "tcp/6666-6666/198.51.100.16/28",
      "tcp/6667-6667/192.0.2.0/26", "tcp/6667-6667/198.51.100.16/28",
    ])
    error_message = "Task feed ports must be open to the exchange's CIDRs and nothing else."
  }
  assert {
    condition = toset([for r in aws_vpc_security_group_ingress_rule.task_health : "${r.ip_protocol}/${r.from_port}-${r.to_port}/${r.cidr_ipv4}"]) == toset([
      "tcp/8080-8080/10.20.9.0/28", "tcp/8080-8080/10.20.9.16/28", "tcp/8080-8080/10.20.9.32/28",
    ])
    error_message = "The health port must be open to the NLB subnets only."
  }
  assert {
    condition = toset([for r in aws_vpc_security_group_ingress_rule.nlb_feed : "${r.ip_protocol}/${r.from_port}/${r.cidr_ipv4}"]) == toset([
      "tcp/6666/192.0.2.0/26", "tcp/6666/198.51.100.16/28", "tcp/6667/192.0.2.0/26", "tcp/6667/198.51.100.16/28",
    ])
    error_message = "The NLB must accept the feed ports from the exchange's CIDRs only."
  }
  assert {
    condition = toset([for r in aws_vpc_security_group_egress_rule.task_multicast : "${r.ip_protocol}/${r.from_port}-${r.to_port}/${r.cidr_ipv4}"]) == toset([
      "udp/6200-6200/239.255.6.1/32", "udp/6201-6201/239.255.6.2/32",
      "udp/6100-6100/239.255.7.1/32", "udp/6101-6101/239.255.7.2/32",
    ])
    error_message = "UDP may leave only to each destination's group and port."
  }
  assert {
    condition = (aws_vpc_security_group_ingress_rule.task_igmp_query.ip_protocol == "2" &&
      aws_vpc_security_group_ingress_rule.task_igmp_query.cidr_ipv4 == "0.0.0.0/32" &&
      aws_vpc_security_group_egress_rule.task_igmp_leave.ip_protocol == "2" &&
      aws_vpc_security_group_egress_rule.task_igmp_leave.cidr_ipv4 == "224.0.0.2/32" &&
    toset([for r in aws_vpc_security_group_egress_rule.task_igmp_report : r.cidr_ipv4]) == toset(["239.255.6.1/32", "239.255.6.2/32", "239.255.7.1/32", "239.255.7.2/32"]))
    error_message = "IGMP rules must be as AWS documents them: queries in from 0.0.0.0/32, leave to 224.0.0.2/32, reports to the groups."
  }
  assert {
    condition     = length([for r in aws_vpc_security_group_ingress_rule.task_feed : r if r.cidr_ipv4 == "0.0.0.0/0"]) == 0
    error_message = "No feed port may be open to the world."
  }
}

run "dedicated_relay_subnets_published_as_source_range" {
  command = plan

  assert {
    condition     = output.source_cidrs == ["10.20.8.0/28", "10.20.8.16/28"]
    error_message = "source_cidrs must be the relay subnets' CIDRs."
  }
  assert {
    condition     = length(aws_subnet.relay) > 0 && alltrue([for az, s in aws_subnet.relay : s.cidr_block == var.relay_subnets[az] && s.availability_zone == az && s.map_public_ip_on_launch == false])
    error_message = "The relay subnets must be created as given, private."
  }
  assert {
    condition     = toset(aws_autoscaling_group.host.vpc_zone_identifier) == toset([for s in aws_subnet.relay : s.id])
    error_message = "The ECS hosts must live in the relay subnets."
  }
  assert {
    condition = (output.customer_handoff.multicast_domain_id == "tgw-mcast-domain-000fb24d04EXAMPLE" &&
      output.customer_handoff.transit_gateway_id == "tgw-0262a0e521EXAMPLE" &&
      startswith(output.resource_share_arn, "arn:aws:ram:") &&
    output.nlb_dns_name == "mcast-relay-50dc6c495c0c9188.elb.eu-west-2.amazonaws.com")
    error_message = "The outputs must carry the domain, Transit Gateway, share and NLB."
  }
  assert {
    condition     = output.feed_ports == { test = 6666, prod = 6667 }
    error_message = "feed_ports must map feed names to ports."
  }
}

run "task_role_puts_metrics_in_its_namespace_only" {
  command = plan

  assert {
    condition = jsondecode(aws_iam_role_policy.task.policy).Statement == [{
      Sid       = "PutRelayMetrics"
      Effect    = "Allow"
      Action    = "cloudwatch:PutMetricData"
      Resource  = "*"
      Condition = { StringEquals = { "cloudwatch:namespace" = "McastRelay" } }
    }]
    error_message = "The task role may only put metrics, in the relay's namespace."
  }
}

run "alarms_unhealthy_hosts_per_target_group" {
  command = plan

  assert {
    condition = length(aws_cloudwatch_metric_alarm.unhealthy_hosts) > 0 && alltrue([for k, a in aws_cloudwatch_metric_alarm.unhealthy_hosts :
      a.namespace == "AWS/NetworkELB" && a.metric_name == "UnHealthyHostCount" &&
      a.dimensions == tomap({ TargetGroup = aws_lb_target_group.feed[k].arn_suffix, LoadBalancer = "net/mcast-relay/50dc6c495c0c9188" }) &&
    a.comparison_operator == "GreaterThanThreshold" && a.threshold == 0])
    error_message = "Each feed's target group must have an UnHealthyHostCount > 0 alarm."
  }
  assert {
    condition = length(aws_cloudwatch_metric_alarm.no_healthy_hosts) > 0 && alltrue([for k, a in aws_cloudwatch_metric_alarm.no_healthy_hosts :
    a.metric_name == "HealthyHostCount" && a.threshold == 1 && a.comparison_operator == "LessThanThreshold" && a.treat_missing_data == "breaching"])
    error_message = "Each feed must alarm when no target is healthy."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.unhealthy_hosts["test"].dimensions["TargetGroup"] == "targetgroup/mcast-relay-6666/1a2b3c4d5e6f7a8b"
    error_message = "Feed test's alarm must watch feed test's target group."
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.unhealthy_hosts) > 0 && alltrue([for a in aws_cloudwatch_metric_alarm.unhealthy_hosts : a.alarm_actions == toset(var.alarm_actions)])
    error_message = "Alarms must notify alarm_actions."
  }
}

run "alarms_tcp_flows_missing_per_feed" {
  command = plan

  assert {
    condition = (length(aws_cloudwatch_metric_alarm.no_sender) == 2 && alltrue([for k, a in aws_cloudwatch_metric_alarm.no_sender :
      a.namespace == "McastRelay" && a.metric_name == "relay.ingress.connections.current.value" &&
      a.dimensions == tomap({ feed = k, service = "mcast-relay" }) && a.statistic == "Maximum" &&
    a.comparison_operator == "LessThanThreshold" && a.threshold == 1 && a.treat_missing_data == "breaching"]))
    error_message = "Each feed must alarm when the relay counts no exchange connection (missing data breaching)."
  }
  assert {
    condition = (aws_cloudwatch_metric_alarm.nlb_tcp_flows.namespace == "AWS/NetworkELB" &&
      aws_cloudwatch_metric_alarm.nlb_tcp_flows.metric_name == "ActiveFlowCount_TCP" &&
      aws_cloudwatch_metric_alarm.nlb_tcp_flows.dimensions == tomap({ LoadBalancer = aws_lb.this.arn_suffix }) &&
      aws_cloudwatch_metric_alarm.nlb_tcp_flows.threshold == 2 &&
    aws_cloudwatch_metric_alarm.nlb_tcp_flows.treat_missing_data == "breaching")
    error_message = "The NLB must alarm when it carries fewer TCP flows than there are feeds."
  }
}

run "alarms_datagrams_zero_per_destination_missing_is_breaching" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.no_datagrams) == 4
    error_message = "One no-datagrams alarm per feed and destination (2 x 2)."
  }
  assert {
    condition = length(aws_cloudwatch_metric_alarm.no_datagrams) > 0 && alltrue([for a in aws_cloudwatch_metric_alarm.no_datagrams :
      a.namespace == "McastRelay" && a.metric_name == "relay.egress.datagrams.count" && a.statistic == "Sum" &&
      a.period == 60 && a.evaluation_periods == 5 && a.datapoints_to_alarm == 5 &&
    a.comparison_operator == "LessThanOrEqualToThreshold" && a.threshold == 0 && a.treat_missing_data == "breaching"])
    error_message = "Datagrams out at zero (Sum <= 0) for 5 one-minute periods must alarm, missing data breaching."
  }
  assert {
    condition = toset([for a in aws_cloudwatch_metric_alarm.no_datagrams : a.dimensions]) == toset([
      tomap({ feed = "test", group = "239.255.6.1", port = "6200", service = "mcast-relay" }),
      tomap({ feed = "test", group = "239.255.6.2", port = "6201", service = "mcast-relay" }),
      tomap({ feed = "prod", group = "239.255.7.1", port = "6100", service = "mcast-relay" }),
      tomap({ feed = "prod", group = "239.255.7.2", port = "6101", service = "mcast-relay" }),
    ])
    error_message = "Each alarm must name the metric's exact dimensions: feed, group, port, service."
  }
}

run "alarms_protocol_errors_and_sequence_gaps" {
  command = plan

  assert {
    condition = length(aws_cloudwatch_metric_alarm.protocol_errors) > 0 && alltrue([for k, a in aws_cloudwatch_metric_alarm.protocol_errors :
      length(a.metric_query) == 9 &&
      one([for q in a.metric_query : q.expression if q.return_data == true]) == "SUM([m0, m1, m2, m3, m4, m5, m6, m7])" &&
      toset([for q in a.metric_query : q.metric[0].dimensions.reason if length(q.metric) > 0]) == toset([
        "bad-length", "unknown-type", "reserved-type", "non-zero-flags", "non-zero-reserved",
        "group-not-multicast", "port-zero", "payload-too-large",
      ]) &&
      alltrue([for q in a.metric_query : q.metric[0].metric_name == "relay.ingress.protocol.errors.count" &&
      q.metric[0].dimensions.feed == k && q.metric[0].dimensions.service == "mcast-relay" if length(q.metric) > 0]) &&
      a.comparison_operator == "GreaterThanThreshold" && a.threshold == 0
    ])
    error_message = "Each feed must alarm on any protocol error: metric math over every reason's metric, no SEARCH."
  }
  assert {
    condition = length(aws_cloudwatch_metric_alarm.protocol_errors) > 0 && alltrue([for k, a in aws_cloudwatch_metric_alarm.protocol_errors :
    !anytrue([for q in a.metric_query : strcontains(coalesce(q.expression, "-"), "SEARCH")])])
    error_message = "Alarms cannot use SEARCH."
  }
  assert {
    condition = length(aws_cloudwatch_metric_alarm.sequence_gaps) > 0 && alltrue([for k, a in aws_cloudwatch_metric_alarm.sequence_gaps :
      a.metric_name == "relay.ingress.sequence.gaps.count" && a.dimensions == tomap({ feed = k, service = "mcast-relay" }) &&
    a.statistic == "Sum" && a.comparison_operator == "GreaterThanThreshold" && a.threshold == 0])
    error_message = "Each feed must alarm on sequence gaps."
  }
}

run "recovery_off_by_default" {
  command = plan

  assert {
    condition     = length([for e in jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].environment : e if startswith(e.name, "RELAY_RECOVERY_")]) == 0
    error_message = "Without recovery the task must set no relay.recovery.* variable."
  }
  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.task_replay) == 0 && length(aws_cloudwatch_metric_alarm.recording_broken) == 0
    error_message = "Without recovery there is no replay port rule and no recording alarm."
  }
}

run "recovery_archive_on_the_host_replay_port_from_customers_only" {
  command = plan

  variables {
    recovery = {
      enabled        = true
      customer_cidrs = ["10.30.0.0/16", "10.31.0.0/16"]
    }
  }

  assert {
    condition = {
      for e in jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].environment : e.name => e.value
      if startswith(e.name, "RELAY_RECOVERY_")
      } == {
      RELAY_RECOVERY_ENABLED           = "true"
      RELAY_RECOVERY_ARCHIVE_DIRECTORY = "/var/lib/mcast-relay/archive"
      RELAY_RECOVERY_PORT              = "6800"
      RELAY_RECOVERY_MAX_AGE           = "15m"
      RELAY_RECOVERY_MAX_BYTES         = "4GB"
      RELAY_RECOVERY_ALLOWED_SOURCES_0 = "10.30.0.0/16"
      RELAY_RECOVERY_ALLOWED_SOURCES_1 = "10.31.0.0/16"
    }
    error_message = "relay.recovery.* must follow the recovery variable, allowed sources being the customers' CIDRs."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].mountPoints == [{ sourceVolume = "archive", containerPath = "/var/lib/mcast-relay/archive", readOnly = false }]
    error_message = "The archive must be mounted writable at the configured path."
  }
  assert {
    condition     = one([for v in aws_ecs_task_definition.relay.volume : v.host_path if v.name == "archive"]) == "/var/lib/mcast-relay/archive"
    error_message = "The archive volume must be the host directory, so it outlives the task."
  }
  assert {
    condition     = contains([for p in jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].portMappings : p.containerPort], 6800)
    error_message = "The replay port must be a port mapping of the task."
  }
  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.task_replay : "${r.cidr_ipv4}:${r.from_port}-${r.to_port}"]) == toset(["10.30.0.0/16:6800-6800", "10.31.0.0/16:6800-6800"])
    error_message = "The replay port must be open to the customers' CIDRs and nothing else."
  }
  assert {
    condition     = strcontains(base64decode(aws_launch_template.host.user_data), "chown 10001:10001 /var/lib/mcast-relay/archive")
    error_message = "The host must create the archive directory for the relay's user before the first task."
  }
  assert {
    condition     = one(aws_launch_template.host.block_device_mappings[0].ebs).volume_size == 50
    error_message = "The host's root volume must grow by archive_volume_gib (20) with recovery on."
  }
  assert {
    condition     = toset([for a in aws_cloudwatch_metric_alarm.recording_broken : "${a.metric_name}:${a.dimensions.feed}:${a.threshold}:${a.treat_missing_data}"]) == toset(["relay.recovery.recording.value:test:2:breaching", "relay.recovery.recording.value:prod:2:breaching"])
    error_message = "Each feed must have an alarm on its recording, below the relay count, missing data breaching."
  }
}

run "recovery_needs_customer_cidrs" {
  command = plan

  variables {
    recovery = { enabled = true }
  }

  expect_failures = [var.recovery]
}

run "recovery_unicast_route_tables_keep_customers_apart" {
  command = apply

  variables {
    relay_route_table_id = "rtb-0a1b2c3d4e5f60718"
    recovery = {
      enabled        = true
      customer_cidrs = ["10.30.0.0/16", "10.31.0.0/16", "10.32.0.0/16"]
      customer_attachments = {
        alpha = { attachment_id = "tgw-attach-0aaaaaaaaaaaaaaa1", cidrs = ["10.30.0.0/16", "10.31.0.0/16"] }
        beta  = { attachment_id = "tgw-attach-0bbbbbbbbbbbbbbb2", cidrs = ["10.32.0.0/16"] }
      }
    }
  }

  assert {
    condition = (length(aws_ec2_transit_gateway_route_table.replay_relay) == 1 &&
      length(aws_ec2_transit_gateway_route_table.replay_customers) == 1 &&
      aws_ec2_transit_gateway_route_table.replay_relay[0].transit_gateway_id == aws_ec2_transit_gateway.this.id &&
    aws_ec2_transit_gateway_route_table.replay_customers[0].transit_gateway_id == aws_ec2_transit_gateway.this.id)
    error_message = "Recovery with customers attached needs a relay route table and a customers' route table on the Transit Gateway."
  }
  assert {
    condition = (length(aws_ec2_transit_gateway_route_table_association.replay_relay) == 1 &&
      aws_ec2_transit_gateway_route_table_association.replay_relay[0].transit_gateway_attachment_id == aws_ec2_transit_gateway_vpc_attachment.relay.id &&
    aws_ec2_transit_gateway_route_table_association.replay_relay[0].transit_gateway_route_table_id == aws_ec2_transit_gateway_route_table.replay_relay[0].id)
    error_message = "The relay's attachment must be associated with the relay route table."
  }
  assert {
    condition = (length(aws_ec2_transit_gateway_route_table_association.replay_customer) == 2 &&
      { for k, a in aws_ec2_transit_gateway_route_table_association.replay_customer : k => a.transit_gateway_attachment_id } == { alpha = "tgw-attach-0aaaaaaaaaaaaaaa1", beta = "tgw-attach-0bbbbbbbbbbbbbbb2" } &&
    length(aws_ec2_transit_gateway_route_table_association.replay_customer) > 0 && alltrue([for a in aws_ec2_transit_gateway_route_table_association.replay_customer : a.transit_gateway_route_table_id == aws_ec2_transit_gateway_route_table.replay_customers[0].id]))
    error_message = "Every customer's attachment must be associated with the customers' route table."
  }
  assert {
    condition = (length(aws_ec2_transit_gateway_route.to_customer) == 3 &&
      toset([for r in aws_ec2_transit_gateway_route.to_customer : "${r.destination_cidr_block}>${r.transit_gateway_attachment_id}@${r.transit_gateway_route_table_id == aws_ec2_transit_gateway_route_table.replay_relay[0].id}"]) ==
    toset(["10.30.0.0/16>tgw-attach-0aaaaaaaaaaaaaaa1@true", "10.31.0.0/16>tgw-attach-0aaaaaaaaaaaaaaa1@true", "10.32.0.0/16>tgw-attach-0bbbbbbbbbbbbbbb2@true"]))
    error_message = "The relay route table must route each customer CIDR to that customer's attachment, and nothing else."
  }
  assert {
    condition = (length(aws_ec2_transit_gateway_route.to_relay) == 2 &&
      toset([for r in aws_ec2_transit_gateway_route.to_relay : "${r.destination_cidr_block}>${r.transit_gateway_attachment_id == aws_ec2_transit_gateway_vpc_attachment.relay.id}@${r.transit_gateway_route_table_id == aws_ec2_transit_gateway_route_table.replay_customers[0].id}"]) ==
    toset(["10.20.8.0/28>true@true", "10.20.8.16/28>true@true"]))
    error_message = "The customers' route table must route only the relay subnets, to the relay's attachment: customers never reach each other."
  }
  assert {
    condition = (length(aws_route.relay_to_customer) == 3 &&
      toset([for r in aws_route.relay_to_customer : "${r.route_table_id}:${r.destination_cidr_block}:${r.transit_gateway_id == aws_ec2_transit_gateway.this.id}"]) ==
    toset(["rtb-0a1b2c3d4e5f60718:10.30.0.0/16:true", "rtb-0a1b2c3d4e5f60718:10.31.0.0/16:true", "rtb-0a1b2c3d4e5f60718:10.32.0.0/16:true"]))
    error_message = "The relay subnets' route table must send each customer CIDR to the Transit Gateway."
  }
  assert {
    condition     = output.customer_handoff.replay_port == 6800
    error_message = "The handoff must tell customers the replay port."
  }
}

run "recovery_without_customer_attachments_creates_no_unicast_route" {
  command = plan

  variables {
    recovery = { enabled = true, customer_cidrs = ["10.30.0.0/16"] }
  }

  assert {
    condition = (length(aws_ec2_transit_gateway_route_table.replay_relay) + length(aws_ec2_transit_gateway_route_table.replay_customers) +
    length(aws_ec2_transit_gateway_route.to_customer) + length(aws_ec2_transit_gateway_route.to_relay) + length(aws_route.relay_to_customer)) == 0
    error_message = "No unicast path may exist before a customer's attachment is listed."
  }
  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.task_replay) == 1
    error_message = "The replay port rule still follows customer_cidrs."
  }
}

# One run per rule on recovery.customer_attachments, each breaking that rule alone.
run "recovery_customer_attachment_id_malformed" {
  command = plan
  variables {
    relay_route_table_id = "rtb-0a1b2c3d4e5f60718"
    recovery = {
      enabled              = true
      customer_cidrs       = ["10.30.0.0/16"]
      customer_attachments = { alpha = { attachment_id = "attach-1", cidrs = ["10.30.0.0/16"] } }
    }
  }
  expect_failures = [var.recovery]
}

run "recovery_customer_attachment_cidr_not_admitted" {
  command = plan
  variables {
    relay_route_table_id = "rtb-0a1b2c3d4e5f60718"
    recovery = {
      enabled              = true
      customer_cidrs       = ["10.30.0.0/16"]
      customer_attachments = { alpha = { attachment_id = "tgw-attach-0aaaaaaaaaaaaaaa1", cidrs = ["10.99.0.0/16"] } }
    }
  }
  expect_failures = [var.recovery]
}

run "recovery_customer_attachment_without_cidrs" {
  command = plan
  variables {
    relay_route_table_id = "rtb-0a1b2c3d4e5f60718"
    recovery = {
      enabled              = true
      customer_cidrs       = ["10.30.0.0/16"]
      customer_attachments = { alpha = { attachment_id = "tgw-attach-0aaaaaaaaaaaaaaa1", cidrs = [] } }
    }
  }
  expect_failures = [var.recovery]
}

run "recovery_customer_attachments_need_the_relay_route_table" {
  command = plan
  variables {
    recovery = {
      enabled              = true
      customer_cidrs       = ["10.30.0.0/16"]
      customer_attachments = { alpha = { attachment_id = "tgw-attach-0aaaaaaaaaaaaaaa1", cidrs = ["10.30.0.0/16"] } }
    }
  }
  expect_failures = [var.recovery]
}

run "probes_set_in_the_task_and_allowed_out" {
  command = plan

  variables {
    probes = { group = "239.255.0.100:6999", rate = 10 }
  }

  assert {
    condition = {
      for e in jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].environment : e.name => e.value
      if startswith(e.name, "RELAY_PROBES_")
    } == { RELAY_PROBES_GROUP = "239.255.0.100:6999", RELAY_PROBES_RATE = "10" }
    error_message = "relay.probes.* must follow the probes variable."
  }
  assert {
    condition     = length(aws_vpc_security_group_egress_rule.task_probes) == 1 && aws_vpc_security_group_egress_rule.task_probes[0].cidr_ipv4 == "239.255.0.100/32" && aws_vpc_security_group_egress_rule.task_probes[0].from_port == 6999 && aws_vpc_security_group_egress_rule.task_probes[0].ip_protocol == "udp"
    error_message = "The task's security group must let the probes out to their group and nothing else."
  }
}

run "probes_off_by_default_no_canary_alarms" {
  command = plan

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.task_probes) + length(aws_cloudwatch_metric_alarm.canary_path) + length(aws_cloudwatch_metric_alarm.slo_fast_burn) == 0
    error_message = "Without probes there is no probe rule and no canary alarm."
  }
  assert {
    condition     = length([for e in jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].environment : e if startswith(e.name, "RELAY_PROBES_")]) == 0
    error_message = "Without probes the task sets no relay.probes.* variable."
  }
}

run "tasks_below_desired_alarm" {
  command = plan

  assert {
    condition = (length(aws_cloudwatch_metric_alarm.tasks_below_desired) == 1 &&
      one([for q in aws_cloudwatch_metric_alarm.tasks_below_desired[0].metric_query : q.expression if q.return_data == true]) == "desired - running" &&
      toset([for q in aws_cloudwatch_metric_alarm.tasks_below_desired[0].metric_query : "${q.metric[0].namespace}:${q.metric[0].metric_name}" if length(q.metric) > 0]) == toset(["ECS/ContainerInsights:RunningTaskCount", "ECS/ContainerInsights:DesiredTaskCount"]) &&
    aws_cloudwatch_metric_alarm.tasks_below_desired[0].treat_missing_data == "breaching")
    error_message = "An alarm must fire when fewer tasks run than desired, missing data breaching."
  }
}

run "canary_path_and_slo_burn_alarms_per_feed" {
  command = plan

  variables {
    probes = { group = "239.255.0.100:6999" }
    canary = { enabled = true, slo_target = 0.99 }
  }

  assert {
    condition = (length(aws_cloudwatch_metric_alarm.canary_path) == 2 &&
      toset([for k, a in aws_cloudwatch_metric_alarm.canary_path : "${k}:${a.metric_name}:${a.dimensions.feed}:${a.dimensions.service}:${a.comparison_operator}:${a.threshold}:${a.treat_missing_data}"]) ==
    toset(["test:canary.feed.paths.up.value:test:mcast-canary:LessThanThreshold:2:breaching", "prod:canary.feed.paths.up.value:prod:mcast-canary:LessThanThreshold:2:breaching"]))
    error_message = "Each feed must alarm when the canary hears fewer relays than run."
  }
  assert {
    condition = (length(aws_cloudwatch_metric_alarm.slo_fast_burn) == 2 &&
    alltrue([for k, a in aws_cloudwatch_metric_alarm.slo_fast_burn : a.evaluation_periods == 60 && a.datapoints_to_alarm == 9 && one([for q in a.metric_query : q.expression if q.return_data == true]) == "IF(up < 1, 1, 0)"]))
    error_message = "Each feed must alarm on a fast SLO burn: at 99 % a month's budget is 432 minutes, 2 % of it 9 bad minutes in an hour."
  }
  assert {
    condition = (length(aws_cloudwatch_metric_alarm.canary_latency) == 2 &&
      toset([for k, a in aws_cloudwatch_metric_alarm.canary_latency : "${k}:${a.metric_name}:${a.dimensions.feed}:${a.dimensions.phi}:${a.comparison_operator}:${a.threshold}:${a.treat_missing_data}"]) ==
    toset(["test:canary.feed.latency.percentile.value:test:0.99:GreaterThanThreshold:5:notBreaching", "prod:canary.feed.latency.percentile.value:prod:0.99:GreaterThanThreshold:5:notBreaching"]))
    error_message = "Each feed must alarm when the p99 of its probes' one-way latency exceeds canary.latency_p99_ms (5 ms by default)."
  }
}

run "canary_latency_threshold_out_of_range" {
  command = plan
  variables {
    probes = { group = "239.255.0.100:6999" }
    canary = { enabled = true, latency_p99_ms = 0 }
  }
  expect_failures = [var.canary]
}

run "canary_needs_probes" {
  command = plan
  variables {
    canary = { enabled = true }
  }
  expect_failures = [var.canary]
}

run "canary_slo_target_out_of_range" {
  command = plan
  variables {
    probes = { group = "239.255.0.100:6999" }
    canary = { enabled = true, slo_target = 1 }
  }
  expect_failures = [var.canary]
}

run "probes_group_not_multicast" {
  command = plan
  variables {
    probes = { group = "10.0.0.1:6999" }
  }
  expect_failures = [var.probes]
}

run "probes_rate_out_of_range" {
  command = plan
  variables {
    probes = { group = "239.255.0.100:6999", rate = 0 }
  }
  expect_failures = [var.probes]
}
