package io.netctl.perf.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureTest {
    private static final byte[] VICTIM = {(byte) 192, 0, 2, 10};
    private static final byte[] OTHER = {(byte) 192, 0, 2, 99};

    @TempDir
    Path dir;

    @Test
    void readsNanosecondLittleEndianCaptureKeepingOnlyTheVictimsBfdPackets() throws Exception {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(header(ByteOrder.LITTLE_ENDIAN, 0xa1b23c4d, 1));
        f.write(record(ByteOrder.LITTLE_ENDIAN, 1_795_757_000L, 999_999_999L, ethernet(0x0800, ipv4(VICTIM, 3784))));
        f.write(record(ByteOrder.LITTLE_ENDIAN, 1_795_757_000L, 5L, ethernet(0x0800, ipv4(OTHER, 3784))));
        f.write(record(ByteOrder.LITTLE_ENDIAN, 1_795_757_001L, 6L, ethernet(0x0800, ipv4(VICTIM, 4784))));
        f.write(record(ByteOrder.LITTLE_ENDIAN, 1_795_757_001L, 7L, ethernet(0x0806, new byte[28])));
        f.write(record(ByteOrder.LITTLE_ENDIAN, 1_795_756_999L, 1L, ethernet(0x0800, ipv4(VICTIM, 3784))));
        byte[] partial = record(ByteOrder.LITTLE_ENDIAN, 1_795_757_002L, 0, ethernet(0x0800, ipv4(VICTIM, 3784)));
        f.write(partial, 0, partial.length - 10); // tcpdump killed mid-write
        Path p = dir.resolve("a.pcap");
        Files.write(p, f.toByteArray());

        long[] ts = Capture.read(p, InetAddress.getByAddress(VICTIM), 3784);

        assertThat(ts).containsExactly(1_795_756_999_000_000_001L, 1_795_757_000_999_999_999L);
    }

    @Test
    void readsMicrosecondBigEndianCapture() throws Exception {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(header(ByteOrder.BIG_ENDIAN, 0xa1b2c3d4, 1));
        f.write(record(ByteOrder.BIG_ENDIAN, 10L, 123_456L, ethernet(0x0800, ipv4(VICTIM, 3784))));
        Path p = dir.resolve("b.pcap");
        Files.write(p, f.toByteArray());

        assertThat(Capture.read(p, InetAddress.getByAddress(VICTIM), 3784)).containsExactly(10_123_456_000L);
    }

    @Test
    void emptyOrForeignFiles() throws Exception {
        Path empty = dir.resolve("empty.pcap");
        Files.write(empty, new byte[0]);
        assertThat(Capture.read(empty, InetAddress.getByAddress(VICTIM), 3784)).isEmpty();
        Path foreign = dir.resolve("x.pcap");
        Files.write(foreign, new byte[32]);
        assertThatThrownBy(() -> Capture.read(foreign, InetAddress.getByAddress(VICTIM), 3784))
                .hasMessageContaining("magic 0x0 (expected: a pcap file)");
    }

    @Test
    void lastAtOrBeforeAndCountBetween() {
        long[] t = {10, 20, 20, 30};
        assertThat(Capture.lastAtOrBefore(t, 5)).isEqualTo(-1);
        assertThat(Capture.lastAtOrBefore(t, 10)).isEqualTo(10);
        assertThat(Capture.lastAtOrBefore(t, 25)).isEqualTo(20);
        assertThat(Capture.lastAtOrBefore(t, 99)).isEqualTo(30);
        assertThat(Capture.countBetween(t, 10, 30)).isEqualTo(3);
        assertThat(Capture.countBetween(t, 20, 29)).isZero();
    }

    private static byte[] header(ByteOrder order, int magic, int linkType) {
        return ByteBuffer.allocate(24).order(order).putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0)
                .putInt(0).putInt(262144).putInt(linkType).array();
    }

    private static byte[] record(ByteOrder order, long sec, long frac, byte[] data) {
        return ByteBuffer.allocate(16 + data.length).order(order).putInt((int) sec).putInt((int) frac)
                .putInt(data.length).putInt(data.length).put(data).array();
    }

    private static byte[] ethernet(int etherType, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.put(new byte[12]).putShort((short) etherType).put(payload);
        return b.array();
    }

    /** An IPv4 header without options, a UDP header to {@code dstPort} and a 24-byte BFD packet of zeros. */
    private static byte[] ipv4(byte[] src, int dstPort) {
        ByteBuffer b = ByteBuffer.allocate(20 + 8 + 24);
        b.put((byte) 0x45).put((byte) 0xc0).putShort((short) 52).putInt(0).put((byte) 255).put((byte) 17)
                .putShort((short) 0).put(src).put(new byte[] {(byte) 192, 0, 2, 1});
        b.putShort((short) 49152).putShort((short) dstPort).putShort((short) 32).putShort((short) 0);
        return b.array();
    }
}
