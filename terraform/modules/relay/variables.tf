# Inputs of the exchange side. Every variable is typed and validated here so that a mistake stops
# `terraform plan` with a message naming it, before anything reaches AWS. Facts that only AWS knows
# (is this instance type built on Nitro, do the subnets fit) are checked in preconditions instead.

locals {
  # One dotted-quad IPv4 address, each octet 0..255.
  ipv4_pattern = "^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$"
}

# --- naming and placement -------------------------------------------------------------------------

variable "name" {
  description = "Name of this relay deployment: prefixes every resource, names the ECS cluster and service, and is the `service` dimension of the relay's CloudWatch metrics (the alarms name it). Unique per AWS account across Regions (IAM role names are global): for example mcast-relay-ldn and mcast-relay-tyo. Lower case, digits and '-', at most 20 characters (target group names are \"<name>-<port>\", at most 32)."
  type        = string
  default     = "mcast-relay"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.name))
    error_message = "name must be 2 to 20 characters of lower-case letters, digits and '-', starting with a letter and not ending with '-'."
  }
}

variable "vpc_id" {
  description = "The VPC the relay runs in: the one the exchange reaches over Direct Connect or VPN."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "relay_subnets" {
  description = "Subnets the module creates for the relay alone, one per Availability Zone: map of AZ name to IPv4 CIDR (for example { \"eu-west-2a\" = \"10.20.8.0/28\" }). The ECS hosts, the relay tasks' ENIs and the Transit Gateway attachment live here and nothing else may: the multicast domain has static sources off, so any host in these subnets may send to the groups, and their CIDRs are what customers allow as the multicast source range (output source_cidrs). A /28 holds 11 addresses (5 are AWS's): one host, one task ENI and one attachment ENI per AZ, with room for a rolling deployment."
  type        = map(string)

  validation {
    condition     = length(var.relay_subnets) >= 2
    error_message = "relay_subnets needs at least two Availability Zones, so that one AZ's failure leaves a relay running."
  }
  validation {
    condition = alltrue([for az, cidr in var.relay_subnets :
      can(regex("^[a-z]{2}(-[a-z]+)+-[0-9][a-z]$", az)) &&
      can(cidrnetmask(cidr)) && try(cidrhost(cidr, 0) == split("/", cidr)[0], false) &&
      try(tonumber(split("/", cidr)[1]) >= 16 && tonumber(split("/", cidr)[1]) <= 28, false)
    ])
    error_message = "relay_subnets maps AZ names (eu-west-2a) to IPv4 network CIDRs between /16 and /28 (host bits zero)."
  }
  validation {
    # Per AZ at most ceil(hosts / AZs) hosts, each with its own ENI and its task's, plus the Transit Gateway
    # attachment's ENI; hosts = relay_count + spare_instances + 1 (the capacity provider may add one for a deployment).
    condition = alltrue([for az, cidr in var.relay_subnets :
      try(pow(2, 32 - tonumber(split("/", cidr)[1])) - 5 >= 2 * ceil((var.relay_count + var.spare_instances + 1) / length(var.relay_subnets)) + 1, true)
    ])
    error_message = "relay_subnets are too small: each needs 2 addresses per host it may hold (the host's ENI and its task's), ceil((relay_count + spare_instances + 1) / AZs) hosts, plus 1 for the Transit Gateway attachment and AWS's 5."
  }
}

variable "nlb_subnets" {
  description = "Subnets the module creates for the internal Network Load Balancer, one per Availability Zone: map of AZ name to IPv4 CIDR. They must cover every AZ of relay_subnets (an NLB only health-checks and routes to targets in its own AZs). Their CIDRs are the only sources allowed to the relay's health port; the exchange's traffic reaches the NLB through the route table given in nlb_route_table_id."
  type        = map(string)

  validation {
    condition = alltrue([for az, cidr in var.nlb_subnets :
      can(regex("^[a-z]{2}(-[a-z]+)+-[0-9][a-z]$", az)) &&
      can(cidrnetmask(cidr)) && try(cidrhost(cidr, 0) == split("/", cidr)[0], false) &&
      try(tonumber(split("/", cidr)[1]) >= 16 && tonumber(split("/", cidr)[1]) <= 28, false)
    ])
    error_message = "nlb_subnets maps AZ names (eu-west-2a) to IPv4 network CIDRs between /16 and /28 (host bits zero)."
  }
  validation {
    condition     = length(setsubtract(keys(var.relay_subnets), keys(var.nlb_subnets))) == 0
    error_message = "nlb_subnets must include every Availability Zone of relay_subnets: the NLB only routes to targets in AZs enabled on it."
  }
  validation {
    condition     = length(setintersection(toset(values(var.nlb_subnets)), toset(values(var.relay_subnets)))) == 0
    error_message = "nlb_subnets and relay_subnets must not share a CIDR: the relay's subnets are dedicated to it."
  }
}

variable "relay_route_table_id" {
  description = "Route table for the relay subnets, with service_access.mode = \"existing\" only: it must already give a path to ECR, ECS, CloudWatch, CloudWatch Logs and S3 (a NAT gateway or VPC endpoints); multicast needs no route. null: the VPC's main route table. With modes endpoints and nat the module creates the relay subnets' route table itself (output relay_route_table_id)."
  type        = string
  default     = null

  validation {
    condition     = var.relay_route_table_id == null || can(regex("^rtb-[0-9a-f]{8,17}$", coalesce(var.relay_route_table_id, "x")))
    error_message = "relay_route_table_id must look like rtb-0123456789abcdef0, or be null."
  }
}

variable "nlb_route_table_id" {
  description = "Route table for the NLB subnets: it must route the exchange's CIDRs back over Direct Connect or VPN (virtual private gateway or Direct Connect gateway). null: the VPC's main route table."
  type        = string
  default     = null

  validation {
    condition     = var.nlb_route_table_id == null || can(regex("^rtb-[0-9a-f]{8,17}$", coalesce(var.nlb_route_table_id, "x")))
    error_message = "nlb_route_table_id must look like rtb-0123456789abcdef0, or be null."
  }
}

variable "service_access" {
  description = <<-EOT
    How the ECS hosts and tasks reach AWS's APIs (ECS, ECR and S3 for the image, CloudWatch, CloudWatch Logs, SSM).
    Without a path the hosts never join the cluster and no task starts, while the apply itself succeeds: so there
    is no default, choose one (terraform/README.md, "Reaching AWS services").
    - "endpoints": the module creates interface endpoints (ecr.api, ecr.dkr, ecs, ecs-agent, ecs-telemetry, logs,
      monitoring; ssm, ssmmessages, ec2messages with enable_ssm_session_manager) with private DNS in
      endpoint_subnets (AZ => CIDR, one per relay AZ, created for them alone), and an S3 gateway endpoint on the
      relay subnets' route table, which the module creates. For a VPC reached only over Direct Connect or VPN.
    - "nat": the module creates the relay subnets' route table with a default route to nat_gateway_id (a NAT
      gateway that already exists in a public subnet of this VPC).
    - "existing": the path exists already (relay_route_table_id, or the VPC's main route table, routes to a NAT or
      to endpoints someone else manages). The module creates nothing for it.
  EOT
  type = object({
    mode             = string
    endpoint_subnets = optional(map(string), {})
    nat_gateway_id   = optional(string)
  })

  validation {
    condition     = contains(["endpoints", "nat", "existing"], var.service_access.mode)
    error_message = "service_access.mode must be endpoints, nat or existing."
  }
  validation {
    condition     = var.service_access.mode != "endpoints" || length(setsubtract(keys(var.relay_subnets), keys(var.service_access.endpoint_subnets))) == 0
    error_message = "service_access.endpoint_subnets must have a subnet in every Availability Zone of relay_subnets (mode endpoints): an AZ without its endpoints loses AWS's APIs when another AZ fails."
  }
  validation {
    condition     = var.service_access.mode == "endpoints" || length(var.service_access.endpoint_subnets) == 0
    error_message = "service_access.endpoint_subnets is only for mode endpoints."
  }
  validation {
    # Interface endpoints take one address each in every subnet and AWS keeps 5: the smallest subnet AWS allows, a
    # /28, holds 11, enough for the 10 endpoints with SSM.
    condition = alltrue([for az, cidr in var.service_access.endpoint_subnets :
      can(regex("^[a-z]{2}(-[a-z]+)+-[0-9][a-z]$", az)) &&
      can(cidrnetmask(cidr)) && try(cidrhost(cidr, 0) == split("/", cidr)[0], false) &&
      try(tonumber(split("/", cidr)[1]) >= 16 && tonumber(split("/", cidr)[1]) <= 28, false)
    ])
    error_message = "service_access.endpoint_subnets maps AZ names (eu-west-2a) to IPv4 network CIDRs between /16 and /28 (host bits zero); a /28 holds the 10 interface endpoints."
  }
  validation {
    condition = length(setintersection(toset(values(var.service_access.endpoint_subnets)),
    setunion(toset(values(var.relay_subnets)), toset(values(var.nlb_subnets))))) == 0
    error_message = "service_access.endpoint_subnets must not share a CIDR with relay_subnets or nlb_subnets."
  }
  validation {
    condition = (var.service_access.mode == "nat") == (var.service_access.nat_gateway_id != null) && (
    var.service_access.nat_gateway_id == null || can(regex("^nat-[0-9a-f]{8,17}$", coalesce(var.service_access.nat_gateway_id, "x"))))
    error_message = "service_access.nat_gateway_id is needed with mode nat, and only then, and must look like nat-0123456789abcdef0."
  }
  validation {
    condition     = var.service_access.mode == "existing" || var.relay_route_table_id == null
    error_message = "relay_route_table_id is only for service_access.mode existing: with endpoints and nat the module creates the relay subnets' route table."
  }
}

