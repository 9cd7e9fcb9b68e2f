# CloudWatch alarms. Two sources:
#  - AWS/NetworkELB: target health per feed (dimensions TargetGroup + LoadBalancer) and the load
#    balancer's TCP flows (ActiveFlowCount_TCP exists per LoadBalancer and per AZ only, not per target
#    group, so it cannot tell feeds apart);
#  - the relay's own metrics (docs/metrics.md, "CloudWatch"): a CloudWatch metric is one exact set of
#    dimensions and alarms cannot aggregate with SEARCH, so every alarm names all of its metric's
#    dimensions: {feed, service}, {feed, reason, service} or {feed, group, port, service}, with
#    service = var.name, the relay's only static dimension. Every task publishes under the same
#    dimensions, so the standby's zeros and the active relay's counts add up in one metric.

locals {
  alarm_period_seconds = 60

  # relay.ingress.protocol.errors reasons (relay-wire ProtocolError, docs/wire-format.md): the relay
  # registers every one at start, so each metric exists from the first publish on.
  protocol_error_reasons = [
    "bad-length", "unknown-type", "reserved-type", "non-zero-flags",
    "non-zero-reserved", "group-not-multicast", "port-zero", "payload-too-large",
  ]

  lb_dimension = aws_lb.this.arn_suffix
}

# --- the NLB --------------------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "unhealthy_hosts" {
  for_each = local.feeds_by_name

  alarm_name        = "${var.name}-${each.key}-unhealthy-hosts"
  alarm_description = "Feed ${each.key} (TCP ${each.value.port}): a relay task fails the NLB's health check (GET :${var.health_port}/readyz). See the task's log and :8081/actuator/health on the host."
  namespace         = "AWS/NetworkELB"
  metric_name       = "UnHealthyHostCount"
  dimensions = {
    TargetGroup  = aws_lb_target_group.feed[each.key].arn_suffix
    LoadBalancer = local.lb_dimension
  }
  statistic           = "Maximum"
  period              = local.alarm_period_seconds
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "no_healthy_hosts" {
  for_each = local.feeds_by_name

  alarm_name        = "${var.name}-${each.key}-no-healthy-hosts"
  alarm_description = "Feed ${each.key} (TCP ${each.value.port}): no relay task is healthy behind the NLB; the exchange cannot connect."
  namespace         = "AWS/NetworkELB"
  metric_name       = "HealthyHostCount"
  dimensions = {
    TargetGroup  = aws_lb_target_group.feed[each.key].arn_suffix
    LoadBalancer = local.lb_dimension
  }
  statistic           = "Minimum"
  period              = local.alarm_period_seconds
  evaluation_periods  = 2
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = local.tags
}

# ActiveFlowCount_TCP is reported only when it is not zero: missing data means no flow at all.
resource "aws_cloudwatch_metric_alarm" "nlb_tcp_flows" {
  alarm_name          = "${var.name}-nlb-tcp-flows-missing"
  alarm_description   = "The NLB carries fewer TCP flows than there are feeds (${length(var.feeds)}) for ${var.no_sender_minutes} min: some feed of the exchange is not connected. The per-feed alarms *-no-sender name it."
  namespace           = "AWS/NetworkELB"
  metric_name         = "ActiveFlowCount_TCP"
  dimensions          = { LoadBalancer = local.lb_dimension }
  statistic           = "Minimum"
  period              = local.alarm_period_seconds
  evaluation_periods  = var.no_sender_minutes
  datapoints_to_alarm = var.no_sender_minutes
  comparison_operator = "LessThanThreshold"
  threshold           = length(var.feeds)
  treat_missing_data  = "breaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = local.tags
}

# --- the relay's metrics --------------------------------------------------------------------------

# Per feed, the exchange's TCP connection as the relay counts it (the NLB has no per-target-group
# flow metric). Maximum over the tasks: the active relay has 1 or more, the standby 0.
resource "aws_cloudwatch_metric_alarm" "no_sender" {
  for_each = local.feeds_by_name

  alarm_name          = "${var.name}-${each.key}-no-sender"
  alarm_description   = "Feed ${each.key} (TCP ${each.value.port}): no exchange connection to any relay for ${var.no_sender_minutes} min (relay.ingress.connections.current). Missing data (no relay publishing) is breaching."
  namespace           = var.metrics_namespace
  metric_name         = "relay.ingress.connections.current.value"
  dimensions          = { feed = each.key, service = var.name }
  statistic           = "Maximum"
  period              = local.alarm_period_seconds
  evaluation_periods  = var.no_sender_minutes
  datapoints_to_alarm = var.no_sender_minutes
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = local.tags
}

