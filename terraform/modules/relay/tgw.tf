# The Transit Gateway, its multicast domain, the relay's attachment, and the RAM share.
#
# Multicast cannot cross Direct Connect, VPN or Transit Gateway peering: the exchange's data arrives
# over TCP through the NLB, and multicast exists only from the relay's subnets onwards, inside this
# Transit Gateway's domain, in this Region.

resource "aws_ec2_transit_gateway" "this" {
  description     = "${var.name}: multicast from the relay to customers' VPCs"
  amazon_side_asn = var.amazon_side_asn

  # Multicast can only be turned on when a Transit Gateway is created.
  multicast_support = "enable"

  # Customers' attachments are accepted without a manual step ...
  auto_accept_shared_attachments = "enable"

  # ... and land in no route table: no attachment learns another's routes, so customers cannot
  # reach each other (or the relay's VPC) by unicast. Multicast follows the domain, not route tables.
  # With recovery, listed customers reach the relay subnets' replay port only (end of this file).
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"

  # No unicast crosses this Transit Gateway, so neither DNS resolution nor VPN ECMP is needed.
  dns_support      = "disable"
  vpn_ecmp_support = "disable"

  tags = merge(local.tags, { Name = var.name })
}

resource "aws_ec2_transit_gateway_multicast_domain" "this" {
  transit_gateway_id = aws_ec2_transit_gateway.this.id

  # Hosts join and leave with IGMPv2; static sources off (the two cannot both be on), so any ENI in
  # an associated subnet may send: the relay's task ENIs change with every task.
  igmpv2_support         = "enable"
  static_sources_support = "disable"

  # Customers associate their own subnets with the shared domain without a manual accept.
  auto_accept_shared_associations = "enable"

  tags = merge(local.tags, { Name = var.name })
}

resource "aws_ec2_transit_gateway_vpc_attachment" "relay" {
  transit_gateway_id = aws_ec2_transit_gateway.this.id
  vpc_id             = var.vpc_id
  subnet_ids         = [for az in sort(keys(var.relay_subnets)) : aws_subnet.relay[az].id]

  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false

  tags = merge(local.tags, { Name = "${var.name}-relay" })
}

resource "aws_ec2_transit_gateway_multicast_domain_association" "relay" {
  for_each = aws_subnet.relay

  transit_gateway_multicast_domain_id = aws_ec2_transit_gateway_multicast_domain.this.id
  transit_gateway_attachment_id       = aws_ec2_transit_gateway_vpc_attachment.relay.id
  subnet_id                           = each.value.id
}

# --- sharing with customers -----------------------------------------------------------------------

resource "aws_ram_resource_share" "this" {
  name = var.name

  # Customers are other companies' accounts, usually outside the exchange's organization.
  allow_external_principals = true

  tags = local.tags
}

# The Transit Gateway (customers attach their VPCs to it) and the domain (they associate subnets).
resource "aws_ram_resource_association" "transit_gateway" {
  resource_share_arn = aws_ram_resource_share.this.arn
  resource_arn       = aws_ec2_transit_gateway.this.arn
}

resource "aws_ram_resource_association" "multicast_domain" {
  resource_share_arn = aws_ram_resource_share.this.arn
  resource_arn       = aws_ec2_transit_gateway_multicast_domain.this.arn
}

resource "aws_ram_principal_association" "customer" {
  for_each = toset(var.customer_principals)

  resource_share_arn = aws_ram_resource_share.this.arn
  principal          = each.key
}

# --- unicast for the replay port (recovery) -------------------------------------------------------
# The replay port is TCP from customers' VPCs to the relay's ENIs: multicast domains do not carry it.
# Two route tables keep customers apart: customers' attachments are associated with one that routes
# only to the relay subnets, and the relay's attachment with one that routes only to the customer
# CIDRs listed. No propagation: nothing a customer announces reaches another customer. Association
# can only be done by the Transit Gateway's owner, so customers' attachment ids are an input here.

locals {
  replay_customers = var.recovery.enabled ? var.recovery.customer_attachments : {}
  replay_routes = merge([for name, c in local.replay_customers : {
    for cidr in c.cidrs : "${name}-${cidr}" => { attachment_id = c.attachment_id, cidr = cidr }
  }]...)
}

resource "aws_ec2_transit_gateway_route_table" "replay_relay" {
  count = length(local.replay_customers) > 0 ? 1 : 0

  transit_gateway_id = aws_ec2_transit_gateway.this.id
  tags               = merge(local.tags, { Name = "${var.name}-replay-relay" })
}

resource "aws_ec2_transit_gateway_route_table" "replay_customers" {
  count = length(local.replay_customers) > 0 ? 1 : 0

  transit_gateway_id = aws_ec2_transit_gateway.this.id
  tags               = merge(local.tags, { Name = "${var.name}-replay-customers" })
}

resource "aws_ec2_transit_gateway_route_table_association" "replay_relay" {
  count = length(local.replay_customers) > 0 ? 1 : 0

  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.relay.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.replay_relay[0].id
}

resource "aws_ec2_transit_gateway_route_table_association" "replay_customer" {
  for_each = local.replay_customers

  transit_gateway_attachment_id  = each.value.attachment_id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.replay_customers[0].id
}

# relay -> each customer CIDR, through that customer's attachment
resource "aws_ec2_transit_gateway_route" "to_customer" {
  for_each = local.replay_routes

  destination_cidr_block         = each.value.cidr
  transit_gateway_attachment_id  = each.value.attachment_id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.replay_relay[0].id
}

# customers -> the relay subnets only (not the rest of the relay's VPC)
resource "aws_ec2_transit_gateway_route" "to_relay" {
  for_each = length(local.replay_customers) > 0 ? var.relay_subnets : {}

  destination_cidr_block         = each.value
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.relay.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.replay_customers[0].id
}

# In the relay subnets' route table: the answers to the customers go to the Transit Gateway.
resource "aws_route" "relay_to_customer" {
  for_each = { for k, r in local.replay_routes : r.cidr => r... }

  route_table_id         = local.relay_route_table_id
  destination_cidr_block = each.key
  transit_gateway_id     = aws_ec2_transit_gateway.this.id

  depends_on = [aws_ec2_transit_gateway_vpc_attachment.relay]
}
