# The canary module: relay-canary as an ECS service of one awsvpc task on one host in a customer-like VPC,
# joining with IGMPv2, publishing where the relay module's canary alarms look. Each validation rule has a run
# that breaks only that rule.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  vpc_id                       = "vpc-0c1d2e3f4a5b60718"
  subnet_ids                   = ["subnet-0c1d2e3f4a5b60718", "subnet-0c1d2e3f4a5b60719"]
  subscriber_security_group_id = "sg-0fedcba9876543210"
  container_image              = "111122223333.dkr.ecr.eu-west-2.amazonaws.com/mcast-relay:1.4.2"
  probe_groups                 = ["239.255.0.100:6999"]
  feed_groups = [
    { feed = "prod", group = "239.255.7.1:6100", sequence = "0:4:little-endian" },
    { feed = "test", group = "239.255.6.1:6200" },
  ]
}

run "canary_task_joins_the_probe_and_feed_groups_and_publishes_to_cloudwatch" {
  assert {
    condition     = jsondecode(aws_ecs_task_definition.canary.container_definitions)[0].command == ["relay-canary"]
    error_message = "The task runs the image's relay-canary."
  }
  assert {
    condition = output.environment == {
      CANARY_NETWORKINTERFACE                     = "eth0"
      CANARY_STALEAFTER                           = "3s"
      CANARY_PROBEGROUPS_0                        = "239.255.0.100:6999"
      CANARY_FEEDGROUPS_0_FEED                    = "prod"
      CANARY_FEEDGROUPS_0_GROUP                   = "239.255.7.1:6100"
      CANARY_FEEDGROUPS_0_SEQUENCE                = "0:4:little-endian"
      CANARY_FEEDGROUPS_1_FEED                    = "test"
      CANARY_FEEDGROUPS_1_GROUP                   = "239.255.6.1:6200"
      RELAY_METRICS_CLOUDWATCH_ENABLED            = "true"
      RELAY_METRICS_CLOUDWATCH_NAMESPACE          = "McastRelay"
      RELAY_METRICS_CLOUDWATCH_REGION             = "eu-west-2"
      RELAY_METRICS_CLOUDWATCH_STEP               = "1m"
      RELAY_METRICS_CLOUDWATCH_DIMENSIONS_SERVICE = "mcast-canary"
      LOGGING_STRUCTURED_FORMAT_CONSOLE           = "ecs"
    }
    error_message = "The canary joins on the task's ENI (eth0), listens to the probe and feed groups, and publishes canary.* to the relay's namespace with service = name."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.canary.container_definitions)[0].environment : e.name => e.value } == output.environment
    error_message = "The task receives exactly that environment."
  }
  assert {
    condition     = output.service == "mcast-canary"
    error_message = "By default the canary publishes as service mcast-canary, the relay module's default canary.service."
  }
  assert {
    condition = (aws_ecs_task_definition.canary.network_mode == "awsvpc" &&
      aws_ecs_task_definition.canary.requires_compatibilities == toset(["EC2"]) &&
      aws_ecs_service.canary.launch_type == "EC2" && aws_ecs_service.canary.desired_count == 1 &&
    one(aws_ecs_service.canary.network_configuration).security_groups == toset(["sg-0fedcba9876543210", aws_security_group.task.id]))
    error_message = "One awsvpc task on EC2, its ENI in the customer module's subscriber group (multicast, IGMP) and its own."
  }
  assert {
    condition = (toset([for c in jsondecode(aws_ecs_task_definition.canary.container_definitions)[0].systemControls : "${c.namespace}=${c.value}"]) ==
    toset(["net.ipv4.conf.all.force_igmp_version=2", "net.ipv4.conf.default.force_igmp_version=2"]))
    error_message = "IGMPv2 is forced in the task's namespace."
  }
  assert {
    condition = (jsondecode(aws_ecs_task_definition.canary.container_definitions)[0].user == "10001:10001" &&
      jsondecode(aws_ecs_task_definition.canary.container_definitions)[0].readonlyRootFilesystem &&
    !can(jsondecode(aws_ecs_task_definition.canary.container_definitions)[0].healthCheck))
    error_message = "The canary runs unprivileged on a read-only root, with no container health check (a DOWN path must not restart it)."
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.task.policy).Statement[0].Condition.StringEquals["cloudwatch:namespace"] == "McastRelay"
    error_message = "The task may put metrics in its namespace only."
  }
  assert {
    condition = (strcontains(base64decode(aws_launch_template.host.user_data), "#cloud-boothook") &&
      strcontains(base64decode(aws_launch_template.host.user_data), "net.ipv4.conf.all.force_igmp_version = 2") &&
    strcontains(base64decode(aws_launch_template.host.user_data), "ECS_CLUSTER=mcast-canary"))
    error_message = "The host forces IGMPv2 in a boothook, before the ECS agent joins the canary's cluster."
  }
  assert {
    condition = (aws_autoscaling_group.host.min_size == 1 && aws_autoscaling_group.host.max_size == 1 &&
    aws_autoscaling_group.host.vpc_zone_identifier == toset(var.subnet_ids))
    error_message = "One host, in any of the associated subnets."
  }
  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.task_health) == 0 && aws_ecs_service.canary.wait_for_steady_state
    error_message = "Nobody reaches :8090 unless health_cidrs says so; the apply waits for the task."
  }
}

