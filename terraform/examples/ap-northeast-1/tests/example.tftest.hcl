# The Tokyo example as written (AZs 1a, 1c, 1d) passes every validation of the relay module and
# hands customers Tokyo's values. Mocked AWS provider: no account needed.

mock_provider "aws" {
  source = "../../modules/relay/tests/mocks"
}

override_data {
  target = module.relay.data.aws_region.current
  values = {
    name = "ap-northeast-1"
    id   = "ap-northeast-1"
  }
}

variables {
  vpc_id              = "vpc-0123456789abcdef0"
  exchange_cidrs      = ["192.0.2.0/26"]
  container_image     = "111122223333.dkr.ecr.ap-northeast-1.amazonaws.com/mcast-relay:1.0.0"
  customer_principals = ["444455556666"]
  # As terraform.tfvars.example has them.
  relay_subnets = {
    "ap-northeast-1a" = "10.30.8.0/28"
    "ap-northeast-1c" = "10.30.8.16/28"
    "ap-northeast-1d" = "10.30.8.32/28"
  }
  nlb_subnets = {
    "ap-northeast-1a" = "10.30.9.0/28"
    "ap-northeast-1c" = "10.30.9.16/28"
    "ap-northeast-1d" = "10.30.9.32/28"
  }
  service_access = {
    mode = "endpoints"
    endpoint_subnets = {
      "ap-northeast-1a" = "10.30.10.0/28"
      "ap-northeast-1c" = "10.30.10.16/28"
      "ap-northeast-1d" = "10.30.10.32/28"
    }
  }
}

run "tokyo_example_applies" {
  assert {
    condition = (output.customer_handoff.region == "ap-northeast-1" &&
    output.customer_handoff.source_cidrs == ["10.30.8.0/28", "10.30.8.16/28", "10.30.8.32/28"])
    error_message = "Tokyo hands over ap-northeast-1 and its three relay subnets."
  }
  assert {
    condition     = keys(module.relay.relay_subnet_ids) == ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
    error_message = "Tokyo uses AZs 1a, 1c and 1d."
  }
  assert {
    condition     = length(module.relay.service_endpoints) == 11 && module.relay.relay_route_table_id != null
    error_message = "The example reaches AWS's APIs through its own endpoints (10 interface, S3 gateway) and route table."
  }
}

run "tokyo_subnets_of_another_region_rejected" {
  command = plan
  variables {
    relay_subnets = { "ap-northeast-3a" = "10.0.8.0/28", "ap-northeast-1b" = "10.0.8.16/28" }
  }
  expect_failures = [var.relay_subnets]
}

run "tokyo_nlb_subnet_of_another_region_rejected" {
  command = plan
  variables {
    nlb_subnets = {
      "ap-northeast-1a" = "10.30.9.0/28"
      "ap-northeast-1c" = "10.30.9.16/28"
      "ap-northeast-1d" = "10.30.9.32/28"
      "ap-northeast-3a" = "10.30.9.48/28"
    }
  }
  expect_failures = [var.nlb_subnets]
}

run "tokyo_endpoint_subnet_of_another_region_rejected" {
  command = plan
  variables {
    service_access = {
      mode = "endpoints"
      endpoint_subnets = {
        "ap-northeast-1a" = "10.30.10.0/28"
        "ap-northeast-1c" = "10.30.10.16/28"
        "ap-northeast-1d" = "10.30.10.32/28"
        "ap-northeast-3a" = "10.30.10.48/28"
      }
    }
  }
  expect_failures = [var.service_access]
}
