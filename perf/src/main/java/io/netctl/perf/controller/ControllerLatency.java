package io.netctl.perf.controller;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.api.Pod;
import io.netctl.anp.api.Policy;
import io.netctl.anp.api.PolicyKind;
import io.netctl.anp.compile.LspNaming;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.controller.Controller;
import io.netctl.controller.ControllerMetrics;
import io.netctl.controller.KubeSource;
import io.netctl.controller.KubeStatusSink;
import io.netctl.ovn.ovsdb.OvsdbConnector;
import io.netctl.ovn.ovsdb.Reconciler;
import io.netctl.ovn.ovsdb.Remote;
import io.netctl.ovn.sandbox.OvnSandbox;
import io.netctl.perf.compiler.SyntheticCluster;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The controller end to end at scale (run as root, it starts the OVN sandbox): fabric8's mock API server holds a
 * synthetic cluster, the controller watches it with informers and programs the real NB.
 *
 * <ol>
 *   <li>cold start: controller created → informers synced → compiled → first full reconcile committed;
 *   <li>steady-state memory after that (heap after GC, and the process RSS, which includes the mock server and its
 *       copy of the cluster);
 *   <li>pod label change at the API (an update to the mock server) → the NB commit containing its delta: p50/p99
 *       with HdrHistogram, changes one at a time.
 * </ol>
 *
 * <p>Arguments: {@code PODS ANPS RULES CHANGES} (default 10000 1000 4 300).
 */
