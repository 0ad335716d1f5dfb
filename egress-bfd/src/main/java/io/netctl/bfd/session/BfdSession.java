package io.netctl.bfd.session;

import static io.netctl.bfd.codec.BfdState.ADMIN_DOWN;
import static io.netctl.bfd.codec.BfdState.DOWN;
import static io.netctl.bfd.codec.BfdState.INIT;
import static io.netctl.bfd.codec.BfdState.UP;

import io.netctl.bfd.codec.BfdAuthKeyring;
import io.netctl.bfd.codec.BfdAuthSequence;
import io.netctl.bfd.codec.BfdAuthenticator;
import io.netctl.bfd.codec.BfdControlPacket;
import io.netctl.bfd.codec.BfdControlPacketDecoder;
import io.netctl.bfd.codec.BfdControlPacketEncoder;
import io.netctl.bfd.codec.BfdDiagnostic;
import io.netctl.bfd.codec.BfdState;
import io.netctl.bfd.codec.DropReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * One BFD session: the state machine and timers of RFC 5880 §6.8, with no I/O and no clock of its own.
 *
 * <p>Aeron-style duty cycle: the owner calls {@link #onPacket(BfdControlPacket, long)} for each received packet and
 * {@link #doWork(long)} when {@link #nextDeadlineNs()} is reached, passing the time in; packets leave through a
 * {@link BfdPacketSink}, state changes through a {@link BfdEventSink}. Tests drive it with a manual clock. The
 * injected {@link LongSupplier} clock only serves the convenience overloads without a {@code nowNs} argument; the
 * injected {@link RandomGenerator} supplies jitter and the initial authentication sequence number.
 *
 * <p>Single-threaded: every method must be called on the owning thread (the speaker's event loop). Receiving and
 * periodic transmission allocate nothing: the transmit buffer, the authenticator's digests and the counters are all
 * preallocated; only a state change allocates its event.
 *
 * <p>Deliberate choices beyond the letter of the RFC, each explained in {@code docs/bfd.md}:
 * <ul>
 *   <li>While not Up, bfd.DesiredMinTxInterval is at least {@link #NOT_UP_DESIRED_MIN_TX_US} (4/3 s) rather than
 *       exactly 1 s, so that even with 25 % jitter no two packets are less than 1 s apart (§6.8.3 asks for at
 *       least 1 s; this keeps the rate below 1 packet/s).</li>
 *   <li>A packet is sent at once on every state change and at the start of a Poll Sequence, besides the periodic
 *       ones, so the three-way handshake does not wait for the slow timer.</li>
 *   <li>A timer change on an Up session is advertised at once in a Poll Sequence. A larger DesiredMinTx is used
 *       for scheduling and a smaller RequiredMinRx for detection only after the Final arrives (§6.8.3); a smaller
 *       DesiredMinTx and a larger RequiredMinRx are used at once, because the peer adopts a shorter detection time
 *       as soon as it sees our new DesiredMinTx, and a longer detection time on our side is always safe.</li>
 *   <li>When the detection time expires the session forgets the peer entirely (bfd.RemoteDiscr = 0, §6.8.1), in
 *       every state, so the next packets carry Your Discriminator 0 and any peer, including one that restarted with
 *       a new discriminator, can find the session again.</li>
 * </ul>
 */
public final class BfdSession {
    /** §6.8.3: while not Up, bfd.DesiredMinTxInterval must be at least one second. */
    public static final long NOT_UP_MIN_TX_US = 1_000_000L;
    /**
     * The slow rate used while not Up: 4/3 s, so the jittered interval (75–100 %) never drops below
     * {@link #NOT_UP_MIN_TX_US}.
     */
    public static final long NOT_UP_DESIRED_MIN_TX_US = (NOT_UP_MIN_TX_US * 4 + 2) / 3;
    /** No deadline. */
    public static final long NEVER = Long.MAX_VALUE;

    private static final int TX_BUFFER_CAPACITY = BfdControlPacket.MAX_LENGTH + 1;

    private final BfdSessionKey key;
    private final int localDiscriminator;
    private final BfdPacketSink packetSink;
    private final BfdEventSink eventSink;
    private final LongSupplier clock;
    private final RandomGenerator random;
    private final BfdAuthenticator authenticator;
    private final ByteBuf txBuffer = Unpooled.buffer(TX_BUFFER_CAPACITY, TX_BUFFER_CAPACITY);
    private final BfdControlPacket txPacket = new BfdControlPacket();
    private final BfdSessionStats stats = new BfdSessionStats();

    private BfdSessionConfig config;
    private BfdAuthSequence authSequence;

    // RFC 5880 §6.8.1 state variables.
    private BfdState state = DOWN;
    private BfdState remoteState = DOWN;
    private int remoteDiscriminator;
    private BfdDiagnostic localDiag = BfdDiagnostic.NO_DIAGNOSTIC;
    private int remoteDiagCode;
    private long remoteMinRxUs = 1;
    private long remoteDesiredMinTxUs;
    private int remoteDetectMult;
    private boolean remoteDemandMode;
    /** bfd.DesiredMinTxInterval and bfd.RequiredMinRxInterval: what we advertise. */
    private long advDesiredMinTxUs;
    private long advRequiredMinRxUs;
    /** What scheduling and detection use; lags the advertised values until a Poll Sequence ends (§6.8.3). */
    private long txInUseUs;
    private long rxInUseUs;

    private boolean started;
    private boolean pollActive;
    private boolean pollPending;
    private boolean immediateTx;
    private boolean finalPending;

    private long nextTxNs = NEVER;
    private long detectDeadlineNs = NEVER;
    private long authSeqResetNs = NEVER;
    private long lastRxNs = NEVER;

    private BfdSession(Builder b) {
        this.key = Objects.requireNonNull(b.key, "key");
        if (b.localDiscriminator == 0) {
            throw new IllegalArgumentException("local discriminator: 0 (expected: != 0)");
        }
        this.localDiscriminator = b.localDiscriminator;
        this.config = Objects.requireNonNull(b.config, "config");
        this.packetSink = Objects.requireNonNull(b.packetSink, "packetSink");
        this.eventSink = Objects.requireNonNull(b.eventSink, "eventSink");
        this.clock = Objects.requireNonNull(b.clock, "clock");
        this.random = Objects.requireNonNull(b.random, "random");
        this.authenticator = b.authenticator != null ? b.authenticator : new BfdAuthenticator();
        this.authSequence = new BfdAuthSequence(random.nextInt());
        this.advDesiredMinTxUs = this.txInUseUs = targetDesiredMinTxUs();
        this.advRequiredMinRxUs = this.rxInUseUs = config.requiredMinRxUs();
        if (b.adminDown) {
            this.state = ADMIN_DOWN;
            this.localDiag = BfdDiagnostic.ADMINISTRATIVELY_DOWN;
        }
    }

    public static Builder builder(BfdSessionKey key, int localDiscriminator) {
        return new Builder(key, localDiscriminator);
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /** Starts the session in Down (or AdminDown if built so); an active session sends its first packet now. */
    public void start(long nowNs) {
        if (started) {
            return;
        }
        started = true;
        nextTxNs = nowNs;
        doWork(nowNs);
    }

    public void start() {
        start(clock.getAsLong());
    }

    public boolean isStarted() {
        return started;
    }

    /**
     * The duty cycle: handles an expired detection time, the authentication sequence timeout and the periodic
     * transmission that are due at {@code nowNs}.
     *
     * @return the amount of work done (0 when nothing was due)
     */
    public int doWork(long nowNs) {
        if (!started) {
            return 0;
        }
        int work = 0;
        if (nowNs >= detectDeadlineNs) {
            detectDeadlineNs = NEVER;
            onDetectionTimeExpired(nowNs);
            work++;
        }
        if (nowNs >= authSeqResetNs) {
            authSeqResetNs = NEVER;
            authSequence.reset();
            work++;
        }
        work += flush(nowNs); // a state change above sends at once and restarts the periodic timer
        if (nowNs >= nextTxNs) {
            if (periodicTxAllowed()) {
                transmit(false);
            }
            scheduleTx(nowNs);
            work++;
        }
        return work;
    }

    public int doWork() {
        return doWork(clock.getAsLong());
    }

    /** When the detection time expires if no packet arrives before (§6.8.4), or {@link #NEVER}. */
    public long detectionDeadlineNs() {
        return started ? detectDeadlineNs : NEVER;
    }

    /** The earliest time {@link #doWork(long)} has something to do, or {@link #NEVER}. */
    public long nextDeadlineNs() {
        if (!started) {
            return NEVER;
        }
        return Math.min(nextTxNs, Math.min(detectDeadlineNs, authSeqResetNs));
    }

    // ------------------------------------------------------------------------------------------------ reception

    /**
     * Processes a received packet (RFC 5880 §6.8.6). The flyweight's capacity must be the datagram length. Runs the
     * stateless checks again (cheap) so the session is safe to use without a {@link BfdSessionTable}.
     *
     * @return {@link DropReason#NONE} if the packet was accepted, else why it was discarded (also counted)
     */
    public DropReason onPacket(BfdControlPacket p, long nowNs) {
        DropReason reason = BfdControlPacketDecoder.validate(p);
        if (reason != DropReason.NONE) {
            return drop(reason);
        }
        if (!started) {
            return drop(DropReason.NO_SESSION); // not running yet: as if it did not exist
        }
        int your = p.yourDiscriminator();
        if (your != 0 && your != localDiscriminator) {
            return drop(DropReason.NO_SESSION);
        }
        BfdAuthKeyring keyring = config.auth().orElse(null);
        if (p.authPresent()) {
            if (keyring == null) {
                return drop(DropReason.AUTH_UNEXPECTED);
            }
            reason = authenticator.verify(p, keyring, authSequence);
            if (reason != DropReason.NONE) {
                return drop(reason);
            }
        } else if (keyring != null) {
            return drop(DropReason.AUTH_MISSING);
        }

        remoteDiscriminator = p.myDiscriminator();
        remoteState = p.state();
        remoteDemandMode = p.demand();
        remoteMinRxUs = p.requiredMinRxUs();
        remoteDesiredMinTxUs = p.desiredMinTxUs();
        remoteDetectMult = p.detectMult();
        remoteDiagCode = p.diagnosticCode();
        // Echo is not implemented, so a zero Required Min Echo RX Interval needs no action.
        if (p.isFinal() && pollActive) {
            terminatePoll(nowNs);
        }
        pullInTx(nowNs);

        if (state == ADMIN_DOWN) {
            return drop(DropReason.ADMIN_DOWN);
        }

        if (lastRxNs != NEVER) {
            stats.recordRxInterval(nowNs - lastRxNs);
        }
        lastRxNs = nowNs;
        stats.packetsReceived++;
        finalPending = p.poll();

        BfdState received = remoteState;
        if (received == ADMIN_DOWN) {
            if (state != DOWN) {
                state(DOWN, BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN, nowNs);
            }
        } else {
            switch (state) {
                case DOWN -> {
                    if (received == DOWN) {
                        state(INIT, localDiag, nowNs);
                    } else if (received == INIT) {
                        state(UP, BfdDiagnostic.NO_DIAGNOSTIC, nowNs);
                    }
                }
                case INIT -> {
                    if (received == INIT || received == UP) {
                        state(UP, BfdDiagnostic.NO_DIAGNOSTIC, nowNs);
                    }
                }
                case UP -> {
                    if (received == DOWN) {
                        state(DOWN, BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN, nowNs);
                    }
                }
                default -> throw new IllegalStateException("unreachable: " + state);
            }
        }
        armDetection(nowNs);
        flush(nowNs);
        return DropReason.NONE;
    }

    public DropReason onPacket(BfdControlPacket p) {
        return onPacket(p, clock.getAsLong());
    }

    private DropReason drop(DropReason reason) {
        stats.drop(reason);
        return reason;
    }

    /**
     * Counts a packet for this session that the transport discarded before it could reach {@link #onPacket}, such as
     * one that failed the TTL check of RFC 5881 §5 ({@link DropReason#TTL}).
     */
    public void countDrop(DropReason reason) {
        drop(reason);
    }

    /** (Re)arms the detection timer after an accepted packet (§6.8.4), unless local Demand mode makes it idle. */
    private void armDetection(long nowNs) {
        long detectNs = detectionTimeUs() * 1000L;
        if (detectNs == 0) {
            detectDeadlineNs = NEVER;
            authSeqResetNs = NEVER;
            return;
        }
        authSeqResetNs = nowNs + 2 * detectNs;
        detectDeadlineNs = localDemandActive() && !pollActive ? NEVER : nowNs + detectNs;
    }

    private void onDetectionTimeExpired(long nowNs) {
        stats.detectionExpiries++;
        boolean live = state == INIT || state == UP;
        if (live && lastRxNs != NEVER) {
            stats.recordDetectionLatency(nowNs - lastRxNs);
        }
        // §6.8.1: a detection time without a valid packet resets bfd.RemoteDiscr. Forget the rest of the peer too,
        // so the next packets carry Your Discriminator 0 and a restarted peer can find this session again.
        remoteDiscriminator = 0;
        remoteState = DOWN;
        remoteDemandMode = false;
        remoteMinRxUs = 1;
        remoteDesiredMinTxUs = 0;
        remoteDetectMult = 0;
        if (live) {
            state(DOWN, BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED, nowNs);
        }
    }

    // ------------------------------------------------------------------------------------------------ state

    /** The one place the state changes: entry actions, counters, timestamp, event (Aeron style). */
    private void state(BfdState next, BfdDiagnostic diag, long nowNs) {
        BfdState prev = state;
        if (prev == next) {
            return;
        }
        state = next;
        localDiag = diag;
        stats.stateChanges++;
        stats.transition(prev, next);
        if (prev == UP) {
            pollActive = false;
            pollPending = false;
            stats.downCount++;
            stats.lastDownNs = nowNs;
        }
        if (next == UP) {
            stats.upCount++;
            stats.lastUpNs = nowNs;
        }
        BfdAuthKeyring keyring = config.auth().orElse(null);
        if (keyring != null && keyring.type().isKeyed() && !keyring.type().isMeticulous()) {
            // Keyed (non-meticulous): advance the sequence "occasionally" (§6.7.3); on state changes, so a replayed
            // packet from an older state falls behind once the peer has seen a newer one.
            authSequence.nextXmitSeq();
        }
        reconcileTimers(nowNs);
        immediateTx = true;
        eventSink.onStateChange(new BfdStateChange(nowNs, key, prev, next, diag, localDiscriminator,
                remoteDiscriminator));
    }

    /**
     * Administratively disables the session (§6.8.16): AdminDown with {@code diag} (usually
     * {@link BfdDiagnostic#ADMINISTRATIVELY_DOWN}, or {@link BfdDiagnostic#PATH_DOWN} when the path is known to have
     * failed). Packets keep going out at the slow rate, so the peer learns of it; received packets are discarded.
     */
    public void adminDown(BfdDiagnostic diag, long nowNs) {
        if (state != ADMIN_DOWN) {
            state(ADMIN_DOWN, diag, nowNs);
            flush(nowNs);
        }
    }

    public void adminDown(BfdDiagnostic diag) {
        adminDown(diag, clock.getAsLong());
    }

    /** Re-enables an AdminDown session (§6.8.16): it goes to Down. */
    public void adminUp(long nowNs) {
        if (state == ADMIN_DOWN) {
            state(DOWN, BfdDiagnostic.NO_DIAGNOSTIC, nowNs);
            flush(nowNs);
        }
    }

    public void adminUp() {
        adminUp(clock.getAsLong());
    }

    // ------------------------------------------------------------------------------------------------ timers

    /**
     * Applies a new configuration. Timer changes on an Up session start a Poll Sequence and take effect as §6.8.3
     * requires; a change of authentication type resets the received sequence state.
     */
    public void reconfigure(BfdSessionConfig next, long nowNs) {
        Objects.requireNonNull(next, "config");
        BfdAuthKeyring oldRing = config.auth().orElse(null);
        BfdAuthKeyring newRing = next.auth().orElse(null);
        if (oldRing == null || newRing == null || oldRing.type() != newRing.type()) {
            authSequence.reset();
        }
        config = next;
        reconcileTimers(nowNs);
        flush(nowNs);
    }

    public void reconfigure(BfdSessionConfig next) {
        reconfigure(next, clock.getAsLong());
    }

    /**
     * Starts a Poll Sequence now (§6.5), e.g. to verify connectivity while Demand mode is active; a no-op (the
     * request is remembered) while one is already running.
     */
    public void poll(long nowNs) {
        if (pollActive) {
            pollPending = true;
        } else {
            startPoll(nowNs);
        }
        flush(nowNs);
    }

    private long targetDesiredMinTxUs() {
        long configured = config.desiredMinTxUs();
        return state == UP ? configured : Math.max(configured, NOT_UP_DESIRED_MIN_TX_US);
    }

    /** Brings the advertised and in-use timer values towards the configuration (§6.8.3). */
    private void reconcileTimers(long nowNs) {
        long targetTx = targetDesiredMinTxUs();
        long targetRx = config.requiredMinRxUs();
        if (targetTx == advDesiredMinTxUs && targetRx == advRequiredMinRxUs) {
            return;
        }
        if (state != UP) {
            advDesiredMinTxUs = txInUseUs = targetTx;
            advRequiredMinRxUs = rxInUseUs = targetRx;
            pullInTx(nowNs);
            return;
        }
        if (pollActive) {
            pollPending = true;
            return;
        }
        advDesiredMinTxUs = targetTx;
        advRequiredMinRxUs = targetRx;
        // The peer shortens its detection time as soon as it sees a smaller DesiredMinTx, so a TX decrease must be
        // used at once; only an increase waits for the Final. Conversely a larger RequiredMinRx only lengthens our
        // detection time and is safe at once, while a smaller one waits until the peer has acknowledged it.
        if (targetTx < txInUseUs) {
            txInUseUs = targetTx;
            pullInTx(nowNs);
        }
        if (targetRx > rxInUseUs) {
            rxInUseUs = targetRx;
        }
        startPoll(nowNs);
    }

    private void startPoll(long nowNs) {
        pollActive = true;
        immediateTx = true;
        if (localDemandActive()) {
            // §6.6: in Demand mode a Poll without a Final within the detection time means the session is down.
            long detectNs = detectionTimeUs() * 1000L;
            detectDeadlineNs = detectNs == 0 ? NEVER : nowNs + detectNs;
        }
    }

    private void terminatePoll(long nowNs) {
        pollActive = false;
        txInUseUs = advDesiredMinTxUs;
        rxInUseUs = advRequiredMinRxUs;
        // (onPacket pulls the TX deadline in if the interval shrank)
        if (pollPending) {
            pollPending = false;
            long targetTx = targetDesiredMinTxUs();
            if (targetTx == advDesiredMinTxUs && config.requiredMinRxUs() == advRequiredMinRxUs) {
                startPoll(nowNs); // an explicit poll() request
            } else {
                reconcileTimers(nowNs);
            }
        }
    }

    /** If the transmit interval shrank, do not wait for the old, later deadline. */
    private void pullInTx(long nowNs) {
        if (!started || nextTxNs == NEVER) {
            return;
        }
        long maxNs = BfdTimers.maxJitteredNs(txIntervalUs() * 1000L, config.detectMult());
        if (nextTxNs - nowNs > maxNs) {
            scheduleTx(nowNs);
        }
    }

    private void scheduleTx(long nowNs) {
        nextTxNs = nowNs + BfdTimers.jitteredIntervalNs(txIntervalUs() * 1000L, config.detectMult(), random);
    }

    /** §6.8.2 with the in-use DesiredMinTx. */
    private long txIntervalUs() {
        return BfdTimers.negotiatedTxUs(txInUseUs, remoteMinRxUs);
    }

    private long detectionTimeUs() {
        return BfdTimers.detectionTimeUs(remoteDetectMult, rxInUseUs, remoteDesiredMinTxUs);
    }

    // ------------------------------------------------------------------------------------------------ transmission

    private boolean localDemandActive() {
        return config.demandMode() && state == UP && remoteState == UP;
    }

    private boolean remoteDemandActive() {
        return remoteDemandMode && state == UP && remoteState == UP;
    }

    /** §6.8.7: who may send periodic packets. */
    private boolean periodicTxAllowed() {
        if (config.passive() && remoteDiscriminator == 0) {
            return false;
        }
        if (remoteMinRxUs == 0) {
            return false;
        }
        return !remoteDemandActive() || pollActive;
    }

    /** Sends what onPacket/state changes asked for: one packet carrying F if a Poll must be answered. */
    private int flush(long nowNs) {
        if (!immediateTx && !finalPending) {
            return 0;
        }
        boolean fin = finalPending;
        boolean reschedule = immediateTx;
        immediateTx = false;
        finalPending = false;
        int sent = 0;
        // §6.8.7: a Final goes out regardless of timers, state and Demand mode; the passive rule still applies.
        boolean allowed = fin ? !(config.passive() && remoteDiscriminator == 0) : periodicTxAllowed();
        if (started && allowed) {
            transmit(fin);
            sent = 1;
        }
        if (reschedule && started) {
            scheduleTx(nowNs);
        }
        return sent;
    }

    private void transmit(boolean fin) {
        txBuffer.clear();
        txPacket.wrap(txBuffer, 0, TX_BUFFER_CAPACITY);
        BfdControlPacketEncoder.writeMandatory(txPacket, BfdControlPacket.VERSION, localDiag.byteValue(), state,
                config.detectMult(), localDiscriminator, remoteDiscriminator, advDesiredMinTxUs, advRequiredMinRxUs,
                0L);
        txPacket.poll(pollActive && !fin).isFinal(fin).demand(localDemandActive());
        int length = BfdControlPacket.MANDATORY_LENGTH;
        BfdAuthKeyring keyring = config.auth().orElse(null);
        if (keyring != null) {
            int seq = keyring.type().isMeticulous() ? authSequence.nextXmitSeq() : authSequence.xmitAuthSeq();
            length = authenticator.sign(txPacket, keyring, seq);
        }
        txBuffer.writerIndex(length);
        stats.packetsSent++;
        packetSink.send(this, txBuffer);
    }

    // ------------------------------------------------------------------------------------------------ accessors

    public BfdSessionKey key() {
        return key;
    }

    public int localDiscriminator() {
        return localDiscriminator;
    }

    public int remoteDiscriminator() {
        return remoteDiscriminator;
    }

    public BfdState state() {
        return state;
    }

    public BfdState remoteState() {
        return remoteState;
    }

    public BfdDiagnostic localDiagnostic() {
        return localDiag;
    }

    public int remoteDiagnosticCode() {
        return remoteDiagCode;
    }

    public BfdSessionConfig config() {
        return config;
    }

    public boolean pollActive() {
        return pollActive;
    }

    /** bfd.DesiredMinTxInterval as advertised now. */
    public long advertisedDesiredMinTxUs() {
        return advDesiredMinTxUs;
    }

    /** bfd.RequiredMinRxInterval as advertised now. */
    public long advertisedRequiredMinRxUs() {
        return advRequiredMinRxUs;
    }

    /** The interval periodic packets are scheduled at (before jitter), §6.8.2. */
    public long negotiatedTxIntervalUs() {
        return txIntervalUs();
    }

    /** The interval we expect the peer to send at: max(our RequiredMinRx in use, its DesiredMinTx). */
    public long negotiatedRxIntervalUs() {
        return Math.max(rxInUseUs, remoteDesiredMinTxUs);
    }

    /** The detection time of §6.8.4, or 0 while nothing is heard from the peer. */
    public long detectionTimeNs() {
        return detectionTimeUs() * 1000L;
    }

    /** Live counters; see {@link BfdSessionStats} for the threading rule. */
    public BfdSessionStats stats() {
        return stats;
    }

    /** A copy of the operational data; call on the session's thread. */
    public BfdSessionSnapshot snapshot() {
        Map<String, Long> transitions = new java.util.TreeMap<>();
        for (BfdState from : BfdState.values()) {
            for (BfdState to : BfdState.values()) {
                long n = stats.transitions(from, to);
                if (n != 0) {
                    transitions.put(from.displayName() + "->" + to.displayName(), n);
                }
            }
        }
        Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            long n = stats.dropped(r);
            if (n != 0) {
                dropped.put(r, n);
            }
        }
        return new BfdSessionSnapshot(key, localDiscriminator, remoteDiscriminator, state, remoteState, localDiag,
                remoteDiagCode, config.detectMult(), remoteDetectMult, negotiatedTxIntervalUs(),
                negotiatedRxIntervalUs(), detectionTimeUs(), localDemandActive(), pollActive, stats.upCount,
                stats.downCount, stats.lastUpNs, stats.lastDownNs, stats.packetsSent, stats.packetsReceived,
                stats.droppedTotal(), stats.authFailures(), Map.copyOf(dropped), stats.rxIntervalUs.copy(),
                Map.copyOf(transitions), stats.detectionLatencyUs.copy(), stats.detectionExpiries,
                advDesiredMinTxUs, advRequiredMinRxUs, remoteDetectMult == 0 ? 0 : remoteDesiredMinTxUs,
                remoteDetectMult == 0 ? 0 : remoteMinRxUs);
    }

    @Override
    public String toString() {
        return "BfdSession[" + key + ", local " + Integer.toUnsignedString(localDiscriminator) + ", remote "
                + Integer.toUnsignedString(remoteDiscriminator) + ", " + state + "/" + remoteState + ", "
                + localDiag + "]";
    }

    /** Builds a session; everything but the key and discriminator has a production default. */
    public static final class Builder {
        private final BfdSessionKey key;
        private final int localDiscriminator;
        private BfdSessionConfig config = BfdSessionConfig.defaults();
        private BfdPacketSink packetSink;
        private BfdEventSink eventSink = BfdEventSink.NONE;
        private LongSupplier clock = System::nanoTime;
        private RandomGenerator random = new SplittableRandom();
        private BfdAuthenticator authenticator;
        private boolean adminDown;

        private Builder(BfdSessionKey key, int localDiscriminator) {
            this.key = key;
            this.localDiscriminator = localDiscriminator;
        }

        public Builder config(BfdSessionConfig config) {
            this.config = config;
            return this;
        }

        public Builder packetSink(BfdPacketSink packetSink) {
            this.packetSink = packetSink;
            return this;
        }

        public Builder eventSink(BfdEventSink eventSink) {
            this.eventSink = eventSink;
            return this;
        }

        public Builder clock(LongSupplier clock) {
            this.clock = clock;
            return this;
        }

        public Builder random(RandomGenerator random) {
            this.random = random;
            return this;
        }

        /** Share one authenticator among the sessions of a thread; by default each session gets its own. */
        public Builder authenticator(BfdAuthenticator authenticator) {
            this.authenticator = authenticator;
            return this;
        }

        /** Start in AdminDown instead of Down. */
        public Builder adminDown(boolean adminDown) {
            this.adminDown = adminDown;
            return this;
        }

        public BfdSession build() {
            return new BfdSession(this);
        }
    }
}
