# The London example as written (its AZs, subnets, feeds) passes every validation of the relay
# module and hands customers London's values. Mocked AWS provider: no account needed.

mock_provider "aws" {
  source = "../../modules/relay/tests/mocks"
}

variables {
  vpc_id              = "vpc-0123456789abcdef0"
  exchange_cidrs      = ["192.0.2.0/26"]
  container_image     = "111122223333.dkr.ecr.eu-west-2.amazonaws.com/mcast-relay:1.0.0"
  customer_principals = ["444455556666"]
  # As terraform.tfvars.example has them.
  relay_subnets = {
    "eu-west-2a" = "10.20.8.0/28"
    "eu-west-2b" = "10.20.8.16/28"
    "eu-west-2c" = "10.20.8.32/28"
  }
  nlb_subnets = {
    "eu-west-2a" = "10.20.9.0/28"
    "eu-west-2b" = "10.20.9.16/28"
    "eu-west-2c" = "10.20.9.32/28"
  }
  service_access = {
    mode = "endpoints"
    endpoint_subnets = {
      "eu-west-2a" = "10.20.10.0/28"
      "eu-west-2b" = "10.20.10.16/28"
      "eu-west-2c" = "10.20.10.32/28"
    }
  }
}

run "london_example_applies" {
  assert {
    condition = (output.customer_handoff.region == "eu-west-2" &&
    output.customer_handoff.source_cidrs == ["10.20.8.0/28", "10.20.8.16/28", "10.20.8.32/28"])
    error_message = "London hands over eu-west-2 and its three relay subnets."
  }
  assert {
    condition     = output.feed_ports == { test = 6666, prod = 6667 }
    error_message = "London serves test on 6666 and prod on 6667."
  }
  assert {
    condition     = keys(module.relay.relay_subnet_ids) == ["eu-west-2a", "eu-west-2b", "eu-west-2c"]
    error_message = "London uses AZs 2a, 2b and 2c."
  }
  assert {
    condition     = length(module.relay.service_endpoints) == 11 && module.relay.relay_route_table_id != null
    error_message = "The example reaches AWS's APIs through its own endpoints (10 interface, S3 gateway) and route table."
  }
}

run "london_subnets_of_another_region_rejected" {
  command = plan
  variables {
    relay_subnets = { "eu-central-1a" = "10.0.8.0/28", "eu-west-2b" = "10.0.8.16/28" }
  }
  expect_failures = [var.relay_subnets]
}

run "london_nlb_subnet_of_another_region_rejected" {
  command = plan
  variables {
    nlb_subnets = {
      "eu-west-2a"    = "10.20.9.0/28"
      "eu-west-2b"    = "10.20.9.16/28"
      "eu-west-2c"    = "10.20.9.32/28"
      "eu-central-1a" = "10.20.9.48/28"
    }
  }
  expect_failures = [var.nlb_subnets]
}

run "london_endpoint_subnet_of_another_region_rejected" {
  command = plan
  variables {
    service_access = {
      mode = "endpoints"
      endpoint_subnets = {
        "eu-west-2a"    = "10.20.10.0/28"
        "eu-west-2b"    = "10.20.10.16/28"
        "eu-west-2c"    = "10.20.10.32/28"
        "eu-central-1a" = "10.20.10.48/28"
      }
    }
  }
  expect_failures = [var.service_access]
}
