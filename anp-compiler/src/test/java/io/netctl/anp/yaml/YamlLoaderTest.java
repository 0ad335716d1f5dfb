package io.netctl.anp.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import io.netctl.anp.api.Kind;
import io.netctl.anp.api.Pod;
import io.netctl.anp.api.Policy;
import io.netctl.anp.api.PortSpec;
import io.netctl.anp.api.Protocol;
import io.netctl.anp.diag.Code;
import io.netctl.anp.diag.Diagnostic;
import io.netctl.anp.diag.Severity;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every upstream validation rule: one malformation per case, each named by field path, with the others still loaded. */
class YamlLoaderTest {

  static final String GOOD =
      "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata:\n  name: good\nspec:\n"
          + "  priority: 1\n  subject:\n    namespaces: {}\n  ingress:\n  - action: Deny\n    from:\n    - namespaces: {}\n";

  static String anp(String spec) {
    return "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata:\n  name: bad\nspec:\n" + spec;
  }

  static String cnp(String spec) {
    return "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata:\n  name: bad\nspec:\n" + spec;
  }

  static final String SUBJ = "  subject:\n    namespaces: {}\n";

  static String rules(int n, String rule) {
    return String.join("", java.util.Collections.nCopies(n, rule));
  }

  static String peers(int n, String peer) {
    return String.join("", java.util.Collections.nCopies(n, peer));
  }

  static final String DENY_ALL = "  - action: Deny\n    from:\n    - namespaces: {}\n";

