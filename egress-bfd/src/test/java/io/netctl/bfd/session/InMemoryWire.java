package io.netctl.bfd.session;

import io.netctl.bfd.codec.BfdControlMessage;
import io.netctl.bfd.codec.BfdControlPacket;
import io.netctl.bfd.codec.BfdDiagnostic;
import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.codec.DropReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two BFD speakers (A and B, each a {@link BfdSessionTable}) connected back to back by an in-memory link with a
 * configurable one-way latency, driven by a {@link ManualClock} as a discrete-event simulation: time jumps straight to
 * the next session deadline or packet arrival, so minutes of protocol time take milliseconds and nothing sleeps.
 */
final class InMemoryWire {
    static final InetAddress ADDR_A = addr("10.0.0.1");
    static final InetAddress ADDR_B = addr("10.0.0.2");

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final Side a = new Side("A", ADDR_A, ADDR_B);
    final Side b = new Side("B", ADDR_B, ADDR_A);
    long latencyNs = TimeUnit.MICROSECONDS.toNanos(100);
    private final PriorityQueue<InFlight> inFlight =
            new PriorityQueue<>(Comparator.comparingLong(InFlight::deliverAtNs).thenComparingLong(InFlight::seq));
    private long seq;
    private final BfdControlPacket rx = new BfdControlPacket();

    private static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    record InFlight(long deliverAtNs, long seq, Side to, byte[] bytes) {
    }

    /** One packet as sent, decoded for assertions. */
    record Sent(long atNs, BfdControlMessage message, byte[] bytes) {
    }

    final class Side implements BfdPacketSink, BfdEventSink {
        final String name;
        final InetAddress local;
        final InetAddress peer;
        final BfdSessionTable table = new BfdSessionTable();
        final List<BfdStateChange> events = new ArrayList<>();
        final List<Sent> sent = new ArrayList<>();
        /** Whether packets this side sends reach the other side. */
        boolean linkUp = true;
        BfdSession session;

        Side(String name, InetAddress local, InetAddress peer) {
            this.name = name;
            this.local = local;
            this.peer = peer;
        }

        Side other() {
            return this == a ? b : a;
        }

        /** Creates (but does not start) this side's session, replacing any previous one. */
        BfdSession create(BfdSessionConfig config, int discriminator, long seed) {
            if (session != null) {
                table.remove(session);
            }
            session = BfdSession.builder(BfdSessionKey.singleHop(local, peer, 0), discriminator)
                    .config(config).packetSink(this).eventSink(this).clock(clock)
                    .random(new SplittableRandom(seed)).build();
            table.add(session);
            return session;
        }

        @Override
        public void send(BfdSession from, ByteBuf packet) {
            byte[] bytes = new byte[packet.readableBytes()];
            packet.getBytes(packet.readerIndex(), bytes);
            BfdControlPacket p = new BfdControlPacket().wrap(Unpooled.wrappedBuffer(bytes));
            sent.add(new Sent(clock.getAsLong(), BfdControlMessage.from(p), bytes));
            if (linkUp) {
                inFlight.add(new InFlight(clock.getAsLong() + latencyNs, seq++, other(), bytes));
            }
        }

        @Override
        public void onStateChange(BfdStateChange change) {
            events.add(change);
        }

        /** Delivers raw bytes to this side now, as if received from the peer. */
        DropReason receive(byte[] bytes) {
            return table.onPacket(rx.wrap(Unpooled.wrappedBuffer(bytes)), local, peer, 0, false,
                    clock.getAsLong());
        }

        BfdState state() {
            return session.state();
        }

        List<Sent> sentBetween(long fromNs, long toNs) {
            return sent.stream().filter(s -> s.atNs() >= fromNs && s.atNs() < toNs).toList();
        }

        BfdStateChange lastEvent() {
            return events.get(events.size() - 1);
        }

        boolean hadTransition(BfdState to, BfdDiagnostic diag) {
            return events.stream().anyMatch(e -> e.to() == to && e.diagnostic() == diag);
        }
    }

    long now() {
        return clock.getAsLong();
    }

    void runFor(long amount, TimeUnit unit) {
        runUntil(now() + unit.toNanos(amount));
    }

    /** Processes every deadline and arrival up to {@code endNs}, then leaves the clock at {@code endNs}. */
    void runUntil(long endNs) {
        while (true) {
            long next = Math.min(a.table.nextDeadlineNs(), b.table.nextDeadlineNs());
            InFlight head = inFlight.peek();
            if (head != null) {
                next = Math.min(next, head.deliverAtNs());
            }
            if (next > endNs) {
                clock.set(endNs);
                return;
            }
            clock.set(Math.max(now(), next));
            while ((head = inFlight.peek()) != null && head.deliverAtNs() <= now()) {
                inFlight.poll();
                head.to().receive(head.bytes());
            }
            a.table.doWork(now());
            b.table.doWork(now());
        }
    }

    /** Runs until both sessions are Up, failing after {@code limitNs}; returns the time it took. */
    long runUntilBothUp(long limitNs) {
        long start = now();
        long step = TimeUnit.MILLISECONDS.toNanos(1);
        while (!(a.state() == BfdState.UP && b.state() == BfdState.UP)) {
            if (now() - start > limitNs) {
                throw new AssertionError("not Up after " + limitNs + " ns: A " + a.session + ", B " + b.session);
            }
            runFor(step, TimeUnit.NANOSECONDS);
        }
        return now() - start;
    }
}
