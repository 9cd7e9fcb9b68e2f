# Inputs of the canary (docs/probes.md): where it runs (a subnet of a customer-like VPC that the customer module
# associated with the exchange's multicast domain), what it listens to, where it publishes.

locals {
  group_port_pattern = "^2(2[4-9]|3[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}:[0-9]{1,5}$"
}

variable "name" {
  description = "Name of the canary: prefixes its resources, names its ECS cluster and service, and is the `service` dimension of its CloudWatch metrics, which the relay module's canary alarms name (its variable canary.service, default mcast-canary)."
  type        = string
  default     = "mcast-canary"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.name))
    error_message = "name must be 2 to 20 characters of lower-case letters, digits and '-', starting with a letter and not ending with '-'."
  }
}

variable "vpc_id" {
  description = "The canary's VPC: attached to the exchange's Transit Gateway like a customer's (module customer)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "Subnets the canary's host may run in: each associated with the multicast domain (module customer's subnet_ids). One host runs at a time; more subnets let it come back in another AZ."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "subnet_ids needs at least one subnet ID like subnet-0123456789abcdef0."
  }
}

variable "subscriber_security_group_id" {
  description = "The customer module's security_group_id output: multicast in from the relay's source range, IGMP queries in, IGMPv2 joins and leaves out. Put on the canary task's ENI."
  type        = string

  validation {
    condition     = can(regex("^sg-[0-9a-f]{8,17}$", var.subscriber_security_group_id))
    error_message = "subscriber_security_group_id must look like sg-0123456789abcdef0."
  }
}

variable "container_image" {
  description = "The relay's image in ECR (it ships relay-canary), with a tag or @sha256 digest."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$", var.container_image))
    error_message = "container_image must be an ECR image URI with a tag or digest, such as 111122223333.dkr.ecr.eu-west-2.amazonaws.com/mcast-relay:1.4.2."
  }
}

variable "probe_groups" {
  description = "The relays' probe groups, group:port (the relay module's probes.group): canary.probe-groups."
  type        = list(string)

  validation {
    condition     = length(var.probe_groups) >= 1 && alltrue([for g in var.probe_groups : can(regex(local.group_port_pattern, g))])
    error_message = "probe_groups needs at least one group:port with the group in 224.0.0.0/4, such as 239.255.0.100:6999."
  }
}

variable "feed_groups" {
  description = "Feed groups the canary also joins, to see datagrams per group and, with sequence (OFFSET:WIDTH:ORDER, such as 0:4:little-endian), the exchange's sequence gaps: canary.feed-groups."
  type = list(object({
    feed     = string
    group    = string
    sequence = optional(string)
  }))
  default = []

  validation {
    condition = alltrue([for g in var.feed_groups : can(regex("^[a-z0-9][a-z0-9-]{0,30}$", g.feed)) &&
    can(regex(local.group_port_pattern, g.group))])
    error_message = "feed_groups[*] needs a feed name (lower case, digits, '-') and group as group:port in 224.0.0.0/4."
  }
  validation {
    condition     = alltrue([for g in var.feed_groups : g.sequence == null || can(regex("^[0-9]+:[1-8]:(little|big)-endian$", coalesce(g.sequence, "x")))])
    error_message = "feed_groups[*].sequence must be OFFSET:WIDTH:ORDER, such as 0:4:little-endian (width 1..8)."
  }
}

variable "stale_after" {
  description = "canary.stale-after: a relay's probes, or a feed group while its relays say they send, silent this long is down."
  type        = string
  default     = "3s"

  validation {
    condition     = can(regex("^[0-9]+(ms|s|m)$", var.stale_after))
    error_message = "stale_after must be a duration such as 3s or 500ms."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace: the relay module's metrics_namespace, where its canary alarms look."
  type        = string
  default     = "McastRelay"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#: -]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1 to 255 characters of letters, digits, '. _ / # : -' and spaces, not starting with AWS/."
  }
}

variable "instance_type" {
  description = "The canary's host. It only receives (Xen instances may join groups), but the task's awsvpc ENI needs a second network interface."
  type        = string
  default     = "t3.small"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "instance_type must look like t3.small."
  }
}

variable "ami_id" {
  description = "Pin the host's AMI; null: the current ECS-optimized Amazon Linux 2023 AMI for the instance type's architecture."
  type        = string
  default     = null

  validation {
    condition     = var.ami_id == null || can(regex("^ami-[0-9a-f]{8,17}$", coalesce(var.ami_id, "x")))
    error_message = "ami_id must look like ami-0123456789abcdef0, or be null."
  }
}

variable "https_egress_cidrs" {
  description = "Where the host and the task may open HTTPS: ECS, ECR, S3, CloudWatch, CloudWatch Logs (a NAT gateway or endpoints in the canary's VPC)."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.https_egress_cidrs) >= 1 && alltrue([for c in var.https_egress_cidrs : can(cidrnetmask(c))])
    error_message = "https_egress_cidrs must be at least one IPv4 CIDR."
  }
}

variable "health_cidrs" {
  description = "Who may read the canary's :8090 (/actuator/health, /actuator/prometheus): a Prometheus scraper, an operator's range. Empty: nobody."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.health_cidrs : can(cidrnetmask(c)) && c != "0.0.0.0/0"])
    error_message = "health_cidrs must be IPv4 CIDRs, and not 0.0.0.0/0."
  }
}

variable "log_retention_days" {
  description = "Retention of the canary's CloudWatch Logs log group."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "wait_for_steady_state" {
  description = "Make the apply wait until the canary's task runs, and fail otherwise."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}
