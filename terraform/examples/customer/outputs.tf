output "security_group_id" {
  description = "Attach to every subscriber."
  value       = module.multicast.security_group_id
}

output "transit_gateway_attachment_id" {
  description = "The VPC's attachment to the exchange's Transit Gateway."
  value       = module.multicast.transit_gateway_attachment_id
}
