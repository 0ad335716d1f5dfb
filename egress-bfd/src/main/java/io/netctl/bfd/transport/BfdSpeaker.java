package io.netctl.bfd.transport;

import io.netctl.bfd.codec.BfdAuthenticator;
import io.netctl.bfd.codec.BfdControlPacket;
import io.netctl.bfd.codec.BfdDiagnostic;
import io.netctl.bfd.session.BfdEventSink;
import io.netctl.bfd.session.BfdSession;
import io.netctl.bfd.session.BfdSessionConfig;
import io.netctl.bfd.session.BfdSessionKey;
import io.netctl.bfd.session.BfdSessionSnapshot;
import io.netctl.bfd.session.BfdSessionTable;
import io.netctl.bfd.session.BfdStateChange;
import io.netctl.bfd.session.DiscriminatorAllocator;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.agrona.collections.Int2ObjectHashMap;
import org.jctools.queues.SpscArrayQueue;

/**
 * A BFD speaker: UDP transport for the sessions of one local address (RFC 5881), on a single dedicated Netty event
 * loop (epoll, NIO fallback).
 *
 * <ul>
 *   <li>One listening channel receives every control packet. Packets are read through one reused flyweight,
 *       dispatched by {@link BfdSessionTable}, and the receiving session's timer is re-armed only if a deadline
 *       moved earlier.</li>
 *   <li>Each session sends from a channel of its own, bound to a random source port in 49152–65535 (RFC 5881 §4),
 *       with IP_TTL (or IPv6 hop limit) 255 on epoll (RFC 5881 §5) and TOS 0xc0 (CS6, like FRR).</li>
 *   <li>Each session has one self-rescheduling timer ({@link SessionTimer}).</li>
 *   <li>State changes leave the event loop through a JCTools SPSC queue; consume them from one thread with
 *       {@link #pollEvent()} or {@link #drainEvents(Consumer)}.</li>
 * </ul>
 *
 * <p>Public methods may be called from any thread except the event loop itself; they hop onto it. Not yet done:
 * multihop (4784), the receive-side TTL check and interface binding (see {@code docs/bfd.md}).
 */
public final class BfdSpeaker implements AutoCloseable {
    /** Linux: IPPROTO_IP / IP_TTL and IPPROTO_IPV6 / IPV6_UNICAST_HOPS. */
    static final IntegerUnixChannelOption IP_TTL = new IntegerUnixChannelOption("IP_TTL", 0, 2);
    static final IntegerUnixChannelOption IPV6_UNICAST_HOPS = new IntegerUnixChannelOption("IPV6_UNICAST_HOPS", 41, 16);
    /** DSCP CS6 (network control), as FRR sends. */
    private static final int TOS_CS6 = 0xc0;
    private static final int BIND_ATTEMPTS = 64;

    private final BfdSpeakerConfig config;
    private final boolean epoll;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Channel listenChannel;
    private final BfdSessionTable table = new BfdSessionTable();
    private final BfdAuthenticator authenticator = new BfdAuthenticator();
    private final SecureRandom secureRandom = new SecureRandom();
    private final DiscriminatorAllocator discriminators = new DiscriminatorAllocator(secureRandom);
    private final Int2ObjectHashMap<Entry> entries = new Int2ObjectHashMap<>();
    private final SpscArrayQueue<BfdStateChange> events;
    private final BfdEventSink eventSink;
    private final BfdControlPacket rx = new BfdControlPacket();
    private volatile long droppedEvents;
    private volatile boolean closed;

    /** Event-loop state of one session. */
    private record Entry(BfdSession session, Channel tx, SessionTimer timer, BfdSessionHandle handle) {
    }

