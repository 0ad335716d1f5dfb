package io.netctl.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netctl.bfd.metrics.BfdMetrics;
import io.netctl.controller.ControllerMetrics;
import io.netctl.controller.ControllerRuntime;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.Yaml;

/**
 * Every PromQL expression in {@code docs/grafana/*.json} selects only metrics netctl really registers: what
 * {@link ControllerRuntime#registerMetrics} puts in the controller's registry ({@link ControllerMetrics}, the egress
 * engine's metrics and {@link BfdMetrics}).
 */
class DashboardsTest {
  static final Path DIR = Path.of("../docs/grafana");

  /** What fills the controller's registry: exactly what {@code netctl controller} registers. */
  static final List<Consumer<PrometheusRegistry>> REGISTRARS = List.of(
      r -> ControllerRuntime.registerMetrics(r, List::of));

  /** The series names a registry exposes: {@code _total} of counters, {@code _bucket/_count/_sum} of histograms. */
  static Set<String> exposedNames() {
    PrometheusRegistry registry = new PrometheusRegistry();
    REGISTRARS.forEach(r -> r.accept(registry));
    Set<String> names = new TreeSet<>();
    for (MetricSnapshot s : registry.scrape()) {
      String n = s.getMetadata().getPrometheusName();
      if (s instanceof CounterSnapshot) {
        names.add(n + "_total");
      } else if (s instanceof HistogramSnapshot) {
        names.addAll(List.of(n + "_bucket", n + "_count", n + "_sum"));
      } else if (s instanceof SummarySnapshot) {
        names.addAll(List.of(n, n + "_count", n + "_sum"));
      } else if (s instanceof InfoSnapshot) {
        names.add(n + "_info");
      } else {
        names.add(n);
      }
    }
    return names;
  }

  record Expr(String dashboard, String panel, String expr) {}

  /** Every {@code expr} of every panel target and every query variable, with where it was found. */
  static List<Expr> expressions() throws IOException {
    List<Expr> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        Map<String, Object> d = new Yaml().load(Files.readString(f));
        collect(f.getFileName().toString(), "", d, out);
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void collect(String file, String panel, Object node, List<Expr> out) {
    if (node instanceof Map<?, ?> m) {
      String title = m.get("title") instanceof String t ? t : panel;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (e.getKey().equals("expr") && e.getValue() instanceof String s) {
          out.add(new Expr(file, title, s));
        } else if (e.getKey().equals("query") && m.get("type") != null && m.get("type").equals("query")
            && e.getValue() instanceof Map<?, ?> q && q.get("query") instanceof String s) {
          out.add(new Expr(file, "variable " + m.get("name"), variableQuery(s)));
        } else {
          collect(file, title, e.getValue(), out);
        }
      }
    } else if (node instanceof List<?> l) {
      for (Object o : l) {
        collect(file, panel, o, out);
      }
    }
  }

  /** {@code label_values(metric{...}, label)} → {@code metric{...}}. */
  static String variableQuery(String q) {
    if (q.startsWith("label_values(")) {
      return q.substring("label_values(".length(), q.lastIndexOf(','));
    }
    return q;
  }

  @TestFactory
  List<DynamicTest> everyExpressionNamesRegisteredMetrics() throws IOException {
    Set<String> exposed = exposedNames();
    List<DynamicTest> tests = new ArrayList<>();
    for (Expr e : expressions()) {
      tests.add(DynamicTest.dynamicTest(e.dashboard() + ": " + e.panel(), () -> {
        Set<String> names = PromQl.metricNames(e.expr());
        assertThat(names).as("metrics in %s", e.expr()).isNotEmpty();
        assertThat(exposed).as("%s / %s: %s", e.dashboard(), e.panel(), e.expr()).containsAll(names);
      }));
    }
    assertThat(tests).hasSizeGreaterThan(30);
    return tests;
  }

  @Test
  void theDashboardsCoverWhatTheyPromise() throws IOException {
    Set<String> used = new HashSet<>();
    for (Expr e : expressions()) {
      used.addAll(PromQl.metricNames(e.expr()));
    }
    // BFD latency: detection time, receive-interval percentiles and jitter, session states, flaps.
    assertThat(used).contains("netctl_bfd_detection_time_seconds", "netctl_bfd_detection_latency_seconds_bucket",
        "netctl_bfd_rx_interval_seconds_bucket", "netctl_bfd_session_state", "netctl_bfd_session_down_transitions_total",
        "netctl_bfd_state_transitions_total");
    // Policies: compile time, event-to-commit, reconcile latency, NB transactions, queue depth, informer lag,
    // conditions.
    assertThat(used).contains("netctl_compile_duration_seconds_bucket", "netctl_event_to_commit_seconds_bucket",
        "netctl_reconcile_duration_seconds_bucket", "netctl_nb_transactions_total", "netctl_workqueue_depth",
        "netctl_informer_lag_seconds_bucket", "netctl_policies");
    assertThat(Files.list(DIR).filter(p -> p.toString().endsWith(".json")).count()).isEqualTo(2);
  }

  @Test
  void dashboardsAreWellFormed() throws IOException {
    Set<String> uids = new HashSet<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        Map<String, Object> d = new Yaml().load(Files.readString(f));
        assertThat(uids.add((String) d.get("uid"))).as("unique uid in %s", f).isTrue();
        assertThat(d).containsKeys("title", "panels", "schemaVersion", "templating");
        List<?> panels = (List<?>) d.get("panels");
        Set<Object> ids = new HashSet<>();
        for (Object o : panels) {
          Map<?, ?> p = (Map<?, ?>) o;
          assertThat(ids.add(p.get("id"))).as("%s: panel id %s once", f, p.get("id")).isTrue();
          if (!"row".equals(p.get("type"))) {
            assertThat((List<?>) p.get("targets")).as("%s: %s has queries", f, p.get("title")).isNotEmpty();
          }
        }
      }
    }
  }

  @Test
  void exposedNamesFollowTheExpositionFormat() {
    Set<String> exposed = exposedNames();
    assertThat(exposed).contains("netctl_bfd_state_transitions_total", "netctl_bfd_rx_interval_seconds_bucket",
        "netctl_bfd_session_state", "netctl_bfd_sessions", "netctl_nb_transactions_total",
        "netctl_egress_failover_seconds_count");
    assertThat(exposed).doesNotContain("netctl_bfd_state_transitions", "netctl_bfd_rx_interval_seconds",
        "netctl_nb_transactions_total_total", "netctl_bfd_sessions_total");
  }

  @Test
  void theLexerFindsMetricsAndNothingElse() {
    assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (le, kind) (rate(a_bucket{x=\"y\", z=~\"$v\"}"
        + "[$__rate_interval])))")).containsExactly("a_bucket");
    assertThat(PromQl.metricNames("sum(rate(a_total[5m])) / on (p) group_left (q) b offset 5m + 1e-9 * c"))
        .containsExactly("a_total", "b", "c");
    assertThat(PromQl.metricNames("count(x == 0) or vector(0)")).containsExactly("x");
    assertThat(PromQl.metricNames("clamp_min(sum without (le) (y), 1e-9) > bool 0.5")).containsExactly("y");
    assertThatThrownBy(() -> PromQl.metricNames("sum(x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PromQl.metricNames("x{a=\"b}")).isInstanceOf(IllegalArgumentException.class);
  }
}
