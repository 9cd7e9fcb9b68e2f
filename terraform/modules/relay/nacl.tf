# Network ACLs of the module's own subnets (manage_network_acls): exactly the relay's traffic. NACLs are stateless,
# so every flow needs its return too, and they apply to multicast (the Transit Gateway sits outside the subnet).
# The table in terraform/README.md, "Network ACLs", is the same list for a NACL managed elsewhere.
#
# Rule numbers: 100s the listening ports (allow from their sources, then deny from anywhere, so that the
# ephemeral range below never opens them), 200s IGMP and multicast, 300s return traffic, 400s HTTPS.

locals {
  # Sources of the feed connections as the task sees them (PROXY v2: the NLB; else the exchange, preserved).
  feed_sources = var.proxy_protocol_v2 ? values(var.nlb_subnets) : var.exchange_cidrs
  # Return traffic of HTTPS to AWS's APIs. A NACL cannot name S3's prefix list: with endpoints, S3 is anywhere.
  https_return_cidrs = var.service_access.mode == "endpoints" ? ["0.0.0.0/0"] : var.https_egress_cidrs
  # The relay's listening ports (feeds, health, management 8081, replay): denied from anyone not allowed above.
  listening_ports = distinct(concat([for f in var.feeds : f.port], [var.health_port, 8081],
  var.recovery.enabled ? [var.recovery.port] : []))

  relay_nacl_ingress = concat(
    [for p in setproduct([for f in var.feeds : f.port], local.feed_sources) :
    { protocol = "tcp", from = p[0], to = p[0], cidr = p[1], action = "allow", what = "feed port from its sources" }],
    [for cidr in values(var.nlb_subnets) :
    { protocol = "tcp", from = var.health_port, to = var.health_port, cidr = cidr, action = "allow", what = "health checks from the NLB" }],
    var.recovery.enabled ? [for cidr in var.recovery.customer_cidrs :
    { protocol = "tcp", from = var.recovery.port, to = var.recovery.port, cidr = cidr, action = "allow", what = "replay port from customers" }] : [],
    [for port in local.listening_ports :
    { protocol = "tcp", from = port, to = port, cidr = "0.0.0.0/0", action = "deny", what = "a listening port from anyone else" }],
    [{ protocol = "2", from = 0, to = 0, cidr = "0.0.0.0/32", action = "allow", what = "IGMP queries from the Transit Gateway" }],
    [for cidr in local.https_return_cidrs :
    { protocol = "tcp", from = 1024, to = 65535, cidr = cidr, action = "allow", what = "return of HTTPS to AWS's APIs" }],
  )

  relay_nacl_egress = concat(
    [for d in local.destinations :
    { protocol = "udp", from = d.port, to = d.port, cidr = "${d.group}/32", action = "allow", what = "multicast to a feed group" }],
    var.probes.group == null ? [] : [{ protocol = "udp", from = tonumber(split(":", var.probes.group)[1]),
      to                                        = tonumber(split(":", var.probes.group)[1]), cidr = "${split(":", var.probes.group)[0]}/32", action = "allow",
    what = "probes to the probe group" }],
    [{ protocol = "2", from = 0, to = 0, cidr = "224.0.0.0/4", action = "allow", what = "IGMP reports and leaves" }],
    [for cidr in distinct(concat(local.feed_sources, values(var.nlb_subnets), var.recovery.enabled ? var.recovery.customer_cidrs : [])) :
    { protocol = "tcp", from = 1024, to = 65535, cidr = cidr, action = "allow", what = "return of feed, health and replay connections" }],
    [for cidr in local.https_return_cidrs :
    { protocol = "tcp", from = 443, to = 443, cidr = cidr, action = "allow", what = "HTTPS to AWS's APIs" }],
  )

  nlb_nacl_ingress = concat(
    [for p in setproduct([for f in var.feeds : f.port], var.exchange_cidrs) :
    { protocol = "tcp", from = p[0], to = p[0], cidr = p[1], action = "allow", what = "feed port from the exchange" }],
    [for cidr in values(var.relay_subnets) :
    { protocol = "tcp", from = 1024, to = 65535, cidr = cidr, action = "allow", what = "return from the relay (health checks, feed connections)" }],
  )

  nlb_nacl_egress = concat(
    [for p in setproduct(concat([for f in var.feeds : f.port], [var.health_port]), values(var.relay_subnets)) :
    { protocol = "tcp", from = p[0], to = p[0], cidr = p[1], action = "allow", what = "feed connections and health checks to the relay" }],
    [for cidr in var.exchange_cidrs :
    { protocol = "tcp", from = 1024, to = 65535, cidr = cidr, action = "allow", what = "return to the exchange" }],
  )

  endpoints_nacl_ingress = [for cidr in values(var.relay_subnets) :
  { protocol = "tcp", from = 443, to = 443, cidr = cidr, action = "allow", what = "HTTPS from the relay subnets" }]
  endpoints_nacl_egress = [for cidr in values(var.relay_subnets) :
  { protocol = "tcp", from = 1024, to = 65535, cidr = cidr, action = "allow", what = "return to the relay subnets" }]
}

# One NACL per kind of subnet the module creates, with the rules above.
locals {
  network_acls = !var.manage_network_acls ? {} : merge(
    {
      relay = { subnet_ids = local.host_subnet_ids, ingress = local.relay_nacl_ingress, egress = local.relay_nacl_egress }
      nlb = { subnet_ids = [for az in sort(keys(var.nlb_subnets)) : aws_subnet.nlb[az].id],
      ingress = local.nlb_nacl_ingress, egress = local.nlb_nacl_egress }
    },
    var.service_access.mode != "endpoints" ? {} : {
      endpoints = { subnet_ids = [for az in sort(keys(aws_subnet.endpoints)) : aws_subnet.endpoints[az].id],
      ingress = local.endpoints_nacl_ingress, egress = local.endpoints_nacl_egress }
    },
  )
}

resource "aws_network_acl" "this" {
  for_each = local.network_acls

  vpc_id     = var.vpc_id
  subnet_ids = each.value.subnet_ids

  dynamic "ingress" {
    for_each = each.value.ingress
    content {
      rule_no    = 100 + ingress.key
      protocol   = ingress.value.protocol
      action     = ingress.value.action
      cidr_block = ingress.value.cidr
      from_port  = ingress.value.from
      to_port    = ingress.value.to
    }
  }

  dynamic "egress" {
    for_each = each.value.egress
    content {
      rule_no    = 100 + egress.key
      protocol   = egress.value.protocol
      action     = egress.value.action
      cidr_block = egress.value.cidr
      from_port  = egress.value.from
      to_port    = egress.value.to
    }
  }

  tags = merge(local.tags, { Name = "${var.name}-${each.key}" })

  lifecycle {
    precondition {
      condition     = length(each.value.ingress) <= 20 && length(each.value.egress) <= 20
      error_message = "manage_network_acls: the ${each.key} subnets' NACL needs ${length(each.value.ingress)} inbound and ${length(each.value.egress)} outbound rules, over the default quota of 20 each way (fewer exchange_cidrs, customer_cidrs or destinations; or raise the quota and manage the NACL yourself)."
    }
  }
}
