package io.netctl.perf.compiler;

import io.netctl.anp.api.Pod;
import io.netctl.anp.compile.ClusterEvent;
import io.netctl.anp.compile.PolicyCompiler;
import io.netctl.ovn.nb.NbDelta;
import io.netctl.ovn.nb.NbState;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The compiler at cluster scale: a full compile of 1,000 namespaces, 10,000 pods and 1,000 ANPs of 10 rules (target:
 * median under 1 s in a 1 GiB heap), and one pod label change compiled incrementally (target: p99 under 1 ms).
 *
 * <pre>
 * java -jar perf/target/benchmarks.jar CompilerBenchmark -prof gc
 * </pre>
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CompilerBenchmark {

  /** The synthetic cluster only: what a full compile starts from. */
  @State(Scope.Benchmark)
  public static class Input {
    @Param({"1000"})
    int namespaces;

    @Param({"10000"})
    int pods;

    @Param({"1000"})
    int anps;

    @Param({"10"})
    int rules;

    SyntheticCluster cluster;

    @Setup(Level.Trial)
    public void setup() {
      cluster = SyntheticCluster.generate(namespaces, pods, anps, rules, 42);
    }
  }

  /** A compiler loaded with the cluster, and one pod with two label sets to flip between. */
  @State(Scope.Benchmark)
  public static class Loaded {
    PolicyCompiler compiler;
    Pod original;
    Pod relabelled;
    boolean flip;

    @Setup(Level.Trial)
    public void setup(Input in) {
      compiler = new PolicyCompiler(PolicyCompiler.Options.DEFAULT);
      compiler.load(in.cluster.objects());
      original = in.cluster.pods.get(in.pods / 2);
      TreeMap<String, String> l = new TreeMap<>(original.labels());
      l.put("app", "a" + ((Integer.parseInt(original.labels().get("app").substring(1)) + 1) % 20));
      l.put("role", "db".equals(l.get("role")) ? "frontend" : "db");
      relabelled = original.withLabels(l);
    }
  }

  /** Full compile from the objects to the whole desired state. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3)
  @Measurement(iterations = 10)
  public NbState fullCompile(Input in) {
    return PolicyCompiler.compile(in.cluster.objects(), PolicyCompiler.Options.DEFAULT).state();
  }

  /** One pod label change (app and role) compiled incrementally, alternating between two label sets. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public NbDelta podLabelChange(Loaded s) {
    s.flip = !s.flip;
    return s.compiler.apply(new ClusterEvent.Upsert(s.flip ? s.relabelled : s.original));
  }

  /** Retained heap of a loaded compiler, printed for the issue note: {@code java -cp ... CompilerBenchmark}. */
  public static void main(String[] args) {
    SyntheticCluster c = SyntheticCluster.generate(1000, 10000, 1000, 10, 42);
    Runtime rt = Runtime.getRuntime();
    gc();
    long base = rt.totalMemory() - rt.freeMemory();
    long t0 = System.nanoTime();
    PolicyCompiler compiler = new PolicyCompiler(PolicyCompiler.Options.DEFAULT);
    compiler.load(c.objects());
    NbState s = compiler.state();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    gc();
    long used = rt.totalMemory() - rt.freeMemory() - base;
    System.out.printf("compiled %d rows (%d ACLs, %d Address_Sets, %d Port_Groups) in %d ms; retained %d MiB%n",
        s.size(), s.acls().size(), s.addressSets().size(), s.portGroups().size(), ms, used >> 20);
  }

  private static void gc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
  }
}
