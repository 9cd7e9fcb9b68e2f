# --- for the exchange -----------------------------------------------------------------------------

output "nlb_dns_name" {
  description = "DNS name of the internal NLB: the exchange connects to it, one TCP port per feed."
  value       = aws_lb.this.dns_name
}

output "nlb_arn" {
  description = "ARN of the NLB."
  value       = aws_lb.this.arn
}

output "feed_ports" {
  description = "TCP port of each feed, by feed name: the NLB's listeners."
  value       = { for name, f in local.feeds_by_name : name => f.port }
}

output "target_group_arns" {
  description = "The `ip` target group of each feed, by feed name."
  value       = { for name, tg in aws_lb_target_group.feed : name => tg.arn }
}

# --- for customers --------------------------------------------------------------------------------

output "transit_gateway_id" {
  description = "The multicast Transit Gateway, shared through RAM: customers attach their VPCs to it."
  value       = aws_ec2_transit_gateway.this.id
}

output "transit_gateway_arn" {
  description = "ARN of the Transit Gateway."
  value       = aws_ec2_transit_gateway.this.arn
}

output "multicast_domain_id" {
  description = "The IGMPv2 multicast domain, shared through RAM: customers associate their subnets with it."
  value       = aws_ec2_transit_gateway_multicast_domain.this.id
}

output "multicast_domain_arn" {
  description = "ARN of the multicast domain."
  value       = aws_ec2_transit_gateway_multicast_domain.this.arn
}

output "resource_share_arn" {
  description = "ARN of the RAM resource share: customers outside the exchange's organization accept its invitation."
  value       = aws_ram_resource_share.this.arn
}

output "source_cidrs" {
  description = "The relay subnets' CIDRs: publish them to customers as the multicast source range (the only senders their security groups should allow)."
  value       = [for az in sort(keys(var.relay_subnets)) : var.relay_subnets[az]]
}

output "multicast_groups" {
  description = "Every VPC-side destination: feed, group and UDP port. What customers join."
  value       = [for d in local.destinations : { feed = d.feed, group = d.group, port = d.port }]
}

output "customer_handoff" {
  description = "Everything a customer's `customer` module needs, in one object: region, share ARN, Transit Gateway and domain IDs, source CIDRs and groups."
  value = {
    region              = data.aws_region.current.name
    resource_share_arn  = aws_ram_resource_share.this.arn
    transit_gateway_id  = aws_ec2_transit_gateway.this.id
    multicast_domain_id = aws_ec2_transit_gateway_multicast_domain.this.id
    source_cidrs        = [for az in sort(keys(var.relay_subnets)) : var.relay_subnets[az]]
    groups              = [for d in local.destinations : { feed = d.feed, group = d.group, port = d.port }]
    max_payload_bytes   = var.max_payload_bytes
    replay_port         = var.recovery.enabled ? var.recovery.port : null
  }
}

# --- for operators --------------------------------------------------------------------------------

output "relay_subnet_ids" {
  description = "The relay's dedicated subnets, by AZ."
  value       = { for az, s in aws_subnet.relay : az => s.id }
}

output "nlb_subnet_ids" {
  description = "The NLB's subnets, by AZ."
  value       = { for az, s in aws_subnet.nlb : az => s.id }
}

output "security_group_ids" {
  description = "Security groups: nlb, task (each relay task's ENI), host (the ECS hosts' primary ENI)."
  value = {
    nlb  = aws_security_group.nlb.id
    task = aws_security_group.task.id
    host = aws_security_group.host.id
  }
}

output "ecs_cluster_name" {
  description = "The ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "ecs_service_name" {
  description = "The relay's ECS service."
  value       = aws_ecs_service.relay.name
}

output "task_definition_arn" {
  description = "The relay's task definition (with revision)."
  value       = aws_ecs_task_definition.relay.arn
}

output "shared_memory_size_mib" {
  description = "The task's /dev/shm in MiB: feeds x 3 x aeron_term_length_mib + 64."
  value       = local.shared_memory_size_mib
}

output "log_group_name" {
  description = "CloudWatch Logs group of the relay (one JSON object per line, ECS format)."
  value       = aws_cloudwatch_log_group.relay.name
}

output "alarm_names" {
  description = "Every alarm's name, by kind."
  value = {
    unhealthy_hosts  = [for a in aws_cloudwatch_metric_alarm.unhealthy_hosts : a.alarm_name]
    no_healthy_hosts = [for a in aws_cloudwatch_metric_alarm.no_healthy_hosts : a.alarm_name]
    nlb_tcp_flows    = [aws_cloudwatch_metric_alarm.nlb_tcp_flows.alarm_name]
    no_sender        = [for a in aws_cloudwatch_metric_alarm.no_sender : a.alarm_name]
    no_datagrams     = [for a in aws_cloudwatch_metric_alarm.no_datagrams : a.alarm_name]
    protocol_errors  = [for a in aws_cloudwatch_metric_alarm.protocol_errors : a.alarm_name]
    sequence_gaps    = [for a in aws_cloudwatch_metric_alarm.sequence_gaps : a.alarm_name]
    canary_path      = [for a in aws_cloudwatch_metric_alarm.canary_path : a.alarm_name]
    slo_fast_burn    = [for a in aws_cloudwatch_metric_alarm.slo_fast_burn : a.alarm_name]
    canary_latency   = [for a in aws_cloudwatch_metric_alarm.canary_latency : a.alarm_name]
  }
}

output "relay_route_table_id" {
  description = "The relay subnets' route table: the module's own with service_access.mode endpoints or nat, else relay_route_table_id (null: the VPC's main one)."
  value       = local.relay_route_table_id
}

output "service_endpoints" {
  description = "The interface endpoints the module created (service_access.mode endpoints): service => endpoint id; and the S3 gateway endpoint as s3."
  value = merge({ for k, e in aws_vpc_endpoint.interface : k => e.id },
  var.service_access.mode == "endpoints" ? { s3 = aws_vpc_endpoint.s3[0].id } : {})
}

output "capacity_provider_name" {
  description = "The ECS capacity provider of the relay's hosts (managed termination protection and draining)."
  value       = aws_ecs_capacity_provider.host.name
}
