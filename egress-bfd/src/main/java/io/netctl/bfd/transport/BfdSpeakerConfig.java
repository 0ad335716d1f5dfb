package io.netctl.bfd.transport;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Configuration of one {@link BfdSpeaker}.
 *
 * @param localAddress the address to listen on and send from; also the local address of every session key
 * @param listenPort where control packets arrive: {@link #SINGLE_HOP_PORT} in production, 0 (ephemeral) in tests
 * @param eventQueueCapacity capacity of the queue state changes leave the event loop through (rounded up to a power
 *     of two by JCTools); when full, events are counted as dropped rather than blocking the event loop
 * @param preferEpoll use the native epoll transport when available (NIO otherwise; NIO cannot set IP_TTL)
 */
public record BfdSpeakerConfig(InetAddress localAddress, int listenPort, int eventQueueCapacity,
                               boolean preferEpoll) {
    /** RFC 5881 §4: single-hop control packets go to UDP 3784. */
    public static final int SINGLE_HOP_PORT = 3784;
    /** RFC 5883 §5: multihop control packets go to UDP 4784 (not served yet). */
    public static final int MULTIHOP_PORT = 4784;
    /** RFC 5881 §4: source ports are taken from 49152–65535. */
    public static final int SOURCE_PORT_MIN = 49152;
    public static final int SOURCE_PORT_MAX = 65535;
    /** RFC 5881 §5: single-hop packets are sent with TTL (hop limit) 255. */
    public static final int TTL = 255;

    public BfdSpeakerConfig {
        Objects.requireNonNull(localAddress, "localAddress");
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listen port: " + listenPort + " (expected: 0-65535)");
        }
        if (eventQueueCapacity < 2) {
            throw new IllegalArgumentException("event queue capacity: " + eventQueueCapacity + " (expected: >= 2)");
        }
    }

    /** Listens on 3784 of {@code localAddress}, epoll preferred, 4096 queued events. */
    public static BfdSpeakerConfig of(InetAddress localAddress) {
        return new BfdSpeakerConfig(localAddress, SINGLE_HOP_PORT, 4096, true);
    }

    public BfdSpeakerConfig withListenPort(int port) {
        return new BfdSpeakerConfig(localAddress, port, eventQueueCapacity, preferEpoll);
    }

    public BfdSpeakerConfig withPreferEpoll(boolean epoll) {
        return new BfdSpeakerConfig(localAddress, listenPort, eventQueueCapacity, epoll);
    }
}
