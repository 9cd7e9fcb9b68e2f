# Inputs of the customer side. The exchange hands over the relay module's `customer_handoff` output
# (share ARN, Transit Gateway and domain IDs, source CIDRs, groups); the customer adds its own VPC,
# subnets and instances.

locals {
  ipv4_pattern = "^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$"
}

variable "name" {
  description = "Name prefix of the customer's resources (security group, SSM document)."
  type        = string
  default     = "mcast-subscriber"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9-]{0,62}$", var.name))
    error_message = "name must be 1 to 63 letters, digits and '-', starting with a letter."
  }
}

variable "resource_share_arn" {
  description = "ARN of the exchange's RAM resource share (relay output resource_share_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ram:[a-z0-9-]+:[0-9]{12}:resource-share/[0-9a-f-]{36}$", var.resource_share_arn))
    error_message = "resource_share_arn must be a RAM resource share ARN: arn:aws:ram:<region>:<account>:resource-share/<uuid>."
  }
}

variable "accept_share" {
  description = "Accept the share's invitation. True for an account outside the exchange's AWS organization (the usual case); false inside it when RAM sharing with Organizations is on (no invitation is sent)."
  type        = bool
  default     = true
}

variable "transit_gateway_id" {
  description = "The exchange's multicast Transit Gateway (relay output transit_gateway_id)."
  type        = string

  validation {
    condition     = can(regex("^tgw-[0-9a-f]{8,17}$", var.transit_gateway_id))
    error_message = "transit_gateway_id must look like tgw-0123456789abcdef0."
  }
}

variable "multicast_domain_id" {
  description = "The exchange's multicast domain (relay output multicast_domain_id)."
  type        = string

  validation {
    condition     = can(regex("^tgw-mcast-domain-[0-9a-f]{8,17}$", var.multicast_domain_id))
    error_message = "multicast_domain_id must look like tgw-mcast-domain-0123456789abcdef0."
  }
}

variable "vpc_id" {
  description = "The customer's VPC, in the same Region as the relay (multicast does not cross Regions)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "The customer's subnets where subscribers run, at most one per Availability Zone (a Transit Gateway attachment takes one subnet per AZ; checked before the apply, from the subnets' own AZs). Each is attached and associated with the multicast domain. With static sources off, any host in them could also send to the groups: the security group below only lets the relay's source range in."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "subnet_ids needs at least one subnet ID like subnet-0123456789abcdef0."
  }
  validation {
    condition     = length(distinct(var.subnet_ids)) == length(var.subnet_ids)
    error_message = "subnet_ids must not repeat a subnet."
  }
}

variable "source_cidrs" {
  description = "The relay's source range as the exchange publishes it (relay output source_cidrs): the only senders the security group accepts multicast from. A security group cannot name the source by security group for multicast."
  type        = list(string)

  validation {
    condition = length(var.source_cidrs) >= 1 && alltrue([for c in var.source_cidrs :
    can(cidrnetmask(c)) && try(cidrhost(c, 0) == split("/", c)[0], false) && c != "0.0.0.0/0"])
    error_message = "source_cidrs must be IPv4 network CIDRs (host bits zero), not 0.0.0.0/0."
  }
}

variable "groups" {
  description = "The multicast groups and UDP ports the subscribers join (relay output multicast_groups; feed is informational)."
  type = list(object({
    group = string
    port  = number
    feed  = optional(string)
  }))

  validation {
    condition     = length(var.groups) >= 1
    error_message = "groups needs at least one group."
  }
  validation {
    condition = alltrue([for g in var.groups :
      can(regex(local.ipv4_pattern, g.group)) &&
      try(cidrhost("${g.group}/4", 0) == "224.0.0.0", false) &&
    try(cidrhost("${g.group}/24", 0) != "224.0.0.0", false)])
    error_message = "Every group must be an IPv4 address in 224.0.0.0/4, outside the link-local block 224.0.0.0/24."
  }
  validation {
    condition     = alltrue([for g in var.groups : g.port >= 1 && g.port <= 65535 && floor(g.port) == g.port])
    error_message = "Every group's port must be a UDP port 1..65535."
  }
}

variable "igmpv2_ssm_targets" {
  description = "Force IGMPv2 on running instances through an SSM State Manager association: the EC2 tag key and values that select them (the instances need the SSM agent and an instance profile that allows it). null: only the igmpv2_user_data output, for launch templates."
  type = object({
    tag_key    = string
    tag_values = list(string)
  })
  default = null

  validation {
    condition     = var.igmpv2_ssm_targets == null || try(length(var.igmpv2_ssm_targets.tag_values) >= 1 && length(var.igmpv2_ssm_targets.tag_key) >= 1, false)
    error_message = "igmpv2_ssm_targets needs a tag_key and at least one tag value."
  }
}

variable "replay" {
  description = "The relay's replay port (recovery, docs/recovery.md): port is the handoff's replay_port; route_table_ids are the route tables of the subscribers' subnets, which get a route to the relay's source range through the Transit Gateway. The exchange must also list this attachment in its recovery.customer_attachments (the Transit Gateway's route tables belong to it). null: multicast only."
  type = object({
    port            = number
    route_table_ids = list(string)
  })
  default = null

  validation {
    condition     = var.replay == null || try(var.replay.port >= 1024 && var.replay.port <= 65535, false)
    error_message = "replay.port must be the relay's replay port, 1024..65535 (handoff replay_port)."
  }
  validation {
    condition     = var.replay == null || try(length(var.replay.route_table_ids) >= 1 && alltrue([for r in var.replay.route_table_ids : can(regex("^rtb-[0-9a-f]{8,17}$", r))]), false)
    error_message = "replay.route_table_ids needs at least one route table ID like rtb-0123456789abcdef0."
  }
}

variable "network_acl" {
  description = "The network ACL of the subscribers' subnets, when it is not the VPC's default allow-all: the module adds the rules multicast needs (NACLs are stateless and apply to multicast), numbered from first_rule_number: UDP in from source_cidrs to each group port, IGMP in from 0.0.0.0/32 (queries), IGMP out to 224.0.0.0/4 (joins, leaves), and with replay the replay port out to source_cidrs and its answers in. null: no rules added (the NACL must allow the same: terraform/README.md, \"Network ACLs\")."
  type = object({
    id                = string
    first_rule_number = optional(number, 200)
  })
  default = null

  validation {
    condition     = var.network_acl == null || try(can(regex("^acl-[0-9a-f]{8,17}$", var.network_acl.id)), false)
    error_message = "network_acl.id must look like acl-0123456789abcdef0."
  }
  validation {
    condition     = var.network_acl == null || try(var.network_acl.first_rule_number >= 1 && var.network_acl.first_rule_number + 100 <= 32766 && floor(var.network_acl.first_rule_number) == var.network_acl.first_rule_number, false)
    error_message = "network_acl.first_rule_number must be a whole number from 1 to 32666 (the module numbers up to 100 rules from it, below AWS's 32766)."
  }
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}
