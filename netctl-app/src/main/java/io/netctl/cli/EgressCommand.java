package io.netctl.cli;

import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.api.Namespace;
import io.netctl.anp.api.Pod;
import io.netctl.anp.yaml.YamlLoader;
import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.metrics.BfdMetrics;
import io.netctl.controller.EgressNbWriter;
import io.netctl.egress.EgressCore;
import io.netctl.egress.EgressEngine;
import io.netctl.egress.EgressMetrics;
import io.netctl.egress.EgressNode;
import io.netctl.egress.EgressYaml;
import io.netctl.egress.api.EgressGateway;
import io.netctl.egress.api.EgressGatewayStatus;
import io.netctl.ovn.nb.NbPrinter;
import io.netctl.ovn.nb.Ownership;
import io.netctl.ovn.ovsdb.OvsdbConnector;
import io.netctl.ovn.ovsdb.Reconciler;
import io.netctl.ovn.ovsdb.Remote;
import io.netctl.ovn.ovsdb.TlsFiles;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netctl egress}: egress gateways with BFD-driven failover. */
@Command(
    name = "egress",
    mixinStandardHelpOptions = true,
    description = "Egress gateways: reroute selected pods' traffic through gateway instances, failing over by BFD.",
    subcommands = {EgressCommand.Run.class, CommandLine.HelpCommand.class})
