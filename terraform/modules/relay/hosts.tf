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

resource "aws_autoscaling_group" "host" {
  name                = "${var.name}-host"
  min_size            = local.instance_count
  max_size            = local.instance_count
  desired_capacity    = local.instance_count
  vpc_zone_identifier = local.host_subnet_ids
  health_check_type   = "EC2"

  launch_template {
    id      = aws_launch_template.host.id
    version = aws_launch_template.host.latest_version
  }

  # A new launch template version (AMI, instance type) replaces hosts only when an operator drains
  # them: ECS tasks are not drained by an ASG instance refresh without a capacity provider.

  dynamic "tag" {
    for_each = merge(local.tags, { Name = "${var.name}-host" })
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}
