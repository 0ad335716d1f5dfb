package io.netctl.bfd.session;

import static io.netctl.bfd.codec.BfdState.ADMIN_DOWN;
import static io.netctl.bfd.codec.BfdState.DOWN;
import static io.netctl.bfd.codec.BfdState.INIT;
import static io.netctl.bfd.codec.BfdState.UP;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.netctl.bfd.codec.AuthType;
import io.netctl.bfd.codec.BfdAuthKey;
import io.netctl.bfd.codec.BfdAuthKeyring;
import io.netctl.bfd.codec.BfdDiagnostic;
import io.netctl.bfd.codec.DropReason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Two sessions back to back over an in-memory wire with a manual clock (RFC 5880 §6.8). */
class BfdSessionTest {
    private static final long MS = 1_000_000L;
    /** 50 ms x 3, as in the FRR measurements. */
    private static final BfdSessionConfig FAST = BfdSessionConfig.of(50_000, 50_000, 3);

    private final InMemoryWire wire = new InMemoryWire();

    private void upAtFast() {
        // Staggered, so the handshake is the same every time: A Down -> Up, B Down -> Init -> Up.
        wire.a.create(FAST, 0x0a0a0a0a, 1).start(wire.now());
        wire.runFor(10, MILLISECONDS);
        wire.b.create(FAST, 0x0b0b0b0b, 2).start(wire.now());
        wire.runUntilBothUp(5_000 * MS);
        wire.runFor(2, SECONDS); // let both Poll Sequences to the fast timers finish
    }

    @Test
    void comesUpWithTheThreeWayHandshake() {
        wire.a.create(FAST, 0x0a0a0a0a, 1).start(wire.now());
        wire.b.create(FAST, 0x0b0b0b0b, 2);
        wire.runFor(10, MILLISECONDS);
        assertThat(wire.a.state()).isEqualTo(DOWN);
        wire.b.session.start(wire.now());
        long took = wire.runUntilBothUp(5_000 * MS);

        // A's first Down found no running session; B's Down takes A to Init, A's Init takes B straight to Up, B's
        // Up takes A to Up.
        assertThat(wire.a.events).extracting(BfdStateChange::to).containsExactly(INIT, UP);
        assertThat(wire.b.events).extracting(BfdStateChange::to).containsExactly(UP);
        assertThat(took).isLessThan(10 * MS); // state changes are sent at once, not on the 1 s timer
        BfdStateChange up = wire.b.lastEvent();
        assertThat(up.from()).isEqualTo(DOWN);
        assertThat(up.diagnostic()).isEqualTo(BfdDiagnostic.NO_DIAGNOSTIC);
        assertThat(up.localDiscriminator()).isEqualTo(0x0b0b0b0b);
        assertThat(up.remoteDiscriminator()).isEqualTo(0x0a0a0a0a);
        assertThat(up.local()).isEqualTo(InMemoryWire.ADDR_B);
        assertThat(up.peer()).isEqualTo(InMemoryWire.ADDR_A);

        // Once Up, a Poll Sequence moves both from the slow rate to 50 ms.
        wire.runFor(1, SECONDS);
        assertThat(wire.a.session.negotiatedTxIntervalUs()).isEqualTo(50_000);
        assertThat(wire.b.session.negotiatedTxIntervalUs()).isEqualTo(50_000);
        assertThat(wire.a.session.detectionTimeNs()).isEqualTo(150 * MS);
        assertThat(wire.a.sent).anyMatch(s -> s.message().poll());
        assertThat(wire.b.sent).anyMatch(s -> s.message().isFinal());
        assertThat(wire.a.session.stats().upCount()).isEqualTo(1);
        assertThat(wire.a.events).hasSize(2);
        // Every packet advertises no Echo (not implemented).
        assertThat(wire.a.sent).allMatch(s -> s.message().requiredMinEchoRxUs() == 0);
    }

