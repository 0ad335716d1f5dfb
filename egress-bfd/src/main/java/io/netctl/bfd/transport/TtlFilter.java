package io.netctl.bfd.transport;

import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.util.internal.PlatformDependent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The receive-side TTL (hop limit) check of RFC 5881 §5 (GTSM, RFC 5082) and RFC 5883's minimum TTL, done by the
 * kernel: a classic BPF socket filter ({@code SO_ATTACH_FILTER}) on the listening socket.
 *
 * <p>Why this way: Netty exposes no received TTL ({@code IP_RECVTTL} ancillary data), and {@code IP_MINTTL} /
 * {@code IPV6_MINHOPCOUNT} only filter TCP on Linux. A socket filter runs in the UDP receive path after the checksum
 * check, can read the IP header through the {@code SKF_NET_OFF} window, needs no privilege and no global firewall
 * state, and goes away with the socket. The filter reads the IP version nibble, so one program serves IPv4 (TTL at
 * offset 8) and IPv6 (hop limit at offset 7), also on a dual-stack socket.
 *
 * <p>A failing packet is not dropped silently but truncated to one byte of payload ({@link #MARK_LENGTH}), so the
 * speaker still sees it and counts it as {@code DropReason.TTL} with its sender; a genuine BFD packet is at least
 * 24 bytes. Real one-byte datagrams that pass the TTL check are dropped by the filter itself so the mark is
 * unambiguous (they could never be BFD packets).
 */
final class TtlFilter {
    /** The payload length of a datagram the filter marked as failing the TTL check. */
    static final int MARK_LENGTH = 1;

    /** Linux: SOL_SOCKET / SO_ATTACH_FILTER. */
    private static final int SOL_SOCKET = 1;
    private static final int SO_ATTACH_FILTER = 26;
    /** {@code struct sock_fprog} on LP64: u16 len, padding, pointer. */
    private static final int SOCK_FPROG_SIZE = 16;
    static final RawUnixChannelOption SO_ATTACH_FILTER_OPTION =
            new RawUnixChannelOption("SO_ATTACH_FILTER", SOL_SOCKET, SO_ATTACH_FILTER, SOCK_FPROG_SIZE);

    // Classic BPF opcodes (linux/filter.h).
    private static final int LD_B_ABS = 0x30;
    private static final int LD_W_LEN = 0x80;
    private static final int ALU_RSH_K = 0x74;
    private static final int JMP_JA = 0x05;
    private static final int JMP_JEQ_K = 0x15;
    private static final int JMP_JGE_K = 0x35;
    private static final int RET_K = 0x06;
    /** SKF_NET_OFF: negative offsets from here read the network (IP) header. */
    private static final int SKF_NET_OFF = -0x100000;
    /** The filter runs with skb data at the UDP header. */
    private static final int UDP_HEADER = 8;

    private TtlFilter() {
    }

    /**
     * The filter program for a minimum TTL: 255 for single hop (RFC 5881 §5), the configured minimum for multihop
     * (RFC 5883 §2). Each instruction is {@code u16 code, u8 jt, u8 jf, u32 k}, in native byte order.
     */
    static ByteBuffer program(int minTtl) {
        if (minTtl < 1 || minTtl > 255) {
            throw new IllegalArgumentException("minimum TTL: " + minTtl + " (expected: 1-255)");
        }
        int[][] insns = {
            {LD_B_ABS, 0, 0, SKF_NET_OFF},              // 0: A = first byte of the IP header
            {ALU_RSH_K, 0, 0, 4},                       // 1: A = IP version
            {JMP_JEQ_K, 2, 0, 6},                       // 2: IPv6 ? goto 5 : goto 3
            {LD_B_ABS, 0, 0, SKF_NET_OFF + 8},          // 3: A = IPv4 TTL
            {JMP_JA, 0, 0, 1},                          // 4: goto 6
            {LD_B_ABS, 0, 0, SKF_NET_OFF + 7},          // 5: A = IPv6 hop limit
            {JMP_JGE_K, 1, 0, minTtl},                  // 6: A >= min ? goto 8 : goto 7
            {RET_K, 0, 0, UDP_HEADER + MARK_LENGTH},    // 7: mark: keep the UDP header and one byte
            {LD_W_LEN, 0, 0, 0},                        // 8: A = UDP header + payload length
            {JMP_JEQ_K, 0, 1, UDP_HEADER + MARK_LENGTH}, // 9: a real one-byte payload ? goto 10 : goto 11
            {RET_K, 0, 0, 0},                           // 10: drop it, so the mark stays unambiguous
            {RET_K, 0, 0, 0xffff_ffff},                 // 11: accept the whole packet
        };
        ByteBuffer b = ByteBuffer.allocateDirect(insns.length * 8).order(ByteOrder.nativeOrder());
        for (int[] i : insns) {
            b.putShort((short) i[0]).put((byte) i[1]).put((byte) i[2]).putInt(i[3]);
        }
        b.flip();
        return b;
    }

    /**
     * The {@code struct sock_fprog} pointing at {@code program}, which must stay reachable until the option is set
     * (the kernel copies the program during {@code setsockopt}).
     */
    static ByteBuffer fprog(ByteBuffer program) {
        if (!program.isDirect()) {
            throw new IllegalArgumentException("program: heap buffer (expected: direct)");
        }
        long address = PlatformDependent.directBufferAddress(program);
        ByteBuffer f = ByteBuffer.allocateDirect(SOCK_FPROG_SIZE).order(ByteOrder.nativeOrder());
        f.putShort(0, (short) (program.remaining() / 8));
        f.putLong(8, address);
        return f;
    }

    /** Whether native memory addresses are available (they are on HotSpot with Netty's defaults). */
    static boolean available() {
        return PlatformDependent.hasUnsafe() && PlatformDependent.directBufferPreferred();
    }
}
