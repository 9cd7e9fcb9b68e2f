output "nlb_dns_name" {
  description = "Where the exchange connects (TCP 6666 test, 6667 prod)."
  value       = module.relay.nlb_dns_name
}

output "feed_ports" {
  description = "TCP port of each feed."
  value       = module.relay.feed_ports
}

output "customer_handoff" {
  description = "Give this to each customer: it is the customer module's input."
  value       = module.relay.customer_handoff
}

output "alarm_topic_arn" {
  description = "Subscribe the on-call rotation to this SNS topic."
  value       = aws_sns_topic.alarms.arn
}
