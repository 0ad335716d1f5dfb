package io.netctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import io.netctl.anp.compile.LspNaming;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.anp.yaml.YamlLoader;
import io.netctl.api.ApiAddress;
import io.netctl.controller.ControllerApi;
import io.netctl.controller.ControllerRuntime;
import io.netctl.controller.DomainResolver;
import io.netctl.controller.FileStatusSink;
import io.netctl.controller.SandboxTopology;
import io.netctl.ovn.ovsdb.Remote;
import io.netctl.ovn.sandbox.OvnSandbox;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code netctl controller} as it runs (ControllerRuntime: watch-dir source, egress gateways, metrics endpoint, gRPC
 * API on a unix socket) on a copy of {@code examples/} plus an EgressGateway, against the real OVN sandbox; then the
 * CLI clients against it: {@code status}, {@code explain}, {@code policies}, {@code diff}, {@code bfd sessions}. The
 * watch-dir equivalent of the EgressGateway tests: rows, status file, InvalidSpec (invalid and unreadable), delete.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllerApiIT {
  @TempDir static Path tmp;
  static OvnSandbox sandbox;
  static Path dir;
  static ControllerRuntime.Running running;
  static final List<String> LOG = new java.util.concurrent.CopyOnWriteArrayList<>();

  static final String EGW = """
      apiVersion: netctl.io/v1alpha1
      kind: EgressGateway
      metadata: {name: egw, namespace: frontend}
      spec:
        router: r1
        nodeSelector: {matchLabels: {node-role.kubernetes.io/worker: ""}}
        selectors:
        - namespaceSelector: {matchLabels: {tier: web}}
        bfd: {enabled: false, minRX: %s}
      """;

  @BeforeAll
  static void start() throws Exception {
    try {
      sandbox = OvnSandbox.start(tmp.resolve("ovn"));
    } catch (Exception e) {
      fail(OvnSandbox.INSTALL_HINT + ": " + e.getMessage(), e);
    }
    dir = tmp.resolve("cluster");
    Files.createDirectories(dir);
    List<YamlLoader.Source> sources = new ArrayList<>();
    try (Stream<Path> s = Files.list(Path.of("../examples"))) {
      for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
        Files.copy(f, dir.resolve(f.getFileName().toString()));
        sources.add(new YamlLoader.Source(f.toString(), Files.readString(f)));
      }
    }
    Files.writeString(dir.resolve("70-egress.yaml"), EGW.formatted("100"));
    sandbox.nbctl(SandboxTopology.nbctlArgs(SandboxTopology.ports(YamlLoader.load(sources).objects(),
        LspNaming.KUBE_OVN)).toArray(new String[0]));
    sandbox.nbctl("lr-add", "r1");
    ControllerRuntime rt = new ControllerRuntime(Remote.parseList(sandbox.nbRemote()), null, Duration.ofSeconds(30),
        dir, null, new PolicyCompiler.Options(LspNaming.KUBE_OVN, true), new InetSocketAddress("127.0.0.1", 0), null,
        null, DomainResolver.Options.DEFAULT, null,
        new io.netctl.controller.EgressController.Options(null, true, List.of("10.16.0.0/16")),
        new ControllerApi.Options(ApiAddress.parse("unix:" + tmp.resolve("run/api.sock")), null));
    running = rt.start(new PrometheusRegistry(), m -> {
      LOG.add(m);
      System.err.println(m);
    });
    running.controller().firstConvergence().get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (running != null) {
      running.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  static String server() {
    return running.apiAddress().toString();
  }

  static Path egressStatus() {
    return FileStatusSink.egressFileOf(dir.resolve("status"), "frontend", "egw");
  }

  static String rows(String table, String column) throws Exception {
    return sandbox.nbctl("--bare", "--columns=" + column, "find", table,
        "external_ids:netctl.io/owner-name=\"frontend/egw\"").trim();
  }

  @Test
  @Order(1)
  void egressGatewayFromAFileIsProgrammedAndItsStatusWritten() throws Exception {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(rows("Logical_Router_Policy", "nexthops").split("\\s+"))
          .containsExactlyInAnyOrder("172.18.0.2", "172.18.0.3");
      assertThat(rows("Address_Set", "addresses").split("\\s+")).containsExactlyInAnyOrder("10.16.0.20", "10.16.0.21");
      assertThat(egressStatus()).exists();
    });
    Map<String, Object> s = new Yaml().load(Files.readString(egressStatus()));
    assertThat(s).containsEntry("phase", "Ready").containsEntry("readyInstances", 2);
    assertThat(LOG).noneMatch(l -> l.contains("EgressGateway is not an object netctl reads"));
    // the egress and controller metrics on the controller's endpoint
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + running.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("netctl_egress_nexthops{gateway=\"egw\",namespace=\"frontend\"} 2.0")
        .contains("netctl_egress_nb_commits_total{gateway=\"egw\",namespace=\"frontend\",path=\"reconcile\"}")
        .contains("netctl_leader 1.0");
  }

  @Test
  @Order(2)
  void statusPoliciesExplainAndDiffAgainstTheRunningController() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(running.controller()::idle);
    Cli.Run status = Cli.run("status", "--server", server(), "-o", "json");
    assertThat(status.exit()).as(status.err()).isZero();
    Map<String, Object> st = new Yaml().load(status.out());
    assertThat(st).containsEntry("mode", "controller").containsEntry("leader", true)
        .containsEntry("nbConnection", "NB_CONNECTION_CONNECTED").containsEntry("policies", 8);
    assertThat(Long.parseLong(String.valueOf(st.get("nbTransactions")))).isPositive(); // int64: a JSON string

    Cli.Run policies = Cli.run("policies", "--server", server(), "-o", "yaml");
    assertThat(policies.exit()).as(policies.err()).isZero();
    Map<String, List<Map<String, Object>>> pl = new Yaml().load(policies.out());
    // the controller's own conditions (what it writes to the status: "1 ACL", not the local backend's "1 ACL(s)")
    assertThat(pl.get("policies")).anySatisfy(p -> assertThat(p.toString()).contains("name=isolate-sandbox")
        .contains("{type=Programmed, status=True, reason=Programmed, message=1 ACL}"));

    Cli.Run dropped = Cli.run("explain", "--server", server(), "--from", "sandbox/dev-shell",
        "--to", "frontend/web-5d9c7b6f4-abcde", "--port", "8080", "--exit-code");
    assertThat(dropped.exit()).as(dropped.err()).isEqualTo(Main.EXIT_DIFFERENT);
    assertThat(dropped.out()).contains("VERDICT      dropped").contains("ANP:isolate-sandbox:Ingress:0: drop");

    Cli.Run diff = Cli.run("diff", "--server", server(), "--exit-code");
    assertThat(diff.exit()).as(diff.out() + diff.err()).isZero();

    Cli.Run bfd = Cli.run("bfd", "sessions", "--server", server());
    assertThat(bfd.exit()).as(bfd.err()).isZero();
  }

  @Test
  @Order(3)
  void aPolicyEditIsWhatExplainSeesNext() throws Exception {
    Path anp = dir.resolve("30-adminnetworkpolicies.yaml");
    String text = Files.readString(anp);
    long commits = running.controller().commits();
    // move isolate-sandbox's first rule from Deny to Allow: explain must follow the compiled state
    int at = text.indexOf("name: isolate-sandbox");
    int deny = text.indexOf("action: Deny", at);
    assertThat(at).isPositive();
    assertThat(deny).isPositive();
    Files.writeString(anp, text.substring(0, deny) + "action: Allow" + text.substring(deny + "action: Deny".length()));
    await().atMost(Duration.ofSeconds(20)).until(
        () -> running.controller().commits() > commits && running.controller().idle());
    Cli.Run now = Cli.run("explain", "--server", server(), "--from", "sandbox/dev-shell",
        "--to", "frontend/web-5d9c7b6f4-abcde", "--port", "8080");
    assertThat(now.exit()).as(now.err()).isZero();
    assertThat(now.out()).doesNotContain("ANP:isolate-sandbox:Ingress:0: drop");
    Files.writeString(anp, text);
  }

  @Test
  @Order(4)
  void invalidAndUnreadableGatewaysGetInvalidSpecAndChangeNothing() throws Exception {
    String hops = rows("Logical_Router_Policy", "nexthops");
    Files.writeString(dir.resolve("70-egress.yaml"), EGW.formatted("5")); // below the 10 ms minimum
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(egressStatusMap()).containsEntry("phase", "Invalid");
      assertThat(invalidSpec()).startsWith("True: spec.bfd.minRX: 5");
    });
    assertThat(rows("Logical_Router_Policy", "nexthops")).isEqualTo(hops); // the last valid spec stays

    Files.writeString(dir.resolve("70-egress.yaml"), EGW.formatted("fast")); // not even a number
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(egressStatusMap()).containsEntry("phase", "Invalid");
      assertThat(invalidSpec()).startsWith("True: ").contains("\"fast\"")
          .endsWith("(the last valid spec stays programmed)");
    });
    assertThat(rows("Logical_Router_Policy", "nexthops")).isEqualTo(hops);

    Files.writeString(dir.resolve("70-egress.yaml"), EGW.formatted("100"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(egressStatusMap()).containsEntry("phase", "Ready");
      assertThat(invalidSpec()).startsWith("False");
    });
  }

  static Map<String, Object> egressStatusMap() throws Exception {
    return Files.exists(egressStatus()) ? new Yaml().load(Files.readString(egressStatus())) : Map.of();
  }

  /** {@code True: message} of the InvalidSpec condition in the status file. */
  @SuppressWarnings("unchecked")
  static String invalidSpec() throws Exception {
    for (Map<String, Object> c : (List<Map<String, Object>>) egressStatusMap().getOrDefault("conditions", List.of())) {
      if ("InvalidSpec".equals(c.get("type"))) {
        return c.get("status") + ": " + c.get("message");
      }
    }
    return "";
  }

  @Test
  @Order(5)
  void deletingTheGatewayFileRemovesItsRowsAndStatus() throws Exception {
    Files.delete(dir.resolve("70-egress.yaml"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(rows("Logical_Router_Policy", "_uuid")).isEmpty();
      assertThat(rows("Address_Set", "_uuid")).isEmpty();
      assertThat(egressStatus()).doesNotExist();
    });
    assertThat(TestAcls.owned(sandbox)).isPositive(); // the policies' rows stay
  }

  /** ACL rows netctl owns. */
  static final class TestAcls {
    static int owned(OvnSandbox s) throws Exception {
      return (int) s.nbctl("--bare", "--columns=_uuid", "find", "ACL", "external_ids:netctl.io/owner-controller=netctl")
          .lines().filter(l -> !l.isBlank()).count();
    }
  }
}
