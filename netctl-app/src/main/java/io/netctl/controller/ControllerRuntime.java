package io.netctl.controller;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.netctl.anp.compile.PolicyCompiler;
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
 * status sink, leader election, the DNS resolver and the metrics endpoint. What {@code netctl controller} and
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
    Path statusDir) {

  public ControllerRuntime {
    remotes = List.copyOf(remotes);
    Objects.requireNonNull(nbTimeout, "nbTimeout");
    Objects.requireNonNull(compiler, "compiler");
    dns = dns == null ? DomainResolver.Options.DEFAULT : dns;
  }

  /** The running pieces; {@link #close()} stops them in reverse order. */
  public static final class Running implements AutoCloseable {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Controller controller;
    private ControllerMetrics metrics;
    private HTTPServer server;

    public Controller controller() {
      return controller;
    }

    public ControllerMetrics metrics() {
      return metrics;
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
      r.metrics = new ControllerMetrics(registry);
      if (metrics != null) {
        r.server =
            HTTPServer.builder().hostname(metrics.getHostString()).port(metrics.getPort()).registry(registry)
                .buildAndStart();
        r.closeables.add(r.server);
        log.accept("metrics on http://" + metrics.getHostString() + ":" + r.server.getPort() + "/metrics");
      }
      OvsdbConnector connector =
          new OvsdbConnector(remotes, tls, OvsdbConnector.NB_DATABASE, nbTimeout, m -> log.accept("OVSDB: " + m));
      Reconciler reconciler = Reconciler.on(connector, new Reconciler.Options(5000, nbTimeout), log);
      r.closeables.add(reconciler);

      KubernetesClient client = null;
      StatusSink status;
      if (watchDir == null) {
        KubernetesClientBuilder b = new KubernetesClientBuilder();
        if (kubeconfig != null) {
          b.withConfig(Config.fromKubeconfig(kubeconfig.toFile()));
        }
        client = b.build();
        r.closeables.add(client);
        status = new KubeStatusSink(client, log);
      } else {
        status = new FileStatusSink(statusDir != null ? statusDir : watchDir.resolve(WatchDirSource.STATUS_DIR), log);
      }
      r.controller = new Controller(Controller.Options.DEFAULT.withCompiler(compiler), reconciler, status, r.metrics, log);
      r.closeables.add(r.controller);

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

      ClusterSource source =
          watchDir != null ? new WatchDirSource(watchDir, 100, log) : new KubeSource(client, compiler.networkPolicy(), log);
      r.closeables.add(source);
      source.start(r.controller);
      return r;
    } catch (IOException | RuntimeException e) {
      r.close();
      throw e;
    }
  }
}