variable "wait_for_steady_state" {
  description = "Make `terraform apply` wait until the relay service is steady (relay_count tasks running and healthy in the NLB's target groups) and fail if it is not within 20 minutes, rather than succeed while no host can join the cluster. Off only when the apply must not block, for example in a pipeline that checks the service itself."
  type        = bool
  default     = true
}

variable "manage_network_acls" {
  description = "Give the module's subnets (relay, NLB, endpoints) network ACLs of their own that allow exactly the relay's traffic: the feed ports from the exchange, health checks from the NLB, IGMP, multicast out, the replay port from customers, HTTPS to AWS's APIs and the return traffic of each (NACLs are stateless and also apply to multicast). false: the subnets keep the VPC's default NACL, which must allow the same (terraform/README.md, \"Network ACLs\")."
  type        = bool
  default     = false
}

variable "exchange_cidrs" {
  description = "The exchange's addresses as the relay sees them (the NLB preserves client addresses): the only sources allowed to the feed ports on the NLB and on the tasks, and each feed's relay.feeds[i].allowed-sources."
  type        = list(string)

  validation {
    condition     = length(var.exchange_cidrs) >= 1
    error_message = "exchange_cidrs needs at least one CIDR."
  }
  validation {
    condition = alltrue([for c in var.exchange_cidrs :
      can(cidrnetmask(c)) && try(cidrhost(c, 0) == split("/", c)[0], false) && c != "0.0.0.0/0"
    ])
    error_message = "exchange_cidrs must be IPv4 network CIDRs (host bits zero), and not 0.0.0.0/0."
  }
}

