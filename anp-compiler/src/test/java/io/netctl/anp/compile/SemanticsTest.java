package io.netctl.anp.compile;

import static io.netctl.anp.api.Protocol.SCTP;
import static io.netctl.anp.api.Protocol.TCP;
import static io.netctl.anp.api.Protocol.UDP;
import static io.netctl.anp.compile.Cluster.anp;
import static io.netctl.anp.compile.Cluster.banp;
import static io.netctl.anp.compile.Cluster.cnp;
import static io.netctl.anp.compile.Cluster.np;
import static org.assertj.core.api.Assertions.assertThat;

import io.netctl.anp.diag.Code;
import io.netctl.ovn.nb.Acl;
import io.netctl.ovn.nb.AclAction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy semantics the compiler must get exactly right, checked by evaluating the compiled ACLs. */
class SemanticsTest {

  static final String WORLD =
      Cluster.ns("a", "{env: prod}")
          + Cluster.ns("b", "{env: prod}")
          + Cluster.ns("dev", "{env: dev}")
          + Cluster.pod("a", "web", "{app: web}", "10.0.0.1", "[{name: http, containerPort: 8080}]")
          + Cluster.pod("a", "db", "{app: db}", "10.0.0.2", "[{name: pg, containerPort: 5432}]")
          + Cluster.pod("b", "api", "{app: api}", "10.0.0.3",
              "[{name: http, containerPort: 9090}, {name: dns, containerPort: 53, protocol: UDP}]")
          + Cluster.pod("dev", "shell", "{app: shell}", "10.0.0.4")
          + Cluster.hostNetworkPod("a", "agent", "{app: agent}", "172.18.0.9")
          + Cluster.node("n1", "{role: worker}", "172.18.0.2")
          + Cluster.node("n2", "{role: infra}", "172.18.0.3");

  static final String SUBJECT_A = "{namespaces: {matchLabels: {kubernetes.io/metadata.name: a}}}";
  static final String SUBJECT_ALL = "{namespaces: {}}";
  static final String FROM_DEV = "    from:\n    - namespaces: {matchLabels: {env: dev}}\n";

  static String ingress(String action, String from, String ports) {
    return "  - action: " + action + "\n" + from + (ports == null ? "" : "    ports: " + ports + "\n");
  }

  @Test
  void nothingMatchingIsAllowed() {
    Cluster c = Cluster.of(WORLD + anp("unrelated", 1, SUBJECT_A, "  ingress:\n" + ingress("Deny", FROM_DEV, null)));
    assertThat(c.allowed("b/api", "a/web", TCP, 80)).isTrue();
    assertThat(c.allowed("a/web", "b/api", TCP, 80)).isTrue();
    assertThat(c.allowed("dev/shell", "a/web", TCP, 80)).isFalse();
  }

  @Test
  void firstMatchingRuleInAPolicyDecides() {
    String allowFirst = "  ingress:\n" + ingress("Allow", FROM_DEV, null) + ingress("Deny", FROM_DEV, null);
    String denyFirst = "  ingress:\n" + ingress("Deny", FROM_DEV, null) + ingress("Allow", FROM_DEV, null);
    assertThat(Cluster.of(WORLD + anp("p", 10, SUBJECT_A, allowFirst)).allowed("dev/shell", "a/web", TCP, 80)).isTrue();
    assertThat(Cluster.of(WORLD + anp("p", 10, SUBJECT_A, denyFirst)).allowed("dev/shell", "a/web", TCP, 80)).isFalse();
  }

  @Test
  void lowerPriorityNumberWinsAcrossTheWholeRange() {
    String allow = "  ingress:\n" + ingress("Allow", FROM_DEV, null);
    String deny = "  ingress:\n" + ingress("Deny", FROM_DEV, null);
    // 999 beats 1000, 150 beats 999, 0 beats 150: priorities above 99 that fixed formulas cannot express.
    Cluster c1 = Cluster.of(WORLD + anp("allow-999", 999, SUBJECT_A, allow) + anp("deny-1000", 1000, SUBJECT_A, deny));
    assertThat(c1.allowed("dev/shell", "a/web", TCP, 80)).isTrue();
    Cluster c2 = Cluster.of(WORLD + anp("allow-999", 999, SUBJECT_A, allow) + anp("deny-150", 150, SUBJECT_A, deny));
    assertThat(c2.allowed("dev/shell", "a/web", TCP, 80)).isFalse();
    Cluster c3 =
        Cluster.of(WORLD + anp("allow-0", 0, SUBJECT_A, allow) + anp("deny-150", 150, SUBJECT_A, deny)
            + anp("deny-1000", 1000, SUBJECT_A, deny));
    assertThat(c3.allowed("dev/shell", "a/web", TCP, 80)).isTrue();
    int p0 = aclPriority(c3, "allow-0");
    int p150 = aclPriority(c3, "deny-150");
    int p1000 = aclPriority(c3, "deny-1000");
    assertThat(p0).isGreaterThan(p150);
    assertThat(p150).isGreaterThan(p1000);
    assertThat(p1000).isGreaterThan(0);
  }

