package io.netctl.bfd.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

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
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Bad input against an Up session with meticulous keyed SHA1 (the strictest checks): random bytes, truncated packets,
 * version ≠ 1, Length below 24 or beyond the datagram, multiplier 0, My Discriminator 0, the A bit without an
 * authentication section, a wrong key, replayed sequence numbers. Nothing throws, the state never changes, and every
 * packet is counted as dropped, with a reason, by the session or by the table.
 */
class BfdSessionBadInputPropertiesTest {
    private static final long MS = 1_000_000L;
    private static final int OURS = 0x0a0a0a0a;
    private static final int PEERS = 0x0b0b0b0b;
    private static final BfdAuthKeyring RING =
            BfdAuthKeyring.of(AuthType.METICULOUS_KEYED_SHA1, new BfdAuthKey(1, "right-key".getBytes()));
    private static final BfdAuthKeyring WRONG =
            BfdAuthKeyring.of(AuthType.METICULOUS_KEYED_SHA1, new BfdAuthKey(1, "wrong-key".getBytes()));

    private final BfdAuthenticator auth = new BfdAuthenticator();
    private final BfdSessionKey key = BfdSessionKey.singleHop(InMemoryWire.ADDR_A, InMemoryWire.ADDR_B, 0);
    private final BfdSessionTable table = new BfdSessionTable();
    private final BfdSession session = BfdSession.builder(key, OURS)
            .config(BfdSessionConfig.of(50_000, 50_000, 3).withAuth(RING))
            .packetSink((s, p) -> { })
            .build();
    private long now = 1_000 * MS;
    private int peerSeq = 1000;
    /** A packet the session accepted: replaying it must fail the sequence check. */
    private byte[] accepted;

    /** A valid packet from the peer (state Up, signed with {@code ring} and sequence {@code seq}). */
    private byte[] peerPacket(BfdState state, int your, BfdAuthKeyring ring, int seq) {
        ByteBuf buf = Unpooled.buffer(64, 64);
        BfdControlPacket p = new BfdControlPacket().wrap(buf, 0, 64);
        BfdControlPacketEncoder.writeMandatory(p, 1, 0, state, 3, PEERS, your, 50_000, 50_000, 0);
        int len = auth.sign(p, ring, seq);
        byte[] out = new byte[len];
        buf.getBytes(0, out);
        return out;
    }

    private DropReason receive(byte[] bytes) {
        BfdControlPacket p = new BfdControlPacket().wrap(Unpooled.wrappedBuffer(bytes), 0, bytes.length);
        return table.onPacket(p, key.localAddress(), key.peerAddress(), 0, false, now);
    }

    private void bringUp() {
        table.add(session);
        session.start(now);
        assertThat(receive(peerPacket(BfdState.DOWN, 0, RING, peerSeq++))).isEqualTo(DropReason.NONE);
        assertThat(receive(peerPacket(BfdState.UP, OURS, RING, peerSeq++))).isEqualTo(DropReason.NONE);
        accepted = peerPacket(BfdState.UP, OURS, RING, peerSeq++);
        assertThat(receive(accepted)).isEqualTo(DropReason.NONE);
        assertThat(session.state()).isEqualTo(BfdState.UP);
    }

    private long droppedEverywhere() {
        long n = session.stats().droppedTotal();
        for (DropReason r : DropReason.values()) {
            n += table.unattributedDrops(r);
        }
        return n;
    }

    /** One malformed packet per category; {@code r} picks the details. */
    private Gen<byte[]> badPackets() {
        return in -> {
            int category = integers().between(0, 9).generate(in);
            int r = integers().between(0, Integer.MAX_VALUE - 1).generate(in);
            byte[] good = peerPacket(BfdState.UP, OURS, RING, peerSeq + 1 + (r & 0xff));
            return switch (category) {
                case 0 -> { // random bytes (a random valid-looking packet is astronomically unlikely)
                    byte[] b = new byte[r % 80];
                    new java.util.SplittableRandom(r).nextBytes(b);
                    if (b.length > 0) {
                        b[0] = (byte) (b[0] & 0x1f); // version 0: never a valid packet
                    }
                    yield b;
                }
                case 1 -> Arrays.copyOf(good, r % good.length); // truncated
                case 2 -> { // version != 1
                    good[0] = (byte) ((((r % 7) + 2) << 5) | (good[0] & 0x1f));
                    yield good;
                }
                case 3 -> { // Length below 24
                    good[3] = (byte) (r % 24);
                    yield good;
                }
                case 4 -> { // Length beyond the datagram
                    good[3] = (byte) (good.length + 1 + r % (255 - good.length));
                    yield good;
                }
                case 5 -> { // multiplier 0
                    good[2] = 0;
                    yield good;
                }
                case 6 -> { // My Discriminator 0
                    good[4] = good[5] = good[6] = good[7] = 0;
                    yield good;
                }
                case 7 -> { // A bit without an authentication section
                    byte[] b = Arrays.copyOf(good, 24);
                    b[3] = 24;
                    yield b;
                }
                case 8 -> peerPacket(BfdState.DOWN, OURS, WRONG, peerSeq + 1 + (r & 0xff)); // wrong key
                default -> accepted.clone(); // replayed sequence number
            };
        };
    }

    @Test
    void badInputNeverThrowsNeverChangesStateAndIsAlwaysCounted() {
        bringUp();
        qt().withExamples(3_000).forAll(badPackets()).checkAssert(bytes -> {
            long before = droppedEverywhere();
            long received = session.stats().packetsReceived();
            BfdState state = session.state();
            DropReason reason = receive(bytes);
            assertThat(reason).isNotEqualTo(DropReason.NONE);
            assertThat(session.state()).isEqualTo(state).isEqualTo(BfdState.UP);
            assertThat(session.stats().packetsReceived()).isEqualTo(received);
            assertThat(droppedEverywhere()).isEqualTo(before + 1);
            // Keep the session Up between examples (its detection time is 150 ms; no time passes here).
        });
        assertThat(session.stats().dropped(DropReason.AUTH_FAILED)).isPositive();
        assertThat(session.stats().dropped(DropReason.AUTH_SEQUENCE)).isPositive();
        assertThat(table.unattributedDrops(DropReason.BAD_VERSION)).isPositive();
        assertThat(table.unattributedDrops(DropReason.ZERO_MULTIPLIER)).isPositive();
        assertThat(table.unattributedDrops(DropReason.ZERO_MY_DISCRIMINATOR)).isPositive();
        assertThat(table.unattributedDrops(DropReason.BAD_LENGTH)).isPositive();
        assertThat(table.unattributedDrops(DropReason.TOO_SHORT)).isPositive();
    }
}
