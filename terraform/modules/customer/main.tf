# The customer side: accept the exchange's RAM share, attach the customer's VPC to the shared
# multicast Transit Gateway, associate its subnets with the shared IGMPv2 domain, let the relay's
# multicast (and IGMP) through a security group, and force IGMPv2 on the subscribers.

locals {
  tags          = merge({ "mcast-relay:role" = "subscriber" }, var.tags)
  ports         = distinct([for g in var.groups : g.port])
  groups        = distinct([for g in var.groups : g.group])
  igmpv2_script = templatefile("${path.module}/templates/igmpv2.sh.tftpl", {})
}

resource "aws_ram_resource_share_accepter" "this" {
  count = var.accept_share ? 1 : 0

  share_arn = var.resource_share_arn
}

# The exchange's Transit Gateway accepts shared attachments automatically and has no default route
# table: this attachment is in no route table, so it carries no unicast to or from anyone.
# (Route-table association and propagation cannot be set from a participant account.)
resource "aws_ec2_transit_gateway_vpc_attachment" "this" {
  transit_gateway_id = var.transit_gateway_id
  vpc_id             = var.vpc_id
  subnet_ids         = var.subnet_ids

  tags = merge(local.tags, { Name = var.name })

  depends_on = [aws_ram_resource_share_accepter.this]

  lifecycle {
    # A Transit Gateway attachment takes one subnet per Availability Zone; AWS would refuse a second
    # one only during the apply, after the share was accepted.
    precondition {
      condition     = length(distinct([for s in data.aws_subnet.subscriber : s.availability_zone])) == length(var.subnet_ids)
      error_message = "subnet_ids must hold at most one subnet per Availability Zone (a Transit Gateway attachment takes one per AZ); these share one: ${join(", ", [for id, s in data.aws_subnet.subscriber : "${id} in ${s.availability_zone}"])}."
    }
    precondition {
      condition     = alltrue([for s in data.aws_subnet.subscriber : s.vpc_id == var.vpc_id])
      error_message = "every subnet in subnet_ids must belong to vpc_id (${var.vpc_id})."
    }
  }
}

data "aws_subnet" "subscriber" {
  for_each = toset(var.subnet_ids)

  id = each.key
}

# The domain accepts shared associations automatically.
resource "aws_ec2_transit_gateway_multicast_domain_association" "this" {
  for_each = toset(var.subnet_ids)

  transit_gateway_multicast_domain_id = var.multicast_domain_id
  transit_gateway_attachment_id       = aws_ec2_transit_gateway_vpc_attachment.this.id
  subnet_id                           = each.key
}

# --- security group for the subscribers -----------------------------------------------------------
# The minimum AWS documents for IGMP multicast: inbound IGMP queries from 0.0.0.0/32 and the
# multicast from the source's addresses; outbound IGMP leave to 224.0.0.2 and joins to the groups.

resource "aws_security_group" "subscriber" {
  name        = "${var.name}-multicast"
  description = "Multicast from the exchange's relay (IGMPv2 through the Transit Gateway)"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-multicast" })
}

resource "aws_vpc_security_group_ingress_rule" "multicast" {
  for_each = { for pair in setproduct(var.source_cidrs, local.ports) : "${pair[0]}-${pair[1]}" => {
    cidr = pair[0]
    port = pair[1]
  } }

  security_group_id = aws_security_group.subscriber.id
  description       = "multicast UDP ${each.value.port} from the relay's source range"
  ip_protocol       = "udp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr
}

resource "aws_vpc_security_group_ingress_rule" "igmp_query" {
  security_group_id = aws_security_group.subscriber.id
  description       = "IGMP query from the Transit Gateway (0.0.0.0 to 224.0.0.1)"
  ip_protocol       = "2"
  cidr_ipv4         = "0.0.0.0/32"
}

resource "aws_vpc_security_group_egress_rule" "igmp_leave" {
  security_group_id = aws_security_group.subscriber.id
  description       = "IGMPv2 leave (to 224.0.0.2)"
  ip_protocol       = "2"
  cidr_ipv4         = "224.0.0.2/32"
}

resource "aws_vpc_security_group_egress_rule" "igmp_join" {
  for_each = toset(local.groups)

  security_group_id = aws_security_group.subscriber.id
  description       = "IGMPv2 join (membership report) for ${each.key}"
  ip_protocol       = "2"
  cidr_ipv4         = "${each.key}/32"
}

