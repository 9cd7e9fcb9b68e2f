# The relay module away from its defaults: remapped destinations, a length-prefixed feed, bigger
# Aeron terms, an arm64 (Graviton) host type, a pinned AMI, explicit route tables.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name           = "md-tokyo"
  vpc_id         = "vpc-0a1b2c3d4e5f60718"
  service_access = { mode = "existing" }
  relay_subnets = {
    "ap-northeast-1a" = "10.30.8.0/28"
    "ap-northeast-1c" = "10.30.8.16/28"
    "ap-northeast-1d" = "10.30.8.32/28"
  }
  nlb_subnets = {
    "ap-northeast-1a" = "10.30.9.0/28"
    "ap-northeast-1c" = "10.30.9.16/28"
    "ap-northeast-1d" = "10.30.9.32/28"
  }
  relay_route_table_id = "rtb-0a1b2c3d4e5f60718"
  nlb_route_table_id   = "rtb-0f1e2d3c4b5a69788"
  exchange_cidrs       = ["192.0.2.0/26"]
  container_image      = "111122223333.dkr.ecr.ap-northeast-1.amazonaws.com/mcast-relay:1.4.2"
  feeds = [
    {
      name = "options"
      port = 7000
      destinations = [
        { group = "239.192.10.1", port = 7100, exchange_group = "233.54.12.1", exchange_port = 17100 },
        { group = "239.192.10.2", port = 7101, exchange_group = "233.54.12.2" },
      ]
    },
    {
      name            = "index"
      port            = 7001
      framing         = "length-prefixed"
      max_connections = 2
      destinations    = [{ group = "239.192.11.1", port = 7200 }]
    },
    {
      name         = "futures"
      port         = 7002
      destinations = [{ group = "239.192.12.1", port = 7300 }]
    },
  ]
  max_payload_bytes     = 1472
  aeron_term_length_mib = 16
  egress_ttl            = 8
  drain_timeout_seconds = 20
  health_port           = 9090
  health_check = {
    interval_seconds    = 5
    timeout_seconds     = 3
    healthy_threshold   = 3
    unhealthy_threshold = 2
  }
  metrics_namespace = "Exchange/MarketData"
  instance_type     = "c7g.xlarge"
  ami_id            = "ami-0bbbbbbbbbbbbbbbb"
  task_memory_mib   = 4096
  relay_count       = 3
  spare_instances   = 0
  extra_environment = { RELAY_EGRESS_IDLE_STRATEGY = "busy-spin" }
}

override_data {
  target = data.aws_ec2_instance_type.host
  values = {
    hypervisor                 = "nitro"
    bare_metal                 = false
    supported_architectures    = ["arm64"]
    default_vcpus              = 4
    memory_size                = 8192
    maximum_network_interfaces = 4
  }
}

run "remapped_and_length_prefixed_feeds_in_the_environment" {
  # Applies the module against the mock; the runs below plan against the resulting state.
  command = apply

  assert {
    condition = {
      for e in jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].environment : e.name => e.value
      if startswith(e.name, "RELAY_FEEDS_")
      } == {
      RELAY_FEEDS_0_NAME              = "options"
      RELAY_FEEDS_0_PORT              = "7000"
      RELAY_FEEDS_0_FRAMING           = "relay-v1"
      RELAY_FEEDS_0_MAX_PAYLOAD       = "1472B"
      RELAY_FEEDS_0_MAX_CONNECTIONS   = "4"
      RELAY_FEEDS_0_DESTINATIONS_0    = "233.54.12.1:17100->239.192.10.1:7100"
      RELAY_FEEDS_0_DESTINATIONS_1    = "233.54.12.2:7101->239.192.10.2:7101"
      RELAY_FEEDS_0_ALLOWED_SOURCES_0 = "192.0.2.0/26"
      RELAY_FEEDS_1_NAME              = "index"
      RELAY_FEEDS_1_PORT              = "7001"
      RELAY_FEEDS_1_FRAMING           = "length-prefixed"
      RELAY_FEEDS_1_MAX_PAYLOAD       = "1472B"
      RELAY_FEEDS_1_MAX_CONNECTIONS   = "2"
      RELAY_FEEDS_1_DESTINATIONS_0    = "239.192.11.1:7200"
      RELAY_FEEDS_1_ALLOWED_SOURCES_0 = "192.0.2.0/26"
      RELAY_FEEDS_2_NAME              = "futures"
      RELAY_FEEDS_2_PORT              = "7002"
      RELAY_FEEDS_2_FRAMING           = "relay-v1"
      RELAY_FEEDS_2_MAX_PAYLOAD       = "1472B"
      RELAY_FEEDS_2_MAX_CONNECTIONS   = "4"
      RELAY_FEEDS_2_DESTINATIONS_0    = "239.192.12.1:7300"
      RELAY_FEEDS_2_ALLOWED_SOURCES_0 = "192.0.2.0/26"
    }
    error_message = "Remaps must read exchange_group:exchange_port->group:port, the exchange port defaulting to the VPC-side one."
  }
  assert {
    condition = alltrue([for k, v in {
      RELAY_AERON_TERM_LENGTH                     = "16MB"
      RELAY_EGRESS_TTL                            = "8"
      RELAY_SHUTDOWN_DRAIN_TIMEOUT                = "20s"
      SERVER_PORT                                 = "9090"
      RELAY_METRICS_CLOUDWATCH_NAMESPACE          = "Exchange/MarketData"
      RELAY_METRICS_CLOUDWATCH_DIMENSIONS_SERVICE = "md-tokyo"
      RELAY_EGRESS_IDLE_STRATEGY                  = "busy-spin"
      } : contains(jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].environment, { name = k, value = v })
    ])
    error_message = "Term length, TTL, drain, health port, namespace, service dimension and extra_environment must reach the container."
  }
}

