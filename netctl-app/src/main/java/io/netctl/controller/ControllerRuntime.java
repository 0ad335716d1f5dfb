package io.netctl.controller;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.api.ApiAddress;
import io.netctl.api.ApiServer;
import io.netctl.api.BfdEventHub;
import io.netctl.api.CompiledBackend;
import io.netctl.bfd.metrics.BfdMetrics;
import io.netctl.egress.EgressMetrics;
import io.netctl.ovn.nb.Ownership;
import io.netctl.ovn.ovsdb.OvsdbConnector;
import io.netctl.ovn.ovsdb.Reconciler;
import io.netctl.ovn.ovsdb.Remote;
import io.netctl.ovn.ovsdb.TlsFiles;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A running controller with everything around it: the reconciler, the source (informers or a watch directory), the
 * status sink, leader election, the DNS resolver, the egress gateways (engine and BFD on the leader) and the metrics
 * endpoint. What {@code netctl controller} and
 * {@code netctl demo} start.
 *
 * @param remotes the Northbound remotes
 * @param tls PEM files for ssl remotes, or null
 * @param nbTimeout OVSDB request timeout and how long one call keeps reconnecting
 * @param watchDir watch-dir mode: the directory; null for the API server
 * @param kubeconfig a kubeconfig file, or null for the usual discovery (in-cluster, $KUBECONFIG, ~/.kube/config)
 * @param compiler compiler options
 * @param metrics where to serve /metrics, or null for nowhere
 * @param election leader election, or null to lead at once (a single instance)
 * @param dnsServer DNS server for domainNames, or null for the system's
 * @param dns refresh bounds
 * @param statusDir watch-dir mode: where status files go (default {@code watchDir/status})
 * @param egress egress gateways (the engine and its BFD speaker run on the leader), or null for none
 * @param api where to serve the gRPC API, or null for nowhere
 */