# --- IGMPv2 on the subscribers --------------------------------------------------------------------

resource "aws_ssm_document" "igmpv2" {
  count = var.igmpv2_ssm_targets == null ? 0 : 1

  name            = "${var.name}-force-igmpv2"
  document_type   = "Command"
  document_format = "JSON"
  content = jsonencode({
    schemaVersion = "2.2"
    description   = "Force IGMPv2 (Transit Gateway multicast) now and across reboots."
    mainSteps = [{
      action = "aws:runShellScript"
      name   = "forceIgmpv2"
      precondition = {
        StringEquals = ["platformType", "Linux"]
      }
      inputs = {
        runCommand = split("\n", trimspace(local.igmpv2_script))
      }
    }]
  })

  tags = local.tags
}

resource "aws_ssm_association" "igmpv2" {
  count = var.igmpv2_ssm_targets == null ? 0 : 1

  name             = aws_ssm_document.igmpv2[0].name
  association_name = "${var.name}-force-igmpv2"

  targets {
    key    = "tag:${var.igmpv2_ssm_targets.tag_key}"
    values = var.igmpv2_ssm_targets.tag_values
  }

  # Re-applied every day, and on every instance that starts matching the tag.
  schedule_expression = "rate(1 day)"
}

# --- unicast to the relay's replay port (recovery) ------------------------------------------------
# TCP from the subscribers to the relay's source range, through the Transit Gateway. The exchange
# associates this attachment with its customers' route table, which routes only to the relay subnets.

locals {
  replay_routes = var.replay == null ? {} : {
    for pair in setproduct(var.replay.route_table_ids, var.source_cidrs) : "${pair[0]}-${pair[1]}" => {
      route_table_id = pair[0]
      cidr           = pair[1]
    }
  }
}

resource "aws_route" "to_relay" {
  for_each = local.replay_routes

  route_table_id         = each.value.route_table_id
  destination_cidr_block = each.value.cidr
  transit_gateway_id     = var.transit_gateway_id

  depends_on = [aws_ec2_transit_gateway_vpc_attachment.this]
}

resource "aws_vpc_security_group_egress_rule" "replay" {
  for_each = toset(var.replay == null ? [] : var.source_cidrs)

  security_group_id = aws_security_group.subscriber.id
  description       = "the relay's replay port (recovery) in ${each.key}"
  ip_protocol       = "tcp"
  from_port         = var.replay.port
  to_port           = var.replay.port
  cidr_ipv4         = each.key
}

# --- network ACL rules (network_acl) --------------------------------------------------------------
# A NACL is stateless and applies to multicast (the Transit Gateway sits outside the subnet): the relay's datagrams,
# the TGW's IGMP queries and the subscribers' joins must each be allowed, and the replay connection both ways.

locals {
  nacl_rules = var.network_acl == null ? [] : concat(
    [for p in setproduct(var.source_cidrs, local.ports) :
    { egress = false, protocol = "udp", from = p[1], to = p[1], cidr = p[0] }],
    [{ egress = false, protocol = "2", from = 0, to = 0, cidr = "0.0.0.0/32" }],
    [{ egress = true, protocol = "2", from = 0, to = 0, cidr = "224.0.0.0/4" }],
    var.replay == null ? [] : flatten([for c in var.source_cidrs : [
      { egress = true, protocol = "tcp", from = var.replay.port, to = var.replay.port, cidr = c },
      { egress = false, protocol = "tcp", from = 1024, to = 65535, cidr = c },
    ]]),
  )
}

resource "aws_network_acl_rule" "multicast" {
  for_each = { for i, r in local.nacl_rules : tostring(var.network_acl.first_rule_number + i) => r }

  network_acl_id = var.network_acl.id
  rule_number    = tonumber(each.key)
  egress         = each.value.egress
  protocol       = each.value.protocol
  rule_action    = "allow"
  cidr_block     = each.value.cidr
  from_port      = each.value.from
  to_port        = each.value.to

  lifecycle {
    precondition {
      condition     = length(local.nacl_rules) <= 100
      error_message = "network_acl: ${length(local.nacl_rules)} rules are needed, more than the 100 the module numbers from first_rule_number (fewer source_cidrs or group ports)."
    }
  }
}
