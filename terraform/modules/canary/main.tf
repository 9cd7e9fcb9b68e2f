# relay-canary (docs/probes.md) as an ECS service of one task on one EC2 host, in a customer-like VPC: it joins the
# relays' probe groups (and optionally feed groups) with IGMPv2 on its task's ENI, the way a customer's subscriber
# does, and publishes canary.* to CloudWatch, where the relay module's canary alarms watch them.
#
# Not a container health check on /actuator/health: the canary reports DOWN when the path is broken, and ECS would
# then restart the one witness of it. ECS restarts the task if its process exits; the relay module's canary-path
# alarm (missing data breaching) fires if the canary stops publishing.

data "aws_region" "current" {}

data "aws_partition" "current" {}

data "aws_ec2_instance_type" "host" {
  instance_type = var.instance_type

  lifecycle {
    postcondition {
      condition     = self.maximum_network_interfaces >= 2
      error_message = "instance_type ${var.instance_type} takes fewer than 2 network interfaces: the canary's awsvpc task needs one besides the host's own."
    }
  }
}

data "aws_ssm_parameter" "ecs_ami" {
  count = var.ami_id == null ? 1 : 0
  name = (contains(data.aws_ec2_instance_type.host.supported_architectures, "arm64")
    ? "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"
  : "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id")
}

locals {
  tags         = merge({ "mcast-relay:role" = "canary" }, var.tags)
  architecture = contains(data.aws_ec2_instance_type.host.supported_architectures, "arm64") ? "ARM64" : "X86_64"

  # canary.* and relay.metrics.cloudwatch.* as Spring Boot environment variables (canonical form: dots to
  # underscores, dashes dropped, list indexes as _N_).
  environment = merge(
    {
      CANARY_NETWORKINTERFACE                     = "eth0"
      CANARY_STALEAFTER                           = var.stale_after
      RELAY_METRICS_CLOUDWATCH_ENABLED            = "true"
      RELAY_METRICS_CLOUDWATCH_NAMESPACE          = var.metrics_namespace
      RELAY_METRICS_CLOUDWATCH_REGION             = data.aws_region.current.name
      RELAY_METRICS_CLOUDWATCH_STEP               = "1m"
      RELAY_METRICS_CLOUDWATCH_DIMENSIONS_SERVICE = var.name
      LOGGING_STRUCTURED_FORMAT_CONSOLE           = "ecs"
    },
    { for i, g in var.probe_groups : "CANARY_PROBEGROUPS_${i}" => g },
    merge([for i, g in var.feed_groups : merge(
      { "CANARY_FEEDGROUPS_${i}_FEED" = g.feed, "CANARY_FEEDGROUPS_${i}_GROUP" = g.group },
      g.sequence == null ? {} : { "CANARY_FEEDGROUPS_${i}_SEQUENCE" = g.sequence },
    )]...),
  )

  container_definition = {
    name      = "canary"
    image     = var.container_image
    essential = true
    command   = ["relay-canary"]

    portMappings = [{ name = "canary", containerPort = 8090, protocol = "tcp" }]
    environment  = [for k in sort(keys(local.environment)) : { name = k, value = local.environment[k] }]

    # IGMPv2 in the task's own namespace too (the host's boothook forces it before the agent starts).
    systemControls = [
      { namespace = "net.ipv4.conf.all.force_igmp_version", value = "2" },
      { namespace = "net.ipv4.conf.default.force_igmp_version", value = "2" },
    ]

    user                   = "10001:10001"
    privileged             = false
    readonlyRootFilesystem = true
    linuxParameters = {
      capabilities = { drop = ["ALL"] }
      tmpfs        = [{ containerPath = "/tmp", size = 64, mountOptions = ["rw", "exec", "nosuid", "nodev"] }]
    }

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = aws_cloudwatch_log_group.canary.name
        "awslogs-region"        = data.aws_region.current.name
        "awslogs-stream-prefix" = "canary"
        "mode"                  = "non-blocking"
      }
    }
  }
}

resource "aws_ecs_cluster" "this" {
  name = var.name
  tags = local.tags
}

resource "aws_cloudwatch_log_group" "canary" {
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = local.tags
}

# --- IAM ------------------------------------------------------------------------------------------

locals {
  ecs_tasks_assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = local.ecs_tasks_assume_role_policy
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

# The canary itself: cloudwatch:PutMetricData in its namespace only.
resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  assume_role_policy = local.ecs_tasks_assume_role_policy
  tags               = local.tags
}

