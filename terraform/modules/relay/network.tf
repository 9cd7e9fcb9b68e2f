# Subnets and security groups.
#
# The relay subnets are created here and dedicated to the relay: with static sources off on the
# multicast domain, any ENI in an associated subnet may send to the groups, so nothing else may live
# in them, and their CIDRs are the source range customers allow.

resource "aws_subnet" "relay" {
  for_each = var.relay_subnets

  vpc_id                  = var.vpc_id
  availability_zone       = each.key
  cidr_block              = each.value
  map_public_ip_on_launch = false

  tags = merge(local.tags, {
    Name                 = "${var.name}-relay-${each.key}"
    "mcast-relay:role"   = "relay"
    "mcast-relay:source" = "true"
  })

  lifecycle {
    precondition {
      condition     = local.cidr_in_vpc[each.value]
      error_message = "relay_subnets[\"${each.key}\"] = ${each.value} lies outside VPC ${var.vpc_id} (${join(", ", local.vpc_cidrs)})."
    }
  }
}

resource "aws_subnet" "nlb" {
  for_each = var.nlb_subnets

  vpc_id                  = var.vpc_id
  availability_zone       = each.key
  cidr_block              = each.value
  map_public_ip_on_launch = false

  tags = merge(local.tags, {
    Name               = "${var.name}-nlb-${each.key}"
    "mcast-relay:role" = "nlb"
  })

  lifecycle {
    precondition {
      condition     = local.cidr_in_vpc[each.value]
      error_message = "nlb_subnets[\"${each.key}\"] = ${each.value} lies outside VPC ${var.vpc_id} (${join(", ", local.vpc_cidrs)})."
    }
  }
}

resource "aws_route_table_association" "relay" {
  for_each = local.creates_route_table || var.relay_route_table_id != null ? aws_subnet.relay : {}

  subnet_id      = each.value.id
  route_table_id = local.relay_route_table_id
}

resource "aws_route_table_association" "nlb" {
  for_each = var.nlb_route_table_id == null ? {} : aws_subnet.nlb

  subnet_id      = each.value.id
  route_table_id = var.nlb_route_table_id
}

# --- the NLB's security group ---------------------------------------------------------------------
# Feed ports only from the exchange. Egress only to the relay subnets: the feed ports (forwarded
# connections) and the health port (health checks, sent from the NLB's own addresses).

resource "aws_security_group" "nlb" {
  name        = "${var.name}-nlb"
  description = "mcast-relay NLB: feed ports from the exchange only"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-nlb" })
}

resource "aws_vpc_security_group_ingress_rule" "nlb_feed" {
  for_each = { for pair in setproduct(keys(local.feeds_by_name), var.exchange_cidrs) : "${pair[0]}-${pair[1]}" => {
    port = local.feeds_by_name[pair[0]].port
    cidr = pair[1]
    feed = pair[0]
  } }

  security_group_id = aws_security_group.nlb.id
  description       = "feed ${each.value.feed} from the exchange"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr
}

resource "aws_vpc_security_group_egress_rule" "nlb_to_relay" {
  for_each = { for pair in setproduct(concat([for f in var.feeds : f.port], [var.health_port]), values(var.relay_subnets)) : "${pair[0]}-${pair[1]}" => {
    port = pair[0]
    cidr = pair[1]
  } }

  security_group_id = aws_security_group.nlb.id
  description       = each.value.port == var.health_port ? "health checks to the relay" : "feed traffic to the relay"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr
}

# --- the relay tasks' security group (on each task's awsvpc ENI) ----------------------------------

resource "aws_security_group" "task" {
  name        = "${var.name}-task"
  description = "mcast-relay tasks: feeds from the exchange, health from the NLB, multicast out"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-task" })
}

# Without PROXY protocol the NLB preserves the client's address, so the task sees the exchange's CIDRs on
# the feed ports; with it, the connections come from the NLB's own addresses in its subnets.
resource "aws_vpc_security_group_ingress_rule" "task_feed" {
  for_each = { for pair in setproduct(keys(local.feeds_by_name), var.proxy_protocol_v2 ? values(var.nlb_subnets) : var.exchange_cidrs) : "${pair[0]}-${pair[1]}" => {
    port = local.feeds_by_name[pair[0]].port
    cidr = pair[1]
    feed = pair[0]
  } }

  security_group_id = aws_security_group.task.id
  description       = var.proxy_protocol_v2 ? "feed ${each.value.feed} from the NLB (PROXY v2 header names the exchange)" : "feed ${each.value.feed} from the exchange (client address preserved by the NLB)"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr
}

