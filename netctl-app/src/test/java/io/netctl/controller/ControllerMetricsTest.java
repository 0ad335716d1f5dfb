package io.netctl.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.netctl.ovn.ovsdb.ChangeCounts;
import io.netctl.ovn.ovsdb.NbCache;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The names agreed in the metrics contract are the names served on /metrics. */
class ControllerMetricsTest {
  static final List<String> CONTRACT = List.of(
      "netctl_compile_duration_seconds", "netctl_event_to_commit_seconds", "netctl_reconcile_duration_seconds",
      "netctl_nb_transactions_total", "netctl_nb_rows_changed_total", "netctl_workqueue_depth",
      "netctl_workqueue_coalesced_total", "netctl_informer_events_total", "netctl_informer_lag_seconds",
      "netctl_policies", "netctl_acls_programmed", "netctl_leader", "netctl_nb_connected");

  @Test
  void everyContractNameIsServed() throws Exception {
    PrometheusRegistry reg = new PrometheusRegistry();
    ControllerMetrics m = new ControllerMetrics(reg);
    m.compileDuration.labelValues("full").observe(0.5);
    m.eventToCommit.observe(0.002);
    m.reconcileDuration.labelValues("delta").observe(0.001);
    m.informerEvents.labelValues("Pod", "update").inc();
    m.informerLag.labelValues("Pod").observe(0.0001);
    m.policies.labelValues("AdminNetworkPolicy", "Programmed").set(3);
    ChangeCounts c = new ChangeCounts();
    c.add(NbCache.ADDRESS_SET, ChangeCounts.Kind.UPDATED, 2);
    c.add(NbCache.ACL, ChangeCounts.Kind.CREATED, 5);
    m.rowsChanged(c);
    try (HTTPServer server = HTTPServer.builder().hostname("127.0.0.1").port(0).registry(reg).buildAndStart()) {
      String body = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (String name : CONTRACT) {
        assertThat(body).as(name).containsPattern("(?m)^" + name + "(_bucket|_count|_sum)?[{ ]");
      }
      assertThat(body).contains("netctl_nb_rows_changed_total{op=\"mutate\",table=\"Address_Set\"} 2.0");
      assertThat(body).contains("netctl_nb_rows_changed_total{op=\"insert\",table=\"ACL\"} 5.0");
    }
    assertThat(TestSupport.counter(m, "netctl_nb_rows_changed_total", Map.of("table", "ACL"))).isEqualTo(5);
  }
}