resource "aws_iam_role_policy" "task" {
  name = "put-metric-data"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PutCanaryMetrics"
      Effect    = "Allow"
      Action    = "cloudwatch:PutMetricData"
      Resource  = "*"
      Condition = { StringEquals = { "cloudwatch:namespace" = var.metrics_namespace } }
    }]
  })
}

resource "aws_iam_role" "host" {
  name = "${var.name}-host"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "host" {
  for_each = toset(["service-role/AmazonEC2ContainerServiceforEC2Role", "AmazonSSMManagedInstanceCore"])

  role       = aws_iam_role.host.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.key}"
}

resource "aws_iam_instance_profile" "host" {
  name = "${var.name}-host"
  role = aws_iam_role.host.name
  tags = local.tags
}

# --- security groups ------------------------------------------------------------------------------

# The task's own rules beside the subscriber group (multicast and IGMP): HTTPS out, :8090 from health_cidrs.
resource "aws_security_group" "task" {
  name        = "${var.name}-task"
  description = "relay-canary task: HTTPS to CloudWatch, health and metrics from health_cidrs"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-task" })
}

resource "aws_vpc_security_group_ingress_rule" "task_health" {
  for_each = toset(var.health_cidrs)

  security_group_id = aws_security_group.task.id
  description       = "canary health and metrics"
  ip_protocol       = "tcp"
  from_port         = 8090
  to_port           = 8090
  cidr_ipv4         = each.key
}

resource "aws_vpc_security_group_egress_rule" "task_https" {
  for_each = toset(var.https_egress_cidrs)

  security_group_id = aws_security_group.task.id
  description       = "HTTPS to CloudWatch"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.key
}

resource "aws_security_group" "host" {
  name        = "${var.name}-host"
  description = "relay-canary host: no inbound; HTTPS out to ECS, ECR, S3, CloudWatch Logs, SSM"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-host" })
}

resource "aws_vpc_security_group_egress_rule" "host_https" {
  for_each = toset(var.https_egress_cidrs)

  security_group_id = aws_security_group.host.id
  description       = "HTTPS to ECS, ECR, S3, CloudWatch Logs, SSM"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.key
}

# --- the host -------------------------------------------------------------------------------------

resource "aws_launch_template" "host" {
  name_prefix            = "${var.name}-"
  description            = "relay-canary host: IGMPv2 forced before the ECS agent starts"
  image_id               = var.ami_id != null ? var.ami_id : data.aws_ssm_parameter.ecs_ami[0].insecure_value
  instance_type          = var.instance_type
  vpc_security_group_ids = [aws_security_group.host.id]
  update_default_version = true
  # The relay hosts' boothook (one file for both): IGMPv2 on all and default before ecs.service, then ecs.config.
  user_data = base64encode(templatefile("${path.module}/../relay/templates/user_data.sh.tftpl", {
    cluster_name         = var.name
    stop_timeout_seconds = 10
    archive_path         = ""
  }))

  iam_instance_profile {
    arn = aws_iam_instance_profile.host.arn
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(local.tags, { Name = "${var.name}-host" })
  }

  tags = local.tags
}

# One host; if it fails, the group starts another (in any of subnet_ids) and ECS the task on it.
resource "aws_autoscaling_group" "host" {
  name                = "${var.name}-host"
  min_size            = 1
  max_size            = 1
  desired_capacity    = 1
  vpc_zone_identifier = var.subnet_ids
  health_check_type   = "EC2"

  launch_template {
    id      = aws_launch_template.host.id
    version = aws_launch_template.host.latest_version
  }

  dynamic "tag" {
    for_each = merge(local.tags, { Name = "${var.name}-host" })
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  # The agent registers with the cluster when the host boots.
  depends_on = [aws_ecs_cluster.this]
}

# --- the task and the service ---------------------------------------------------------------------

resource "aws_ecs_task_definition" "canary" {
  family                   = var.name
  requires_compatibilities = ["EC2"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([local.container_definition])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = local.architecture
  }

  tags = local.tags
}

resource "aws_ecs_service" "canary" {
  name            = var.name
  cluster         = aws_ecs_cluster.this.arn
  task_definition = aws_ecs_task_definition.canary.arn
  desired_count   = 1
  launch_type     = "EC2"

  # Its ENI joins the groups: the subscriber group lets the multicast and IGMP through, the task group HTTPS.
  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [var.subscriber_security_group_id, aws_security_group.task.id]
    assign_public_ip = false
  }

  # One host: stop the old task before the new one starts.
  deployment_minimum_healthy_percent = 0
  deployment_maximum_percent         = 100

  wait_for_steady_state = var.wait_for_steady_state
  tags                  = local.tags

  depends_on = [aws_autoscaling_group.host, aws_iam_role_policy.task]
}
