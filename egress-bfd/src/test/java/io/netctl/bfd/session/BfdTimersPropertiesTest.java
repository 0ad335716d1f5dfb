package io.netctl.bfd.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.netctl.bfd.codec.BfdState;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** RFC 5880 §6.8.7 jitter and the §6.8.2/§6.8.4 timer arithmetic, as properties. */
class BfdTimersPropertiesTest {

    @Test
    void jitterIsAlwaysWithin75To100PercentOr75To90ForMultiplierOne() {
        qt().withExamples(20_000)
                .forAll(longs().between(1_000L, 4_294_967_295_000L), integers().between(1, 255), longs().all())
                .checkAssert((intervalNs, mult, seed) -> {
                    long j = BfdTimers.jitteredIntervalNs(intervalNs, mult, new SplittableRandom(seed));
                    assertThat(j * 4).isGreaterThanOrEqualTo(intervalNs * 3);
                    if (mult == 1) {
                        assertThat(j * 10).isLessThanOrEqualTo(intervalNs * 9 + 9);
                    } else {
                        assertThat(j).isLessThanOrEqualTo(intervalNs);
                    }
                });
    }

    @Test
    void jitterCoversTheWholeRange() {
        SplittableRandom r = new SplittableRandom(7);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 10_000; i++) {
            long j = BfdTimers.jitteredIntervalNs(1_000_000, 3, r);
            min = Math.min(min, j);
            max = Math.max(max, j);
        }
        assertThat(min).isLessThan(760_000);
        assertThat(max).isGreaterThan(990_000);
    }

    /** On a running pair, every gap between periodic packets of an Up session is 75–100 % of the interval. */
    @Test
    void periodicPacketsOfAnUpSessionAreJitteredWithinBounds() {
        qt().withExamples(25)
                .forAll(integers().between(10, 500), integers().between(1, 10), longs().all())
                .checkAssert((intervalMs, mult, seed) -> {
                    InMemoryWire wire = new InMemoryWire();
                    long us = intervalMs * 1000L;
                    BfdSessionConfig cfg = BfdSessionConfig.of(us, us, mult);
                    wire.a.create(cfg, 1, seed).start(wire.now());
                    wire.b.create(cfg, 2, seed + 1).start(wire.now());
                    wire.runUntilBothUp(TimeUnit.SECONDS.toNanos(10));
                    wire.runFor(5, TimeUnit.SECONDS); // Poll Sequences done
                    long from = wire.now();
                    wire.runFor(Math.max(5_000, intervalMs * 40L), TimeUnit.MILLISECONDS);
                    assertThat(wire.a.state()).isEqualTo(BfdState.UP);
                    List<InMemoryWire.Sent> sent = wire.a.sentBetween(from, wire.now());
                    assertThat(sent.size()).isGreaterThan(10);
                    long intervalNs = us * 1000L;
                    for (int i = 1; i < sent.size(); i++) {
                        long gap = sent.get(i).atNs() - sent.get(i - 1).atNs();
                        assertThat(gap * 4).isGreaterThanOrEqualTo(intervalNs * 3);
                        assertThat(gap).isLessThanOrEqualTo(mult == 1 ? intervalNs * 9 / 10 : intervalNs);
                    }
                });
    }

    @Test
    void negotiationAndDetectionTime() {
        assertThat(BfdTimers.negotiatedTxUs(50_000, 300_000)).isEqualTo(300_000);
        assertThat(BfdTimers.negotiatedTxUs(50_000, 1)).isEqualTo(50_000);
        assertThat(BfdTimers.detectionTimeUs(3, 50_000, 100_000)).isEqualTo(300_000);
        assertThat(BfdTimers.detectionTimeUs(5, 200_000, 100_000)).isEqualTo(1_000_000);
        assertThat(BfdTimers.detectionTimeUs(0, 200_000, 100_000)).isZero();
        assertThat(BfdTimers.detectionTimeUs(3, 0, 100_000)).isZero();
    }

    @Test
    void theSlowRateKeepsJitteredGapsAtOrAboveOneSecond() {
        long ns = BfdSession.NOT_UP_DESIRED_MIN_TX_US * 1000;
        assertThat(BfdTimers.minJitteredNs(ns)).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
    }
}
