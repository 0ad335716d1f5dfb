package io.netctl.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.anp.diag.Diagnostic;
import io.netctl.anp.yaml.YamlLoader;
import io.netctl.api.v1.BfdEvent;
import io.netctl.api.v1.Condition;
import io.netctl.api.v1.DiffRequest;
import io.netctl.api.v1.ExplainRequest;
import io.netctl.api.v1.ListBfdSessionsRequest;
import io.netctl.api.v1.ListPoliciesRequest;
import io.netctl.api.v1.ListPoliciesResponse;
import io.netctl.api.v1.NbConnection;
import io.netctl.api.v1.NetctlGrpc;
import io.netctl.api.v1.Policy;
import io.netctl.api.v1.StatusRequest;
import io.netctl.api.v1.StatusResponse;
import io.netctl.api.v1.WatchBfdEventsRequest;
import io.netctl.bfd.codec.BfdDiagnostic;
import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.session.BfdSessionKey;
import io.netctl.bfd.session.BfdStateChange;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The service over in-process gRPC: every RPC, error codes, health and reflection. */
class NetctlServiceTest {
  static final String INVALID_ANP = """
      apiVersion: policy.networking.k8s.io/v1alpha1
      kind: AdminNetworkPolicy
      metadata: {name: broken}
      spec:
        priority: 5
        subject: {namespaces: {}}
        ingress:
        - {name: r, action: Reject, from: [{namespaces: {}}]}
      ---
      apiVersion: policy.networking.k8s.io/v1alpha1
      kind: AdminNetworkPolicy
      metadata: {name: same-priority-as-isolate-sandbox}
      spec:
        priority: 20
        subject: {namespaces: {matchLabels: {env: dev}}}
        egress:
        - {name: r, action: Allow, to: [{namespaces: {}}]}
      """;

  InProcess api;
  BfdEventHub hub;

  @AfterEach
  void stop() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  InProcess serve(PolicyCompiler compiler, List<Diagnostic> loaderDiagnostics) throws Exception {
    hub = new BfdEventHub();
    api = new InProcess(CompiledBackend.builder(compiler, Runnable::run)
        .mode("local")
        .conditions(CompiledBackend.derivedConditions(compiler, () -> loaderDiagnostics))
        .bfd(List::of, hub)
        .build());
    return api;
  }

  @Test
  void statusCountsTheCompiledRows() throws Exception {
    PolicyCompiler c = Examples.compiler();
    serve(c, List.of());
    StatusResponse s = api.stub().status(StatusRequest.getDefaultInstance());
    assertThat(s.getMode()).isEqualTo("local");
    assertThat(s.getNbConnection()).isEqualTo(NbConnection.NB_CONNECTION_NONE);
    assertThat(s.getPolicies()).isEqualTo(8);
    assertThat(s.getAcls()).isEqualTo(c.state().acls().size()).isPositive();
    assertThat(s.getPortGroups()).isEqualTo(c.state().portGroups().size());
    assertThat(s.getAddressSets()).isEqualTo(c.state().addressSets().size());
    assertThat(s.getPoliciesWithProblems()).isZero();
    assertThat(s.getLeader()).isTrue();
    assertThat(s.getBfdSessions()).isZero();
  }

