package io.netctl.bfd.transport;

import io.netctl.bfd.session.BfdSession;
import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of a session (Netty IdleStateHandler style): it runs the session's duty cycle at its next deadline
 * and reschedules itself. A received packet only re-arms it when it moved a deadline earlier; a deadline that moved
 * later is simply rechecked when the timer fires. Event-loop thread only.
 *
 * <p>When the next deadline is the detection time, the timer wakes {@link #DETECTION_EARLY_WAKE_NS} before it and
 * then waits out the rest with a short timer. The kernel lets a long epoll timeout expire late by a slack that grows
 * with the timeout (measured on the epoll transport: about 0.46 ms median at 150 ms, 0.35 ms at 30 ms), a short one
 * by much less (about 0.17 ms), so a Down is declared that much closer to the RFC 5880 §6.8.4 deadline. Never
 * earlier: the session only expires at or after its deadline, an early wake-up finds nothing due. Transmission keeps
 * the single wake-up (its schedule is jittered anyway), so a busy speaker pays the second wake-up only for peers that
 * went silent.
 */
final class SessionTimer implements Runnable {
    /** How long before a detection deadline the first of its two wake-ups is due. */
    static final long DETECTION_EARLY_WAKE_NS = 1_000_000L;

    private final BfdSession session;
    private final EventLoop loop;
    private ScheduledFuture<?> future;
    private long armedForNs = BfdSession.NEVER;
    private boolean closed;

    SessionTimer(BfdSession session, EventLoop loop) {
        this.session = session;
        this.loop = loop;
    }

    void rearm(long nowNs) {
        if (closed) {
            return;
        }
        long next = session.nextDeadlineNs();
        if (future != null && armedForNs <= next) {
            return; // fires early enough; run() rechecks
        }
        if (future != null) {
            future.cancel(false);
            future = null;
        }
        armedForNs = next;
        if (next != BfdSession.NEVER) {
            future = loop.schedule(this, Math.max(0, wakeAtNs(next, nowNs) - nowNs), TimeUnit.NANOSECONDS);
        }
    }

    /** When to wake for deadline {@code next}: early by {@link #DETECTION_EARLY_WAKE_NS} for a distant detection. */
    long wakeAtNs(long next, long nowNs) {
        if (next == session.detectionDeadlineNs() && next - nowNs > 2 * DETECTION_EARLY_WAKE_NS) {
            return next - DETECTION_EARLY_WAKE_NS;
        }
        return next;
    }

    @Override
    public void run() {
        future = null;
        armedForNs = BfdSession.NEVER;
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        session.doWork(now);
        rearm(now);
    }

    void close() {
        closed = true;
        if (future != null) {
            future.cancel(false);
            future = null;
        }
    }
}
