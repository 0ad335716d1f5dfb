package io.netctl.bfd.transport;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of one {@link BfdSpeaker}.
 *
 * @param localAddress the address to listen on and send from; also the local address of every session key
 * @param listenPort where single-hop control packets arrive: {@link #SINGLE_HOP_PORT} in production, 0 (ephemeral)
 *     in tests, -1 for no single-hop listener
 * @param multihopListenPort where multihop control packets arrive: {@link #MULTIHOP_PORT} in production, 0
 *     (ephemeral) in tests, -1 for no multihop listener (RFC 5883)
 * @param multihopMinTtl the smallest TTL (hop limit) accepted on the multihop port (RFC 5883 §2 leaves the value to
 *     configuration; 254, one router away, like FRR's default)
 * @param ttlCheck check received TTLs in the kernel ({@link TtlFilter}): 255 on the single-hop port (RFC 5881 §5),
 *     {@code multihopMinTtl} on the multihop port. Needs epoll; ignored on NIO
 * @param interfaceName bind every socket to this interface ({@code SO_BINDTODEVICE}, epoll only, needs
 *     CAP_NET_RAW); single-hop session keys then carry its index (RFC 5881 §3)
 * @param eventQueueCapacity capacity of the queue state changes leave the event loop through (rounded up to a power
 *     of two by JCTools); when full, events are counted as dropped rather than blocking the event loop
 * @param preferEpoll use the native epoll transport when available (NIO otherwise; NIO cannot set IP_TTL)
 */
public record BfdSpeakerConfig(InetAddress localAddress, int listenPort, int multihopListenPort, int multihopMinTtl,
                               boolean ttlCheck, Optional<String> interfaceName, int eventQueueCapacity,
                               boolean preferEpoll) {
    /** RFC 5881 §4: single-hop control packets go to UDP 3784. */
    public static final int SINGLE_HOP_PORT = 3784;
    /** RFC 5883 §5: multihop control packets go to UDP 4784. */
    public static final int MULTIHOP_PORT = 4784;
    /** RFC 5881 §4: source ports are taken from 49152–65535. */
    public static final int SOURCE_PORT_MIN = 49152;
    public static final int SOURCE_PORT_MAX = 65535;
    /** RFC 5881 §5: single-hop packets are sent with TTL (hop limit) 255; multihop ones too, so peers can check. */
    public static final int TTL = 255;
    /** Default minimum TTL on the multihop port: one router between the peers. */
    public static final int DEFAULT_MULTIHOP_MIN_TTL = 254;
    /** A listen port of this value means: no listener. */
    public static final int DISABLED = -1;

    public BfdSpeakerConfig {
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(interfaceName, "interfaceName");
        checkPort("listen port", listenPort);
        checkPort("multihop listen port", multihopListenPort);
        if (multihopMinTtl < 1 || multihopMinTtl > 255) {
            throw new IllegalArgumentException("multihop minimum TTL: " + multihopMinTtl + " (expected: 1-255)");
        }
        if (interfaceName.isPresent() && interfaceName.get().isEmpty()) {
            throw new IllegalArgumentException("interface name: \"\" (expected: a name or none)");
        }
        if (eventQueueCapacity < 2) {
            throw new IllegalArgumentException("event queue capacity: " + eventQueueCapacity + " (expected: >= 2)");
        }
    }

    private static void checkPort(String what, int port) {
        if (port < DISABLED || port > 65535) {
            throw new IllegalArgumentException(what + ": " + port + " (expected: 0-65535, or -1 for none)");
        }
    }

    /** Listens on 3784 and 4784 of {@code localAddress}, TTL checked, epoll preferred, 4096 queued events. */
    public static BfdSpeakerConfig of(InetAddress localAddress) {
        return new BfdSpeakerConfig(localAddress, SINGLE_HOP_PORT, MULTIHOP_PORT, DEFAULT_MULTIHOP_MIN_TTL, true,
                Optional.empty(), 4096, true);
    }

    public BfdSpeakerConfig withListenPort(int port) {
        return new BfdSpeakerConfig(localAddress, port, multihopListenPort, multihopMinTtl, ttlCheck, interfaceName,
                eventQueueCapacity, preferEpoll);
    }

    public BfdSpeakerConfig withMultihopListenPort(int port) {
        return new BfdSpeakerConfig(localAddress, listenPort, port, multihopMinTtl, ttlCheck, interfaceName,
                eventQueueCapacity, preferEpoll);
    }

    public BfdSpeakerConfig withMultihopMinTtl(int minTtl) {
        return new BfdSpeakerConfig(localAddress, listenPort, multihopListenPort, minTtl, ttlCheck, interfaceName,
                eventQueueCapacity, preferEpoll);
    }

    public BfdSpeakerConfig withTtlCheck(boolean check) {
        return new BfdSpeakerConfig(localAddress, listenPort, multihopListenPort, multihopMinTtl, check,
                interfaceName, eventQueueCapacity, preferEpoll);
    }

    public BfdSpeakerConfig withInterface(String name) {
        return new BfdSpeakerConfig(localAddress, listenPort, multihopListenPort, multihopMinTtl, ttlCheck,
                Optional.ofNullable(name), eventQueueCapacity, preferEpoll);
    }

    public BfdSpeakerConfig withEventQueueCapacity(int capacity) {
        return new BfdSpeakerConfig(localAddress, listenPort, multihopListenPort, multihopMinTtl, ttlCheck,
                interfaceName, capacity, preferEpoll);
    }

    public BfdSpeakerConfig withPreferEpoll(boolean epoll) {
        return new BfdSpeakerConfig(localAddress, listenPort, multihopListenPort, multihopMinTtl, ttlCheck,
                interfaceName, eventQueueCapacity, epoll);
    }
}
