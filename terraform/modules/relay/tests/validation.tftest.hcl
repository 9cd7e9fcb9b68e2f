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

run "instance_type_aws_reports_with_one_network_interface_rejected" {
  command = plan
  override_data {
    target = data.aws_ec2_instance_type.host
    values = {
      hypervisor                 = "nitro"
      bare_metal                 = false
      supported_architectures    = ["x86_64"]
      default_vcpus              = 2
      memory_size                = 4096
      maximum_network_interfaces = 1
    }
  }
  expect_failures = [data.aws_ec2_instance_type.host]
}

run "malformed_instance_type_rejected" {
  command = plan
  variables {
    instance_type = "c6i"
  }
  expect_failures = [var.instance_type]
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

run "five_feeds_accepted" {
  command = plan
  variables {
    feeds = [for i in range(5) : { name = "f${i}", port = 6666 + i, destinations = [{ group = "239.255.6.${i + 1}", port = 6200 }] }]
  }
}

run "feed_name_with_upper_case_rejected" {
  command = plan
  variables {
    feeds = [{ name = "Test", port = 6666, destinations = [{ group = "239.255.6.1", port = 6200 }] }]
  }
  expect_failures = [var.feeds]
}

run "duplicate_feed_names_rejected" {
  command = plan
  variables {
    feeds = [
      { name = "test", port = 6666, destinations = [{ group = "239.255.6.1", port = 6200 }] },
      { name = "test", port = 6667, destinations = [{ group = "239.255.6.2", port = 6200 }] },
    ]
  }
  expect_failures = [var.feeds]
}

run "unknown_framing_rejected" {
  command = plan
  variables {
    feeds = [{ name = "test", port = 6666, framing = "raw", destinations = [{ group = "239.255.6.1", port = 6200 }] }]
  }
  expect_failures = [var.feeds]
}

run "more_than_64_connections_per_feed_rejected" {
  command = plan
  variables {
    feeds = [{ name = "test", port = 6666, max_connections = 65, destinations = [{ group = "239.255.6.1", port = 6200 }] }]
  }
  expect_failures = [var.feeds]
}

run "length_prefixed_feed_with_two_destinations_rejected" {
  command = plan
  variables {
    feeds = [{
      name         = "test"
      port         = 6666
      framing      = "length-prefixed"
      destinations = [{ group = "239.255.6.1", port = 6200 }, { group = "239.255.6.2", port = 6201 }]
    }]
  }
  expect_failures = [var.feeds]
}

run "destination_port_over_65535_rejected" {
  command = plan
  variables {
    feeds = [{ name = "test", port = 6666, destinations = [{ group = "239.255.6.1", port = 65536 }] }]
  }
  expect_failures = [var.feeds]
}

run "exchange_port_without_exchange_group_rejected" {
  command = plan
  variables {
    feeds = [{ name = "test", port = 6666, destinations = [{ group = "239.255.6.1", port = 6200, exchange_port = 5000 }] }]
  }
  expect_failures = [var.feeds]
}

# --- naming, placement and addressing -------------------------------------------------------------

run "name_over_20_characters_rejected" {
  command = plan
  variables {
    name = "mcast-relay-london-xy"
  }
  expect_failures = [var.name]
}

run "name_of_20_characters_accepted" {
  # Target group names "<name>-<port>" reach 25 of the 32 characters AWS allows.
  command = plan
  variables {
    name = "mcast-relay-london-x"
  }
}

run "malformed_vpc_id_rejected" {
  command = plan
  variables {
    vpc_id = "vpc-0a1b"
  }
  expect_failures = [var.vpc_id]
}

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

run "relay_subnet_with_host_bits_set_rejected" {
  command = plan
  variables {
    relay_subnets = {
      "eu-west-2a" = "10.20.8.1/28"
      "eu-west-2b" = "10.20.8.16/28"
    }
  }
  expect_failures = [var.relay_subnets]
}

run "nlb_subnet_smaller_than_a_28_rejected" {
  command = plan
  variables {
    nlb_subnets = {
      "eu-west-2a" = "10.20.9.0/29"
      "eu-west-2b" = "10.20.9.16/28"
    }
  }
  expect_failures = [var.nlb_subnets]
}

run "nlb_subnet_on_a_relay_subnet_rejected" {
  command = plan
  variables {
    nlb_subnets = {
      "eu-west-2a" = "10.20.8.0/28"
      "eu-west-2b" = "10.20.9.16/28"
    }
  }
  expect_failures = [var.nlb_subnets]
}

run "malformed_relay_route_table_id_rejected" {
  command = plan
  variables {
    relay_route_table_id = "rtb-main"
  }
  expect_failures = [var.relay_route_table_id]
}

run "malformed_nlb_route_table_id_rejected" {
  command = plan
  variables {
    nlb_route_table_id = "rtb-main"
  }
  expect_failures = [var.nlb_route_table_id]
}

run "no_exchange_cidrs_rejected" {
  command = plan
  variables {
    exchange_cidrs = []
  }
  expect_failures = [var.exchange_cidrs]
}

run "https_egress_to_an_address_without_prefix_rejected" {
  command = plan
  variables {
    https_egress_cidrs = ["10.20.0.10"]
  }
  expect_failures = [var.https_egress_cidrs]
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

run "task_memory_of_shared_memory_plus_512_accepted" {
  command = plan
  variables {
    task_memory_mib = 624 # 2 feeds x 3 x 8 + 64 = 560 MiB of /dev/shm, + 512
  }
}

run "aeron_term_length_not_a_power_of_two_rejected" {
  command = plan
  variables {
    aeron_term_length_mib = 3
  }
  expect_failures = [var.aeron_term_length_mib]
}

run "task_cpu_below_256_units_rejected" {
  command = plan
  variables {
    task_cpu = 128
  }
  expect_failures = [var.task_cpu]
}

run "egress_ttl_of_0_rejected" {
  command = plan
  variables {
    egress_ttl = 0
  }
  expect_failures = [var.egress_ttl]
}

run "privileged_health_port_rejected" {
  command = plan
  variables {
    health_port = 80
  }
  expect_failures = [var.health_port]
}

run "drain_beyond_ecs_stop_timeout_rejected" {
  command = plan
  variables {
    drain_timeout_seconds = 115
  }
  expect_failures = [var.drain_timeout_seconds]
}

run "drain_of_110_seconds_accepted" {
  # stopTimeout = 120 s, ECS's maximum.
  command = plan
  variables {
    drain_timeout_seconds = 110
  }
}

run "extra_environment_cannot_override_managed_settings" {
  command = plan
  variables {
    extra_environment = { RELAY_EGRESS_LOOPBACK = "true" }
  }
  expect_failures = [aws_ecs_task_definition.relay]
}

run "extra_environment_key_not_a_variable_name_rejected" {
  command = plan
  variables {
    extra_environment = { "relay.egress.idle-strategy" = "busy-spin" }
  }
  expect_failures = [var.extra_environment]
}

run "image_outside_ecr_rejected" {
  command = plan
  variables {
    container_image = "docker.io/library/mcast-relay:latest"
  }
  expect_failures = [var.container_image]
}

# --- hosts ----------------------------------------------------------------------------------------

run "malformed_ami_id_rejected" {
  command = plan
  variables {
    ami_id = "ami-latest"
  }
  expect_failures = [var.ami_id]
}

run "more_than_10_relays_rejected" {
  command = plan
  variables {
    relay_count = 11
    # Room for 11 relays and their spares, so that only relay_count's own rule fails.
    relay_subnets = {
      "eu-west-2a" = "10.20.8.0/27"
      "eu-west-2b" = "10.20.8.32/27"
    }
  }
  expect_failures = [var.relay_count]
}

run "more_than_5_spare_instances_rejected" {
  command = plan
  variables {
    spare_instances = 6
  }
  expect_failures = [var.spare_instances]
}

# --- NLB health checks and failover ---------------------------------------------------------------

run "health_check_timeout_not_below_interval_rejected" {
  command = plan
  variables {
    health_check = { interval_seconds = 10, timeout_seconds = 10 }
  }
  expect_failures = [var.health_check]
}

run "health_check_threshold_of_1_rejected" {
  command = plan
  variables {
    health_check = { unhealthy_threshold = 1 }
  }
  expect_failures = [var.health_check]
}

run "grace_period_over_600_seconds_rejected" {
  command = plan
  variables {
    health_check_grace_period_seconds = 601
  }
  expect_failures = [var.health_check_grace_period_seconds]
}

run "deregistration_delay_over_an_hour_rejected" {
  command = plan
  variables {
    deregistration_delay_seconds = 3601
  }
  expect_failures = [var.deregistration_delay_seconds]
}

run "nlb_idle_timeout_below_60_seconds_rejected" {
  command = plan
  variables {
    nlb_idle_timeout_seconds = 59
  }
  expect_failures = [var.nlb_idle_timeout_seconds]
}

# --- Transit Gateway and sharing ------------------------------------------------------------------

run "public_amazon_side_asn_rejected" {
  command = plan
  variables {
    amazon_side_asn = 16509
  }
  expect_failures = [var.amazon_side_asn]
}

run "malformed_customer_principal_rejected" {
  command = plan
  variables {
    customer_principals = ["customer-a"]
  }
  expect_failures = [var.customer_principals]
}

run "repeated_customer_principal_rejected" {
  command = plan
  variables {
    customer_principals = ["444455556666", "444455556666"]
  }
  expect_failures = [var.customer_principals]
}

# --- logs, metrics and alarms ---------------------------------------------------------------------

run "unknown_container_insights_mode_rejected" {
  command = plan
  variables {
    container_insights = "on"
  }
  expect_failures = [var.container_insights]
}

run "log_retention_cloudwatch_does_not_offer_rejected" {
  command = plan
  variables {
    log_retention_days = 2
  }
  expect_failures = [var.log_retention_days]
}

run "metrics_namespace_under_aws_rejected" {
  command = plan
  variables {
    metrics_namespace = "AWS/ECS"
  }
  expect_failures = [var.metrics_namespace]
}

run "alarm_action_not_an_arn_rejected" {
  command = plan
  variables {
    alarm_actions = ["market-data-oncall"]
  }
  expect_failures = [var.alarm_actions]
}

run "no_datagrams_alarm_over_60_minutes_rejected" {
  command = plan
  variables {
    no_datagrams_minutes = 61
  }
  expect_failures = [var.no_datagrams_minutes]
}

run "no_sender_alarm_after_0_minutes_rejected" {
  command = plan
  variables {
    no_sender_minutes = 0
  }
  expect_failures = [var.no_sender_minutes]
}

# --- recovery -------------------------------------------------------------------------------------
# (The rules on customer_cidrs being required and on customer_attachments have their runs in
# relay.tftest.hcl, beside the recovery runs that plan.)

run "recovery_customer_cidr_without_prefix_rejected" {
  command = plan
  variables {
    recovery = { customer_cidrs = ["10.30.0.0"] }
  }
  expect_failures = [var.recovery]
}

run "recovery_port_below_1024_rejected" {
  command = plan
  variables {
    recovery = { enabled = true, customer_cidrs = ["10.30.0.0/16"], port = 80 }
  }
  expect_failures = [var.recovery]
}

run "recovery_archive_kept_0_minutes_rejected" {
  command = plan
  variables {
    recovery = { enabled = true, customer_cidrs = ["10.30.0.0/16"], max_age_minutes = 0 }
  }
  expect_failures = [var.recovery]
}