# --- the relay's feeds ----------------------------------------------------------------------------

variable "feeds" {
  description = <<-EOT
    The relay's feeds (relay.feeds[i]): one TCP port each, one NLB listener and one target group each.
    name: unique, the `feed` dimension of the metrics. port: the TCP port the exchange connects to.
    destinations: the VPC-side multicast group and UDP port of each destination; set exchange_group
    (and exchange_port) to remap the exchange's group:port to this one (relay syntax a:p->b:p).
    framing: relay-v1 (default) or length-prefixed (exactly one destination). max_connections:
    concurrent sender connections (relay default 4). At most 5 feeds: an ECS service takes at most
    5 target groups.
  EOT
  type = list(object({
    name            = string
    port            = number
    framing         = optional(string, "relay-v1")
    max_connections = optional(number, 4)
    destinations = list(object({
      group          = string
      port           = number
      exchange_group = optional(string)
      exchange_port  = optional(number)
    }))
  }))
  default = [
    {
      name = "test"
      port = 6666
      destinations = [
        { group = "239.255.6.1", port = 6200 },
        { group = "239.255.6.2", port = 6201 },
      ]
    },
    {
      name = "prod"
      port = 6667
      destinations = [
        { group = "239.255.7.1", port = 6100 },
        { group = "239.255.7.2", port = 6101 },
      ]
    },
  ]

  validation {
    condition     = length(var.feeds) >= 1 && length(var.feeds) <= 5
    error_message = "feeds must hold 1 to 5 feeds: an ECS service registers with at most 5 target groups."
  }
  validation {
    condition     = alltrue([for f in var.feeds : can(regex("^[a-z0-9][a-z0-9-]{0,30}$", f.name))])
    error_message = "Each feed name must be 1 to 31 characters of lower-case letters, digits and '-' (it names alarms and is a metric dimension)."
  }
  validation {
    condition     = length(distinct([for f in var.feeds : f.name])) == length(var.feeds)
    error_message = "Feed names must be unique."
  }
  validation {
    condition = alltrue([for f in var.feeds :
      f.port >= 1 && f.port <= 65535 && floor(f.port) == f.port && f.port != var.health_port && f.port != 8081
    ])
    error_message = "Each feed port must be a TCP port 1..65535 other than health_port and the management port 8081."
  }
  validation {
    condition     = length(distinct([for f in var.feeds : f.port])) == length(var.feeds)
    error_message = "Feed ports must be unique: one NLB listener per port."
  }
  validation {
    condition     = alltrue([for f in var.feeds : contains(["relay-v1", "length-prefixed"], f.framing)])
    error_message = "Each feed's framing must be relay-v1 or length-prefixed."
  }
  validation {
    condition     = alltrue([for f in var.feeds : f.max_connections >= 1 && f.max_connections <= 64])
    error_message = "Each feed's max_connections must be 1..64."
  }
  validation {
    condition = alltrue([for f in var.feeds :
      length(f.destinations) >= 1 && (f.framing != "length-prefixed" || length(f.destinations) == 1)
    ])
    error_message = "Each feed needs at least one destination, and a length-prefixed feed exactly one."
  }
  validation {
    # 224.0.0.0/4 is IPv4 multicast; 224.0.0.0/24 is the local network control block (IGMP itself,
    # routing protocols), never forwarded by a router, the Transit Gateway included.
    condition = alltrue(flatten([for f in var.feeds : [for d in f.destinations : [
      for g in compact([d.group, d.exchange_group]) :
      can(regex(local.ipv4_pattern, g)) &&
      try(cidrhost("${g}/4", 0) == "224.0.0.0", false) &&
      try(cidrhost("${g}/24", 0) != "224.0.0.0", false)
    ]]]))
    error_message = "Every multicast group (group and exchange_group) must be an IPv4 address in 224.0.0.0/4 and outside the link-local control block 224.0.0.0/24."
  }
  validation {
    condition = alltrue(flatten([for f in var.feeds : [for d in f.destinations : [
      for p in compact([tostring(d.port), d.exchange_port == null ? "" : tostring(d.exchange_port)]) :
      tonumber(p) >= 1 && tonumber(p) <= 65535 && floor(tonumber(p)) == tonumber(p)
    ]]]))
    error_message = "Every destination port (port and exchange_port) must be a UDP port 1..65535."
  }
  validation {
    condition = alltrue(flatten([for f in var.feeds : [for d in f.destinations :
      d.exchange_port == null || d.exchange_group != null
    ]]))
    error_message = "exchange_port remaps only together with exchange_group."
  }
  validation {
    condition     = length(distinct(flatten([for f in var.feeds : [for d in f.destinations : "${d.group}:${d.port}"]]))) == length(flatten([for f in var.feeds : f.destinations]))
    error_message = "A VPC-side group:port may belong to one destination of one feed only."
  }
}