public final class ControllerLatency {
  public static void main(String[] args) throws Exception {
    int pods = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int anps = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int rules = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    int changes = args.length > 3 ? Integer.parseInt(args[3]) : 300;
    int namespaces = Math.max(1, pods / 50);
    java.util.logging.Logger quiet = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    quiet.setLevel(java.util.logging.Level.WARNING);

    SyntheticCluster cluster = SyntheticCluster.generate(namespaces, pods, anps, rules, 42);
    System.out.printf("cluster: %d pods, %d namespaces, %d ANPs x %d rules + 1 BANP%n", pods, namespaces, anps, rules);
    Path dir = Files.createTempDirectory("netctl-ctl-perf");
    try (OvnSandbox sandbox = OvnSandbox.start(dir.resolve("ovn"))) {
      long p0 = System.nanoTime();
      createPorts(sandbox, cluster, LspNaming.KUBE_OVN);
      System.out.printf("logical switch ports: %d in %d ms%n", pods, ms(p0));

      KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
          new KubernetesCrudDispatcher(), false);
      server.init();
      try (KubernetesClient client = server.createClient()) {
        long a0 = System.nanoTime();
        for (ClusterObject o : cluster.objects()) {
          create(client, o);
        }
        System.out.printf("API objects created in %d ms%n", ms(a0));

        OvsdbConnector c = new OvsdbConnector(Remote.parseList(sandbox.nbRemote()), null,
            OvsdbConnector.NB_DATABASE, Duration.ofSeconds(120), m -> {});
        long t0 = System.nanoTime();
        try (Reconciler rec = Reconciler.on(c, new Reconciler.Options(5000, Duration.ofSeconds(120)), m -> {})) {
          ControllerMetrics metrics = new ControllerMetrics(new PrometheusRegistry());
          Controller controller = new Controller(Controller.Options.DEFAULT.withCompiler(
              new PolicyCompiler.Options(LspNaming.KUBE_OVN, false)), rec, new KubeStatusSink(client, m -> {}),
              metrics, m -> {});
          LinkedBlockingQueue<Long> commits = new LinkedBlockingQueue<>();
          controller.onCommit(commits::add);
          controller.setLeader(true);
          KubeSource source = new KubeSource(client, false, m -> {});
          try {
            java.util.concurrent.atomic.AtomicLong lastEvent = new java.util.concurrent.atomic.AtomicLong();
            source.start(new io.netctl.controller.ClusterSource.Sink() {
              @Override
              public void event(io.netctl.controller.SourceEvent e, String type) {
                lastEvent.set(System.nanoTime());
                controller.event(e, type);
              }

              @Override
              public void synced() {
                controller.synced();
              }
            });
            controller.firstConvergence().get(30, TimeUnit.MINUTES);
            long coldMs = ms(t0);
            int acls = controller.read(v -> v.compiler().state().acls().size()).get();
            System.out.printf("cold start -> converged: %d ms (%d ACLs committed)%n", coldMs, acls);
            while (!controller.idle()) {
              Thread.onSpinWait();
            }
            for (int i = 0; i < 3; i++) {
              System.gc();
            }
            Runtime rt = Runtime.getRuntime();
            System.out.printf("steady state: heap used after GC %d MB, process RSS %s (mock API server included)%n",
                (rt.totalMemory() - rt.freeMemory()) >> 20, rss());

            Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
            Histogram toEvent = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
            Histogram eventToCommit = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
            Random rnd = new Random(7);
            List<Pod> podList = cluster.pods;
            int noop = 0;
            for (int i = 0; i < changes; i++) {
              Pod p = podList.get(rnd.nextInt(podList.size()));
              io.fabric8.kubernetes.api.model.Pod cur = client.pods().inNamespace(p.namespace()).withName(p.name()).get();
              Map<String, String> labels = new TreeMap<>(cur.getMetadata().getLabels());
              labels.put("app", "a" + rnd.nextInt(20));
              cur.getMetadata().setLabels(labels);
              commits.clear();
              long s = System.nanoTime();
              client.resource(cur).update();
              Long at = null;
              long deadline = s + TimeUnit.SECONDS.toNanos(3);
              while (at == null && System.nanoTime() < deadline) {
                Long x = commits.poll(100, TimeUnit.MILLISECONDS);
                if (x != null && x > s) {
                  at = x;
                }
              }
              if (at == null) {
                noop++; // the new label changed no selection: nothing to commit
              } else {
                h.recordValue(TimeUnit.NANOSECONDS.toMicros(at - s));
                long ev = lastEvent.get();
                if (ev > s && ev < at) {
                  toEvent.recordValue(TimeUnit.NANOSECONDS.toMicros(ev - s));
                  eventToCommit.recordValue(TimeUnit.NANOSECONDS.toMicros(at - ev));
                }
              }
            }
            System.out.printf("pod label change at the API -> NB commit (%d changes, %d changed nothing): "
                    + "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", h.getTotalCount(), noop,
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getMaxValue() / 1e3);
            System.out.printf("  of which API update -> informer event: p50 %.2f ms, p99 %.2f ms; informer event -> NB"
                    + " commit: p50 %.2f ms, p99 %.2f ms%n", toEvent.getValueAtPercentile(50) / 1e3,
                toEvent.getValueAtPercentile(99) / 1e3, eventToCommit.getValueAtPercentile(50) / 1e3,
                eventToCommit.getValueAtPercentile(99) / 1e3);
          } finally {
            source.close();
            controller.close();
          }
        }
      } finally {
        server.destroy();
      }
    }
  }

  static void create(KubernetesClient client, ClusterObject o) {
    if (o instanceof io.netctl.anp.api.Namespace n) {
      client.resource(KubeObjects.namespace(n)).create();
    } else if (o instanceof io.netctl.anp.api.Node n) {
      client.resource(KubeObjects.node(n)).create();
    } else if (o instanceof Pod p) {
      client.resource(KubeObjects.pod(p)).create();
    } else if (o instanceof Policy p) {
      GenericKubernetesResource r = KubeObjects.policy(p);
      var ctx = p.kind() == PolicyKind.BASELINE_ADMIN_NETWORK_POLICY ? KubeSource.BANP : KubeSource.ANP;
      client.genericKubernetesResources(ctx).resource(r).create();
    }
  }

  static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static String rss() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmRSS:")) {
          return l.substring(6).strip();
        }
      }
    } catch (java.io.IOException e) {
      // not Linux
    }
    return "?";
  }

  /** One logical switch with a port per pod, in one transaction (what the CNI would have created). */
  static void createPorts(OvnSandbox s, SyntheticCluster c, LspNaming naming) throws Exception {
    io.netctl.perf.ovn.ReconcileBench.createPorts(s, c, naming);
  }
}