# The replay port (recovery on): customers' VPCs over the Transit Gateway's unicast routes, nothing else.
resource "aws_vpc_security_group_ingress_rule" "task_replay" {
  for_each = toset(var.recovery.enabled ? var.recovery.customer_cidrs : [])

  security_group_id = aws_security_group.task.id
  description       = "replay port (recovery) from customers in ${each.value}"
  ip_protocol       = "tcp"
  from_port         = var.recovery.port
  to_port           = var.recovery.port
  cidr_ipv4         = each.value
}

# Health checks come from the NLB's addresses in its own subnets, and from nowhere else.
resource "aws_vpc_security_group_ingress_rule" "task_health" {
  for_each = var.nlb_subnets

  security_group_id = aws_security_group.task.id
  description       = "NLB health checks from ${each.key}"
  ip_protocol       = "tcp"
  from_port         = var.health_port
  to_port           = var.health_port
  cidr_ipv4         = each.value
}

# IGMP as AWS documents it for Transit Gateway multicast: queries arrive from 0.0.0.0 (to 224.0.0.1).
resource "aws_vpc_security_group_ingress_rule" "task_igmp_query" {
  security_group_id = aws_security_group.task.id
  description       = "IGMP query from the Transit Gateway (0.0.0.0 to 224.0.0.1)"
  ip_protocol       = "2"
  cidr_ipv4         = "0.0.0.0/32"
}

resource "aws_vpc_security_group_egress_rule" "task_multicast" {
  for_each = local.destinations_by_key

  security_group_id = aws_security_group.task.id
  description       = "multicast of feed ${each.value.feed} to ${each.value.group}:${each.value.port}"
  ip_protocol       = "udp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = "${each.value.group}/32"
}

resource "aws_vpc_security_group_egress_rule" "task_probes" {
  count = var.probes.group == null ? 0 : 1

  security_group_id = aws_security_group.task.id
  description       = "probe datagrams to ${var.probes.group}"
  ip_protocol       = "udp"
  from_port         = tonumber(split(":", var.probes.group)[1])
  to_port           = tonumber(split(":", var.probes.group)[1])
  cidr_ipv4         = "${split(":", var.probes.group)[0]}/32"
}

resource "aws_vpc_security_group_egress_rule" "task_igmp_leave" {
  security_group_id = aws_security_group.task.id
  description       = "IGMPv2 leave (to 224.0.0.2)"
  ip_protocol       = "2"
  cidr_ipv4         = "224.0.0.2/32"
}

resource "aws_vpc_security_group_egress_rule" "task_igmp_report" {
  for_each = toset(local.groups)

  security_group_id = aws_security_group.task.id
  description       = "IGMPv2 membership report for ${each.key}"
  ip_protocol       = "2"
  cidr_ipv4         = "${each.key}/32"
}

# Where HTTPS to AWS's APIs goes: the endpoints' subnets (and S3's prefix list) with service_access.mode endpoints,
# else https_egress_cidrs (a NAT gateway, or endpoints managed elsewhere).
locals {
  https_egress_cidrs = var.service_access.mode == "endpoints" ? values(var.service_access.endpoint_subnets) : var.https_egress_cidrs
}

# PutMetricData to CloudWatch from the task (the awslogs driver and image pulls go through the host).
resource "aws_vpc_security_group_egress_rule" "task_https" {
  for_each = toset(local.https_egress_cidrs)

  security_group_id = aws_security_group.task.id
  description       = "HTTPS to CloudWatch (metrics)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.key
}

# --- the ECS hosts' security group (primary ENI): no inbound at all --------------------------------

resource "aws_security_group" "host" {
  name        = "${var.name}-host"
  description = "mcast-relay ECS hosts: no inbound; HTTPS out to ECS, ECR, CloudWatch Logs, SSM"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-host" })
}

resource "aws_vpc_security_group_egress_rule" "host_https" {
  for_each = toset(local.https_egress_cidrs)

  security_group_id = aws_security_group.host.id
  description       = "HTTPS to ECS, ECR, S3 (image layers), CloudWatch Logs, SSM"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.key
}

# Image layers from S3 through the gateway endpoint (mode endpoints): S3's addresses are AWS's prefix list.
resource "aws_vpc_security_group_egress_rule" "host_s3" {
  count = var.service_access.mode == "endpoints" ? 1 : 0

  security_group_id = aws_security_group.host.id
  description       = "HTTPS to S3 (image layers) through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = aws_vpc_endpoint.s3[0].prefix_list_id
}
