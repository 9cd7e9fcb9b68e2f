variable "vpc_id" {
  description = "The exchange's VPC in eu-west-2, reached from its datacenter over Direct Connect or VPN."
  type        = string
}

variable "relay_route_table_id" {
  description = "Route table of the relay subnets (a path to ECR, ECS, CloudWatch: NAT or VPC endpoints)."
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