  static List<Arguments> invalid() {
    return List.of(
        Arguments.of("priority above 1000", anp("  priority: 1001\n" + SUBJ), "spec.priority", "1001 (expected: 0-1000)"),
        Arguments.of("negative priority", anp("  priority: -1\n" + SUBJ), "spec.priority", "expected: 0-1000"),
        Arguments.of("missing priority", anp(SUBJ), "spec.priority", "required"),
        Arguments.of("priority not a number", anp("  priority: high\n" + SUBJ), "spec.priority", "expected: an integer"),
        Arguments.of("two subject fields", anp("  priority: 1\n  subject:\n    namespaces: {}\n    pods: {namespaceSelector: {}, podSelector: {}}\n"),
            "spec.subject", "exactly one of namespaces or pods"),
        Arguments.of("no subject field", anp("  priority: 1\n  subject: {}\n"), "spec.subject", "exactly one"),
        Arguments.of("pods subject without podSelector", anp("  priority: 1\n  subject:\n    pods: {namespaceSelector: {}}\n"),
            "spec.subject.pods.podSelector", "required"),
        Arguments.of("101 ingress rules", anp("  priority: 1\n" + SUBJ + "  ingress:\n" + rules(101, DENY_ALL)),
            "spec.ingress", "101 items (expected: at most 100)"),
        Arguments.of("unknown action", anp("  priority: 1\n" + SUBJ + "  ingress:\n  - action: Reject\n    from:\n    - namespaces: {}\n"),
            "spec.ingress[0].action", "\"Reject\" (expected: Allow, Deny or Pass)"),
        Arguments.of("empty from", anp("  priority: 1\n" + SUBJ + "  ingress:\n  - action: Deny\n    from: []\n"),
            "spec.ingress[0].from", "0 items (expected: at least 1)"),
        Arguments.of("101 peers", anp("  priority: 1\n" + SUBJ + "  ingress:\n  - action: Deny\n    from:\n" + peers(101, "    - namespaces: {}\n")),
            "spec.ingress[0].from", "at most 100"),
        Arguments.of("peer with two fields", anp("  priority: 1\n" + SUBJ + "  ingress:\n  - action: Deny\n    from:\n    - namespaces: {}\n      pods: {namespaceSelector: {}, podSelector: {}}\n"),
            "spec.ingress[0].from[0]", "exactly one of namespaces, pods"),
        Arguments.of("empty peer", anp("  priority: 1\n" + SUBJ + "  ingress:\n  - action: Deny\n    from:\n    - {}\n"),
            "spec.ingress[0].from[0]", "exactly one"),
        Arguments.of("port with two fields", anp("  priority: 1\n" + SUBJ + "  ingress:\n" + DENY_ALL + "    ports:\n    - namedPort: http\n      portNumber: {port: 80}\n"),
            "spec.ingress[0].ports[0]", "exactly one of portNumber, namedPort or portRange"),
        Arguments.of("port 0", anp("  priority: 1\n" + SUBJ + "  ingress:\n" + DENY_ALL + "    ports:\n    - portNumber: {port: 0}\n"),
            "spec.ingress[0].ports[0].portNumber.port", "0 (expected: 1-65535)"),
        Arguments.of("bad protocol", anp("  priority: 1\n" + SUBJ + "  ingress:\n" + DENY_ALL + "    ports:\n    - portNumber: {protocol: ICMP, port: 1}\n"),
            "spec.ingress[0].ports[0].portNumber.protocol", "\"ICMP\" (expected: TCP, UDP or SCTP)"),
        Arguments.of("range start >= end", anp("  priority: 1\n" + SUBJ + "  ingress:\n" + DENY_ALL + "    ports:\n    - portRange: {start: 90, end: 80}\n"),
            "spec.ingress[0].ports[0].portRange", "start 90 >= end 80"),
        Arguments.of("101 ports", anp("  priority: 1\n" + SUBJ + "  ingress:\n" + DENY_ALL + "    ports:\n" + peers(101, "    - portNumber: {port: 1}\n")),
            "spec.ingress[0].ports", "at most 100"),
        Arguments.of("named port beside networks", anp("  priority: 1\n" + SUBJ + "  egress:\n  - action: Allow\n    to:\n    - networks: [10.0.0.0/8]\n    ports:\n    - namedPort: http\n"),
            "spec.egress[0].ports", "namedPort cannot be used with networks, nodes or domainNames"),
        Arguments.of("named port beside nodes", anp("  priority: 1\n" + SUBJ + "  egress:\n  - action: Allow\n    to:\n    - nodes: {}\n    ports:\n    - namedPort: http\n"),
            "spec.egress[0].ports", "namedPort cannot be used"),
        Arguments.of("named port beside domainNames", anp("  priority: 1\n" + SUBJ + "  egress:\n  - action: Allow\n    to:\n    - domainNames: [a.example.com]\n    ports:\n    - namedPort: http\n"),
            "spec.egress[0].ports", "namedPort cannot be used"),
        Arguments.of("invalid named port", anp("  priority: 1\n" + SUBJ + "  ingress:\n" + DENY_ALL + "    ports:\n    - namedPort: Not_A_Port\n"),
            "spec.ingress[0].ports[0].namedPort", "IANA service name"),
        Arguments.of("bad CIDR", anp("  priority: 1\n" + SUBJ + "  egress:\n  - action: Deny\n    to:\n    - networks: [10.0.0.0/33]\n"),
            "spec.egress[0].to[0].networks[0]", "\"10.0.0.0/33\" (expected: a CIDR"),
        Arguments.of("address without prefix", anp("  priority: 1\n" + SUBJ + "  egress:\n  - action: Deny\n    to:\n    - networks: [10.0.0.1]\n"),
            "spec.egress[0].to[0].networks[0]", "expected: a CIDR"),
        Arguments.of("26 networks", anp("  priority: 1\n" + SUBJ + "  egress:\n  - action: Deny\n    to:\n    - networks:\n" + peers(26, "      - 10.0.0.0/8\n")),
            "spec.egress[0].to[0].networks", "at most 25"),
        Arguments.of("wildcard not as prefix", anp("  priority: 1\n" + SUBJ + "  egress:\n  - action: Allow\n    to:\n    - domainNames: [\"www.*.example.com\"]\n"),
            "spec.egress[0].to[0].domainNames[0]", "'*.' only as a prefix"),
        Arguments.of("domainNames in a Deny rule", anp("  priority: 1\n" + SUBJ + "  egress:\n  - action: Deny\n    to:\n    - domainNames: [a.example.com]\n"),
            "spec.egress[0].to[0].domainNames", "only supported in Allow rules"),
        Arguments.of("rule name over 100", anp("  priority: 1\n" + SUBJ + "  ingress:\n  - name: " + "x".repeat(101) + "\n    action: Deny\n    from:\n    - namespaces: {}\n"),
            "spec.ingress[0].name", "101 characters"),
        Arguments.of("bad selector operator", anp("  priority: 1\n  subject:\n    namespaces:\n      matchExpressions:\n      - {key: a, operator: Like, values: [x]}\n"),
            "spec.subject.namespaces.matchExpressions[0].operator", "\"Like\""),
        Arguments.of("In without values", anp("  priority: 1\n  subject:\n    namespaces:\n      matchExpressions:\n      - {key: a, operator: In}\n"),
            "spec.subject.namespaces.matchExpressions[0]", "needs at least one value"),
        Arguments.of("BANP not named default",
            "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata:\n  name: other\nspec:\n" + SUBJ,
            "metadata.name", "expected: \"default\""),
        Arguments.of("BANP with Pass",
            "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata:\n  name: default\nspec:\n" + SUBJ
                + "  ingress:\n  - action: Pass\n    from:\n    - namespaces: {}\n",
            "spec.ingress[0].action", "\"Pass\" (expected: Allow, Deny)"),
        Arguments.of("CNP without tier", cnp("  priority: 1\n" + SUBJ), "spec.tier", "required"),
        Arguments.of("CNP bad tier", cnp("  tier: Developer\n  priority: 1\n" + SUBJ), "spec.tier", "\"Developer\" (expected: Admin or Baseline)"),
        Arguments.of("CNP Allow instead of Accept", cnp("  tier: Admin\n  priority: 1\n" + SUBJ + "  ingress:\n  - action: Allow\n    from:\n    - namespaces: {}\n"),
            "spec.ingress[0].action", "\"Allow\" (expected: Accept, Deny or Pass)"),
        Arguments.of("CNP Pass in Baseline", cnp("  tier: Baseline\n  priority: 1\n" + SUBJ + "  ingress:\n  - action: Pass\n    from:\n    - namespaces: {}\n"),
            "spec.ingress[0].action", "not allowed in the Baseline tier"),
        Arguments.of("CNP 26 rules", cnp("  tier: Admin\n  priority: 1\n" + SUBJ + "  ingress:\n" + rules(26, DENY_ALL)),
            "spec.ingress", "at most 25"),
        Arguments.of("CNP 26 peers", cnp("  tier: Admin\n  priority: 1\n" + SUBJ + "  ingress:\n  - action: Deny\n    from:\n" + peers(26, "    - namespaces: {}\n")),
            "spec.ingress[0].from", "at most 25"),
        Arguments.of("CNP protocol with two fields", cnp("  tier: Admin\n  priority: 1\n" + SUBJ + "  ingress:\n" + DENY_ALL
            + "    protocols:\n    - tcp: {destinationPort: {number: 1}}\n      udp: {destinationPort: {number: 1}}\n"),
            "spec.ingress[0].protocols[0]", "exactly one of tcp, udp, sctp or destinationNamedPort"),
        Arguments.of("CNP port number and range", cnp("  tier: Admin\n  priority: 1\n" + SUBJ + "  ingress:\n" + DENY_ALL
            + "    protocols:\n    - tcp: {destinationPort: {number: 1, range: {start: 1, end: 2}}}\n"),
            "spec.ingress[0].protocols[0].tcp.destinationPort", "exactly one of number or range"),
        Arguments.of("CNP named port beside networks", cnp("  tier: Admin\n  priority: 1\n" + SUBJ + "  egress:\n  - action: Accept\n    to:\n    - networks: [10.0.0.0/8]\n"
            + "    protocols:\n    - destinationNamedPort: http\n"),
            "spec.egress[0].protocols", "destinationNamedPort cannot be used"),
        Arguments.of("NetworkPolicy ipBlock with selector",
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: bad\n  namespace: x\nspec:\n  podSelector: {}\n"
                + "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8}\n      podSelector: {}\n",
            "spec.ingress[0].from[0]", "ipBlock cannot be combined"),
        Arguments.of("NetworkPolicy endPort below port",
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: bad\n  namespace: x\nspec:\n  podSelector: {}\n"
                + "  ingress:\n  - ports:\n    - {port: 90, endPort: 80}\n",
            "spec.ingress[0].ports[0].endPort", "80 (expected: >= port 90)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidObjectIsReportedAndTheOthersStillLoad(String name, String bad, String field, String message) {
    YamlLoader.LoadResult r = YamlLoader.load("policies.yaml", GOOD + "---\n" + bad);
    assertThat(r.diagnostics())
        .as(name)
        .anySatisfy(d -> {
          assertThat(d.severity()).isEqualTo(Severity.ERROR);
          assertThat(d.code()).isEqualTo(Code.INVALID_SPEC);
          assertThat(d.field()).isEqualTo(field);
          assertThat(d.message()).contains(message);
          assertThat(d.location().file()).isEqualTo("policies.yaml");
          assertThat(d.location().line()).isGreaterThan(13); // inside the second document
          assertThat(d.object().name()).isIn("bad", "other", "default");
        });
    assertThat(r.objects()).extracting(o -> o.ref().name()).containsExactly("good");
  }

  @Test
  void diagnosticsFormatNamesFileLineObjectFieldAndReason() {
    YamlLoader.LoadResult r = YamlLoader.load("p.yaml", anp("  priority: 2000\n" + SUBJ));
    assertThat(r.diagnostics()).singleElement().extracting(Diagnostic::format)
        .isEqualTo("p.yaml:6: error: AdminNetworkPolicy/bad: spec.priority: 2000 (expected: 0-1000) [InvalidSpec]");
  }

  @Test
  void yamlSyntaxErrorNamesFileAndLine() {
    YamlLoader.LoadResult r = YamlLoader.load("broken.yaml", GOOD + "---\nkind: [unclosed\n");
    assertThat(r.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo(Code.YAML_SYNTAX);
      assertThat(d.location().file()).isEqualTo("broken.yaml");
      assertThat(d.location().line()).isGreaterThanOrEqualTo(14);
    });
  }

  @Test
  void aBrokenFileDoesNotStopTheOtherFiles() {
    YamlLoader.LoadResult r = YamlLoader.load(List.of(
        new YamlLoader.Source("a.yaml", "key: [oops"), new YamlLoader.Source("b.yaml", GOOD)));
    assertThat(r.objects()).hasSize(1);
    assertThat(r.diagnostics()).singleElement().satisfies(d -> assertThat(d.location().file()).isEqualTo("a.yaml"));
  }

  @Test
  void unknownKindsAreSkippedWithAWarning() {
    YamlLoader.LoadResult r = YamlLoader.load("x.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n---\n" + GOOD);
    assertThat(r.objects()).hasSize(1);
    assertThat(r.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.severity()).isEqualTo(Severity.WARNING);
      assertThat(d.code()).isEqualTo(Code.UNSUPPORTED_KIND);
    });
  }

  @Test
  void listsAreUnpacked() {
    String list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n"
        + "- apiVersion: v1\n  kind: Namespace\n  metadata: {name: b}\n";
    assertThat(YamlLoader.load("l", list).objects()).hasSize(2);
  }

  @Test
  void podsCarryIpsPortsAndHostNetwork() {
    String pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n, labels: {a: b}}\n"
        + "spec:\n  nodeName: node1\n  containers:\n  - name: c\n    ports:\n    - {name: http, containerPort: 80}\n"
        + "    - {name: dns, containerPort: 53, protocol: UDP}\nstatus:\n  phase: Running\n  podIPs:\n  - ip: 10.0.0.1\n"
        + "  - ip: \"FD00:0:0:0::1\"\n";
    Pod p = (Pod) YamlLoader.load("p", pod).objects().get(0);
    assertThat(p.ips()).containsExactly("10.0.0.1", "fd00::1");
    assertThat(p.ports()).hasSize(2);
    assertThat(p.ports().get(1).protocol()).isEqualTo(Protocol.UDP);
    assertThat(p.nodeName()).isEqualTo("node1");
    assertThat(p.selectable()).isTrue();
  }

  @Test
  void duplicateObjectsKeepTheLaterOne() {
    YamlLoader.LoadResult r = YamlLoader.load("d", GOOD + "---\n" + GOOD.replace("priority: 1", "priority: 9"));
    assertThat(r.objects()).singleElement().satisfies(o -> assertThat(((Policy) o).priority()).isEqualTo(9));
    assertThat(r.diagnostics()).singleElement().satisfies(d -> assertThat(d.code()).isEqualTo(Code.DUPLICATE_OBJECT));
  }

  @Test
  void networkPolicyDefaultsAndNamedPorts() {
    String np = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: n\nspec:\n  podSelector: {}\n"
        + "  egress:\n  - ports:\n    - port: dns\n      protocol: UDP\n    - {port: 80, endPort: 90}\n    - protocol: SCTP\n";
    Policy p = (Policy) YamlLoader.load("n", np).objects().get(0);
    assertThat(p.ref().kind()).isEqualTo(Kind.NETWORK_POLICY);
    assertThat(p.ref().namespace()).isEqualTo("default");
    assertThat(p.isolates()).hasSize(2);
    assertThat(p.egress().get(0).ports()).containsExactly(
        new PortSpec.Named("dns", Protocol.UDP), new PortSpec.Range(Protocol.TCP, 80, 90), new PortSpec.AnyPort(Protocol.SCTP));
  }

  @Test
  void egressOnlyPeerFieldsInIngressAreUnknownFields() {
    // The CRD has no nodes/networks in ingress peers: an API server prunes them, so netctl ignores them too.
    YamlLoader.LoadResult r = YamlLoader.load("u", anp("  priority: 1\n" + SUBJ
        + "  ingress:\n  - action: Deny\n    from:\n    - namespaces: {}\n      nodes: {}\n"));
    assertThat(r.objects()).hasSize(1);
    assertThat(r.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo(Code.UNKNOWN_FIELD);
      assertThat(d.field()).isEqualTo("spec.ingress[0].from[0].nodes");
    });
  }

  @Test
  void unknownFieldsAreWarnedAndIgnored() {
    YamlLoader.LoadResult r = YamlLoader.load("u", GOOD.replace("  priority: 1\n", "  priority: 1\n  colour: blue\n"));
    assertThat(r.objects()).hasSize(1);
    assertThat(r.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo(Code.UNKNOWN_FIELD);
      assertThat(d.field()).isEqualTo("spec.colour");
    });
  }
}
