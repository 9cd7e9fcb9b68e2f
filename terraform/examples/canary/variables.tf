variable "handoff" {
  description = "The relay module's output customer_handoff."
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
}

variable "probe_group" {
  description = "The relay module's probes.group (group:port)."
  type        = string
  default     = "239.255.0.100:6999"
}

variable "vpc_id" {
  description = "The canary's VPC, in the relay's Region, not the relay's own (a customer's view of the path)."
  type        = string
}

variable "subnet_ids" {
  description = "The canary's subnets, at most one per Availability Zone."
  type        = list(string)
}

variable "container_image" {
  description = "The relay's image in ECR (it ships relay-canary)."
  type        = string
}

variable "https_egress_cidrs" {
  description = "Where the canary's host and task reach ECS, ECR, S3 and CloudWatch (a NAT, or the VPC's CIDR with interface endpoints)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}
