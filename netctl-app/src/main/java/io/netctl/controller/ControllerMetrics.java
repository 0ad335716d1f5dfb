package io.netctl.controller;

import io.netctl.ovn.ovsdb.ChangeCounts;
import io.netctl.ovn.ovsdb.NbCache;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * The controller's Prometheus metrics. The names are a contract shared with the dashboards and the API (see
 * docs/controller.md); every metric is registered in the registry given to the constructor.
 */
public final class ControllerMetrics {
  /** Buckets from 100 µs to 60 s: a label change commits in milliseconds, a cold start at scale takes seconds. */
  private static final double[] BUCKETS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
  };

  /** Condition types counted by {@code netctl_policies}. */
  public static final List<String> CONDITIONS =
      List.of(Conditions.PROGRAMMED, Conditions.INVALID_SPEC, Conditions.DUPLICATE_PRIORITY, Conditions.UNSUPPORTED);

  private final PrometheusRegistry registry;
  final Histogram compileDuration;
  final Histogram eventToCommit;
  final Histogram reconcileDuration;
  final Counter nbTransactions;
  final Counter nbRowsChanged;
  final Gauge workqueueDepth;
  final Counter workqueueCoalesced;
  final Counter informerEvents;
  final Histogram informerLag;
  final Gauge policies;
  final Gauge aclsProgrammed;
  final Gauge leader;
  final Gauge nbConnected;

  public ControllerMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    compileDuration =
        Histogram.builder()
            .name("netctl_compile_duration_seconds")
            .help("Time the compiler spent on a full compile or on one batch of incremental events")
            .labelNames("kind")
            .classicUpperBounds(BUCKETS)
            .register(registry);
    eventToCommit =
        Histogram.builder()
            .name("netctl_event_to_commit_seconds")
            .help("From an informer or watch-dir event received to the NB commit that contains its delta")
            .classicUpperBounds(BUCKETS)
            .register(registry);
    reconcileDuration =
        Histogram.builder()
            .name("netctl_reconcile_duration_seconds")
            .help("One reconcile (full) or apply (delta) call on the OVSDB reconciler")
            .labelNames("kind")
            .classicUpperBounds(BUCKETS)
            .register(registry);
    nbTransactions =
        Counter.builder()
            .name("netctl_nb_transactions_total")
            .help("Northbound transactions by result")
            .labelNames("result")
            .register(registry);
    nbRowsChanged =
        Counter.builder()
            .name("netctl_nb_rows_changed_total")
            .help("Northbound rows changed by netctl, by table and operation")
            .labelNames("table", "op")
            .register(registry);
    workqueueDepth =
        Gauge.builder().name("netctl_workqueue_depth").help("Objects waiting in the work queue").register(registry);
    workqueueCoalesced =
        Counter.builder()
            .name("netctl_workqueue_coalesced_total")
            .help("Events merged into an event for the same object already waiting in the queue")
            .register(registry);
    informerEvents =
        Counter.builder()
            .name("netctl_informer_events_total")
            .help("Events received from informers or the watch directory")
            .labelNames("kind", "type")
            .register(registry);
    informerLag =
        Histogram.builder()
            .name("netctl_informer_lag_seconds")
            .help("From an event received to its object compiled")
            .labelNames("kind")
            .classicUpperBounds(BUCKETS)
            .register(registry);
    policies =
        Gauge.builder()
            .name("netctl_policies")
            .help("Policies by kind whose condition of this type is True")
            .labelNames("kind", "condition")
            .register(registry);
    aclsProgrammed =
        Gauge.builder().name("netctl_acls_programmed").help("ACLs netctl has programmed").register(registry);
    leader = Gauge.builder().name("netctl_leader").help("1 if this instance is the leader").register(registry);
    nbConnected =
        Gauge.builder()
            .name("netctl_nb_connected")
            .help("1 if the last Northbound call succeeded")
            .register(registry);
    workqueueDepth.set(0);
    workqueueCoalesced.initLabelValues();
    leader.set(0);
    nbConnected.set(0);
    aclsProgrammed.set(0);
    nbTransactions.initLabelValues("ok");
    nbTransactions.initLabelValues("error");
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** Adds the committed rows of one reconcile to {@code netctl_nb_rows_changed_total}. */
  void rowsChanged(ChangeCounts c) {
    for (String table : List.of(NbCache.ACL, NbCache.ADDRESS_SET, NbCache.PORT_GROUP)) {
      add(table, "insert", c.get(table, ChangeCounts.Kind.CREATED));
      // the planner changes Address_Set and Port_Group rows by mutate (members); ACLs by update
      add(table, table.equals(NbCache.ACL) ? "update" : "mutate", c.get(table, ChangeCounts.Kind.UPDATED));
      add(table, "delete", c.get(table, ChangeCounts.Kind.DELETED));
    }
  }

  private void add(String table, String op, int n) {
    if (n > 0) {
      nbRowsChanged.labelValues(table, op).inc(n);
    }
  }
}
