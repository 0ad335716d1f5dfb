package io.netctl.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.netctl.anp.api.Pod;
import io.netctl.anp.api.Protocol;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.anp.explain.AclEvaluator;
import io.netctl.anp.explain.Packet;
import io.netctl.anp.explain.Verdict;
import io.netctl.api.v1.Endpoint;
import io.netctl.api.v1.ExplainRequest;
import io.netctl.api.v1.ExplainResponse;
import io.netctl.api.v1.PodRef;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Explain through the gRPC API (in-process) on {@code examples/}: each expectation of {@link Examples#PROBES}, and for
 * every pair of pods on several ports the API's verdict and deciding ACL equal {@link AclEvaluator}'s on the same
 * compiled rows. The compiler is read on an executor of its own, as in the daemon.
 */
class ExplainExamplesTest {
  static ExecutorService compilerThread;
  static PolicyCompiler compiler;
  static InProcess api;

  @BeforeAll
  static void start() throws Exception {
    compilerThread = Executors.newSingleThreadExecutor();
    compiler = compilerThread.submit(() -> Examples.compiler()).get();
    api = new InProcess(CompiledBackend.builder(compiler, compilerThread).build());
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
    compilerThread.shutdownNow();
  }

  static ExplainRequest request(String from, String to, String proto, int port) {
    return ExplainRequest.newBuilder().setFrom(endpoint(from)).setTo(endpoint(to)).setProtocol(proto).setPort(port)
        .build();
  }

  static Endpoint endpoint(String s) {
    int slash = s.indexOf('/');
    return slash > 0
        ? Endpoint.newBuilder().setPod(PodRef.newBuilder().setNamespace(s.substring(0, slash))
            .setName(s.substring(slash + 1))).build()
        : Endpoint.newBuilder().setIp(s).build();
  }

  @TestFactory
  List<DynamicTest> examplesProbes() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Examples.Probe p : Examples.PROBES) {
      tests.add(DynamicTest.dynamicTest(p.toString(), () -> {
        ExplainResponse r = api.stub().explain(request(p.from(), p.to(), p.protocol(), p.port()));
        assertThat(r.getVerdict() == io.netctl.api.v1.Verdict.VERDICT_ALLOWED).as("%s: %s\n%s", p, p.why(), r)
            .isEqualTo(p.allowed());
        if (p.decidingAcl() != null) {
          assertThat(r.getDeciding().getName()).as("%s: %s", p, p.why()).isEqualTo(p.decidingAcl());
        } else if (p.allowed()) {
          assertThat(r.hasDeciding()).as("%s: no ACL decides\n%s", p, r).isFalse();
          assertThat(r.getSummary()).contains("no ACL matched");
        } else {
          assertThat(r.getDeciding().getAction()).isEqualTo("drop");
        }
        assertThat(r.getSummary()).startsWith(p.allowed() ? "allowed" : "dropped");
      }));
    }
    return tests;
  }

  @Test
  void defaultDenyOfTheNetworkPolicyDecidesAfterThePass() {
    ExplainResponse r = api.stub().explain(request(Examples.WEB, Examples.API, "tcp", 8080));
    assertThat(r.getDeciding().getOwnerKind()).isEqualTo("NetworkPolicy");
    assertThat(r.getDeciding().getTier()).isEqualTo(2);
    assertThat(r.getPassedList()).extracting(a -> a.getName()).containsExactly("ANP:delegate-prod:Ingress:0");
    assertThat(r.getFrom().getLogicalPort()).isEqualTo("web-5d9c7b6f4-abcde.frontend");
    assertThat(r.getTo().getIp()).isEqualTo("10.16.0.30");
  }

  @Test
  void anAddressOfAPodIsThatPod() {
    ExplainResponse r = api.stub().explain(request("10.16.0.50", "10.16.0.20", "tcp", 8080));
    assertThat(r.getFrom().getPod()).isEqualTo(Examples.SHELL);
    assertThat(r.getTo().getLogicalPort()).isEqualTo("web-5d9c7b6f4-abcde.frontend");
    assertThat(r.getDeciding().getName()).isEqualTo("ANP:isolate-sandbox:Ingress:0");
  }

  /** Every pod pair, TCP 53/5432/8080/9000/9100, UDP 53, ICMP: the API says what the evaluator says. */
  @Test
  void apiAgreesWithTheEvaluatorOnEveryPodPair() throws Exception {
    record Case(Pod from, Pod to, Protocol proto, int port) {}
    List<Case> cases = new ArrayList<>();
    AclEvaluator ev = compilerThread.submit(() -> new AclEvaluator(compiler.state())).get();
    List<Pod> pods = compilerThread.submit(() -> compiler.pods().stream()
        .filter(p -> !p.hostNetwork()).sorted((a, b) -> a.name().compareTo(b.name())).toList()).get();
    for (Pod a : pods) {
      for (Pod b : pods) {
        for (int port : new int[] {53, 5432, 8080, 9000, 9100}) {
          cases.add(new Case(a, b, Protocol.TCP, port));
        }
        cases.add(new Case(a, b, Protocol.UDP, 53));
        cases.add(new Case(a, b, null, 0));
      }
    }
    int dropped = 0;
    for (Case c : cases) {
      Verdict v = ev.evaluate(new Packet(c.from.name() + "." + c.from.namespace(), c.to.name() + "." + c.to.namespace(),
          c.from.ips().get(0), c.to.ips().get(0), c.proto, c.port));
      ExplainResponse r = api.stub().explain(request(c.from.namespace() + "/" + c.from.name(),
          c.to.namespace() + "/" + c.to.name(), c.proto == null ? "" : c.proto.ovn(), c.port));
      String what = c.from.name() + " -> " + c.to.name() + " " + c.proto + "/" + c.port;
      assertThat(r.getVerdict() == io.netctl.api.v1.Verdict.VERDICT_ALLOWED).as(what).isEqualTo(v.allowed());
      assertThat(r.hasDeciding() ? r.getDeciding().getId() : null).as(what)
          .isEqualTo(v.deciding() == null ? null : v.deciding().key());
      dropped += v.allowed() ? 0 : 1;
    }
    assertThat(cases).hasSize(8 * 8 * 7);
    assertThat(dropped).as("the examples drop some and allow others").isBetween(1, cases.size() - 1);
  }
}
