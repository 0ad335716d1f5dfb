package io.netctl.anp.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.netctl.anp.api.ClusterObject;
import io.netctl.anp.api.ObjectRef;
import io.netctl.ovn.nb.NbDelta;
import io.netctl.ovn.nb.NbState;
import io.netctl.ovn.nb.Ownership;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Properties of the compiler over random event sequences (QuickTheories; a failure prints the shrunk seeds). */
class IncrementalPropertyTest {

  private static final PolicyCompiler.Options OPTIONS = new PolicyCompiler.Options(LspNaming.KUBE_OVN, true);

  private static NbState fullCompile(Map<ObjectRef, ClusterObject> world, Map<String, List<String>> domains, List<ClusterObject> order) {
    PolicyCompiler full = new PolicyCompiler(OPTIONS);
    domains.forEach((d, ips) -> full.apply(new ClusterEvent.DomainResolved(d, ips)));
    full.load(order);
    return full.state();
  }

  /** Sequences that once failed, kept so they run on every build. */
  static final List<List<Integer>> REGRESSIONS = List.of(
      List.of(24140908, 1627525556, 179971522),
      List.of(-90100719, -40907422, -3001929, -269958436, 10362, 1976430120, -5009537, -7487179, 12214673, -14486369,
          92365117, -4822219, -948252, -14092865, 33446506, -5405211, 22132226, -106016388, 427950771, -55389617,
          -17046274, -144161254, -156, -72350241, -553072395, 823759, -2949780, -28235317, -503751, 22527324,
          -615788867, 366744087, 217019785, 21108488, 335111838, -25863934, 751466589, 68185823, -327726153, 77981,
          -9953020, -16305342, -1113691167, -208550, 795203386, 68320223, 2120966, -143335638, 712154, -196404805,
          -737436107, 1302865075, -210835038));

  @Test
  void knownRegressions() {
    REGRESSIONS.forEach(IncrementalPropertyTest::checkIncrementalEqualsFull);
  }

  static void checkIncrementalEqualsFull(List<Integer> seeds) {
    PolicyCompiler inc = new PolicyCompiler(OPTIONS);
    Map<ObjectRef, ClusterObject> world = new LinkedHashMap<>();
    Map<String, List<String>> domains = new TreeMap<>();
    NbState applied = NbState.EMPTY;
    for (int seed : seeds) {
      ClusterEvent e = RandomCluster.event(seed);
      applied = applied.apply(inc.apply(e));
      RandomCluster.applyTo(world, domains, e);
    }
    NbState expected = fullCompile(world, domains, new ArrayList<>(world.values()));
    assertThat(NbState.diff(expected, inc.state()).toString())
        .as("incremental state after %s, as a delta from the full compile", seeds)
        .isEqualTo(NbDelta.EMPTY.toString());
    assertThat(NbState.diff(expected, applied).toString())
        .as("deltas folded over the empty state after %s", seeds)
        .isEqualTo(NbDelta.EMPTY.toString());
  }

  @Test
  void afterAnySequenceOfEventsTheIncrementalStateEqualsAFullCompile() {
    qt().withExamples(Integer.getInteger("netctl.pbt.examples", 300))
        .withShrinkCycles(200)
        .forAll(lists().of(integers().all()).ofSizeBetween(1, 60))
        .checkAssert(IncrementalPropertyTest::checkIncrementalEqualsFull);
  }

  @Test
  void compilingIsDeterministicWhateverTheInputOrder() {
    qt().withExamples(100)
        .forAll(lists().of(integers().all()).ofSizeBetween(1, 40), integers().all())
        .checkAssert((seeds, shuffle) -> {
          Map<ObjectRef, ClusterObject> world = new LinkedHashMap<>();
          Map<String, List<String>> domains = new TreeMap<>();
          for (int seed : seeds) {
            RandomCluster.applyTo(world, domains, RandomCluster.event(seed));
          }
          List<ClusterObject> a = new ArrayList<>(world.values());
          List<ClusterObject> b = new ArrayList<>(a);
          Collections.shuffle(b, new Random(shuffle));
          assertThat(fullCompile(world, domains, b)).isEqualTo(fullCompile(world, domains, a));
        });
  }

  @Test
  void everyRowIsOwnedAndEveryAclReferencesExistingRows() {
    qt().withExamples(150)
        .forAll(lists().of(integers().all()).ofSizeBetween(1, 40))
        .checkAssert(seeds -> {
          PolicyCompiler inc = new PolicyCompiler(OPTIONS);
          for (int seed : seeds) {
            inc.apply(RandomCluster.event(seed));
          }
          NbState s = inc.state();
          assertThat(s.rows()).allSatisfy(r -> assertThat(Ownership.isOwned(r.externalIds())).isTrue());
          s.acls().values().forEach(acl -> {
            assertThat(s.portGroups()).containsKey(acl.portGroup());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$([a-z0-9_]+)").matcher(acl.match());
            while (m.find()) {
              assertThat(s.addressSets()).as(acl.match()).containsKey(m.group(1));
            }
            java.util.regex.Matcher g = java.util.regex.Pattern.compile("@([a-z0-9_]+)").matcher(acl.match());
            while (g.find()) {
              assertThat(s.portGroups()).containsKey(g.group(1));
            }
          });
        });
  }

  @Test
  void aHigherPrecedencePolicyNeverLandsBelowALowerOne() {
    qt().withExamples(150)
        .forAll(lists().of(integers().all()).ofSizeBetween(1, 50))
        .checkAssert(seeds -> {
          PolicyCompiler inc = new PolicyCompiler(OPTIONS);
          for (int seed : seeds) {
            inc.apply(RandomCluster.event(seed));
          }
          List<io.netctl.anp.api.Policy> ps = new ArrayList<>(inc.policies());
          for (io.netctl.anp.api.Policy a : ps) {
            for (io.netctl.anp.api.Policy b : ps) {
              if (a.kind().tier() != b.kind().tier() || a.kind().tier() == io.netctl.anp.api.Tier.NETWORK_POLICY) {
                continue;
              }
              int pa = effective(a);
              int pb = effective(b);
              if (pa < pb) {
                int lowestOfA = inc.bandTop(a.ref()) - Math.max(1, Math.max(a.ingress().size(), a.egress().size())) + 1;
                assertThat(lowestOfA).as("%s above %s", a.ref(), b.ref()).isGreaterThan(inc.bandTop(b.ref()));
              }
            }
          }
        });
  }

  private static int effective(io.netctl.anp.api.Policy p) {
    return p.kind() == io.netctl.anp.api.PolicyKind.BASELINE_ADMIN_NETWORK_POLICY ? PriorityAllocator.BANP_PRIORITY : p.priority();
  }
}