# Per feed and VPC-side destination: datagrams out at zero. Markets trade all week; a relay that
# publishes nothing (gone, or CloudWatch unreachable) is as bad as silence, so missing is breaching.
resource "aws_cloudwatch_metric_alarm" "no_datagrams" {
  for_each = local.destinations_by_key

  alarm_name        = "${var.name}-${each.value.feed}-${each.value.group}-${each.value.port}-no-datagrams"
  alarm_description = "Feed ${each.value.feed}: no datagram sent to ${each.value.group}:${each.value.port} for ${var.no_datagrams_minutes} min (relay.egress.datagrams). Check the no-sender alarm, then relay.egress.send.errors."
  namespace         = var.metrics_namespace
  metric_name       = "relay.egress.datagrams.count"
  dimensions = {
    feed    = each.value.feed
    group   = each.value.group
    port    = tostring(each.value.port)
    service = var.name
  }
  statistic           = "Sum"
  period              = local.alarm_period_seconds
  evaluation_periods  = var.no_datagrams_minutes
  datapoints_to_alarm = var.no_datagrams_minutes
  comparison_operator = "LessThanOrEqualToThreshold"
  threshold           = 0
  treat_missing_data  = "breaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = local.tags
}

# Per feed: any protocol error, whatever the reason. Metric math over the explicit per-reason
# metrics (8, within an alarm's limit of 10), never SEARCH, which alarms do not allow.
resource "aws_cloudwatch_metric_alarm" "protocol_errors" {
  for_each = local.feeds_by_name

  alarm_name          = "${var.name}-${each.key}-protocol-errors"
  alarm_description   = "Feed ${each.key}: the relay closed an exchange connection for a protocol error (relay.ingress.protocol.errors). The WARN log line names the connection and reason."
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = local.tags

  metric_query {
    id          = "errors"
    label       = "protocol errors of feed ${each.key}"
    expression  = "SUM([${join(", ", [for i, _ in local.protocol_error_reasons : "m${i}"])}])"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = local.protocol_error_reasons
    content {
      id = "m${metric_query.key}"
      metric {
        namespace   = var.metrics_namespace
        metric_name = "relay.ingress.protocol.errors.count"
        dimensions  = { feed = each.key, reason = metric_query.value, service = var.name }
        stat        = "Sum"
        period      = local.alarm_period_seconds
      }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "sequence_gaps" {
  for_each = local.feeds_by_name

  alarm_name          = "${var.name}-${each.key}-sequence-gaps"
  alarm_description   = "Feed ${each.key}: DATA sequences skipped ahead (relay.ingress.sequence.gaps): loss upstream of the relay, in the exchange's capture."
  namespace           = var.metrics_namespace
  metric_name         = "relay.ingress.sequence.gaps.count"
  dimensions          = { feed = each.key, service = var.name }
  statistic           = "Sum"
  period              = local.alarm_period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = local.tags
}

# --- recovery -------------------------------------------------------------------------------------

# relay.recovery.recording (a gauge: CloudWatch name relay.recovery.recording.value) is 1 while the feed is recorded; the standby records too, so the sum over
# both tasks is the number of relays recording. Below the relay count for 5 minutes: a recording broke
# (the archive fell behind or its disk is full) and customers' replays across the break answer partial.
resource "aws_cloudwatch_metric_alarm" "recording_broken" {
  for_each = var.recovery.enabled ? local.feeds_by_name : {}

  alarm_name          = "${var.name}-${each.key}-recording-broken"
  alarm_description   = "Feed ${each.key}: fewer relays record the feed than run (relay.recovery.recording). Live multicast is unaffected; check the archive volume's free space and I/O (docs/recovery.md, \"When it is red\")."
  namespace           = var.metrics_namespace
  metric_name         = "relay.recovery.recording.value"
  dimensions          = { feed = each.key, service = var.name }
  statistic           = "Sum"
  period              = local.alarm_period_seconds
  evaluation_periods  = 5
  comparison_operator = "LessThanThreshold"
  threshold           = var.relay_count
  treat_missing_data  = "breaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = local.tags
}

# --- tasks ----------------------------------------------------------------------------------------

# Container Insights' task counts: fewer running than desired for 3 minutes (a task that keeps
# failing to start, hosts out of capacity, an image that cannot be pulled). Missing data breaches:
# with no running task there may be no datapoint at all.
resource "aws_cloudwatch_metric_alarm" "tasks_below_desired" {
  count = var.container_insights == "disabled" ? 0 : 1

  alarm_name          = "${var.name}-tasks-below-desired"
  alarm_description   = "Fewer relay tasks run than desired (ECS/ContainerInsights). Read the ECS service's events and the stopped tasks' reasons."
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 3
  treat_missing_data  = "breaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = local.tags

  metric_query {
    id          = "missing"
    expression  = "desired - running"
    label       = "desired minus running tasks"
    return_data = true
  }
  metric_query {
    id = "running"
    metric {
      namespace   = "ECS/ContainerInsights"
      metric_name = "RunningTaskCount"
      dimensions  = { ClusterName = aws_ecs_cluster.this.name, ServiceName = aws_ecs_service.relay.name }
      stat        = "Minimum"
      period      = local.alarm_period_seconds
    }
  }
  metric_query {
    id = "desired"
    metric {
      namespace   = "ECS/ContainerInsights"
      metric_name = "DesiredTaskCount"
      dimensions  = { ClusterName = aws_ecs_cluster.this.name, ServiceName = aws_ecs_service.relay.name }
      stat        = "Maximum"
      period      = local.alarm_period_seconds
    }
  }
}

# --- the canary (docs/probes.md) ------------------------------------------------------------------

locals {
  # A fast burn: 2 % of a 30-day budget in one hour, at least one minute (99.9 %: 43.2 budget
  # minutes a month, so 1 bad minute in an hour alarms; 99 %: 9).
  slo_budget_minutes_month = (1 - var.canary.slo_target) * 43200
  slo_fast_burn_minutes    = min(60, max(1, ceil(0.02 * local.slo_budget_minutes_month)))
}

# Fewer relays' probes reach the canary than relays run: the path from some relay to the canary's
# VPC drops them (if relay.probes.sent stops too, it is the relay: see the tasks alarm). Micrometer publishes a
# gauge as NAME.value (AlarmMetricNamesIT checks every name here against what the relay and canary publish).
resource "aws_cloudwatch_metric_alarm" "canary_path" {
  for_each = var.canary.enabled ? local.feeds_by_name : {}

  alarm_name          = "${var.name}-${each.key}-canary-path"
  alarm_description   = "Feed ${each.key}: the canary hears the probes of fewer relays than run (canary.feed.paths.up). docs/probes.md, \"From alarm fired to the broken hop\"."
  namespace           = var.metrics_namespace
  metric_name         = "canary.feed.paths.up.value"
  dimensions          = { feed = each.key, service = var.canary.service }
  statistic           = "Minimum"
  period              = local.alarm_period_seconds
  evaluation_periods  = 2
  comparison_operator = "LessThanThreshold"
  threshold           = var.relay_count
  treat_missing_data  = "breaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = local.tags
}

# The SLO: a delivered minute is one in which the canary heard some relay's probes for the feed.
resource "aws_cloudwatch_metric_alarm" "slo_fast_burn" {
  for_each = var.canary.enabled ? local.feeds_by_name : {}

  alarm_name          = "${var.name}-${each.key}-slo-fast-burn"
  alarm_description   = "Feed ${each.key}: ${local.slo_fast_burn_minutes} or more undelivered minutes in the last hour burn 2 % of the month's error budget (SLO ${var.canary.slo_target * 100} % delivered minutes). docs/metrics.md, SLOs."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  evaluation_periods  = 60
  datapoints_to_alarm = local.slo_fast_burn_minutes
  treat_missing_data  = "breaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = local.tags

  metric_query {
    id          = "bad"
    expression  = "IF(up < 1, 1, 0)"
    label       = "undelivered minute"
    return_data = true
  }
  metric_query {
    id = "up"
    metric {
      namespace   = var.metrics_namespace
      metric_name = "canary.feed.paths.up.value"
      dimensions  = { feed = each.key, service = var.canary.service }
      stat        = "Maximum"
      period      = local.alarm_period_seconds
    }
  }
}

# The latency SLO: the canary's p99 one-way latency of the feed's probes (all relays; relay clock to canary clock,
# docs/probes.md: accuracy) above latency_p99_ms in 3 of 5 minutes. Micrometer publishes the percentile as a gauge
# NAME.percentile with a phi dimension, in milliseconds. No data (no probes) is the path alarm's business.
resource "aws_cloudwatch_metric_alarm" "canary_latency" {
  for_each = var.canary.enabled ? local.feeds_by_name : {}

  alarm_name          = "${var.name}-${each.key}-canary-latency"
  alarm_description   = "Feed ${each.key}: p99 one-way latency of probes, relay to canary, above ${var.canary.latency_p99_ms} ms in 3 of 5 minutes (canary.feed.latency). docs/metrics.md, SLOs."
  namespace           = var.metrics_namespace
  metric_name         = "canary.feed.latency.percentile.value"
  dimensions          = { feed = each.key, phi = "0.99", service = var.canary.service }
  statistic           = "Maximum"
  period              = local.alarm_period_seconds
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.canary.latency_p99_ms
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = local.tags
}