final class EgressCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (run)");
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Read EgressGateway objects and the Namespaces, Pods and Nodes they select from files, program OVN (Address_Sets"
            + " and Logical_Router_Policies), run BFD to the instances and keep the NB in step until stopped"
            + " (SIGTERM/SIGINT).",
        "Prints one JSON line per BFD state change and per NB commit:",
        "{\"ts\":\"<RFC 3339>\",\"event\":\"bfd\",\"peer\":..,\"from\":\"Up\",\"to\":\"Down\",\"diag\":..}",
        "{\"ts\":\"<RFC 3339>\",\"event\":\"commit\",\"path\":\"fast|reconcile\",\"gateways\":[..],\"ops\":N,"
            + "\"ms\":..,\"changes\":..}",
        "Exit status: 2 when the inputs cannot be read or no gateway is valid, 1 when the NB cannot be reached at"
            + " start, 0 when stopped."
      })
  static final class Run implements Callable<Integer> {
    @Option(names = "--nb", paramLabel = "REMOTE",
        description = "Northbound remote(s): tcp:HOST:PORT or ssl:HOST:PORT, comma-separated. Default: $OVN_NB_DB.")
    String nb;

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "PATH",
        description = "Files or directories (*.yaml, *.yml, *.json, recursively), or - for stdin.")
    List<String> files;

    @Option(names = "--bfd-local", paramLabel = "ADDR",
        description = "Local address of the BFD sessions to the instances (needed when a gateway enables BFD).")
    String bfdLocal;

    @Option(names = "--cluster-cidr", paramLabel = "CIDR", split = ",",
        description = "Pod and service CIDRs: without spec.destinations, traffic to them is not rerouted.")
    List<String> clusterCidrs = new ArrayList<>();

    @Option(names = "--metrics-port", paramLabel = "PORT",
        description = "Serve Prometheus metrics (egress and BFD) on this port.")
    Integer metricsPort;

    @Option(names = "--metrics-address", defaultValue = "127.0.0.1", paramLabel = "ADDR",
        description = "Address of the metrics endpoint (default: ${DEFAULT-VALUE}).")
    String metricsAddress;

    @Option(names = {"-p", "--private-key"}, paramLabel = "FILE", description = "PEM private key for ssl remotes.")
    Path privateKey;

    @Option(names = {"-c", "--certificate"}, paramLabel = "FILE", description = "PEM certificate for ssl remotes.")
    Path certificate;

    @Option(names = {"-C", "--ca-cert"}, paramLabel = "FILE", description = "PEM CA certificate of the server.")
    Path caCert;

    @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS",
        description = "How long one OVSDB request may take, and how long to keep reconnecting (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--resync", defaultValue = "300", paramLabel = "SECONDS",
        description = "Full resync period of the egress rows (default: ${DEFAULT-VALUE}; 0: never).")
    int resyncSeconds;

    @Option(names = "--rt-priority", defaultValue = "0", paramLabel = "N",
        description = "Once running, put this process (BFD event loop, engine, JVM threads) at SCHED_FIFO priority N"
            + " (1-99; needs CAP_SYS_NICE): recommended for BFD intervals below 50 ms (docs/perf.md). 0 (default):"
            + " the normal scheduler.")
    int rtPriority;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Maps the nanoTime stamps of BFD changes and commits to the JSON lines' {@code ts}. */
    private final WallClockAnchor anchor = WallClockAnchor.sample();

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String r = nb != null ? nb : System.getenv("OVN_NB_DB");
      List<Remote> remotes;
      TlsFiles tls = null;
      InetAddress local = null;
      try {
        if (r == null || r.isBlank()) {
          throw new IllegalArgumentException("--nb REMOTE is required (or set OVN_NB_DB)");
        }
        remotes = Remote.parseList(r);
        if (remotes.stream().anyMatch(x -> x.scheme() == Remote.Scheme.SSL)) {
          if (privateKey == null || certificate == null || caCert == null) {
            throw new IllegalArgumentException("ssl remotes need --private-key, --certificate and --ca-cert");
          }
          tls = new TlsFiles(privateKey, certificate, caCert);
        }
        if (bfdLocal != null) {
          local = InetAddress.getByName(bfdLocal);
        }
        if (rtPriority < 0 || rtPriority > 99) {
          throw new IllegalArgumentException("--rt-priority: " + rtPriority + " (expected: 0-99)");
        }
        for (String c : clusterCidrs) {
          if (io.netctl.anp.api.IpAddresses.parseCidr(c).isEmpty()) {
            throw new IllegalArgumentException("--cluster-cidr: \"" + c + "\" (expected: a CIDR)");
          }
        }
      } catch (IllegalArgumentException | java.net.UnknownHostException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }

      // inputs: the compiler's loader for Namespaces and Pods, EgressYaml for gateways and nodes
      List<YamlLoader.Source> sources = Inputs.read(files, System.in);
      YamlLoader.LoadResult loaded = YamlLoader.load(sources);
      List<Namespace> namespaces = new ArrayList<>();
      List<Pod> pods = new ArrayList<>();
      for (ClusterObject o : loaded.objects()) {
        if (o instanceof Namespace n) {
          namespaces.add(n);
        } else if (o instanceof Pod p) {
          pods.add(p);
        }
      }
      List<EgressGateway> gateways = new ArrayList<>();
      List<EgressNode> nodes = new ArrayList<>();
      boolean inputErrors = false;
      for (YamlLoader.Source s : sources) {
        EgressYaml.Result y = EgressYaml.read(s.name(), s.text());
        gateways.addAll(y.gateways());
        nodes.addAll(y.nodes());
        for (String e : y.errors()) {
          err.println("error: " + e);
          inputErrors = true;
        }
      }
      if (gateways.isEmpty()) {
        err.println("netctl egress run: no EgressGateway (" + EgressGateway.API_VERSION + ") in the inputs");
        err.flush();
        return Main.EXIT_INVALID_INPUT;
      }

      Duration timeout = Duration.ofSeconds(timeoutSeconds);
      OvsdbConnector connector =
          new OvsdbConnector(remotes, tls, OvsdbConnector.NB_DATABASE, timeout, m -> log(err, m));
      Reconciler.Options opts = new Reconciler.Options(5_000, timeout, Duration.ofSeconds(Math.max(0, resyncSeconds)))
          .withScope(Ownership::isEgress);
      Reconciler reconciler = Reconciler.on(connector, opts, m -> log(err, m));
      try {
        reconciler.cache(); // connect now: fail fast when the NB is unreachable
      } catch (io.netctl.ovn.ovsdb.OvsdbException e) {
        err.println("netctl egress run: " + e.getMessage());
        err.flush();
        reconciler.close();
        return Main.EXIT_FAILURE;
      }
      PrometheusRegistry registry = new PrometheusRegistry();
      EgressMetrics metrics = new EgressMetrics(registry);
      EgressEngine engine = new EgressEngine(new EgressNbWriter(reconciler), local, clusterCidrs,
          new Lines(out, err), metrics);
      HTTPServer server = null;
      if (metricsPort != null) {
        if (engine.speaker() != null) {
          registry.register(new BfdMetrics(() -> {
            try {
              return List.of(engine.speaker().snapshotAll());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return List.of();
            }
          }, System::nanoTime));
        }
        server = HTTPServer.builder().inetAddress(InetAddress.getByName(metricsAddress)).port(metricsPort)
            .registry(registry).buildAndStart();
        err.println("netctl egress: metrics on port " + server.getPort());
      }
      CountDownLatch stopped = new CountDownLatch(1);
      HTTPServer srv = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        engine.close();
        reconciler.close();
        if (srv != null) {
          srv.close();
        }
        out.flush();
        err.flush();
        stopped.countDown();
      }, "egress-shutdown"));
      engine.load(gateways, namespaces, pods, nodes);
      engine.flush().get();
      if (rtPriority > 0) {
        // after start-up, so that its class loading and JIT burst do not run at real-time priority
        String failed = io.netctl.bfd.transport.BfdSpeaker.realtimeSchedulingForProcess(rtPriority);
        if (failed != null) {
          err.println("netctl egress: SCHED_FIFO " + rtPriority + " not set, running at normal priority: " + failed);
        }
      }
      err.println("netctl egress: running " + gateways.size() + " gateway(s)" + (inputErrors ? " (inputs had errors)"
          : ""));
      err.flush();
      stopped.await();
      return 0;
    }

    private String ts(long nanoTime) {
      return anchor.at(nanoTime).toString();
    }

    private void log(PrintWriter err, String m) {
      synchronized (err) {
        err.println("netctl egress: " + m);
        err.flush();
      }
    }

    /** JSON lines on stdout, diagnostics on stderr. */
    private final class Lines implements EgressCore.Listener {
      private final PrintWriter out;
      private final PrintWriter err;

      Lines(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
      }

      @Override
      public void bfd(String peer, BfdState from, BfdState to, String diag, long tsNs) {
        line("{\"ts\":" + NbPrinter.quote(ts(tsNs)) + ",\"event\":\"bfd\",\"peer\":" + NbPrinter.quote(peer)
            + ",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"diag\":" + NbPrinter.quote(diag) + "}");
      }

      @Override
      public void commit(List<String> gateways, String path, EgressCore.Commit c, long elapsedNs) {
        StringBuilder g = new StringBuilder("[");
        for (String s : gateways) {
          g.append(g.length() > 1 ? "," : "").append(NbPrinter.quote(s));
        }
        line("{\"ts\":" + NbPrinter.quote(ts(System.nanoTime())) + ",\"event\":\"commit\",\"path\":\"" + path
            + "\",\"gateways\":" + g + "],\"ops\":" + c.operations() + ",\"ms\":"
            + String.format(java.util.Locale.ROOT, "%.3f", elapsedNs / 1e6) + ",\"changes\":"
            + NbPrinter.quote(c.summary()) + (c.ok() ? "" : ",\"errors\":" + NbPrinter.quote(c.errors().toString()))
            + "}");
      }

      @Override
      public void status(String gateway, EgressGatewayStatus s) {
        log(err, gateway + ": " + s.getPhase() + ", " + s.getReadyInstances() + "/" + s.getInstances().size()
            + " instances carry traffic");
      }

      @Override
      public void error(String message) {
        log(err, "error: " + message);
      }

      private void line(String s) {
        synchronized (out) {
          out.println(s);
          out.flush();
        }
      }
    }
  }
}
