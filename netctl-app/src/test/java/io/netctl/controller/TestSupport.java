package io.netctl.controller;

import io.netctl.anp.yaml.YamlLoader;
import io.netctl.ovn.sandbox.OvnSandbox;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Helpers the controller tests share. */
final class TestSupport {
  private TestSupport() {}

  /** The repository's {@code examples/} directory. */
  static Path examples() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path p = d.resolve("examples");
      if (Files.isDirectory(p) && Files.exists(d.resolve("scripts/ovn-sandbox"))) {
        return p;
      }
    }
    throw new IllegalStateException("examples/ not found above " + Path.of("").toAbsolutePath());
  }

  static void copyExamples(Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(examples())) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        Files.copy(f, to.resolve(f.getFileName().toString()));
      }
    }
  }

  static List<YamlLoader.Source> sources(Path dir) throws IOException {
    List<YamlLoader.Source> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        out.add(new YamlLoader.Source(f.toString(), Files.readString(f)));
      }
    }
    return out;
  }

  /** ACL rows in the NB that carry netctl's owner id. */
  static int ownedAcls(OvnSandbox sandbox) throws IOException {
    String out = sandbox.nbctl("--bare", "--columns=_uuid", "find", "ACL",
        "external_ids:netctl.io/owner-controller=netctl");
    return (int) out.lines().filter(l -> !l.isBlank()).count();
  }

  /** The registry in the Prometheus text format (what /metrics serves). */
  static String scrape(io.prometheus.metrics.model.registry.PrometheusRegistry registry) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The sum of a counter's data points whose labels include {@code match}. */
  static long counter(ControllerMetrics m, String name, Map<String, String> match) {
    long sum = 0;
    for (MetricSnapshot s : m.registry().scrape()) {
      if (!(s instanceof CounterSnapshot c) || !(name.equals(c.getMetadata().getPrometheusName() + "_total")
          || name.equals(c.getMetadata().getPrometheusName()))) {
        continue;
      }
      for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
        boolean ok = match.entrySet().stream().allMatch(e -> e.getValue().equals(p.getLabels().get(e.getKey())));
        if (ok) {
          sum += (long) p.getValue();
        }
      }
    }
    return sum;
  }
}
