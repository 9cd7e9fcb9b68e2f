variable "vpc_id" {
  description = "The exchange's VPC in eu-west-2, reached from its datacenter over Direct Connect or VPN."
  type        = string
}

variable "relay_subnets" {
  description = "The relay's own subnets, one per AZ of eu-west-2: AZ => CIDR inside the VPC (at least a /28 each)."
  type        = map(string)

  validation {
    condition     = alltrue([for az in keys(var.relay_subnets) : startswith(az, "eu-west-2")])
    error_message = "relay_subnets must name Availability Zones of eu-west-2 (this example's Region)."
  }
}

variable "nlb_subnets" {
  description = "The NLB's subnets, one per AZ of relay_subnets: AZ => CIDR inside the VPC."
  type        = map(string)

  validation {
    condition     = alltrue([for az in keys(var.nlb_subnets) : startswith(az, "eu-west-2")])
    error_message = "nlb_subnets must name Availability Zones of eu-west-2 (this example's Region)."
  }
}

variable "service_access" {
  description = "How hosts and tasks reach ECS, ECR, S3, CloudWatch and SSM: mode endpoints (with endpoint_subnets, AZ => CIDR), nat (with nat_gateway_id) or existing (modules/relay, variable service_access)."
  type = object({
    mode             = string
    endpoint_subnets = optional(map(string), {})
    nat_gateway_id   = optional(string)
  })

  validation {
    condition     = alltrue([for az in keys(var.service_access.endpoint_subnets) : startswith(az, "eu-west-2")])
    error_message = "service_access.endpoint_subnets must name Availability Zones of eu-west-2 (this example's Region)."
  }
}

variable "relay_route_table_id" {
  description = "With service_access.mode existing only: the relay subnets' route table (a path to ECR, ECS, CloudWatch: NAT or VPC endpoints). null: the VPC's main one."
  type        = string
  default     = null
}

variable "nlb_route_table_id" {
  description = "Route table of the NLB subnets (routes the exchange's CIDRs back over Direct Connect or VPN)."
  type        = string
  default     = null
}

variable "exchange_cidrs" {
  description = "The exchange's capture hosts, as the relay sees them."
  type        = list(string)
}

variable "container_image" {
  description = "The relay image in ECR, ideally by digest."
  type        = string
}

variable "customer_principals" {
  description = "Customer AWS account IDs the Transit Gateway and multicast domain are shared with."
  type        = list(string)
  default     = []
}