variable "max_payload_bytes" {
  description = "relay.feeds[i].max-payload for every feed, in bytes: larger datagrams are dropped and counted. The Transit Gateway drops multicast packets over 8500 bytes and every fragment, so with 20 bytes of IPv4 and 8 of UDP header the payload can be at most 8472."
  type        = number
  default     = 8472

  validation {
    condition     = var.max_payload_bytes >= 1 && var.max_payload_bytes <= 8472 && floor(var.max_payload_bytes) == var.max_payload_bytes
    error_message = "max_payload_bytes must be a whole number of bytes from 1 to 8472: the Transit Gateway drops multicast packets over 8500 bytes (8472 + 20 IPv4 + 8 UDP) and fragmented multicast."
  }
}

variable "egress_ttl" {
  description = "relay.egress.ttl: IP multicast TTL of the datagrams."
  type        = number
  default     = 16

  validation {
    condition     = var.egress_ttl >= 1 && var.egress_ttl <= 255 && floor(var.egress_ttl) == var.egress_ttl
    error_message = "egress_ttl must be 1..255."
  }
}

variable "aeron_term_length_mib" {
  description = "relay.aeron.term-length in MiB, a power of two. Each feed maps 3 terms in /dev/shm; the task's sharedMemorySize is computed as feeds x 3 x term + 64 MiB for the media driver's files (Docker's default 64 MB /dev/shm cannot hold the defaults)."
  type        = number
  default     = 8

  validation {
    condition     = contains([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024], var.aeron_term_length_mib)
    error_message = "aeron_term_length_mib must be a power of two from 1 to 1024."
  }
}

