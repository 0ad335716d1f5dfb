package io.netctl.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Stand-ins for the controller's and the egress engine's metrics, registered exactly as the agreed names and labels
 * say (the metric-names contract shared by the controller, egress and API work). Once {@code ControllerMetrics} and
 * the egress metrics are merged, {@link DashboardsTest#REGISTRARS} points at them instead and this class goes.
 */
final class MetricsContract {
  private MetricsContract() {}

  static void controller(PrometheusRegistry r) {
    Histogram.builder().name("netctl_compile_duration_seconds").labelNames("kind").register(r);
    Histogram.builder().name("netctl_event_to_commit_seconds").register(r);
    Histogram.builder().name("netctl_reconcile_duration_seconds").labelNames("kind").register(r);
    Counter.builder().name("netctl_nb_transactions_total").labelNames("result").register(r);
    Counter.builder().name("netctl_nb_rows_changed_total").labelNames("table", "op").register(r);
    Gauge.builder().name("netctl_workqueue_depth").register(r);
    Counter.builder().name("netctl_workqueue_coalesced_total").register(r);
    Counter.builder().name("netctl_informer_events_total").labelNames("kind", "type").register(r);
    Histogram.builder().name("netctl_informer_lag_seconds").labelNames("kind").register(r);
    Gauge.builder().name("netctl_policies").labelNames("kind", "condition").register(r);
    Gauge.builder().name("netctl_acls_programmed").register(r);
    Gauge.builder().name("netctl_leader").register(r);
    Gauge.builder().name("netctl_nb_connected").register(r);
  }

  static void egress(PrometheusRegistry r) {
    Gauge.builder().name("netctl_egress_nexthops").labelNames("namespace", "gateway").register(r);
    Gauge.builder().name("netctl_egress_instances").labelNames("namespace", "gateway", "state").register(r);
    Histogram.builder().name("netctl_egress_failover_seconds").labelNames("direction").register(r);
    Counter.builder().name("netctl_egress_nb_commits_total").labelNames("namespace", "gateway", "path").register(r);
  }
}
