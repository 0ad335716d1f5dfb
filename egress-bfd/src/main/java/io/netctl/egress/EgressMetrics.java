package io.netctl.egress;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * The egress metrics (names agreed in the project's metrics contract):
 * {@code netctl_egress_nexthops{namespace,gateway}}, {@code netctl_egress_instances{namespace,gateway,state}},
 * {@code netctl_egress_failover_seconds{direction="withdraw|restore"}} (BFD state change to the NB commit) and
 * {@code netctl_egress_nb_commits_total{namespace,gateway,path="fast|reconcile"}}.
 */
public final class EgressMetrics {
  /** Instance states reported by {@code netctl_egress_instances}. */
  public static final List<String> STATES = List.of("Up", "Down", "HoldDown", "Unknown");

  private final Gauge nexthops;
  private final Gauge instances;
  private final Histogram failover;
  private final Counter commits;

  public EgressMetrics(PrometheusRegistry registry) {
    nexthops = Gauge.builder().name("netctl_egress_nexthops")
        .help("Nexthops currently programmed in the gateway's reroute policies").labelNames("namespace", "gateway")
        .register(registry);
    instances = Gauge.builder().name("netctl_egress_instances").help("Gateway instances by BFD state")
        .labelNames("namespace", "gateway", "state").register(registry);
    failover = Histogram.builder().name("netctl_egress_failover_seconds")
        .help("From a BFD state change (or the end of a hold-down) to the NB commit of the nexthop change")
        .labelNames("direction")
        .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
        .register(registry);
    commits = Counter.builder().name("netctl_egress_nb_commits_total")
        .help("NB commits for a gateway, by path: fast (one nexthops mutate) or reconcile")
        .labelNames("namespace", "gateway", "path").register(registry);
  }

  /** Metrics registered nowhere (tests, or when no endpoint is wanted). */
  public static EgressMetrics unregistered() {
    return new EgressMetrics(new PrometheusRegistry());
  }

  void gateway(String namespace, String name, int hops, int[] byState) {
    nexthops.labelValues(namespace, name).set(hops);
    for (int i = 0; i < STATES.size(); i++) {
      instances.labelValues(namespace, name, STATES.get(i)).set(byState[i]);
    }
  }

  void removeGateway(String namespace, String name) {
    nexthops.remove(namespace, name);
    for (String s : STATES) {
      instances.remove(namespace, name, s);
    }
  }

  /**
   * Forgets every gateway's gauges (a controller that stops leading: the new leader reports them). The failover
   * histogram and the commit counter keep counting.
   */
  public void clearGateways() {
    nexthops.clear();
    instances.clear();
  }

  void failover(boolean withdraw, long nanos) {
    failover.labelValues(withdraw ? "withdraw" : "restore").observe(nanos / 1e9);
  }

  void commit(String namespace, String name, boolean fast) {
    commits.labelValues(namespace, name, fast ? "fast" : "reconcile").inc();
  }
}
