package io.netctl.cli;

import io.netctl.anp.compile.LspNaming;
import io.netctl.api.ApiAddress;
import io.netctl.api.ApiServer;
import io.netctl.api.CompiledBackend;
import io.netctl.ovn.ovsdb.OvsdbConnector;
import io.netctl.ovn.ovsdb.Reconciler;
import io.netctl.ovn.ovsdb.Remote;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code netctl serve}: the API on files compiled once, without the controller (for trying the clients, scripts and
 * tests). The controller serves the same API on its live state.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the netctl gRPC API (status, policies, explain, diff) on files compiled once, without the controller;"
          + " with --nb, Diff compares them with that Northbound database. Runs until SIGTERM or SIGINT.",
      "Exit status: 0 after SIGTERM/SIGINT, 2 on invalid input or options, 1 when the server cannot start."
    })
final class ServeCommand implements Callable<Integer> {
  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "PATH",
      description = "YAML/JSON file or directory of Kubernetes objects; '-' reads stdin. Repeatable.")
  List<String> paths;

  @Option(names = "--networkpolicy", description = "Also compile NetworkPolicy (tier 2).")
  boolean networkPolicy;

  @Option(
      names = "--lsp-name-format",
      defaultValue = "kube-ovn",
      paramLabel = "FORMAT",
      description = "Logical switch port names: kube-ovn or ovn-kubernetes.")
  String lspNameFormat;

  @Option(
      names = "--listen",
      paramLabel = "ADDR",
      defaultValue = ApiAddress.DEFAULT,
      description = "unix:PATH, HOST:PORT or [IPv6]:PORT (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--nb", paramLabel = "REMOTE", description = "Northbound for Diff, tcp:HOST:PORT.")
  String nb;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve TLS with this certificate chain.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "The certificate's private key (PKCS#8).")
  Path tlsKey;

  @Option(names = "--tls-client-ca", paramLabel = "PEM", description = "Require client certificates signed by it.")
  Path tlsClientCa;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    ApiAddress address;
    LspNaming naming;
    List<Remote> remotes = null;
    ApiServer.Tls tls = null;
    try {
      address = ApiAddress.parse(listen);
      naming = LspNaming.parse(lspNameFormat);
      if (nb != null) {
        remotes = Remote.parseList(nb);
        if (remotes.stream().anyMatch(r -> r.scheme() == Remote.Scheme.SSL)) {
          throw new IllegalArgumentException("--nb: ssl remotes are not supported by serve (expected: tcp:HOST:PORT)");
        }
      }
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("--tls-cert and --tls-key: one given (expected: both or none)");
      }
      if (tlsCert != null) {
        tls = new ApiServer.Tls(tlsCert, tlsKey, tlsClientCa);
      } else if (tlsClientCa != null) {
        throw new IllegalArgumentException("--tls-client-ca: needs --tls-cert and --tls-key");
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    LocalPolicies policies;
    try {
      policies = LocalPolicies.load(paths, naming, networkPolicy, err);
    } catch (IOException e) {
      err.println("netctl serve: " + e.getMessage());
      err.flush();
      return Main.EXIT_INVALID_INPUT;
    }
    CompiledBackend.Builder b = policies.backend();
    Reconciler reconciler = null;
    if (remotes != null) {
      Duration timeout = Duration.ofSeconds(30);
      OvsdbConnector connector = new OvsdbConnector(remotes, null, OvsdbConnector.NB_DATABASE, timeout,
          m -> err.println("netctl serve: " + m));
      reconciler = Reconciler.on(connector, new Reconciler.Options(Reconciler.Options.DEFAULT.maxOpsPerTransaction(),
          timeout), m -> err.println("netctl serve: " + m));
      b.reconciler(reconciler, nb);
    }
    ApiServer server;
    try {
      server = ApiServer.start(address, b.build(), tls);
    } catch (IOException | RuntimeException e) {
      err.println("netctl serve: " + address + ": " + e.getMessage());
      err.flush();
      if (reconciler != null) {
        reconciler.close();
      }
      return Main.EXIT_FAILURE;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Reconciler rec = reconciler;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      if (rec != null) {
        rec.close();
      }
      stopped.countDown();
    }, "serve-shutdown"));
    err.println("netctl serve: API on " + server.address() + (tls != null ? " (TLS)" : ""));
    err.flush();
    stopped.await();
    return 0;
  }
}
