# The customer example takes the relay's customer_handoff as it is. Mocked AWS provider.

mock_provider "aws" {
  source = "../../modules/customer/tests/mocks"
}

variables {
  handoff = {
    region              = "eu-west-2"
    resource_share_arn  = "arn:aws:ram:eu-west-2:111122223333:resource-share/7ab63972-b505-7e2a-420d-6f5d3aaaaaaa"
    transit_gateway_id  = "tgw-0262a0e5219876543"
    multicast_domain_id = "tgw-mcast-domain-000fb24d04a1b2c3d"
    source_cidrs        = ["10.20.8.0/28", "10.20.8.16/28", "10.20.8.32/28"]
    groups = [
      { feed = "test", group = "239.255.6.1", port = 6200 },
      { feed = "prod", group = "239.255.7.1", port = 6100 },
    ]
    max_payload_bytes = 8472
  }
  vpc_id            = "vpc-0c1d2e3f405162738"
  subnet_ids        = ["subnet-0aaaaaaaaaaaaaaa1"]
  subscriber_ami_id = "ami-0ccccccccccccccccc"
}

run "customer_example_applies" {
  assert {
    condition     = output.transit_gateway_attachment_id == "tgw-attach-0a1b2c3d4e5f60718" && output.security_group_id == "sg-0fedcba9876543210"
    error_message = "The example attaches the VPC and creates the subscribers' security group."
  }
  assert {
    condition = (aws_instance.subscriber[0].vpc_security_group_ids == toset(["sg-0fedcba9876543210"]) &&
    strcontains(aws_instance.subscriber[0].user_data, "force_igmp_version=2"))
    error_message = "The example subscriber carries the security group and IGMPv2 in its user data."
  }
  assert {
    condition = (length(aws_vpc_security_group_egress_rule.subscriber_https) == 1 &&
      aws_vpc_security_group_egress_rule.subscriber_https[0].from_port == 443 &&
      contains(aws_instance.subscriber[0].vpc_security_group_ids, aws_security_group.subscriber_management[0].id) &&
      aws_instance.subscriber[0].iam_instance_profile == aws_iam_instance_profile.subscriber[0].name &&
    aws_iam_role_policy_attachment.subscriber_ssm[0].policy_arn == "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")
    error_message = "The example subscriber can reach SSM (HTTPS out, an instance profile with AmazonSSMManagedInstanceCore), so the IGMPv2 association reaches it."
  }
}

run "only_london_and_tokyo" {
  command = plan
  variables {
    handoff = {
      region              = "us-east-1"
      resource_share_arn  = "arn:aws:ram:us-east-1:111122223333:resource-share/7ab63972-b505-7e2a-420d-6f5d3aaaaaaa"
      transit_gateway_id  = "tgw-0262a0e5219876543"
      multicast_domain_id = "tgw-mcast-domain-000fb24d04a1b2c3d"
      source_cidrs        = ["10.20.8.0/28"]
      groups              = [{ feed = "test", group = "239.255.6.1", port = 6200 }]
      max_payload_bytes   = 8472
    }
  }
  expect_failures = [var.handoff]
}

run "https_egress_to_an_address_without_prefix_rejected" {
  command = plan
  variables {
    https_egress_cidr = "10.40.0.0"
  }
  expect_failures = [var.https_egress_cidr]
}