public record ControllerRuntime(
    List<Remote> remotes,
    TlsFiles tls,
    Duration nbTimeout,
    Path watchDir,
    Path kubeconfig,
    PolicyCompiler.Options compiler,
    InetSocketAddress metrics,
    LeaderElection election,
    InetSocketAddress dnsServer,
    DomainResolver.Options dns,
    Path statusDir,
    EgressController.Options egress,
    ControllerApi.Options api) {

  /** Egress gateways without BFD and without cluster CIDRs (the demo, tests). */
  public static final EgressController.Options EGRESS_WITHOUT_BFD = new EgressController.Options(null, true, List.of());

  public ControllerRuntime {
    remotes = List.copyOf(remotes);
    Objects.requireNonNull(nbTimeout, "nbTimeout");
    Objects.requireNonNull(compiler, "compiler");
    dns = dns == null ? DomainResolver.Options.DEFAULT : dns;
  }

  /** Without BFD for the egress gateways ({@link #EGRESS_WITHOUT_BFD}) and without the API. */
  public ControllerRuntime(List<Remote> remotes, TlsFiles tls, Duration nbTimeout, Path watchDir, Path kubeconfig,
      PolicyCompiler.Options compiler, InetSocketAddress metrics, LeaderElection election, InetSocketAddress dnsServer,
      DomainResolver.Options dns, Path statusDir) {
    this(remotes, tls, nbTimeout, watchDir, kubeconfig, compiler, metrics, election, dnsServer, dns, statusDir,
        EGRESS_WITHOUT_BFD, null);
  }

  /** What {@link #registerMetrics} registered. */
  public record Metrics(ControllerMetrics controller, EgressMetrics egress) {}

  /**
   * Registers every metric the controller exports in {@code registry}: {@link ControllerMetrics}, the egress engine's
   * {@link EgressMetrics} and the BFD metrics of the speaker {@code bfd} returns snapshots of (empty on a standby).
   * The dashboards test checks its PromQL against exactly this.
   */
  public static Metrics registerMetrics(PrometheusRegistry registry,
      java.util.function.Supplier<List<io.netctl.bfd.transport.BfdSpeakerSnapshot>> bfd) {
    ControllerMetrics c = new ControllerMetrics(registry);
    EgressMetrics e = new EgressMetrics(registry);
    registry.register(new BfdMetrics(bfd, System::nanoTime));
    return new Metrics(c, e);
  }

  /** The running pieces; {@link #close()} stops them in reverse order. */
  public static final class Running implements AutoCloseable {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Controller controller;
    private EgressController egress;
    private ControllerMetrics metrics;
    private HTTPServer server;
    private ApiServer api;

    public Controller controller() {
      return controller;
    }

    /** The egress side, or null when egress gateways are off. */
    public EgressController egress() {
      return egress;
    }

    public ControllerMetrics metrics() {
      return metrics;
    }

    /** Where the gRPC API is served (the actual port when asked for port 0), or null. */
    public ApiAddress apiAddress() {
      return api == null ? null : api.address();
    }

    /** The port /metrics is served on, or -1. */
    public int metricsPort() {
      return server == null ? -1 : server.getPort();
    }

    @Override
    public void close() {
      for (int i = closeables.size() - 1; i >= 0; i--) {
        try {
          closeables.get(i).close();
        } catch (Exception e) {
          // closing: keep going
        }
      }
    }
  }

  /** Starts everything; the controller converges in the background ({@link Controller#firstConvergence()}). */
  public Running start(PrometheusRegistry registry, Consumer<String> log) throws Exception {
    Running r = new Running();
    try {
      Metrics registered =
          registerMetrics(registry, () -> r.egress == null ? List.of() : r.egress.bfdSnapshots());
      r.metrics = registered.controller();
      if (metrics != null) {
        r.server =
            HTTPServer.builder().hostname(metrics.getHostString()).port(metrics.getPort()).registry(registry)
                .buildAndStart();
        r.closeables.add(r.server);
        log.accept("metrics on http://" + metrics.getHostString() + ":" + r.server.getPort() + "/metrics");
      }
      OvsdbConnector connector =
          new OvsdbConnector(remotes, tls, OvsdbConnector.NB_DATABASE, nbTimeout, m -> log.accept("OVSDB: " + m));
      // pod events (relabelled, added, deleted) only mutate member columns: those go out on the direct channel
      Reconciler reconciler = Reconciler.on(connector, new Reconciler.Options(5000, nbTimeout), log)
          .directFastPath(true);
      r.closeables.add(reconciler);

      KubernetesClient client = null;
      StatusSink status;
      EgressStatusSink egressStatus;
      if (watchDir == null) {
        KubernetesClientBuilder b = new KubernetesClientBuilder();
        if (kubeconfig != null) {
          b.withConfig(Config.fromKubeconfig(kubeconfig.toFile()));
        }
        client = b.build();
        r.closeables.add(client);
        status = new KubeStatusSink(client, log);
        egressStatus = new KubeEgressStatusSink(client, log);
      } else {
        FileStatusSink files =
            new FileStatusSink(statusDir != null ? statusDir : watchDir.resolve(WatchDirSource.STATUS_DIR), log);
        status = files;
        egressStatus = files.egress();
      }
      r.controller = new Controller(Controller.Options.DEFAULT.withCompiler(compiler), reconciler, status, r.metrics, log);
      r.closeables.add(r.controller);
      ClusterSource.Sink sink = r.controller;
      if (egress != null) {
        EgressMetrics egressMetrics = registered.egress();
        Reconciler.Options egressOptions = new Reconciler.Options(5000, nbTimeout, Reconciler.Options.DEFAULT_RESYNC)
            .withScope(Ownership::isEgress);
        r.egress = new EgressController(r.controller,
            () -> Reconciler.on(new OvsdbConnector(remotes, tls, OvsdbConnector.NB_DATABASE, nbTimeout,
                m -> log.accept("OVSDB (egress): " + m)), egressOptions, log),
            egressStatus, egressMetrics, egress, log);
        r.controller.onLeadership(r.egress::setLeader);
        r.closeables.add(r.egress); // closed before the controller
        sink = r.egress;
      }

      InetSocketAddress dnsAddr =
          dnsServer == null || !dnsServer.isUnresolved()
              ? dnsServer
              : new InetSocketAddress(dnsServer.getHostString(), dnsServer.getPort());
      DomainResolver resolver = new DomainResolver(dnsAddr, dns, r.controller, log);
      r.closeables.add(resolver);
      r.controller.onDomains(resolver::watch);

      if (election != null) {
        if (client == null) {
          client = new KubernetesClientBuilder().build();
          r.closeables.add(client);
        }
        r.closeables.add(election.start(client, r.controller, log));
      } else {
        r.controller.setLeader(true);
      }

      if (api != null) {
        CompiledBackend backend = ControllerApi.backend(r.controller, reconciler,
            String.join(",", remotes.stream().map(Remote::toString).toList()), r.metrics, r.egress,
            new BfdEventHub());
        try {
          r.api = ApiServer.start(api.address(), backend, api.tls());
        } catch (IOException | RuntimeException e) {
          throw new IOException("API on " + api.address() + ": " + e.getMessage()
              + " (choose another with --api-addr, or '' to serve none)", e);
        }
        r.closeables.add(r.api);
        log.accept("API on " + r.api.address() + (api.tls() != null ? " (TLS)" : ""));
      }

      boolean eg = egress != null;
      ClusterSource source = watchDir != null ? new WatchDirSource(watchDir, 100, eg, log)
          : new KubeSource(client, compiler.networkPolicy(), eg, log);
      r.closeables.add(source);
      source.start(sink);
      return r;
    } catch (IOException | RuntimeException e) {
      r.close();
      throw e;
    }
  }
}