variable "drain_timeout_seconds" {
  description = "relay.shutdown.drain-timeout in seconds. The container's stopTimeout is this plus 10 s, and ECS allows at most 120 s."
  type        = number
  default     = 5

  validation {
    condition     = var.drain_timeout_seconds >= 1 && var.drain_timeout_seconds <= 110 && floor(var.drain_timeout_seconds) == var.drain_timeout_seconds
    error_message = "drain_timeout_seconds must be 1..110 (stopTimeout = drain + 10 s must stay within ECS's 120 s)."
  }
}

variable "health_port" {
  description = "server.port: the relay's HTTP health port (GET /readyz answers 200 or 503), the NLB's health-check port."
  type        = number
  default     = 8080

  validation {
    condition     = var.health_port >= 1024 && var.health_port <= 65535 && var.health_port != 8081
    error_message = "health_port must be 1024..65535 (the image runs as a non-root user) and not the management port 8081."
  }
}

variable "extra_environment" {
  description = "More environment variables for the relay container, for settings this module does not manage (for example RELAY_EGRESS_IDLE_STRATEGY=busy-spin, JAVA_TOOL_OPTIONS). Variables the module sets cannot be overridden here."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.extra_environment) : can(regex("^[A-Z_][A-Z0-9_]*$", k))])
    error_message = "extra_environment keys must be environment variable names (upper case, digits, '_')."
  }
}

# --- container and hosts --------------------------------------------------------------------------

variable "container_image" {
  description = "The relay image in ECR, by tag or (better) by digest: 123456789012.dkr.ecr.eu-west-2.amazonaws.com/mcast-relay@sha256:..."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$", var.container_image))
    error_message = "container_image must be an ECR image URI with a tag or digest: <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or @sha256:<digest>."
  }
}

variable "instance_type" {
  description = "EC2 instance type of the ECS hosts. Must be built on the AWS Nitro System: Transit Gateway multicast does not send from Xen instances. A denylist of Xen families rejects the known ones here; the hypervisor AWS reports for the type is checked again at plan time."
  type        = string
  default     = "c6i.large"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "instance_type must look like c6i.large."
  }
  validation {
    # Xen-based (non-Nitro) families. i3.metal is the one Nitro type among them; p3dn is its own family.
    condition     = var.instance_type == "i3.metal" || !can(regex("^(c1|c3|c4|cc1|cc2|cg1|cr1|d2|f1|g1|g2|g3|g3s|h1|hi1|hs1|i2|i3|m1|m2|m3|m4|p2|p3|r3|r4|t1|t2|x1|x1e)\\.", var.instance_type))
    error_message = "instance_type must be built on the Nitro System: Xen families (t2, m4, c4, r4, i3, p3, x1, d2, h1, ...) cannot send Transit Gateway multicast. Use a current-generation type such as c6i, c7i, m6i, c7g."
  }
}

variable "ami_id" {
  description = "AMI of the ECS hosts. null: the current ECS-optimized Amazon Linux 2023 AMI for the instance type's architecture, read from its public SSM parameter at plan time (pin an ID to control host updates)."
  type        = string
  default     = null

  validation {
    condition     = var.ami_id == null || can(regex("^ami-[0-9a-f]{8,17}$", coalesce(var.ami_id, "x")))
    error_message = "ami_id must look like ami-0123456789abcdef0, or be null."
  }
}

variable "relay_count" {
  description = "Relay tasks, one per host, spread over the AZs. Each feed's NLB target group routes a new exchange connection to one healthy task; the others stand by (healthy, idle)."
  type        = number
  default     = 2

  validation {
    condition     = var.relay_count >= 1 && var.relay_count <= 10 && floor(var.relay_count) == var.relay_count
    error_message = "relay_count must be 1..10."
  }
}

variable "spare_instances" {
  description = "Hosts beyond relay_count, so that a rolling deployment (one task per host) can start a new task before it stops an old one."
  type        = number
  default     = 1

  validation {
    condition     = var.spare_instances >= 0 && var.spare_instances <= 5 && floor(var.spare_instances) == var.spare_instances
    error_message = "spare_instances must be 0..5."
  }
}

