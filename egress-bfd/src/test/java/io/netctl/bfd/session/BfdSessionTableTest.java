package io.netctl.bfd.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netctl.bfd.codec.BfdControlMessage;
import io.netctl.bfd.codec.BfdControlPacket;
import io.netctl.bfd.codec.BfdControlPacketEncoder;
import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.codec.DropReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class BfdSessionTableTest {
    private static final InetAddress LOCAL = InMemoryWire.ADDR_A;
    private static final InetAddress PEER = InMemoryWire.ADDR_B;

    private final ManualClock clock = new ManualClock(0);
    private final BfdSessionTable table = new BfdSessionTable();

    private BfdSession session(BfdSessionKey key, int disc) {
        BfdSession s = BfdSession.builder(key, disc).packetSink((x, p) -> { }).clock(clock).build();
        table.add(s);
        s.start(0);
        return s;
    }

    private static BfdControlPacket packet(BfdState state, int my, int your) {
        ByteBuf buf = Unpooled.buffer();
        BfdControlPacketEncoder.encode(BfdControlMessage.builder().state(state).myDiscriminator(my)
                .yourDiscriminator(your).build(), buf);
        return new BfdControlPacket().wrap(buf);
    }

    @Test
    void dispatchesByYourDiscriminator() {
        BfdSession s = session(BfdSessionKey.singleHop(LOCAL, PEER, 3), 42);
        assertThat(table.onPacket(packet(BfdState.DOWN, 9, 42), LOCAL, PEER, 3, false, 1)).isEqualTo(DropReason.NONE);
        assertThat(s.state()).isEqualTo(BfdState.INIT);
        assertThat(table.onPacket(packet(BfdState.UP, 9, 43), LOCAL, PEER, 3, false, 2))
                .isEqualTo(DropReason.NO_SESSION);
        assertThat(table.unattributedDrops(DropReason.NO_SESSION)).isEqualTo(1);
    }

    @Test
    void zeroYourDiscriminatorIsMatchedByAddressesAndInterface() {
        BfdSession exact = session(BfdSessionKey.singleHop(LOCAL, PEER, 3), 42);
        assertThat(table.onPacket(packet(BfdState.DOWN, 9, 0), LOCAL, PEER, 3, false, 1)).isEqualTo(DropReason.NONE);
        assertThat(exact.remoteDiscriminator()).isEqualTo(9);
        // another interface, no "any interface" session: no match
        assertThat(table.onPacket(packet(BfdState.DOWN, 9, 0), LOCAL, PEER, 4, false, 1))
                .isEqualTo(DropReason.NO_SESSION);
        BfdSession any = session(BfdSessionKey.singleHop(LOCAL, PEER, 0), 43);
        assertThat(table.onPacket(packet(BfdState.DOWN, 8, 0), LOCAL, PEER, 4, false, 1)).isEqualTo(DropReason.NONE);
        assertThat(any.remoteDiscriminator()).isEqualTo(8);
        // multihop sessions are separate (RFC 5883)
        assertThat(table.onPacket(packet(BfdState.DOWN, 8, 0), LOCAL, PEER, 0, true, 1))
                .isEqualTo(DropReason.NO_SESSION);
        BfdSession mh = session(BfdSessionKey.multihop(LOCAL, PEER), 44);
        assertThat(table.onPacket(packet(BfdState.DOWN, 7, 0), LOCAL, PEER, 0, true, 1)).isEqualTo(DropReason.NONE);
        assertThat(mh.remoteDiscriminator()).isEqualTo(7);
    }

    @Test
    void statelessFailuresAreCountedByTheTable() {
        session(BfdSessionKey.singleHop(LOCAL, PEER, 0), 42);
        assertThat(table.onPacket(packet(BfdState.UP, 9, 0), LOCAL, PEER, 0, false, 1))
                .isEqualTo(DropReason.ZERO_YOUR_DISCRIMINATOR_IN_STATE);
        assertThat(table.unattributedDrops(DropReason.ZERO_YOUR_DISCRIMINATOR_IN_STATE)).isEqualTo(1);
    }

    @Test
    void keysAndDiscriminatorsAreUnique() {
        BfdSession s = session(BfdSessionKey.singleHop(LOCAL, PEER, 0), 42);
        assertThatThrownBy(() -> session(BfdSessionKey.singleHop(LOCAL, PEER, 1), 42))
                .hasMessage("local discriminator: 42 (expected: unique)");
        assertThatThrownBy(() -> session(BfdSessionKey.singleHop(LOCAL, PEER, 0), 41))
                .hasMessageStartingWith("session key: ");
        assertThat(table.remove(s)).isTrue();
        assertThat(table.remove(s)).isFalse();
        assertThat(table.size()).isZero();
    }

    @Test
    void configValidationReadsLikeNetty() {
        assertThatThrownBy(() -> BfdSessionConfig.of(50_000, 50_000, 0))
                .hasMessage("detect multiplier: 0 (expected: 1-255)");
        assertThatThrownBy(() -> BfdSessionConfig.of(0, 50_000, 3))
                .hasMessage("desired min tx interval: 0us (expected: 1-4294967295)");
        assertThatThrownBy(() -> BfdSession.builder(BfdSessionKey.singleHop(LOCAL, PEER, 0), 0).build())
                .hasMessage("local discriminator: 0 (expected: != 0)");
    }
}
