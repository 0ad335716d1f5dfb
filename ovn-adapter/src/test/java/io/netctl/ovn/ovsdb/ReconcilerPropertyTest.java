package io.netctl.ovn.ovsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.netctl.ovn.nb.NbState;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Properties of the diff and of the reconciler (QuickTheories; a failure prints the seed of the random state).
 */
class ReconcilerPropertyTest {
  private static final Gen<Long> SEEDS = longs().all();

  @Test
  void diffOfAStateWithItselfIsEmpty() {
    qt().forAll(SEEDS).checkAssert(seed -> assertThat(NbState.diff(RandomStates.state(seed),
        RandomStates.state(seed)).isEmpty()).isTrue());
  }

  @Test
  void applyingTheDiffYieldsTheTarget() {
    qt().forAll(SEEDS, SEEDS)
        .checkAssert((a, b) -> {
          NbState x = RandomStates.state(a);
          NbState y = RandomStates.state(b);
          assertThat(x.apply(NbState.diff(x, y))).isEqualTo(y);
        });
  }

  @Test
  void reconcilingYieldsTheDesiredStateAndThenNothingToDo() {
    qt().withExamples(60)
        .forAll(SEEDS, SEEDS)
        .checkAssert((a, b) -> {
          FakeOvsdb db = new FakeOvsdb(true);
          for (int i = 0; i < RandomStates.LSPS; i++) {
            db.addLsp(RandomStates.lsp(i));
          }
          try (Reconciler r = new Reconciler(db::connect, new Reconciler.Options(7, Duration.ofSeconds(5)), s -> {})) {
            NbState actual = RandomStates.state(a);
            NbState desired = RandomStates.state(b);
            r.reconcile(actual);
            // the plan from actual to desired, applied, yields desired
            r.reconcile(desired);
            assertThat(ReconcilerTest.owned(db)).isEqualTo(desired);
            // diff(desired, desired) is empty: nothing planned, nothing written
            int before = db.transactions;
            assertThat(r.dryRun(desired).planned()).isEmpty();
            assertThat(r.reconcile(desired).transactions()).isZero();
            assertThat(db.transactions).isEqualTo(before);
            // incrementally, too
            r.apply(NbState.diff(desired, actual));
            assertThat(ReconcilerTest.owned(db)).isEqualTo(actual);
          } catch (OvsdbException e) {
            throw new AssertionError(e);
          }
        });
  }
}
