package io.netctl.anp.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.api.Kind;
import io.netctl.anp.api.ObjectRef;
import io.netctl.anp.api.Pod;
import io.netctl.anp.api.Policy;
import io.netctl.anp.yaml.YamlLoader;
import io.netctl.ovn.nb.MemberChange;
import io.netctl.ovn.nb.NbDelta;
import io.netctl.ovn.nb.NbTable;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One event touches only the rows it affects, as element deltas where it can. */
class IncrementalTest {
  PolicyCompiler compiler;
  YamlLoader.LoadResult world;

  @BeforeEach
  void load() {
    String yaml = SemanticsTest.WORLD
        + Cluster.anp("web-from-dev", 10, SemanticsTest.SUBJECT_ALL,
            "  ingress:\n  - action: Allow\n    from:\n    - pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}\n")
        + Cluster.anp("named", 20, SemanticsTest.SUBJECT_A,
            "  ingress:\n  - action: Allow\n    from:\n    - namespaces: {}\n    ports: [{namedPort: http}]\n")
        + Cluster.anp("ns-only", 30, "{namespaces: {matchLabels: {env: dev}}}",
            "  ingress:\n  - action: Deny\n    from:\n    - namespaces: {matchLabels: {env: prod}}\n");
    world = YamlLoader.load("t", yaml);
    compiler = new PolicyCompiler(PolicyCompiler.Options.DEFAULT);
    compiler.load(world.objects());
  }

  Pod pod(String ns, String name) {
    for (ClusterObject o : world.objects()) {
      if (o instanceof Pod p && p.namespace().equals(ns) && p.name().equals(name)) {
        return p;
      }
    }
    throw new AssertionError(ns + "/" + name);
  }

  @Test
  void aPodLabelChangeOnlyMutatesTheAddressSetsWhoseSelectorsItCrosses() {
    Pod shell = pod("dev", "shell");
    NbDelta d = compiler.apply(new ClusterEvent.Upsert(shell.withLabels(Map.of("app", "web"))));
    assertThat(d.upserts()).isEmpty();
    assertThat(d.deletes()).isEmpty();
    assertThat(d.memberChanges()).singleElement().satisfies(m -> {
      assertThat(m.row().table()).isEqualTo(NbTable.ADDRESS_SET);
      assertThat(m.row().key()).startsWith("nc_peer_").endsWith("_v4"); // the shared set of these peers
      assertThat(m.added()).containsExactly("10.0.0.4");
      assertThat(m.removed()).isEmpty();
    });
  }

  @Test
  void aLabelChangeNoSelectorCaresAboutChangesNothing() {
    NbDelta d = compiler.apply(new ClusterEvent.Upsert(pod("b", "api").withLabels(Map.of("app", "api", "version", "2"))));
    assertThat(d.isEmpty()).isTrue();
  }

  @Test
  void aNewPodJoinsItsGroupsAndTheNamedPortSetsItResolvesIn() {
    Pod p = pod("a", "web");
    Pod twin = new Pod("a", "web2", p.labels(), "", false, p.ports(), java.util.List.of("10.0.0.9"), false);
    NbDelta d = compiler.apply(new ClusterEvent.Upsert(twin));
    assertThat(d.memberChanges()).extracting(MemberChange::row).extracting(r -> r.table() + ":" + r.key())
        .allSatisfy(k -> assertThat(k).doesNotStartWith("PORT_GROUP:nc_anp_ns_only")).hasSize(6);
    assertThat(d.memberChanges()).anySatisfy(m -> assertThat(m.added()).contains("web2.a"));
    assertThat(d.memberChanges()).anySatisfy(m -> {
      assertThat(m.row().key()).contains("named").endsWith("_in0_tcp8080_v4");
      assertThat(m.added()).containsExactly("10.0.0.9");
    });
    assertThat(d.upserts()).as("a port number already in use needs no ACL change").isEmpty();
  }

  @Test
  void aNewNamedPortNumberAddsAClauseToTheAcl() {
    Pod p = pod("a", "web");
    Pod other = new Pod("a", "web3", p.labels(), "", false,
        java.util.List.of(new io.netctl.anp.api.ContainerPort("http", 8443, io.netctl.anp.api.Protocol.TCP)),
        java.util.List.of("10.0.0.10"), false);
    NbDelta d = compiler.apply(new ClusterEvent.Upsert(other));
    assertThat(d.upserts()).extracting(r -> r.key())
        .contains("anp:named:ingress:0:tcp")
        .anySatisfy(k -> assertThat(k).endsWith("_in0_tcp8443_v4"));
    NbDelta back = compiler.apply(new ClusterEvent.Delete(other.ref()));
    assertThat(back.deletes()).extracting(r -> r.key()).anySatisfy(k -> assertThat(k).endsWith("_in0_tcp8443_v4"));
  }

  @Test
  void reprioritisingOnePolicyRewritesOnlyItsAcls() {
    Policy named = (Policy) world.objects().stream().filter(o -> o.ref().name().equals("named")).findFirst().orElseThrow();
    Policy moved = new Policy(named.ref(), named.kind(), 700, named.subject(), named.ingress(), named.egress(),
        named.isolates(), named.logging());
    NbDelta d = compiler.apply(new ClusterEvent.Upsert(moved));
    assertThat(d.memberChanges()).isEmpty();
    assertThat(d.deletes()).isEmpty();
    assertThat(d.upserts()).isNotEmpty().allSatisfy(r -> assertThat(r.externalIds().get("netctl.io/owner-name")).isEqualTo("named"));
  }

  @Test
  void deletingAPolicyDeletesExactlyItsRows() {
    int before = compiler.state().size();
    NbDelta d = compiler.apply(new ClusterEvent.Delete(ObjectRef.cluster(Kind.ADMIN_NETWORK_POLICY, "ns-only")));
    assertThat(d.upserts()).isEmpty();
    assertThat(d.deletes()).hasSize(1 + 2 + 1); // Port_Group, two Address_Sets, one ACL
    assertThat(compiler.state().size()).isEqualTo(before - 4);
  }

  @Test
  void aNamespaceRelabelMovesItsPodsBetweenGroups() {
    NbDelta d = compiler.apply(new ClusterEvent.Upsert(new io.netctl.anp.api.Namespace("b", Map.of("env", "dev"))));
    assertThat(d.upserts()).isEmpty();
    assertThat(d.memberChanges()).anySatisfy(m -> assertThat(m.added()).contains("api.b"));
    assertThat(d.memberChanges()).anySatisfy(m -> assertThat(m.removed()).contains("10.0.0.3"));
  }
}
