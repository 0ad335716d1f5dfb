package io.netctl.bfd.session;

import io.netctl.bfd.codec.BfdControlPacket;
import io.netctl.bfd.codec.BfdControlPacketDecoder;
import io.netctl.bfd.codec.DropReason;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * Demultiplexes received packets to sessions (RFC 5880 §6.8.6, RFC 5881 §3, RFC 5883 §3) and runs their duty
 * cycles. A packet with a non-zero Your Discriminator is looked up in a primitive map (no boxing, no allocation); one
 * with Your Discriminator 0 (the peer does not know us yet: Down or AdminDown) by (local address, peer address,
 * interface), falling back to "any interface". Packets that fail the stateless checks or match no session are counted
 * here, since no session can be trusted with them.
 *
 * <p>Single-threaded, like the sessions it holds.
 */
public final class BfdSessionTable {
    private final Int2ObjectHashMap<BfdSession> byDiscriminator = new Int2ObjectHashMap<>();
    private final Map<BfdSessionKey, BfdSession> byKey = new HashMap<>();
    private final List<BfdSession> sessions = new ArrayList<>();
    private final long[] unattributedDrops = new long[DropReason.COUNT];
    private BfdSession lastDispatched;

    /** Adds a session; its discriminator and key must be unique in this table. */
    public void add(BfdSession session) {
        if (byDiscriminator.containsKey(session.localDiscriminator())) {
            throw new IllegalArgumentException("local discriminator: "
                    + Integer.toUnsignedString(session.localDiscriminator()) + " (expected: unique)");
        }
        if (byKey.containsKey(session.key())) {
            throw new IllegalArgumentException("session key: " + session.key() + " (expected: unique)");
        }
        byDiscriminator.put(session.localDiscriminator(), session);
        byKey.put(session.key(), session);
        sessions.add(session);
    }

    public boolean remove(BfdSession session) {
        if (byDiscriminator.get(session.localDiscriminator()) != session) {
            return false;
        }
        byDiscriminator.remove(session.localDiscriminator());
        byKey.remove(session.key());
        sessions.remove(session);
        return true;
    }

    public BfdSession byDiscriminator(int localDiscriminator) {
        return byDiscriminator.get(localDiscriminator);
    }

    public BfdSession byKey(BfdSessionKey key) {
        return byKey.get(key);
    }

    /** The sessions, in insertion order; do not modify. */
    public List<BfdSession> sessions() {
        return sessions;
    }

    public int size() {
        return sessions.size();
    }

    /**
     * Validates and dispatches one received packet.
     *
     * @param packet flyweight over the datagram payload (capacity = payload length)
     * @param ifIndex receiving interface, 0 if unknown
     * @param multihop whether it arrived on the multihop port (RFC 5883)
     */
    public DropReason onPacket(BfdControlPacket packet, InetAddress local, InetAddress peer, int ifIndex,
                               boolean multihop, long nowNs) {
        lastDispatched = null;
        DropReason reason = BfdControlPacketDecoder.validate(packet);
        if (reason != DropReason.NONE) {
            unattributedDrops[reason.ordinal()]++;
            return reason;
        }
        int your = packet.yourDiscriminator();
        BfdSession session = your != 0 ? byDiscriminator.get(your) : lookup(local, peer, ifIndex, multihop);
        if (session == null) {
            unattributedDrops[DropReason.NO_SESSION.ordinal()]++;
            return DropReason.NO_SESSION;
        }
        lastDispatched = session;
        return session.onPacket(packet, nowNs);
    }

    /** Looks a session up by addresses; allocates a key, which only packets with Your Discriminator 0 need. */
    private BfdSession lookup(InetAddress local, InetAddress peer, int ifIndex, boolean multihop) {
        if (multihop) {
            return byKey.get(new BfdSessionKey(local, peer, 0, true));
        }
        BfdSession s = byKey.get(new BfdSessionKey(local, peer, ifIndex, false));
        if (s == null && ifIndex != 0) {
            s = byKey.get(new BfdSessionKey(local, peer, 0, false));
        }
        return s;
    }

    /**
     * The session the last {@link #onPacket} call handed its packet to (accepted or not), or {@code null}: lets a
     * transport re-arm just that session's timer, whose deadlines the packet may have moved.
     */
    public BfdSession lastDispatched() {
        return lastDispatched;
    }

    /** Runs every session's duty cycle; returns the work done. */
    public int doWork(long nowNs) {
        int work = 0;
        for (int i = 0, n = sessions.size(); i < n; i++) {
            work += sessions.get(i).doWork(nowNs);
        }
        return work;
    }

    /** The earliest deadline of any session, or {@link BfdSession#NEVER}. */
    public long nextDeadlineNs() {
        long next = BfdSession.NEVER;
        for (int i = 0, n = sessions.size(); i < n; i++) {
            next = Math.min(next, sessions.get(i).nextDeadlineNs());
        }
        return next;
    }

    /** Drops that could not be attributed to a session (stateless failures, no matching session). */
    public long unattributedDrops(DropReason reason) {
        return unattributedDrops[reason.ordinal()];
    }
}
