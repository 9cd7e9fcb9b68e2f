# The ECS cluster, the relay's task definition and service. EC2 hosts (through the capacity provider in
# hosts.tf): Fargate tasks cannot send multicast. Network mode awsvpc: each task has its own ENI in the relay
# subnets, whose address is the datagrams' source and the NLB's `ip` target.

resource "aws_ecs_cluster" "this" {
  name = local.cluster_name

  setting {
    name  = "containerInsights"
    value = var.container_insights
  }

  tags = local.tags
}

resource "aws_cloudwatch_log_group" "relay" {
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = local.tags
}

locals {
  ecs_tasks_assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

# Execution role: the ECS agent pulls the image from ECR and writes the awslogs stream.
resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = local.ecs_tasks_assume_role_policy
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

# Task role: what the relay itself calls, cloudwatch:PutMetricData, in its namespace only.
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
      Sid       = "PutRelayMetrics"
      Effect    = "Allow"
      Action    = "cloudwatch:PutMetricData"
      Resource  = "*" # PutMetricData takes no resource ARN; the condition scopes it to the namespace.
      Condition = { StringEquals = { "cloudwatch:namespace" = var.metrics_namespace } }
    }]
  })
}

locals {
  container_name = "relay"

  container_definition = {
    name      = local.container_name
    image     = var.container_image
    essential = true

    portMappings = concat(
      [for f in var.feeds : { name = "feed-${f.name}", containerPort = f.port, protocol = "tcp" }],
      [{ name = "health", containerPort = var.health_port, protocol = "tcp" }],
      var.recovery.enabled ? [{ name = "replay", containerPort = var.recovery.port, protocol = "tcp" }] : [],
    )

    # The archive (recovery on): a host directory, so what is recorded outlives the task (docs/recovery.md).
    mountPoints = var.recovery.enabled ? [
      { sourceVolume = "archive", containerPath = var.recovery.host_path, readOnly = false }
    ] : []

    environment = [for k in sort(keys(local.environment)) : { name = k, value = local.environment[k] }]

    linuxParameters = {
      # /dev/shm for the Aeron IPC terms and the media driver's files: feeds x 3 x term length + 64 MiB
      # (the driver alone maps about 47 MiB). Docker's default 64 MB cannot hold the defaults.
      sharedMemorySize = local.shared_memory_size_mib
      # Sending multicast and listening above 1024 need no capability.
      capabilities = { drop = ["ALL"] }
      # The root filesystem is read-only; Netty unpacks its native epoll library into /tmp at start, so
      # /tmp is a small tmpfs that allows exec (dlopen maps the library executable).
      tmpfs = [{ containerPath = "/tmp", size = 64, mountOptions = ["rw", "exec", "nosuid", "nodev"] }]
    }

    # The image's own user (docker/Dockerfile), stated so that no image change can make the relay root.
    user = "10001:10001"

    # Belt and braces with the host's user data: IGMPv2 in the task's own network namespace.
    systemControls = [
      { namespace = "net.ipv4.conf.all.force_igmp_version", value = "2" },
      { namespace = "net.ipv4.conf.default.force_igmp_version", value = "2" },
    ]

    ulimits = [
      # Sockets and the media driver's mapped files, not left to the Docker daemon's default.
      { name = "nofile", softLimit = 65536, hardLimit = 65536 },
    ]

    # The image's STOPSIGNAL is SIGTERM; ECS waits this long before SIGKILL.
    stopTimeout = local.stop_timeout_seconds

    privileged             = false
    readonlyRootFilesystem = true

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = aws_cloudwatch_log_group.relay.name
        "awslogs-region"        = data.aws_region.current.name
        "awslogs-stream-prefix" = "relay"
        # Never block the relay's stdout on CloudWatch Logs; a full buffer drops log lines, not data.
        "mode"            = "non-blocking"
        "max-buffer-size" = "25m"
      }
    }
  }
}

resource "aws_ecs_task_definition" "relay" {
  family                   = var.name
  requires_compatibilities = ["EC2"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.task_cpu)
  memory                   = tostring(var.task_memory_mib)
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = local.host_architecture == "arm64" ? "ARM64" : "X86_64"
  }

  container_definitions = jsonencode([local.container_definition])

  dynamic "volume" {
    for_each = var.recovery.enabled ? [1] : []
    content {
      name      = "archive"
      host_path = var.recovery.host_path
    }
  }

  tags = local.tags

  lifecycle {
    precondition {
      condition     = length(setintersection(keys(var.extra_environment), keys(local.managed_environment))) == 0
      error_message = "extra_environment must not set variables the module manages: ${join(", ", setintersection(keys(var.extra_environment), keys(local.managed_environment)))}."
    }
  }
}

resource "aws_ecs_service" "relay" {
  name            = var.name
  cluster         = aws_ecs_cluster.this.arn
  task_definition = aws_ecs_task_definition.relay.arn
  desired_count   = var.relay_count

  # EC2 hosts through the cluster's capacity provider (hosts.tf), never Fargate: Fargate tasks cannot send
  # multicast. The capacity provider is what drains a host before it goes.
  capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.host.name
    base              = 0
    weight            = 1
  }

  network_configuration {
    subnets          = local.host_subnet_ids
    security_groups  = [aws_security_group.task.id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = local.feeds_by_name
    content {
      target_group_arn = aws_lb_target_group.feed[load_balancer.key].arn
      container_name   = local.container_name
      container_port   = load_balancer.value.port
    }
  }

  health_check_grace_period_seconds = var.health_check_grace_period_seconds

  # One relay per host, spread over the AZs; a spare host lets a new task start before an old one stops.
  placement_constraints {
    type = "distinctInstance"
  }

  ordered_placement_strategy {
    type  = "spread"
    field = "attribute:ecs.availability-zone"
  }

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # Never move a running relay to even out the AZs: it would cut the exchange's connection to it.
  availability_zone_rebalancing = "DISABLED"

  enable_ecs_managed_tags = true
  propagate_tags          = "SERVICE"
  # Fail the apply when no task becomes healthy (no host joined, image not pulled), rather than succeed.
  wait_for_steady_state = var.wait_for_steady_state

  tags = local.tags

  # A target group can only be given to a service once a listener ties it to the load balancer.
  # Tasks start once hosts can exist and reach AWS's APIs.
  depends_on = [aws_lb_listener.feed, aws_iam_role_policy.task, aws_ecs_cluster_capacity_providers.this,
  aws_autoscaling_group.host]
}
