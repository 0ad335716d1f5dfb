package io.netctl.bfd.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netctl.bfd.codec.AuthType;
import io.netctl.bfd.codec.BfdAuthKey;
import io.netctl.bfd.codec.BfdAuthKeyring;
import io.netctl.bfd.codec.BfdControlMessage;
import io.netctl.bfd.codec.BfdControlPacketEncoder;
import io.netctl.bfd.codec.BfdDiagnostic;
import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.codec.DropReason;
import io.netctl.bfd.session.BfdSessionConfig;
import io.netctl.bfd.session.BfdSessionSnapshot;
import io.netctl.bfd.session.BfdStateChange;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        return BfdSpeaker.start(BfdSpeakerConfig.of(lo).withListenPort(0).withMultihopListenPort(0));
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
    void aConsumerParkedWithoutTimeoutIsWokenByEachStateChange() throws Exception {
        pairUp(CONFIG);
        List<BfdStateChange> got = new CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch parked = new java.util.concurrent.CountDownLatch(1);
        Thread consumer = new Thread(() -> {
            parked.countDown();
            while (got.isEmpty() && !Thread.currentThread().isInterrupted()) {
                BfdStateChange e = a.pollEvent();
                if (e == null) {
                    java.util.concurrent.locks.LockSupport.park(); // no timeout: only the speaker's unpark wakes it
                } else {
                    got.add(e);
                }
            }
        }, "test-consumer");
        a.wakeOnEvent(consumer);
        consumer.start();
        parked.await();
        long t0 = System.nanoTime();
        b.abort();
        b = null;
        consumer.join(WAIT.toMillis());
        consumer.interrupt();
        assertThat(got).singleElement().satisfies(e -> {
            assertThat(e.from()).isEqualTo(BfdState.UP);
            assertThat(e.to()).isEqualTo(BfdState.DOWN);
            assertThat(e.timestampNs()).isGreaterThan(t0);
        });
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
        a = BfdSpeaker.start(BfdSpeakerConfig.of(lo).withListenPort(0).withMultihopListenPort(0).withPreferEpoll(false));
        b = BfdSpeaker.start(BfdSpeakerConfig.of(lo).withListenPort(0).withMultihopListenPort(0).withPreferEpoll(false));
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

    // ------------------------------------------------------------------------------------------ multihop, IPv6

    @ParameterizedTest(name = "{0} multihop={1}")
    @CsvSource({"127.0.0.1,false", "127.0.0.1,true", "::1,false", "::1,true"})
    void speakerAgainstItselfIpv4Ipv6SingleAndMultihop(String address, boolean multihop) throws Exception {
        InetAddress local = InetAddress.getByName(address);
        a = BfdSpeaker.start(BfdSpeakerConfig.of(local).withListenPort(0).withMultihopListenPort(0));
        b = BfdSpeaker.start(BfdSpeakerConfig.of(local).withListenPort(0).withMultihopListenPort(0));
        BfdSessionHandle ha = a.addSession(new InetSocketAddress(local, port(b, multihop)), CONFIG, multihop);
        BfdSessionHandle hb = b.addSession(new InetSocketAddress(local, port(a, multihop)), CONFIG, multihop);
        await().atMost(WAIT).until(() -> lastIs(eventsA, a, BfdState.UP) && lastIs(eventsB, b, BfdState.UP));
        assertThat(ha.key().multihop()).isEqualTo(multihop);
        assertThat(hb.key().peerAddress()).isEqualTo(local);
        assertThat(a.ttlCheckActive()).isEqualTo(Epoll.isAvailable());
        if (a.isEpoll()) {
            assertThat(a.sentTtl(ha.localDiscriminator())).isEqualTo(255);
        }
        BfdSpeakerSnapshot snap = a.snapshotAll();
        assertThat(snap.sessions()).hasSize(1);
        assertThat(snap.sessions().get(0).droppedByReason()).doesNotContainKey(DropReason.TTL);
        assertThat(snap.sessions().get(0).transitions(BfdState.DOWN, BfdState.INIT)
                + snap.sessions().get(0).transitions(BfdState.DOWN, BfdState.UP)).isEqualTo(1);
    }

    private static int port(BfdSpeaker s, boolean multihop) {
        return (multihop ? s.multihopListenAddress() : s.listenAddress()).getPort();
    }

    // ------------------------------------------------------------------------------------------ TTL (GTSM)

    /**
     * RFC 5881 §5: a single-hop packet with TTL 254 never reaches the session (it stays Down and counts a TTL drop);
     * the same packet with TTL 255 takes it to Init. RFC 5883: the multihop port accepts the configured minimum.
     */
    @ParameterizedTest(name = "{0} multihop={1}")
    @CsvSource({"127.0.0.1,false,255", "::1,false,255", "127.0.0.1,true,250", "::1,true,250"})
    void packetsBelowTheMinimumTtlAreDroppedInTheKernelAndCounted(String address, boolean multihop, int minTtl)
            throws Exception {
        assertThat(Epoll.isAvailable()).as("the TTL filter needs the epoll transport").isTrue();
        InetAddress local = InetAddress.getByName(address);
        a = BfdSpeaker.start(BfdSpeakerConfig.of(local).withListenPort(0).withMultihopListenPort(0)
                .withMultihopMinTtl(minTtl));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel low = rawSender(group, local, minTtl - 1);
            Channel ok = rawSender(group, local, minTtl);
            BfdSessionHandle h = a.addSession(new InetSocketAddress(local, 9), CONFIG, multihop);
            InetSocketAddress target = new InetSocketAddress(local, port(a, multihop));

            for (int i = 0; i < 3; i++) {
                low.writeAndFlush(new DatagramPacket(downPacket(), target)).sync();
            }
            await().atMost(WAIT).until(() -> a.snapshot(h.localDiscriminator()).droppedByReason()
                    .getOrDefault(DropReason.TTL, 0L) == 3);
            assertThat(a.snapshot(h.localDiscriminator()).state()).isEqualTo(BfdState.DOWN);
            assertThat(a.snapshot(h.localDiscriminator()).packetsReceived()).isZero();

            ok.writeAndFlush(new DatagramPacket(downPacket(), target)).sync();
            await().atMost(WAIT).until(() -> a.snapshot(h.localDiscriminator()).state() == BfdState.INIT);

            // An unknown sender's low-TTL packet is counted by the speaker.
            a.removeSession(h.localDiscriminator());
            low.writeAndFlush(new DatagramPacket(downPacket(), target)).sync();
            await().atMost(WAIT).until(() -> a.snapshotAll().unattributedDrops()
                    .getOrDefault(DropReason.TTL, 0L) == 1);
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    private static Channel rawSender(EventLoopGroup group, InetAddress local, int ttl) throws InterruptedException {
        boolean v6 = local instanceof Inet6Address;
        return new Bootstrap().group(group)
                .channelFactory(() -> new EpollDatagramChannel(v6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET))
                .handler(new ChannelInboundHandlerAdapter())
                .option(v6 ? BfdSpeaker.IPV6_UNICAST_HOPS : BfdSpeaker.IP_TTL, ttl)
                .bind(new InetSocketAddress(local, 0)).sync().channel();
    }

    private static ByteBuf downPacket() {
        ByteBuf buf = Unpooled.buffer();
        BfdControlPacketEncoder.encode(BfdControlMessage.builder().state(BfdState.DOWN).detectMult(3)
                .myDiscriminator(0x5eed).yourDiscriminator(0).desiredMinTxUs(1_000_000).requiredMinRxUs(100_000)
                .build(), buf);
        return buf;
    }
}