  private static int aclPriority(Cluster c, String policy) {
    return c.result.state().acls().values().stream()
        .filter(a -> a.externalIds().get("netctl.io/owner-name").equals(policy))
        .findFirst()
        .orElseThrow()
        .priority();
  }

  @Test
  void passSkipsTheRestOfTheTierAndFallsToNetworkPolicyThenBaseline() {
    String pass = "  ingress:\n" + ingress("Pass", "    from:\n    - namespaces: {}\n", null);
    String deny = "  ingress:\n" + ingress("Deny", FROM_DEV, null);
    String base = WORLD + anp("pass-all", 5, SUBJECT_A, pass) + anp("deny-dev", 10, SUBJECT_A, deny);
    // Pass skips deny-dev; nothing else decides: allowed.
    assertThat(Cluster.of(base).allowed("dev/shell", "a/web", TCP, 80)).isTrue();
    // The baseline tier comes after Pass.
    String banpDeny = banp(SUBJECT_A, "  ingress:\n" + ingress("Deny", FROM_DEV, null));
    assertThat(Cluster.of(base + banpDeny).allowed("dev/shell", "a/web", TCP, 80)).isFalse();
    assertThat(Cluster.of(base + banpDeny).allowed("b/api", "a/web", TCP, 80)).isTrue();
    // NetworkPolicy sits between: it isolates a/web and allows only b, and it overrides the baseline.
    String npAllowB =
        np("a", "web-from-b", "  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from:\n"
            + "    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}\n");
    String banpDenyB = banp(SUBJECT_A, "  ingress:\n" + ingress("Deny", "    from:\n    - namespaces: {}\n", null));
    Cluster c = Cluster.withNetworkPolicy(base + npAllowB + banpDenyB);
    assertThat(c.allowed("b/api", "a/web", TCP, 80)).as("NP allows b, overriding BANP").isTrue();
    assertThat(c.allowed("dev/shell", "a/web", TCP, 80)).as("NP isolates web: dev denied").isFalse();
    assertThat(c.connect("dev/shell", "a/web", TCP, 80).deciding().tier()).isEqualTo(2);
    assertThat(c.allowed("b/api", "a/db", TCP, 80)).as("db is not selected by the NP: BANP denies").isFalse();
    assertThat(c.connect("b/api", "a/db", TCP, 80).deciding().tier()).isEqualTo(3);
    assertThat(c.connect("b/api", "a/web", TCP, 80).passed()).hasSize(1);
  }

  @Test
  void denyIsASilentDropNeverAReject() {
    Cluster c = Cluster.of(WORLD
        + anp("d", 1, SUBJECT_ALL, "  ingress:\n" + ingress("Deny", FROM_DEV, null)
            + "  egress:\n  - action: Deny\n    to:\n    - networks: [10.0.0.0/8]\n")
        + banp(SUBJECT_ALL, "  ingress:\n" + ingress("Deny", FROM_DEV, null)));
    List<Acl> denies = c.result.state().acls().values().stream()
        .filter(a -> a.action() == AclAction.DROP || a.action() == AclAction.REJECT).toList();
    assertThat(denies).hasSize(3).allSatisfy(a -> assertThat(a.action()).isEqualTo(AclAction.DROP));
  }