    @Test
    void detectionTimeExpiryGoesDownWithDiagnostic1WithinMultiplierTimesInterval() {
        upAtFast();
        long cut = wire.now();
        wire.b.linkUp = false; // A hears nothing more
        wire.runFor(1, SECONDS);

        BfdStateChange down = wire.a.events.stream().filter(e -> e.to() == DOWN).findFirst().orElseThrow();
        assertThat(down.from()).isEqualTo(UP);
        assertThat(down.diagnostic()).isEqualTo(BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        long detectedAfter = down.timestampNs() - cut;
        assertThat(detectedAfter).isLessThanOrEqualTo(3 * 50 * MS);
        // At least detection time minus one (jittered) interval since the last packet before the cut.
        assertThat(detectedAfter).isGreaterThanOrEqualTo(3 * 50 * MS - 50 * MS);
        // §6.8.1: bfd.RemoteDiscr is reset, so A now sends Your Discriminator 0.
        assertThat(wire.a.session.remoteDiscriminator()).isZero();
        assertThat(down.remoteDiscriminator()).isZero();
        assertThat(wire.a.sentBetween(down.timestampNs(), wire.now()))
                .allMatch(s -> s.message().yourDiscriminator() == 0 && s.message().state() == DOWN);
        assertThat(wire.a.session.stats().detectionExpiries()).isEqualTo(1);
        assertThat(wire.a.session.stats().downCount()).isEqualTo(1);
        assertThat(wire.a.session.stats().lastDownNs()).isEqualTo(down.timestampNs());
        // B still hears A, which now says Down: B goes Down with diagnostic 3.
        assertThat(wire.b.state()).isIn(DOWN, INIT);
        assertThat(wire.b.hadTransition(DOWN, BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN)).isTrue();

        // When the link heals the session comes back on its own.
        wire.b.linkUp = true;
        wire.runUntilBothUp(5_000 * MS);
    }

    @Test
    void peerAdminDownTakesUsDownWithDiagnostic3() {
        upAtFast();
        wire.b.session.adminDown(BfdDiagnostic.ADMINISTRATIVELY_DOWN, wire.now());
        wire.runFor(5, SECONDS);

        assertThat(wire.b.state()).isEqualTo(ADMIN_DOWN);
        assertThat(wire.b.lastEvent().diagnostic()).isEqualTo(BfdDiagnostic.ADMINISTRATIVELY_DOWN);
        assertThat(wire.a.state()).isEqualTo(DOWN);
        assertThat(wire.a.lastEvent().from()).isEqualTo(UP);
        assertThat(wire.a.lastEvent().diagnostic()).isEqualTo(BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
        assertThat(wire.a.session.remoteDiagnosticCode()).isEqualTo(7);
        // B keeps telling A (slowly) and discards what A sends.
        assertThat(wire.b.sentBetween(wire.now() - 4_000 * MS, wire.now()))
                .isNotEmpty().allMatch(s -> s.message().state() == ADMIN_DOWN && s.message().diagnosticCode() == 7);
        assertThat(wire.b.session.stats().dropped(DropReason.ADMIN_DOWN)).isPositive();
        assertThat(wire.a.events).extracting(BfdStateChange::to).containsExactly(INIT, UP, DOWN);

        wire.b.session.adminUp(wire.now());
        wire.runUntilBothUp(5_000 * MS);
    }

    @Test
    void localAdminDownSendsItsDiagnosticAndIgnoresThePeer() {
        upAtFast();
        wire.a.session.adminDown(BfdDiagnostic.PATH_DOWN, wire.now());
        wire.runFor(3, SECONDS);
        assertThat(wire.a.state()).isEqualTo(ADMIN_DOWN);
        assertThat(wire.a.session.localDiagnostic()).isEqualTo(BfdDiagnostic.PATH_DOWN);
        assertThat(wire.b.state()).isEqualTo(DOWN);
        assertThat(wire.b.lastEvent().diagnostic()).isEqualTo(BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
        assertThat(wire.a.events).extracting(BfdStateChange::to).containsExactly(INIT, UP, ADMIN_DOWN);
    }

    @Test
    void pollFinalChangesTimersOnAnUpSessionWithoutFlapping() {
        upAtFast();
        BfdSession a = wire.a.session;
        long before = wire.now();

        // Slow down: 50 ms -> 300 ms both ways. The new values go out at once with P...
        a.reconfigure(FAST.withTimers(300_000, 300_000, 3), wire.now());
        assertThat(a.pollActive()).isTrue();
        assertThat(a.advertisedDesiredMinTxUs()).isEqualTo(300_000);
        // ...but the TX interval in use does not change before the Final (§6.8.3).
        assertThat(a.negotiatedTxIntervalUs()).isEqualTo(50_000);
        assertThat(wire.a.sent.get(wire.a.sent.size() - 1).message().poll()).isTrue();

        wire.runFor(3, SECONDS);
        assertThat(a.pollActive()).isFalse();
        assertThat(a.negotiatedTxIntervalUs()).isEqualTo(300_000);
        assertThat(wire.b.session.negotiatedTxIntervalUs()).isEqualTo(300_000); // our RequiredMinRx binds B
        assertThat(a.detectionTimeNs()).isEqualTo(900 * MS);
        assertThat(wire.b.session.detectionTimeNs()).isEqualTo(900 * MS);
        assertThat(wire.b.sentBetween(before, wire.now())).anyMatch(s -> s.message().isFinal());

        // Speed up again: 300 ms -> 20 ms.
        a.reconfigure(FAST.withTimers(20_000, 20_000, 3), wire.now());
        assertThat(a.detectionTimeNs()).as("RX decrease waits for the Final").isEqualTo(900 * MS);
        wire.runFor(3, SECONDS);
        assertThat(a.negotiatedTxIntervalUs()).isEqualTo(50_000); // B still wants 50 ms
        assertThat(a.detectionTimeNs()).isEqualTo(150 * MS);

        assertThat(wire.a.events).extracting(BfdStateChange::to).containsExactly(INIT, UP);
        assertThat(wire.b.events).extracting(BfdStateChange::to).containsExactly(UP);
        assertThat(wire.a.state()).isEqualTo(UP);
        assertThat(wire.b.state()).isEqualTo(UP);
    }

    @Test
    void pollIsRepeatedUntilTheFinalArrives() {
        upAtFast();
        wire.a.session.reconfigure(FAST.withTimers(100_000, 100_000, 3), wire.now());
        // B's Final (and everything else) is lost for 60 ms: with up to one 50 ms interval before the cut that
        // stays below the 150 ms detection time.
        wire.b.linkUp = false;
        wire.runFor(60, MILLISECONDS);
        assertThat(wire.a.session.pollActive()).isTrue();
        assertThat(wire.a.sentBetween(wire.now() - 60 * MS, wire.now())).hasSizeGreaterThanOrEqualTo(2)
                .allMatch(s -> s.message().poll());
        wire.b.linkUp = true;
        wire.runFor(1, SECONDS);
        assertThat(wire.a.session.pollActive()).isFalse();
        assertThat(wire.a.session.negotiatedTxIntervalUs()).isEqualTo(100_000);
        assertThat(wire.a.events).hasSize(2); // Init, Up
        assertThat(wire.b.events).hasSize(1); // Up
    }

    @Test
    void aReceivedPollIsAnsweredAtOnceWithFinal() {
        upAtFast();
        int sentBefore = wire.b.sent.size();
        long t = wire.now();
        wire.a.session.poll(t);
        wire.runFor(1, MILLISECONDS);
        InMemoryWire.Sent answer = wire.b.sent.get(sentBefore);
        assertThat(answer.message().isFinal()).isTrue();
        assertThat(answer.message().poll()).isFalse();
        assertThat(answer.atNs() - t).isEqualTo(wire.latencyNs);
    }

    @Test
    void passiveRoleSendsNothingUntilItHearsThePeer() {
        wire.a.create(FAST.withPassive(true), 0x0a0a0a0a, 1).start(wire.now());
        wire.b.create(FAST, 0x0b0b0b0b, 2);
        wire.runFor(10, SECONDS);
        assertThat(wire.a.sent).isEmpty();

        wire.b.session.start(wire.now());
        wire.runUntilBothUp(5_000 * MS);
        assertThat(wire.a.sent).isNotEmpty();
    }

    @Test
    void twoPassiveEndsStaySilent() {
        wire.a.create(FAST.withPassive(true), 0x0a0a0a0a, 1).start(wire.now());
        wire.b.create(FAST.withPassive(true), 0x0b0b0b0b, 2).start(wire.now());
        wire.runFor(10, SECONDS);
        assertThat(wire.a.sent).isEmpty();
        assertThat(wire.b.sent).isEmpty();
    }

    /** Kube-OVN #6787: the peer restarts with a new discriminator; the session must not stay stuck. */
    @Test
    void recoversWhenThePeerRestartsWithANewDiscriminator() {
        upAtFast();
        int oldB = wire.b.session.localDiscriminator();
        wire.b.create(FAST, 0x0c0c0c0c, 3).start(wire.now()); // a new process, a new discriminator
        wire.runUntilBothUp(5_000 * MS);
        assertThat(wire.a.session.remoteDiscriminator()).isEqualTo(0x0c0c0c0c).isNotEqualTo(oldB);
        assertThat(wire.a.hadTransition(DOWN, BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN)).isTrue();
    }

    /**
     * The harder case: the restarted side is passive and the old peer keeps sending the stale discriminator, which the
     * new session cannot match. Only the detection-time reset of bfd.RemoteDiscr (§6.8.1) gets them out.
     */
    @Test
    void recoversWhenThePeerKeepsSendingOurStaleDiscriminator() {
        wire.a.create(FAST.withPassive(true), 0x0a0a0a0a, 1).start(wire.now());
        wire.b.create(FAST, 0x0b0b0b0b, 2).start(wire.now());
        wire.runUntilBothUp(5_000 * MS);
        wire.runFor(200, MILLISECONDS);

        wire.a.create(FAST.withPassive(true), 0x0d0d0d0d, 4).start(wire.now());
        wire.runFor(50, MILLISECONDS);
        assertThat(wire.a.table.unattributedDrops(DropReason.NO_SESSION)).isPositive(); // B's stale "your"
        wire.runUntilBothUp(5_000 * MS);
        assertThat(wire.b.session.remoteDiscriminator()).isEqualTo(0x0d0d0d0d);
        assertThat(wire.b.hadTransition(DOWN, BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(AuthType.class)
    void comesUpWithEachAuthenticationType(AuthType type) {
        BfdAuthKeyring ring = BfdAuthKeyring.of(type, new BfdAuthKey(1, "k3y".getBytes(StandardCharsets.UTF_8)));
        wire.a.create(FAST.withAuth(ring), 0x0a0a0a0a, 1).start(wire.now());
        wire.b.create(FAST.withAuth(ring), 0x0b0b0b0b, 2).start(wire.now());
        wire.runUntilBothUp(5_000 * MS);
        wire.runFor(5, SECONDS);
        assertThat(wire.a.state()).isEqualTo(UP);
        // Started together: both see Down, go Init, then Up, and never leave Up.
        assertThat(wire.a.events).extracting(BfdStateChange::to).containsExactly(INIT, UP);
        assertThat(wire.a.sent).allMatch(s -> s.message().auth().orElseThrow().type() == type);
        assertThat(wire.a.session.stats().authFailures()).isZero();
        assertThat(wire.b.session.stats().authFailures()).isZero();
        if (type.isMeticulous()) {
            List<InMemoryWire.Sent> sent = wire.a.sent;
            for (int i = 1; i < sent.size(); i++) {
                var prev = (io.netctl.bfd.codec.BfdAuthSection.Keyed) sent.get(i - 1).message().auth().orElseThrow();
                var next = (io.netctl.bfd.codec.BfdAuthSection.Keyed) sent.get(i).message().auth().orElseThrow();
                assertThat(next.sequence()).isEqualTo(prev.sequence() + 1);
            }
        }
    }

    @Test
    void wrongAuthKeyKeepsItDownAndCountsAuthFailed() {
        BfdAuthKeyring ringA = BfdAuthKeyring.of(AuthType.KEYED_SHA1, new BfdAuthKey(1, "right".getBytes()));
        BfdAuthKeyring ringB = BfdAuthKeyring.of(AuthType.KEYED_SHA1, new BfdAuthKey(1, "wrong".getBytes()));
        wire.a.create(FAST.withAuth(ringA), 0x0a0a0a0a, 1).start(wire.now());
        wire.b.create(FAST.withAuth(ringB), 0x0b0b0b0b, 2).start(wire.now());
        wire.runFor(10, SECONDS);
        assertThat(wire.a.state()).isEqualTo(DOWN);
        assertThat(wire.b.state()).isEqualTo(DOWN);
        assertThat(wire.a.events).isEmpty();
        assertThat(wire.a.session.stats().dropped(DropReason.AUTH_FAILED)).isGreaterThanOrEqualTo(7);
        assertThat(wire.a.session.stats().authFailures()).isEqualTo(wire.a.session.stats().droppedTotal());
        assertThat(wire.a.session.snapshot().droppedByReason()).containsOnlyKeys(DropReason.AUTH_FAILED);

        // Rotation: both ends add key 2 and send with it; key 1 may differ and is simply no longer used.
        BfdAuthKey two = new BfdAuthKey(2, "right".getBytes());
        wire.b.session.reconfigure(FAST.withAuth(ringB.withKey(two).withActiveKey(2)), wire.now());
        wire.a.session.reconfigure(FAST.withAuth(ringA.withKey(two).withActiveKey(2)), wire.now());
        wire.runUntilBothUp(5_000 * MS);
    }

    @Test
    void authenticationMismatchWithAnUnauthenticatedPeer() {
        BfdAuthKeyring ring = BfdAuthKeyring.of(AuthType.KEYED_MD5, new BfdAuthKey(1, "k".getBytes()));
        wire.a.create(FAST.withAuth(ring), 0x0a0a0a0a, 1).start(wire.now());
        wire.b.create(FAST, 0x0b0b0b0b, 2).start(wire.now());
        wire.runFor(5, SECONDS);
        assertThat(wire.a.session.stats().dropped(DropReason.AUTH_MISSING)).isPositive();
        assertThat(wire.b.session.stats().dropped(DropReason.AUTH_UNEXPECTED)).isPositive();
        assertThat(wire.a.state()).isEqualTo(DOWN);
    }

    @Test
    void replayedMeticulousSequenceNumberIsDroppedAndCounted() {
        BfdAuthKeyring ring = BfdAuthKeyring.of(AuthType.METICULOUS_KEYED_MD5, new BfdAuthKey(9, "k".getBytes()));
        wire.a.create(FAST.withAuth(ring), 0x0a0a0a0a, 1).start(wire.now());
        wire.b.create(FAST.withAuth(ring), 0x0b0b0b0b, 2).start(wire.now());
        wire.runUntilBothUp(5_000 * MS);
        wire.runFor(1, SECONDS);

        byte[] captured = wire.a.sent.get(wire.a.sent.size() - 1).bytes();
        assertThat(wire.b.receive(captured)).isEqualTo(DropReason.AUTH_SEQUENCE);
        byte[] older = wire.a.sent.get(wire.a.sent.size() - 5).bytes();
        assertThat(wire.b.receive(older)).isEqualTo(DropReason.AUTH_SEQUENCE);
        assertThat(wire.b.session.stats().dropped(DropReason.AUTH_SEQUENCE)).isEqualTo(2);
        assertThat(wire.b.session.stats().authFailures()).isEqualTo(2);
        assertThat(wire.b.state()).isEqualTo(UP);
    }

    @Test
    void txRateStaysAtOrBelowOnePerSecondWhileDown() {
        wire.a.create(FAST, 0x0a0a0a0a, 1).start(wire.now());
        long start = wire.now();
        wire.runFor(60, SECONDS); // nobody answers
        List<InMemoryWire.Sent> sent = wire.a.sent;
        assertThat(sent.size()).isBetween(45, 61);
        for (int i = 1; i < sent.size(); i++) {
            long gap = sent.get(i).atNs() - sent.get(i - 1).atNs();
            assertThat(gap).isBetween(1_000 * MS, BfdSession.NOT_UP_DESIRED_MIN_TX_US * 1_000);
        }
        assertThat(sent).allMatch(s -> s.message().state() == DOWN
                && s.message().desiredMinTxUs() >= BfdSession.NOT_UP_MIN_TX_US);
        assertThat(sent.get(0).atNs()).isEqualTo(start);
    }

    @Test
    void remoteDiscriminatorIsForgottenAfterADetectionTimeEvenWhileDown() {
        wire.a.create(FAST, 0x0a0a0a0a, 1).start(wire.now());
        wire.b.create(FAST, 0x0b0b0b0b, 2).start(wire.now());
        wire.runUntilBothUp(5_000 * MS);
        wire.a.session.adminDown(BfdDiagnostic.ADMINISTRATIVELY_DOWN, wire.now());
        wire.runFor(10, MILLISECONDS);
        assertThat(wire.b.state()).isEqualTo(DOWN);
        assertThat(wire.b.session.remoteDiscriminator()).isEqualTo(0x0a0a0a0a);
        wire.a.linkUp = false;
        wire.runFor(10, SECONDS);
        assertThat(wire.b.session.remoteDiscriminator()).isZero();
        assertThat(wire.b.sentBetween(wire.now() - 3_000 * MS, wire.now()))
                .allMatch(s -> s.message().yourDiscriminator() == 0);
    }

    @Test
    void demandModeStopsThePeersPeriodicPacketsAndPollsVerifyTheLink() {
        wire.a.create(FAST.withDemandMode(true), 0x0a0a0a0a, 1).start(wire.now());
        wire.b.create(FAST, 0x0b0b0b0b, 2).start(wire.now());
        wire.runUntilBothUp(5_000 * MS);
        wire.runFor(1, SECONDS);
        assertThat(wire.a.session.snapshot().demandActive()).isTrue();
        int bSent = wire.b.sent.size();
        wire.runFor(5, SECONDS);
        assertThat(wire.b.sent).hasSize(bSent); // B is silent while A is in Demand mode
        assertThat(wire.a.state()).isEqualTo(UP); // and A does not time out

        wire.a.session.poll(wire.now());
        wire.runFor(10, MILLISECONDS);
        assertThat(wire.b.sent).hasSize(bSent + 1);
        assertThat(wire.b.sent.get(bSent).message().isFinal()).isTrue();

        wire.b.linkUp = false;
        long pollAt = wire.now();
        wire.a.session.poll(pollAt);
        wire.runFor(1, SECONDS);
        assertThat(wire.a.state()).isEqualTo(DOWN);
        assertThat(wire.a.lastEvent().diagnostic()).isEqualTo(BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        assertThat(wire.a.lastEvent().timestampNs() - pollAt).isEqualTo(150 * MS);
    }

    @Test
    void snapshotCarriesRfc9127OperationalData() {
        upAtFast();
        wire.runFor(10, SECONDS);
        BfdSessionSnapshot s = wire.a.session.snapshot();
        assertThat(s.state()).isEqualTo(UP);
        assertThat(s.remoteState()).isEqualTo(UP);
        assertThat(s.localDiscriminator()).isEqualTo(0x0a0a0a0a);
        assertThat(s.remoteDiscriminator()).isEqualTo(0x0b0b0b0b);
        assertThat(s.negotiatedTxIntervalUs()).isEqualTo(50_000);
        assertThat(s.negotiatedRxIntervalUs()).isEqualTo(50_000);
        assertThat(s.detectionTimeUs()).isEqualTo(150_000);
        assertThat(s.upCount()).isEqualTo(1);
        assertThat(s.downCount()).isZero();
        assertThat(s.lastUpNs()).isPositive();
        assertThat(s.packetsSent()).isGreaterThan(190);
        assertThat(s.packetsReceived()).isGreaterThan(190);
        assertThat(s.packetsDropped()).isZero();
        // Received intervals of B's 50 ms x (75-100 %) jitter.
        assertThat(s.rxIntervalUs().getTotalCount()).isEqualTo(s.packetsReceived() - 1);
        assertThat(s.rxIntervalUs().getValueAtPercentile(50)).isBetween(37_000L, 51_000L);
        assertThat(s.rxIntervalUs().getMaxValue()).isLessThan(1_400_000L);
    }
}
