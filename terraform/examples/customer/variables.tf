variable "handoff" {
  description = "The exchange's relay output `customer_handoff`."
  type = object({
    region              = string
    resource_share_arn  = string
    transit_gateway_id  = string
    multicast_domain_id = string
    source_cidrs        = list(string)
    groups              = list(object({ feed = string, group = string, port = number }))
    max_payload_bytes   = number
    replay_port         = optional(number)
  })

  validation {
    condition     = contains(["eu-west-2", "ap-northeast-1"], var.handoff.region)
    error_message = "The exchange runs relays in eu-west-2 (London) and ap-northeast-1 (Tokyo)."
  }
}

variable "vpc_id" {
  description = "The customer's VPC in the relay's Region."
  type        = string
}

variable "subnet_ids" {
  description = "The customer's subscriber subnets, at most one per Availability Zone."
  type        = list(string)
}

variable "subscriber_ami_id" {
  description = "AMI of an example subscriber instance; null creates none."
  type        = string
  default     = null
}

variable "route_table_ids" {
  description = "Route tables of the subscriber subnets: with the exchange's recovery on (handoff replay_port), each gets a route to the relay through the Transit Gateway. Empty: multicast only."
  type        = list(string)
  default     = []
}

variable "https_egress_cidr" {
  description = "Where the example subscriber's SSM agent reaches Systems Manager over HTTPS: the VPC's CIDR when it has interface endpoints for ssm, ssmmessages and ec2messages, else 0.0.0.0/0 through a NAT."
  type        = string
  default     = "0.0.0.0/0"

  validation {
    condition     = can(cidrhost(var.https_egress_cidr, 0))
    error_message = "https_egress_cidr must be an IPv4 CIDR."
  }
}