  @Test
  void networksZeroSlashZeroAlsoMatchesPods() {
    Cluster c = Cluster.of(WORLD + anp("no-egress", 1, "{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: shell}}}}",
        "  egress:\n  - action: Deny\n    to:\n    - networks: [0.0.0.0/0]\n"));
    assertThat(c.allowed("dev/shell", "a/web", TCP, 80)).isFalse();
    assertThat(c.connectTo("dev/shell", "8.8.8.8", UDP, 53).allowed()).isFalse();
    assertThat(c.allowed("a/web", "dev/shell", TCP, 80)).isTrue();
  }

  @Test
  void namedPortsResolvePerDestinationPod() {
    String rules = "  ingress:\n" + ingress("Allow", FROM_DEV, "[{namedPort: http}]") + ingress("Deny", FROM_DEV, null);
    Cluster c = Cluster.of(WORLD + anp("p", 1, SUBJECT_ALL, rules));
    assertThat(c.allowed("dev/shell", "a/web", TCP, 8080)).isTrue();
    assertThat(c.allowed("dev/shell", "a/web", TCP, 9090)).isFalse();
    assertThat(c.allowed("dev/shell", "b/api", TCP, 9090)).isTrue();
    assertThat(c.allowed("dev/shell", "b/api", TCP, 8080)).isFalse();
    assertThat(c.allowed("dev/shell", "a/db", TCP, 5432)).isFalse();
  }

  @Test
  void egressNamedPortsResolveOnThePeers() {
    String rules = "  egress:\n  - action: Allow\n    to:\n    - pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: api}}}\n"
        + "    ports: [{namedPort: dns}]\n  - action: Deny\n    to:\n    - namespaces: {}\n";
    Cluster c = Cluster.of(WORLD + anp("p", 1, SUBJECT_A, rules));
    assertThat(c.allowed("a/web", "b/api", UDP, 53)).isTrue();
    assertThat(c.allowed("a/web", "b/api", TCP, 53)).isFalse();
    assertThat(c.allowed("a/web", "b/api", TCP, 9090)).isFalse();
  }

  @Test
  void aRuleWithSeveralProtocolsBecomesOneAclPerProtocol() {
    String rules = "  ingress:\n" + ingress("Allow", FROM_DEV,
        "[{portNumber: {protocol: TCP, port: 80}}, {portNumber: {protocol: UDP, port: 53}}, "
            + "{portNumber: {protocol: SCTP, port: 9999}}, {portRange: {protocol: TCP, start: 8000, end: 8999}}]")
        + ingress("Deny", FROM_DEV, null);
    Cluster c = Cluster.of(WORLD + anp("p", 1, SUBJECT_A, rules));
    assertThat(c.result.state().acls().values()).filteredOn(a -> a.key().contains(":ingress:0:")).hasSize(3);
    assertThat(c.allowed("dev/shell", "a/web", TCP, 80)).isTrue();
    assertThat(c.allowed("dev/shell", "a/web", TCP, 8500)).isTrue();
    assertThat(c.allowed("dev/shell", "a/web", TCP, 9000)).isFalse();
    assertThat(c.allowed("dev/shell", "a/web", UDP, 53)).isTrue();
    assertThat(c.allowed("dev/shell", "a/web", UDP, 80)).isFalse();
    assertThat(c.allowed("dev/shell", "a/web", SCTP, 9999)).isTrue();
    assertThat(c.allowed("dev/shell", "a/web", SCTP, 80)).isFalse();
  }

  @Test
  void nodesPeerMatchesNodeAddresses() {
    Cluster c = Cluster.of(WORLD + anp("p", 1, SUBJECT_A,
        "  egress:\n  - action: Deny\n    to:\n    - nodes: {matchLabels: {role: worker}}\n"));
    assertThat(c.connectTo("a/web", "172.18.0.2", TCP, 10250).allowed()).isFalse();
    assertThat(c.connectTo("a/web", "172.18.0.3", TCP, 10250).allowed()).isTrue();
  }

  @Test
  void hostNetworkPodsAreNeitherSubjectsNorPeers() {
    Cluster c = Cluster.of(WORLD + anp("p", 1, SUBJECT_ALL,
        "  ingress:\n" + ingress("Deny", "    from:\n    - namespaces: {}\n", null)));
    assertThat(c.result.state().portGroups().values()).singleElement()
        .satisfies(pg -> assertThat(pg.ports()).doesNotContain("agent.a").contains("web.a", "shell.dev"));
    assertThat(c.result.state().addressSets().values())
        .allSatisfy(as -> assertThat(as.addresses()).doesNotContain("172.18.0.9"));
  }

