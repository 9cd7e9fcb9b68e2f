# How the hosts and tasks reach AWS's APIs (variable service_access): interface endpoints and an S3 gateway
# endpoint, or a NAT gateway, or a path that already exists. Also what only AWS knows about the VPC: its CIDRs,
# which every subnet the module creates must lie in, and its DNS settings, which endpoints with private DNS need.

data "aws_vpc" "this" {
  id = var.vpc_id

  lifecycle {
    postcondition {
      condition     = var.service_access.mode != "endpoints" || (self.enable_dns_support && self.enable_dns_hostnames)
      error_message = "VPC ${var.vpc_id} needs enableDnsSupport and enableDnsHostnames for service_access.mode endpoints: interface endpoints answer under the services' own names only through private DNS."
    }
  }
}

locals {
  vpc_cidrs = distinct(concat([data.aws_vpc.this.cidr_block],
  [for a in data.aws_vpc.this.cidr_block_associations : a.cidr_block if a.state == "associated"]))

  # CIDR => true when it lies within one of the VPC's CIDR blocks (same network at the VPC block's prefix length).
  cidr_in_vpc = { for cidr in concat(values(var.relay_subnets), values(var.nlb_subnets), values(var.service_access.endpoint_subnets)) :
    cidr => anytrue([for v in local.vpc_cidrs :
      tonumber(split("/", cidr)[1]) >= tonumber(split("/", v)[1]) &&
      cidrhost("${split("/", cidr)[0]}/${split("/", v)[1]}", 0) == cidrhost(v, 0)
    ])
  }

  # The relay subnets' route table: the module's own with endpoints and nat, else the one given (or the main one).
  creates_route_table  = var.service_access.mode != "existing"
  relay_route_table_id = local.creates_route_table ? aws_route_table.relay[0].id : var.relay_route_table_id

  interface_endpoints = var.service_access.mode != "endpoints" ? [] : concat(
    ["ecr.api", "ecr.dkr", "ecs", "ecs-agent", "ecs-telemetry", "logs", "monitoring"],
    var.enable_ssm_session_manager ? ["ssm", "ssmmessages", "ec2messages"] : [],
  )
}

resource "aws_route_table" "relay" {
  count  = local.creates_route_table ? 1 : 0
  vpc_id = var.vpc_id
  tags   = merge(local.tags, { Name = "${var.name}-relay" })
}

resource "aws_route" "relay_default_to_nat" {
  count = var.service_access.mode == "nat" ? 1 : 0

  route_table_id         = aws_route_table.relay[0].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = var.service_access.nat_gateway_id
}

# --- mode endpoints -------------------------------------------------------------------------------

# The endpoints' ENIs live in subnets of their own: nothing but the relay may live in the relay subnets (any ENI
# there may send to the groups), and the NLB needs its subnets' free addresses to scale.
resource "aws_subnet" "endpoints" {
  for_each = var.service_access.endpoint_subnets

  vpc_id                  = var.vpc_id
  availability_zone       = each.key
  cidr_block              = each.value
  map_public_ip_on_launch = false

  tags = merge(local.tags, {
    Name               = "${var.name}-endpoints-${each.key}"
    "mcast-relay:role" = "endpoints"
  })

  lifecycle {
    precondition {
      condition     = local.cidr_in_vpc[each.value]
      error_message = "service_access.endpoint_subnets[\"${each.key}\"] = ${each.value} lies outside VPC ${var.vpc_id} (${join(", ", local.vpc_cidrs)})."
    }
  }
}

resource "aws_security_group" "endpoints" {
  count = var.service_access.mode == "endpoints" ? 1 : 0

  name        = "${var.name}-endpoints"
  description = "mcast-relay interface endpoints: HTTPS from the relay subnets only"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-endpoints" })
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  for_each = var.service_access.mode == "endpoints" ? var.relay_subnets : {}

  security_group_id = aws_security_group.endpoints[0].id
  description       = "HTTPS from the relay hosts and tasks in ${each.key}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
}

resource "aws_vpc_endpoint" "interface" {
  for_each = toset(local.interface_endpoints)

  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [for az in sort(keys(aws_subnet.endpoints)) : aws_subnet.endpoints[az].id]
  security_group_ids  = [aws_security_group.endpoints[0].id]
  tags                = merge(local.tags, { Name = "${var.name}-${each.key}" })
}

# ECR serves image layers from S3: a gateway endpoint (free, a route in the relay subnets' table).
resource "aws_vpc_endpoint" "s3" {
  count = var.service_access.mode == "endpoints" ? 1 : 0

  vpc_id            = var.vpc_id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.relay[0].id]
  tags              = merge(local.tags, { Name = "${var.name}-s3" })
}
