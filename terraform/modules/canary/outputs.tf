output "service" {
  description = "The canary's CloudWatch `service` dimension: give it to the relay module as canary.service."
  value       = var.name
}

output "ecs_cluster_name" {
  description = "The canary's ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "ecs_service_name" {
  description = "The canary's ECS service."
  value       = aws_ecs_service.canary.name
}

output "task_security_group_id" {
  description = "The canary task's own security group (HTTPS out, :8090 from health_cidrs)."
  value       = aws_security_group.task.id
}

output "log_group_name" {
  description = "The canary's CloudWatch Logs log group."
  value       = aws_cloudwatch_log_group.canary.name
}

output "environment" {
  description = "The canary's settings as the task receives them (canary.*, relay.metrics.cloudwatch.*)."
  value       = local.environment
}
