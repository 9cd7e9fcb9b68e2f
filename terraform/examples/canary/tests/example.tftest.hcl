# The canary example: the customer module and the canary module composed in a VPC of the exchange's own, from the
# relay's customer_handoff. Mocked AWS provider.

mock_provider "aws" {
  source = "../../modules/canary/tests/mocks"
}

override_data {
  target = module.canary_vpc.data.aws_subnet.subscriber["subnet-0c1d2e3f4a5b60718"]
  values = { availability_zone = "eu-west-2a", vpc_id = "vpc-0c1d2e3f4a5b60718" }
}

override_resource {
  target = module.canary_vpc.aws_security_group.subscriber
  values = { id = "sg-0fedcba9876543210" }
}

variables {
  handoff = {
    region              = "eu-west-2"
    resource_share_arn  = "arn:aws:ram:eu-west-2:111122223333:resource-share/7ab63972-b505-7e2a-420d-6f5d3aaaaaaa"
    transit_gateway_id  = "tgw-0262a0e5219876543"
    multicast_domain_id = "tgw-mcast-domain-000fb24d04a1b2c3d"
    source_cidrs        = ["10.20.8.0/28", "10.20.8.16/28"]
    groups = [
      { feed = "test", group = "239.255.6.1", port = 6200 },
      { feed = "prod", group = "239.255.7.1", port = 6100 },
    ]
    max_payload_bytes = 8472
  }
  vpc_id          = "vpc-0c1d2e3f4a5b60718"
  subnet_ids      = ["subnet-0c1d2e3f4a5b60718"]
  container_image = "111122223333.dkr.ecr.eu-west-2.amazonaws.com/mcast-relay:1.4.2"
}

run "canary_example_applies" {
  assert {
    condition = (toset([for r in module.canary_vpc.groups : "${r.group}:${r.port}"]) ==
    toset(["239.255.6.1:6200", "239.255.7.1:6100", "239.255.0.100:6999"]))
    error_message = "The canary's VPC lets the feed groups and the probe group in."
  }
  assert {
    condition = (module.canary.environment["CANARY_PROBEGROUPS_0"] == "239.255.0.100:6999" &&
      module.canary.environment["CANARY_FEEDGROUPS_0_GROUP"] == "239.255.6.1:6200" &&
    module.canary.environment["CANARY_FEEDGROUPS_1_FEED"] == "prod")
    error_message = "The canary listens to the probe group and every feed group of the handoff."
  }
  assert {
    condition     = output.canary_service == "mcast-canary"
    error_message = "The canary publishes as the relay module's default canary.service."
  }
}
