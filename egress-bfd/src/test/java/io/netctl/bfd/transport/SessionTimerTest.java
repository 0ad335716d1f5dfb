package io.netctl.bfd.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netctl.bfd.codec.BfdControlPacket;
import io.netctl.bfd.codec.BfdControlPacketEncoder;
import io.netctl.bfd.codec.BfdDiagnostic;
import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.codec.DropReason;
import io.netctl.bfd.session.BfdSession;
import io.netctl.bfd.session.BfdSessionConfig;
import io.netctl.bfd.session.BfdSessionKey;
import io.netctl.bfd.session.BfdStateChange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The session timer on a real event loop: two wake-ups for a detection deadline, never an early Down. */
class SessionTimerTest {
    private static final long DETECT_NS = 3 * 50_000_000L;

    private final EventLoop loop = new DefaultEventLoop();
    private final List<BfdStateChange> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private BfdSession session() throws Exception {
        BfdSessionKey key = BfdSessionKey.singleHop(InetAddress.getByName("192.0.2.1"),
                InetAddress.getByName("192.0.2.2"), 0);
        return BfdSession.builder(key, 0x1234)
                .config(BfdSessionConfig.of(50_000, 50_000, 3))
                .packetSink((s, packet) -> { })
                .eventSink(events::add)
                .build();
    }

    /** A packet from the peer in {@code state}: DesiredMinTx 50 ms, multiplier 3, so a 150 ms detection time. */
    private static BfdControlPacket peerPacket(BfdState state, int yourDiscriminator) {
        ByteBuf buf = Unpooled.buffer(BfdControlPacket.MANDATORY_LENGTH);
        BfdControlPacket p = new BfdControlPacket().wrap(buf, 0, BfdControlPacket.MANDATORY_LENGTH);
        BfdControlPacketEncoder.writeMandatory(p, BfdControlPacket.VERSION, 0, state, 3, 0x5678, yourDiscriminator,
                50_000, 50_000, 0);
        buf.writerIndex(BfdControlPacket.MANDATORY_LENGTH);
        return p;
    }

    @Test
    void aDistantDetectionDeadlineIsWokenForEarlyOtherDeadlinesAreNot() throws Exception {
        BfdSession s = session();
        long t0 = 1_000_000_000L;
        s.start(t0);
        SessionTimer timer = new SessionTimer(s, loop);
        // Down, nothing heard: the next deadline is the slow-rate transmission, woken exactly.
        assertThat(s.detectionDeadlineNs()).isEqualTo(BfdSession.NEVER);
        assertThat(timer.wakeAtNs(s.nextDeadlineNs(), t0)).isEqualTo(s.nextDeadlineNs());

        assertThat(s.onPacket(peerPacket(BfdState.DOWN, 0), t0)).isEqualTo(DropReason.NONE);
        long deadline = s.detectionDeadlineNs();
        assertThat(deadline).isEqualTo(t0 + DETECT_NS);
        assertThat(s.nextDeadlineNs()).isEqualTo(deadline); // the next transmission is at least 1 s away
        assertThat(timer.wakeAtNs(deadline, t0)).isEqualTo(deadline - SessionTimer.DETECTION_EARLY_WAKE_NS);
        // Close to the deadline (the early wake-up has happened): wait for the deadline itself.
        assertThat(timer.wakeAtNs(deadline, deadline - SessionTimer.DETECTION_EARLY_WAKE_NS)).isEqualTo(deadline);
        assertThat(timer.wakeAtNs(deadline, deadline - 10)).isEqualTo(deadline);
    }

    @Test
    void detectionExpiresAtOrAfterTheDeadlineNeverBefore() throws Exception {
        BfdSession s = session();
        SessionTimer timer = new SessionTimer(s, loop);
        long deadline = CompletableFuture.supplyAsync(() -> {
            long now = System.nanoTime();
            s.start(now);
            s.onPacket(peerPacket(BfdState.DOWN, 0), now); // Down -> Init
            s.onPacket(peerPacket(BfdState.UP, 0x1234), now); // Init -> Up
            timer.rearm(now);
            return s.detectionDeadlineNs();
        }, loop).get();

        await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e -> e.to() == BfdState.DOWN));

        BfdStateChange down = events.stream().filter(e -> e.to() == BfdState.DOWN).findFirst().orElseThrow();
        assertThat(down.from()).isEqualTo(BfdState.UP);
        assertThat(down.diagnostic()).isEqualTo(BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED);
        assertThat(down.timestampNs()).isGreaterThanOrEqualTo(deadline);
        timer.close();
    }
}
