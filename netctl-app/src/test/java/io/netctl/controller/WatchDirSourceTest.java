package io.netctl.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netctl.anp.api.Kind;
import io.netctl.anp.api.ObjectRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File changes in the watched directory become add, update and delete events. */
class WatchDirSourceTest {
  @TempDir Path dir;
  record Ev(SourceEvent e, String type) {}
  final List<Ev> events = new CopyOnWriteArrayList<>();
  final AtomicInteger synced = new AtomicInteger();
  final ClusterSource.Sink sink = new ClusterSource.Sink() {
    @Override
    public void event(SourceEvent e, String type) {
      events.add(new Ev(e, type));
    }

    @Override
    public void synced() {
      synced.incrementAndGet();
    }
  };

  static final ObjectRef PROD = ObjectRef.cluster(Kind.NAMESPACE, "prod");

  boolean has(String type, ObjectRef ref) {
    return events.stream().anyMatch(e -> e.type().equals(type) && e.e().key().equals(ref));
  }

  @Test
  void addsUpdatesDeletesAndKeepsObjectsOfABrokenFile() throws Exception {
    Files.writeString(dir.resolve("ns.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: prod, labels: {a: b}}\n");
    try (WatchDirSource s = new WatchDirSource(dir, 30, m -> {})) {
      s.start(sink);
      assertThat(synced).hasValue(1);
      assertThat(has("add", PROD)).isTrue();
      events.clear();
      Files.writeString(dir.resolve("ns.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: prod, labels: {a: c}}\n");
      await().atMost(Duration.ofSeconds(10)).until(() -> has("update", PROD));
      events.clear();
      // a half-written file: its objects stay
      Files.writeString(dir.resolve("ns.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: prod, labels: {a: \n");
      Files.writeString(dir.resolve("other.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: dev}\n");
      await().atMost(Duration.ofSeconds(10)).until(() -> has("add", ObjectRef.cluster(Kind.NAMESPACE, "dev")));
      assertThat(has("delete", PROD)).isFalse();
      // status files are not input
      Files.createDirectories(dir.resolve("status"));
      Files.writeString(dir.resolve("status/x.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: nope}\n");
      Files.delete(dir.resolve("ns.yaml"));
      await().atMost(Duration.ofSeconds(10)).until(() -> has("delete", PROD));
      assertThat(has("add", ObjectRef.cluster(Kind.NAMESPACE, "nope"))).isFalse();
    }
  }

  @Test
  void anInvalidPolicyIsReportedNotDropped() throws Exception {
    Files.writeString(dir.resolve("anp.yaml"), """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: x}
        spec: {priority: 5000, subject: {namespaces: {}}}
        """);
    try (WatchDirSource s = new WatchDirSource(dir, 30, m -> {})) {
      s.start(sink);
      assertThat(events).hasSize(1);
      assertThat(events.get(0).e()).isInstanceOf(SourceEvent.Invalid.class);
      SourceEvent.Invalid inv = (SourceEvent.Invalid) events.get(0).e();
      assertThat(inv.diagnostics().get(0).format()).contains("spec.priority", "5000");
      assertThat(Controller.invalidConditions(inv.diagnostics()).isTrue(Conditions.INVALID_SPEC)).isTrue();
    }
  }
}
