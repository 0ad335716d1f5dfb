package io.netctl.perf.bfd;

import io.netctl.bfd.codec.AuthType;
import io.netctl.bfd.codec.BfdAuthKey;
import io.netctl.bfd.codec.BfdAuthKeyring;
import io.netctl.bfd.codec.BfdAuthSequence;
import io.netctl.bfd.codec.BfdAuthenticator;
import io.netctl.bfd.codec.BfdControlPacket;
import io.netctl.bfd.codec.BfdControlPacketDecoder;
import io.netctl.bfd.codec.BfdControlPacketEncoder;
import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.codec.DropReason;
import io.netctl.bfd.session.BfdSession;
import io.netctl.bfd.session.BfdSessionConfig;
import io.netctl.bfd.session.BfdSessionKey;
import io.netctl.bfd.session.BfdSessionTable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The BFD hot paths: stateless decode/validate of a received packet through the flyweight, encode of the mandatory
 * section, keyed SHA1 sign and verify, and the whole receive path of an Up session (table demux, checks, state
 * machine, histogram). Run with {@code -prof gc}: {@code gc.alloc.rate.norm} should be about 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BfdCodecBenchmark {
    private final BfdControlPacket rx = new BfdControlPacket();
    private final BfdControlPacket tx = new BfdControlPacket();
    private final BfdAuthenticator authenticator = new BfdAuthenticator();
    private final BfdAuthKeyring ring =
            BfdAuthKeyring.of(AuthType.KEYED_SHA1, new BfdAuthKey(1, "benchmark-key".getBytes()));
    private final BfdAuthSequence sequence = new BfdAuthSequence(1);
    private ByteBuf plain;
    private ByteBuf signed;
    private ByteBuf out;
    private BfdSessionTable table;
    private BfdSessionKey key;
    private long now = 1_000_000_000L;

    @Setup
    public void setUp() throws Exception {
        plain = packet(BfdState.UP, 0x0b, 0x0a);
        out = Unpooled.directBuffer(64, 64);
        signed = Unpooled.directBuffer(64, 64);
        BfdControlPacket p = new BfdControlPacket().wrap(signed, 0, 64);
        BfdControlPacketEncoder.writeMandatory(p, 1, 0, BfdState.UP, 3, 0x0b, 0x0a, 10_000, 10_000, 0);
        signed.writerIndex(authenticator.sign(p, ring, 42));

        key = BfdSessionKey.singleHop(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.0.2.2"), 0);
        table = new BfdSessionTable();
        BfdSession session = BfdSession.builder(key, 0x0a).config(BfdSessionConfig.of(10_000, 10_000, 3))
                .packetSink((s, b) -> { }).build();
        table.add(session);
        session.start(now);
        ByteBuf init = packet(BfdState.INIT, 0x0b, 0x0a);
        table.onPacket(rx.wrap(init, 0, init.readableBytes()), key.localAddress(), key.peerAddress(), 0, false, now);
        if (session.state() != BfdState.UP) {
            throw new IllegalStateException("session: " + session.state() + " (expected: Up)");
        }
    }

    private static ByteBuf packet(BfdState state, int my, int your) {
        ByteBuf b = Unpooled.directBuffer(24, 24);
        BfdControlPacket p = new BfdControlPacket().wrap(b, 0, 24);
        BfdControlPacketEncoder.writeMandatory(p, 1, 0, state, 3, my, your, 10_000, 10_000, 0);
        b.writerIndex(24);
        return b;
    }

    @Benchmark
    public DropReason decodeValidate() {
        return BfdControlPacketDecoder.validate(rx.wrap(plain, 0, plain.readableBytes()));
    }

    @Benchmark
    public int encodeMandatory() {
        tx.wrap(out, 0, 64);
        BfdControlPacketEncoder.writeMandatory(tx, 1, 0, BfdState.UP, 3, 0x0a, 0x0b, 10_000, 10_000, 0);
        return tx.length();
    }

    @Benchmark
    public int encodeAndSignSha1() {
        tx.wrap(out, 0, 64);
        BfdControlPacketEncoder.writeMandatory(tx, 1, 0, BfdState.UP, 3, 0x0a, 0x0b, 10_000, 10_000, 0);
        return authenticator.sign(tx, ring, 42);
    }

    @Benchmark
    public DropReason verifySha1() {
        sequence.reset();
        return authenticator.verify(rx.wrap(signed, 0, signed.readableBytes()), ring, sequence);
    }

    /** What the event loop does per received packet of an Up session (demux, checks, state, histogram). */
    @Benchmark
    public DropReason sessionReceive() {
        now += 10_000_000L;
        return table.onPacket(rx.wrap(plain, 0, plain.readableBytes()), key.localAddress(), key.peerAddress(), 0,
                false, now);
    }
}
