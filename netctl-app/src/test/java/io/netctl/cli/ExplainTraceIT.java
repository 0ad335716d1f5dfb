package io.netctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.netctl.anp.api.Pod;
import io.netctl.anp.compile.LspNaming;
import io.netctl.api.ApiAddress;
import io.netctl.api.ApiClient;
import io.netctl.api.ApiServer;
import io.netctl.api.ExamplesAccess;
import io.netctl.api.v1.ExplainResponse;
import io.netctl.api.v1.Verdict;
import io.netctl.ovn.ovsdb.OvsdbConnector;
import io.netctl.ovn.ovsdb.Reconciler;
import io.netctl.ovn.ovsdb.Remote;
import io.netctl.ovn.sandbox.OvnSandbox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's Explain against the oracle: {@code examples/} applied to a real OVN (the sandbox), and for each
 * expectation of the examples both {@code ovn-trace} and the API (served on a unix socket) must give the expected
 * verdict. Diff runs against the same Northbound: in sync after the apply, one ACL missing after it is deleted.
 */
class ExplainTraceIT {
  static final String LS = "cluster";

  /** A logical switch port with its MAC and IP. */
  record Port(String lsp, String mac, String ip) {}

  @TempDir static Path tmp;
  static OvnSandbox sandbox;
  static ApiServer server;
  static Reconciler reconciler;
  static final Map<String, Port> PORTS = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    try {
      sandbox = OvnSandbox.start(tmp.resolve("ovn"));
    } catch (Exception e) {
      fail(OvnSandbox.INSTALL_HINT + ": " + e.getMessage(), e);
    }
    StringWriter err = new StringWriter();
    LocalPolicies policies = LocalPolicies.load(List.of("../examples"), LspNaming.KUBE_OVN, true,
        new PrintWriter(err));
    // Every pod on the switch (host-network ones are no logical switch port), plus the outside addresses probed.
    for (Pod p : policies.compiler().pods()) {
      if (!p.hostNetwork()) {
        PORTS.put(p.namespace() + "/" + p.name(), port(LspNaming.KUBE_OVN.lspName(p), p.ips().get(0)));
      }
    }
    for (String ip : List.of("8.8.8.8", "169.254.169.254", "172.18.0.2")) {
      PORTS.put(ip, port("ext-" + ip.replace('.', '-'), ip));
    }
    List<String> args = new ArrayList<>(List.of("ls-add", LS));
    for (Port p : PORTS.values()) {
      args.addAll(List.of("--", "lsp-add", LS, p.lsp(), "--", "lsp-set-addresses", p.lsp(), p.mac() + " " + p.ip()));
    }
    sandbox.nbctl(args.toArray(new String[0]));

    Cli.Run apply = Cli.run("apply", "--nb", sandbox.nbRemote(), "-f", "../examples", "--networkpolicy");
    assertThat(apply.exit()).as("%s\n%s", apply.out(), apply.err()).isZero();
    sandbox.syncSb();

    Duration timeout = Duration.ofSeconds(30);
    reconciler = Reconciler.on(new OvsdbConnector(Remote.parseList(sandbox.nbRemote()), null,
        OvsdbConnector.NB_DATABASE, timeout, m -> { }), new Reconciler.Options(5000, timeout), m -> { });
    server = ApiServer.start(ApiAddress.parse("unix:" + tmp.resolve("api.sock")),
        policies.backend().reconciler(reconciler, sandbox.nbRemote()).build(), null);
  }

  static Port port(String lsp, String ip) {
    byte[] b = io.netctl.anp.api.IpAddresses.parseAddress(ip).orElseThrow().bytes();
    return new Port(lsp, String.format("0a:00:%02x:%02x:%02x:%02x", b[0] & 0xff, b[1] & 0xff, b[2] & 0xff,
        b[3] & 0xff), ip);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (reconciler != null) {
      reconciler.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  void explainAgreesWithOvnTraceOnTheExamples() throws Exception {
    try (ApiClient client = ApiClient.connect(server.address(), null)) {
      for (var probe : ExamplesAccess.probes()) {
        Port a = PORTS.get(probe.from());
        Port b = PORTS.get(probe.to());
        String l4 = probe.protocol().isEmpty() ? "icmp4" : probe.protocol() + " && " + probe.protocol() + ".dst == "
            + probe.port();
        String flow = "inport == \"" + a.lsp() + "\" && eth.src == " + a.mac() + " && eth.dst == " + b.mac()
            + " && ip4.src == " + a.ip() + " && ip4.dst == " + b.ip() + " && ip.ttl == 64 && " + l4;
        String trace = sandbox.trace(LS, flow);
        boolean delivered = trace.contains("output(\"" + b.lsp() + "\")");
        assertThat(delivered).as("ovn-trace of %s (%s):\n%s", probe, probe.why(), trace).isEqualTo(probe.allowed());

        ExplainResponse r = client.blocking().withDeadlineAfter(30, TimeUnit.SECONDS)
            .explain(ExplainAccess.request(probe.from(), probe.to(), probe.protocol(), probe.port()));
        assertThat(r.getVerdict() == Verdict.VERDICT_ALLOWED).as("API explain agrees with ovn-trace on %s: %s", probe,
            r.getSummary()).isEqualTo(delivered);
      }
    }
    assertThat(ExamplesAccess.probes()).hasSizeGreaterThan(10);
  }

  @Test
  void diffAgainstTheRealNorthbound() throws Exception {
    String addr = server.address().toString();
    Cli.Run inSync = Cli.run("diff", "--server", addr, "--exit-code", "--timeout", "60");
    assertThat(inSync.exit()).as("%s\n%s", inSync.out(), inSync.err()).isZero();
    assertThat(inSync.out()).contains("in sync");

    sandbox.nbctl("--type=port-group", "acl-del", "nc_anp_isolate_sandbox_7e6ed94d");
    Cli.Run missing = Cli.run("diff", "--server", addr, "--exit-code", "--timeout", "60");
    assertThat(missing.exit()).as("%s\n%s", missing.out(), missing.err()).isEqualTo(Main.EXIT_DIFFERENT);
    assertThat(missing.out()).containsPattern("ACL\\s+1\\s+0\\s+0");

    Cli.Run status = Cli.run("status", "--server", addr);
    assertThat(status.out()).contains("NORTHBOUND   connected (" + sandbox.nbRemote() + ")");
  }
}