variable "task_cpu" {
  description = "CPU units of the relay task (1024 = one vCPU)."
  type        = number
  default     = 1024

  validation {
    condition     = var.task_cpu >= 256 && var.task_cpu <= 16384
    error_message = "task_cpu must be 256..16384 CPU units."
  }
}

variable "task_memory_mib" {
  description = "Hard memory limit of the relay task in MiB. /dev/shm pages count against it, so it must exceed the computed sharedMemorySize by at least 512 MiB for the JVM."
  type        = number
  default     = 2048

  validation {
    condition     = var.task_memory_mib >= length(var.feeds) * 3 * var.aeron_term_length_mib + 64 + 512
    error_message = "task_memory_mib must be at least sharedMemorySize (feeds x 3 x aeron_term_length_mib + 64) + 512 MiB: shared memory counts against the task's memory limit."
  }
}

variable "health_check" {
  description = "The NLB's HTTP health check of GET /readyz on health_port. interval 5..300 s, timeout 2..120 s and below interval, thresholds 2..10 checks."
  type = object({
    interval_seconds    = optional(number, 10)
    timeout_seconds     = optional(number, 5)
    healthy_threshold   = optional(number, 2)
    unhealthy_threshold = optional(number, 2)
  })
  default = {}

  validation {
    condition = (var.health_check.interval_seconds >= 5 && var.health_check.interval_seconds <= 300 &&
      var.health_check.timeout_seconds >= 2 && var.health_check.timeout_seconds <= 120 &&
    var.health_check.timeout_seconds < var.health_check.interval_seconds)
    error_message = "health_check: interval_seconds 5..300, timeout_seconds 2..120 and below the interval."
  }
  validation {
    condition = (var.health_check.healthy_threshold >= 2 && var.health_check.healthy_threshold <= 10 &&
    var.health_check.unhealthy_threshold >= 2 && var.health_check.unhealthy_threshold <= 10)
    error_message = "health_check: healthy_threshold and unhealthy_threshold must be 2..10."
  }
}

variable "health_check_grace_period_seconds" {
  description = "How long ECS ignores failing NLB health checks of a new task (JVM start, media driver)."
  type        = number
  default     = 60

  validation {
    condition     = var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 600
    error_message = "health_check_grace_period_seconds must be 0..600."
  }
}

variable "deregistration_delay_seconds" {
  description = "How long the NLB keeps a deregistering task's connections before it closes them (connection termination is on), and ECS waits before it sends SIGTERM. Short: fast failover to the standby."
  type        = number
  default     = 10

  validation {
    condition     = var.deregistration_delay_seconds >= 0 && var.deregistration_delay_seconds <= 3600
    error_message = "deregistration_delay_seconds must be 0..3600."
  }
}

variable "nlb_idle_timeout_seconds" {
  description = "TCP idle timeout of each NLB listener. 350 s is the NLB's default; relay-v1 senders heartbeat at least every second, so a live feed never reaches it."
  type        = number
  default     = 350

  validation {
    condition     = var.nlb_idle_timeout_seconds >= 60 && var.nlb_idle_timeout_seconds <= 6000
    error_message = "nlb_idle_timeout_seconds must be 60..6000."
  }
}

variable "nlb_deletion_protection" {
  description = "Deletion protection on the NLB (its DNS name is what the exchange connects to)."
  type        = bool
  default     = true
}

variable "https_egress_cidrs" {
  description = "Where hosts and tasks may open HTTPS connections to ECR, ECS, CloudWatch, CloudWatch Logs and SSM, with service_access.mode nat or existing (through the NAT gateway, or endpoints managed elsewhere). Ignored with mode endpoints: HTTPS then goes to the endpoint subnets and S3's prefix list only."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.https_egress_cidrs : can(cidrnetmask(c))])
    error_message = "https_egress_cidrs must be IPv4 CIDRs."
  }
}

variable "enable_ssm_session_manager" {
  description = "Give the hosts the AmazonSSMManagedInstanceCore policy (shell access through Session Manager, no SSH keys or inbound ports)."
  type        = bool
  default     = true
}

variable "container_insights" {
  description = "CloudWatch Container Insights on the ECS cluster: enabled, enhanced or disabled."
  type        = string
  default     = "enabled"

  validation {
    condition     = contains(["enabled", "enhanced", "disabled"], var.container_insights)
    error_message = "container_insights must be enabled, enhanced or disabled."
  }
}

