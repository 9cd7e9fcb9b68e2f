output "transit_gateway_attachment_id" {
  description = "The customer VPC's attachment to the exchange's multicast Transit Gateway."
  value       = aws_ec2_transit_gateway_vpc_attachment.this.id
}

output "multicast_domain_association_ids" {
  description = "The association of each subnet with the multicast domain, by subnet ID."
  value       = { for s, a in aws_ec2_transit_gateway_multicast_domain_association.this : s => a.id }
}

output "security_group_id" {
  description = "Attach this security group to every subscriber instance (ENI): it lets the relay's multicast and the Transit Gateway's IGMP queries in, and IGMPv2 joins and leaves out."
  value       = aws_security_group.subscriber.id
}

output "igmpv2_user_data" {
  description = "Shell script that forces IGMPv2 now and across reboots: put it in the subscribers' user data (or run it once on existing hosts)."
  value       = local.igmpv2_script
}

output "igmpv2_ssm_document_name" {
  description = "The SSM Command document that forces IGMPv2, when igmpv2_ssm_targets is set."
  value       = try(aws_ssm_document.igmpv2[0].name, null)
}

output "groups" {
  description = "The groups and ports the subscribers may join."
  value       = var.groups
}