  @Test
  void policiesCarryAclCountsAndConditions() throws Exception {
    List<Diagnostic> diags = new ArrayList<>();
    PolicyCompiler c = Examples.compiler(List.of(new YamlLoader.Source("extra.yaml", INVALID_ANP)), diags);
    serve(c, diags);
    ListPoliciesResponse r = api.stub().listPolicies(ListPoliciesRequest.getDefaultInstance());
    assertThat(r.getPoliciesList()).extracting(Policy::getName).contains("isolate-sandbox", "broken", "api-from-web");

    Policy isolate = find(r, "isolate-sandbox");
    assertThat(isolate.getAcls()).isEqualTo(1);
    assertThat(isolate.getTier()).isEqualTo(1);
    assertThat(isolate.getPriority()).isEqualTo(20);
    assertThat(isolate.getBandTop()).isPositive();
    assertThat(condition(isolate, "Programmed").getStatus()).isEqualTo("True");
    assertThat(condition(isolate, "DuplicatePriority").getStatus()).isEqualTo("True");

    Policy broken = find(r, "broken");
    assertThat(broken.getAcls()).isEqualTo(-1);
    assertThat(condition(broken, "Programmed").getStatus()).isEqualTo("False");
    assertThat(condition(broken, "InvalidSpec").getMessage()).contains("spec.ingress[0].action").contains("Reject");

    assertThat(api.stub().status(StatusRequest.getDefaultInstance()).getPoliciesWithProblems()).isEqualTo(3); // broken + 2 dups

    ListPoliciesResponse np = api.stub().listPolicies(ListPoliciesRequest.newBuilder().setKind("NetworkPolicy")
        .build());
    assertThat(np.getPoliciesList()).extracting(p -> p.getNamespace() + "/" + p.getName())
        .containsExactly("backend/api-from-web");
  }

  static Policy find(ListPoliciesResponse r, String name) {
    return r.getPoliciesList().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow();
  }

  static Condition condition(Policy p, String type) {
    return p.getConditionsList().stream().filter(c -> c.getType().equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError(p.getName() + ": no " + type + " in " + p.getConditionsList()));
  }

  @Test
  void badRequestsAreInvalidArgumentOrNotFound() throws Exception {
    serve(Examples.compiler(), List.of());
    NetctlGrpc.NetctlBlockingStub stub = api.stub();
    assertCode(() -> stub.explain(ExplainExamplesTest.request("nope/x", Examples.WEB, "tcp", 80)),
        Status.Code.NOT_FOUND, "from: pod nope/x");
    assertCode(() -> stub.explain(ExplainExamplesTest.request(Examples.WEB, "10.0.0.300", "tcp", 80)),
        Status.Code.INVALID_ARGUMENT, "to: \"10.0.0.300\"");
    assertCode(() -> stub.explain(ExplainExamplesTest.request(Examples.WEB, Examples.API, "icmp6", 80)),
        Status.Code.INVALID_ARGUMENT, "protocol");
    assertCode(() -> stub.explain(ExplainExamplesTest.request(Examples.WEB, Examples.API, "tcp", 0)),
        Status.Code.INVALID_ARGUMENT, "port: 0");
    assertCode(() -> stub.explain(ExplainExamplesTest.request(Examples.WEB, Examples.API, "tcp", 70000)),
        Status.Code.INVALID_ARGUMENT, "port");
    assertCode(() -> stub.explain(ExplainExamplesTest.request(Examples.WEB, "fd00::1", "tcp", 80)),
        Status.Code.INVALID_ARGUMENT, "no address family in common");
    assertCode(() -> stub.explain(ExplainRequest.newBuilder().setTo(ExplainExamplesTest.endpoint(Examples.WEB))
        .build()), Status.Code.INVALID_ARGUMENT, "from: missing");
    // the service keeps working after bad requests
    assertThat(stub.explain(ExplainExamplesTest.request(Examples.API, Examples.POSTGRES, "tcp", 5432)).getVerdict())
        .isEqualTo(io.netctl.api.v1.Verdict.VERDICT_ALLOWED);
  }

  @Test
  void diffWithoutNorthboundIsUnavailable() throws Exception {
    serve(Examples.compiler(), List.of());
    assertCode(() -> api.stub().diff(DiffRequest.getDefaultInstance()), Status.Code.UNAVAILABLE,
        "no Northbound database");
  }