variable "log_retention_days" {
  description = "Retention of the relay's CloudWatch Logs log group."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

# --- Transit Gateway and sharing ------------------------------------------------------------------

variable "amazon_side_asn" {
  description = "Private ASN of the Transit Gateway."
  type        = number
  default     = 64512

  validation {
    condition     = (var.amazon_side_asn >= 64512 && var.amazon_side_asn <= 65534) || (var.amazon_side_asn >= 4200000000 && var.amazon_side_asn <= 4294967294)
    error_message = "amazon_side_asn must be a private ASN: 64512..65534 or 4200000000..4294967294."
  }
}

variable "customer_principals" {
  description = "Who the Transit Gateway and the multicast domain are shared with through AWS RAM: 12-digit AWS account IDs, or AWS Organizations organization/OU ARNs. Accounts outside the exchange's organization receive an invitation they accept (the customer module does)."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([for p in var.customer_principals :
      can(regex("^[0-9]{12}$", p)) || can(regex("^arn:aws[a-z-]*:organizations::[0-9]{12}:(organization|ou)/o-[a-z0-9]{10,32}(/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})?$", p))
    ])
    error_message = "customer_principals must be 12-digit account IDs or AWS Organizations organization/OU ARNs."
  }
  validation {
    condition     = length(distinct(var.customer_principals)) == length(var.customer_principals)
    error_message = "customer_principals must not repeat a principal."
  }
}

# --- metrics and alarms ---------------------------------------------------------------------------

variable "metrics_namespace" {
  description = "relay.metrics.cloudwatch.namespace: the CloudWatch namespace of the relay's metrics (the task role may write only there)."
  type        = string
  default     = "McastRelay"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#: -]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace: 1..255 of letters, digits and . - _ / # : space, not starting with AWS/."
  }
}

variable "alarm_actions" {
  description = "ARNs (SNS topics, for example) notified when an alarm fires and when it recovers."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.alarm_actions : startswith(a, "arn:")])
    error_message = "alarm_actions must be ARNs."
  }
}

variable "proxy_protocol_v2" {
  description = "Whether the NLB puts a PROXY protocol v2 header before each forwarded connection (the target groups' proxy_protocol_v2) instead of preserving the client's address. On: the relay reads the exchange's address from the header (relay.feeds[i].proxy-protocol, proxy-sources = nlb_subnets) and checks exchange_cidrs against it, and the tasks accept the feed ports from the NLB subnets only. Off (default): the NLB preserves client addresses and the tasks accept the feed ports from exchange_cidrs."
  type        = bool
  default     = false
}

variable "no_datagrams_minutes" {
  description = "Minutes a destination may send no datagram before its alarm fires. Crypto markets trade all week, so silence is an incident and missing data (relay gone) counts as breaching."
  type        = number
  default     = 5

  validation {
    condition     = var.no_datagrams_minutes >= 1 && var.no_datagrams_minutes <= 60 && floor(var.no_datagrams_minutes) == var.no_datagrams_minutes
    error_message = "no_datagrams_minutes must be 1..60."
  }
}

variable "no_sender_minutes" {
  description = "Minutes a feed may have no exchange connection before its alarm fires (missing data is breaching)."
  type        = number
  default     = 3

  validation {
    condition     = var.no_sender_minutes >= 1 && var.no_sender_minutes <= 60 && floor(var.no_sender_minutes) == var.no_sender_minutes
    error_message = "no_sender_minutes must be 1..60."
  }
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}

