output "canary_service" {
  description = "Give it to the relay module as canary.service (with canary.enabled = true)."
  value       = module.canary.service
}

output "transit_gateway_attachment_id" {
  description = "The canary VPC's attachment."
  value       = module.canary_vpc.transit_gateway_attachment_id
}
