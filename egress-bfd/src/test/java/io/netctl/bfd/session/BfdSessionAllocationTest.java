package io.netctl.bfd.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netctl.bfd.codec.AuthType;
import io.netctl.bfd.codec.BfdAuthKey;
import io.netctl.bfd.codec.BfdAuthKeyring;
import io.netctl.bfd.codec.BfdAuthenticator;
import io.netctl.bfd.codec.BfdControlPacket;
import io.netctl.bfd.codec.BfdControlPacketEncoder;
import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.codec.DropReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The steady-state receive path (table demux, validation, keyed SHA1 verification, state machine, histogram) and the
 * periodic transmit path (encode, sign, hand to the sink) allocate nothing. A stand-in for the JMH -prof gc run.
 */
class BfdSessionAllocationTest {

    @Test
    void steadyStateAllocatesNothingPerPacket() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        BfdAuthKeyring ring = BfdAuthKeyring.of(AuthType.KEYED_SHA1, new BfdAuthKey(1, "key".getBytes()));
        BfdSessionConfig cfg = BfdSessionConfig.of(10_000, 10_000, 3).withAuth(ring);
        BfdSessionKey key = BfdSessionKey.singleHop(InMemoryWire.ADDR_A, InMemoryWire.ADDR_B, 0);
        long[] sent = new long[1];
        BfdSession session = BfdSession.builder(key, 0x0c).config(cfg)
                .packetSink((s, p) -> sent[0] += p.readableBytes()).clock(() -> 0L).build();
        BfdSessionTable table = new BfdSessionTable();
        table.add(session);
        long now = 1_000_000_000L;
        session.start(now);

        // The peer's packet: Init, addressed to us, keyed SHA1. Keyed (non-meticulous) auth allows a sequence number
        // to repeat, so the same bytes can be received over and over.
        ByteBuf buf = Unpooled.buffer(64, 64);
        BfdControlPacket peer = new BfdControlPacket().wrap(buf, 0, 64);
        BfdControlPacketEncoder.writeMandatory(peer, 1, 0, BfdState.INIT, 3, 0x0b, 0x0c, 10_000, 10_000, 0);
        buf.writerIndex(new BfdAuthenticator().sign(peer, ring, 77));
        BfdControlPacket rx = new BfdControlPacket().wrap(buf);

        int failures = 0;
        for (int round = 0; round < 2; round++) { // round 0 warms up and takes the session Up (one event)
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++) {
                now += 10_000_000L;
                if (table.onPacket(rx, key.localAddress(), key.peerAddress(), 0, false, now) != DropReason.NONE) {
                    failures++;
                }
                session.doWork(now);
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                assertThat(session.state()).isEqualTo(BfdState.UP);
                // Less than a byte per cycle (the smallest object is 16 bytes): what remains is the probe itself.
                assertThat(allocated).as("bytes allocated by 20k receive + transmit cycles").isLessThan(20_000);
            }
        }
        assertThat(failures).isZero();
        assertThat(session.stats().packetsSent()).isGreaterThan(20_000);
        assertThat(session.stats().rxIntervalUs().getTotalCount()).isEqualTo(39_999);
        assertThat(sent[0]).isEqualTo(session.stats().packetsSent() * 52);
    }
}
