# The ECS hosts: Nitro instances in the relay subnets, bootstrapped to force IGMPv2 before the ECS
# agent starts, one relay task per host.

data "aws_ec2_instance_type" "host" {
  instance_type = var.instance_type

  lifecycle {
    # The variable's denylist catches the known Xen families; this is AWS's own answer.
    postcondition {
      condition     = self.hypervisor == "nitro" || self.bare_metal
      error_message = "instance_type ${var.instance_type} runs on the '${self.hypervisor}' hypervisor: Transit Gateway multicast sources must be Nitro instances (hypervisor nitro, or bare metal)."
    }
    postcondition {
      condition     = self.maximum_network_interfaces >= 2
      error_message = "instance_type ${var.instance_type} takes fewer than 2 network interfaces: an awsvpc task needs one besides the host's own."
    }
    postcondition {
      condition     = self.memory_size >= var.task_memory_mib + 512 && self.default_vcpus * 1024 >= var.task_cpu
      error_message = "instance_type ${var.instance_type} is too small for the task: it needs task_memory_mib + 512 MiB (OS and ECS agent) and task_cpu / 1024 vCPUs."
    }
  }
}

locals {
  host_architecture = contains(data.aws_ec2_instance_type.host.supported_architectures, "arm64") ? "arm64" : "x86_64"
  ecs_ami_parameter = (local.host_architecture == "arm64"
    ? "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"
  : "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id")
  host_ami_id     = var.ami_id != null ? var.ami_id : data.aws_ssm_parameter.ecs_ami[0].insecure_value
  instance_count  = var.relay_count + var.spare_instances
  host_subnet_ids = [for az in sort(keys(var.relay_subnets)) : aws_subnet.relay[az].id]
  cluster_name    = var.name
  host_user_data = templatefile("${path.module}/templates/user_data.sh.tftpl", {
    cluster_name         = local.cluster_name
    stop_timeout_seconds = local.stop_timeout_seconds
    archive_path         = var.recovery.enabled ? var.recovery.host_path : ""
  })
}

data "aws_ssm_parameter" "ecs_ami" {
  count = var.ami_id == null ? 1 : 0
  name  = local.ecs_ami_parameter
}

resource "aws_iam_role" "host" {
  name = "${var.name}-host"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "host_ecs" {
  role       = aws_iam_role.host.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

resource "aws_iam_role_policy_attachment" "host_ssm" {
  count = var.enable_ssm_session_manager ? 1 : 0

  role       = aws_iam_role.host.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "host" {
  name = "${var.name}-host"
  role = aws_iam_role.host.name
  tags = local.tags
}

resource "aws_launch_template" "host" {
  name_prefix            = "${var.name}-"
  description            = "ECS hosts of ${var.name}: Nitro, IGMPv2 forced before the ECS agent starts"
  image_id               = local.host_ami_id
  instance_type          = var.instance_type
  vpc_security_group_ids = [aws_security_group.host.id]
  user_data              = base64encode(local.host_user_data)
  update_default_version = true

  iam_instance_profile {
    arn = aws_iam_instance_profile.host.arn
  }

  # IMDSv2 only, and out of reach of containers (awsvpc tasks are blocked by ECS_AWSVPC_BLOCK_IMDS too).
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = 30 + (var.recovery.enabled ? var.recovery.archive_volume_gib : 0)
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(local.tags, { Name = "${var.name}-host" })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(local.tags, { Name = "${var.name}-host" })
  }

  tags = local.tags
}

# The hosts, managed by the cluster's capacity provider (below): relay_count + spare_instances of them, one more
# while a deployment needs it. Created after the cluster and the path to AWS's APIs, so that a new host's ECS agent
# finds both when it starts.
resource "aws_autoscaling_group" "host" {
  name                = "${var.name}-host"
  min_size            = local.instance_count
  max_size            = local.instance_count + 1
  desired_capacity    = local.instance_count
  vpc_zone_identifier = local.host_subnet_ids
  health_check_type   = "EC2"

  # Managed termination protection: ECS keeps scale-in protection on every host that runs a relay task, so
  # neither a scale-in nor an operator lowering the desired count terminates the active relay.
  protect_from_scale_in = true
  # AZRebalance terminates a host to even out the AZs, whatever runs on it; the service spreads the relays over
  # the AZs itself (placement strategy), and moving the active relay would cut the exchange's connection.
  suspended_processes = ["AZRebalance"]

  launch_template {
    id      = aws_launch_template.host.id
    version = aws_launch_template.host.latest_version
  }

  # The capacity provider sets desired_capacity as tasks need hosts; Terraform leaves it be after creation.
  lifecycle {
    ignore_changes = [desired_capacity]
  }

  dynamic "tag" {
    for_each = merge(local.tags, { Name = "${var.name}-host", AmazonECSManaged = "true" })
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  depends_on = [
    aws_ecs_cluster.this,
    aws_route_table_association.relay,
    aws_route.relay_default_to_nat,
    aws_vpc_endpoint.interface,
    aws_vpc_endpoint.s3,
    aws_vpc_security_group_egress_rule.host_https,
    aws_vpc_security_group_egress_rule.host_s3,
    aws_network_acl.this,
  ]
}

# The capacity provider: ECS drains a host's task (the service starts its replacement first, deregistering it
# from the NLB's target groups with the deregistration delay) before the ASG may terminate the host, for a scale-in,
# an instance refresh or a host replaced by a new launch template version (managed draining); and protects every
# host that runs a task from scale-in (managed termination protection).
resource "aws_ecs_capacity_provider" "host" {
  name = "${var.name}-host"

  auto_scaling_group_provider {
    auto_scaling_group_arn         = aws_autoscaling_group.host.arn
    managed_termination_protection = "ENABLED"
    managed_draining               = "ENABLED"

    # Termination protection needs managed scaling. Target 100 %: no empty host beyond the ASG's minimum, which
    # keeps the spares; a deployment may add one host (max_size) for the new task.
    managed_scaling {
      status                    = "ENABLED"
      target_capacity           = 100
      minimum_scaling_step_size = 1
      maximum_scaling_step_size = 1
    }
  }

  tags = local.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = [aws_ecs_capacity_provider.host.name]

  default_capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.host.name
    base              = 0
    weight            = 1
  }
}