variable "recovery" {
  description = <<-EOT
    Recovery for customers (docs/recovery.md): every feed recorded by the relay on its host, and the replay port
    customers ask for what multicast lost. Off unless enabled. customer_cidrs: the customers' VPC ranges, the only
    sources the replay port and its security group rule admit (they reach the relay's ENI over the Transit
    Gateway's unicast route tables, not the multicast domain: terraform/README.md, "Recovery"). The archive lives
    on the host under host_path (the host's root volume grows by archive_volume_gib), kept across task restarts.
  EOT
  type = object({
    enabled            = optional(bool, false)
    customer_cidrs     = optional(list(string), [])
    port               = optional(number, 6800)
    max_age_minutes    = optional(number, 15)
    max_gib_per_feed   = optional(number, 4)
    host_path          = optional(string, "/var/lib/mcast-relay/archive")
    archive_volume_gib = optional(number, 20)
    # Unicast to the replay port over the Transit Gateway (terraform/README.md, "Recovery"): each customer's
    # attachment (module customer's output transit_gateway_attachment_id, known once the customer has attached)
    # and the VPC CIDRs the relay may answer. Empty until customers attach: then no unicast route exists.
    customer_attachments = optional(map(object({
      attachment_id = string
      cidrs         = list(string)
    })), {})
  })
  default = {}

  validation {
    condition     = !var.recovery.enabled || length(var.recovery.customer_cidrs) > 0
    error_message = "recovery.customer_cidrs must list the customers' VPC ranges when recovery is enabled."
  }
  validation {
    condition     = alltrue([for c in var.recovery.customer_cidrs : can(cidrhost(c, 0))])
    error_message = "recovery.customer_cidrs must be IPv4 CIDRs such as 10.30.0.0/16."
  }
  validation {
    condition     = var.recovery.port >= 1024 && var.recovery.port <= 65535
    error_message = "recovery.port must lie in 1024..65535 (the relay runs without privileges)."
  }
  validation {
    condition     = var.recovery.max_age_minutes >= 1 && var.recovery.max_gib_per_feed >= 1
    error_message = "recovery.max_age_minutes and recovery.max_gib_per_feed must be at least 1."
  }
  validation {
    condition     = alltrue([for c in values(var.recovery.customer_attachments) : can(regex("^tgw-attach-[0-9a-f]{8,17}$", c.attachment_id))])
    error_message = "recovery.customer_attachments[*].attachment_id must look like tgw-attach-0123456789abcdef0."
  }
  validation {
    condition = alltrue(flatten([for c in values(var.recovery.customer_attachments) :
    [for cidr in c.cidrs : contains(var.recovery.customer_cidrs, cidr)]]))
    error_message = "recovery.customer_attachments[*].cidrs must each be one of recovery.customer_cidrs (the ranges the replay port admits)."
  }
  validation {
    condition     = alltrue([for c in values(var.recovery.customer_attachments) : length(c.cidrs) > 0])
    error_message = "recovery.customer_attachments[*].cidrs must name at least one of the customer's VPC CIDRs."
  }
  validation {
    condition     = length(var.recovery.customer_attachments) == 0 || var.relay_route_table_id != null || var.service_access.mode != "existing"
    error_message = "recovery.customer_attachments needs a route table of the relay subnets' own (relay_route_table_id, or service_access.mode endpoints or nat, where the module creates it): the route back to the customers must not go in the VPC's main one."
  }
}

variable "probes" {
  description = <<-EOT
    Probe datagrams (docs/probes.md): each relay sends, per feed, rate probes a second to group (group:port, one no
    feed sends to) from the feed's own socket, for a canary in a customer-like VPC. null group: no probes.
  EOT
  type = object({
    group = optional(string)
    rate  = optional(number, 5)
  })
  default = {}

  validation {
    condition     = var.probes.group == null || can(regex("^2(2[4-9]|3[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}:[0-9]{1,5}$", var.probes.group))
    error_message = "probes.group must be group:port with the group in 224.0.0.0/4, such as 239.255.0.100:6999."
  }
  validation {
    condition     = var.probes.rate >= 1 && var.probes.rate <= 100
    error_message = "probes.rate must lie in 1..100 probes per second per feed."
  }
}

variable "canary" {
  description = <<-EOT
    Alarms on what a relay-canary (docs/probes.md) in a customer-like VPC publishes to CloudWatch under
    metrics_namespace with dimension service = service: per feed a path alarm (fewer relays' probes reach the
    canary than run, for 2 minutes) and a fast SLO burn alarm (bad minutes, when no relay's probes arrive, at 14.4
    times the rate the monthly budget of slo_target allows, over an hour), and a latency alarm (the p99 one-way latency
    of the feed's probes above latency_p99_ms in 3 of 5 minutes). Needs probes.group.
  EOT
  type = object({
    enabled        = optional(bool, false)
    service        = optional(string, "mcast-canary")
    slo_target     = optional(number, 0.999)
    latency_p99_ms = optional(number, 5)
  })
  default = {}

  validation {
    condition     = var.canary.slo_target > 0.9 && var.canary.slo_target < 1
    error_message = "canary.slo_target must lie between 0.9 and 1 (exclusive), such as 0.999."
  }
  validation {
    condition     = var.canary.latency_p99_ms > 0 && var.canary.latency_p99_ms <= 1000
    error_message = "canary.latency_p99_ms must lie in (0, 1000] milliseconds, such as 5."
  }
  validation {
    condition     = !var.canary.enabled || var.probes.group != null
    error_message = "canary.enabled needs probes.group: the canary listens to the relays' probes."
  }
}
