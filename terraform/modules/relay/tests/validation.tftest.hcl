# What the module refuses, at plan time, before anything reaches AWS. Each run changes one input
# from a valid configuration and expects exactly that input's validation (or the precondition that
# guards it) to fail.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  vpc_id         = "vpc-0a1b2c3d4e5f60718"
  service_access = { mode = "existing" }
  relay_subnets = {
    "eu-west-2a" = "10.20.8.0/28"
    "eu-west-2b" = "10.20.8.16/28"
  }
  nlb_subnets = {
    "eu-west-2a" = "10.20.9.0/28"
    "eu-west-2b" = "10.20.9.16/28"
  }
  exchange_cidrs  = ["192.0.2.0/26"]
  container_image = "111122223333.dkr.ecr.eu-west-2.amazonaws.com/mcast-relay:1.4.2"
}

run "valid_baseline_plans" {
  command = plan
}

# --- Nitro only -----------------------------------------------------------------------------------

run "non_nitro_instance_type_m4_rejected" {
  command = plan
  variables {
    instance_type = "m4.large"
  }
  expect_failures = [var.instance_type]
}

run "non_nitro_instance_type_t2_rejected" {
  command = plan
  variables {
    instance_type = "t2.medium"
  }
  expect_failures = [var.instance_type]
}

run "instance_type_aws_reports_as_xen_rejected" {
  command = plan
  variables {
    instance_type = "c5.large"
  }
  override_data {
    target = data.aws_ec2_instance_type.host
    values = {
      hypervisor                 = "xen"
      bare_metal                 = false
      supported_architectures    = ["x86_64"]
      default_vcpus              = 2
      memory_size                = 4096
      maximum_network_interfaces = 3
    }
  }
  expect_failures = [data.aws_ec2_instance_type.host]
}

run "bare_metal_instance_type_accepted" {
  command = plan
  variables {
    instance_type = "i3.metal"
  }
  override_data {
    target = data.aws_ec2_instance_type.host
    values = {
      hypervisor                 = ""
      bare_metal                 = true
      supported_architectures    = ["x86_64"]
      default_vcpus              = 72
      memory_size                = 524288
      maximum_network_interfaces = 15
    }
  }
}

run "instance_type_too_small_for_the_task_rejected" {
  command = plan
  variables {
    instance_type = "t3.small"
  }
  override_data {
    target = data.aws_ec2_instance_type.host
    values = {
      hypervisor                 = "nitro"
      bare_metal                 = false
      supported_architectures    = ["x86_64"]
      default_vcpus              = 2
      memory_size                = 2048
      maximum_network_interfaces = 3
    }
  }
  expect_failures = [data.aws_ec2_instance_type.host]
}

# --- groups and payload ---------------------------------------------------------------------------

run "group_outside_224_0_0_0_4_rejected" {
  command = plan
  variables {
    feeds = [{ name = "test", port = 6666, destinations = [{ group = "240.0.0.1", port = 6200 }] }]
  }
  expect_failures = [var.feeds]
}

run "unicast_group_rejected" {
  command = plan
  variables {
    feeds = [{ name = "test", port = 6666, destinations = [{ group = "10.1.2.3", port = 6200 }] }]
  }
  expect_failures = [var.feeds]
}

run "link_local_control_block_group_rejected" {
  command = plan
  variables {
    feeds = [{ name = "test", port = 6666, destinations = [{ group = "224.0.0.251", port = 5353 }] }]
  }
  expect_failures = [var.feeds]
}

run "exchange_side_group_outside_multicast_rejected" {
  command = plan
  variables {
    feeds = [{ name = "test", port = 6666, destinations = [{ group = "239.255.6.1", port = 6200, exchange_group = "192.0.2.1" }] }]
  }
  expect_failures = [var.feeds]
}

run "payload_over_8472_rejected" {
  command = plan
  variables {
    max_payload_bytes = 8473
  }
  expect_failures = [var.max_payload_bytes]
}

run "payload_of_8472_accepted" {
  command = plan
  variables {
    max_payload_bytes = 8472
  }
}

# --- feeds ----------------------------------------------------------------------------------------

run "more_than_five_feeds_rejected" {
  command = plan
  variables {
    feeds = [for i in range(6) : { name = "f${i}", port = 6666 + i, destinations = [{ group = "239.255.6.${i + 1}", port = 6200 }] }]
  }
  expect_failures = [var.feeds]
}

run "duplicate_feed_ports_rejected" {
  command = plan
  variables {
    feeds = [
      { name = "a", port = 6666, destinations = [{ group = "239.255.6.1", port = 6200 }] },
      { name = "b", port = 6666, destinations = [{ group = "239.255.6.2", port = 6200 }] },
    ]
  }
  expect_failures = [var.feeds]
}

run "feed_port_on_the_health_port_rejected" {
  command = plan
  variables {
    feeds = [{ name = "test", port = 8080, destinations = [{ group = "239.255.6.1", port = 6200 }] }]
  }
  expect_failures = [var.feeds]
}

run "destination_in_two_feeds_rejected" {
  command = plan
  variables {
    feeds = [
      { name = "a", port = 6666, destinations = [{ group = "239.255.6.1", port = 6200 }] },
      { name = "b", port = 6667, destinations = [{ group = "239.255.6.1", port = 6200 }] },
    ]
  }
  expect_failures = [var.feeds]
}

# --- placement and addressing ---------------------------------------------------------------------

run "nlb_subnets_missing_a_relay_az_rejected" {
  command = plan
  variables {
    nlb_subnets = { "eu-west-2a" = "10.20.9.0/28" }
  }
  expect_failures = [var.nlb_subnets]
}

run "single_az_relay_rejected" {
  command = plan
  variables {
    relay_subnets = { "eu-west-2a" = "10.20.8.0/28" }
  }
  expect_failures = [var.relay_subnets]
}

run "feeds_open_to_the_world_rejected" {
  command = plan
  variables {
    exchange_cidrs = ["0.0.0.0/0"]
  }
  expect_failures = [var.exchange_cidrs]
}

# --- the task -------------------------------------------------------------------------------------

run "task_memory_below_shared_memory_rejected" {
  command = plan
  variables {
    aeron_term_length_mib = 512 # 2 feeds x 3 x 512 + 64 = 3136 MiB of /dev/shm
    task_memory_mib       = 2048
  }
  expect_failures = [var.task_memory_mib]
}

run "drain_beyond_ecs_stop_timeout_rejected" {
  command = plan
  variables {
    drain_timeout_seconds = 115
  }
  expect_failures = [var.drain_timeout_seconds]
}

run "extra_environment_cannot_override_managed_settings" {
  command = plan
  variables {
    extra_environment = { RELAY_EGRESS_LOOPBACK = "true" }
  }
  expect_failures = [aws_ecs_task_definition.relay]
}

run "image_outside_ecr_rejected" {
  command = plan
  variables {
    container_image = "docker.io/library/mcast-relay:latest"
  }
  expect_failures = [var.container_image]
}

run "malformed_customer_principal_rejected" {
  command = plan
  variables {
    customer_principals = ["customer-a"]
  }
  expect_failures = [var.customer_principals]
}
