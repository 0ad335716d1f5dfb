package io.netctl.bfd.transport;

import io.netctl.bfd.codec.BfdAuthenticator;
import io.netctl.bfd.codec.BfdControlPacket;
import io.netctl.bfd.codec.BfdDiagnostic;
import io.netctl.bfd.codec.DropReason;
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
import io.netty.channel.IoEventLoop;
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
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.ref.Reference;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * <p>Single-hop sessions (RFC 5881) arrive on one listening channel (3784), multihop sessions (RFC 5883) on
 * another (4784). Received TTLs are checked in the kernel by a socket filter ({@link TtlFilter}): 255 on the
 * single-hop port, the configured minimum on the multihop port; a failing packet is counted as
 * {@link DropReason#TTL} on the session of its sender. With an interface configured every socket is bound to it
 * ({@code SO_BINDTODEVICE}).
 *
 * <p>Public methods may be called from any thread except the event loop itself; they hop onto it.
 */
public final class BfdSpeaker implements AutoCloseable {
    /** Linux: IPPROTO_IP / IP_TTL and IPPROTO_IPV6 / IPV6_UNICAST_HOPS. */
    static final IntegerUnixChannelOption IP_TTL = new IntegerUnixChannelOption("IP_TTL", 0, 2);
    static final IntegerUnixChannelOption IPV6_UNICAST_HOPS = new IntegerUnixChannelOption("IPV6_UNICAST_HOPS", 41, 16);
    /** Linux: SOL_SOCKET / SO_BINDTODEVICE, the interface name with a trailing NUL. */
    private static final int IFNAMSIZ = 16;
    static final RawUnixChannelOption SO_BINDTODEVICE = new RawUnixChannelOption("SO_BINDTODEVICE", 1, 25, IFNAMSIZ);
    /** DSCP CS6 (network control), as FRR sends. */
    private static final int TOS_CS6 = 0xc0;
    private static final int BIND_ATTEMPTS = 64;
    /** Sessions copied per event-loop task by {@link #snapshotAll()}. */
    private static final int SNAPSHOT_BATCH = 16;
    /** Receive buffer of the listening sockets (capped by net.core.rmem_max, 4 MiB on Debian 12 here). */
    private static final int LISTEN_RCVBUF_BYTES = 4 << 20;
    /** Datagrams read per wakeup of a listening socket before other tasks (timers) run. */
    private static final int LISTEN_MAX_MESSAGES_PER_READ = 64;

    private final BfdSpeakerConfig config;
    private final boolean epoll;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final EventLoop loop;
    private final Channel listenChannel;
    private final Channel multihopChannel;
    private final int ifIndex;
    private final BfdSessionTable table = new BfdSessionTable();
    private final BfdAuthenticator authenticator = new BfdAuthenticator();
    private final SecureRandom secureRandom = new SecureRandom();
    private final DiscriminatorAllocator discriminators = new DiscriminatorAllocator(secureRandom);
    private final Int2ObjectHashMap<Entry> entries = new Int2ObjectHashMap<>();
    private final SpscArrayQueue<BfdStateChange> events;
    private final BfdEventSink eventSink;
    private final BfdControlPacket rx = new BfdControlPacket();
    private final long[] ttlDrops = new long[1];
    private volatile long droppedEvents;
    /** Woken after each state change is queued, so that the consumer need not poll. */
    private volatile Thread eventConsumer;
    private volatile boolean closed;

    /** Event-loop state of one session. */
    private record Entry(BfdSession session, Channel tx, SessionTimer timer, BfdSessionHandle handle) {
    }

    private BfdSpeaker(BfdSpeakerConfig config, EventLoop shared) throws InterruptedException {
        this.config = config;
        this.ifIndex = interfaceIndex(config);
        this.ownsGroup = shared == null;
        if (shared == null) {
            this.epoll = config.preferEpoll() && Epoll.isAvailable();
            this.group = newEventLoopGroup(epoll);
            this.loop = group.next();
        } else {
            this.epoll = shared instanceof IoEventLoop io && io.isIoType(EpollIoHandler.class);
            this.group = null;
            this.loop = shared;
        }
        this.events = new SpscArrayQueue<>(config.eventQueueCapacity());
        this.eventSink = change -> {
            if (!events.offer(change)) {
                droppedEvents++; // single writer: the event loop
            }
            Thread consumer = eventConsumer;
            if (consumer != null) {
                LockSupport.unpark(consumer); // never blocks: at most a futex wake
            }
        };
        Channel single = null;
        Channel multi = null;
        try {
            if (config.listenPort() != BfdSpeakerConfig.DISABLED) {
                single = bindListener(config.listenPort(), false, BfdSpeakerConfig.TTL);
            }
            if (config.multihopListenPort() != BfdSpeakerConfig.DISABLED) {
                multi = bindListener(config.multihopListenPort(), true, config.multihopMinTtl());
            }
        } catch (InterruptedException | RuntimeException e) {
            if (single != null) {
                single.close();
            }
            if (ownsGroup) {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            }
            throw e;
        }
        this.listenChannel = single;
        this.multihopChannel = multi;
    }

    private static int interfaceIndex(BfdSpeakerConfig config) {
        if (config.interfaceName().isEmpty()) {
            return 0;
        }
        String name = config.interfaceName().get();
        try {
            NetworkInterface nif = NetworkInterface.getByName(name);
            if (nif == null) {
                throw new IllegalArgumentException("interface: " + name + " (expected: an existing interface)");
            }
            return nif.getIndex();
        } catch (SocketException e) {
            throw new IllegalArgumentException("interface: " + name + " (" + e.getMessage() + ")", e);
        }
    }

    private Channel bindListener(int port, boolean multihop, int minTtl) throws InterruptedException {
        ByteBuffer program = ttlCheckActive() ? TtlFilter.program(minTtl) : null;
        // Every peer sends to this one socket: with 1,000 sessions at 50 ms that is 20k packets/s, and the default
        // receive buffer (about 280 datagrams) overflowed during a GC pause or a busy scheduler tick, which peers
        // saw as false Downs. The kernel caps the size at net.core.rmem_max.
        Bootstrap b = bootstrap(new Receiver(multihop))
                .option(ChannelOption.SO_RCVBUF, LISTEN_RCVBUF_BYTES)
                .option(ChannelOption.MAX_MESSAGES_PER_READ, LISTEN_MAX_MESSAGES_PER_READ);
        try {
            return bind(b, new InetSocketAddress(config.localAddress(), port),
                    program == null ? null : TtlFilter.fprog(program));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot listen on " + config.localAddress().getHostAddress() + " port "
                    + port + (multihop ? " (multihop)" : "") + ": " + e.getMessage(), e);
        } finally {
            Reference.reachabilityFence(program); // the kernel copied the program during setsockopt
        }
    }

    /**
     * Gives this speaker's event-loop thread SCHED_FIFO at {@code priority} (1–99), so CPU hogs cannot delay its
     * packets and timers (see {@code docs/bfd.md}). Needs root (CAP_SYS_NICE) and util-linux's {@code chrt}.
     *
     * @return {@code null} on success, else why it failed (the speaker keeps running at normal priority)
     */
    public String realtimeScheduling(int priority) throws InterruptedException {
        if (priority < 1 || priority > 99) {
            throw new IllegalArgumentException("real-time priority: " + priority + " (expected: 1-99)");
        }
        checkNotInLoop();
        return onLoop(() -> ThreadScheduling.fifo(priority));
    }

    /**
     * Gives every thread of this process SCHED_FIFO at {@code priority} (1–99): the event loops and also the JVM's
     * own threads, whose safepoints stop the event loops. For a process that is a BFD daemon; start CPU-bound
     * children before calling it, or they inherit the policy. Needs root and {@code chrt}.
     *
     * @return {@code null} on success, else why it failed
     */
    public static String realtimeSchedulingForProcess(int priority) {
        if (priority < 1 || priority > 99) {
            throw new IllegalArgumentException("real-time priority: " + priority + " (expected: 1-99)");
        }
        return ThreadScheduling.fifoProcess(priority);
    }

    /** Binds the listening port and starts the event loop. */
    public static BfdSpeaker start(BfdSpeakerConfig config) throws InterruptedException {
        return new BfdSpeaker(Objects.requireNonNull(config, "config"), null);
    }

    /**
     * Binds the listening ports on an event loop shared with other speakers (one per local address), e.g. from
     * {@link #newEventLoopGroup(boolean)}. The caller owns the loop and shuts it down after closing the speakers.
     * The transport (epoll or NIO) is the loop's.
     */
    public static BfdSpeaker start(BfdSpeakerConfig config, EventLoop shared) throws InterruptedException {
        return new BfdSpeaker(Objects.requireNonNull(config, "config"), Objects.requireNonNull(shared, "shared"));
    }

    /** A one-thread event loop group for speakers, epoll if asked and available (else NIO), daemon threads. */
    public static MultiThreadIoEventLoopGroup newEventLoopGroup(boolean preferEpoll) {
        boolean e = preferEpoll && Epoll.isAvailable();
        return new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("bfd-speaker", true, Thread.MAX_PRIORITY),
                e ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    private Bootstrap bootstrap(ChannelHandler handler) {
        boolean v6 = config.localAddress() instanceof Inet6Address;
        SocketProtocolFamily family = v6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        ChannelFactory<DatagramChannel> factory = epoll
                ? () -> new EpollDatagramChannel(family)
                : () -> new NioDatagramChannel(family);
        return new Bootstrap().group(loop).channelFactory(factory).handler(handler);
    }

    /**
     * Registers a channel, sets the options a bootstrap would only log a warning for when they fail (interface
     * binding, the TTL filter), then binds it.
     */
    private Channel bind(Bootstrap b, InetSocketAddress address, ByteBuffer filter) throws InterruptedException {
        Channel ch = b.register().sync().channel();
        try {
            if (epoll && config.interfaceName().isPresent()) {
                byte[] name = new byte[IFNAMSIZ];
                byte[] given = config.interfaceName().get().getBytes(StandardCharsets.US_ASCII);
                if (given.length >= IFNAMSIZ) {
                    throw new IllegalArgumentException("interface name: " + config.interfaceName().get()
                            + " (expected: at most " + (IFNAMSIZ - 1) + " characters)");
                }
                System.arraycopy(given, 0, name, 0, given.length);
                ch.config().setOption(SO_BINDTODEVICE, ByteBuffer.wrap(name));
            }
            if (filter != null) {
                ch.config().setOption(TtlFilter.SO_ATTACH_FILTER_OPTION, filter);
            }
            return ch.bind(address).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------------------ sessions

    /**
     * Creates and starts a single-hop session to {@code peer} (its address and the port it listens on, 3784 in
     * production). Blocks until the session's socket is bound and the session runs on the event loop.
     */
    public BfdSessionHandle addSession(InetSocketAddress peer, BfdSessionConfig sessionConfig)
            throws InterruptedException {
        return addSession(peer, sessionConfig, false);
    }

    /**
     * Creates and starts a session to {@code peer}: single hop (RFC 5881; {@code peer}'s port is 3784 in
     * production) or multihop (RFC 5883; 4784 in production). Blocks until the session's socket is bound and the
     * session runs on the event loop.
     */
    public BfdSessionHandle addSession(InetSocketAddress peer, BfdSessionConfig sessionConfig, boolean multihop)
            throws InterruptedException {
        checkNotInLoop();
        if (closed) {
            throw new IllegalStateException("speaker is closed");
        }
        if ((multihop ? multihopChannel : listenChannel) == null) {
            throw new IllegalStateException("speaker has no " + (multihop ? "multihop" : "single-hop") + " listener");
        }
        if ((peer.getAddress() instanceof Inet6Address) != (config.localAddress() instanceof Inet6Address)) {
            throw new IllegalArgumentException("peer address: " + peer.getAddress().getHostAddress()
                    + " (expected: the family of the local address " + config.localAddress().getHostAddress() + ")");
        }
        BfdSessionKey key = multihop
                ? BfdSessionKey.multihop(config.localAddress(), peer.getAddress())
                : BfdSessionKey.singleHop(config.localAddress(), peer.getAddress(), ifIndex);
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
                return bind(b, new InetSocketAddress(config.localAddress(), port), null);
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

    /**
     * Copies of every session's operational data and the speaker's own counters, taken on the event loop in batches
     * of {@link #SNAPSHOT_BATCH} sessions, so that timers and received packets are served between batches: copying
     * the histograms of 1,000 sessions in one task held the loop long enough for peers to time out.
     */
    public BfdSpeakerSnapshot snapshotAll() throws InterruptedException {
        checkNotInLoop();
        List<Integer> discs = onLoop(() -> new ArrayList<>(entries.keySet()));
        List<BfdSessionSnapshot> list = new ArrayList<>(discs.size());
        for (int from = 0; from < discs.size(); from += SNAPSHOT_BATCH) {
            List<Integer> batch = discs.subList(from, Math.min(discs.size(), from + SNAPSHOT_BATCH));
            list.addAll(onLoop(() -> {
                List<BfdSessionSnapshot> part = new ArrayList<>(batch.size());
                for (int disc : batch) {
                    Entry e = entries.get(disc);
                    if (e != null) {
                        part.add(e.session().snapshot());
                    }
                }
                return part;
            }));
        }
        return onLoop(() -> {
            Map<DropReason, Long> unattributed = new EnumMap<>(DropReason.class);
            for (DropReason r : DropReason.values()) {
                long n = table.unattributedDrops(r) + (r == DropReason.TTL ? ttlDrops[0] : 0);
                if (n != 0) {
                    unattributed.put(r, n);
                }
            }
            return new BfdSpeakerSnapshot(config.localAddress(), epoll, Map.copyOf(unattributed), droppedEvents,
                    List.copyOf(list));
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

    /**
     * Names the one thread that consumes state changes: the event loop unparks it right after queueing each change,
     * so the consumer can {@link LockSupport#park() park} until there is work instead of polling on an interval (a
     * poll interval adds up to its length to every Down, e.g. the egress failover's). Null: nobody is woken.
     */
    public void wakeOnEvent(Thread consumer) {
        this.eventConsumer = consumer;
        if (consumer != null && !events.isEmpty()) {
            LockSupport.unpark(consumer);
        }
    }

    /** State changes lost because the queue was full. */
    public long droppedEvents() {
        return droppedEvents;
    }

    // ------------------------------------------------------------------------------------------------ misc

    /** The address and port the speaker listens on for single hop (the actual port when configured with 0). */
    public InetSocketAddress listenAddress() {
        if (listenChannel == null) {
            throw new IllegalStateException("speaker has no single-hop listener");
        }
        return (InetSocketAddress) listenChannel.localAddress();
    }

    /** The address and port the speaker listens on for multihop (the actual port when configured with 0). */
    public InetSocketAddress multihopListenAddress() {
        if (multihopChannel == null) {
            throw new IllegalStateException("speaker has no multihop listener");
        }
        return (InetSocketAddress) multihopChannel.localAddress();
    }

    /** The speaker's configuration. */
    public BfdSpeakerConfig config() {
        return config;
    }

    /** Whether received TTLs are checked in the kernel (epoll, enabled, and native addresses available). */
    public boolean ttlCheckActive() {
        return epoll && config.ttlCheck() && TtlFilter.available();
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
                if (listenChannel != null) {
                    listenChannel.close();
                }
                if (multihopChannel != null) {
                    multihopChannel.close();
                }
                return null;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (ownsGroup) {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    /** Receives every control packet of one port (single hop or multihop). */
    private final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
        private final boolean multihop;

        Receiver(boolean multihop) {
            this.multihop = multihop;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            ByteBuf content = msg.content();
            long now = System.nanoTime();
            if (content.readableBytes() == TtlFilter.MARK_LENGTH && ttlCheckActive()) {
                onTtlDrop(msg.sender().getAddress());
                return;
            }
            rx.wrap(content, content.readerIndex(), content.readableBytes());
            table.onPacket(rx, config.localAddress(), msg.sender().getAddress(), ifIndex, multihop, now);
            BfdSession session = table.lastDispatched();
            if (session != null) {
                Entry e = entries.get(session.localDiscriminator());
                if (e != null) {
                    e.timer().rearm(now);
                }
            }
        }

        /** The kernel filter marked this datagram: its TTL was too low. Counted on the sender's session if any. */
        private void onTtlDrop(InetAddress sender) {
            BfdSessionKey key = multihop
                    ? BfdSessionKey.multihop(config.localAddress(), sender)
                    : BfdSessionKey.singleHop(config.localAddress(), sender, ifIndex);
            BfdSession session = table.byKey(key);
            if (session != null) {
                session.countDrop(DropReason.TTL);
            } else {
                ttlDrops[0]++;
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
