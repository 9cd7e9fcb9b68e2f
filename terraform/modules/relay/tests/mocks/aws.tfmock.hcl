# Values the mocked AWS provider returns in place of what AWS would: realistic IDs and ARNs where the
# provider validates them or the module reads them (alarm dimensions use arn_suffix).

mock_data "aws_region" {
  defaults = {
    name        = "eu-west-2"
    id          = "eu-west-2"
    description = "Europe (London)"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition          = "aws"
    dns_suffix         = "amazonaws.com"
    reverse_dns_prefix = "com.amazonaws"
  }
}

# c6i.large as DescribeInstanceTypes reports it.
mock_data "aws_ec2_instance_type" {
  defaults = {
    hypervisor                 = "nitro"
    bare_metal                 = false
    supported_architectures    = ["x86_64"]
    default_vcpus              = 2
    memory_size                = 4096
    maximum_network_interfaces = 3
    current_generation         = true
  }
}

mock_data "aws_ssm_parameter" {
  defaults = {
    type           = "String"
    value          = "ami-0aaaaaaaaaaaaaaaa"
    insecure_value = "ami-0aaaaaaaaaaaaaaaa"
  }
}

mock_resource "aws_lb" {
  defaults = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-2:111122223333:loadbalancer/net/mcast-relay/50dc6c495c0c9188"
    arn_suffix = "net/mcast-relay/50dc6c495c0c9188"
    dns_name   = "mcast-relay-50dc6c495c0c9188.elb.eu-west-2.amazonaws.com"
    zone_id    = "ZD4D7Y8KGAS4G"
  }
}

mock_resource "aws_lb_target_group" {
  defaults = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-2:111122223333:targetgroup/mcast-relay/73e2d6bc24d8a067"
    arn_suffix = "targetgroup/mcast-relay/73e2d6bc24d8a067"
  }
}

mock_resource "aws_lb_listener" {
  defaults = {
    arn = "arn:aws:elasticloadbalancing:eu-west-2:111122223333:listener/net/mcast-relay/50dc6c495c0c9188/f2f7dc8efc522ab2"
  }
}

mock_resource "aws_ec2_transit_gateway" {
  defaults = {
    id       = "tgw-0262a0e521EXAMPLE"
    arn      = "arn:aws:ec2:eu-west-2:111122223333:transit-gateway/tgw-0262a0e521EXAMPLE"
    owner_id = "111122223333"
  }
}

mock_resource "aws_ec2_transit_gateway_multicast_domain" {
  defaults = {
    id       = "tgw-mcast-domain-000fb24d04EXAMPLE"
    arn      = "arn:aws:ec2:eu-west-2:111122223333:transit-gateway-multicast-domain/tgw-mcast-domain-000fb24d04EXAMPLE"
    owner_id = "111122223333"
  }
}

mock_resource "aws_ec2_transit_gateway_vpc_attachment" {
  defaults = {
    id = "tgw-attach-0372e72386EXAMPLE"
  }
}

mock_resource "aws_ram_resource_share" {
  defaults = {
    arn = "arn:aws:ram:eu-west-2:111122223333:resource-share/7ab63972-b505-7e2a-420d-6f5d3EXAMPLE"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::111122223333:role/mcast-relay"
  }
}

mock_resource "aws_iam_instance_profile" {
  defaults = {
    arn = "arn:aws:iam::111122223333:instance-profile/mcast-relay-host"
  }
}

mock_resource "aws_ecs_cluster" {
  defaults = {
    arn = "arn:aws:ecs:eu-west-2:111122223333:cluster/mcast-relay"
  }
}

mock_resource "aws_ecs_task_definition" {
  defaults = {
    arn                  = "arn:aws:ecs:eu-west-2:111122223333:task-definition/mcast-relay:1"
    arn_without_revision = "arn:aws:ecs:eu-west-2:111122223333:task-definition/mcast-relay"
    revision             = 1
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:eu-west-2:111122223333:log-group:/ecs/mcast-relay"
  }
}

mock_resource "aws_cloudwatch_metric_alarm" {
  defaults = {
    arn = "arn:aws:cloudwatch:eu-west-2:111122223333:alarm:mcast-relay"
  }
}

mock_resource "aws_launch_template" {
  defaults = {
    id             = "lt-0abcd290751193123"
    arn            = "arn:aws:ec2:eu-west-2:111122223333:launch-template/lt-0abcd290751193123"
    latest_version = 1
  }
}

mock_resource "aws_security_group" {
  defaults = {
    id = "sg-0123456789abcdef0"
  }
}

# For the examples, which create the alarms' SNS topic and share these mocks.
mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:eu-west-2:111122223333:mcast-relay-alarms"
  }
}

# The exchange's VPC as DescribeVpcs reports it: the tests' subnets lie in 10.20.0.0/16 (and the Tokyo
# example's in the secondary block), DNS on as interface endpoints need.
mock_data "aws_vpc" {
  defaults = {
    cidr_block           = "10.20.0.0/16"
    enable_dns_support   = true
    enable_dns_hostnames = true
    cidr_block_associations = [
      { association_id = "vpc-cidr-assoc-0a1b2c3d4e5f60718", cidr_block = "10.20.0.0/16", state = "associated" },
      { association_id = "vpc-cidr-assoc-0a1b2c3d4e5f60719", cidr_block = "10.30.0.0/16", state = "associated" },
    ]
  }
}

mock_resource "aws_autoscaling_group" {
  defaults = {
    arn = "arn:aws:autoscaling:eu-west-2:111122223333:autoScalingGroup:a1b2c3d4-5678-90ab-cdef-EXAMPLE11111:autoScalingGroupName/mcast-relay-host"
  }
}

mock_resource "aws_vpc_endpoint" {
  defaults = {
    id             = "vpce-0a1b2c3d4e5f60718"
    prefix_list_id = "pl-7ca54015"
  }
}

mock_resource "aws_route_table" {
  defaults = {
    id = "rtb-0a1b2c3d4e5f60718"
  }
}
