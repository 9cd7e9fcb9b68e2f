# What the module derives from its variables: the relay's environment, /dev/shm size, stop timeout,
# and the per-destination view the security groups and alarms are built from.

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  tags = merge({ "mcast-relay:deployment" = var.name }, var.tags)

  feeds_by_name = { for i, f in var.feeds : f.name => merge(f, { index = i }) }

  # One entry per VPC-side destination: what the egress security group opens, what customers join,
  # and what the per-destination "no datagrams" alarm watches (dimensions feed, group, port, service).
  destinations = flatten([for f in var.feeds : [for d in f.destinations : {
    key   = "${f.name}-${d.group}-${d.port}"
    feed  = f.name
    group = d.group
    port  = d.port
  }]])
  destinations_by_key = { for d in local.destinations : d.key => d }
  groups              = distinct([for d in local.destinations : d.group])

  # Aeron: every feed maps 3 terms of its IPC stream in /dev/shm; 64 MiB for the driver's own files (about 47 MiB
  # with Aeron 1.51's defaults, measured in the relay's image) and margin.
  shared_memory_size_mib = length(var.feeds) * 3 * var.aeron_term_length_mib + 64

  # ECS sends SIGTERM, waits stopTimeout, then SIGKILL. The relay drains within drain-timeout, and its
  # last CloudWatch publish may add up to 5 s when CloudWatch does not answer.
  stop_timeout_seconds = var.drain_timeout_seconds + 10

  # relay.feeds[i].* as Spring Boot environment variables.
  feed_environment = merge([for i, f in var.feeds : merge(
    {
      "RELAY_FEEDS_${i}_NAME"            = f.name
      "RELAY_FEEDS_${i}_PORT"            = tostring(f.port)
      "RELAY_FEEDS_${i}_FRAMING"         = f.framing
      "RELAY_FEEDS_${i}_MAX_PAYLOAD"     = "${var.max_payload_bytes}B"
      "RELAY_FEEDS_${i}_MAX_CONNECTIONS" = tostring(f.max_connections)
    },
    { for j, d in f.destinations : "RELAY_FEEDS_${i}_DESTINATIONS_${j}" => (
      d.exchange_group == null
      ? "${d.group}:${d.port}"
      : "${d.exchange_group}:${coalesce(d.exchange_port, d.port)}->${d.group}:${d.port}"
    ) },
    { for k, cidr in var.exchange_cidrs : "RELAY_FEEDS_${i}_ALLOWED_SOURCES_${k}" => cidr },
    # With PROXY protocol v2 the TCP peer is the NLB: only its subnets may send the header.
    var.proxy_protocol_v2 ? { "RELAY_FEEDS_${i}_PROXY_PROTOCOL" = "true" } : {},
    { for k, az in(var.proxy_protocol_v2 ? sort(keys(var.nlb_subnets)) : []) :
    "RELAY_FEEDS_${i}_PROXY_SOURCES_${k}" => var.nlb_subnets[az] },
  )]...)

  managed_environment = merge(local.feed_environment, {
    # Multicast leaves from the task's ENI (awsvpc: eth0), with its address as source.
    RELAY_EGRESS_NETWORK_INTERFACE = "eth0"
    RELAY_EGRESS_LOOPBACK          = "false"
    RELAY_EGRESS_TTL               = tostring(var.egress_ttl)
    RELAY_AERON_TERM_LENGTH        = "${var.aeron_term_length_mib}MB"
    SERVER_PORT                    = tostring(var.health_port)
    MANAGEMENT_SERVER_PORT         = "8081"
    RELAY_SHUTDOWN_DRAIN_TIMEOUT   = "${var.drain_timeout_seconds}s"
    # ECS deregisters the task from its target groups and waits the deregistration delay before SIGTERM.
    RELAY_SHUTDOWN_READINESS_GRACE     = "0s"
    LOGGING_STRUCTURED_FORMAT_CONSOLE  = "ecs"
    RELAY_METRICS_CLOUDWATCH_ENABLED   = "true"
    RELAY_METRICS_CLOUDWATCH_NAMESPACE = var.metrics_namespace
    RELAY_METRICS_CLOUDWATCH_REGION    = data.aws_region.current.name
    RELAY_METRICS_CLOUDWATCH_STEP      = "1m"
    # The only static dimension: stable across tasks, so both relays' counters add up in one metric
    # and the alarms can name every dimension.
    RELAY_METRICS_CLOUDWATCH_DIMENSIONS_SERVICE = var.name
  })

  # relay.recovery.* (docs/recovery.md): the archive in the container at the same path as on the host.
  recovery_environment = var.recovery.enabled ? merge({
    RELAY_RECOVERY_ENABLED           = "true"
    RELAY_RECOVERY_ARCHIVE_DIRECTORY = var.recovery.host_path
    RELAY_RECOVERY_PORT              = tostring(var.recovery.port)
    RELAY_RECOVERY_MAX_AGE           = "${var.recovery.max_age_minutes}m"
    RELAY_RECOVERY_MAX_BYTES         = "${var.recovery.max_gib_per_feed}GB"
  }, { for k, cidr in var.recovery.customer_cidrs : "RELAY_RECOVERY_ALLOWED_SOURCES_${k}" => cidr }) : {}

  # relay.probes.* (docs/probes.md): the relay id is the task's host name, the default.
  probes_environment = var.probes.group == null ? {} : {
    RELAY_PROBES_GROUP = var.probes.group
    RELAY_PROBES_RATE  = tostring(var.probes.rate)
  }

  environment = merge(var.extra_environment, local.managed_environment, local.recovery_environment,
  local.probes_environment)
}