  @Test
  void emptySelectorsSelectEverything() {
    Cluster c = Cluster.of(WORLD + anp("p", 1, "{pods: {namespaceSelector: {}, podSelector: {}}}",
        "  ingress:\n" + ingress("Deny", "    from:\n    - pods: {namespaceSelector: {}, podSelector: {}}\n", null)));
    assertThat(c.result.state().portGroups().values()).singleElement()
        .satisfies(pg -> assertThat(pg.ports()).hasSize(4));
    assertThat(c.allowed("a/web", "b/api", TCP, 1)).isFalse();
    assertThat(c.allowed("b/api", "dev/shell", TCP, 1)).isFalse();
  }

  @Test
  void peersWithOnlyUnknownFieldsFailClosed() {
    String unknownPeer = "    from:\n    - futurePeer: {x: y}\n";
    Cluster allow = Cluster.of(WORLD + anp("p", 1, SUBJECT_A, "  ingress:\n" + ingress("Allow", unknownPeer, null)
        + ingress("Deny", FROM_DEV, null)));
    assertThat(allow.allowed("dev/shell", "a/web", TCP, 80)).as("Allow fails closed: matches nothing").isFalse();
    assertThat(allow.loaded.diagnostics()).anySatisfy(d -> assertThat(d.field()).isEqualTo("spec.ingress[0].from[0]"));
    Cluster deny = Cluster.of(WORLD + anp("p", 1, SUBJECT_A, "  ingress:\n" + ingress("Deny", unknownPeer, null)));
    assertThat(deny.allowed("b/api", "a/web", TCP, 80)).as("Deny fails closed: matches everything").isFalse();
    Cluster pass = Cluster.of(WORLD + anp("p", 1, SUBJECT_A, "  ingress:\n" + ingress("Pass", unknownPeer, null))
        + anp("q", 2, SUBJECT_A, "  ingress:\n" + ingress("Deny", "    from:\n    - namespaces: {}\n", null)));
    assertThat(pass.allowed("b/api", "a/web", TCP, 80)).as("Pass fails closed: passes everything").isTrue();
  }

  @Test
  void clusterNetworkPolicyTiersAndActions() {
    String admin = cnp("admin-deny", "Admin", 10, SUBJECT_A,
        "  ingress:\n  - action: Accept\n    from:\n    - namespaces: {matchLabels: {kubernetes.io/metadata.name: b}}\n"
            + "    protocols: [{tcp: {destinationPort: {number: 80}}}]\n"
            + "  - action: Pass\n    from:\n    - namespaces: {matchLabels: {env: dev}}\n"
            + "  - action: Deny\n    from:\n    - namespaces: {}\n");
    String baseline = cnp("baseline", "Baseline", 10, SUBJECT_A,
        "  ingress:\n  - action: Deny\n    from:\n    - namespaces: {matchLabels: {env: dev}}\n"
            + "    protocols: [{udp: {destinationPort: {range: {start: 50, end: 60}}}}]\n");
    Cluster c = Cluster.of(WORLD + admin + baseline);
    assertThat(c.allowed("b/api", "a/web", TCP, 80)).isTrue();
    assertThat(c.allowed("b/api", "a/web", TCP, 81)).isFalse();
    assertThat(c.allowed("dev/shell", "a/web", TCP, 81)).as("passed, baseline does not match TCP").isTrue();
    assertThat(c.allowed("dev/shell", "a/web", UDP, 53)).as("passed, then baseline denies").isFalse();
    assertThat(c.connect("dev/shell", "a/web", UDP, 53).deciding().tier()).isEqualTo(3);
  }

  @Test
  void anpAndCnpShareTheAdminTierAndInterleaveByPriority() {
    String cnpDeny = cnp("cnp-deny", "Admin", 20, SUBJECT_A, "  ingress:\n  - action: Deny\n" + FROM_DEV);
    String anpAllow = anp("anp-allow", 15, SUBJECT_A, "  ingress:\n" + ingress("Allow", FROM_DEV, null));
    String anpDeny = anp("anp-deny", 25, SUBJECT_A, "  ingress:\n" + ingress("Allow", FROM_DEV, null));
    assertThat(Cluster.of(WORLD + cnpDeny + anpAllow).allowed("dev/shell", "a/web", TCP, 1)).isTrue();
    assertThat(Cluster.of(WORLD + cnpDeny + anpDeny).allowed("dev/shell", "a/web", TCP, 1)).isFalse();
  }