    private BfdSpeaker(BfdSpeakerConfig config) throws InterruptedException {
        this.config = config;
        this.epoll = config.preferEpoll() && Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("bfd-speaker", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.loop = group.next();
        this.events = new SpscArrayQueue<>(config.eventQueueCapacity());
        this.eventSink = change -> {
            if (!events.offer(change)) {
                droppedEvents++; // single writer: the event loop
            }
        };
        Channel ch;
        try {
            ch = bootstrap(new Receiver()).bind(new InetSocketAddress(config.localAddress(), config.listenPort()))
                    .sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        this.listenChannel = ch;
    }

    /** Binds the listening port and starts the event loop. */
    public static BfdSpeaker start(BfdSpeakerConfig config) throws InterruptedException {
        return new BfdSpeaker(Objects.requireNonNull(config, "config"));
    }

    private Bootstrap bootstrap(ChannelHandler handler) {
        boolean v6 = config.localAddress() instanceof Inet6Address;
        SocketProtocolFamily family = v6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        ChannelFactory<DatagramChannel> factory = epoll
                ? () -> new EpollDatagramChannel(family)
                : () -> new NioDatagramChannel(family);
        return new Bootstrap().group(loop).channelFactory(factory).handler(handler);
    }

    // ------------------------------------------------------------------------------------------------ sessions

    /**
     * Creates and starts a single-hop session to {@code peer} (its address and the port it listens on, 3784 in
     * production). Blocks until the session's socket is bound and the session runs on the event loop.
     */
    public BfdSessionHandle addSession(InetSocketAddress peer, BfdSessionConfig sessionConfig)
            throws InterruptedException {
        checkNotInLoop();
        if (closed) {
            throw new IllegalStateException("speaker is closed");
        }
        BfdSessionKey key = BfdSessionKey.singleHop(config.localAddress(), peer.getAddress(), 0);
        Channel tx = bindSourcePort();
        CompletableFuture<BfdSessionHandle> added = CompletableFuture.supplyAsync(() -> {
            int disc = discriminators.allocate();
            BfdSession session = BfdSession.builder(key, disc)
                    .config(sessionConfig)
                    .packetSink((s, packet) -> send(tx, peer, packet))
                    .eventSink(eventSink)
                    .random(new SplittableRandom(secureRandom.nextLong()))
                    .authenticator(authenticator)
                    .build();
            try {
                table.add(session);
            } catch (RuntimeException e) {
                discriminators.release(disc);
                throw e;
            }
            SessionTimer timer = new SessionTimer(session, loop);
            BfdSessionHandle handle = new BfdSessionHandle(disc, key, peer,
                    ((InetSocketAddress) tx.localAddress()).getPort());
            entries.put(disc, new Entry(session, tx, timer, handle));
            long now = System.nanoTime();
            session.start(now);
            timer.rearm(now);
            return handle;
        }, loop);
        try {
            return added.get();
        } catch (ExecutionException e) {
            tx.close();
            throw new IllegalArgumentException("cannot add session to " + peer + ": " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    private Channel bindSourcePort() throws InterruptedException {
        boolean v6 = config.localAddress() instanceof Inet6Address;
        Exception last = null;
        for (int i = 0; i < BIND_ATTEMPTS; i++) {
            int port = BfdSpeakerConfig.SOURCE_PORT_MIN
                    + secureRandom.nextInt(BfdSpeakerConfig.SOURCE_PORT_MAX - BfdSpeakerConfig.SOURCE_PORT_MIN + 1);
            Bootstrap b = bootstrap(new Discard()).option(ChannelOption.IP_TOS, TOS_CS6);
            if (epoll) {
                b.option(v6 ? IPV6_UNICAST_HOPS : IP_TTL, BfdSpeakerConfig.TTL);
            }
            try {
                return b.bind(new InetSocketAddress(config.localAddress(), port)).sync().channel();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) { // port in use: try another
                last = e;
            }
        }
        throw new IllegalStateException("no free source port in " + BfdSpeakerConfig.SOURCE_PORT_MIN + "-"
                + BfdSpeakerConfig.SOURCE_PORT_MAX + " after " + BIND_ATTEMPTS + " attempts", last);
    }

    /** Copies the session's packet into a datagram: the one unavoidable allocation per sent packet. */
    private static void send(Channel tx, InetSocketAddress peer, ByteBuf packet) {
        int length = packet.readableBytes();
        ByteBuf out = tx.alloc().directBuffer(length, length);
        out.writeBytes(packet, packet.readerIndex(), length);
        tx.writeAndFlush(new DatagramPacket(out, peer), tx.voidPromise());
    }

    /** Stops and removes a session without telling the peer (use {@link #adminDown} first to tell it). */
    public void removeSession(int localDiscriminator) throws InterruptedException {
        checkNotInLoop();
        onLoop(() -> {
            Entry e = entries.remove(localDiscriminator);
            if (e != null) {
                e.timer().close();
                table.remove(e.session());
                discriminators.release(localDiscriminator);
                e.tx().close();
            }
            return null;
        });
    }

    /** §6.8.16: AdminDown with a diagnostic; the peer is told at once. */
    public void adminDown(int localDiscriminator, BfdDiagnostic diag) throws InterruptedException {
        withSession(localDiscriminator, s -> s.adminDown(diag, System.nanoTime()));
    }

    public void adminUp(int localDiscriminator) throws InterruptedException {
        withSession(localDiscriminator, s -> s.adminUp(System.nanoTime()));
    }

    /** Changes timers, role or keys of a running session (timers through a Poll Sequence when Up). */
    public void reconfigure(int localDiscriminator, BfdSessionConfig next) throws InterruptedException {
        withSession(localDiscriminator, s -> s.reconfigure(next, System.nanoTime()));
    }

    /** A copy of the session's operational data, taken on the event loop. */
    public BfdSessionSnapshot snapshot(int localDiscriminator) throws InterruptedException {
        checkNotInLoop();
        return onLoop(() -> {
            Entry e = entries.get(localDiscriminator);
            return e == null ? null : e.session().snapshot();
        });
    }

    public List<BfdSessionHandle> sessions() throws InterruptedException {
        checkNotInLoop();
        return onLoop(() -> {
            List<BfdSessionHandle> list = new ArrayList<>();
            entries.values().forEach(e -> list.add(e.handle()));
            return list;
        });
    }

    private void withSession(int localDiscriminator, Consumer<BfdSession> action) throws InterruptedException {
        checkNotInLoop();
        onLoop(() -> {
            Entry e = entries.get(localDiscriminator);
            if (e == null) {
                throw new IllegalArgumentException("session: " + Integer.toUnsignedString(localDiscriminator)
                        + " (expected: a session of this speaker)");
            }
            action.accept(e.session());
            e.timer().rearm(System.nanoTime());
            return null;
        });
    }

    private <T> T onLoop(java.util.function.Supplier<T> task) throws InterruptedException {
        try {
            return CompletableFuture.supplyAsync(task, loop).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void checkNotInLoop() {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("must not be called on the speaker's event loop");
        }
    }

    // ------------------------------------------------------------------------------------------------ events

    /** The next state change, or {@code null}. Single consumer. */
    public BfdStateChange pollEvent() {
        return events.poll();
    }

    /** Hands every queued state change to {@code consumer}; returns how many. Single consumer. */
    public int drainEvents(Consumer<BfdStateChange> consumer) {
        return events.drain(consumer::accept);
    }

    /** State changes lost because the queue was full. */
    public long droppedEvents() {
        return droppedEvents;
    }

    // ------------------------------------------------------------------------------------------------ misc

    /** The address and port the speaker listens on (the actual port when configured with 0). */
    public InetSocketAddress listenAddress() {
        return (InetSocketAddress) listenChannel.localAddress();
    }

    /** Whether the native epoll transport is in use (else NIO, which cannot set TTL 255). */
    public boolean isEpoll() {
        return epoll;
    }

    /** The TTL (hop limit) configured on a session's socket, read back from the kernel; -1 on NIO. For tests. */
    int sentTtl(int localDiscriminator) throws InterruptedException {
        return onLoop(() -> {
            Entry e = entries.get(localDiscriminator);
            if (e == null || !epoll) {
                return -1;
            }
            boolean v6 = config.localAddress() instanceof Inet6Address;
            return e.tx().config().getOption(v6 ? IPV6_UNICAST_HOPS : IP_TTL);
        });
    }

    /**
     * Tells every peer (AdminDown, diagnostic 7, like FRR's {@code shutdown}) and then closes the sockets and the
     * event loop.
     */
    @Override
    public void close() {
        shutdown(true);
    }

    /** Closes without telling the peers, as a crash would: they find out through their detection time. */
    public void abort() {
        shutdown(false);
    }

    private void shutdown(boolean tellPeers) {
        if (closed) {
            return;
        }
        closed = true;
        checkNotInLoop();
        try {
            onLoop(() -> {
                long now = System.nanoTime();
                entries.values().forEach(e -> {
                    if (tellPeers) {
                        e.session().adminDown(BfdDiagnostic.ADMINISTRATIVELY_DOWN, now);
                    }
                    e.timer().close();
                    e.tx().close();
                });
                entries.clear();
                listenChannel.close();
                return null;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Receives every control packet of the speaker. */
    private final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            ByteBuf content = msg.content();
            long now = System.nanoTime();
            rx.wrap(content, content.readerIndex(), content.readableBytes());
            table.onPacket(rx, config.localAddress(), msg.sender().getAddress(), 0, false, now);
            BfdSession session = table.lastDispatched();
            if (session != null) {
                Entry e = entries.get(session.localDiscriminator());
                if (e != null) {
                    e.timer().rearm(now);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A datagram socket survives errors such as ICMP port unreachable; nothing to do but keep reading.
        }
    }

    /** Session (source-port) sockets expect nothing; whatever arrives is released. */
    private static final class Discard extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        }
    }
}