run "health_port_open_to_health_cidrs" {
  command = plan
  variables {
    health_cidrs = ["10.50.0.0/24"]
  }
  assert {
    condition     = [for r in aws_vpc_security_group_ingress_rule.task_health : "${r.cidr_ipv4}:${r.from_port}"] == ["10.50.0.0/24:8090"]
    error_message = "health_cidrs may read :8090."
  }
}

run "instance_type_with_one_network_interface_rejected" {
  command = plan
  override_data {
    target = data.aws_ec2_instance_type.host
    values = {
      supported_architectures    = ["x86_64"]
      maximum_network_interfaces = 1
    }
  }
  expect_failures = [data.aws_ec2_instance_type.host]
}

run "name_rejected" {
  command = plan
  variables {
    name = "Canary_1"
  }
  expect_failures = [var.name]
}

run "vpc_id_rejected" {
  command = plan
  variables {
    vpc_id = "vpc-xyz"
  }
  expect_failures = [var.vpc_id]
}

run "subnet_ids_empty_rejected" {
  command = plan
  variables {
    subnet_ids = []
  }
  expect_failures = [var.subnet_ids]
}

run "subscriber_security_group_id_rejected" {
  command = plan
  variables {
    subscriber_security_group_id = "default"
  }
  expect_failures = [var.subscriber_security_group_id]
}

run "container_image_outside_ecr_rejected" {
  command = plan
  variables {
    container_image = "docker.io/library/mcast-relay:latest"
  }
  expect_failures = [var.container_image]
}

run "probe_group_not_multicast_rejected" {
  command = plan
  variables {
    probe_groups = ["10.0.0.1:6999"]
  }
  expect_failures = [var.probe_groups]
}

run "feed_group_not_multicast_rejected" {
  command = plan
  variables {
    feed_groups = [{ feed = "prod", group = "10.0.0.1:6100" }]
  }
  expect_failures = [var.feed_groups]
}

run "feed_group_sequence_malformed_rejected" {
  command = plan
  variables {
    feed_groups = [{ feed = "prod", group = "239.255.7.1:6100", sequence = "0:9:little-endian" }]
  }
  expect_failures = [var.feed_groups]
}

run "stale_after_rejected" {
  command = plan
  variables {
    stale_after = "3 seconds"
  }
  expect_failures = [var.stale_after]
}

run "metrics_namespace_rejected" {
  command = plan
  variables {
    metrics_namespace = "AWS/EC2"
  }
  expect_failures = [var.metrics_namespace]
}

run "instance_type_rejected" {
  command = plan
  variables {
    instance_type = "small"
  }
  expect_failures = [var.instance_type]
}

run "ami_id_rejected" {
  command = plan
  variables {
    ami_id = "ubuntu"
  }
  expect_failures = [var.ami_id]
}

run "https_egress_cidrs_rejected" {
  command = plan
  variables {
    https_egress_cidrs = ["anywhere"]
  }
  expect_failures = [var.https_egress_cidrs]
}

run "health_open_to_the_world_rejected" {
  command = plan
  variables {
    health_cidrs = ["0.0.0.0/0"]
  }
  expect_failures = [var.health_cidrs]
}

run "log_retention_days_rejected" {
  command = plan
  variables {
    log_retention_days = 10
  }
  expect_failures = [var.log_retention_days]
}
