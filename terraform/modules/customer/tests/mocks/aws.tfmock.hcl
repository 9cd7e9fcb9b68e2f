# Values the mocked AWS provider returns in place of what AWS would.

mock_resource "aws_ram_resource_share_accepter" {
  defaults = {
    status            = "ACTIVE"
    sender_account_id = "111122223333"
  }
}

mock_resource "aws_ec2_transit_gateway_vpc_attachment" {
  defaults = {
    id  = "tgw-attach-0a1b2c3d4e5f60718"
    arn = "arn:aws:ec2:eu-west-2:444455556666:transit-gateway-attachment/tgw-attach-0a1b2c3d4e5f60718"
  }
}

mock_resource "aws_security_group" {
  defaults = {
    id  = "sg-0fedcba9876543210"
    arn = "arn:aws:ec2:eu-west-2:444455556666:security-group/sg-0fedcba9876543210"
  }
}

mock_resource "aws_ssm_document" {
  defaults = {
    arn = "arn:aws:ssm:eu-west-2:444455556666:document/mcast-subscriber-force-igmpv2"
  }
}

# A subscriber subnet of the customer's VPC; tests that attach two give the second another AZ.
mock_data "aws_subnet" {
  defaults = {
    availability_zone = "eu-west-2a"
    vpc_id            = "vpc-0c1d2e3f405162738"
  }
}
