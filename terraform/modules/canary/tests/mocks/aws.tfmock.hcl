# Values the mocked AWS provider returns in place of what AWS would: realistic IDs and ARNs where the provider
# validates them or the module reads them.

mock_data "aws_region" {
  defaults = {
    name = "eu-west-2"
    id   = "eu-west-2"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition = "aws"
  }
}

# t3.small as DescribeInstanceTypes reports it.
mock_data "aws_ec2_instance_type" {
  defaults = {
    hypervisor                 = "nitro"
    bare_metal                 = false
    supported_architectures    = ["x86_64"]
    default_vcpus              = 2
    memory_size                = 2048
    maximum_network_interfaces = 3
  }
}

mock_data "aws_ssm_parameter" {
  defaults = {
    type           = "String"
    value          = "ami-0aaaaaaaaaaaaaaaa"
    insecure_value = "ami-0aaaaaaaaaaaaaaaa"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::111122223333:role/mcast-canary"
  }
}

mock_resource "aws_iam_instance_profile" {
  defaults = {
    arn = "arn:aws:iam::111122223333:instance-profile/mcast-canary-host"
  }
}

mock_resource "aws_ecs_cluster" {
  defaults = {
    arn = "arn:aws:ecs:eu-west-2:111122223333:cluster/mcast-canary"
  }
}

mock_resource "aws_ecs_task_definition" {
  defaults = {
    arn                  = "arn:aws:ecs:eu-west-2:111122223333:task-definition/mcast-canary:1"
    arn_without_revision = "arn:aws:ecs:eu-west-2:111122223333:task-definition/mcast-canary"
    revision             = 1
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:eu-west-2:111122223333:log-group:/ecs/mcast-canary"
  }
}

mock_resource "aws_launch_template" {
  defaults = {
    id             = "lt-0abcd290751193124"
    arn            = "arn:aws:ec2:eu-west-2:111122223333:launch-template/lt-0abcd290751193124"
    latest_version = 1
  }
}

mock_resource "aws_security_group" {
  defaults = {
    id = "sg-0aaaabbbbccccdddd"
  }
}
