# The internal Network Load Balancer the exchange connects to: one TCP listener and one `ip` target
# group per feed. ECS registers each relay task's ENI address in every feed's target group.

resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = "network"
  internal           = true
  subnets            = [for az in sort(keys(var.nlb_subnets)) : aws_subnet.nlb[az].id]
  security_groups    = [aws_security_group.nlb.id]

  # A connection arriving in any AZ may go to the healthy relay in another AZ.
  enable_cross_zone_load_balancing = true
  enable_deletion_protection       = var.nlb_deletion_protection

  tags = merge(local.tags, { Name = var.name })
}

resource "aws_lb_target_group" "feed" {
  for_each = local.feeds_by_name

  name        = "${var.name}-${each.value.port}"
  target_type = "ip"
  protocol    = "TCP"
  port        = each.value.port
  vpc_id      = var.vpc_id

  # The relay's allow-list must see the exchange's address: either the NLB preserves it (default), or it
  # sends it in a PROXY protocol v2 header, which the relay then requires from the NLB's subnets only.
  preserve_client_ip = var.proxy_protocol_v2 ? "false" : "true"
  proxy_protocol_v2  = var.proxy_protocol_v2

  # Deregistration: ECS deregisters a stopping task and waits this long before SIGTERM; then the NLB
  # closes the task's remaining connections, so the exchange reconnects (to the standby) at once.
  deregistration_delay   = tostring(var.deregistration_delay_seconds)
  connection_termination = true

  # Cross-zone routing follows the load balancer's setting (on).
  load_balancing_cross_zone_enabled = "use_load_balancer_configuration"

  # A target that turns unhealthy has its connections closed: the exchange reconnects to a healthy one.
  target_health_state {
    enable_unhealthy_connection_termination = true
  }

  # The relay's readiness on its separate health port, never a plain TCP check of the feed port.
  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = tostring(var.health_port)
    path                = "/readyz"
    matcher             = "200"
    interval            = var.health_check.interval_seconds
    timeout             = var.health_check.timeout_seconds
    healthy_threshold   = var.health_check.healthy_threshold
    unhealthy_threshold = var.health_check.unhealthy_threshold
  }

  tags = merge(local.tags, { Name = "${var.name}-${each.key}", "mcast-relay:feed" = each.key })
}

resource "aws_lb_listener" "feed" {
  for_each = local.feeds_by_name

  load_balancer_arn = aws_lb.this.arn
  protocol          = "TCP"
  port              = each.value.port

  # 350 s is the NLB's default, set explicitly; relay-v1 heartbeats keep a quiet link alive.
  tcp_idle_timeout_seconds = var.nlb_idle_timeout_seconds

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.feed[each.key].arn
  }

  tags = merge(local.tags, { Name = "${var.name}-${each.key}", "mcast-relay:feed" = each.key })
}