  @Test
  void withoutBfdSessionsListIsEmptyAndWatchUnavailable() throws Exception {
    PolicyCompiler c = Examples.compiler();
    api = new InProcess(CompiledBackend.builder(c, Runnable::run).build());
    assertThat(api.stub().listBfdSessions(ListBfdSessionsRequest.getDefaultInstance()).getSessionsList()).isEmpty();
    Iterator<BfdEvent> it = api.stub().watchBfdEvents(WatchBfdEventsRequest.getDefaultInstance());
    assertCode(it::hasNext, Status.Code.UNAVAILABLE, "BFD is not running");
  }

  @Test
  void watchStreamsPublishedChangesToEveryWatcherAndUnsubscribesOnCancel() throws Exception {
    serve(Examples.compiler(), List.of());
    NetctlGrpc.NetctlStub async = NetctlGrpc.newStub(api.channel);
    List<BfdEvent> first = new CopyOnWriteArrayList<>();
    List<BfdEvent> second = new CopyOnWriteArrayList<>();
    io.grpc.Context.CancellableContext ctx = io.grpc.Context.current().withCancellation();
    ctx.run(() -> async.watchBfdEvents(WatchBfdEventsRequest.getDefaultInstance(), collect(first)));
    async.watchBfdEvents(WatchBfdEventsRequest.getDefaultInstance(), collect(second));
    await().atMost(5, TimeUnit.SECONDS).until(() -> hub.listeners() == 2);

    InetAddress a = InetAddress.getByName("192.0.2.1");
    InetAddress b = InetAddress.getByName("192.0.2.2");
    BfdSessionKey key = BfdSessionKey.singleHop(a, b, 0);
    hub.publish(new BfdStateChange(System.nanoTime(), key, BfdState.DOWN, BfdState.INIT, BfdDiagnostic.NO_DIAGNOSTIC,
        7, 9));
    hub.publish(new BfdStateChange(System.nanoTime(), key, BfdState.INIT, BfdState.UP, BfdDiagnostic.NO_DIAGNOSTIC,
        7, 9));
    await().atMost(5, TimeUnit.SECONDS).until(() -> first.size() == 2 && second.size() == 2);
    assertThat(first).extracting(BfdEvent::getTo).containsExactly("Init", "Up");
    BfdEvent up = first.get(1);
    assertThat(up.getFrom()).isEqualTo("Init");
    assertThat(up.getLocalAddress()).isEqualTo("192.0.2.1");
    assertThat(up.getPeerAddress()).isEqualTo("192.0.2.2");
    assertThat(up.getLocalDiscriminator()).isEqualTo(7);
    assertThat(up.getRemoteDiscriminator()).isEqualTo(9);
    assertThat(up.getCurrent()).isFalse();
    assertThat(Math.abs(up.getTimeUnixUs() / 1000 - System.currentTimeMillis())).isLessThan(60_000);

    ctx.cancel(null);
    await().atMost(5, TimeUnit.SECONDS).until(() -> hub.listeners() == 1);
    hub.publish(new BfdStateChange(System.nanoTime(), key, BfdState.UP, BfdState.DOWN,
        BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED, 7, 9));
    await().atMost(5, TimeUnit.SECONDS).until(() -> second.size() == 3);
    assertThat(second.get(2).getDiagnostic()).isEqualTo("control detection time expired");
    assertThat(first).hasSize(2);
  }

  static StreamObserver<BfdEvent> collect(List<BfdEvent> into) {
    return new StreamObserver<>() {
      @Override
      public void onNext(BfdEvent value) {
        into.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  @Test
  void healthAndReflectionListTheService() throws Exception {
    serve(Examples.compiler(), List.of());
    HealthCheckResponse h = HealthGrpc.newBlockingStub(api.channel)
        .check(HealthCheckRequest.newBuilder().setService(ApiServer.SERVICE).build());
    assertThat(h.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(ReflectionClient.services(api.channel)).contains("netctl.v1.Netctl", "grpc.health.v1.Health");
  }

  static void assertCode(Runnable call, Status.Code code, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(code);
          assertThat(e.getStatus().getDescription()).contains(message);
        });
  }
}
