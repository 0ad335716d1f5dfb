package io.netctl.bfd.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netctl.bfd.codec.AuthType;
import io.netctl.bfd.codec.BfdAuthKey;
import io.netctl.bfd.codec.BfdAuthKeyring;
import io.netctl.bfd.codec.BfdDiagnostic;
import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.session.BfdSessionConfig;
import io.netctl.bfd.session.BfdSessionSnapshot;
import io.netctl.bfd.session.BfdStateChange;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two real speakers on 127.0.0.1 (different ports), epoll when available. Waits with Awaitility, never sleeps. */
class BfdSpeakerIT {
    /** 100 ms x 3: fast enough for a quick test, slow enough not to flap on a busy 2-core machine. */
    private static final BfdSessionConfig CONFIG = BfdSessionConfig.of(100_000, 100_000, 3);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InetAddress lo = InetAddress.getLoopbackAddress();
    private BfdSpeaker a;
    private BfdSpeaker b;
    private final List<BfdStateChange> eventsA = new CopyOnWriteArrayList<>();
    private final List<BfdStateChange> eventsB = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() {
        if (a != null) {
            a.abort();
        }
        if (b != null) {
            b.abort();
        }
    }

    private BfdSpeaker speaker() throws InterruptedException {
        return BfdSpeaker.start(BfdSpeakerConfig.of(lo).withListenPort(0));
    }

    private boolean lastIs(List<BfdStateChange> events, BfdSpeaker s, BfdState state) {
        s.drainEvents(events::add);
        return !events.isEmpty() && events.get(events.size() - 1).to() == state;
    }

    private BfdSessionHandle[] pairUp(BfdSessionConfig config) throws InterruptedException {
        a = speaker();
        b = speaker();
        BfdSessionHandle ha = a.addSession(new InetSocketAddress(lo, b.listenAddress().getPort()), config);
        BfdSessionHandle hb = b.addSession(new InetSocketAddress(lo, a.listenAddress().getPort()), config);
        await().atMost(WAIT).until(() -> lastIs(eventsA, a, BfdState.UP) && lastIs(eventsB, b, BfdState.UP));
        return new BfdSessionHandle[] {ha, hb};
    }

    @Test
    void comesUpAndGoesDownWithDiagnostic1WhenThePeerDisappears() throws Exception {
        BfdSessionHandle[] h = pairUp(CONFIG);
        assertThat(h[0].sourcePort()).isBetween(49152, 65535);
        assertThat(h[1].sourcePort()).isBetween(49152, 65535);
        assertThat(h[0].localDiscriminator()).isNotZero();

        await().atMost(WAIT).until(() -> a.snapshot(h[0].localDiscriminator()).negotiatedTxIntervalUs() == 100_000);
        BfdSessionSnapshot s = a.snapshot(h[0].localDiscriminator());
        assertThat(s.state()).isEqualTo(BfdState.UP);
        assertThat(s.remoteDiscriminator()).isEqualTo(h[1].localDiscriminator());
        assertThat(s.detectionTimeUs()).isEqualTo(300_000);
        assertThat(a.isEpoll()).isEqualTo(io.netty.channel.epoll.Epoll.isAvailable());
        if (a.isEpoll()) {
            assertThat(a.sentTtl(h[0].localDiscriminator())).isEqualTo(255);
        }

        b.abort(); // as if killed: nothing more arrives
        b = null;
        await().atMost(WAIT).until(() -> lastIs(eventsA, a, BfdState.DOWN));
        BfdStateChange down = eventsA.get(eventsA.size() - 1);
        assertThat(down.from()).isEqualTo(BfdState.UP);
        assertThat(down.diagnostic()).isEqualTo(BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        assertThat(a.droppedEvents()).isZero();
    }

    @Test
    void aClosedPeerSaysAdminDownAndWeGoDownWithDiagnostic3() throws Exception {
        pairUp(CONFIG);
        b.close();
        b = null;
        await().atMost(WAIT).until(() -> lastIs(eventsA, a, BfdState.DOWN));
        assertThat(eventsA.get(eventsA.size() - 1).diagnostic())
                .isEqualTo(BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
    }

    @Test
    void nioFallbackComesUpToo() throws Exception {
        a = BfdSpeaker.start(BfdSpeakerConfig.of(lo).withListenPort(0).withPreferEpoll(false));
        b = BfdSpeaker.start(BfdSpeakerConfig.of(lo).withListenPort(0).withPreferEpoll(false));
        assertThat(a.isEpoll()).isFalse();
        BfdSessionHandle ha = a.addSession(new InetSocketAddress(lo, b.listenAddress().getPort()), CONFIG);
        b.addSession(new InetSocketAddress(lo, a.listenAddress().getPort()), CONFIG);
        await().atMost(WAIT).until(() -> lastIs(eventsA, a, BfdState.UP) && lastIs(eventsB, b, BfdState.UP));
        assertThat(a.sentTtl(ha.localDiscriminator())).isEqualTo(-1); // NIO cannot set IP_TTL
        a.adminDown(ha.localDiscriminator(), BfdDiagnostic.PATH_DOWN);
        await().atMost(WAIT).until(() -> lastIs(eventsB, b, BfdState.DOWN));
        assertThat(eventsB.get(eventsB.size() - 1).diagnostic()).isEqualTo(BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN);
    }

    @Test
    void comesUpWithMeticulousSha1() throws Exception {
        BfdAuthKeyring ring = BfdAuthKeyring.of(AuthType.METICULOUS_KEYED_SHA1, new BfdAuthKey(3, "netctl".getBytes()));
        BfdSessionHandle[] h = pairUp(CONFIG.withAuth(ring));
        BfdSessionSnapshot s = b.snapshot(h[1].localDiscriminator());
        assertThat(s.authFailures()).isZero();
        assertThat(s.packetsReceived()).isPositive();
    }
}
