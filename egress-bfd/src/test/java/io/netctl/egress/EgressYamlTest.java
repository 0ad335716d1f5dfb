package io.netctl.egress;

import static org.assertj.core.api.Assertions.assertThat;

import io.netctl.egress.api.EgressGateway;
import io.netctl.egress.api.FailMode;
import io.netctl.egress.api.TrafficPolicy;
import org.junit.jupiter.api.Test;

class EgressYamlTest {
  @Test
  void readsGatewaysAndNodeReadiness() {
    EgressYaml.Result r = EgressYaml.read("in.yaml", """
        apiVersion: netctl.io/v1alpha1
        kind: EgressGateway
        metadata: {name: egw, namespace: prod, generation: 3}
        spec:
          router: r1
          trafficPolicy: Local
          bfd: {enabled: true, minRX: 100}
          instances: [{name: gw1, node: n1, ip: 172.16.0.11}]
          selectors: [{namespaceSelector: {matchLabels: {team: a}}, podSelector: {matchExpressions: [{key: app, operator: In, values: [web]}]}}]
          someFutureField: 1
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: n1, labels: {egress: "true"}}
        status:
          addresses: [{type: InternalIP, address: 172.16.0.21}, {type: Hostname, address: n1}]
          conditions: [{type: Ready, status: "False"}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: skipped}
        """);
    assertThat(r.errors()).isEmpty();
    EgressGateway g = r.gateways().get(0);
    assertThat(g.key()).isEqualTo("prod/egw");
    assertThat(g.getSpec().getTrafficPolicy()).isEqualTo(TrafficPolicy.Local);
    assertThat(g.getSpec().getFailMode()).isEqualTo(FailMode.Drop); // default
    assertThat(g.getSpec().getBfd().getMinRX()).isEqualTo(100);
    assertThat(g.getSpec().getBfd().getMinTX()).isEqualTo(1000); // default
    assertThat(g.getSpec().getSelectors().get(0).getPodSelector().getMatchExpressions().get(0).getValues())
        .containsExactly("web");
    EgressValidator.Result v = EgressValidator.validate(g);
    assertThat(v.diagnostics()).isEmpty();
    assertThat(v.config().get().generation()).isEqualTo(3);
    assertThat(r.nodes()).containsExactly(
        new EgressNode("n1", java.util.Map.of("egress", "true"), java.util.List.of("172.16.0.21"), false));
  }

  @Test
  void aMalformedGatewayIsAnErrorNamingTheObject() {
    EgressYaml.Result r = EgressYaml.read("bad.yaml", """
        apiVersion: netctl.io/v1alpha1
        kind: EgressGateway
        metadata: {name: egw, namespace: prod}
        spec: {router: r1, holdDownMillis: soon}
        ---
        apiVersion: netctl.io/v2
        kind: EgressGateway
        metadata: {name: other}
        """);
    assertThat(r.gateways()).isEmpty();
    assertThat(r.errors()).hasSize(2);
    assertThat(r.errors().get(0)).startsWith("bad.yaml: EgressGateway/prod/egw: ").contains("soon");
    assertThat(r.errors().get(1)).isEqualTo(
        "bad.yaml: EgressGateway/default/other: apiVersion: \"netctl.io/v2\" (expected: netctl.io/v1alpha1)");
  }
}