run "shared_memory_and_stop_timeout_follow_the_variables" {
  command = plan

  assert {
    # 3 feeds x 3 x 16 MiB + 64 MiB
    condition     = jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].linuxParameters.sharedMemorySize == 208
    error_message = "sharedMemorySize must be 3 x 3 x 16 + 64 = 208 MiB."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.relay.container_definitions)[0].stopTimeout == 30
    error_message = "stopTimeout must be drain (20 s) + 10 s."
  }
}

run "one_listener_target_group_and_alarm_set_per_feed" {
  command = plan

  assert {
    condition = (toset([for l in aws_lb_listener.feed : l.port]) == toset([7000, 7001, 7002]) &&
    toset([for tg in aws_lb_target_group.feed : tg.name]) == toset(["md-tokyo-7000", "md-tokyo-7001", "md-tokyo-7002"]))
    error_message = "Three feeds: three listeners and three target groups named after the ports."
  }
  assert {
    condition = length(aws_lb_target_group.feed) > 0 && alltrue([for tg in aws_lb_target_group.feed :
      tg.health_check[0].port == "9090" && tg.health_check[0].interval == 5 && tg.health_check[0].timeout == 3 &&
    tg.health_check[0].healthy_threshold == 3 && tg.health_check[0].unhealthy_threshold == 2])
    error_message = "The health check must follow health_port and health_check."
  }
  assert {
    condition = (length(aws_cloudwatch_metric_alarm.no_datagrams) == 4 &&
      length(aws_cloudwatch_metric_alarm.no_sender) == 3 &&
    aws_cloudwatch_metric_alarm.nlb_tcp_flows.threshold == 3)
    error_message = "Alarms must follow the feeds and their VPC-side destinations."
  }
  assert {
    condition = contains([for a in aws_cloudwatch_metric_alarm.no_datagrams : a.dimensions],
    tomap({ feed = "options", group = "239.192.10.1", port = "7100", service = "md-tokyo" }))
    error_message = "A remapped destination's alarm must watch the VPC-side group and port."
  }
  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.task_health : r.from_port]) == toset([9090])
    error_message = "The health rule must follow health_port."
  }
}

run "arm64_host_pinned_ami_route_tables" {
  command = plan

  assert {
    condition     = aws_ecs_task_definition.relay.runtime_platform[0].cpu_architecture == "ARM64"
    error_message = "An arm64 instance type needs an ARM64 task."
  }
  assert {
    condition     = aws_launch_template.host.image_id == "ami-0bbbbbbbbbbbbbbbb" && length(data.aws_ssm_parameter.ecs_ami) == 0
    error_message = "A pinned AMI must be used as is, without reading SSM."
  }
  assert {
    condition = (length(aws_route_table_association.relay) == 3 && length(aws_route_table_association.nlb) == 3 &&
      length(aws_route_table_association.relay) > 0 && alltrue([for a in aws_route_table_association.relay : a.route_table_id == "rtb-0a1b2c3d4e5f60718"]) &&
    length(aws_route_table_association.nlb) > 0 && alltrue([for a in aws_route_table_association.nlb : a.route_table_id == "rtb-0f1e2d3c4b5a69788"]))
    error_message = "Both subnet sets must use their given route tables."
  }
  assert {
    condition     = aws_autoscaling_group.host.desired_capacity == 3 && aws_ecs_service.relay.desired_count == 3
    error_message = "Three relays, no spare."
  }
  assert {
    condition     = length(aws_ram_principal_association.customer) == 0 && aws_ram_resource_share.this.allow_external_principals
    error_message = "No principals yet: the share exists, empty."
  }
}

run "arm64_ami_from_ssm_when_not_pinned" {
  command = plan
  variables {
    ami_id = null
  }
  assert {
    condition     = data.aws_ssm_parameter.ecs_ami[0].name == "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"
    error_message = "An arm64 instance type must use the arm64 ECS-optimized AL2023 AMI."
  }
}