  @Test
  void ipv6PodsAndNetworks() {
    String world = Cluster.ns("v6", "{}") + Cluster.pod("v6", "x", "{}", "fd00::1") + Cluster.pod("v6", "y", "{}", "fd00:0:0::2");
    Cluster c = Cluster.of(world + anp("p", 1, "{namespaces: {}}",
        "  egress:\n  - action: Deny\n    to:\n    - networks: [\"fd00::/64\"]\n"));
    assertThat(c.allowed("v6/x", "v6/y", TCP, 80)).isFalse();
    assertThat(c.connectTo("v6/x", "2001:db8::1", TCP, 80).allowed()).isTrue();
    assertThat(c.result.state().addressSets().values()).anySatisfy(as -> assertThat(as.addresses()).containsExactly("fd00::/64"));
  }

  @Test
  void domainNamesGetAnAddressSetPerName() {
    Cluster c = Cluster.of(WORLD + anp("p", 1, SUBJECT_A,
        "  egress:\n  - action: Allow\n    to:\n    - domainNames: [\"*.example.com\", \"api.github.com.\"]\n"));
    assertThat(c.result.state().addressSets().values())
        .filteredOn(as -> as.externalIds().get("netctl.io/owner-type").equals("DomainName"))
        .extracting(as -> as.externalIds().get("netctl.io/owner-name"))
        .containsOnly("*.example.com", "api.github.com")
        .hasSize(4);
  }

  @Test
  void loggingAnnotationSetsLogAndSeverity() {
    String yaml = WORLD + anp("p", 1, SUBJECT_A, "  ingress:\n" + ingress("Deny", FROM_DEV, null))
        .replace("  name: p\n", "  name: p\n  annotations:\n    netctl.io/acl-logging: '{\"deny\": \"alert\", \"meter\": \"m1\"}'\n");
    Cluster c = Cluster.of(yaml);
    assertThat(c.result.state().acls().values()).singleElement().satisfies(a -> {
      assertThat(a.log()).isTrue();
      assertThat(a.severity()).isEqualTo("alert");
      assertThat(a.meter()).isEqualTo("m1");
    });
  }

  @Test
  void samePriorityIsReportedAndOrderedByName() {
    String deny = "  ingress:\n" + ingress("Deny", FROM_DEV, null);
    String allow = "  ingress:\n" + ingress("Allow", FROM_DEV, null);
    Cluster c = Cluster.of(WORLD + anp("b-deny", 7, SUBJECT_A, deny) + anp("a-allow", 7, SUBJECT_A, allow));
    assertThat(c.diagnostics()).hasSize(2).allSatisfy(d -> assertThat(d.code()).isEqualTo(Code.DUPLICATE_PRIORITY));
    assertThat(c.allowed("dev/shell", "a/web", TCP, 80)).as("a-allow orders first by name").isTrue();
  }

  @Test
  void ovnKubernetesPortNaming() {
    var loaded = io.netctl.anp.yaml.YamlLoader.load("t", WORLD + anp("p", 1, SUBJECT_A, "  ingress:\n" + ingress("Deny", FROM_DEV, null)));
    var r = PolicyCompiler.compile(loaded.objects(), new PolicyCompiler.Options(LspNaming.OVN_KUBERNETES, false));
    assertThat(r.state().portGroups().values()).singleElement()
        .satisfies(pg -> assertThat(pg.ports()).containsExactly("a_db", "a_web"));
  }

  @Test
  void everyRowCarriesOwnership() {
    Cluster c = Cluster.withNetworkPolicy(WORLD + anp("p", 1, SUBJECT_A, "  ingress:\n" + ingress("Deny", FROM_DEV, null))
        + np("a", "n", "  podSelector: {}\n  ingress:\n  - from:\n    - podSelector: {}\n"));
    assertThat(c.result.state().rows()).isNotEmpty().allSatisfy(r -> {
      assertThat(r.externalIds()).containsEntry("netctl.io/owner-controller", "netctl")
          .containsKeys("netctl.io/owner-type", "netctl.io/owner-name", "netctl.io/id");
    });
  }
}
