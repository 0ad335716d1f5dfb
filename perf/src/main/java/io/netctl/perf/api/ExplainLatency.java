package io.netctl.perf.api;

import io.netctl.anp.api.Pod;
import io.netctl.anp.compile.LspNaming;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.api.ApiAddress;
import io.netctl.api.ApiBackend;
import io.netctl.api.ApiClient;
import io.netctl.api.ApiServer;
import io.netctl.api.CompiledBackend;
import io.netctl.api.v1.Endpoint;
import io.netctl.api.v1.ExplainRequest;
import io.netctl.api.v1.NetctlGrpc;
import io.netctl.api.v1.PodRef;
import io.netctl.api.v1.StatusRequest;
import io.netctl.perf.compiler.SyntheticCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Explain on a large cluster: the backend reads the compiler on its own thread, as in the daemon.
 *
 * <ol>
 *   <li>the first Explain after a change: the compiled state and the evaluator are built (what every call costs
 *       without a generation counter);</li>
 *   <li>Explain with the cache (a generation that does not change): evaluation only;</li>
 *   <li>the same over gRPC on a unix socket (one channel, blocking calls), and Status.</li>
 * </ol>
 *
 * <p>Arguments: pods, ANPs, rules per ANP, calls (default 10000 1000 4 2000).
 */
public final class ExplainLatency {
  private ExplainLatency() {}

  public static void main(String[] args) throws Exception {
    int pods = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int anps = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int rules = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    int calls = args.length > 3 ? Integer.parseInt(args[3]) : 2_000;
    int namespaces = Math.max(1, pods / 50);
    SyntheticCluster cluster = SyntheticCluster.generate(namespaces, pods, anps, rules, 42);
    ExecutorService compilerThread = Executors.newSingleThreadExecutor();
    long c0 = System.nanoTime();
    PolicyCompiler compiler = compilerThread.submit(() -> {
      PolicyCompiler c = new PolicyCompiler(new PolicyCompiler.Options(LspNaming.KUBE_OVN, false));
      c.load(cluster.objects());
      return c;
    }).get();
    System.out.printf("cluster: %d pods, %d namespaces, %d ANPs x %d rules + 1 BANP; compiled in %d ms%n", pods,
        namespaces, anps, rules, (System.nanoTime() - c0) / 1_000_000);

    long[] generation = {0};
    CompiledBackend backend = CompiledBackend.builder(compiler, compilerThread)
        .generation(() -> generation[0]).build();
    CompiledBackend uncached = CompiledBackend.builder(compiler, compilerThread).build();
    List<Pod> all = cluster.pods;
    Random r = new Random(1);

    Histogram rebuild = new Histogram(3);
    for (int i = 0; i < 10; i++) {
      long t = System.nanoTime();
      uncached.explain(query(all, r));
      rebuild.recordValue((System.nanoTime() - t) / 1_000);
    }
    Histogram cached = new Histogram(3);
    backend.explain(query(all, r)); // builds the cache
    for (int i = 0; i < calls; i++) {
      long t = System.nanoTime();
      backend.explain(query(all, r));
      cached.recordValue((System.nanoTime() - t) / 1_000);
    }

    Path dir = Files.createTempDirectory("netctl-api-bench");
    Path sock = dir.resolve("api.sock");
    Histogram grpc = new Histogram(3);
    Histogram status = new Histogram(3);
    try (ApiServer server = ApiServer.start(ApiAddress.parse("unix:" + sock), backend, null);
        ApiClient client = ApiClient.connect(server.address(), null)) {
      NetctlGrpc.NetctlBlockingStub stub = client.blocking();
      for (int i = 0; i < calls / 10; i++) { // warm-up
        stub.explain(request(all, r));
      }
      for (int i = 0; i < calls; i++) {
        ExplainRequest req = request(all, r);
        long t = System.nanoTime();
        stub.withDeadlineAfter(30, TimeUnit.SECONDS).explain(req);
        grpc.recordValue((System.nanoTime() - t) / 1_000);
      }
      for (int i = 0; i < 50; i++) {
        long t = System.nanoTime();
        stub.withDeadlineAfter(60, TimeUnit.SECONDS).status(StatusRequest.getDefaultInstance());
        status.recordValue((System.nanoTime() - t) / 1_000);
      }
    } finally {
      compilerThread.shutdownNow();
      Files.deleteIfExists(sock);
      Files.deleteIfExists(dir);
    }
    System.out.println();
    System.out.println("| Explain | calls | p50 | p99 | max |");
    System.out.println("|---|---|---|---|---|");
    row("state + evaluator rebuilt (no generation counter)", rebuild);
    row("cached evaluator, in-process backend", cached);
    row("cached, gRPC over a unix socket", grpc);
    row("Status over gRPC (cached state)", status);
  }

  private static void row(String what, Histogram h) {
    System.out.printf("| %s | %d | %.2f ms | %.2f ms | %.2f ms |%n", what, h.getTotalCount(),
        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3);
  }

  private static ApiBackend.ExplainQuery query(List<Pod> pods, Random r) {
    Pod a = pods.get(r.nextInt(pods.size()));
    Pod b = pods.get(r.nextInt(pods.size()));
    return new ApiBackend.ExplainQuery(new ApiBackend.Endpoint.PodName(a.namespace(), a.name()),
        new ApiBackend.Endpoint.PodName(b.namespace(), b.name()), "tcp", 8080);
  }

  private static ExplainRequest request(List<Pod> pods, Random r) {
    Pod a = pods.get(r.nextInt(pods.size()));
    Pod b = pods.get(r.nextInt(pods.size()));
    return ExplainRequest.newBuilder()
        .setFrom(Endpoint.newBuilder().setPod(PodRef.newBuilder().setNamespace(a.namespace()).setName(a.name())))
        .setTo(Endpoint.newBuilder().setPod(PodRef.newBuilder().setNamespace(b.namespace()).setName(b.name())))
        .setProtocol("tcp").setPort(8080).build();
  }
}
